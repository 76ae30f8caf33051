"""``lineage-graph openlineage export``: SageMaker's lineage, as the graph holds it, sent as OpenLineage events.

The graph is read a page at a time (``cypher/openlineage_export.cypher``, a read routed to a reader), in the
order trial components last changed, so memory stays flat at any size; each trial component becomes its
run's events (``events.py``) and goes out through the official client's ``emit``, so every transport the
client has (HTTP to Marquez or OpenMetadata, Amazon DataZone, Kafka, a file) works as configured for it.

Pipeline executions go first, each a run of its pipeline's job and the parent run of its steps' trial
components (``cypher/openlineage_export_executions.cypher``, in the order they started).

Incremental: each target (a receiver's URL, a DataZone domain, a file) has its state in Neo4j beside the sync
bookkeeping, ``(:OpenLineageExport {target, watermark, watermark_arn, until, running_executions})`` (``State``):

- the watermark, the last trial component sent: the next export starts after it. Exporting changed trial
  components again is the point: a run that was in progress at one export is exported again with its end
  once SageMaker records it (its LastModifiedTime moves);
- ``until``, the time the syncs had brought everything in for at the last export: associations created and
  executions started after it are new to the target. A trial component the watermark has passed is sent again
  when an association between it and an artifact was created since (its LastModifiedTime does not move then;
  ``cypher/openlineage_export_associated.cypher``), an execution when it started since;
- ``running_executions``, those sent while still running: each export sends them again, so their end
  reaches the target (an execution has no LastModifiedTime in the graph to page by).

The state moves only after the transport took every event of the export (``emit`` returned and ``close``
confirmed what was queued); an export that stops on the way leaves it alone, and the next one sends the same
events again: the run IDs do not change, so a receiver sees the same runs and states, not new ones.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Any
from urllib.parse import urljoin, urlsplit

from neo4j import Driver, Record
from openlineage.client import OpenLineageClient
from openlineage.client.serde import Serde
from openlineage.client.transport import Transport

from lineage_graph import cypher_files
from lineage_graph.errors import ConfigurationError, OpenLineageTransportError
from lineage_graph.graph import model, schema
from lineage_graph.graph.bookkeeping import apply_bookkeeping_schema
from lineage_graph.graph.database import Database
from lineage_graph.openlineage.events import PipelineExecutionRun, TrialComponentRun

QUERY = "openlineage_export"
EXECUTIONS_QUERY = "openlineage_export_executions"
ASSOCIATED_QUERY = "openlineage_export_associated"
DEFAULT_PAGE_SIZE = 500
INDEX_WAIT_SECONDS = 600
_STATE = model.OPENLINEAGE_EXPORT_LABEL
# The sync's watermarks (``SyncState.kind``) of what a trial component's events are made of beside the
# trial component itself: its associations (``lineage_graph.sync.ASSOCIATIONS``) and pipeline executions.
SETTLING_KINDS = ("Association", model.PIPELINE_EXECUTION.label)
# No sync bookkeeping at all (a graph loaded another way): nothing to wait for.
_END_OF_TIME = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)

Progress = Callable[[str, str, int], None]


@dataclass(frozen=True, order=True)
class Cursor:
    """A place in the export's order: after the trial component changed at ``time`` with ARN ``arn``."""

    time: datetime
    arn: str

    def to_dict(self) -> dict[str, str]:
        return {"time": self.time.isoformat(), "arn": self.arn}


# Before every trial component: where a full export, or the first one to a target, starts.
BEGINNING = Cursor(datetime(1, 1, 1, tzinfo=UTC), "")


@dataclass(frozen=True)
class State:
    """What a target has been sent (see the module's docstring): the trial components' watermark, the time
    associations and executions were exported up to, and the executions whose end is still to send."""

    watermark: Cursor | None
    until: datetime | None = None
    running_executions: tuple[str, ...] = ()


