"""Valid OpenLineage events -> graph rows (docs/openlineage.md), merged so that event order never matters.

Producers retry, duplicate and reorder events (a COMPLETE can land before its START). Every property is
therefore a function of the *set* of events seen, never of their order, and the same rules merge rows
here (many events of one batch into one row per node) and in the loader's Cypher (a row into the node
already in the graph):

- a run's ``state`` by precedence: a terminal state (COMPLETE, FAIL, ABORT) beats RUNNING, which beats
  START, which beats OTHER (extra metadata); between two terminal events the later ``eventTime`` wins,
  then the greater state name; ``ended_at`` is the winning terminal event's time;
- ``started_at`` the earliest START, ``event_time`` / ``last_event_at`` the latest event, ``first_event_at``
  the earliest;
- a facet is kept whole from one event: the one with the greatest ``facet_version`` (its event's time,
  then a digest of the facet, so two events of the same instant still agree), recorded on the node as
  ``facet_version.<facet>``. A facet marked ``_deleted`` is the newest version with no fields;
- a run's job is the least ``(namespace, name)`` its events name (producers name one).

Facets are flattened like SageMaker maps into ``facet.<facet>.<field>`` scalars and lists of scalars (nested
keys joined with ``.``); a list of objects becomes one list per field that every object holds as a scalar
of one type (``facet.symlinks.identifiers.name``); anything else (nulls, mixed lists, integers beyond 64
bits) is left out, as are the base fields ``_producer``, ``_schemaURL`` and ``_deleted``, and the fields of
a facet beyond the first MAX_FACET_FIELDS in key order. Input and output facets (statistics of one read or
write: ``kinds.IO_FACETS``) go the same way onto that read's ``READ_BY`` or that write's ``WROTE``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson

from lineage_graph.graph.naming import Location, normalised
from lineage_graph.openlineage.intake import Event, run_id
from lineage_graph.openlineage.kinds import IO_FACETS, READ_BY, WROTE

FACET_PREFIX = "facet."
# Precedence of run states: higher wins; terminal states tie and are ordered by time (see module doc).
STATE_RANK: dict[str, int] = {"OTHER": 0, "START": 1, "RUNNING": 2, "COMPLETE": 3, "FAIL": 3, "ABORT": 3}
TERMINAL_RANK = 3
_INT64 = (-(2**63), 2**63 - 1)
# Properties one facet may add to a node, the first in key order: a facet of thousands of nested fields
# (a query plan, say) would otherwise make nodes that Neo4j and Browser handle badly.
MAX_FACET_FIELDS = 200

Scalar = str | bool | int | float
JobKey = tuple[str, str]
DatasetKey = tuple[str, str]


def _scalar(value: Any) -> bool:
    if isinstance(value, bool | str | float):
        return True
    return isinstance(value, int) and _INT64[0] <= value <= _INT64[1]


def _scalar_list(values: list[Any]) -> list[Scalar] | None:
    """The list as Neo4j can store it (one type; ints with floats become floats), else None."""
    if not all(_scalar(v) for v in values):
        return None
    types = {bool if isinstance(v, bool) else float if isinstance(v, int | float) else str for v in values}
    if len(types) > 1:
        return None
    if any(isinstance(v, float) for v in values):
        return [float(v) for v in values]
    return list(values)


def _columns(prefix: str, items: list[dict[str, Any]], out: dict[str, Any]) -> None:
    """A list of objects, as one list per field that every object holds as a scalar."""
    for key in sorted(set.intersection(*(set(i) for i in items))):
        column = _scalar_list([i[key] for i in items])
        if column is not None:
            out[f"{prefix}.{key}"] = column


def _flatten(prefix: str, value: Any, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(f"{prefix}.{key}", item, out)
    elif isinstance(value, list):
        if value and all(isinstance(v, dict) for v in value):
            _columns(prefix, value, out)
        else:
            kept = _scalar_list(value)
            if kept is not None:
                out[prefix] = kept
    elif value is not None and _scalar(value):
        out[prefix] = value


def flatten_facet(name: str, facet: dict[str, Any]) -> dict[str, Any]:
    """One facet as node properties: ``facet.<name>.<field>`` (see the module doc for what is kept)."""
    out: dict[str, Any] = {}
    if facet.get("_deleted") is True:
        return out
    for key, value in facet.items():
        if not key.startswith("_"):
            _flatten(f"{FACET_PREFIX}{name}.{key}", value, out)
    if len(out) > MAX_FACET_FIELDS:
        out = {k: out[k] for k in sorted(out)[:MAX_FACET_FIELDS]}
    return out


def _iso(moment: datetime) -> str:
    """Fixed width (the year too: strftime writes year 5 as "5"), so that string order is time order
    (facet versions compare as strings). ``moment`` is in UTC (``intake.event_time``)."""
    return moment.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


@dataclass(frozen=True)
class Facet:
    version: str  # "<eventTime>#<digest>": the greater version is the one kept
    props: dict[str, Any]


def facets_of(raw: dict[str, Any] | None, moment: datetime) -> dict[str, Facet]:
    result: dict[str, Facet] = {}
    for name, facet in (raw or {}).items():
        digest = hashlib.sha256(orjson.dumps(facet, option=orjson.OPT_SORT_KEYS)).hexdigest()[:16]
        result[name] = Facet(f"{_iso(moment)}#{digest}", flatten_facet(name, facet))
    return result


def _merge_facets(into: dict[str, Facet], new: dict[str, Facet]) -> None:
    for name, facet in new.items():
        if name not in into or into[name].version < facet.version:
            into[name] = facet


def _earliest(a: datetime | None, b: datetime | None) -> datetime | None:
    return b if a is None else a if b is None else min(a, b)


def _latest(a: datetime | None, b: datetime | None) -> datetime | None:
    return b if a is None else a if b is None else max(a, b)


def state_wins(new: str | None, new_time: datetime | None, old: str | None, old_ended: datetime | None) -> bool:
    """Whether a run's state ``new`` (reported at ``new_time``) replaces ``old`` (terminal at ``old_ended``)."""
    if new is None:
        return False
    if old is None:
        return True
    new_rank, old_rank = STATE_RANK[new], STATE_RANK[old]
    if new_rank != old_rank:
        return new_rank > old_rank
    if new_rank != TERMINAL_RANK or new_time is None or old_ended is None:
        return False
    return (new_time, new) > (old_ended, old)


