"""The audit answer for people and programs: JSON (the API's and ``--format json``), a table, and the
self-contained HTML report an auditor attaches to a ticket.

The report is one file that loads nothing: its CSS is inline, and the provenance of what was live is drawn
by the explorer's renderer inlined as ``--format html`` inlines it (``present.graph_formats.drawing``: ELK
and lineage-view.js in the file, the same Content-Security-Policy forbidding any other source), so it
opens offline and from a mail attachment as it was made. Without scripts (a mail client's viewer) the
tables and the provenance as a list (entities, edges) are all there. Its print stylesheet hides the
controls, keeps table rows and sections from splitting across pages and prints each link's address after
it. Every value from the graph goes through ``html.escape``: a name that looks like markup is shown, never
run; the drawing's data is JSON that cannot leave its script block.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import datetime
from html import escape
from typing import Any

from lineage_graph.graph.model import ENDPOINT_TYPE
from lineage_graph.present.formats import table
from lineage_graph.present.graph_formats import Drawing, drawing
from lineage_graph.query.audit import Audit, Deployment, Live
from lineage_graph.query.provenance import METRIC_STATS, Provenance
from lineage_graph.query.view import crossing_view


def _time(value: datetime | None) -> str:
    return value.isoformat() if value is not None else ""


def provenance_json(found: Provenance) -> dict[str, Any]:
    return {
        "start": found.start,
        "nodes": [dataclasses.asdict(n) for n in found.nodes],
        "edges": [dataclasses.asdict(e) for e in found.edges],
    }


def audit_json(audit: Audit) -> dict[str, Any]:
    """The audit as JSON-able values (datetimes stay datetimes: the caller's encoder writes ISO 8601)."""
    return {
        "subject": {
            "arn": audit.subject_arn,
            "type": audit.subject_type,
            "name": audit.subject_name,
            "source_uri": audit.subject_source_uri,
        },
        "at": audit.at,
        "deployments": [dataclasses.asdict(d) for d in audit.deployments],
        "live": [
            {
                "deployment": dataclasses.asdict(live.deployment),
                "training_jobs": [dataclasses.asdict(j) for j in live.training_jobs],
                "data": [dataclasses.asdict(n) for n in live.data],
                "pipeline_execution": dataclasses.asdict(live.pipeline_execution),
                "provenance": provenance_json(live.provenance),
            }
            for live in audit.live
        ],
    }


def subject_label(audit: Audit) -> str:
    kind = "endpoint" if audit.subject_type == ENDPOINT_TYPE else "model package group"
    resource = (audit.subject_source_uri or "").rsplit("/", 1)[-1]
    return f"{kind} {resource or audit.subject_name or audit.subject_arn}"


def nothing_deployed(audit: Audit) -> str:
    """The sentence for a time before the first deployment (or a subject never deployed)."""
    first = audit.deployments[0].deployed_at if audit.deployments else None
    since = f"; the first deployment was at {_time(first)}" if first is not None else "; it has no deployment"
    return f"nothing was deployed to {subject_label(audit)} at {_time(audit.at)}{since}"


def _packages(deployment: Deployment) -> str:
    return ", ".join(
        f"{p.group} v{p.version}" if p.group and p.version is not None else p.arn for p in deployment.model_packages
    )


def _deployment_rows(audit: Audit) -> list[dict[str, Any]]:
    live = {live.deployment.arn for live in audit.live}
    return [
        {
            "deployed_at": _time(d.deployed_at),
            "live": "live" if d.arn in live else "",
            "model_package": _packages(d) or None,
            "models": d.models,
            "deployed_by": d.deployed_by or "not recorded",
            "endpoint": (d.endpoint_arn or "").rsplit("/", 1)[-1],
            "action": d.name,
        }
        for d in audit.deployments
    ]


def _approval_rows(live: Live) -> list[dict[str, Any]]:
    return [
        {
            "model_package": a.model_package_arn,
            "approval_status": a.approval_status or a.status,
            "approved_at": _time(a.approved_at),
            "approved_by": a.approved_by or a.approved_by_note,
            "description": a.description,
            "action": a.name,
        }
        for a in live.deployment.approvals
    ]


METRIC_COLUMNS = ["job", "metric", *METRIC_STATS]


def _parameter_rows(live: Live) -> list[dict[str, Any]]:
    return [
        {"job": job.name, "name": name, "value": value}
        for job in live.training_jobs
        for name, value in job.parameters.items()
    ]


def _metric_rows(live: Live) -> list[dict[str, Any]]:
    return [
        {"job": job.name, "metric": name, **stats} for job in live.training_jobs for name, stats in job.metrics.items()
    ]


def _data_rows(live: Live) -> list[dict[str, Any]]:
    return [{"depth": n.depth, "source": n.lineage_type, "dataset": n.source_uri or n.name or n.uri} for n in live.data]


_APPROVAL_COLUMNS = ["model_package", "approval_status", "approved_at", "approved_by", "description"]
_EXECUTION_COLUMNS = ["pipeline_execution", "pipeline", "step", "training_job"]


def _execution_rows(live: Live) -> list[dict[str, Any]]:
    found = live.pipeline_execution
    arn = found.pipeline_execution_arn or found.property_pipeline_execution_arn
    if not arn:
        return []
    return [
        {
            "pipeline_execution": arn,
            "pipeline": found.pipeline_name,
            "step": found.step_name,
            "training_job": found.training_job_arn,
        }
    ]


def audit_table(audit: Audit) -> str:
    """For people: the deployments, then for each live one its package, approval, jobs, data, pipeline."""
    parts = [
        f"Audit of {subject_label(audit)} at {_time(audit.at)}",
        table(_deployment_rows(audit), ["deployed_at", "live", "model_package", "models", "deployed_by", "endpoint"]),
    ]
    if not audit.live:
        parts.append(nothing_deployed(audit))
    for live in audit.live:
        d = live.deployment
        parts += [
            f"Live at {_time(audit.at)} on {(d.endpoint_arn or '').rsplit('/', 1)[-1]}: deployed {_time(d.deployed_at)}"
            f" ({d.name})",
            "Approval\n" + table(_approval_rows(live), _APPROVAL_COLUMNS),
            "Training jobs\n"
            + table(
                [{"job": j.name, "status": j.status, "job_arn": j.job_arn} for j in live.training_jobs],
                ["job", "status", "job_arn"],
            ),
            "Hyperparameters\n" + table(_parameter_rows(live), ["job", "name", "value"]),
            "Metrics\n" + table(_metric_rows(live), METRIC_COLUMNS),
            "Data, back to the raw inputs\n" + table(_data_rows(live), ["depth", "source", "dataset"]),
            "Pipeline execution\n" + table(_execution_rows(live), _EXECUTION_COLUMNS),
        ]
    return "\n\n".join(parts)


# -- the HTML report -------------------------------------------------------------------------------------
_CSS = """
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 72rem;
       padding: 0 1.5rem; color: #1b1f24; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; } h2 { font-size: 1.15rem; margin: 2rem 0 .5rem; }
h3 { font-size: 1rem; margin: 1.25rem 0 .4rem; }
.meta { color: #57606a; margin: 0 0 1rem; }
table { border-collapse: collapse; width: 100%; margin: .25rem 0 1rem; }
th, td { border: 1px solid #d0d7de; padding: .3rem .5rem; text-align: left; vertical-align: top;
         overflow-wrap: anywhere; }
th { background: #f6f8fa; }
tr.live td { background: #dafbe1; font-weight: 600; }
.empty { color: #57606a; font-style: italic; }
.notice { border-left: 4px solid #bf8700; background: #fff8c5; padding: .5rem .75rem; }
.controls { margin: 1rem 0; }
.controls a { margin-right: 1rem; }
code { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; }
ul.edges, ul.nodes { padding-left: 1.25rem; }
.drawing .exports { display: flex; gap: .5rem; margin: .25rem 0 .5rem; }
.drawing .lv-list { display: none; } /* the report lists the provenance itself, scripts or not */
@media print {
  .controls, nav, button, input, form { display: none !important; }
  body { margin: 0; max-width: none; font-size: 10.5pt; }
  section { break-inside: avoid-page; }
  h2, h3 { break-after: avoid-page; }
  table { break-inside: auto; }
  thead { display: table-header-group; }
  tr, li { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  a[href^="http"]::after, a[href^="/"]::after { content: " <" attr(href) ">"; font-size: 85%; color: #57606a; }
  tr.live td { background: none; }
}
"""


def _html_table(rows: Sequence[dict[str, Any]], columns: Sequence[str], empty: str, live_key: str | None = None) -> str:
    if not rows:
        return f'<p class="empty">{escape(empty)}</p>'
    head = "".join(f'<th scope="col">{escape(col.replace("_", " "))}</th>' for col in columns)
    body = []
    for row in rows:
        cls = ' class="live"' if live_key and row.get(live_key) else ""
        cells = "".join(f"<td>{escape(_text(row.get(col)))}</td>" for col in columns)
        body.append(f"<tr{cls}>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _list(items: Iterable[str], cls: str) -> str:
    entries = "".join(f"<li>{escape(item)}</li>" for item in items)
    return f'<ul class="{cls}">{entries}</ul>' if entries else '<p class="empty">(none)</p>'


def _provenance_list(found: Provenance) -> str:
    """The provenance as an accessible list: nodes (name, kind, source URI), then edges source → type →
    destination; what a drawing would show, readable by a screen reader and in print."""
    names = {n.uri: n.name or n.source_uri or n.uri for n in found.nodes}
    nodes = (
        f"{names[n.uri]} — {n.type or n.lineage_type}"
        + (f" — {n.source_uri}" if n.source_uri and n.source_uri != names[n.uri] else "")
        for n in found.nodes
    )
    edges = (
        f"{names.get(e.source, e.source)} → {e.relationship} → {names.get(e.destination, e.destination)}"
        for e in found.edges
    )
    return (
        f"<h4>Entities ({len(found.nodes)})</h4>{_list(nodes, 'nodes')}"
        f"<h4>Edges ({len(found.edges)})</h4>{_list(edges, 'edges')}"
    )


def _live_html(audit: Audit, live: Live) -> str:
    d = live.deployment
    endpoint = (d.endpoint_arn or "").rsplit("/", 1)[-1]
    package_rows = [{"group": p.group, "version": p.version, "model_package": p.arn} for p in d.model_packages]
    return "".join(
        [
            f'<section class="live-deployment" aria-label="Live on {escape(endpoint)}">',
            f"<h2>Live at {escape(_time(audit.at))} on {escape(endpoint)}</h2>",
            f'<p class="meta">Deployed {escape(_time(d.deployed_at))} by {escape(d.deployed_by or "(not recorded)")}'
            f" — action <code>{escape(d.arn)}</code></p>",
            "<h3>Model package version</h3>",
            _html_table(package_rows, ["group", "version", "model_package"], "No model package was deployed."),
            _html_table([{"deployed": uri} for uri in (*d.models, *d.images)], ["deployed"], "(none)"),
            "<h3>Approval</h3>",
            _html_table(
                _approval_rows(live),
                [*_APPROVAL_COLUMNS, "action"],
                "No approval action is associated with this deployment.",
            ),
            "<h3>Training job</h3>",
            _html_table(
                [{"job": j.name, "status": j.status, "job_arn": j.job_arn} for j in live.training_jobs],
                ["job", "status", "job_arn"],
                "No training job upstream.",
            ),
            "<h3>Hyperparameters</h3>",
            _html_table(_parameter_rows(live), ["job", "name", "value"], "(none recorded)"),
            "<h3>Metrics</h3>",
            _html_table(_metric_rows(live), METRIC_COLUMNS, "(none recorded)"),
            "<h3>Data, back to the raw inputs</h3>",
            _html_table(_data_rows(live), ["depth", "source", "dataset"], "No dataset upstream."),
            "<h3>Pipeline execution</h3>",
            _html_table(_execution_rows(live), _EXECUTION_COLUMNS, "No pipeline execution ran the training job."),
            "<h3>Provenance</h3>",
            '<p class="meta">Everything upstream of the deployment, across the OpenLineage join.</p>',
            _provenance_list(live.provenance),
            "</section>",
        ]
    )


def provenance_drawing(audit: Audit) -> Drawing | None:
    """The renderer's drawing of the provenance of what was live (every endpoint's, one picture), or None."""
    if not audit.live:
        return None
    nodes: dict[str, dict[str, Any]] = {}
    edges: dict[tuple[str, str, str | None], dict[str, Any]] = {}
    for live in audit.live:
        nodes |= {n.uri: dataclasses.asdict(n) for n in live.provenance.nodes}
        edges |= {(e.source, e.destination, e.relationship): dataclasses.asdict(e) for e in live.provenance.edges}
    return drawing(crossing_view(list(nodes.values()), list(edges.values()), audit.live[0].provenance.start))


def audit_html(audit: Audit, links: dict[str, str] | None = None) -> str:
    """The report: one self-contained HTML page. ``links`` (label → URL) are controls shown on screen and
    hidden in print, such as the live view the report was downloaded from."""
    title = f"Audit of {subject_label(audit)} at {_time(audit.at)}"
    controls = "".join(f'<a href="{escape(url)}">{escape(label)}</a>' for label, url in (links or {}).items())
    deployments = _html_table(
        _deployment_rows(audit),
        ["deployed_at", "live", "model_package", "models", "deployed_by", "endpoint", "action"],
        "No deployment is recorded.",
        live_key="live",
    )
    picture = provenance_drawing(audit)
    drawn = (
        '<section class="drawing" aria-label="Provenance drawing"><h2>Provenance of what was live</h2>'
        f"{picture.exports}{picture.canvas}</section>"
        if picture
        else ""
    )
    body = (
        f"<h1>{escape(title)}</h1>"
        f'<p class="meta">{escape(audit.subject_type)} context <code>{escape(audit.subject_arn)}</code>; '
        f"made by lineage-graph from the synced lineage graph.</p>"
        + (f'<nav class="controls" aria-label="Report controls">{controls}</nav>' if controls else "")
        + f'<section aria-label="Deployments"><h2>Deployments ({len(audit.deployments)})</h2>{deployments}</section>'
        + ("" if audit.live else f'<p class="notice" role="status">{escape(nothing_deployed(audit))}.</p>')
        + "".join(_live_html(audit, live) for live in audit.live)
        + drawn
        + (picture.scripts if picture else "")
    )
    csp = picture.csp if picture else "default-src 'none'; style-src 'unsafe-inline'"
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{escape(csp)}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{_CSS}{picture.style if picture else ''}</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )
