"""Group commit: the events of concurrent requests written together, each request answered once its batch commits.

A Neo4j commit costs milliseconds whatever it holds, and the official client posts one event per request,
so a transaction per request caps a receiver at a few hundred events a second. One writer thread takes
everything queued while the previous transaction ran (up to ``max_events``) and commits it as one
transaction; every request of that batch learns the outcome through its future. Nothing is answered before
its transaction has committed, so a 2xx still means durable.

When a batch of several requests fails for a reason that is not Neo4j's availability (a value Neo4j
refuses, a bug), each request is written again alone, so one bad request cannot fail the others.
"""

from __future__ import annotations

import logging
import queue
import threading
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
        self._pending_lock = threading.Lock()
        self._queue: queue.SimpleQueue[_Request | None] = queue.SimpleQueue()
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
        """Queue the events for the next transaction; raises BusyError when too many already wait."""
        with self._pending_lock:
            if self._pending and self._pending + len(events) > self.max_pending:
                raise BusyError(f"{self._pending:,} events are already waiting for Neo4j")
            self._pending += len(events)
        request = _Request(events)
        self._queue.put(request)
        return request.future

    def close(self) -> None:
        """Write what was submitted, then stop the writer."""
        self._queue.put(None)
        self._thread.join()

    def _run(self) -> None:
        while (first := self._queue.get()) is not None:
            batch, size, stopping = [first], len(first.events), False
            while size < self.max_events:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    stopping = True
                    break
                batch.append(item)
                size += len(item.events)
            self._commit(batch)
            if stopping:
                return

    def _commit(self, batch: list[_Request]) -> None:
        try:
            # A request whose waiter gave up (cancelled on a shutdown past its grace period) is dropped; the
            # others can no longer be cancelled, so their outcome always lands.
            live = [r for r in batch if r.future.set_running_or_notify_cancel()]
            if live:
                self._write(live)
        finally:
            with self._pending_lock:
                self._pending -= sum(len(r.events) for r in batch)

    def _write(self, batch: list[_Request]) -> None:
        rows = Rows()
        try:
            for request in batch:
                for event in request.events:
                    rows.add(event)
            if not self._schema_applied:
                self.writer.apply_schema()
                self._schema_applied = True
            self.writer.write(rows)
        except Exception as err:  # every request must hear of it, whatever it is
            self.stats.failed_transactions += 1
            if len(batch) > 1 and not unavailable(err):
                for request in batch:
                    self._write([request])
                return
            for request in batch:
                request.future.set_exception(err)
            return
        self.stats.transactions += 1
        self.stats.events += rows.events
        for request in batch:
            request.future.set_result(len(request.events))