@dataclass
class ExportReport:
    target: str
    since: datetime | None
    full: bool
    watermark_before: Cursor | None
    watermark_after: Cursor | None = None
    # The sync-complete time: trial components changed after it wait for a later export (see ``settled``).
    until: datetime | None = None
    held_back: int = 0
    runs: int = 0  # trial components and pipeline executions
    pipeline_executions: int = 0  # of the runs
    reassociated: int = 0  # of the runs: trial components sent again for an association created since
    events: int = 0
    # Distinct datasets named as inputs or outputs, by the hash of their name: the one state that grows
    # with an export, by about 40 bytes a dataset (the names themselves took 250: 50 MB at 200,000).
    datasets: set[int] = field(default_factory=set)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "since": self.since.isoformat() if self.since else None,
            "full": self.full,
            "runs": self.runs,
            "pipeline_executions": self.pipeline_executions,
            "reassociated": self.reassociated,
            "events": self.events,
            "datasets": len(self.datasets),
            "watermark_before": self.watermark_before.to_dict() if self.watermark_before else None,
            "watermark_after": self.watermark_after.to_dict() if self.watermark_after else None,
            "until": self.until.isoformat() if self.until else None,
            "held_back": self.held_back,
            "seconds": round(self.seconds, 3),
        }


class NdjsonTransport(Transport):
    """One event per line to a text stream (``--file``): the JSON the client's transports send, as its
    ``Serde`` writes it, so a file export is byte for byte what a receiver would get."""

    kind = "ndjson"

    def __init__(self, stream: IO[str] | None, target: str) -> None:
        self.stream = stream  # None until the file is opened, once the client is known to use this transport
        self.target = target

    def emit(self, event: Any) -> None:
        if self.stream is None:
            raise RuntimeError("NdjsonTransport: no stream to write to")
        self.stream.write(Serde.to_json(event) + "\n")

    def close(self, timeout: float = -1) -> bool:
        if self.stream is not None:
            self.stream.flush()
        return True


def configured_client() -> OpenLineageClient:
    """The client as OpenLineage's integrations make it: the transport from ``OPENLINEAGE_CONFIG``,
    ``openlineage.yml`` (working directory, then ``~/.openlineage``), ``OPENLINEAGE__*`` variables or
    ``OPENLINEAGE_URL``, resolved by the client itself. Where none is set the client would print to its log
    and the watermark move for nothing: that, as ``OPENLINEAGE_DISABLED``, is a configuration error."""
    try:
        client = OpenLineageClient()
    except Exception as err:  # the client's own config parsing and transport setup: ValueError, ImportError...
        raise ConfigurationError(f"the OpenLineage client's configuration is unusable: {err}") from None
    if client.transport.kind == "console" and not (client.config.transport or {}).get("type"):
        raise ConfigurationError(
            "no OpenLineage transport is configured: set OPENLINEAGE_URL (Marquez, OpenMetadata, lineage-graph "
            "serve), OPENLINEAGE_CONFIG or an openlineage.yml, or write a file with --file PATH"
        )
    return enabled(client)


def enabled(client: OpenLineageClient) -> OpenLineageClient:
    """The client, unless ``OPENLINEAGE_DISABLED=true`` made its transport a no-op (whatever it was given):
    the export would then send nothing and move the watermark past it."""
    if client.transport.kind == "noop":
        raise ConfigurationError("OpenLineage is disabled (OPENLINEAGE_DISABLED=true): nothing would be sent")
    return client


