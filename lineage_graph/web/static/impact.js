// The impact view (/impact?ref=): everything downstream of a dataset or an S3 prefix, a table per group
// (jobs, models, endpoints, datasets, other), with the same answer as a CSV download.
import { element, getJSON, go } from "./app.js";

const TITLES = { jobs: "Jobs", models: "Models", endpoints: "Endpoints", datasets: "Datasets", other: "Other" };
const COLUMNS = ["Name", "Kind", "Type", "Depth", "Source URI"];
// Rows drawn a group: a prefix high in a bucket reaches thousands; the CSV has them all.
const MAX_ROWS = 500;

function ask(ref) {
  const input = element("input", {
    type: "text", name: "ref", value: ref || "", size: 60, required: true,
    placeholder: "s3://bucket/prefix/, an artifact ARN or openlineage:dataset:s3://…",
    "aria-label": "Dataset or S3 prefix",
  });
  return element(
    "form",
    { class: "impact-ask", onsubmit: (event) => { event.preventDefault(); go("/impact", { ref: input.value.trim() }); } },
    input,
    element("button", { type: "submit" }, "Show impact"),
  );
}

function table(group) {
  const rows = group.entities.slice(0, MAX_ROWS).map((entity) =>
    element(
      "tr",
      {},
      element("td", {}, element("a", { href: `/entity?${new URLSearchParams({ ref: entity.ref })}` }, entity.name)),
      element("td", {}, entity.kind),
      element("td", {}, entity.type || ""),
      element("td", { class: "number" }, entity.depth),
      element("td", { class: "uri" }, entity.source_uri || ""),
    ),
  );
  return element(
    "table",
    { class: "impact", "aria-label": TITLES[group.group] || group.group },
    element("thead", {}, element("tr", {}, COLUMNS.map((column) => element("th", { scope: "col" }, column)))),
    element("tbody", {}, rows),
  );
}

export async function render(main, params) {
  const ref = params.ref;
  if (!ref) {
    main.replaceChildren(element("h1", {}, "Impact"), element("p", {}, "What is downstream of a dataset or an S3 prefix?"), ask(""));
    return;
  }
  const impact = await getJSON("/api/v1/impact", { ref });
  const csv = `/api/v1/impact.csv?${new URLSearchParams({ ref })}`;
  const summary = impact.groups.filter((group) => group.count).map((group) => `${group.count} ${TITLES[group.group].toLowerCase()}`);
  const sections = impact.groups.filter((group) => group.count).map((group) =>
    element(
      "section",
      { class: "impact-group", "data-group": group.group },
      element("h2", {}, `${TITLES[group.group] || group.group} (${group.count})`),
      table(group),
      group.count > MAX_ROWS ? element("p", { class: "quiet" }, `The first ${MAX_ROWS}, nearest first; the CSV has all ${group.count}.`) : null,
    ),
  );
  main.replaceChildren(
    element("h1", {}, "Impact of ", element("code", {}, impact.prefix)),
    ask(ref),
    element(
      "p",
      { class: "impact-summary" },
      impact.count ? `${impact.count} downstream: ${summary.join(", ")}. ` : "Nothing downstream. ",
      element("a", { href: csv, download: "impact.csv" }, "Download CSV"),
      // A prefix is no one entity: only a dataset or artifact has a lineage view.
      ref.startsWith("s3://") ? null : [" · ", element("a", { href: `/lineage?${new URLSearchParams({ ref, direction: "downstream" })}` }, "Lineage view")],
    ),
    ...sections,
  );
}