@dataclass
class JobRow:
    namespace: str
    name: str
    first_event_at: datetime | None = None
    last_event_at: datetime | None = None
    facets: dict[str, Facet] = field(default_factory=dict)

    def seen_at(self, moment: datetime) -> None:
        self.first_event_at = _earliest(self.first_event_at, moment)
        self.last_event_at = _latest(self.last_event_at, moment)


@dataclass
class RunRow:
    run_id: str
    job: JobKey
    state: str | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    event_time: datetime | None = None
    facets: dict[str, Facet] = field(default_factory=dict)

    def observe(self, state: str, moment: datetime) -> None:
        if state_wins(state, moment, self.state, self.ended_at):
            self.state = state
            self.ended_at = moment if STATE_RANK[state] == TERMINAL_RANK else None
        if state == "START":
            self.started_at = _earliest(self.started_at, moment)
        self.event_time = _latest(self.event_time, moment)


@dataclass
class DatasetRow:
    namespace: str
    name: str
    facets: dict[str, Facet] = field(default_factory=dict)
    # The other names the newest ``symlinks`` facet gives this dataset (a Glue table for an S3 path), spelt
    # as datasets are: what the join with the other name pairs (docs/openlineage.md, rule ``symlink``). Of
    # the newest version only, as the facet itself: a later facet that drops a name unpairs it.
    symlinks: set[Location] = field(default_factory=set)

    @property
    def symlinks_version(self) -> str | None:
        """The version of the ``symlinks`` facet ``symlinks`` comes from (None: no event of the batch had one)."""
        facet = self.facets.get("symlinks")
        return facet.version if facet else None


