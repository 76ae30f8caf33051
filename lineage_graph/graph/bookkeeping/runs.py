"""Sync run records, and the cleanups full runs left pending.

Run records. ``(:SyncRun)`` with ``id``, ``shard``, ``account``, ``region``, ``started_at``,
``finished_at`` (datetimes), ``duration_s``, ``outcome`` (success | partial | failed | lease_held |
cleanup_refused | cleanup_skipped), ``reason`` (why it was not a success, in a sentence), ``mode`` (full |
incremental | dry_run), ``report_json`` (the whole report as JSON) and every number,
string or boolean leaf of the report flattened into a ``report.``-prefixed property, path segments joined
by dots: ``r.`report.nodes.Artifact.created```, ``r.`report.api_calls.ListArtifacts```. Lists of scalars
are kept as lists; other lists only live in ``report_json``. The last ``keep`` runs of each shard are kept.

Pending cleanups. ``(:PendingCleanup {shard, since, last_at, outcome, reason, fraction, max_delete_fraction})``,
unique on ``shard``: a full run whose cleanup was refused or skipped sets it (``since`` stays that of the
first such run), a full run that cleaned up deletes it. It outlives the pruning of run records.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from neo4j import Driver

from lineage_graph.graph import model
from lineage_graph.graph.bookkeeping import ensure_schema, native, split_shard
from lineage_graph.graph.database import Database

DEFAULT_KEEP_RUNS = 100

OUTCOMES = ("success", "partial", "failed", "lease_held", "cleanup_refused", "cleanup_skipped")
MODES = ("full", "incremental", "dry_run")

_RUN = model.SYNC_RUN_LABEL
_PENDING = model.PENDING_CLEANUP_LABEL


def flatten_report(report: Mapping[str, Any], prefix: str = "report") -> dict[str, Any]:
    """Scalar leaves of a nested report as ``report.a.b`` properties (lists of scalars kept as lists)."""
    flat: dict[str, Any] = {}
    for key, value in report.items():
        name = f"{prefix}.{key}"
        if isinstance(value, Mapping):
            flat.update(flatten_report(value, name))
        elif isinstance(value, bool | int | float | str):
            flat[name] = value
        elif isinstance(value, datetime):
            flat[name] = value.isoformat()
        elif isinstance(value, list | tuple) and _homogeneous_scalars(value):
            flat[name] = list(value)
    return flat


def _homogeneous_scalars(values: list[Any] | tuple[Any, ...]) -> bool:
    """Neo4j stores lists whose items are all strings or all numbers."""
    if not values:
        return False
    return all(isinstance(v, str) for v in values) or all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in values
    )


def _iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)


def record_run(
    driver: Driver,
    database: str,
    shard: str,
    *,
    started_at: datetime,
    finished_at: datetime,
    outcome: str,
    report: Mapping[str, Any],
    mode: str,
    reason: str | None = None,
    keep: int = DEFAULT_KEEP_RUNS,
) -> str:
    """Store one sync run as a ``SyncRun`` node and prune the shard to its last ``keep`` runs; its id."""
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome must be one of {OUTCOMES}, not {outcome!r}")
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    if keep < 1:
        raise ValueError("keep must be at least 1")
    for moment in (started_at, finished_at):
        if moment.tzinfo is None:
            raise ValueError("started_at and finished_at must be timezone-aware")
    ensure_schema(driver, database)
    account, region = split_shard(shard)
    run_id = str(uuid.uuid4())
    props = {
        **flatten_report(report),
        "id": run_id,
        "shard": shard,
        "account": account,
        "region": region,
        "started_at": started_at,
        "finished_at": finished_at,
        "duration_s": round((finished_at - started_at).total_seconds(), 3),
        "outcome": outcome,
        "reason": reason,
        "mode": mode,
        "report_json": json.dumps(report, default=_iso, sort_keys=True),
    }
    Database(driver, database).write(
        f"""
        CREATE (r:{_RUN}) SET r = $props
        WITH r
        MATCH (old:{_RUN} {{shard: $shard}})
        WITH old ORDER BY old.started_at DESC, old.finished_at DESC SKIP $keep
        DETACH DELETE old
        """,
        props=props,
        shard=shard,
        keep=keep,
    )
    return run_id


def _run_row(node: Any) -> dict[str, Any]:
    props = {k: native(v) for k, v in dict(node).items()}
    report = json.loads(props.get("report_json") or "{}")
    row = {k: v for k, v in props.items() if not k.startswith("report")}
    row["report"] = report
    return row


def last_runs(driver: Driver, database: str, shard: str | None = None, limit: int = 20) -> list[dict[str, Any]]:
    """The newest runs first (of one shard, or of all), each a dict of the node's properties with the
    report parsed back into ``report``."""
    result = Database(driver, database).read(
        f"""
        MATCH (r:{_RUN}) WHERE $shard IS NULL OR r.shard = $shard
        RETURN r ORDER BY r.started_at DESC, r.finished_at DESC LIMIT $limit
        """,
        shard=shard,
        limit=limit,
    )
    return [_run_row(rec["r"]) for rec in result.records]


def latest_run_per_shard(driver: Driver, database: str) -> list[dict[str, Any]]:
    """The newest run of every shard, by shard."""
    result = Database(driver, database).read(
        f"""
        MATCH (r:{_RUN})
        WITH r.shard AS shard, r ORDER BY r.started_at DESC, r.finished_at DESC
        WITH shard, collect(r)[0] AS r
        RETURN r ORDER BY shard
        """,
    )
    return [_run_row(rec["r"]) for rec in result.records]


def set_cleanup_pending(
    driver: Driver,
    database: str,
    shard: str,
    *,
    at: datetime,
    outcome: str,
    reason: str,
    fraction: float | None = None,
    max_delete_fraction: float | None = None,
) -> None:
    """Record that a full run of ``shard`` did not clean up; ``since`` keeps the first such run's time."""
    ensure_schema(driver, database)
    Database(driver, database).write(
        f"""
        MERGE (p:{_PENDING} {{shard: $shard}})
        ON CREATE SET p.since = $at
        SET p.last_at = $at, p.outcome = $outcome, p.reason = $reason, p.fraction = $fraction,
            p.max_delete_fraction = $limit
        """,
        shard=shard,
        at=at,
        outcome=outcome,
        reason=reason,
        fraction=fraction,
        limit=max_delete_fraction,
    )


def clear_cleanup_pending(driver: Driver, database: str, shard: str) -> None:
    """A full run of ``shard`` cleaned up: nothing is pending any more."""
    Database(driver, database).write(f"MATCH (p:{_PENDING} {{shard: $shard}}) DELETE p", shard=shard)


def pending_cleanups(driver: Driver, database: str, shard: str | None = None) -> dict[str, dict[str, Any]]:
    """The pending cleanup of every shard that has one (or of one shard), by shard."""
    result = Database(driver, database).read(
        f"MATCH (p:{_PENDING}) WHERE $shard IS NULL OR p.shard = $shard RETURN p",
        shard=shard,
    )
    rows = ({k: native(v) for k, v in dict(rec["p"]).items()} for rec in result.records)
    return {row["shard"]: row for row in rows}


def now_utc() -> datetime:
    return datetime.now(UTC)
