"""Sync leases: one per shard, ``(:SyncLease {shard, holder, acquired_at, expires_at})``, unique on ``shard``.

Taking one is a single statement: MERGE on the uniqueness constraint (concurrent creators serialize on the
constraint), then a write lock on the node before its holder and expiry are read (Neo4j's documented
lost-update guard), then a conditional SET: the lease is taken only when it is free, expired, or already
ours. Exactly one of any number of racing processes wins. Expiry is judged by the Neo4j server's clock, so
holders on machines with skewed clocks still agree. A holder that dies lets its lease expire after
``ttl_seconds``, unless it died on this machine: the lease records the holder's host (hostname, boot id,
PID namespace), pid and process start time, and a process on the same host that finds that pid gone (or
reused by a process that started at another time) takes the lease over at once, and logs it.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import Any

from neo4j import Driver
from neo4j.exceptions import ServiceUnavailable, SessionExpired

from lineage_graph.errors import LeaseHeldError
from lineage_graph.graph import model
from lineage_graph.graph.bookkeeping import ensure_schema, native
from lineage_graph.graph.database import Database

DEFAULT_TTL_SECONDS = 300.0
DEFAULT_WAIT_TIMEOUT = 900.0
DEFAULT_POLL_SECONDS = 2.0

log = logging.getLogger(__name__)

_LEASE = model.SYNC_LEASE_LABEL


class LeaseLostError(LeaseHeldError):
    """Our lease was taken over (it expired and another holder took it) or deleted."""


def default_holder() -> str:
    """``hostname:pid:random``: unique per process and per acquisition, readable in ``status``."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


_ACQUIRE = f"""
MERGE (l:{_LEASE} {{shard: $shard}})
SET l._lock = true
WITH l, datetime() AS now
WITH l, now, (l.holder IS NULL OR l.expires_at <= now OR l.holder = $holder OR l.holder = $dead_holder) AS free
FOREACH (_ IN CASE WHEN free THEN [1] ELSE [] END |
  SET l.holder = $holder, l.acquired_at = now, l.expires_at = now + duration({{milliseconds: $ttl_ms}}),
      l.host = $process.host, l.pid = $process.pid, l.pid_started = $process.pid_started)
REMOVE l._lock
RETURN free, l.holder AS holder, l.acquired_at AS acquired_at, l.expires_at AS expires_at,
       {{host: l.host, pid: l.pid, pid_started: l.pid_started}} AS process
"""

_RENEW = f"""
MATCH (l:{_LEASE} {{shard: $shard}})
SET l._lock = true
WITH l, datetime() AS now
WITH l, now, l.holder = $holder AS ours
FOREACH (_ IN CASE WHEN ours THEN [1] ELSE [] END |
  SET l.expires_at = now + duration({{milliseconds: $ttl_ms}}))
REMOVE l._lock
RETURN ours, l.holder AS holder, l.acquired_at AS acquired_at, l.expires_at AS expires_at
"""

_RELEASE = f"""
MATCH (l:{_LEASE} {{shard: $shard, holder: $holder}})
DELETE l
RETURN count(*) AS released
"""


def _held_message(shard: str, holder: str, acquired_at: datetime, expires_at: datetime) -> str:
    return (
        f"shard {shard} is being synced by {holder} since {acquired_at.isoformat()} "
        f"(lease until {expires_at.isoformat()}); wait for it, pass --wait, or let the lease expire "
        "if that process died"
    )


def _read_text(path: str) -> str | None:
    try:
        with open(path, encoding="ascii") as f:
            return f.read().strip()
    except OSError:
        return None


def host_identity() -> str:
    """This host as a lease holder's pid is meaningful on it: hostname, boot id (a reboot ends every
    process) and PID namespace (containers sharing a hostname do not share pids). Linux has all three."""
    boot = _read_text("/proc/sys/kernel/random/boot_id") or ""
    try:
        namespace = os.readlink("/proc/self/ns/pid")
    except OSError:
        namespace = ""
    return f"{socket.gethostname()}|{boot}|{namespace}"


