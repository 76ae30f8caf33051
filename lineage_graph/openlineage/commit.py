"""Group commit: the events of concurrent requests written together, each request answered once its batch commits.

A Neo4j commit costs milliseconds whatever it holds, and the official client posts one event per request,
so a transaction per request caps a receiver at a few hundred events a second. One writer thread takes
everything submitted while the previous transaction ran (up to ``max_events``) and commits it as one
transaction; every request of that batch learns the outcome through its future. Nothing is answered before
its transaction has committed, so a 2xx still means durable.

A batch's rows (``transform.Rows``) are built as its requests are submitted, in the submitter's thread,
not by the writer when the batch's turn comes: the writer is the one thing every event waits for in turn,
and merging a batch's events into rows was about a twentieth of its time a batch (profiled under 256
clients), time its transaction then waited for.

When a batch of several requests fails for a reason that is not Neo4j's availability (a value Neo4j
refuses, a bug), each request is written again alone, so one bad request cannot fail the others.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from concurrent.futures import Future
from dataclasses import dataclass, field

from neo4j.exceptions import AuthError, DriverError, Neo4jError

from lineage_graph.graph.connection import neo4j_failure
from lineage_graph.openlineage.intake import Event
from lineage_graph.openlineage.load import OpenLineageWriter
from lineage_graph.openlineage.transform import Rows

log = logging.getLogger(__name__)

# Events a transaction takes at most: large enough to amortise a commit, small enough to keep its
# parameters (and the wait of the requests in it) modest.
MAX_EVENTS = 2000
# Events waiting for a transaction at most. Beyond, a request is turned away (``serve`` says 503, which
# the OpenLineage client retries later) instead of queueing: memory stays flat when producers outrun Neo4j.
MAX_PENDING = 50_000


class BusyError(Exception):
    """The writer already holds MAX_PENDING events waiting for Neo4j."""


@dataclass
class _Request:
    events: list[Event]
    future: Future[int] = field(default_factory=Future)


@dataclass
class _Batch:
    """The requests of one transaction, and their events merged into rows as they came."""

    requests: list[_Request] = field(default_factory=list)
    rows: Rows = field(default_factory=Rows)


def _rows_of(requests: list[_Request]) -> Rows:
    rows = Rows()
    for request in requests:
        for event in request.events:
            rows.add(event)
    return rows


@dataclass
class CommitStats:
    """What the writer has committed so far (``serve``'s health answer shows it)."""

    events: int = 0
    transactions: int = 0
    failed_transactions: int = 0


def unavailable(err: BaseException) -> bool:
    """Whether the error is Neo4j being away or refusing writes (the same for every request)."""
    if isinstance(err, AuthError):
        return True
    return isinstance(err, Neo4jError | DriverError) and neo4j_failure(err) is not None


class GroupCommit:
    """``submit(events)`` from any thread; the future resolves to the number of events once committed."""

    def __init__(self, writer: OpenLineageWriter, max_events: int = MAX_EVENTS, max_pending: int = MAX_PENDING) -> None:
        self.writer = writer
        self.max_events = max_events
        self.max_pending = max_pending
        self.stats = CommitStats()
        self._pending = 0  # events submitted and not yet committed (or failed)
        self._lock = threading.Lock()
        self._submitted = threading.Condition(self._lock)
        self._batches: deque[_Batch] = deque()  # oldest first; the newest takes what is submitted next
        self._closing = False
        self._thread = threading.Thread(target=self._run, name="openlineage-writer", daemon=True)
        self._schema_applied = False

    def start(self) -> None:
        self._thread.start()

    def prepare(self) -> None:
        """The schema and the write's query plans, before any request: planning them takes seconds on a fresh
        Neo4j, which the first producer would otherwise wait for (past its client's timeout, 5 s by default).
        Raises the driver's error when Neo4j does not answer; the first write then does it instead."""
        self.writer.apply_schema()
        self._schema_applied = True
        self.writer.prepare()

    def submit(self, events: list[Event]) -> Future[int]:
        """Add the events to the next transaction; raises BusyError when too many already wait."""
        request = _Request(events)
        with self._lock:
            if self._pending and self._pending + len(events) > self.max_pending:
                raise BusyError(f"{self._pending:,} events are already waiting for Neo4j")
            newest = self._batches[-1] if self._batches else None
            if newest is None or (newest.rows.events and newest.rows.events + len(events) > self.max_events):
                newest = _Batch()
                self._batches.append(newest)
            newest.requests.append(request)
            try:
                for event in events:
                    newest.rows.add(event)
            except Exception:  # a bug: keep the batch's rows those of the requests that stay in it
                newest.requests.pop()
                newest.rows = _rows_of(newest.requests)
                raise
            self._pending += len(events)
            self._submitted.notify()
        return request.future

    def close(self) -> None:
        """Write what was submitted, then stop the writer."""
        with self._lock:
            self._closing = True
            self._submitted.notify()
        self._thread.join()

    def _run(self) -> None:
        while True:
            with self._lock:
                while not self._batches and not self._closing:
                    self._submitted.wait()
                if not self._batches:
                    return
                batch = self._batches.popleft()
            self._commit(batch)

    def _commit(self, batch: _Batch) -> None:
        try:
            # A request whose waiter gave up (cancelled on a shutdown past its grace period) is dropped; the
            # others can no longer be cancelled, so their outcome always lands.
            live = [r for r in batch.requests if r.future.set_running_or_notify_cancel()]
            if len(live) == len(batch.requests):
                self._write(live, batch.rows)
            elif live:
                self._write(live, _rows_of(live))
        finally:
            with self._lock:
                self._pending -= batch.rows.events

    def _write(self, batch: list[_Request], rows: Rows) -> None:
        try:
            if not self._schema_applied:
                self.writer.apply_schema()
                self._schema_applied = True
            self.writer.write(rows)
        except Exception as err:  # every request must hear of it, whatever it is
            self.stats.failed_transactions += 1
            if len(batch) > 1 and not unavailable(err):
                for request in batch:
                    self._write([request], _rows_of([request]))
                return
            for request in batch:
                request.future.set_exception(err)
            return
        self.stats.transactions += 1
        self.stats.events += rows.events
        for request in batch:
            request.future.set_result(len(request.events))
