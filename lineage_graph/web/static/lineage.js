// /lineage?ref=&depth=&direction=&kinds=&hide=&focus=: an entity's lineage drawn by the renderer
// (lineage-view.js, ELK in a worker), grown on demand: expand a node one hop either way, page through a hub.
// Every setting is in the URL: depth, direction and kinds (the API's walk) through go(), which fetches
// again; the legend's hidden kinds and the focused node through history.replaceState, which does not.
import { element, getJSON, go } from "./app.js";

const DIRECTIONS = ["both", "upstream", "downstream"];
const MAX_DEPTH = 10;
const HUB_PAGE = 50;
const WORKER = "/static/vendor/elkjs/elk-worker.min.js";
let assets = null;

// The renderer is a classic script (so `--format html` can inline it): loaded once, beside ELK's client and
// its stylesheet. The first drawing waits for the stylesheet too: it measures the frame to fit the view, and
// before the stylesheet applies the frame is a bare SVG's 300 × 150 (seen on a loaded machine: the view
// fitted into that corner, half of it off the page).
function loadRenderer() {
  if (!assets) {
    const loaded = (tag, attributes) =>
      new Promise((resolve, reject) => {
        const what = attributes.src || attributes.href;
        document.head.append(element(tag, { ...attributes, onload: resolve, onerror: () => reject(new Error(`${what} did not load`)) }));
      });
    assets = Promise.all([
      loaded("link", { rel: "stylesheet", href: "/static/lineage-view.css" }),
      loaded("script", { src: "/static/vendor/elkjs/elk-api.js" }).then(() => loaded("script", { src: "/static/lineage-view.js" })),
    ]);
  }
  return assets;
}

function list(text) {
  return (text || "").split(",").map((item) => item.trim()).filter(Boolean);
}

// A value as Cypher reads it after `:param name =>` in Neo4j Browser (map keys unquoted, or backticked).
function cypherLiteral(value) {
  if (Array.isArray(value)) return `[${value.map(cypherLiteral).join(", ")}]`;
  if (value && typeof value === "object") {
    const key = (name) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `\`${name.replaceAll("`", "``")}\``);
    return `{${Object.entries(value).map(([name, item]) => `${key(name)}: ${cypherLiteral(item)}`).join(", ")}}`;
  }
  return JSON.stringify(value ?? null);
}

