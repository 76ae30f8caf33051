"""``lineage-graph status``: the last sync run of each shard, pending cleanups, current leases, graph size,
Neo4j version; with ``--history``, the recent runs instead."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import click

from lineage_graph.cli.options import neo4j_options, report_format_option, verbosity_option
from lineage_graph.graph.bookkeeping import split_shard
from lineage_graph.graph.bookkeeping.leases import all_leases
from lineage_graph.graph.bookkeeping.runs import last_runs, latest_run_per_shard, pending_cleanups
from lineage_graph.graph.bookkeeping.status import graph_size, server_info
from lineage_graph.graph.connection import connect
from lineage_graph.outcomes import pending_sentence
from lineage_graph.present.formats import table, to_json
from lineage_graph.settings import Neo4jSettings


def collect_status(neo4j: Neo4jSettings) -> dict[str, Any]:
    """Everything ``status`` prints, as one JSON-ready dict."""
    now = datetime.now(UTC)
    with connect(neo4j) as driver:
        server = server_info(driver, neo4j.database)
        runs = {r["shard"]: r for r in latest_run_per_shard(driver, neo4j.database)}
        leases = {lease["shard"]: lease for lease in all_leases(driver, neo4j.database)}
        pending = pending_cleanups(driver, neo4j.database)
        size = graph_size(driver, neo4j.database)
    shards = []
    for shard in sorted(set(runs) | set(leases) | set(pending)):
        account, region = split_shard(shard)
        run = runs.get(shard)
        if run is not None:
            run = {**run, "reason": _reason(run), "age_s": round((now - run["finished_at"]).total_seconds(), 1)}
        cleanup = pending.get(shard)
        shards.append(
            {
                "shard": shard,
                "account": account,
                "region": region,
                "last_run": run,
                "cleanup_pending": None if cleanup is None else {**cleanup, "message": pending_sentence(cleanup)},
                "lease": leases.get(shard),
            }
        )
    return {"neo4j": {"uri": neo4j.uri, "database": neo4j.database, **server}, "shards": shards, "graph": size}


def _reason(run: dict[str, Any]) -> str | None:
    """Why a run was not a success (runs recorded before ``reason`` existed kept only their error)."""
    return run.get("reason") or run["report"].get("error")


def collect_history(neo4j: Neo4jSettings, limit: int) -> list[dict[str, Any]]:
    """The newest ``limit`` runs of every shard, newest first: outcome, reason, counts, duration."""
    with connect(neo4j) as driver:
        runs = last_runs(driver, neo4j.database, limit=limit)
    return [
        {
            **{k: run.get(k) for k in ("id", "shard", "mode", "outcome", "started_at", "finished_at", "duration_s")},
            "reason": _reason(run),
            "counts": _totals(run["report"]),
        }
        for run in runs
    ]


def _totals(report: dict[str, Any]) -> dict[str, int]:
    """A run's counts, summed over kinds and relationship types."""
    nodes = [c for c in (report.get("nodes") or {}).values() if isinstance(c, dict)]
    edges = [c for c in (report.get("edges") or {}).values() if isinstance(c, dict)]
    cleanup = report.get("cleanup") or {}
    return {
        "nodes_created": sum(c.get("created", 0) for c in nodes),
        "nodes_updated": sum(c.get("updated", 0) for c in nodes),
        "relationships_created": sum(c.get("created", 0) for c in edges),
        "nodes_deleted": int(cleanup.get("nodes_deleted", 0)),
        "relationships_deleted": int(cleanup.get("relationships_deleted", 0)),
        "api_calls": int(report.get("api_calls_total", 0)),
    }


def format_history(runs: list[dict[str, Any]]) -> str:
    rows = [
        {
            "started": run["started_at"].isoformat(timespec="seconds"),
            "shard": run["shard"],
            "mode": run["mode"],
            "outcome": run["outcome"],
            "duration": f"{run['duration_s']:.1f} s",
            "counts": _history_counts(run["counts"]),
            "reason": run["reason"],
        }
        for run in runs
    ]
    columns = ["started", "shard", "mode", "outcome", "duration", "counts", "reason"]
    return "Recent sync runs, newest first:\n" + table(rows, columns, empty="(no sync has run)")


