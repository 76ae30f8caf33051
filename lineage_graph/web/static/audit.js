// The audit view (/audit?ref=&at=): an endpoint's or a model package group's deployments on a timeline, the
// chosen time T marked, and for the deployment live at T its model package version and approval, training
// job (hyperparameters, metrics), data back to the raw inputs and pipeline execution. T is in the URL: a
// new time (the form, or a deployment's own time) is a new URL to share. "Report" downloads the same answer
// as one self-contained HTML file (/api/v1/audit.html). Every value is set as text, never as HTML.
import { element, getJSON, go } from "./app.js";

const STYLESHEET = "/static/audit.css";

function ensureStyles() {
  if (document.querySelector(`link[href="${STYLESHEET}"]`)) return;
  document.head.append(element("link", { rel: "stylesheet", href: STYLESHEET }));
}

function time(value) {
  return value ? String(value) : "";
}

function lastPart(arn) {
  return arn ? String(arn).split("/").pop() : "";
}

function packages(deployment) {
  return deployment.model_packages
    .map((p) => (p.group && p.version !== null ? `${p.group} v${p.version}` : p.arn))
    .join(", ");
}

function cell(value) {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.map(cell).join(", ");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function table(caption, columns, rows, empty) {
  if (!rows.length) return element("p", { class: "quiet" }, empty);
  return element(
    "table",
    {},
    element("caption", {}, caption),
    element("thead", {}, element("tr", {}, columns.map(([, label]) => element("th", { scope: "col" }, label)))),
    element(
      "tbody",
      {},
      rows.map((row) => element("tr", {}, columns.map(([key]) => element("td", {}, cell(row[key]))))),
    ),
  );
}

function timeForm(ref, at) {
  const input = element("input", {
    type: "text",
    name: "at",
    id: "audit-at",
    value: at || "",
    placeholder: "2026-03-12T09:30:00Z",
    "aria-describedby": "audit-at-help",
    spellcheck: "false",
  });
  return element(
    "form",
    {
      class: "audit-time",
      onsubmit: (event) => {
        event.preventDefault();
        go("/audit", { ref, at: input.value.trim() });
      },
    },
    element("label", { for: "audit-at" }, "Time T"),
    input,
    element("button", { type: "submit" }, "Show"),
    element("span", { id: "audit-at-help", class: "quiet" }, "ISO 8601; UTC without a zone. Empty: now."),
  );
}

function timeline(data, ref) {
  const live = new Set(data.live.map((l) => l.deployment.arn));
  const items = [];
  const at = Date.parse(data.at);
  let marked = false;
  const mark = () =>
    element(
      "li",
      { class: "chosen", "aria-label": `Chosen time ${time(data.at)}` },
      element("span", { class: "when" }, time(data.at)),
      element("span", {}, "T, the time asked about"),
    );
  for (const d of data.deployments) {
    if (!marked && Date.parse(d.deployed_at) > at) {
      items.push(mark());
      marked = true;
    }
    const isLive = live.has(d.arn);
    items.push(
      element(
        "li",
        { class: isLive ? "deployment live" : "deployment", "aria-current": isLive ? "true" : null, "data-arn": d.arn },
        element("span", { class: "when" }, time(d.deployed_at)),
        element("span", { class: "what" }, packages(d) || d.models.join(", ") || d.name),
        element("span", { class: "quiet" }, ` on ${lastPart(d.endpoint_arn)}`, isLive ? " — live at T" : ""),
        " ",
        element("a", { href: `/audit?${new URLSearchParams({ ref, at: d.deployed_at })}` }, "view at this time"),
      ),
    );
  }
  if (!marked) items.push(mark());
  return element("ol", { class: "timeline", "aria-label": "Deployments, oldest first" }, items);
}

const STATS = ["min", "max", "avg", "last", "count", "std_dev"];

function hyperparameters(live) {
  return live.training_jobs.flatMap((job) =>
    Object.entries(job.parameters).map(([name, value]) => ({ job: job.name, name, value })),
  );
}

function metrics(live) {
  return live.training_jobs.flatMap((job) =>
    Object.entries(job.metrics).map(([name, stats]) => ({ job: job.name, name, ...stats })),
  );
}

function provenanceList(provenance) {
  const names = new Map(provenance.nodes.map((n) => [n.uri, n.name || n.source_uri || n.uri]));
  return element(
    "details",
    { class: "provenance" },
    element("summary", {}, `Provenance: ${provenance.nodes.length} entities, ${provenance.edges.length} edges`),
    element("h4", {}, "Entities"),
    element(
      "ul",
      { class: "nodes" },
      provenance.nodes.map((n) =>
        element(
          "li",
          {},
          `${names.get(n.uri)} — ${n.type || n.lineage_type}${n.source_uri && n.source_uri !== names.get(n.uri) ? ` — ${n.source_uri}` : ""}`,
        ),
      ),
    ),
    element("h4", {}, "Edges"),
    element(
      "ul",
      { class: "edges" },
      provenance.edges.map((e) =>
        element("li", {}, `${names.get(e.source) || e.source} → ${e.relationship} → ${names.get(e.destination) || e.destination}`),
      ),
    ),
  );
}

function liveSection(data, live) {
  const d = live.deployment;
  const execution = live.pipeline_execution;
  const executionArn = execution.pipeline_execution_arn || execution.property_pipeline_execution_arn;
  return element(
    "section",
    { class: "live-deployment", "aria-label": `Live on ${lastPart(d.endpoint_arn)}` },
    element("h2", {}, `Live at ${time(data.at)} on ${lastPart(d.endpoint_arn)}`),
    element(
      "p",
      { class: "quiet" },
      `Deployed ${time(d.deployed_at)} by ${d.deployed_by || "(not recorded)"} — `,
      element("a", { href: `/entity?${new URLSearchParams({ ref: d.arn })}` }, d.name || d.arn),
    ),
    element("h3", {}, "Model package version"),
    table(
      "Model package version",
      [["group", "Group"], ["version", "Version"], ["arn", "Model package"]],
      d.model_packages,
      "No model package was deployed.",
    ),
    table("Deployed model data and images", [["uri", "Model data and images deployed"]], [...d.models, ...d.images].map((uri) => ({ uri })), ""),
    element("h3", {}, "Approval"),
    table(
      "Approval",
      [
        ["model_package_arn", "Model package"],
        ["approval_status", "Status"],
        ["approved_at", "When"],
        ["approved_by", "By"],
        ["description", "Description"],
      ],
      d.approvals.map((a) => ({
        ...a,
        approval_status: a.approval_status || a.status,
        approved_by: a.approved_by || a.approved_by_note,
      })),
      "No approval action is associated with this deployment.",
    ),
    element("h3", {}, "Training job"),
    table(
      "Training jobs",
      [["name", "Job"], ["status", "Status"], ["job_arn", "Job ARN"]],
      live.training_jobs,
      "No training job upstream.",
    ),
    element("h3", {}, "Hyperparameters"),
    table("Hyperparameters", [["job", "Job"], ["name", "Name"], ["value", "Value"]], hyperparameters(live), "None recorded."),
    element("h3", {}, "Metrics"),
    table(
      "Metrics",
      [["job", "Job"], ["name", "Metric"], ...STATS.map((stat) => [stat, stat])],
      metrics(live),
      "None recorded.",
    ),
    element("h3", {}, "Data, back to the raw inputs"),
    table(
      "Data",
      [["depth", "Hops"], ["lineage_type", "Source"], ["dataset", "Dataset"]],
      live.data.map((n) => ({ ...n, dataset: n.source_uri || n.name || n.uri })),
      "No dataset upstream.",
    ),
    element("h3", {}, "Pipeline execution"),
    executionArn
      ? table(
          "Pipeline execution",
          [["arn", "Execution"], ["pipeline", "Pipeline"], ["step", "Step"], ["job", "Training job"]],
          [{ arn: executionArn, pipeline: execution.pipeline_name, step: execution.step_name, job: execution.training_job_arn }],
          "",
        )
      : element("p", { class: "quiet" }, "No pipeline execution ran the training job."),
    element(
      "p",
      {},
      element(
        "a",
        { href: `/lineage?${new URLSearchParams({ ref: d.arn, direction: "upstream", depth: "3" })}` },
        "Open the deployment's upstream in the lineage view",
      ),
    ),
    provenanceList(live.provenance),
  );
}

export async function render(main, params) {
  ensureStyles();
  const ref = params.ref;
  if (!ref) {
    main.replaceChildren(
      element("h1", {}, "Audit"),
      element("p", {}, "Open the audit of an endpoint or a model package group from its page, or as /audit?ref=<name or ARN>&at=<time>."),
    );
    return;
  }
  const data = await getJSON("/api/v1/audit", params.at ? { ref, at: params.at } : { ref });
  const query = new URLSearchParams({ ref, at: data.at });
  const kind = data.subject.type === "Endpoint" ? "endpoint" : "model package group";
  const notice = data.live.length
    ? []
    : [
        element(
          "p",
          { class: "notice", role: "status" },
          `Nothing was deployed at ${time(data.at)}${data.deployments.length ? `; the first deployment was at ${time(data.deployments[0].deployed_at)}` : ""}.`,
        ),
      ];
  main.replaceChildren(
    element("h1", {}, `Audit of ${kind} ${lastPart(data.subject.source_uri) || data.subject.name}`),
    element(
      "div",
      { class: "audit-controls" },
      timeForm(ref, params.at || ""),
      element("a", { class: "report", href: `/api/v1/audit.html?${query}`, download: "" }, "Report"),
    ),
    element("h2", {}, `Deployments (${data.deployments.length})`),
    timeline(data, ref),
    ...notice,
    ...data.live.map((live) => liveSection(data, live)),
  );
}
