"""Write a batch's rows (``transform.Rows``) into Neo4j in one managed write transaction, then join them.

The whole batch is one statement (one round trip and one cached plan: an UNWIND per node kind and per
relationship shape, generated from ``kinds``; labels, keys and types never come from data, values are
always parameters). Each node kind's part returns its nodes in the order of its parameter list, and a
relationship names its ends by their places in those lists, so no end is sought again by its key. The
join's statements (``graph.join``) follow it in the same transaction (through ``graph.database``, managed
and retried whole by the driver). Each row merges into the node already there by the same order-free
rules as ``transform`` (earliest, latest, state precedence, newest facet version), so writing events in
any order, or twice, leaves the same graph. The transaction commits before ``write``
returns: that is when an event is durable, and joined, and when ``serve`` answers its request. One commit a
batch rather than one for the write and one for the join: under ``serve``'s group commit a batch is a few
dozen events, and the second commit cost the driver about a millisecond of Python a batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from neo4j import Driver

from lineage_graph.graph import join, schema
from lineage_graph.graph.database import Database, Run
from lineage_graph.graph.model import FACET_VERSION_PREFIX, NodeKind
from lineage_graph.graph.naming import Location
from lineage_graph.openlineage import kinds
from lineage_graph.openlineage.transform import (
    FACET_PREFIX,
    STATE_RANK,
    TERMINAL_RANK,
    Facet,
    Rows,
    job_uri,
)


def _labels(kind: NodeKind) -> str:
    return "".join(f":`{label}`" for label in kinds.labels(kind))


# Each node kind's parameter, which is also the list its part of the statement returns, by label.
_NODES = {kinds.JOB.label: "jobs", kinds.RUN.label: "runs", kinds.DATASET.label: "datasets"}


def _merge(kind: NodeKind) -> str:
    key = ", ".join(f"`{k}`: row.`{k}`" for k in kind.key)
    return f"UNWIND ${_NODES[kind.label]} AS row MERGE (n{_labels(kind)} {{{key}}})"


def _collected(kind: NodeKind) -> str:
    """A node kind's part ends with its nodes, in the order of its parameter list (``row.at``: their places)."""
    return f"WITH n, row ORDER BY row.at\nRETURN collect(n) AS {_NODES[kind.label]}"


# The newest version of each facet replaces the node's copy whole (its old fields removed). A field of
# facet "a" is a key "facet.a.<field>"; keys of another facet whose name extends "a" ("a.b") are not a's.
_FACETS = f"""
WITH n, row
CALL (n, row) {{
WITH n, row WHERE size(row.facets) > 0
WITH n, row, [k IN keys(n) WHERE k STARTS WITH '{FACET_VERSION_PREFIX}' | substring(k, {len(FACET_VERSION_PREFIX)})]
             + [f IN row.facets | f.name] AS names
FOREACH (f IN [f IN row.facets WHERE coalesce(n['{FACET_VERSION_PREFIX}' + f.name] < f.version, true)] |
    FOREACH (k IN [k IN keys(n) WHERE k STARTS WITH '{FACET_PREFIX}' + f.name + '.'
                   AND NONE(g IN names WHERE size(g) > size(f.name) AND k STARTS WITH '{FACET_PREFIX}' + g + '.')] |
        SET n[k] = null)
    SET n += f.props
    SET n['{FACET_VERSION_PREFIX}' + f.name] = f.version)
}}
"""


_JOBS = f"""
{_merge(kinds.JOB)}
ON CREATE SET n.uri = row.uri
WITH n, row, datetime(row.first_event_at) AS first, datetime(row.last_event_at) AS last
SET n.first_event_at = CASE WHEN first IS NOT NULL AND coalesce(first < n.first_event_at, true)
                            THEN first ELSE n.first_event_at END,
    n.last_event_at = CASE WHEN last IS NOT NULL AND coalesce(last > n.last_event_at, true)
                           THEN last ELSE n.last_event_at END
{_FACETS}
{_collected(kinds.JOB)}
"""