def _history_counts(counts: dict[str, int]) -> str:
    return (
        f"nodes +{counts['nodes_created']} ~{counts['nodes_updated']} -{counts['nodes_deleted']}, "
        f"relationships +{counts['relationships_created']} -{counts['relationships_deleted']}"
    )


def _age(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s ago"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min ago"
    if seconds < 172800:
        return f"{seconds / 3600:.1f} h ago"
    return f"{seconds / 86400:.1f} d ago"


def _counts(report: dict[str, Any]) -> str:
    """created/updated per kind from a sync report, compactly (``Artifact +3 ~1``)."""
    parts = []
    for kind, counts in (report.get("nodes") or {}).items():
        if isinstance(counts, dict) and (counts.get("created") or counts.get("updated") or counts.get("deleted")):
            part = f"{kind} +{counts.get('created', 0)} ~{counts.get('updated', 0)}"
            if counts.get("deleted"):
                part += f" -{counts['deleted']}"
            parts.append(part)
    return ", ".join(parts) or "no changes"


def format_status(data: dict[str, Any]) -> str:
    server = data["neo4j"]
    parts = [f"Neo4j {server['version']} {server['edition']} at {server['uri']} (database {server['database']})"]
    run_rows = []
    lease_rows = []
    for shard in data["shards"]:
        run = shard["last_run"]
        if run is not None:
            run_rows.append(
                {
                    "shard": shard["shard"],
                    "outcome": run["outcome"],
                    "mode": run["mode"],
                    "finished": _age(run["age_s"]),
                    "duration": f"{run['duration_s']:.1f} s",
                    "changes": _counts(run["report"]),
                    "reason": run["reason"],
                }
            )
        lease = shard["lease"]
        if lease is not None:
            expires = lease["expires_in_s"]
            lease_rows.append(
                {
                    "shard": shard["shard"],
                    "holder": lease["holder"],
                    "since": lease["acquired_at"].isoformat(timespec="seconds"),
                    "expires": f"in {expires:.0f} s" if expires > 0 else f"expired {-expires:.0f} s ago",
                }
            )
    parts.append(
        "Last sync per shard:\n"
        + table(
            run_rows,
            ["shard", "outcome", "mode", "finished", "duration", "changes", "reason"],
            empty="(no sync has run)",
        )
    )
    pending = [f"{s['shard']}: {s['cleanup_pending']['message']}" for s in data["shards"] if s["cleanup_pending"]]
    if pending:
        parts.append("Cleanup pending (until a full run cleans up):\n" + "\n".join(pending))
    parts.append("Leases:\n" + table(lease_rows, ["shard", "holder", "since", "expires"], empty="(none held)"))
    nodes = [{"label": label, "nodes": n} for label, n in data["graph"]["nodes"].items()]
    rels = [{"relationship": rel, "count": n} for rel, n in data["graph"]["relationships"].items()]
    parts.append("Graph:\n" + table(nodes, ["label", "nodes"]) + "\n\n" + table(rels, ["relationship", "count"]))
    return "\n\n".join(parts)


@click.command("status")
@neo4j_options
@click.option("--history", is_flag=True, help="List the recent sync runs of every shard instead, newest first.")
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True, help="With --history: how many runs.")
@report_format_option
@verbosity_option
def status_command(neo4j: Neo4jSettings, history: bool, limit: int, fmt: str) -> None:
    """Show the last sync of each shard (account:region), pending cleanups, current sync leases and the
    graph's size; with --history, the recent runs (outcome, reason, counts, duration).

    \b
    Example:
      lineage-graph status --format json
      lineage-graph status --history --limit 50
    """
    if history:
        runs = collect_history(neo4j, limit)
        click.echo(to_json(runs) if fmt == "json" else format_history(runs))
        return
    data = collect_status(neo4j)
    click.echo(to_json(data) if fmt == "json" else format_status(data))