function download(blob, name) {
  const link = element("a", { href: URL.createObjectURL(blob), download: name });
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

// The URL's query kept in step with what the renderer shows, without drawing again.
function remember(changes) {
  const query = new URLSearchParams(location.search);
  for (const [name, value] of Object.entries(changes)) {
    if (value) query.set(name, value);
    else query.delete(name);
  }
  history.replaceState(null, "", `${location.pathname}?${query}`);
}

function neo4jDialog(view) {
  const params = Object.entries(view.cypher_params || {}).map(([name, value]) => `:param ${name} => ${cypherLiteral(value)}`);
  const text = [...params, "", view.cypher || ""].join("\n");
  const code = element("pre", { class: "cypher", tabindex: "0" }, text);
  const copied = element("span", { class: "quiet", role: "status" });
  const dialog = element(
    "dialog",
    { class: "neo4j-dialog", "aria-labelledby": "neo4j-dialog-title" },
    element("h2", { id: "neo4j-dialog-title" }, "Open in Neo4j Browser"),
    element("p", {}, "Run each :param line, then the query, in Neo4j Browser: it draws the same nodes."),
    code,
    element(
      "p",
      {},
      element("button", {
        type: "button",
        class: "copy",
        onclick: async () => {
          try {
            await navigator.clipboard.writeText(text);
            copied.textContent = "Copied.";
          } catch {
            getSelection().selectAllChildren(code);
            copied.textContent = "Selected: press Ctrl+C to copy.";
          }
        },
      }, "Copy"),
      " ",
      element("button", { type: "button", onclick: () => dialog.close() }, "Close"),
      " ",
      copied,
    ),
  );
  return dialog;
}

export async function render(main, params) {
  const ref = params.ref;
  if (!ref) {
    main.replaceChildren(element("p", { class: "error", role: "alert" }, "Which entity? Open /lineage?ref=<ARN or openlineage:…>."));
    return;
  }
  const depth = Math.min(MAX_DEPTH, Math.max(1, Number.parseInt(params.depth, 10) || 1));
  const direction = DIRECTIONS.includes(params.direction) ? params.direction : "both";
  const kinds = list(params.kinds);
  const hidden = list(params.hide);
  const [, all, first] = await Promise.all([
    loadRenderer(),
    getJSON("/api/v1/kinds"),
    getJSON("/api/v1/lineage", { ref, direction, depth, ...(kinds.length ? { kinds: kinds.join(",") } : {}) }),
  ]);
  const setting = { ref, depth, direction, kinds: kinds.join(","), hide: hidden.join(","), focus: params.focus };
  const redraw = (changes) => go("/lineage", { ...setting, ...changes, focus: null });

  const depthInput = element("input", { type: "number", id: "lineage-depth", min: 1, max: MAX_DEPTH, value: depth, name: "depth" });
  const directionSelect = element(
    "select",
    { id: "lineage-direction", name: "direction" },
    DIRECTIONS.map((way) => element("option", { value: way, selected: way === direction }, way)),
  );
  const kindBoxes = Object.entries(all.kinds).map(([label, kind]) =>
    element("label", { class: "kind-choice" }, element("input", { type: "checkbox", name: "kinds", value: label, checked: kinds.includes(label) }), ` ${label} (${kind.source})`),
  );
  const form = element(
    "form",
    {
      class: "lineage-controls",
      onsubmit: (event) => {
        event.preventDefault();
        const chosen = kindBoxes.map((label) => label.querySelector("input")).filter((box) => box.checked).map((box) => box.value);
        // Kinds hidden in the legend stay hidden at another depth or direction, not when the walk's kinds change.
        const hide = chosen.join(",") === setting.kinds ? setting.hide : null;
        redraw({ depth: depthInput.value, direction: directionSelect.value, kinds: chosen.join(","), hide });
      },
    },
    element("label", { for: "lineage-depth" }, "Depth "),
    depthInput,
    element("label", { for: "lineage-direction" }, " Direction "),
    directionSelect,
    element("details", { class: "walk-kinds" }, element("summary", {}, kinds.length ? `Walk through ${kinds.length} kinds` : "Walk through every kind"), kindBoxes),
    element("button", { type: "submit" }, "Draw"),
  );
  depthInput.addEventListener("change", () => form.requestSubmit());
  directionSelect.addEventListener("change", () => form.requestSubmit());

  const start = first.nodes.find((node) => node.ref === first.start);
  const dialog = neo4jDialog(first);
  const status = element("p", { class: "quiet", role: "status", "aria-live": "polite" });
  const container = element("div", { id: "lineage", class: "lineage" });
  const actions = element(
    "p",
    { class: "lineage-actions" },
    element("a", { href: `/entity?${new URLSearchParams({ ref })}` }, "Entity page"),
    " ",
    element("button", { type: "button", class: "open-neo4j", onclick: () => dialog.showModal() }, "Open in Neo4j Browser"),
    " ",
    element("button", { type: "button", class: "export-svg", onclick: () => download(new Blob([drawing.exportSVG()], { type: "image/svg+xml" }), "lineage.svg") }, "Export SVG"),
    " ",
    element("button", { type: "button", class: "export-png", onclick: async () => download(await drawing.exportPNG(), "lineage.png") }, "Export PNG"),
  );
  const truncated = first.truncated ? [element("p", { class: "quiet" }, "The view stopped at its most nodes: expand from a node to see further.")] : [];
  main.replaceChildren(
    element("h1", {}, "Lineage of ", element("span", { class: "lineage-start" }, start ? start.name : ref)),
    form,
    actions,
    ...truncated,
    status,
    container,
    dialog,
  );

  const hubOffsets = new Map();
  const busy = async (what, work) => {
    status.textContent = what;
    try {
      await work();
      status.textContent = "";
    } catch (error) {
      status.textContent = String(error.message || error);
    }
  };
  const drawing = new globalThis.LineageView(container, {
    workerUrl: WORKER,
    onOpen: (node) => go("/entity", { ref: node }),
    onExpand: (node, way) =>
      busy(`Expanding ${way}…`, async () => {
        const more = await getJSON("/api/v1/lineage", { ref: node, direction: way, depth: 1, ...(kinds.length ? { kinds: kinds.join(",") } : {}) });
        await drawing.merge(more);
      }),
    onExpandHub: (hub) =>
      busy(`Showing ${Math.min(HUB_PAGE, hub.count)} of ${hub.count}…`, async () => {
        const offset = hubOffsets.get(hub.ref) || 0;
        const page = await getJSON("/api/v1/neighbours", { ref: hub.parent, direction: hub.direction, offset, limit: HUB_PAGE });
        hubOffsets.set(hub.ref, offset + HUB_PAGE);
        await drawing.merge(page);
      }),
    onFocus: (node) => remember({ focus: node }),
    onFilter: (shown) => {
      const drawn = Object.keys(drawing.kinds);
      remember({ hide: shown ? drawn.filter((kind) => !shown.includes(kind)).join(",") : null });
    },
  });
  window.lineageView = drawing; // for the console and the browser tests
  await drawing.set(first);
  if (hidden.length) drawing.filter({ kinds: Object.keys(first.kinds).filter((kind) => !hidden.includes(kind)) });
  if (params.focus) drawing.focus(params.focus, { quiet: true });
}