# A run's state by precedence (transform.state_wins), its job the least (namespace, name) named.
_RUNS = f"""
{_merge(kinds.RUN)}
WITH n, row, datetime(row.started_at) AS started, datetime(row.ended_at) AS ended,
     datetime(row.event_time) AS at, $rank AS rank
WITH n, row, started, ended, at,
     n.job_namespace IS NULL OR [row.job_namespace, row.job_name] < [n.job_namespace, n.job_name] AS take_job,
     row.state IS NOT NULL AND (
         n.state IS NULL OR rank[row.state] > rank[n.state]
         OR (rank[row.state] = {TERMINAL_RANK} AND rank[n.state] = {TERMINAL_RANK}
             AND (ended > n.ended_at OR (ended = n.ended_at AND row.state > n.state)))) AS take_state
SET n.job_namespace = CASE WHEN take_job THEN row.job_namespace ELSE n.job_namespace END,
    n.job_name = CASE WHEN take_job THEN row.job_name ELSE n.job_name END,
    n.state = CASE WHEN take_state THEN row.state ELSE n.state END,
    n.ended_at = CASE WHEN take_state THEN ended ELSE n.ended_at END,
    n.started_at = CASE WHEN started IS NOT NULL AND coalesce(started < n.started_at, true)
                        THEN started ELSE n.started_at END,
    n.event_time = CASE WHEN at IS NOT NULL AND coalesce(at > n.event_time, true) THEN at ELSE n.event_time END
{_FACETS}
{_collected(kinds.RUN)}
"""

_DATASETS = f"""
{_merge(kinds.DATASET)}
ON CREATE SET n.uri = row.uri
{_FACETS}
{_collected(kinds.DATASET)}
"""


@dataclass(frozen=True)
class _Shape:
    """One relationship shape: its type between two kinds, and the batch's parameter holding its pairs."""

    param: str
    rel_type: str
    source: NodeKind
    target: NodeKind

    def cypher(self) -> str:
        if self.rel_type not in kinds.RELATIONSHIP_TYPES:
            raise ValueError(f"relationship type outside the OpenLineage model: {self.rel_type}")
        # A read or a write keeps the facets of that input or output on its relationship (kinds.IO_FACETS).
        facets = _FACETS if self.rel_type in kinds.IO_FACETS else ""
        sources, targets = _NODES[self.source.label], _NODES[self.target.label]
        return f"""
            CALL ({", ".join(dict.fromkeys((sources, targets)))}) {{
            UNWIND ${self.param} AS row
            WITH {sources}[row.s] AS s, {targets}[row.d] AS d, row
            MERGE (s)-[n:`{self.rel_type}`]->(d)
            {facets}
            }}
        """


_SHAPES = (
    _Shape("run_of", kinds.RUN_OF, kinds.RUN, kinds.JOB),
    _Shape("child_of", kinds.CHILD_OF, kinds.RUN, kinds.RUN),
    _Shape("run_reads", kinds.READ_BY, kinds.DATASET, kinds.RUN),
    _Shape("run_writes", kinds.WROTE, kinds.RUN, kinds.DATASET),
    _Shape("job_reads", kinds.READ_BY, kinds.DATASET, kinds.JOB),
    _Shape("job_writes", kinds.WROTE, kinds.JOB, kinds.DATASET),
)

# The whole batch in one statement (one round trip, one cached plan): nodes, each kind's part returning
# its nodes in order, then the relationships between them, each part a subquery over its own list (an empty
# list does nothing), whose ends are those nodes by place. Every MERGE seeks a uniqueness constraint, and
# nothing else is sought, so the plan does not depend on the graph's statistics: ``replan=skip`` keeps
# Neo4j from planning it again (a second, measured) each time a young graph's counts move. (Sought again by
# key, each relationship's two ends were a sixth of Neo4j's time on a batch, profiled, and a plain index
# hint there once let a cached plan scan the whole index: 1,700 events/s fell to about 100.)
WRITE = "CYPHER replan=skip\n" + "\n".join(
    [*(f"CALL () {{{part}}}" for part in (_JOBS, _RUNS, _DATASETS)), *(s.cypher() for s in _SHAPES)]
)


@dataclass
class WriteCounts:
    events: int = 0
    nodes_created: int = 0
    relationships_created: int = 0

    def add(self, other: WriteCounts) -> None:
        self.events += other.events
        self.nodes_created += other.nodes_created
        self.relationships_created += other.relationships_created


