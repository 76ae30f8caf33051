// The lineage renderer: draws a view (docs/explorer.md, lineage_graph/query/view.py) as SVG. The explorer's
// /lineage page and `lineage --format html` both use it, so the picture attached to a ticket is the live one.
// A classic script (no module), so the offline HTML file can inline it: it defines globalThis.LineageView.
//
// Layout is ELK's layered algorithm, left to right, in a Web Worker (elk-api.js beside it gives
// globalThis.ELK); edge labels are laid out by ELK too, as nodes of their own, so they overlap neither the
// boxes nor each other. Past CHEAP_PAST nodes, or without a worker, a cheap layout of our own: a column a
// depth, rows in order. `merge` never moves what is drawn: new nodes go into free space beside their
// neighbour. Every string from the graph is set as text (textContent, setAttribute), never parsed as HTML.
(function () {
  "use strict";

  const SVG_NS = "http://www.w3.org/2000/svg";
  const FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
  const NAME_FONT = `600 12px ${FONT_FAMILY}`;
  const KIND_FONT = `11px ${FONT_FAMILY}`;
  const LABEL_FONT = `10.5px ${FONT_FAMILY}`;
  // A box is as wide as its name needs, up to maxWidth; a longer name wraps onto up to `lines` lines of
  // `line` px each (the box grows that much taller), and only a name longer still is shortened in the middle.
  const NODE = { minWidth: 150, maxWidth: 380, height: 44, padding: 10, badge: 22, line: 15, lines: 3 };
  const HUB = { width: 170, height: 32 };
  const LABEL = { height: 15, padding: 4 };
  const CHEAP_PAST = 1000; // OpenMetadata's answer to big graphs too: past this, columns by depth
  // Up to this many nodes ELK places edge labels too (as nodes of their own, which makes layering and
  // crossing minimisation several times slower); past it ELK sweeps once, and labels go where they are free.
  const LABELS_IN_LAYOUT_UP_TO = 150;
  const PAINT_WITHIN_MS = 300; // ELK later than this: the cheap layout is drawn meanwhile
  // "Fit" zooms out no further than this for views up to READABLE_UP_TO nodes: a wide lineage is panned,
  // not shrunk until its names cannot be read. The frame is as tall as the drawing needs, within FRAME.
  const READABLE_ZOOM = 0.75;
  const READABLE_UP_TO = 60;
  const FRAME = { min: 360, share: 0.75 };
  const COLUMN_GAP = 110; // between columns of the cheap layout and of merged nodes: room for a label
  const ROW_GAP = 18;
  const OTHER = { colour: "#bab0ac", border: "#8c8480", text: "#ffffff", noun: "other", source: "" };
  const START_STROKE = "#d00000";
  const EDGE_STROKE = "#6e7781";
  const SOURCE_BADGES = { SageMaker: "SM", OpenLineage: "OL" };
  const ELK_OPTIONS = {
    "elk.algorithm": "layered",
    "elk.direction": "RIGHT",
    "elk.edgeRouting": "ORTHOGONAL",
    "elk.layered.spacing.nodeNodeBetweenLayers": "40",
    "elk.layered.spacing.edgeNodeBetweenLayers": "14",
    "elk.spacing.nodeNode": "22",
    "elk.spacing.edgeNode": "14",
    "elk.spacing.edgeEdge": "8",
    "elk.spacing.edgeLabel": "3",
    "elk.spacing.componentComponent": "40",
    "elk.edgeLabels.placement": "CENTER",
  };
  let instances = 0;
  let measurer = null;
  // One ELK worker a page and worker script, shared by every view drawn there: a view drawn again (another
  // depth, the page opened anew by the router) finds it started and its code already optimised.
  const workers = new Map();

  function elkFor(workerUrl) {
    if (!workerUrl || !globalThis.ELK) return null;
    if (!workers.has(workerUrl)) workers.set(workerUrl, new globalThis.ELK({ workerUrl }));
    return workers.get(workerUrl);
  }

  function textWidth(text, font) {
    measurer = measurer || document.createElement("canvas").getContext("2d");
    measurer.font = font;
    return measurer.measureText(text).width;
  }

  // The text shortened in the middle to fit `width`: both ends of a name say the most
  // (s3://acme-ml-features/…/train.csv, not two boxes reading s3://acme-ml-features/churn/2…).
  function fit(text, font, width) {
    if (textWidth(text, font) <= width) return text;
    let low = 0;
    let high = text.length;
    while (low < high) {
      const keep = Math.ceil((low + high) / 2);
      const head = Math.ceil(keep * 0.45);
      const candidate = `${text.slice(0, head)}…${text.slice(text.length - (keep - head))}`;
      if (textWidth(candidate, font) <= width) low = keep;
      else high = keep - 1;
    }
    const head = Math.ceil(low * 0.45);
    return `${text.slice(0, head)}…${text.slice(text.length - (low - head))}`;
  }

  // Where a name may break: after a separator of paths and URIs, or a space.
  const BREAK_AFTER = /[^/:._\- ]*[/:._\- ]+|[^/:._\- ]+$/g;

  // `text` as lines no wider than `width`, broken after a separator where one is, else between characters;
  // null if that takes more than `most` lines.
  function wrap(text, font, width, most) {
    const lines = [];
    let line = "";
    const push = (piece) => {
      if (textWidth(line + piece, font) <= width) {
        line += piece;
        return;
      }
      if (line) lines.push(line);
      line = "";
      for (const char of piece) {
        if (line && textWidth(line + char, font) > width) {
          lines.push(line);
          line = "";
        }
        line += char;
      }
    };
    for (const piece of text.match(BREAK_AFTER) || [text]) push(piece);
    if (line) lines.push(line);
    return lines.length <= most ? lines : null;
  }

  // `text` in up to `most` lines of `width`: wrapped whole if it fits, else its first and last lines whole
  // and the middle shortened in the middle (both ends of a name say the most).
  function lines(text, font, width, most) {
    const whole = wrap(text, font, width, most);
    if (whole) return whole;
    const all = wrap(text, font, width, Infinity);
    if (most < 3) return [fit(text, font, width)];
    const head = all.slice(0, most - 2).join("");
    const tail = all[all.length - 1];
    return [...all.slice(0, most - 2), fit(text.slice(head.length, text.length - tail.length), font, width), tail];
  }

  function svgElement(tag, attributes, parent) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value !== null && value !== undefined) node.setAttribute(name, String(value));
    }
    if (parent) parent.append(node);
    return node;
  }

  function htmlElement(tag, attributes, parent, text) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value !== null && value !== undefined && value !== false) node.setAttribute(name, value === true ? "" : String(value));
    }
    if (text !== undefined) node.textContent = text;
    if (parent) parent.append(node);
    return node;
  }

  function overlaps(a, b, margin) {
    return a.x < b.x + b.width + margin && b.x < a.x + a.width + margin && a.y < b.y + b.height + margin && b.y < a.y + a.height + margin;
  }

  class LineageView {
    /** `options`: workerUrl (ELK's worker script; without one, the cheap layout), and the callbacks
     * onOpen(ref), onExpand(ref, direction), onExpandHub(hub), onFocus(ref | null), onFilter(kinds | null). */
    constructor(container, options = {}) {
      this.container = container;
      this.options = options;
      this.id = `lv${++instances}`;
      this.nodes = new Map(); // ref -> {ref, data, hub, x, y, width, height}
      this.edges = []; // {data, points, label: {x, y, width, height} | null, curve}
      this.kinds = {};
      this.start = null;
      this.shownKinds = null; // null: every kind
      this.focused = null;
      this.transform = { k: 1, x: 0, y: 0 };
      this.generation = 0;
      this.elk = elkFor(options.workerUrl);
      this.build();
    }

    build() {
      const root = this.container;
      root.classList.add("lineage-view");
      root.replaceChildren();
      const bar = htmlElement("div", { class: "lv-bar" }, root);
      this.legend = htmlElement("fieldset", { class: "lv-legend" }, bar);
      const tools = htmlElement("div", { class: "lv-tools" }, bar);
      const fitButton = htmlElement("button", { type: "button", class: "lv-fit" }, tools, "Fit to view");
      fitButton.addEventListener("click", () => this.fit());
      const only = htmlElement("label", { class: "lv-only" }, tools);
      this.onlyPath = htmlElement("input", { type: "checkbox", disabled: true }, only);
      only.append(" show only this path");
      this.onlyPath.addEventListener("change", () => root.classList.toggle("lv-only-path", this.onlyPath.checked));
      const clear = htmlElement("button", { type: "button", class: "lv-clear", disabled: true }, tools, "Clear focus");
      clear.addEventListener("click", () => this.focus(null));
      this.clearButton = clear;

      this.figure = htmlElement("div", { class: "lv-figure" }, root);
      this.svg = svgElement("svg", { class: "lv-svg", role: "group", "aria-label": "Lineage graph" }, this.figure);
      const defs = svgElement("defs", {}, this.svg);
      this.arrow = `${this.id}-arrow`;
      const marker = svgElement(
        "marker",
        { id: this.arrow, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 10, markerHeight: 10, orient: "auto-start-reverse", markerUnits: "userSpaceOnUse" },
        defs,
      );
      svgElement("path", { d: "M0,0 L10,5 L0,10 z", fill: EDGE_STROKE }, marker);
      this.world = svgElement("g", { class: "lv-world" }, this.svg);
      this.tooltip = htmlElement("div", { class: "lv-tooltip", role: "tooltip", id: `${this.id}-tip`, hidden: true }, this.figure);
      this.list = htmlElement("section", { class: "lv-list", "aria-label": "The lineage graph as a list" }, root);

      this.svg.addEventListener("wheel", (event) => this.wheel(event), { passive: false });
      this.svg.addEventListener("pointerdown", (event) => this.grab(event));
      root.addEventListener("keydown", (event) => {
        if (event.key === "Escape") this.focus(null);
      });
    }

    /** Lays out and draws `view`, replacing what was drawn; resolves once ELK's layout is drawn. If ELK
     * takes longer than PAINT_WITHIN_MS (a cold worker on hundreds of nodes takes seconds), the cheap
     * layout is drawn meanwhile, so a person sees the graph at once and ELK's picture replaces it. */
    async set(view) {
      const generation = ++this.generation;
      this.start = view.start;
      this.kinds = { ...(view.kinds || {}) };
      this.focused = null;
      this.container.dataset.state = "laying-out";
      const nodes = this.entries(view);
      const edges = this.drawable(view.edges || [], nodes);
      this.nodes = new Map(nodes.map((node) => [node.ref, node]));
      this.edges = [];
      this.figure.style.height = "";
      this.world.replaceChildren();
      const area = this.svg.getBoundingClientRect();
      const cheap = () => {
        this.edges = this.cheapLayout(nodes, edges);
        this.draw();
        this.fitHeight(area);
        this.signal(false);
      };
      if (nodes.length > CHEAP_PAST || !this.elk) {
        cheap();
        this.signal(true);
        return;
      }
      const layout = this.elkLayout(nodes, edges).catch(() => null);
      if (nodes.length > LABELS_IN_LAYOUT_UP_TO) {
        cheap(); // ELK takes seconds at this size: no use waiting for it
      } else {
        const late = new Promise((resolve) => setTimeout(resolve, PAINT_WITHIN_MS, "late"));
        if ((await Promise.race([layout, late])) === "late" && generation === this.generation) cheap();
      }
      const laid = await layout;
      if (generation !== this.generation) return;
      if (laid) {
        for (const node of nodes) Object.assign(node, laid.positions.get(node.ref));
        this.edges = laid.edges;
        if (nodes.length > LABELS_IN_LAYOUT_UP_TO) this.labelFree(this.edges);
      } else if (!this.edges.length) {
        this.edges = this.cheapLayout(nodes, edges);
      }
      this.draw();
      this.fitHeight(area);
      this.signal(false);
      this.signal(true);
    }

    /** Adds the nodes, hubs and edges of `view` that are not drawn yet; what is drawn keeps its place. A
     * node's hidden counts become the smaller of the two; a hub's count follows the newer view, and a hub
     * the newer view (from its parent, its way) no longer has is gone: paged to its end. */
    async merge(view) {
      if (!this.nodes.size) return this.set(view);
      Object.assign(this.kinds, view.kinds || {});
      const incoming = this.entries(view);
      const hubRefs = new Set((view.hubs || []).map((hub) => hub.ref));
      const added = [];
      for (const node of incoming) {
        const known = this.nodes.get(node.ref);
        if (!known) {
          this.nodes.set(node.ref, node);
          added.push(node);
        } else if (node.hub) {
          known.data = node.data;
        } else {
          const hidden = {};
          for (const way of ["upstream", "downstream"]) {
            hidden[way] = Math.min((known.data.hidden || {})[way] || 0, (node.data.hidden || {})[way] || 0);
          }
          known.data = { ...known.data, hidden };
        }
      }
      // A hub paged to its end: the merged view starts at its parent, went its way, and has it no more.
      for (const [ref, node] of [...this.nodes]) {
        if (!node.hub || hubRefs.has(ref) || view.start !== node.data.parent) continue;
        const sign = node.data.direction === "upstream" ? -1 : 1;
        if (incoming.some((n) => !n.hub && Math.sign(n.data.depth) === sign)) this.nodes.delete(ref);
      }
      const known = new Set(this.edges.map((edge) => this.edgeKey(edge.data)));
      const fresh = this.drawable(view.edges || [], [...this.nodes.values()]).filter((edge) => !known.has(this.edgeKey(edge)));
      this.edges = this.edges.filter((edge) => this.nodes.has(edge.data.source) && this.nodes.has(edge.data.target));
      this.placeBeside(added, fresh);
      const boxes = this.occupied();
      for (const edge of fresh) this.edges.push(this.curve(edge, boxes));
      this.draw();
      // The frame back to its full height, and the camera (not the drawing) moved if what came is out of sight.
      this.figure.style.height = "";
      const area = this.svg.getBoundingClientRect();
      const { k, x, y } = this.transform;
      const seen = (node) => node.x * k + x >= 0 && node.y * k + y >= 0 && (node.x + node.width) * k + x <= area.width && (node.y + node.height) * k + y <= area.height;
      if (!added.every(seen)) this.fit(area);
      this.signal(false);
      this.signal(true);
    }

    /** Draws only the nodes of `kinds` (null or undefined: every kind) and the edges between them. */
    filter({ kinds } = {}) {
      this.shownKinds = kinds && kinds.length ? new Set(kinds) : null;
      this.applyFilter();
      this.writeList();
    }

    /** Highlights `ref`'s upstream and downstream paths and dims the rest; null clears. */
    focus(ref, { quiet = false } = {}) {
      this.focused = ref && this.nodes.has(ref) ? ref : null;
      const on = this.focused ? this.paths(this.focused) : null;
      for (const group of this.world.querySelectorAll(".lv-node")) {
        const ref_ = group.dataset.ref;
        group.classList.toggle("lv-focused", ref_ === this.focused);
        group.classList.toggle("lv-dim", !!on && !on.nodes.has(ref_));
      }
      for (const group of this.world.querySelectorAll(".lv-edge")) {
        const index = Number(group.dataset.index);
        group.classList.toggle("lv-on-path", !!on && on.edges.has(index));
        group.classList.toggle("lv-dim", !!on && !on.edges.has(index));
      }
      this.onlyPath.disabled = !this.focused;
      this.clearButton.disabled = !this.focused;
      if (!this.focused) {
        this.onlyPath.checked = false;
        this.container.classList.remove("lv-only-path");
      }
      this.container.dataset.focus = this.focused || "";
      if (!quiet && this.options.onFocus) this.options.onFocus(this.focused);
    }

    /** A standalone SVG document of what is drawn: every drawn edge with its arrowhead, styles inlined. */
    exportSVG() {
      const box = this.bounds(true);
      const pad = 20;
      const out = svgElement("svg", {
        xmlns: SVG_NS,
        width: Math.ceil(box.width + 2 * pad),
        height: Math.ceil(box.height + 2 * pad),
        viewBox: `${box.x - pad} ${box.y - pad} ${box.width + 2 * pad} ${box.height + 2 * pad}`,
        "font-family": FONT_FAMILY,
      });
      const style = svgElement("style", {}, out);
      style.textContent = ".lv-dim{opacity:.2}.lv-on-path path{stroke-width:2.4}";
      out.append(this.svg.querySelector("defs").cloneNode(true));
      svgElement("rect", { x: box.x - pad, y: box.y - pad, width: box.width + 2 * pad, height: box.height + 2 * pad, fill: "#ffffff" }, out);
      const world = this.world.cloneNode(true);
      world.removeAttribute("transform");
      const gone = this.container.classList.contains("lv-only-path") ? ".lv-filtered, .lv-dim, .lv-expand" : ".lv-filtered, .lv-expand";
      for (const node of world.querySelectorAll(gone)) node.remove();
      for (const node of world.querySelectorAll("[tabindex]")) node.removeAttribute("tabindex");
      out.append(world);
      return new XMLSerializer().serializeToString(out);
    }

    /** The exported SVG drawn on a canvas, as a PNG blob (`scale` times its size). */
    exportPNG(scale = 2) {
      const text = this.exportSVG();
      const width = Number(/width="(\d+)"/.exec(text)[1]);
      const height = Number(/height="(\d+)"/.exec(text)[1]);
      const url = URL.createObjectURL(new Blob([text], { type: "image/svg+xml" }));
      return new Promise((resolve, reject) => {
        const image = new Image();
        image.onload = () => {
          const canvas = document.createElement("canvas");
          canvas.width = Math.ceil(width * scale);
          canvas.height = Math.ceil(height * scale);
          const context = canvas.getContext("2d");
          context.scale(scale, scale);
          context.drawImage(image, 0, 0, width, height);
          URL.revokeObjectURL(url);
          canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("the PNG could not be made"))), "image/png");
        };
        image.onerror = () => {
          URL.revokeObjectURL(url);
          reject(new Error("the SVG could not be drawn"));
        };
        image.src = url;
      });
    }

    // The figure as tall as the drawing needs at the zoom "fit" will choose, between FRAME.min and
    // FRAME.share of the window (and never taller than the stylesheet's frame); then fit. `area` is the
    // figure's size read before drawing: read after, it would make the browser lay out hundreds of boxes
    // and list items there and then.
    fitHeight(area) {
      const box = this.bounds(false);
      if (!box.width || !area.width) return;
      const k = Math.max(this.minZoom(), Math.min(1, (area.width - 40) / box.width));
      const tallest = Math.max(FRAME.min, Math.min(area.height, window.innerHeight * FRAME.share));
      const height = Math.ceil(Math.min(tallest, Math.max(FRAME.min, box.height * k + 40)));
      this.figure.style.height = `${height}px`;
      this.fit({ width: area.width, height });
    }

    // The least zoom "fit" chooses: READABLE_ZOOM for a view a person reads box by box, none past that.
    minZoom() {
      return this.nodes.size <= READABLE_UP_TO ? READABLE_ZOOM : 0;
    }

    /** Fits the drawing into the view (never larger than its natural size, never smaller than a readable
     * zoom up to READABLE_UP_TO nodes): a drawing larger than the frame then starts at its start node,
     * the rest a drag (or wheel) away. */
    fit(area = this.svg.getBoundingClientRect()) {
      const box = this.bounds(false);
      if (!box.width || !area.width) return;
      const k = Math.max(this.minZoom(), Math.min(1, (area.width - 40) / box.width, (area.height - 40) / box.height));
      const start = this.nodes.get(this.start);
      // Along each axis: centred if it fits, else the start node centred but no blank beyond an edge.
      const place = (size, from, length, centre) => {
        if (length * k <= size - 40 || centre === null) return (size - length * k) / 2 - from * k;
        const at = size / 2 - centre * k;
        return Math.min(20 - from * k, Math.max(size - 20 - (from + length) * k, at));
      };
      this.transform = {
        k,
        x: place(area.width, box.x, box.width, start ? start.x + start.width / 2 : null),
        y: place(area.height, box.y, box.height, start ? start.y + start.height / 2 : null),
      };
      this.applyTransform();
    }

    // --- the view's entries -------------------------------------------------------------------------

    entries(view) {
      const nodes = (view.nodes || []).map((data) => {
        const name = data.name || data.uri || data.ref;
        const room = NODE.maxWidth - 2 * NODE.padding - NODE.badge;
        const shown = lines(name, NAME_FONT, room, NODE.lines);
        const widest = Math.max(...shown.map((line) => textWidth(line, NAME_FONT) + NODE.badge), textWidth(this.what(data), KIND_FONT));
        const width = Math.ceil(Math.min(NODE.maxWidth, Math.max(NODE.minWidth, widest + 2 * NODE.padding + 1)));
        const height = NODE.height + (shown.length - 1) * NODE.line;
        return { ref: data.ref, data, hub: false, x: 0, y: 0, width, height, shown };
      });
      const hubs = (view.hubs || []).map((data) => ({ ref: data.ref, data, hub: true, x: 0, y: 0, width: HUB.width, height: HUB.height }));
      return [...nodes, ...hubs];
    }

    drawable(edges, nodes) {
      const refs = new Set(nodes.map((node) => node.ref));
      return edges.filter((edge) => refs.has(edge.source) && refs.has(edge.target) && edge.source !== edge.target);
    }

    edgeKey(edge) {
      return `${edge.source}\u0000${edge.target}\u0000${edge.type}`;
    }

    kind(name) {
      return this.kinds[name] || OTHER;
    }

    // The second line of a box: the kind's noun, and the type where it says more (DataSet, TrainingJob).
    what(data) {
      const noun = this.kind(data.kind).noun || data.kind;
      return data.type && data.type.toLowerCase() !== String(noun).toLowerCase() ? `${noun} · ${data.type}` : noun;
    }

    // Each box's lines (sized in `entries`, before layout); names too long for them that would read the
    // same once shortened (two part-0000.csv under one deep prefix) drop their common prefix instead, so
    // what tells them apart stays.
    shorten(nodes) {
      const byShort = new Map();
      for (const node of nodes) {
        if (node.hub) continue;
        const name = node.data.name || node.data.uri || node.ref;
        node.room = node.width - 2 * NODE.padding - NODE.badge;
        const read = node.shown.join("");
        if (read === name) continue;
        if (!byShort.has(read)) byShort.set(read, []);
        byShort.get(read).push({ node, name });
      }
      for (const same of byShort.values()) {
        const names = new Set(same.map((entry) => entry.name));
        if (names.size < 2) continue;
        const [first, ...rest] = [...names];
        let common = 0;
        while (common < first.length && rest.every((name) => name[common] === first[common])) common++;
        const cut = first.lastIndexOf("/", common - 1) + 1;
        for (const { node, name } of same) node.shown = lines(`…${name.slice(cut > 0 ? cut - 1 : common)}`, NAME_FONT, node.room, node.shown.length);
      }
    }

    nodeName(ref) {
      const node = this.nodes.get(ref);
      if (!node) return ref;
      return node.hub ? this.hubText(node.data) : node.data.name || node.data.uri || ref;
    }

    hubText(hub) {
      const kinds = Object.keys(hub.kinds || {});
      const what = kinds.length === 1 ? kinds[0] : "more";
      return `+${hub.count} ${what} ${hub.direction}`;
    }

    labelSize(edge) {
      return { width: Math.ceil(textWidth(edge.label || edge.type, LABEL_FONT)) + 2 * LABEL.padding, height: LABEL.height };
    }

    // --- layout ---------------------------------------------------------------------------------------

    async elkLayout(nodes, edges) {
      const labelled = nodes.length <= LABELS_IN_LAYOUT_UP_TO;
      const graph = {
        id: "root",
        layoutOptions: labelled ? ELK_OPTIONS : { ...ELK_OPTIONS, "elk.layered.thoroughness": "1" },
        children: nodes.map((node) => ({ id: node.ref, width: node.width, height: node.height })),
        edges: edges.map((edge, index) => ({
          id: `e${index}`,
          sources: [edge.source],
          targets: [edge.target],
          labels: labelled ? [{ id: `l${index}`, text: edge.label || edge.type, ...this.labelSize(edge) }] : [],
        })),
      };
      const laid = await this.elk.layout(graph);
      const positions = new Map(laid.children.map((child) => [child.id, { x: child.x, y: child.y }]));
      const routed = laid.edges.map((edge, index) => {
        const section = (edge.sections || [])[0];
        const points = section ? [section.startPoint, ...(section.bendPoints || []), section.endPoint] : [];
        const label = (edge.labels || [])[0];
        return {
          data: edges[index],
          points: points.map((p) => ({ x: p.x, y: p.y })),
          label: label && label.x !== undefined ? { x: label.x, y: label.y, width: label.width, height: label.height } : null,
        };
      });
      return { positions, edges: routed };
    }

    // Each edge's label on the middle of its longest horizontal run, where it covers no box and no other
    // label; an edge whose label would is read on hover (its title) and in the list.
    labelFree(routed) {
      const boxes = [...this.nodes.values()].map((node) => ({ x: node.x, y: node.y, width: node.width, height: node.height }));
      const cell = 200;
      const grid = new Map();
      const cells = (box) => {
        const keys = [];
        for (let i = Math.floor(box.x / cell); i <= Math.floor((box.x + box.width) / cell); i++) {
          for (let j = Math.floor(box.y / cell); j <= Math.floor((box.y + box.height) / cell); j++) keys.push(`${i},${j}`);
        }
        return keys;
      };
      const add = (box) => {
        for (const key of cells(box)) {
          if (!grid.has(key)) grid.set(key, []);
          grid.get(key).push(box);
        }
      };
      boxes.forEach(add);
      for (const edge of routed) {
        let best = null;
        for (let i = 1; i < edge.points.length; i++) {
          const [a, b] = [edge.points[i - 1], edge.points[i]];
          if (a.y === b.y && (!best || Math.abs(b.x - a.x) > Math.abs(best[1].x - best[0].x))) best = [a, b];
        }
        if (!best) continue;
        const size = this.labelSize(edge.data);
        if (size.width > Math.abs(best[1].x - best[0].x)) continue;
        const box = { x: (best[0].x + best[1].x) / 2 - size.width / 2, y: best[0].y - size.height / 2, ...size };
        if (cells(box).some((key) => (grid.get(key) || []).some((other) => overlaps(box, other, 1)))) continue;
        edge.label = box;
        add(box);
      }
    }

    // A column a depth, rows in the view's order; hubs a column beyond their parent. Edge types are in
    // each edge's title and the list, not drawn: at this size labels would only cover each other.
    cheapLayout(nodes, edges) {
      const depthOf = new Map(nodes.filter((n) => !n.hub).map((n) => [n.ref, n.data.depth || 0]));
      const columns = new Map();
      for (const node of nodes) {
        const depth = node.hub ? (depthOf.get(node.data.parent) || 0) + (node.data.direction === "upstream" ? -1 : 1) : depthOf.get(node.ref);
        if (!columns.has(depth)) columns.set(depth, []);
        columns.get(depth).push(node);
      }
      let x = 0;
      for (const depth of [...columns.keys()].sort((a, b) => a - b)) {
        const column = columns.get(depth);
        let y = 0;
        for (const node of column) {
          node.x = x;
          node.y = y;
          y += node.height + ROW_GAP;
        }
        x += Math.max(...column.map((node) => node.width)) + COLUMN_GAP;
      }
      return edges.map((edge) => this.curve(edge, null));
    }

    // A merged node goes a column up- or downstream of a drawn neighbour, in the nearest free slot of
    // that column: nothing drawn moves.
    placeBeside(added, edges) {
      const boxes = this.occupied().filter((box) => !added.some((node) => node === box.node));
      const pending = new Set(added);
      const placed = (node) => !pending.has(node);
      while (pending.size) {
        let progress = false;
        for (const node of [...pending]) {
          let anchor = null;
          let side = 1;
          if (node.hub) {
            anchor = this.nodes.get(node.data.parent);
            side = node.data.direction === "upstream" ? -1 : 1;
          } else {
            for (const edge of edges) {
              const other = edge.source === node.ref ? this.nodes.get(edge.target) : edge.target === node.ref ? this.nodes.get(edge.source) : null;
              if (other && placed(other)) {
                anchor = other;
                side = edge.target === node.ref ? 1 : -1;
                break;
              }
            }
          }
          if (!anchor || !placed(anchor)) continue;
          const x = side > 0 ? anchor.x + anchor.width + COLUMN_GAP : anchor.x - COLUMN_GAP - node.width;
          node.x = x;
          node.y = this.freeY(x, anchor.y + anchor.height / 2 - node.height / 2, node, boxes);
          boxes.push({ x: node.x, y: node.y, width: node.width, height: node.height, node });
          pending.delete(node);
          progress = true;
        }
        if (!progress) {
          // Nothing drawn to stand beside: below everything.
          const box = this.bounds(false);
          const node = pending.values().next().value;
          node.x = box.x;
          node.y = this.freeY(box.x, box.y + box.height + 2 * ROW_GAP, node, boxes);
          boxes.push({ x: node.x, y: node.y, width: node.width, height: node.height, node });
          pending.delete(node);
        }
      }
    }

    freeY(x, y, node, boxes) {
      const step = node.height / 2 + ROW_GAP / 2;
      for (let i = 0; ; i++) {
        const offset = (i % 2 ? 1 : -1) * Math.ceil(i / 2) * step;
        const box = { x, y: y + offset, width: node.width, height: node.height };
        if (!boxes.some((other) => overlaps(box, other, ROW_GAP / 2))) return box.y;
      }
    }

    occupied() {
      const boxes = [...this.nodes.values()].map((node) => ({ x: node.x, y: node.y, width: node.width, height: node.height, node }));
      for (const edge of this.edges) if (edge.label) boxes.push(edge.label);
      return boxes;
    }

    // An edge drawn as a curve from the source's right side to the target's left, its label at the
    // curve's middle if that is free (`boxes`), else in the edge's title and the list only.
    curve(edge, boxes) {
      const a = this.nodes.get(edge.source);
      const b = this.nodes.get(edge.target);
      const start = { x: a.x + a.width, y: a.y + a.height / 2 };
      const end = { x: b.x, y: b.y + b.height / 2 };
      let label = null;
      if (boxes) {
        const size = this.labelSize(edge);
        for (const dy of [0, -12, 12, -24, 24]) {
          const box = { x: (start.x + end.x) / 2 - size.width / 2, y: (start.y + end.y) / 2 - size.height / 2 + dy, ...size };
          if (!boxes.some((other) => overlaps(box, other, 2))) {
            label = box;
            boxes.push(box);
            break;
          }
        }
      }
      return { data: edge, points: [start, end], label, curve: true };
    }

    bounds(drawnOnly) {
      let x0 = Infinity;
      let y0 = Infinity;
      let x1 = -Infinity;
      let y1 = -Infinity;
      const take = (x, y, w, h) => {
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x + w);
        y1 = Math.max(y1, y + h);
      };
      for (const node of this.nodes.values()) {
        if (drawnOnly && !this.shown(node)) continue;
        take(node.x - 14, node.y - 6, node.width + 28, node.height + 12);
      }
      for (const edge of this.edges) {
        if (edge.label) take(edge.label.x, edge.label.y, edge.label.width, edge.label.height);
        for (const p of edge.points) take(p.x, p.y, 0, 0);
      }
      return x0 === Infinity ? { x: 0, y: 0, width: 0, height: 0 } : { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
    }

    // --- drawing --------------------------------------------------------------------------------------

    draw() {
      this.shorten([...this.nodes.values()]);
      const edgeLayer = svgElement("g", { class: "lv-edges" });
      const nodeLayer = svgElement("g", { class: "lv-nodes" });
      this.edges.forEach((edge, index) => edgeLayer.append(this.drawEdge(edge, index)));
      for (const node of this.nodes.values()) nodeLayer.append(node.hub ? this.drawHub(node) : this.drawNode(node));
      this.world.replaceChildren(edgeLayer, nodeLayer);
      this.applyTransform();
      this.writeLegend();
      this.applyFilter();
      this.writeList();
      if (this.focused && this.nodes.has(this.focused)) this.focus(this.focused, { quiet: true });
    }

    drawEdge(edge, index) {
      const { data, points } = edge;
      const group = svgElement("g", { class: "lv-edge", "data-index": index, "data-source": data.source, "data-target": data.target, "data-type": data.type });
      const title = `${this.nodeName(data.source)} → ${data.label || data.type} → ${this.nodeName(data.target)}`;
      svgElement("title", {}, group).textContent = title;
      let d;
      if (edge.curve) {
        const [s, t] = points;
        const bend = Math.max(40, Math.abs(t.x - s.x) / 2);
        d = `M${s.x},${s.y} C${s.x + bend},${s.y} ${t.x - bend},${t.y} ${t.x},${t.y}`;
      } else {
        d = points.map((p, i) => `${i ? "L" : "M"}${p.x},${p.y}`).join(" ");
      }
      const colour = data.type === "SAME_OBJECT" ? "#e15759" : EDGE_STROKE;
      svgElement("path", { d, fill: "none", stroke: colour, "stroke-width": 1.4, "marker-end": `url(#${this.arrow})`, "stroke-dasharray": data.type === "SAME_OBJECT" ? "6 3" : null }, group);
      if (edge.label) {
        const { x, y, width, height } = edge.label;
        svgElement("rect", { class: "lv-label-box", x, y, width, height, rx: 3, fill: "#ffffff", "fill-opacity": 0.9 }, group);
        const text = svgElement("text", { class: "lv-label", x: x + width / 2, y: y + height - 4, "text-anchor": "middle", "font-size": 10.5, fill: "#3d444d", "font-family": FONT_FAMILY }, group);
        text.textContent = data.label || data.type;
      }
      return group;
    }

    drawNode(node) {
      const { data } = node;
      const kind = this.kind(data.kind);
      const type = (kind.types || {})[data.type] || {};
      const fill = type.colour || kind.colour || OTHER.colour;
      const border = type.border || kind.border || OTHER.border;
      const ink = kind.text || "#ffffff";
      const isStart = data.ref === this.start;
      const openlineage = data.source === "OpenLineage";
      const name = data.name || data.uri || data.ref;
      const what = this.what(data);
      const group = svgElement("g", {
        class: `lv-node${isStart ? " lv-start" : ""}`,
        transform: `translate(${node.x},${node.y})`,
        tabindex: 0,
        role: "button",
        "data-ref": data.ref,
        "data-kind": data.kind,
        "data-source": data.source,
        "aria-label": `${name}, ${what}${isStart ? ", the start" : ""}`,
        "aria-describedby": `${this.id}-tip`,
      });
      svgElement("title", {}, group).textContent = `${name}\n${what}\n${data.uri || data.ref}`;
      if (isStart) svgElement("rect", { class: "lv-start-ring", x: -4, y: -4, width: node.width + 8, height: node.height + 8, rx: 9, fill: "none", stroke: START_STROKE, "stroke-width": 3 }, group);
      svgElement("rect", {
        class: "lv-box",
        width: node.width,
        height: node.height,
        rx: openlineage ? 14 : 5,
        fill,
        stroke: border,
        "stroke-width": 1.5,
        "stroke-dasharray": openlineage ? "5 3" : null,
      }, group);
      const label = svgElement("text", { class: "lv-name", x: NODE.padding, y: 18, fill: ink, "font-size": 12, "font-weight": 600, "font-family": FONT_FAMILY }, group);
      node.shown.forEach((line, i) => {
        svgElement("tspan", { x: NODE.padding, dy: i ? NODE.line : null }, label).textContent = line;
      });
      const below = 34 + (node.shown.length - 1) * NODE.line;
      const sub = svgElement("text", { class: "lv-kind", x: NODE.padding, y: below, fill: ink, "font-size": 11, "font-family": FONT_FAMILY, "fill-opacity": 0.9 }, group);
      sub.textContent = fit(what, KIND_FONT, node.width - 2 * NODE.padding);
      const badge = SOURCE_BADGES[data.source] || "?";
      svgElement("rect", { class: "lv-badge", x: node.width - NODE.badge - 5, y: 5, width: NODE.badge, height: 13, rx: 3, fill: "#ffffff", "fill-opacity": 0.85 }, group);
      const badgeText = svgElement("text", { x: node.width - NODE.badge / 2 - 5, y: 15, "text-anchor": "middle", "font-size": 9, "font-weight": 700, fill: "#1f2328", "font-family": FONT_FAMILY }, group);
      badgeText.textContent = badge;
      if (this.options.onExpand) {
        for (const way of ["upstream", "downstream"]) {
          const count = (data.hidden || {})[way] || 0;
          if (count > 0) group.append(this.expandButton(node, way, count));
        }
      }
      this.interact(group, node);
      return group;
    }

    expandButton(node, way, count) {
      const text = `+${count}`;
      const width = Math.max(20, Math.ceil(textWidth(text, KIND_FONT)) + 10);
      const x = way === "upstream" ? -width - 4 : node.width + 4;
      const button = svgElement("g", { class: "lv-expand", tabindex: 0, role: "button", "data-direction": way, "aria-label": `Expand ${way}: ${count} more`, transform: `translate(${x},${node.height / 2 - 9})` });
      svgElement("title", {}, button).textContent = `Show ${count} more ${way}`;
      svgElement("rect", { width, height: 18, rx: 9, fill: "#ffffff", stroke: "#59636e" }, button);
      const label = svgElement("text", { x: width / 2, y: 13, "text-anchor": "middle", "font-size": 11, fill: "#1f2328", "font-family": FONT_FAMILY }, button);
      label.textContent = text;
      const act = (event) => {
        event.stopPropagation();
        this.options.onExpand(node.ref, way);
      };
      button.addEventListener("click", act);
      button.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          act(event);
        }
      });
      return button;
    }

    drawHub(node) {
      const hub = node.data;
      const text = this.hubText(hub);
      const group = svgElement("g", { class: "lv-node lv-hub", transform: `translate(${node.x},${node.y})`, tabindex: 0, role: "button", "data-ref": hub.ref, "data-kind": "hub", "aria-label": `${text}: show them` });
      const kinds = Object.entries(hub.kinds || {}).map(([kind, count]) => `${count} ${kind}`).join(", ");
      svgElement("title", {}, group).textContent = `${text} (${kinds}): click to show them`;
      svgElement("rect", { class: "lv-box", width: node.width, height: node.height, rx: node.height / 2, fill: "#f6f8fa", stroke: "#59636e", "stroke-width": 1.5, "stroke-dasharray": "3 3" }, group);
      const label = svgElement("text", { class: "lv-name", x: node.width / 2, y: node.height / 2 + 4, "text-anchor": "middle", "font-size": 12, "font-weight": 600, fill: "#1f2328", "font-family": FONT_FAMILY }, group);
      label.textContent = fit(text, NAME_FONT, node.width - 16);
      this.interact(group, node);
      return group;
    }

    interact(group, node) {
      const open = () => {
        if (node.hub) {
          if (this.options.onExpandHub) this.options.onExpandHub(node.data);
        } else if (this.options.onOpen) this.options.onOpen(node.ref);
      };
      group.addEventListener("click", (event) => {
        event.stopPropagation();
        if (node.hub) open();
        else this.focus(this.focused === node.ref ? null : node.ref);
      });
      group.addEventListener("dblclick", (event) => {
        event.stopPropagation();
        if (!node.hub) open();
      });
      group.addEventListener("keydown", (event) => {
        if (event.target !== group) return;
        if (event.key === "Enter") {
          event.preventDefault();
          open();
        } else if (event.key === " ") {
          event.preventDefault();
          if (!node.hub) this.focus(node.ref);
        }
      });
      group.addEventListener("mouseenter", () => this.showTip(group, node));
      group.addEventListener("mouseleave", () => this.hideTip());
      group.addEventListener("focus", () => this.showTip(group, node));
      group.addEventListener("blur", () => this.hideTip());
    }

    showTip(group, node) {
      const lines = node.hub
        ? [this.hubText(node.data), Object.entries(node.data.kinds || {}).map(([k, c]) => `${c} ${k}`).join(", ")]
        : [node.data.name || node.data.uri, `${this.what(node.data)} · ${node.data.source}`, node.data.uri];
      this.tooltip.replaceChildren(...lines.map((line, i) => htmlElement("div", { class: i ? "lv-tip-more" : "lv-tip-name" }, null, line)));
      const box = group.getBoundingClientRect();
      const area = this.figure.getBoundingClientRect();
      this.tooltip.hidden = false;
      this.tooltip.style.left = `${Math.max(0, box.left - area.left)}px`;
      this.tooltip.style.top = `${box.bottom - area.top + 6}px`;
    }

    hideTip() {
      this.tooltip.hidden = true;
    }

    writeLegend() {
      const drawn = new Set([...this.nodes.values()].filter((node) => !node.hub).map((node) => node.data.kind));
      const legend = htmlElement("legend", {}, null, "Kinds");
      const items = [...drawn].sort().map((name) => {
        const kind = this.kind(name);
        const label = htmlElement("label", { class: "lv-legend-item", "data-kind": name });
        const box = htmlElement("input", { type: "checkbox", value: name }, label);
        box.checked = !this.shownKinds || this.shownKinds.has(name);
        box.addEventListener("change", () => this.legendChanged());
        const swatch = htmlElement("span", { class: `lv-swatch${kind.source === "OpenLineage" ? " lv-swatch-ol" : ""}` }, label);
        swatch.style.background = kind.colour || OTHER.colour;
        swatch.style.borderColor = kind.border || OTHER.border;
        label.append(`${name} (${kind.source || "other"})`);
        return label;
      });
      this.legend.replaceChildren(legend, ...items);
    }

    legendChanged() {
      const boxes = [...this.legend.querySelectorAll("input")];
      const kinds = boxes.filter((box) => box.checked).map((box) => box.value);
      this.filter({ kinds: kinds.length === boxes.length ? null : kinds });
      if (this.options.onFilter) this.options.onFilter(this.shownKinds ? [...this.shownKinds] : null);
    }

    shown(node) {
      if (!this.shownKinds) return true;
      if (node.hub) {
        const parent = this.nodes.get(node.data.parent);
        return !parent || this.shown(parent);
      }
      return this.shownKinds.has(node.data.kind);
    }

    applyFilter() {
      for (const box of this.legend.querySelectorAll("input")) box.checked = !this.shownKinds || this.shownKinds.has(box.value);
      for (const group of this.world.querySelectorAll(".lv-node")) group.classList.toggle("lv-filtered", !this.shown(this.nodes.get(group.dataset.ref)));
      for (const group of this.world.querySelectorAll(".lv-edge")) {
        const edge = this.edges[Number(group.dataset.index)].data;
        group.classList.toggle("lv-filtered", !(this.shown(this.nodes.get(edge.source)) && this.shown(this.nodes.get(edge.target))));
      }
      this.container.dataset.kinds = this.shownKinds ? [...this.shownKinds].join(",") : "";
    }

    writeList() {
      const nodes = [...this.nodes.values()].filter((node) => this.shown(node));
      const edges = this.edges.filter((edge) => this.shown(this.nodes.get(edge.data.source)) && this.shown(this.nodes.get(edge.data.target)));
      const nodeItems = nodes.map((node) => {
        if (node.hub) return htmlElement("li", { class: "lv-list-hub", "data-ref": node.ref }, null, `${this.hubText(node.data)} of ${this.nodeName(node.data.parent)} (not drawn)`);
        const { data } = node;
        const kind = this.kind(data.kind);
        const what = `${kind.noun || data.kind}${data.type ? ` (${data.type})` : ""}, ${data.source}`;
        const start = data.ref === this.start ? " (start)" : "";
        return htmlElement("li", { class: "lv-list-node", "data-ref": data.ref }, null, `${data.name || data.uri}${start} — ${what} — ${data.uri}`);
      });
      const edgeItems = edges.map(({ data }) =>
        htmlElement("li", { class: "lv-list-edge" }, null, `${this.nodeName(data.source)} → ${data.label || data.type} → ${this.nodeName(data.target)}`),
      );
      const nodeCount = nodes.filter((node) => !node.hub).length;
      this.list.replaceChildren(
        htmlElement("h2", {}, null, `Nodes (${nodeCount})`),
        htmlElement("ul", { class: "lv-list-nodes" }),
        htmlElement("h2", {}, null, `Edges (${edges.length})`),
        htmlElement("ul", { class: "lv-list-edges" }),
      );
      this.list.querySelector(".lv-list-nodes").append(...nodeItems);
      this.list.querySelector(".lv-list-edges").append(...edgeItems);
    }

    // The nodes and edges on a path through `ref`: everything upstream of it, everything downstream.
    paths(ref) {
      const walk = (from, to) => {
        const seen = new Set([ref]);
        const edges = new Set();
        const queue = [ref];
        while (queue.length) {
          const at = queue.shift();
          this.edges.forEach((edge, index) => {
            if (edge.data[from] !== at) return;
            edges.add(index);
            const next = edge.data[to];
            if (!seen.has(next)) {
              seen.add(next);
              queue.push(next);
            }
          });
        }
        return { seen, edges };
      };
      const down = walk("source", "target");
      const up = walk("target", "source");
      return { nodes: new Set([...down.seen, ...up.seen]), edges: new Set([...down.edges, ...up.edges]) };
    }

    // --- pan and zoom ---------------------------------------------------------------------------------

    applyTransform() {
      const { k, x, y } = this.transform;
      this.world.setAttribute("transform", `translate(${x},${y}) scale(${k})`);
    }

    wheel(event) {
      event.preventDefault();
      const unit = event.deltaMode === 1 ? 33 : event.deltaMode === 2 ? 800 : 1;
      const factor = Math.pow(1.1, (-event.deltaY * unit) / 100); // 10 % a notch (100 px)
      const area = this.svg.getBoundingClientRect();
      const px = event.clientX - area.left;
      const py = event.clientY - area.top;
      const t = this.transform;
      this.transform = { k: t.k * factor, x: px - (px - t.x) * factor, y: py - (py - t.y) * factor };
      this.applyTransform();
    }

    grab(event) {
      if (event.button !== 0 || event.target.closest(".lv-node, .lv-expand")) return;
      const from = { x: event.clientX - this.transform.x, y: event.clientY - this.transform.y };
      this.svg.setPointerCapture(event.pointerId);
      this.svg.classList.add("lv-grabbing");
      const move = (e) => {
        this.transform = { ...this.transform, x: e.clientX - from.x, y: e.clientY - from.y };
        this.applyTransform();
      };
      const release = () => {
        this.svg.removeEventListener("pointermove", move);
        this.svg.removeEventListener("pointerup", release);
        this.svg.removeEventListener("pointercancel", release);
        this.svg.classList.remove("lv-grabbing");
      };
      this.svg.addEventListener("pointermove", move);
      this.svg.addEventListener("pointerup", release);
      this.svg.addEventListener("pointercancel", release);
    }

    // What tests and the bench wait for: "painted" (the graph is on screen, perhaps in the cheap layout
    // while ELK works) and "drawn" (laid out for good): data-state, data-drawn (a count of final draws)
    // and the performance marks lineage-view-painted and lineage-view-drawn.
    signal(final) {
      this.container.dataset.state = final ? "drawn" : "painted";
      if (final) this.container.dataset.drawn = String(Number(this.container.dataset.drawn || 0) + 1);
      // The marks once the browser has laid out and painted the frame, not when the script has done.
      const mark = final ? "lineage-view-drawn" : "lineage-view-painted";
      if (globalThis.performance && performance.mark) requestAnimationFrame(() => setTimeout(() => performance.mark(mark)));
    }
  }

  globalThis.LineageView = LineageView;
})();
