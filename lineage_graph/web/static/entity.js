// An entity's page (/entity?ref=): what it is, when the graph last heard of it, where to go from it
// (lineage, impact, audit), its parameters, metrics, tags, facets and properties as tables, and its
// neighbours each way by kind with a few named. Every value is set as text.
import { element, getJSON } from "./app.js";

// The contexts the audit view answers for (an endpoint, a model package group).
const AUDITED = { Context: ["Endpoint", "ModelGroup"] };

// Impact starts from data: an artifact's source URI, or an OpenLineage dataset in S3 (query/impact_view.py).
function hasImpact(page) {
  return (page.kind === "Artifact" && Boolean(page.source_uri)) || (page.kind === "OpenLineageDataset" && page.uri.startsWith("s3://"));
}

function text(value) {
  if (value === null || value === undefined) return "";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

function table(caption, head, rows) {
  return element(
    "table",
    { class: "properties" },
    element("caption", {}, caption),
    element("thead", {}, element("tr", {}, head.map((h) => element("th", { scope: "col" }, h)))),
    element("tbody", {}, rows.map(([key, ...cells]) =>
      element("tr", {}, element("th", { scope: "row" }, key), cells.map((c) => element("td", {}, text(c)))))),
  );
}

function pairs(caption, values) {
  const entries = Object.entries(values);
  return entries.length ? table(caption, ["Name", "Value"], entries) : null;
}

function metricsTable(metrics) {
  const names = Object.keys(metrics);
  if (!names.length) return null;
  const stats = [...new Set(names.flatMap((name) => Object.keys(metrics[name])))];
  return table("Metrics", ["Metric", ...stats], names.map((name) => [name, ...stats.map((s) => metrics[name][s])]));
}

function link(ref, label) {
  return element("a", { href: `/entity?${new URLSearchParams({ ref })}` }, label);
}

// "artifact DataSet", "OpenLineage dataset": a kind as /api/v1/kinds names it, and the entity's type.
function kindName(kinds, kind, type) {
  const noun = kinds[kind] ? (kinds[kind].source === "OpenLineage" ? `OpenLineage ${kinds[kind].noun}` : kinds[kind].noun) : kind;
  return [noun, type].filter(Boolean).join(" ");
}

// A read's or a write's facets beside the run or dataset it links ("inputStatistics: rowCount 1000").
function readOrWrite(facets) {
  const parts = Object.entries(facets || {}).map(
    ([name, fields]) => `${name}: ${Object.entries(fields).map(([k, v]) => `${k} ${v}`).join(", ")}`,
  );
  return parts.length ? element("span", { class: "quiet" }, ` ${parts.join("; ")}`) : null;
}

function neighbourSection(title, groups, kinds) {
  if (!groups.length) return null;
  const total = groups.reduce((sum, g) => sum + g.count, 0);
  return element(
    "section",
    { class: "neighbours" },
    element("h3", {}, `${title} (${total})`),
    element("ul", {}, groups.map((g) => {
      const shown = g.sample.length < g.count ? ` (${g.sample.length} of ${g.count} shown)` : "";
      return element(
        "li",
        {},
        element("span", { class: "group" }, `${g.relationship} · ${kindName(kinds, g.kind, g.type)} · ${g.count}`),
        element("ul", { class: "sample" }, g.sample.map((s) => element("li", {}, link(s.ref, s.name), readOrWrite(s.facets)))),
        shown ? element("span", { class: "quiet" }, shown) : null,
      );
    })),
  );
}

export async function render(main, params) {
  if (!params.ref) {
    main.replaceChildren(element("p", { class: "error", role: "alert" }, "No entity named: open one from the search box."));
    return;
  }
  const [page, { kinds }] = await Promise.all([getJSON("/api/v1/entity", { ref: params.ref }), getJSON("/api/v1/kinds")]);
  document.title = `${page.name} · lineage-graph explorer`;
  const ref = new URLSearchParams({ ref: page.ref });
  const links = [
    element("a", { href: `/lineage?${ref}` }, "Lineage"),
    hasImpact(page) ? element("a", { href: `/impact?${ref}` }, "Impact") : null,
    (AUDITED[page.kind] || []).includes(page.type) ? element("a", { href: `/audit?${ref}` }, "Audit") : null,
  ];
  const facets = Object.entries(page.facets).map(([facet, fields]) => pairs(`Facet: ${facet}`, fields));
  const parts = [
    element("h1", {}, page.name),
    element("p", { class: "what" }, `${page.source} · ${kindName(kinds, page.kind, page.type)}`),
    element("p", { class: "uri" }, element("code", {}, page.uri)),
    element("p", { class: "quiet last-seen" },
      page.last_seen ? `Last seen: ${page.last_seen}`
        : page.source === "SageMaker" ? "Last seen: not yet recorded (no full sync, lineage-graph sync --full, has listed it)"
        : "Last seen: no event time recorded"),
    element("nav", { class: "links", "aria-label": "Views of this entity" }, links),
    pairs("Parameters", page.parameters),
    metricsTable(page.metrics),
    pairs("Tags", page.tags),
    ...facets,
    pairs("Properties", page.properties),
    element("h2", {}, "Neighbours"),
    neighbourSection("Upstream", page.neighbours.upstream, kinds),
    neighbourSection("Downstream", page.neighbours.downstream, kinds),
    neighbourSection("Same object in the other source", page.neighbours.joined, kinds),
  ];
  main.replaceChildren(...parts.filter(Boolean)); // the sections with nothing to show are null
}
