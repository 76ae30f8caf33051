"""``lineage-graph sync``: crawl accounts and regions into Neo4j and report what changed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import click

from lineage_graph.cli.options import neo4j_options, report_format_option, shard_options, verbosity_option
from lineage_graph.errors import LineageGraphError
from lineage_graph.graph.bookkeeping.leases import DEFAULT_TTL_SECONDS
from lineage_graph.graph.connection import connect
from lineage_graph.outcomes import cleanup_sentence
from lineage_graph.present.formats import table, to_json
from lineage_graph.present.progress import TerminalProgress
from lineage_graph.settings import AwsSettings, Neo4jSettings
from lineage_graph.shards import ShardOutcome, SyncOptions, exit_code, sync_shards
from lineage_graph.sync import DEFAULT_MAX_DELETE_FRACTION, DEFAULT_OVERLAP, SyncReport


@click.command("sync")
@shard_options
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
@click.option("--parallel", type=click.IntRange(1, 64), default=4, show_default=True, help="Shards synced at once.")
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
    "--no-properties",
    is_flag=True,
    help="Skip reading artifacts' and actions' properties (a Describe each, only for new or changed ones).",
)
@report_format_option
@verbosity_option
def sync_command(
    shards: list[AwsSettings],
    neo4j: Neo4jSettings,
    batch_size: int,
    full: bool,
    max_delete_fraction: float,
    dry_run: bool,
    force_delete: bool,
    parallel: int,
    wait: bool,
    lease_ttl: float,
    overlap_seconds: int,
    no_properties: bool,
    fmt: str,
) -> None:
    """Sync SageMaker accounts' lineage into Neo4j, one shard per (account, region).

    Lists trial components, artifacts, contexts, actions, every association, experiments, trials,
    pipelines and executions with full pagination, and MERGEs them on ARN: a second run changes nothing.
    After a first full run, runs are incremental: only what was created (or, for trial components,
    modified) since the last committed watermark is asked for. Several --region and --role-arn give
    several shards, synced in parallel, each under its own lease.

    \b
    Example:
      AWS_ENDPOINT_URL_SAGEMAKER=http://127.0.0.1:5005 lineage-graph sync --region us-east-1
    """
    options = SyncOptions(
        batch_size=batch_size,
        full=full,
        dry_run=dry_run,
        overlap=timedelta(seconds=overlap_seconds),
        max_delete_fraction=max_delete_fraction,
        force_delete=force_delete,
        wait=wait,
        lease_ttl=lease_ttl,
        properties=not no_properties,
    )
    progress = TerminalProgress()
    try:
        with connect(neo4j) as driver:
            outcomes = sync_shards(shards, driver, neo4j.database, options, parallel, progress.update)
    except LineageGraphError as err:  # before any shard ran: Neo4j unreachable, say
        if fmt != "json":
            raise
        outcomes = [ShardOutcome(aws, error=str(err), exit_code=err.exit_code) for aws in shards]
    except Exception as err:  # a bug: still a report for the scheduler, then the traceback
        if fmt == "json":
            _echo_json(
                [ShardOutcome(aws, error=f"{type(err).__name__}: {err}", exit_code=1) for aws in shards], dry_run
            )
        raise
    finally:
        progress.close()
    if fmt == "table" and len(outcomes) == 1 and outcomes[0].report is None:  # could not run: just say why
        raise ShardFailedError(_failure(outcomes[0]), outcomes[0].exit_code)
    if dry_run and fmt == "table":
        click.echo("Dry run: nothing was written. Created/updated below are what a real run would write.\n")
    if fmt == "json":
        _echo_json(outcomes, dry_run)
    else:
        click.echo("\n\n".join(_format_outcome(o, options) for o in outcomes))
    code = exit_code(outcomes)
    if code:
        raise click.exceptions.Exit(code)


def _echo_json(outcomes: list[ShardOutcome], dry_run: bool) -> None:
    """The report on stdout whatever the outcome: a scheduler reads the error from it too."""
    documents = [{**o.to_dict(), "dry_run": dry_run} for o in outcomes]
    click.echo(to_json(documents[0] if len(documents) == 1 else documents))


class ShardFailedError(LineageGraphError):
    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def _format_outcome(outcome: ShardOutcome, options: SyncOptions) -> str:
    if outcome.report is None:
        where = outcome.shard or outcome.aws.region or "(default region)"
        return f"Shard {where}: {outcome.outcome}: {_failure(outcome)}"
    head = [
        f"Outcome: {outcome.outcome} (exit {outcome.exit_code})" + (f": {outcome.reason}" if outcome.reason else "")
    ]
    if outcome.cleanup_pending and outcome.outcome not in ("cleanup_refused", "cleanup_skipped"):
        head.append(f"Warning: {outcome.cleanup_pending['message']}")
    body = format_report(outcome.report, max_delete_fraction=options.max_delete_fraction, dry_run=options.dry_run)
    return "\n".join(head) + "\n\n" + body


def _failure(outcome: ShardOutcome) -> str:
    """Why a shard could not run, and the throttling it met on the way."""
    throttles = outcome.extra.get("throttles")
    throttled = "; throttled: " + ", ".join(f"{op} {n}" for op, n in throttles.items()) if throttles else ""
    return f"{outcome.error or 'the sync failed'}{throttled}"


def format_report(
    report: SyncReport, *, max_delete_fraction: float = DEFAULT_MAX_DELETE_FRACTION, dry_run: bool = False
) -> str:
    data = report.to_dict()
    nodes = [{"kind": kind, **counts} for kind, counts in data["nodes"].items()]
    edges = [{"relationship": rel, **counts} for rel, counts in data["edges"].items()]
    calls = [{"operation": op, "calls": n} for op, n in data["api_calls"].items()]
    steps = data["pipeline_steps"]
    parts = [
        f"Synced account {report.account}, region {report.region} ({data['mode']}) in {data['seconds']:.1f} s "
        f"({data['api_calls_total']} SageMaker API calls).",
        table(nodes, ["kind", "created", "updated", "unchanged"]),
        table(edges, ["relationship", "seen", "created"]),
        f"placeholders created: {data['placeholders_created']}; pipeline steps linked: {steps['linked']}, "
        f"unmatched: {steps['unmatched']}, kept without listing: {steps['kept']} "
        f"(from {steps['executions_kept']} finished executions unchanged since their last listing)",
        table(calls, ["operation", "calls"]),
    ]
    if data["properties"] is not None:
        parts.append(_format_properties(data["properties"]))
    if data["throttles"]:
        parts.append("throttled: " + ", ".join(f"{op} {n}" for op, n in data["throttles"].items()))
    if data["denied"]:
        parts.append("denied (missing IAM permission): " + ", ".join(data["denied"].values()))
    if data["cleanup"]:
        parts.append(cleanup_sentence(data["cleanup"], max_delete_fraction, dry_run=dry_run))
    if data["skipped"]:
        parts.append(
            "skipped: "
            + ", ".join(f"{k} {v}" for k, v in data["skipped"].items())
            + "".join(f"\n  {r['kind']} {r['arn'] or '(no ARN)'}: {r['reason']}" for r in data["skipped_records"])
        )
    return "\n\n".join(parts)


def _format_properties(props: dict[str, Any]) -> str:
    """The properties pass in one line: what it read, and how many artifacts and actions still lack them."""
    read = f"read for {props['read']}" if props["enabled"] else "not read (--no-properties or dry run)"
    line = f"artifact and action properties: {read}; still missing for {props['missing']}"
    if props["vanished"]:
        line += f"; {props['vanished']} deleted before they could be read"
    packages = props["model_packages"]
    if any(packages.values()):
        line += f"; model package approvals read for {packages['read']}"
        unread = [f"{packages['gone']} gone"] if packages["gone"] else []
        unread += [f"{packages['denied']} of other accounts denied"] if packages["denied"] else []
        line += f" (packages unread: {', '.join(unread)})" if unread else ""
    if props["denied"]:
        line += "; denied (missing IAM permission): " + ", ".join(props["denied"].values())
    return line