def _time(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _facets(facets: dict[str, Facet]) -> list[dict[str, Any]]:
    return [{"name": n, "version": f.version, "props": f.props} for n, f in sorted(facets.items())]


def _pairs(edges: set[tuple[Any, Any]], sources: dict[Any, int], targets: dict[Any, int]) -> list[dict[str, int]]:
    """Relationships by the places of their ends in the node lists (``WRITE`` returns the nodes in that order)."""
    return [{"s": sources[s], "d": targets[d]} for s, d in sorted(edges)]


def _reads_or_writes(
    edges: dict[tuple[Any, Any], dict[str, Facet]], sources: dict[Any, int], targets: dict[Any, int]
) -> list[dict[str, Any]]:
    return [{"s": sources[s], "d": targets[d], "facets": _facets(facets)} for (s, d), facets in sorted(edges.items())]


def parameters(rows: Rows) -> dict[str, Any]:
    """The batch as the parameters of ``WRITE``, every list in key order: two writers (``serve`` and an
    import) then lock shared nodes in the same order, so they deadlock rarely (the driver retries if so).
    Each node row carries its place (``at``), by which relationships name their ends."""
    jobs = sorted(rows.jobs.items())
    runs = sorted(rows.runs.items())
    datasets = sorted(rows.datasets.items())
    job_at = {key: at for at, (key, _) in enumerate(jobs)}
    run_at = {key: at for at, (key, _) in enumerate(runs)}
    dataset_at = {key: at for at, (key, _) in enumerate(datasets)}
    return {
        "rank": STATE_RANK,
        "jobs": [
            {
                "at": at,
                "namespace": j.namespace,
                "name": j.name,
                "uri": job_uri(j.namespace, j.name),
                "first_event_at": _time(j.first_event_at),
                "last_event_at": _time(j.last_event_at),
                "facets": _facets(j.facets),
            }
            for at, (_, j) in enumerate(jobs)
        ],
        "runs": [
            {
                "at": at,
                "run_id": r.run_id,
                "job_namespace": r.job[0],
                "job_name": r.job[1],
                "state": r.state,
                "started_at": _time(r.started_at),
                "ended_at": _time(r.ended_at),
                "event_time": _time(r.event_time),
                "facets": _facets(r.facets),
            }
            for at, (_, r) in enumerate(runs)
        ],
        "datasets": [
            {
                "at": at,
                "namespace": d.namespace,
                "name": d.name,
                "uri": Location(d.namespace, d.name).uri,
                "facets": _facets(d.facets),
            }
            for at, (_, d) in enumerate(datasets)
        ],
        "run_of": _pairs(rows.run_of, run_at, job_at),
        "child_of": _pairs(rows.child_of, run_at, run_at),
        "run_reads": _reads_or_writes(rows.run_reads, dataset_at, run_at),
        "run_writes": _reads_or_writes(rows.run_writes, run_at, dataset_at),
        "job_reads": _reads_or_writes(rows.job_reads, dataset_at, job_at),
        "job_writes": _reads_or_writes(rows.job_writes, job_at, dataset_at),
    }


class OpenLineageWriter:
    """Writes batches of OpenLineage rows; each ``write`` is one transaction, retried by the driver."""

    def __init__(self, driver: Driver, database: str) -> None:
        self.driver = driver
        self.database = database
        self.db = Database(driver, database)

    def apply_schema(self) -> None:
        """The uniqueness constraints on each kind's key (cypher/schema.cypher), where missing."""
        schema.apply(self.driver, self.database, "schema")

    def prepare(self) -> None:
        """Have Neo4j plan the write and its joins now (each on an empty batch, which writes nothing)."""
        self.db.write(WRITE, **parameters(Rows()))
        join.plan_openlineage_joins(self.db.write)

    def write(self, rows: Rows) -> WriteCounts:
        """Write the rows and join their datasets and jobs to SageMaker's nodes of the same objects
        (``graph.join``: location, containment, symlinks, a job's SageMaker ARN) in one transaction, so that
        what ``serve`` answers 2xx for is joined as well as written; returns what the events' write created
        (the join's edges are not counted). Raises the driver's error when it cannot (a replay writes and
        joins nothing new)."""
        params = parameters(rows)  # its lists are in key order already: the join takes that order
        keys = [(d["namespace"], d["name"]) for d in params["datasets"]]
        symlinks = [
            (Location(*key), row.symlinks_version, row.symlinks)
            for key in keys
            if (row := rows.datasets[key]).symlinks_version
        ]
        jobs = [(j["namespace"], j["name"]) for j in params["jobs"]]

        def write_and_join(run: Run) -> WriteCounts:
            counters = run(WRITE, **params).summary.counters
            join.join_datasets(run, keys)
            join.join_symlinks(run, symlinks)
            join.join_jobs(run, jobs)
            return WriteCounts(rows.events, counters.nodes_created, counters.relationships_created)

        return self.db.write_together(write_and_join)