def process_started(pid: int) -> str | None:
    """When ``pid`` started, in clock ticks since boot (/proc/<pid>/stat field 22), so that a reused pid
    is told apart from the process that recorded it; None where /proc has no such process."""
    stat = _read_text(f"/proc/{pid}/stat")
    if stat is None:
        return None
    return stat.rpartition(")")[2].split()[19]


def this_process() -> dict[str, Any]:
    """What a lease records about its holder for ``holder_is_dead``."""
    pid = os.getpid()
    return {"host": host_identity(), "pid": pid, "pid_started": process_started(pid)}


def holder_is_dead(process: Mapping[str, Any]) -> bool:
    """True only when the recorded holder ran on this host and its process is certainly gone: no process
    has its pid, or the one that has it started at another time (the pid was reused)."""
    pid, started = process.get("pid"), process.get("pid_started")
    if not pid or process.get("host") != host_identity() or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # alive, another user's
    return started is not None and process_started(pid) not in (None, started)


@dataclass
class Lease:
    """The right to sync one shard until ``expires_at``; a context manager that releases it on exit."""

    driver: Driver = field(repr=False)
    database: str
    shard: str
    holder: str
    acquired_at: datetime
    expires_at: datetime
    ttl_seconds: float = DEFAULT_TTL_SECONDS
    lost: BaseException | None = field(default=None, repr=False, compare=False)
    _heartbeat: threading.Thread | None = field(default=None, init=False, repr=False, compare=False)
    _stop: threading.Event = field(default_factory=threading.Event, init=False, repr=False, compare=False)
    db: Database = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.db = Database(self.driver, self.database)  # the lease's own: its renewals wait on no sync's writes

    def renew(self, ttl_seconds: float | None = None) -> datetime:
        """Push the expiry ``ttl_seconds`` past now; raises LeaseLostError when it is no longer ours."""
        ttl = self.ttl_seconds if ttl_seconds is None else ttl_seconds
        records = self.db.write(_RENEW, shard=self.shard, holder=self.holder, ttl_ms=int(ttl * 1000)).records
        if not records or not records[0]["ours"]:
            if not records:
                raise LeaseLostError(f"the lease of shard {self.shard} held by {self.holder} was deleted")
            r = records[0]
            raise LeaseLostError(
                f"lost the lease of shard {self.shard}: "
                + _held_message(self.shard, r["holder"], native(r["acquired_at"]), native(r["expires_at"]))
            )
        self.expires_at = native(records[0]["expires_at"])
        return self.expires_at

    def release(self) -> bool:
        """Delete the lease if it is still ours; True when it was. Stops the heartbeat first."""
        self.stop_heartbeat()
        records = self.db.write(_RELEASE, shard=self.shard, holder=self.holder).records
        return bool(records and records[0]["released"])

    def start_heartbeat(self, every_seconds: float | None = None) -> None:
        """Renew in a daemon thread every ``every_seconds`` (default a third of the ttl) until released.
        A failed renewal stops it and is kept: ``check()`` raises it in the caller's thread."""
        if self._heartbeat is not None:
            return
        interval = every_seconds if every_seconds is not None else self.ttl_seconds / 3
        stop = threading.Event()

        def beat() -> None:
            while not stop.wait(interval):
                try:
                    self.renew()
                except Exception as err:  # lost, or Neo4j gone for longer than the driver's retries
                    self.lost = err
                    return

        self._stop = stop
        self._heartbeat = threading.Thread(target=beat, name=f"lease-heartbeat-{self.shard}", daemon=True)
        self._heartbeat.start()

    def stop_heartbeat(self) -> None:
        if self._heartbeat is not None:
            self._stop.set()
            if self._heartbeat is not threading.current_thread():
                self._heartbeat.join()
            self._heartbeat = None

    def check(self) -> None:
        """Raise what ended the heartbeat (LeaseLostError, say); a sync calls this between pages."""
        if self.lost is not None:
            raise self.lost

    def __enter__(self) -> Lease:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if isinstance(exc, ServiceUnavailable | SessionExpired):  # releasing would wait out the timeout again
            self.stop_heartbeat()
            log.warning("Neo4j is unreachable: the lease of shard %s expires at %s", self.shard, self.expires_at)
            return
        self.release()


