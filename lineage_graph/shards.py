"""Sync many shards (account x region) into one Neo4j: each under its own lease, recorded as a run.

A shard is independent: its own watermarks, lease and cleanup scope, so shards run in parallel here,
or as separate scheduled jobs on separate machines against the same Neo4j.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from neo4j import Driver
from neo4j.exceptions import DriverError, Neo4jError

from lineage_graph.errors import DatabaseRefusesWritesError, LeaseHeldError, LineageGraphError, Neo4jUnavailableError
from lineage_graph.graph.bookkeeping import shard_key
from lineage_graph.graph.bookkeeping.leases import DEFAULT_TTL_SECONDS, Lease, acquire_lease
from lineage_graph.graph.bookkeeping.runs import (
    clear_cleanup_pending,
    now_utc,
    pending_cleanups,
    record_run,
    set_cleanup_pending,
)
from lineage_graph.graph.connection import neo4j_failure
from lineage_graph.graph.load import DryRunWriter, GraphWriter
from lineage_graph.outcomes import (
    CLEANUP_REFUSED_EXIT_CODE,
    CLEANUP_SKIPPED_EXIT_CODE,
    PARTIAL_EXIT_CODE,
    Verdict,
    judge,
    pending_sentence,
)
from lineage_graph.sagemaker.client import SageMakerApi
from lineage_graph.sagemaker.identity import caller_account
from lineage_graph.settings import AwsSettings
from lineage_graph.sync import DEFAULT_MAX_DELETE_FRACTION, DEFAULT_OVERLAP, SyncReport, run_sync

log = logging.getLogger(__name__)

# Exit codes of a shard's outcome (errors carry their own).
LEASE_HELD_EXIT_CODE = LeaseHeldError.exit_code


@dataclass(frozen=True)
class SyncOptions:
    batch_size: int = 1000
    full: bool = False
    dry_run: bool = False
    overlap: timedelta = DEFAULT_OVERLAP
    max_delete_fraction: float = DEFAULT_MAX_DELETE_FRACTION
    force_delete: bool = False
    wait: bool = False
    lease_ttl: float = DEFAULT_TTL_SECONDS
    properties: bool = True  # read artifacts' and actions' properties (a dry run never does)


@dataclass
class ShardOutcome:
    aws: AwsSettings
    shard: str | None = None
    outcome: str = "failed"  # success | partial | failed | lease_held | cleanup_refused | cleanup_skipped
    report: SyncReport | None = None
    error: str | None = None
    exit_code: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
    reason: str | None = None  # why the outcome is not a success, in a sentence
    cleanup_pending: dict[str, Any] | None = None  # the shard's cleanup a full run refused or skipped, if any

    def to_dict(self) -> dict[str, Any]:
        """The outcome, its reason and any pending cleanup first: what a reader (or a scheduler) needs."""
        body = self.report.to_dict() if self.report else {"region": self.aws.region}
        head = {"outcome": self.outcome, "reason": self.reason, "cleanup_pending": self.cleanup_pending}
        return {**head, **body, "shard": self.shard, "error": self.error, "exit_code": self.exit_code, **self.extra}


Progress = Callable[[str, str, int], object]  # (shard, kind, rows so far)


def sync_shard(
    aws: AwsSettings, driver: Driver, database: str, options: SyncOptions, progress: Progress = lambda *_: None
) -> ShardOutcome:
    """One shard: find its account, take its lease, sync, record the run. Errors come back in the outcome."""
    result = ShardOutcome(aws)
    started_at = now_utc()
    mode = "dry_run" if options.dry_run else "full" if options.full else "incremental"

    def record(outcome: str, report: dict[str, Any], reason: str | None = None) -> None:
        if result.shard is not None:
            record_run(
                driver, database, result.shard, started_at=started_at, finished_at=now_utc(),
                outcome=outcome, report=report, mode=mode, reason=reason if reason is not None else report.get("error"),
            )  # fmt: skip

    api: SageMakerApi | None = None
    try:
        api = SageMakerApi(aws)
        result.shard = shard_key(caller_account(aws), api.region)
        writer = (DryRunWriter if options.dry_run else GraphWriter)(driver, database, batch_size=options.batch_size)
        lease_held = acquire_lease(driver, database, result.shard, ttl_seconds=options.lease_ttl, wait=options.wait)
        with lease_held as lease, _startup_heap_frozen():
            result.report = run_sync(
                api,
                writer,
                result.shard.split(":", 1)[0],
                full=options.full,
                overlap=options.overlap,
                max_delete_fraction=options.max_delete_fraction,
                force_delete=options.force_delete,
                properties=options.properties and not options.dry_run,
                on_page=_page_callback(result.shard, lease, progress),
            )
    except LeaseHeldError as err:
        result.outcome, result.error, result.exit_code = "lease_held", str(err), err.exit_code
        record("lease_held", {"error": str(err)})
        return result
    except (LineageGraphError, Neo4jError, DriverError) as caught:
        failure = caught if isinstance(caught, LineageGraphError) else neo4j_failure(caught, database)
        if failure is None:  # a Neo4j error no user can act on: a bug, recorded, then shown in full
            record("failed", {"error": f"{type(caught).__name__}: {caught}"})
            raise
        result.error, result.exit_code = str(failure), failure.exit_code
        if api is not None:  # what the crawl got through before it failed: which calls, which throttled
            result.extra = {"api_calls": dict(api.api_calls()), "throttles": dict(api.api_throttles())}
        if not isinstance(failure, Neo4jUnavailableError | DatabaseRefusesWritesError):  # it can't be recorded
            record("failed", {"error": str(failure), **result.extra})
        return result
    except Exception as err:  # a bug or an unexpected failure: recorded, then shown in full
        record("failed", {"error": f"{type(err).__name__}: {err}"})
        raise
    report = result.report.to_dict()
    verdict = judge(report, dry_run=options.dry_run, max_delete_fraction=options.max_delete_fraction)
    result.outcome, result.exit_code, result.reason = verdict.outcome, verdict.exit_code, verdict.reason
    result.cleanup_pending = _track_cleanup(driver, database, result.shard, options, report, verdict)
    record(result.outcome, {**report, "cleanup_pending": result.cleanup_pending}, verdict.reason)
    return result


def _track_cleanup(
    driver: Driver, database: str, shard: str, options: SyncOptions, report: dict[str, Any], verdict: Verdict
) -> dict[str, Any] | None:
    """After a real full run, set the shard's pending cleanup (refused or skipped) or clear it (cleaned up);
    then, whatever the run, the pending cleanup it should report, with its sentence."""
    if options.full and not options.dry_run and report.get("cleanup") is not None:
        if verdict.exit_code in (CLEANUP_REFUSED_EXIT_CODE, CLEANUP_SKIPPED_EXIT_CODE):
            set_cleanup_pending(
                driver, database, shard, at=now_utc(), outcome=verdict.outcome, reason=verdict.reason or "",
                fraction=report["cleanup"].get("fraction"), max_delete_fraction=options.max_delete_fraction,
            )  # fmt: skip
        else:
            clear_cleanup_pending(driver, database, shard)
    pending = pending_cleanups(driver, database, shard).get(shard)
    return None if pending is None else {**pending, "message": pending_sentence(pending)}


@contextlib.contextmanager
def _startup_heap_frozen() -> Iterator[None]:
    """Keep what is alive when a sync starts (modules, botocore's service model, the driver) out of the
    cyclic collector's passes while it runs. A sync allocates records by the million, which set off a full
    collection every second or so, and each pass walked all of that again: 4 of the 5.8 s a 100k-entity
    sync spent collecting, now 0.7 s. Unfrozen after, so a long-lived process collects them as usual."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def sync_shards(
    shards: Sequence[AwsSettings],
    driver: Driver,
    database: str,
    options: SyncOptions,
    parallel: int = 4,
    progress: Progress = lambda *_: None,
) -> list[ShardOutcome]:
    """Every shard, at most ``parallel`` at a time (the Neo4j driver is shared: it is thread-safe)."""
    if len(shards) == 1:
        return [sync_shard(shards[0], driver, database, options, progress)]

    def isolated(aws: AwsSettings) -> ShardOutcome:
        """A bug met in one shard fails that shard alone (exit 1, its traceback logged); the others finish."""
        try:
            return sync_shard(aws, driver, database, options, progress)
        except Exception as err:
            log.exception("the sync of region %s failed", aws.region)
            return ShardOutcome(aws, error=f"{type(err).__name__}: {err}", exit_code=1)

    with ThreadPoolExecutor(max_workers=max(1, parallel), thread_name_prefix="shard") as pool:
        return list(pool.map(isolated, shards))


