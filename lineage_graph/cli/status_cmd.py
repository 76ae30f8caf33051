"""``lineage-graph status``: the last sync run of each shard, current leases, graph size, Neo4j version."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import click

from lineage_graph.cli.options import neo4j_options, report_format_option, verbosity_option
from lineage_graph.graph import bookkeeping
from lineage_graph.graph.connection import connect
from lineage_graph.present.formats import table, to_json
from lineage_graph.settings import Neo4jSettings


def collect_status(neo4j: Neo4jSettings) -> dict[str, Any]:
    """Everything ``status`` prints, as one JSON-ready dict."""
    now = datetime.now(UTC)
    with connect(neo4j) as driver:
        server = bookkeeping.server_info(driver, neo4j.database)
        runs = {r["shard"]: r for r in bookkeeping.latest_run_per_shard(driver, neo4j.database)}
        leases = {lease["shard"]: lease for lease in bookkeeping.leases(driver, neo4j.database)}
        size = bookkeeping.graph_size(driver, neo4j.database)
    shards = []
    for shard in sorted(set(runs) | set(leases)):
        account, region = bookkeeping.split_shard(shard)
        run = runs.get(shard)
        if run is not None:
            run = {**run, "age_s": round((now - run["finished_at"]).total_seconds(), 1)}
        shards.append(
            {"shard": shard, "account": account, "region": region, "last_run": run, "lease": leases.get(shard)}
        )
    return {"neo4j": {"uri": neo4j.uri, "database": neo4j.database, **server}, "shards": shards, "graph": size}


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
        + table(run_rows, ["shard", "outcome", "mode", "finished", "duration", "changes"], empty="(no sync has run)")
    )
    parts.append("Leases:\n" + table(lease_rows, ["shard", "holder", "since", "expires"], empty="(none held)"))
    nodes = [{"label": label, "nodes": n} for label, n in data["graph"]["nodes"].items()]
    rels = [{"relationship": rel, "count": n} for rel, n in data["graph"]["relationships"].items()]
    parts.append("Graph:\n" + table(nodes, ["label", "nodes"]) + "\n\n" + table(rels, ["relationship", "count"]))
    return "\n\n".join(parts)


@click.command("status")
@neo4j_options
@report_format_option
@verbosity_option
def status_command(neo4j: Neo4jSettings, fmt: str) -> None:
    """Show the last sync of each shard (account:region), current sync leases and the graph's size.

    \b
    Example:
      lineage-graph status --format json
    """
    data = collect_status(neo4j)
    click.echo(to_json(data) if fmt == "json" else format_status(data))
