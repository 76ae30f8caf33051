"""``lineage-graph sync``: crawl one account and region into Neo4j and report what changed."""

from __future__ import annotations

from datetime import timedelta

import click

from lineage_graph.cli.options import aws_options, neo4j_options, verbosity_option
from lineage_graph.graph.connection import connect
from lineage_graph.graph.load import DryRunWriter, GraphWriter
from lineage_graph.present.formats import table, to_json
from lineage_graph.sagemaker.client import SageMakerApi
from lineage_graph.sagemaker.identity import caller_account
from lineage_graph.settings import AwsSettings, Neo4jSettings
from lineage_graph.sync import DEFAULT_MAX_DELETE_FRACTION, DEFAULT_OVERLAP, SyncReport, run_sync


@click.command("sync")
@aws_options
@neo4j_options
@click.option(
    "--batch-size",
    type=click.IntRange(1, 50_000),
    default=1000,
    show_default=True,
    help="Rows per Neo4j write transaction.",
)
@click.option(
    "--full", is_flag=True, help="Crawl everything, ignoring watermarks (default: incremental where one exists)."
)
@click.option(
    "--max-delete-fraction",
    type=click.FloatRange(0, 1),
    default=DEFAULT_MAX_DELETE_FRACTION,
    show_default=True,
    help="With --full: refuse to delete more than this share of the shard's nodes or relationships.",
)
@click.option("--dry-run", is_flag=True, help="Say what would be created, changed and deleted; write nothing.")
@click.option("--force-delete", is_flag=True, help="With --full: delete however much SageMaker no longer has.")
@click.option(
    "--overlap-seconds",
    type=click.IntRange(0),
    default=int(DEFAULT_OVERLAP.total_seconds()),
    show_default=True,
    help="How far before its watermark an incremental run looks again (SageMaker is eventually consistent).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="How to print the sync report.",
)
@verbosity_option
def sync_command(
    aws: AwsSettings,
    neo4j: Neo4jSettings,
    batch_size: int,
    full: bool,
    max_delete_fraction: float,
    dry_run: bool,
    force_delete: bool,
    overlap_seconds: int,
    fmt: str,
) -> None:
    """Sync a SageMaker account's lineage (one region) into Neo4j.

    Lists trial components, artifacts, contexts, actions, every association, experiments, trials,
    pipelines and executions with full pagination, and MERGEs them on ARN: a second run changes nothing.
    After a first full run, runs are incremental: only what was created (or, for trial components,
    modified) since the last committed watermark is asked for.

    \b
    Example:
      AWS_ENDPOINT_URL_SAGEMAKER=http://127.0.0.1:5005 lineage-graph sync --region us-east-1
    """
    api = SageMakerApi(aws)
    account = caller_account(aws)
    with connect(neo4j) as driver:
        writer = (DryRunWriter if dry_run else GraphWriter)(driver, neo4j.database, batch_size=batch_size)
        report = run_sync(
            api,
            writer,
            account,
            full=full,
            overlap=timedelta(seconds=overlap_seconds),
            max_delete_fraction=max_delete_fraction,
            force_delete=force_delete,
        )
    if dry_run and fmt == "table":
        click.echo("Dry run: nothing was written. Created/updated below are what a real run would write.\n")
    click.echo(to_json({**report.to_dict(), "dry_run": dry_run}) if fmt == "json" else format_report(report))


def format_report(report: SyncReport) -> str:
    data = report.to_dict()
    nodes = [{"kind": kind, **counts} for kind, counts in data["nodes"].items()]
    edges = [{"relationship": rel, **counts} for rel, counts in data["edges"].items()]
    calls = [{"operation": op, "calls": n} for op, n in data["api_calls"].items()]
    parts = [
        f"Synced region {report.region} in {data['seconds']:.1f} s ({data['api_calls_total']} SageMaker API calls).",
        table(nodes, ["kind", "created", "updated", "unchanged"]),
        table(edges, ["relationship", "seen", "created"]),
        f"placeholders created: {data['placeholders_created']}; pipeline steps linked: "
        f"{data['pipeline_steps']['linked']}, unmatched: {data['pipeline_steps']['unmatched']}",
        table(calls, ["operation", "calls"]),
    ]
    if data["cleanup"]:
        parts.append("cleanup: " + ", ".join(f"{k} {v}" for k, v in data["cleanup"].items()))
    if data["skipped"]:
        parts.append("skipped: " + ", ".join(f"{k} {v}" for k, v in data["skipped"].items()))
    return "\n\n".join(parts)