# Outcomes that are not failures, most serious first.
_RANKED = (LEASE_HELD_EXIT_CODE, CLEANUP_REFUSED_EXIT_CODE, CLEANUP_SKIPPED_EXIT_CODE, PARTIAL_EXIT_CODE)


def exit_code(outcomes: Sequence[ShardOutcome]) -> int:
    """The most serious outcome wins: a failure's own code, then lease held (6), cleanup refused (8),
    cleanup skipped (9), partial (7)."""
    codes = [o.exit_code for o in outcomes]
    failures = [c for c in codes if c not in (0, *_RANKED)]
    for candidates in (failures, *([c for c in codes if c == ranked] for ranked in _RANKED)):
        if candidates:
            return candidates[0]
    return 0


def _page_callback(shard: str, lease: Lease, progress: Progress) -> Callable[[str, int], None]:
    """After each committed page: report progress, and renew the lease once a third of its time has
    passed (not on every page: that would be a write each)."""
    renewed = time.monotonic()
    totals: dict[str, int] = {}
    lock = threading.Lock()  # a sync writes pipelines in a thread of their own, alongside other pages

    def on_page(kind: str, rows: int) -> None:
        nonlocal renewed
        with lock:
            totals[kind] = totals.get(kind, 0) + rows
            log.info("%s: %s %d", shard, kind, totals[kind])
            progress(shard, kind, totals[kind])
            if time.monotonic() - renewed > lease.ttl_seconds / 3:
                lease.renew()
                renewed = time.monotonic()

    return on_page
