"""One sync of one account and region: crawl SageMaker -> transform to rows -> load into Neo4j.

Records stream from the crawler through the transform into batched writes, one entity kind at a time
and one page at a time (children, such as an experiment's trials, are listed page by page too).
Entities are written before associations so that association ends find their nodes, and an end no
list returned becomes a placeholder.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, TypeVar

from lineage_graph.arn import MalformedArnError
from lineage_graph.graph import model
from lineage_graph.graph.load import GraphWriter, WriteCounts, batched
from lineage_graph.graph.rows import Association, EdgeRow, NodeRow
from lineage_graph.sagemaker import kinds, transform
from lineage_graph.sagemaker.client import SageMakerApi
from lineage_graph.sagemaker.crawl import Crawler, Skip
from lineage_graph.sagemaker.kinds import SageMakerKind
from lineage_graph.sagemaker.prefetch import prefetched
from lineage_graph.sagemaker.transform import Record
from lineage_graph.sync_properties import sync_properties

log = logging.getLogger(__name__)
T = TypeVar("T")


# Watermark kind of the association scan (not a node kind).
ASSOCIATIONS = kinds.ASSOCIATION.name
# SageMaker's lineage is eventually consistent (auto-created lineage can lag about two minutes).
DEFAULT_OVERLAP = timedelta(minutes=10)
# SageMaker's PipelineExecutionStatus: Executing | Stopping | Stopped | Failed | Succeeded. A running
# execution's steps still change; a terminal one's steps are final.
RUNNING_STATUSES = frozenset({"Executing", "Stopping"})
TERMINAL_STATUSES = frozenset({"Succeeded", "Failed", "Stopped"})
DEFAULT_MAX_DELETE_FRACTION = 0.05
STEP_READERS = 8  # executions whose steps are listed at once
REPORTED_SKIPS = 100  # skipped records a report names (``skipped`` counts them all)


@dataclass
class SyncReport:
    region: str
    account: str
    modes: dict[str, str] = field(default_factory=dict)  # kind -> "full" | "incremental"
    cleanup: dict[str, Any] | None = None  # full runs: what the sweep removed, or why it did not
    nodes: dict[str, WriteCounts] = field(default_factory=dict)
    placeholders_created: int = 0
    edges_seen: collections.Counter[str] = field(default_factory=collections.Counter)
    edges_created: collections.Counter[str] = field(default_factory=collections.Counter)
    steps_linked: int = 0
    steps_unmatched: int = 0
    steps_kept: int = 0  # EXECUTED relationships a full run re-stamped without listing their steps
    executions_listed: int = 0  # executions whose steps were listed (one ListPipelineExecutionSteps or more)
    executions_kept: int = 0  # finished, unchanged, fully linked executions whose steps were not listed
    skipped: collections.Counter[str] = field(default_factory=collections.Counter)
    skipped_records: list[Skip] = field(default_factory=list)  # what ``skipped`` counts, with ARN and reason
    api_calls: dict[str, int] = field(default_factory=dict)
    throttles: dict[str, int] = field(default_factory=dict)  # throttling responses per operation
    denied: dict[str, str] = field(default_factory=dict)  # operation -> the IAM permission it lacks
    properties: dict[str, Any] | None = None  # the properties pass (sync_properties.PropertiesReport)
    seconds: float = 0.0

    def absorb(self, part: SyncReport) -> None:
        """Add the counts of a part of this run that counted apart (the pipelines' thread)."""
        for kind, counts in part.nodes.items():
            self.nodes.setdefault(kind, WriteCounts()).add(counts)
        self.placeholders_created += part.placeholders_created
        self.edges_seen.update(part.edges_seen)
        self.edges_created.update(part.edges_created)
        self.steps_linked += part.steps_linked
        self.steps_unmatched += part.steps_unmatched
        self.steps_kept += part.steps_kept
        self.executions_listed += part.executions_listed
        self.executions_kept += part.executions_kept
        self.skipped.update(part.skipped)
        self.skipped_records += part.skipped_records

    def skip(self, skip: Skip) -> None:
        self.skipped[skip.kind] += 1
        self.skipped_records.append(skip)

    def to_dict(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "region": self.region,
            "mode": "incremental" if self.modes and set(self.modes.values()) == {"incremental"} else "full",
            "modes": dict(self.modes),
            "nodes": {kind: vars(counts) for kind, counts in self.nodes.items()},
            "placeholders_created": self.placeholders_created,
            "edges": {
                rel: {"seen": self.edges_seen[rel], "created": self.edges_created[rel]} for rel in self.edges_seen
            },
            "pipeline_steps": {
                "linked": self.steps_linked,
                "unmatched": self.steps_unmatched,
                "kept": self.steps_kept,
                "executions_listed": self.executions_listed,
                "executions_kept": self.executions_kept,
            },
            "skipped": dict(self.skipped),
            "skipped_records": [skip.to_dict() for skip in self.skipped_records[:REPORTED_SKIPS]],
            "cleanup": self.cleanup,
            "properties": self.properties,
            "api_calls": dict(sorted(self.api_calls.items())),
            "api_calls_total": sum(self.api_calls.values()),
            "throttles": dict(sorted(self.throttles.items())),
            "denied": dict(sorted(self.denied.items())),
            "seconds": round(self.seconds, 3),
        }


@dataclass(frozen=True)
class _Pass:
    """What one sync's writes share: the graph, SageMaker, and the report they count into (the pipelines
    thread has a report of its own, see ``_Sync.pipelines_beside``)."""

    writer: GraphWriter
    crawler: Crawler
    report: SyncReport
    shard: str
    full: bool
    on_page: Callable[[str, int], object]

    def nodes(self, kind: str, rows: Iterable[NodeRow]) -> None:
        log.info("syncing %s", kind)
        self.report.nodes.setdefault(kind, WriteCounts()).add(self.writer.write_nodes(rows))

    def structure(self, rows: list[EdgeRow]) -> None:
        for row in rows:
            self.report.edges_seen[row.rel_type] += 1
        self.report.edges_created.update(self.writer.write_edges(rows))

    def associations(self, associations: list[Association]) -> None:
        """The edges, with placeholders for the ends no node has."""
        for edge, _ in associations:
            self.report.edges_seen[edge.rel_type] += 1
        created, placeholders = self.writer.write_associations(associations)
        self.report.edges_created.update(created)
        self.report.placeholders_created += placeholders

    def safe(self, kind: str, records: Iterable[Record], make: Callable[[Record], T]) -> Iterator[T]:
        """One malformed record is reported (its ARN where it has one, and why) and skipped; it never stops
        the sync."""
        for rec in records:
            try:
                yield make(rec)
            except (KeyError, MalformedArnError) as err:
                reason = f"missing {err.args[0]}" if isinstance(err, KeyError) else str(err)
                skip = Skip(kind, _named_arn(kind, rec), reason)
                log.warning("skipping a malformed %s record %s: %s", kind, skip.arn or "(no ARN)", reason)
                self.report.skip(skip)


def run_sync(
    api: SageMakerApi,
    writer: GraphWriter,
    account: str,
    *,
    full: bool = False,
    overlap: timedelta = DEFAULT_OVERLAP,
    max_delete_fraction: float = DEFAULT_MAX_DELETE_FRACTION,
    force_delete: bool = False,
    properties: bool = True,
    on_page: Callable[[str, int], object] = lambda kind, rows: None,
) -> SyncReport:
    """Sync one account and region into the graph; rerunning it writes nothing new.

    Each entity kind is incremental when it has a watermark (asking only for what was created or,
    for trial components, modified since it, less ``overlap`` for SageMaker's eventual consistency)
    and full otherwise or with ``full``. A kind's watermark is this run's start time, stored once the
    kind is committed, so a sync killed half-way redoes only the kinds it had not finished.

    A ``full`` run also removes what SageMaker no longer has (``graph.cleanup``), keeping what the graph
    has of the records it skipped, unless a listing was denied or a skipped record named no ARN (see
    ``crawl_gaps``) or the removal would exceed ``max_delete_fraction`` of the shard (without
    ``force_delete``).
    ``on_page(kind, rows)`` is called after every committed page: progress, and the shard's lease renewal.
    Once the lineage is in, artifacts' and actions' properties follow (``sync_properties``; not read
    without ``properties``, but counted as missing).
    """
    sync = _Sync(api, writer, account, full=full, overlap=overlap, on_page=on_page)
    # Everything is handled a page at a time, so memory stays flat however large the account.
    for kind in kinds.BEFORE_PIPELINES:
        sync.load(kind)
    with sync.pipelines_beside() as on_main_page:
        for kind in kinds.BESIDE_PIPELINES:
            sync.load(kind, on=on_main_page)
    sync.properties(enabled=properties)
    sync.cleanup(max_delete_fraction=max_delete_fraction, force=force_delete)
    return sync.finish()


class _Sync:
    """One run of ``run_sync``: its start, the watermarks it started from, the report it counts into, and
    one method per step, called in order. The kinds load in the order ``sagemaker.kinds`` declares:
    entities before associations so that association ends find their nodes, and trial components after
    the trials they link to."""

    def __init__(
        self,
        api: SageMakerApi,
        writer: GraphWriter,
        account: str,
        *,
        full: bool,
        overlap: timedelta,
        on_page: Callable[[str, int], object],
    ) -> None:
        """Start the run: the schema in place, a full run's stamp, the shard's watermarks read."""
        self.started = time.monotonic()
        self.started_at = datetime.now(UTC)  # the watermark each kind moves to once it is committed
        self.api = api
        self.account = account
        self.shard = f"{account}:{api.region}"
        self.writer = writer
        self.crawler = Crawler(api)
        self.report = SyncReport(region=api.region, account=account)
        self.overlap = overlap
        self.on_page = on_page
        writer.apply_schema()
        writer.shard = self.shard
        writer.stamp = uuid.uuid4().hex if full else None
        self.watermarks = {} if full else writer.watermarks(self.shard)
        self.main = _Pass(writer, self.crawler, self.report, self.shard, full, on_page)  # the main thread's

    # --- the steps, in run_sync's order ------------------------------------------------------------------

    def load(self, kind: SageMakerKind, on: Callable[[str, int], object] | None = None) -> None:
        """One kind's listing into the graph: nodes with the structure edges their records name, or
        associations; ``on`` as in ``load_pages``. A kind with no time field (experiments) is listed whole
        a page at a time, with no watermark."""
        make: Callable[[Record], Any] = partial(_node_rows, kind) if kind.node else kind.transform
        write: Callable[[list[Any]], None] = (
            partial(self.nodes_and_edges, kind.name) if kind.node else self.main.associations
        )
        if kind.time_field is None:
            for page in batched(self.crawler.records(kind), self.writer.batch_size):
                write(list(self.main.safe(kind.name, page, make)))
            return
        listing = self.crawler.records(kind, self.since(kind.name))
        self.load_pages(kind.name, listing, kind.time_field, make, write, *kind.watermark_operations, on=on)

    @contextlib.contextmanager
    def pipelines_beside(self) -> Iterator[Callable[[str, int], object]]:
        """Pipelines, executions and their steps, in a thread of their own while the body loads the rest:
        once the trial components and artifacts their steps run are in, their step listings (a round trip
        per execution) overlap the association pages' writes. Each side waits on a different server, and
        one's waits are the other's work. Yields the body's page callback, which also raises a failure of
        the pipelines now rather than after the last association page; a failure of the body stops them."""
        executions_since = self.since(kinds.PIPELINE_EXECUTION.name)
        pipelines_report = SyncReport(region=self.api.region, account=self.account)
        stopping = threading.Event()
        with ThreadPoolExecutor(1, thread_name_prefix="pipelines") as background:
            pipelines = background.submit(
                _sync_pipelines,
                replace(self.main, report=pipelines_report),
                executions_since,
                stopping,
                lambda: crawl_gaps(self.report, pipelines_report, crawler=self.crawler),
            )

            def on_main_page(kind: str, rows: int) -> None:
                self.on_page(kind, rows)
                if pipelines.done():
                    pipelines.result()  # a failure raises now, not after the last association page

            try:
                yield on_main_page
            except BaseException:
                stopping.set()
                raise
            pipelines.result()
        self.committed(kinds.PIPELINE_EXECUTION.name, *kinds.PIPELINE_EXECUTION.watermark_operations)
        self.report.absorb(pipelines_report)

    def properties(self, *, enabled: bool) -> None:
        """Artifacts' and actions' properties, once the lineage is committed (``sync_properties``)."""
        self.report.properties = sync_properties(
            self.crawler, self.writer, self.account, self.api.region, enabled=enabled, on_page=self.on_page
        ).to_dict()

    def cleanup(self, *, max_delete_fraction: float, force: bool) -> None:
        """The crawler's skipped records into the report; then, on a full run with no gap in its crawl, the
        sweep of what SageMaker no longer has, keeping what the graph has of the records it skipped."""
        missed = crawl_gaps(self.report, crawler=self.crawler)  # before the report counts the crawler's skips
        for skip in self.crawler.skipped:
            self.report.skip(skip)
        if self.writer.stamp is None:
            return
        if missed:  # what a partial crawl missed would look deleted
            self.report.cleanup = {"skipped": "partial crawl: " + ", ".join(f"{k} {v}" for k, v in missed.items())}
            return
        self.writer.protect([s.arn for s in self.report.skipped_records if s.arn and s.kind != ASSOCIATIONS])
        self.report.cleanup = self.writer.cleanup(
            self.account, self.api.region, max_delete_fraction=max_delete_fraction, force=force
        )

    def finish(self) -> SyncReport:
        """The report, with what the run asked of SageMaker and how long it took."""
        self.report.api_calls = dict(self.api.api_calls())
        self.report.throttles = dict(self.api.api_throttles())
        self.report.denied = dict(self.crawler.denied)
        self.report.seconds = time.monotonic() - self.started
        return self.report

    # --- what the steps share ----------------------------------------------------------------------------

    def since(self, kind: str) -> datetime | None:
        """What an incremental listing of ``kind`` asks for (None: everything), noting the kind's mode."""
        mark = self.watermarks.get(kind)
        self.report.modes[kind] = "full" if mark is None else "incremental"
        return None if mark is None else mark - self.overlap

    def committed(self, kind: str, *operations: str) -> None:
        """Advance a kind's watermark, unless a listing behind it was denied (then nothing was read)."""
        if not any(op in self.crawler.denied for op in operations):
            self.writer.set_watermark(self.shard, kind, self.started_at)

    def load_pages(
        self,
        kind: str,
        records: Iterable[Record],
        time_key: str,
        make: Callable[[Record], T],
        write: Callable[[list[T]], None],
        *operations: str,
        on: Callable[[str, int], object] | None = None,
    ) -> None:
        """Write a listing page by page (it is sorted by ``time_key``, oldest first), calling ``on`` (by
        default ``on_page``) after each. A thread reads the next pages and turns records into rows
        (``make``) while this one writes: Python's share of the work overlaps Neo4j's. After each committed
        page the kind's watermark moves up to the newest time in it, so a sync killed half-way resumes from
        its last page; once the listing ends it moves to this run's start."""
        on = self.on_page if on is None else on
        mark = self.watermarks.get(kind)
        rows = self.main.safe(kind, records, lambda rec: (rec, make(rec)))
        timed_rows = ((rec.get(time_key), row) for rec, row in rows)
        for batch in batched(prefetched(timed_rows), self.writer.batch_size):
            write([row for _, row in batch])
            on(kind, len(batch))
            newest = max((t for t, _ in batch if isinstance(t, datetime)), default=None)
            if newest is not None and not any(op in self.crawler.denied for op in operations):
                newest = min(newest, self.started_at)
                if mark is None or newest > mark:
                    self.writer.set_watermark(self.shard, kind, newest)
                    mark = newest
        self.committed(kind, *operations)

    def nodes_and_edges(self, kind: str, rows: list[tuple[NodeRow, list[EdgeRow]]]) -> None:
        """A page of a node kind's rows: the nodes, then the structure edges their records name."""
        self.main.nodes(kind, (node for node, _ in rows))
        structure = [edge for _, edges in rows for edge in edges]
        if structure:
            self.main.structure(structure)


def crawl_gaps(*reports: SyncReport, crawler: Crawler) -> dict[str, str]:
    """What the crawl has missed so far that a sweep would take for deleted, {kind or operation: count or
    the missing permission}: listings denied (a whole kind unknown) and skipped records (malformed, or gone
    between a listing and its describe) that name no ARN, so nothing says which node they stand for. A
    record skipped with its ARN is no gap: the run keeps its node and edges (``GraphWriter.protect``), and
    a skipped association with both ends named was never written. A full run sweeps only without gaps.
    Safe to call while other threads count."""
    skips = [*crawler.skipped, *(skip for report in reports for skip in list(report.skipped_records))]
    unnamed = collections.Counter(skip.kind for skip in skips if skip.arn is None)
    return {**{kind: f"{count} without an ARN" for kind, count in unnamed.items()}, **crawler.denied}


def _named_arn(kind: str, rec: Record) -> str | None:
    """The ARN a record names, whatever else is wrong with it (an association: its two ends)."""
    keys = ("SourceArn", "DestinationArn") if kind == ASSOCIATIONS else (f"{kind}Arn",)
    arns = [arn for key in keys if isinstance(arn := rec.get(key), str) and arn]
    return " -> ".join(arns) if len(arns) == len(keys) else None


def _sync_pipelines(
    run: _Pass, executions_since: datetime | None, stopping: threading.Event, gaps: Callable[[], dict[str, str]]
) -> None:
    """Pipelines and their executions: those created since ``executions_since`` (a pipeline that has not run
    since is skipped) and, on an incremental run, those the graph still has as running, described again for
    their new status. Runs in a thread beside the association pages (see ``_Sync.pipelines_beside``),
    counting into a report of its own, and returns early once ``stopping`` is set."""

    def executions(name: str, records: Iterable[Record]) -> None:
        for execution_page in batched(records, run.writer.batch_size):
            if stopping.is_set():
                return
            make = partial(transform.pipeline_execution, pipeline_name=name)
            _sync_executions(run, list(run.safe("PipelineExecution", execution_page, make)), whole=not gaps())

    for pipeline_page in batched(run.crawler.records(kinds.PIPELINE), run.writer.batch_size):
        run.nodes(model.PIPELINE.label, run.safe("Pipeline", pipeline_page, transform.pipeline))
        for pipeline in pipeline_page:
            if stopping.is_set():
                return
            last_run = pipeline.get("LastExecutionTime")
            if not pipeline.get("PipelineName") or (
                executions_since is not None and isinstance(last_run, datetime) and last_run < executions_since
            ):
                continue
            name = pipeline["PipelineName"]
            executions(name, run.crawler.pipeline_executions(name, created_after=executions_since))
    if executions_since is not None:
        for name, running in run.writer.running_executions(run.shard, RUNNING_STATUSES).items():
            executions(name, run.crawler.described_executions(running))


def _sync_executions(run: _Pass, execution_rows: list[NodeRow], *, whole: bool) -> None:
    """A page of one pipeline's executions, with their steps listed again only where an execution is new,
    changed or still running. A full run lists the rest too, except executions that finished, have not
    changed since their steps were listed and had every step linked: their EXECUTED relationships are
    re-stamped in one statement instead (``GraphWriter.keep_steps``)."""
    run.nodes(model.PIPELINE_EXECUTION.label, execution_rows)
    pipeline_arn = pipeline_arn_of(execution_rows[0]) if execution_rows else None
    if pipeline_arn:
        run.structure([EdgeRow(model.HAS_EXECUTION[0], pipeline_arn, e.arn, {}) for e in execution_rows])
    arns = [e.arn for e in execution_rows]
    kept: dict[str, int] = {}
    if run.full:
        kept = run.writer.keep_steps(arns, TERMINAL_STATUSES)
        run.report.executions_kept += len(kept)
        run.report.steps_kept += sum(kept.values())
        refresh = [a for a in arns if a not in kept]
    else:
        needing = run.writer.executions_needing_steps(arns, RUNNING_STATUSES)
        refresh = [a for a in arns if a in needing]
    # One listing per execution (SageMaker has no bulk step API), several at once (each is a round trip;
    # --max-rps still caps the rate), and one write for the whole page. The executions are marked synced
    # only after their steps are committed, so a crash in between redoes them.
    with ThreadPoolExecutor(STEP_READERS) as pool:
        listed = list(pool.map(lambda arn: list(run.crawler.execution_steps(arn)), refresh))
    steps = [
        step
        for arn, records in zip(refresh, listed, strict=True)
        for step in (transform.execution_step(s, arn) for s in records)
        if step is not None
    ]
    # A full run links steps only to what it listed, so that an edge to a job gone from SageMaker is swept;
    # after a partial crawl (``whole`` false: no sweep will run) what it could not list is still linked.
    links = run.writer.write_steps(steps, seen_only=run.full and whole)
    run.report.steps_linked += links.total_linked
    run.report.edges_seen[model.EXECUTED[0]] += links.total_linked + sum(kept.values())
    run.report.edges_created[model.EXECUTED[0]] += links.created
    run.report.steps_unmatched += links.total_unmatched
    run.report.executions_listed += len(refresh)
    # A denied listing reads as no steps: such executions are not marked, so a later run lists them.
    if refresh and "ListPipelineExecutionSteps" not in run.crawler.denied:
        run.writer.mark_steps_synced(links.marks(refresh))
    if arns:  # progress (executions whose steps were listed or kept), and the lease's renewal, on every page
        run.on_page("PipelineExecutionSteps", len(refresh) + len(kept))


def _node_rows(kind: SageMakerKind, rec: Record) -> tuple[NodeRow, list[EdgeRow]]:
    """A record's node and the structure relationships it names (a trial's experiment, a trial component's
    trials)."""
    return kind.transform(rec), kind.edges(rec) if kind.edges else []


def pipeline_arn_of(execution_row: NodeRow) -> str | None:
    """``arn:...:pipeline/<name>/execution/<id>`` -> ``arn:...:pipeline/<name>``."""
    arn = execution_row.arn
    return arn.split("/execution/", 1)[0] if "/execution/" in arn else None
