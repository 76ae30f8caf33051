"""``lineage-graph sync``: crawl one account and region into Neo4j and report what changed."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import click

from lineage_graph.cli.options import aws_options, neo4j_options, verbosity_option
from lineage_graph.errors import LeaseHeldError
from lineage_graph.graph.bookkeeping import (
    DEFAULT_TTL_SECONDS,
    Lease,
    acquire_lease,
    now_utc,
    record_run,
    shard_key,
)
from lineage_graph.graph.connection import connect
from lineage_graph.graph.load import DryRunWriter, GraphWriter
from lineage_graph.present.formats import table, to_json
from lineage_graph.sagemaker.client import SageMakerApi
from lineage_graph.sagemaker.identity import caller_account
from lineage_graph.settings import AwsSettings, Neo4jSettings
from lineage_graph.sync import DEFAULT_MAX_DELETE_FRACTION, DEFAULT_OVERLAP, SyncReport, run_sync

# Exit code of a sync that finished but could not read everything (a denied listing, skipped records).
PARTIAL_EXIT_CODE = 7


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
    "--wait", is_flag=True, help="If another sync holds this shard's lease, wait for it instead of exiting 6."
)
@click.option(
    "--lease-ttl",
    type=click.FloatRange(10),
    default=DEFAULT_TTL_SECONDS,
    show_default=True,
    help="Seconds the shard's lease outlives a sync that died; renewed while the sync runs.",
)
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
    wait: bool,
    lease_ttl: float,
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
    shard = shard_key(account, api.region)
    with connect(neo4j) as driver:
        writer = (DryRunWriter if dry_run else GraphWriter)(driver, neo4j.database, batch_size=batch_size)
        mode = "dry_run" if dry_run else "full" if full else "incremental"
        started_at = now_utc()

        def record(outcome: str, report: dict[str, Any]) -> None:
            record_run(
                driver,
                neo4j.database,
                shard,
                started_at=started_at,
                finished_at=now_utc(),
                outcome=outcome,
                report=report,
                mode=mode,
            )

        try:
            lease = acquire_lease(driver, neo4j.database, shard, ttl_seconds=lease_ttl, wait=wait)
        except LeaseHeldError as err:
            record("lease_held", {"error": str(err)})
            raise
        with lease:
            try:
                report = run_sync(
                    api,
                    writer,
                    account,
                    full=full,
                    overlap=timedelta(seconds=overlap_seconds),
                    max_delete_fraction=max_delete_fraction,
                    force_delete=force_delete,
                    heartbeat=_renewer(lease),
                )
            except Exception as err:
                record("failed", {"error": f"{type(err).__name__}: {err}"})
                raise
        partial = bool(report.denied or report.skipped)
        record("partial" if partial else "success", report.to_dict())
    if dry_run and fmt == "table":
        click.echo("Dry run: nothing was written. Created/updated below are what a real run would write.\n")
    click.echo(to_json({**report.to_dict(), "dry_run": dry_run}) if fmt == "json" else format_report(report))
    if partial:
        raise click.exceptions.Exit(PARTIAL_EXIT_CODE)


def _renewer(lease: Lease) -> Callable[[], None]:
    """Renew the lease once a third of its time has passed (not on every page: that is a write each)."""
    last = time.monotonic()

    def renew() -> None:
        nonlocal last
        if time.monotonic() - last > lease.ttl_seconds / 3:
            lease.renew()
            last = time.monotonic()

    return renew


def format_report(report: SyncReport) -> str:
    data = report.to_dict()
    nodes = [{"kind": kind, **counts} for kind, counts in data["nodes"].items()]
    edges = [{"relationship": rel, **counts} for rel, counts in data["edges"].items()]
    calls = [{"operation": op, "calls": n} for op, n in data["api_calls"].items()]
    parts = [
        f"Synced account {report.account}, region {report.region} ({data['mode']}) in {data['seconds']:.1f} s "
        f"({data['api_calls_total']} SageMaker API calls).",
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
