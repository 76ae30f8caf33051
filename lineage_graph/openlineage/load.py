"""Write a batch's rows (``transform.Rows``) into Neo4j in one managed write transaction.

One UNWIND statement per node kind and per relationship shape, generated from ``kinds`` (labels, keys
and types never come from data; values are always parameters), so one cached plan serves every batch.
The statements merge each row into the node already there by the same order-free rules as
``transform`` (earliest, latest, state precedence, newest facet version), so writing events in any order,
or twice, leaves the same graph. The transaction commits before ``write`` returns: that is when an event
is durable, and when ``serve`` answers its request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from neo4j import Driver, ManagedTransaction

from lineage_graph.graph import schema
from lineage_graph.graph.naming import Location
from lineage_graph.openlineage import kinds
from lineage_graph.openlineage.kinds import OpenLineageKind
from lineage_graph.openlineage.transform import (
    FACET_PREFIX,
    FACET_VERSION_PREFIX,
    STATE_RANK,
    TERMINAL_RANK,
    Facet,
    Rows,
    job_uri,
)


def _labels(kind: OpenLineageKind) -> str:
    return "".join(f":`{label}`" for label in kind.labels)


def _match(variable: str, kind: OpenLineageKind, values: str) -> str:
    """``(variable:Kind {key: values[0], ...})``: a node by its declared key, from a list in the row."""
    key = ", ".join(f"`{k}`: {values}[{i}]" for i, k in enumerate(kind.key))
    return f"({variable}:`{kind.label}` {{{key}}})"


def _merge(kind: OpenLineageKind) -> str:
    key = ", ".join(f"`{k}`: row.`{k}`" for k in kind.key)
    return f"UNWIND $rows AS row MERGE (n{_labels(kind)} {{{key}}})"


# The newest version of each facet replaces the node's copy whole (its old fields removed). A field of
# facet "a" is a key "facet.a.<field>"; keys of another facet whose name extends "a" ("a.b") are not a's.
_FACETS = f"""
WITH n, row, [k IN keys(n) WHERE k STARTS WITH '{FACET_VERSION_PREFIX}' | substring(k, {len(FACET_VERSION_PREFIX)})]
             + [f IN row.facets | f.name] AS names
FOREACH (f IN [f IN row.facets WHERE coalesce(n['{FACET_VERSION_PREFIX}' + f.name] < f.version, true)] |
    FOREACH (k IN [k IN keys(n) WHERE k STARTS WITH '{FACET_PREFIX}' + f.name + '.'
                   AND NONE(g IN names WHERE size(g) > size(f.name) AND k STARTS WITH '{FACET_PREFIX}' + g + '.')] |
        SET n[k] = null)
    SET n += f.props
    SET n['{FACET_VERSION_PREFIX}' + f.name] = f.version)
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
"""

_DATASETS = f"""
{_merge(kinds.DATASET)}
ON CREATE SET n.uri = row.uri
{_FACETS}
"""


def _edge(rel_type: str, source: OpenLineageKind, target: OpenLineageKind) -> str:
    if rel_type not in kinds.RELATIONSHIP_TYPES:
        raise ValueError(f"relationship type outside the OpenLineage model: {rel_type}")
    return f"""
        UNWIND $rows AS row
        MATCH {_match("s", source, "row.s")}
        MATCH {_match("d", target, "row.d")}
        MERGE (s)-[:`{rel_type}`]->(d)
    """


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


@dataclass(frozen=True)
class Statement:
    query: str
    rows: list[dict[str, Any]]


def statements(rows: Rows) -> list[Statement]:
    """The batch as parameterised statements, nodes before the relationships between them."""
    jobs = [
        {
            "namespace": j.namespace,
            "name": j.name,
            "uri": job_uri(j.namespace, j.name),
            "first_event_at": _time(j.first_event_at),
            "last_event_at": _time(j.last_event_at),
            "facets": _facets(j.facets),
        }
        for j in rows.jobs.values()
    ]
    runs = [
        {
            "run_id": r.run_id,
            "job_namespace": r.job[0],
            "job_name": r.job[1],
            "state": r.state,
            "started_at": _time(r.started_at),
            "ended_at": _time(r.ended_at),
            "event_time": _time(r.event_time),
            "facets": _facets(r.facets),
        }
        for r in rows.runs.values()
    ]
    datasets = [
        {
            "namespace": d.namespace,
            "name": d.name,
            "uri": Location(d.namespace, d.name).uri,
            "facets": _facets(d.facets),
        }
        for d in rows.datasets.values()
    ]
    run, job, dataset = kinds.RUN, kinds.JOB, kinds.DATASET

    def pairs(edges: set[tuple[Any, Any]]) -> list[dict[str, Any]]:
        def key(end: Any) -> list[str]:
            return list(end) if isinstance(end, tuple) else [end]

        return [{"s": key(s), "d": key(d)} for s, d in sorted(edges)]

    shapes: list[tuple[str, list[dict[str, Any]]]] = [
        (_JOBS, jobs),
        (_RUNS, runs),
        (_DATASETS, datasets),
        (_edge(kinds.RUN_OF, run, job), pairs(rows.run_of)),
        (_edge(kinds.CHILD_OF, run, run), pairs(rows.child_of)),
        (_edge(kinds.READ_BY, dataset, run), pairs(rows.run_reads)),
        (_edge(kinds.WROTE, run, dataset), pairs(rows.run_writes)),
        (_edge(kinds.READ_BY, dataset, job), pairs(rows.job_reads)),
        (_edge(kinds.WROTE, job, dataset), pairs(rows.job_writes)),
    ]
    return [Statement(query, batch) for query, batch in shapes if batch]


class OpenLineageWriter:
    """Writes batches of OpenLineage rows; each ``write`` is one transaction, retried by the driver."""

    def __init__(self, driver: Driver, database: str) -> None:
        self.driver = driver
        self.database = database

    def apply_schema(self) -> None:
        """The uniqueness constraints on each kind's key (cypher/schema.cypher), where missing."""
        schema.apply(self.driver, self.database, "schema")

    def write(self, rows: Rows) -> WriteCounts:
        """Commit the rows; returns what the transaction created. Raises the driver's error when it cannot."""
        batch = statements(rows)
        with self.driver.session(database=self.database) as session:
            counts = session.execute_write(_write, batch)
        counts.events = rows.events
        return counts


def _write(tx: ManagedTransaction, batch: list[Statement]) -> WriteCounts:
    """The transaction's work (run again as a whole if the driver retries it)."""
    counts = WriteCounts()
    for statement in batch:
        summary = tx.run(statement.query, rows=statement.rows, rank=STATE_RANK).consume()
        counts.nodes_created += summary.counters.nodes_created
        counts.relationships_created += summary.counters.relationships_created
    return counts