@dataclass
class Rows:
    """What a batch of events writes: one row per node, and the relationships between them."""

    jobs: dict[JobKey, JobRow] = field(default_factory=dict)
    runs: dict[str, RunRow] = field(default_factory=dict)
    datasets: dict[DatasetKey, DatasetRow] = field(default_factory=dict)
    run_of: set[tuple[str, JobKey]] = field(default_factory=set)
    child_of: set[tuple[str, str]] = field(default_factory=set)
    # Reads and writes, each with the facets of that input or output (kinds.IO_FACETS), newest version each.
    run_reads: dict[tuple[DatasetKey, str], dict[str, Facet]] = field(default_factory=dict)
    run_writes: dict[tuple[str, DatasetKey], dict[str, Facet]] = field(default_factory=dict)
    job_reads: dict[tuple[DatasetKey, JobKey], dict[str, Facet]] = field(default_factory=dict)
    job_writes: dict[tuple[JobKey, DatasetKey], dict[str, Facet]] = field(default_factory=dict)
    events: int = 0

    def add(self, event: Event) -> None:
        """Merge one valid event into the rows."""
        self.events += 1
        body = event.body
        if event.kind == "dataset":
            self._dataset(body["dataset"], event.time)
            return
        job = self._job(body["job"], event.time)
        inputs = [
            (self._dataset(d, event.time), self._io_facets(d, READ_BY, event.time)) for d in body.get("inputs") or ()
        ]
        outputs = [
            (self._dataset(d, event.time), self._io_facets(d, WROTE, event.time)) for d in body.get("outputs") or ()
        ]
        reader: JobKey | str = job
        if event.kind == "run":
            run = self._run(body["run"]["runId"], job)
            run.observe(body.get("eventType") or "OTHER", event.time)
            reader = run.run_id
        reads: dict[Any, dict[str, Facet]] = self.job_reads if event.kind == "job" else self.run_reads
        writes: dict[Any, dict[str, Facet]] = self.job_writes if event.kind == "job" else self.run_writes
        for dataset, facets in inputs:
            _merge_facets(reads.setdefault((dataset, reader), {}), facets)
        for dataset, facets in outputs:
            _merge_facets(writes.setdefault((reader, dataset), {}), facets)
        if event.kind == "job":
            return
        raw_facets = body["run"].get("facets") or {}
        _merge_facets(run.facets, facets_of(raw_facets, event.time))
        parent = raw_facets.get("parent")
        if parent is not None:
            parent_job = self._job_key(parent["job"])
            parent_run = self._run(parent["run"]["runId"], parent_job)
            if parent_run.run_id != run.run_id:
                self.child_of.add((run.run_id, parent_run.run_id))

    @staticmethod
    def _io_facets(dataset: dict[str, Any], relationship: str, moment: datetime) -> dict[str, Facet]:
        """The facets of one read (``READ_BY``) or write (``WROTE``) of ``dataset``, as the event gives them."""
        return facets_of(dataset.get(IO_FACETS[relationship]), moment)

    def _job_key(self, job: dict[str, Any]) -> JobKey:
        key = (job["namespace"], job["name"])
        if key not in self.jobs:
            self.jobs[key] = JobRow(*key)
        return key

    def _job(self, job: dict[str, Any], moment: datetime) -> JobKey:
        key = self._job_key(job)
        row = self.jobs[key]
        row.seen_at(moment)
        _merge_facets(row.facets, facets_of(job.get("facets"), moment))
        return key

    def _run(self, raw_id: str, job: JobKey) -> RunRow:
        canonical = run_id(raw_id, "")
        row = self.runs.get(canonical)
        if row is None:
            row = self.runs[canonical] = RunRow(canonical, job)
        elif job < row.job:
            row.job = job
        self.run_of.add((canonical, job))
        return row

    def _dataset(self, dataset: dict[str, Any], moment: datetime) -> DatasetKey:
        location = normalised(dataset["namespace"], dataset["name"])
        key = (location.namespace, location.name)
        row = self.datasets.get(key)
        if row is None:
            row = self.datasets[key] = DatasetRow(*key)
        facets = dataset.get("facets") or {}
        versions = facets_of(facets, moment)
        _merge_facets(row.facets, versions)
        if "symlinks" in versions and row.facets["symlinks"] is versions["symlinks"]:  # this event's is newest
            symlinks = facets["symlinks"]
            identifiers = () if symlinks.get("_deleted") is True else symlinks.get("identifiers") or ()
            row.symlinks = {normalised(i["namespace"], i["name"]) for i in identifiers} - {location}
        return key


def job_uri(namespace: str, name: str) -> str:
    """A job's one-string name for people, spelt as a dataset's non-S3 ``Location.uri`` is."""
    return f"{namespace}/{name}"