def _safe_url(url: str) -> str:
    """A URL without userinfo, query or fragment: a target's name, stored and printed, never a secret."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


def target_of(transport: Transport) -> str:
    """The name a transport's watermark is kept under: where it sends (``http://marquez:5000/api/v1/lineage``,
    ``amazon_datazone:dzd_abc``, ``kafka:topic``, ``file:/path``), else its kind (``--target`` names it)."""
    if isinstance(transport, NdjsonTransport):
        return transport.target
    kind = transport.kind or type(transport).__name__
    url = getattr(transport, "url", None)
    if isinstance(url, str):
        return _safe_url(urljoin(url, getattr(transport, "endpoint", "") or ""))
    config = getattr(transport, "config", None)
    for attribute in ("domain_id", "topic", "log_file_path"):
        value = getattr(config, attribute, None)
        if isinstance(value, str):
            return f"{kind}:{value}"
    return kind


def read_state(db: Database, target: str) -> State:
    records = db.read(
        f"MATCH (e:{_STATE} {{target: $target}}) RETURN e.watermark AS time, e.watermark_arn AS arn, "
        "e.until AS until, e.running_executions AS running",
        target=target,
    ).records
    if not records:
        return State(None)
    r = records[0]
    watermark = None if r["time"] is None else Cursor(r["time"].to_native(), r["arn"] or "")
    until = None if r["until"] is None else r["until"].to_native()
    return State(watermark, until, tuple(r["running"] or ()))


def write_state(db: Database, target: str, state: State) -> None:
    """Called only once the transport took every event the new state counts as sent."""
    db.write(
        f"MERGE (e:{_STATE} {{target: $target}}) "
        "SET e.watermark = $time, e.watermark_arn = $arn, e.until = $until, e.running_executions = $running, "
        "e.exported_at = datetime()",
        target=target,
        time=state.watermark.time if state.watermark else None,
        arn=state.watermark.arn if state.watermark else None,
        until=state.until,
        running=list(state.running_executions),
    )


def settled(db: Database) -> datetime | None:
    """Up to when the graph is complete for export: the oldest of every shard's association watermark (and
    pipeline execution watermark, where its sync could list them). A sync writes trial components first and
    their associations and executions after them; exported before those are in, a trial component would go
    without its inputs, outputs or parent, and the export's watermark would pass it for good. So trial
    components changed after this time wait for a later export. A shard whose first sync has trial components
    in but not yet their associations holds everything back. None: no sync bookkeeping (a graph loaded
    another way), nothing to wait for."""
    records = db.read(
        f"MATCH (s:{model.SYNC_STATE_LABEL}) WHERE s.kind IN $kinds RETURN s.shard AS shard, s.kind AS kind, "
        "s.watermark AS watermark",
        kinds=[model.TRIAL_COMPONENT.label, *SETTLING_KINDS],
    ).records
    shards: dict[str, dict[str, datetime]] = {}
    for r in records:
        shards.setdefault(r["shard"], {})[r["kind"]] = r["watermark"].to_native()
    if not shards:
        return None
    return min(
        min((marks[k] for k in SETTLING_KINDS if k in marks), default=BEGINNING.time) for marks in shards.values()
    )


def _held_back(db: Database, start: Cursor, until: datetime) -> int:
    records = db.read(
        f"MATCH (tc:{model.TRIAL_COMPONENT.label}) WHERE tc.modified_at > $until AND tc.modified_at >= $after_time "
        f"AND NOT tc:{model.PLACEHOLDER_LABEL} RETURN count(tc) AS held_back",
        until=until,
        after_time=start.time,
    ).records
    return int(records[0]["held_back"])


def _keyset_pages(
    db: Database, query_name: str, after: dict[str, Any], next_after: Callable[[Record], dict[str, Any]], **params: Any
) -> Iterator[list[Record]]:
    """Pages of a keyset query until none is left, each its own short read transaction: ``after`` holds the
    cursor's parameters for the first page, ``next_after`` makes them from a page's last row."""
    query = cypher_files.read(query_name)
    while True:
        records = db.read(query, **after, **params).records
        if not records:
            return
        after = next_after(records[-1])
        yield records


def _cursor_after(row: Record, time_field: str) -> dict[str, Any]:
    return {"after_time": row[time_field].to_native(), "after_arn": row["arn"]}


def _pages(db: Database, start: Cursor, until: datetime, page_size: int) -> Iterator[tuple[list[Record], Cursor]]:
    """Pages of trial components changed after ``start``, each with the cursor of its last row."""
    first = {"after_time": start.time, "after_arn": start.arn}
    for records in _keyset_pages(
        db, QUERY, first, lambda row: _cursor_after(row, "modified_at"), until=until, page_size=page_size
    ):
        yield records, Cursor(records[-1]["modified_at"].to_native(), records[-1]["arn"])


def _execution_pages(db: Database, after: datetime, until: datetime, page_size: int) -> Iterator[list[Record]]:
    """Pages of the executions started in [after, until], in the order they started."""
    first = {"after_time": after, "after_arn": ""}
    return _keyset_pages(
        db, EXECUTIONS_QUERY, first, lambda row: _cursor_after(row, "start_time"), until=until, page_size=page_size
    )


def _executions(db: Database, arns: list[str]) -> list[Record]:
    """The rows of these executions (those a target was sent while they ran), as the executions query's."""
    return db.read(
        f"MATCH (pe:{model.ENTITY_LABEL}:{model.PIPELINE_EXECUTION.label}) WHERE pe.arn IN $arns "
        f"RETURN pe.arn AS arn, pe.status AS status, pe.start_time AS start_time, "
        f"[(pe)-[step:{model.EXECUTED[0]}]->() | step.end_time] AS step_ends",
        arns=arns,
    ).records