def try_acquire_lease(
    driver: Driver, database: str, shard: str, holder: str, ttl_seconds: float = DEFAULT_TTL_SECONDS
) -> Lease | LeaseHeldError:
    """One atomic attempt: the Lease, or the LeaseHeldError (not raised) naming the current holder.

    A lease held by a dead process of this host is taken over at once (compare-and-set on its holder, so
    of several processes noticing the death only one takes it)."""
    ensure_schema(driver, database)
    params = {"shard": shard, "holder": holder, "ttl_ms": int(ttl_seconds * 1000), "process": this_process()}
    db = Database(driver, database)
    r = db.write(_ACQUIRE, dead_holder=None, **params).records[0]
    if not r["free"] and holder_is_dead(r["process"]):
        dead, dead_pid = r["holder"], r["process"]["pid"]
        r = db.write(_ACQUIRE, dead_holder=dead, **params).records[0]
        if r["free"]:
            log.warning(
                "took over the lease of shard %s from %s: its process (pid %s) on this host is gone",
                shard,
                dead,
                dead_pid,
            )
    acquired_at, expires_at = native(r["acquired_at"]), native(r["expires_at"])
    if r["free"]:
        return Lease(driver, database, shard, holder, acquired_at, expires_at, ttl_seconds)
    return LeaseHeldError(
        _held_message(shard, r["holder"], acquired_at, expires_at),
        shard=shard,
        holder=r["holder"],
        acquired_at=acquired_at,
        expires_at=expires_at,
    )


def acquire_lease(
    driver: Driver,
    database: str,
    shard: str,
    holder: str | None = None,
    ttl_seconds: float = DEFAULT_TTL_SECONDS,
    wait: bool = False,
    wait_timeout: float = DEFAULT_WAIT_TIMEOUT,
    poll_seconds: float = DEFAULT_POLL_SECONDS,
) -> Lease:
    """Take the sync lease of ``shard`` for ``ttl_seconds`` (renew it for longer runs).

    Raises LeaseHeldError (exit code 6) saying who holds it, since when and until when; with ``wait``,
    polls every ``poll_seconds`` until it is free or ``wait_timeout`` seconds have passed.
    """
    if ttl_seconds <= 0:
        raise ValueError("ttl_seconds must be positive")
    holder = holder or default_holder()
    deadline = time.monotonic() + wait_timeout
    while True:
        outcome = try_acquire_lease(driver, database, shard, holder, ttl_seconds)
        if isinstance(outcome, Lease):
            return outcome
        remaining = deadline - time.monotonic()
        if not wait or remaining <= 0:
            if wait:
                raise LeaseHeldError(
                    f"gave up after waiting {wait_timeout:g} s: {outcome}",
                    shard=shard,
                    holder=outcome.holder,
                    acquired_at=outcome.acquired_at,
                    expires_at=outcome.expires_at,
                )
            raise outcome
        time.sleep(min(poll_seconds, remaining))


def all_leases(driver: Driver, database: str) -> list[dict[str, Any]]:
    """Every lease, with ``expired`` and ``expires_in_s`` (negative when expired) by the server's clock."""
    result = Database(driver, database).read(
        f"""
        MATCH (l:{_LEASE}) WHERE l.holder IS NOT NULL
        WITH l, datetime() AS now
        RETURN l.shard AS shard, l.holder AS holder, l.acquired_at AS acquired_at, l.expires_at AS expires_at,
               duration.inSeconds(now, l.expires_at).milliseconds / 1000.0 AS expires_in_s
        ORDER BY shard
        """,
    )
    rows = []
    for r in result.records:
        row = {k: native(v) for k, v in r.data().items()}
        row["expired"] = row["expires_in_s"] <= 0
        rows.append(row)
    return rows
