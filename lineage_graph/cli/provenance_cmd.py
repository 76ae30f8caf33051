"""``provenance`` and ``compare``: where a model or an endpoint came from, and how its jobs differ."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from typing import Any

import click

from lineage_graph.cli.lookups import graph_format_option, max_depth_option, output_option
from lineage_graph.cli.options import TIMESTAMP, format_option, neo4j_options
from lineage_graph.errors import NothingDeployedError
from lineage_graph.graph.connection import connect
from lineage_graph.present.audit_report import audit_html, audit_json, audit_table, nothing_deployed
from lineage_graph.present.formats import render, table, to_csv, to_json, tree_labels
from lineage_graph.present.graph_formats import GRAPH_FORMATS, display_name, render_crossing
from lineage_graph.query.audit import Audit, AuditQueries
from lineage_graph.query.provenance import Comparison, Provenance, ProvenanceNode, ProvenanceQueries
from lineage_graph.settings import Neo4jSettings

NODE_COLUMNS = [f.name for f in dataclasses.fields(ProvenanceNode)]
_JSON_CELLS = ("downstream", "parameters", "metrics")  # CSV cells that hold lists and maps, as JSON


def _flat(node: ProvenanceNode) -> dict[str, Any]:
    """A node as the pictures show it: parameters and metrics under their graph names (param.*, metric.*.*)."""
    row = {k: v for k, v in dataclasses.asdict(node).items() if k not in _JSON_CELLS}
    row |= {f"param.{name}": value for name, value in node.parameters.items()}
    row |= {f"metric.{name}.{stat}": v for name, stats in node.metrics.items() for stat, v in stats.items()}
    return row


def _provenance_text(found: Provenance, fmt: str, asked: str) -> str:
    if fmt in GRAPH_FORMATS:
        edges = [dataclasses.asdict(e) for e in found.edges]
        nodes = [_flat(n) for n in found.nodes]
        return render_crossing(nodes, edges, found.start, fmt, f"Provenance of {asked}")
    rows = [dataclasses.asdict(node) for node in found.nodes]
    if fmt == "json":
        return to_json({"start": found.start, "nodes": rows, "edges": [dataclasses.asdict(e) for e in found.edges]})
    if fmt == "csv":
        cells = [{**row, **{k: json.dumps(row[k], default=str) for k in _JSON_CELLS}} for row in rows]
        return to_csv(cells, NODE_COLUMNS)
    names = tree_labels(rows, [display_name(row) for row in rows])
    tree = [
        {
            **row,
            "entity": name,
            "type": row["type"] or row["lineage_type"],
            "source": row["source_uri"] or row["job_arn"] or row["job"],
        }
        for row, name in zip(rows, names, strict=True)
    ]
    values = [
        {"job": display_name(row), "name": name, "value": value}
        for row in rows
        for name, value in (
            *((f"param.{p}", v) for p, v in row["parameters"].items()),
            *((f"metric.{m}.{s}", v) for m, stats in row["metrics"].items() for s, v in stats.items()),
        )
    ]
    text = table(tree, ["entity", "type", "depth", "status", "source", "uri"])
    return text + ("\n\n" + table(values, ["job", "name", "value"]) if values else "")


AUDIT_FORMATS = ("table", "json", "html")


def _audit_text(audit: Audit, fmt: str) -> str:
    if fmt == "json":
        return to_json(audit_json(audit))
    if fmt == "html":
        return audit_html(audit)
    return audit_table(audit)


@click.command("provenance")
@click.argument("start")
@max_depth_option
@click.option(
    "--at",
    type=TIMESTAMP,
    metavar="ISO",
    default=None,
    help="Audit START (an endpoint or a model package group) at this time: every deployment, and the one live "
    "then with its package version, approval, training job, data and pipeline execution (table, json or html: "
    "the report). ISO 8601; UTC without a zone.",
)
@graph_format_option("table (the tree, then each job's parameters and metrics), json, csv; mermaid, dot or html.")
@output_option
@neo4j_options
def provenance_command(
    start: str, max_depth: int | None, at: str | None, fmt: str, output: str | None, neo4j: Neo4jSettings
) -> None:
    """Where START came from: every entity upstream of an endpoint (its name or ARN), a model (artifact ARN
    or S3 URI) or a model package (ARN), back to the raw data, each job with its parameters and metrics;
    across the sources, through the ETL runs (OpenLineage) that wrote a training input and what they read.

    With --at T, the audit of an endpoint or a model package group through time instead: its deployments
    in order and what was live at T (docs/audit.md). A T before the first deployment prints the
    deployments and says nothing was deployed then, with exit code 13.

    \b
    Example:
      lineage-graph provenance churn-prod --format json
      lineage-graph provenance churn-prod --format html --output churn-prod.html
      lineage-graph provenance churn-prod --at 2026-03-12T09:30:00Z
      lineage-graph provenance churn-prod --at 2026-03-12T09:30:00Z --format html --output audit.html
    """
    if at is not None and fmt not in AUDIT_FORMATS:
        raise click.UsageError(f"--at answers as {', '.join(AUDIT_FORMATS)}, not {fmt}")
    if at is not None and max_depth is not None:
        raise click.UsageError("--at walks the whole provenance of what was live; leave out --max-depth")
    with connect(neo4j) as driver:
        if at is not None:
            audit = AuditQueries(driver, neo4j.database).audit(start, datetime.fromisoformat(at))
            text = _audit_text(audit, fmt)
        else:
            found = ProvenanceQueries(driver, neo4j.database).provenance(start, max_depth)
            text = _provenance_text(found, fmt, start)
    with click.open_file(output or "-", "w", encoding="utf-8") as out:
        click.echo(text, file=out)
    if at is not None and not audit.live:
        raise NothingDeployedError(nothing_deployed(audit))


def _comparison_text(found: Comparison, fmt: str) -> str:
    if fmt == "json":
        return to_json(dataclasses.asdict(found))
    names = [tc.name or tc.arn for tc in found.trial_components]
    headers = names if len(set(names)) == len(names) else [tc.arn for tc in found.trial_components]
    rows = [
        {"kind": r.kind, "name": r.name, "stat": r.stat, **dict(zip(headers, r.values, strict=True))}
        for r in found.rows
    ]
    columns = ["kind", "name", "stat", *headers]
    return render(rows, fmt, columns, columns)


@click.command("compare")
@click.argument("trial_components", nargs=-1, required=True)
@click.option("--diff-only", is_flag=True, help="Only the parameters and metrics whose values differ.")
@format_option
@neo4j_options
def compare_command(trial_components: tuple[str, ...], diff_only: bool, fmt: str, neo4j: Neo4jSettings) -> None:
    """Parameters and metrics of TRIAL_COMPONENTS (names or ARNs) side by side: one row per parameter and
    per metric stat (min, max, avg, last, count, std_dev), one column per trial component.

    \b
    Example:
      lineage-graph compare churn-exec-1-train-aws-training-job churn-exec-3-train-aws-training-job --diff-only
    """
    with connect(neo4j) as driver:
        found = ProvenanceQueries(driver, neo4j.database).compare(list(trial_components), diff_only)
    click.echo(_comparison_text(found, fmt))


COMMANDS = (provenance_command, compare_command)