def _associated_pages(
    db: Database, created_after: datetime, until: datetime, sent: Cursor, page_size: int
) -> Iterator[list[Record]]:
    """Pages of the trial components at or before ``sent`` with an association to or from an artifact
    created in [created_after, until], by ARN."""
    return _keyset_pages(
        db,
        ASSOCIATED_QUERY,
        {"after_arn": ""},
        lambda row: {"after_arn": row["arn"]},
        created_after=created_after,
        until=until,
        sent_time=sent.time,
        sent_arn=sent.arn,
        page_size=page_size,
    )


def export(
    driver: Driver,
    database: str,
    client: OpenLineageClient,
    target: str,
    *,
    since: datetime | None = None,
    full: bool = False,
    page_size: int = DEFAULT_PAGE_SIZE,
    progress: Progress | None = None,
) -> ExportReport:
    """Send, up to the graph's ``settled`` time, each as its run's events: the pipeline executions started
    since the target's last export (since ``since``; all with ``full``) and those it was sent while they
    ran; every trial component changed after the target's watermark; and those before it with an association
    created since. Then write the target's new state (its watermark never moves back)."""
    started = time.monotonic()
    now = datetime.now(UTC)
    apply_bookkeeping_schema(driver, database)
    db = Database(driver, database)
    # The indexes the pages are read by, on a graph synced before them: online before a query's hint needs them.
    if schema.apply(driver, database, "schema"):
        db.read("CALL db.awaitIndexes($seconds)", seconds=INDEX_WAIT_SECONDS)
    before = read_state(db, target)
    report = ExportReport(target, since, full, before.watermark, watermark_after=before.watermark)
    start = Cursor(since, "") if since is not None else before.watermark if before.watermark and not full else BEGINNING
    report.until = settled(db)
    until = report.until or _END_OF_TIME
    report.held_back = _held_back(db, start, until)
    # Associations created and executions started at or after this time are new to the target. A state
    # written before it kept `until` has its watermark's time, the nearest it knows.
    changed_after = since if since is not None else BEGINNING.time if full else before.until or start.time

    def send(run: TrialComponentRun | PipelineExecutionRun) -> None:
        for event in run.events():
            try:
                client.emit(event)
            except Exception as err:  # whatever the transport raises: requests, boto3, kafka errors
                raise _refused(target, report, err) from None
            report.events += 1
        report.runs += 1
        if isinstance(run, TrialComponentRun):
            report.datasets.update(hash(d) for d in (*run.inputs, *run.outputs))
        if progress is not None:
            progress(target, "runs", report.runs)

    running: list[str] = []
    pages = (
        PipelineExecutionRun.from_row(r)
        for records in _execution_pages(db, changed_after, until, page_size)
        for r in records
    )
    # Those sent while they ran, unless the window sends them anyway.
    again = (
        e
        for e in map(PipelineExecutionRun.from_row, _executions(db, list(before.running_executions)))
        if e.start_time is None or not changed_after <= e.start_time <= until
    )
    for execution in itertools.chain(pages, again):
        send(execution)
        report.pipeline_executions += 1
        if execution.running:
            running.append(execution.arn)
    last: Cursor | None = None
    for records, cursor in _pages(db, start, until, page_size):
        for record in records:
            send(TrialComponentRun.from_row(record))
        last = cursor
    if start != BEGINNING:  # else every trial component up to `until` was just sent
        for records in _associated_pages(db, changed_after, until, start, page_size):
            for record in records:
                send(TrialComponentRun.from_row(record))
                report.reassociated += 1
    if not client.close():
        raise _refused(target, report, None)
    watermark = last if last is not None and (before.watermark is None or last > before.watermark) else before.watermark
    # `until` moves on over a window that began where the last one ended: a --since after it leaves a gap.
    covered = since is None or (before.until is not None and since <= before.until)
    write_state(db, target, State(watermark, (report.until or now) if covered else before.until, tuple(running)))
    report.watermark_after = watermark
    report.seconds = time.monotonic() - started
    return report


def _refused(target: str, report: ExportReport, err: Exception | None) -> OpenLineageTransportError:
    """What went wrong, what was sent, and that nothing is lost: the watermark stays, the IDs do not change."""
    if err is None:
        what = f"did not confirm that the {report.events} events sent were delivered"
    else:
        what = (
            f"did not take event {report.events + 1} ({type(err).__name__}: {err}); {report.events} were sent before it"
        )
    kept = report.watermark_before.to_dict() if report.watermark_before else "none"
    return OpenLineageTransportError(
        f"the OpenLineage receiver {target} {what}; the watermark stays ({kept}), and the next export sends "
        "them again with the same run IDs"
    )
