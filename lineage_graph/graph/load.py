"""Write graph rows into Neo4j: UNWIND batches that MERGE on the ARN uniqueness constraint.

Each query shape is generated from the model's fixed vocabulary (labels and relationship types are
checked against it, values are always parameters), so one cached plan serves every batch of a shape.
Queries go through ``graph.database.Database``, whose managed transactions retry transient errors.
Knows nothing of boto3.
"""

from __future__ import annotations

import collections
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from neo4j import Driver

from lineage_graph.errors import LineageGraphError
from lineage_graph.graph import join, model, schema
from lineage_graph.graph.cleanup import Seen, Sweeper, SweepResult, edge_key
from lineage_graph.graph.database import Database, ReadOnlyDatabase
from lineage_graph.graph.rows import Association, EdgeRow, NodeRow, StepRow

T = TypeVar("T")
_ALL_LABELS = frozenset(
    {model.ENTITY_LABEL, model.PLACEHOLDER_LABEL}
    | {k.label for k in model.NODE_KINDS.values()}
    | {k.source.label for k in model.NODE_KINDS.values()}
    | {t for k in model.NODE_KINDS.values() for t in k.type_labels}
)
_ALL_REL_TYPES = frozenset(model.LINEAGE_RELATIONSHIPS) | {r[0] for r in model.STRUCTURE_RELATIONSHIPS}
# Rounds of placeholders-then-edges a page of associations gets before a vanishing end is an error.
ASSOCIATION_ATTEMPTS = 3


class AssociationWriteError(LineageGraphError):
    """Associations whose ends kept vanishing between their placeholder and their edge."""


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _labels(labels: Iterable[str]) -> str:
    labels = list(labels)
    unknown = set(labels) - _ALL_LABELS
    if unknown:
        raise ValueError(f"labels outside the graph model: {sorted(unknown)}")
    return "".join(f":`{label}`" for label in labels)


def _key_match(kind: model.NodeKind) -> str:
    """The pattern that finds a row's node by its kind's key, under the label its uniqueness constraint is
    on (every SageMaker kind: ``:LineageEntity {arn: row.props.arn}``)."""
    label, key = kind.unique
    return _labels([label]) + " {" + ", ".join(f"`{p}`: row.props.`{p}`" for p in key) + "}"


def _rel_type(rel_type: str) -> str:
    if rel_type not in _ALL_REL_TYPES:
        raise ValueError(f"relationship type outside the graph model: {rel_type}")
    return f"`{rel_type}`"


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def cleanup_report(swept: SweepResult) -> dict[str, Any]:
    """A sweep's (or a dry run's measure's) counts as the sync report carries them."""
    return {**vars(swept), "fraction": round(swept.fraction, 4)}


def wire(props: dict[str, Any]) -> dict[str, Any]:
    """A row as sent to Neo4j: ``props`` without timestamps, and ``times`` as [epoch seconds, nanoseconds].

    The driver encodes a Python datetime in pure Python at 50-100 µs a value: with four or five per entity
    it was the largest single cost of a sync. Two ints cost nothing to send, and ``set_times`` turns them
    back into the same instants (UTC datetimes) on the server.
    """
    plain: dict[str, Any] = {}
    times: dict[str, list[int]] = {}
    for key, value in props.items():
        if isinstance(value, datetime):
            delta = (value if value.tzinfo else value.replace(tzinfo=UTC)) - _EPOCH
            times[key] = [delta.days * 86_400 + delta.seconds, delta.microseconds * 1000]
        else:
            plain[key] = value
    return {"props": plain, "times": times}


def set_times(variable: str, keys: str = "keys(row.times)") -> str:
    """Cypher setting the ``keys`` of ``row.times`` (see ``wire``) on ``variable`` as datetimes."""
    return (
        f"FOREACH (k IN {keys} | "
        f"SET {variable}[k] = datetime({{epochSeconds: row.times[k][0], nanosecond: row.times[k][1]}}))"
    )


@dataclass
class WriteCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, other: WriteCounts) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged


@dataclass
class StepLinks:
    """What ``write_steps`` did, per execution: job steps listed, steps linked to a node, and the distinct
    EXECUTED relationships those steps landed on (several steps can run one job: one relationship)."""

    listed: collections.Counter[str] = field(default_factory=collections.Counter)
    linked: collections.Counter[str] = field(default_factory=collections.Counter)
    edges: dict[str, set[str]] = field(default_factory=dict)
    created: int = 0  # EXECUTED relationships that did not exist before

    @property
    def total_linked(self) -> int:
        return sum(self.linked.values())

    @property
    def total_unmatched(self) -> int:
        return sum(self.listed.values()) - self.total_linked

    def marks(self, execution_arns: Iterable[str]) -> list[dict[str, Any]]:
        """``mark_steps_synced`` rows: an execution is linked when every job step it listed found its node."""
        return [
            {"arn": a, "linked": self.linked[a] == self.listed[a], "edges": len(self.edges.get(a, ()))}
            for a in execution_arns
        ]


class GraphWriter:
    """Idempotent writes: rewriting the same rows changes nothing and counts them as unchanged."""

    # What every query goes through (a dry run's cannot write).
    database_type: type[Database] = Database

    def __init__(self, driver: Driver, database: str, batch_size: int = 1000) -> None:
        # One write transaction at a time (see Database): the sync's two threads still overlap their
        # SageMaker reads with each other's writes, which is where the time goes.
        self.db = self.database_type(driver, database)
        self.batch_size = batch_size
        # Set by a full run: every node and relationship it sees gets this stamp, and cleanup removes
        # what the run did not stamp. Edges also record the shard whose listing found them.
        self.stamp: str | None = None
        self.shard: str | None = None

    def apply_schema(self) -> None:
        schema.apply(self.db.driver, self.db.name, "schema")

    def watermarks(self, shard: str) -> dict[str, datetime]:
        """The committed watermark of each entity kind of a shard ("<account>:<region>")."""
        result = self.db.read(
            f"MATCH (s:{model.SYNC_STATE_LABEL} {{shard: $shard}}) RETURN s.kind AS kind, s.watermark AS watermark",
            shard=shard,
        )
        return {r["kind"]: r["watermark"].to_native() for r in result.records}

    def set_watermark(self, shard: str, kind: str, watermark: datetime) -> None:
        """Called only after everything the watermark covers is committed."""
        self.db.write(
            f"MERGE (s:{model.SYNC_STATE_LABEL} {{shard: $shard, kind: $kind}}) SET s.watermark = $watermark",
            shard=shard,
            kind=kind,
            watermark=watermark,
        )

    def cleanup(self, account: str, region: str, *, max_delete_fraction: float, force: bool) -> dict[str, Any]:
        """After a full run: sweep what the run did not stamp from this shard (see graph.cleanup)."""
        if self.stamp is None or self.shard is None:
            raise RuntimeError("cleanup needs a full run's stamp and shard")
        swept = Sweeper(self.db).sweep(
            account, region, self.shard, self.stamp, max_delete_fraction=max_delete_fraction, force=force
        )
        return cleanup_report(swept)

    def protect(self, arns: list[str]) -> None:
        """On a full run, keep what the graph has of records the crawl skipped (malformed, or gone between a
        listing and its describe): their nodes and this shard's relationships touching them get this run's
        stamp, so the sweep neither deletes them nor needs to stop for them."""
        if self.stamp is None:
            raise RuntimeError("protect needs a full run's stamp")
        query = f"""
            UNWIND $arns AS arn
            MATCH (n:{model.ENTITY_LABEL} {{arn: arn}})
            SET n.sync_stamp = $stamp
            WITH n
            MATCH (n)-[r]-() WHERE r.shard = $shard
            SET r.sync_stamp = $stamp
        """
        for batch in batched(arns, self.batch_size):
            self.db.write(query, arns=batch, stamp=self.stamp, shard=self.shard)

    def delete_account(self, account: str, batch_size: int = 10_000) -> int:
        """Remove one account's nodes and their relationships, in bounded batches; returns nodes deleted."""
        deleted = 0
        query = f"""
            MATCH (n:{model.ENTITY_LABEL} {{account: $account}})
            WITH n LIMIT $limit
            DETACH DELETE n
        """
        while count := self.db.write(query, account=account, limit=batch_size).summary.counters.nodes_deleted:
            deleted += count
        return deleted

    def write_nodes(self, rows: Iterable[NodeRow]) -> WriteCounts:
        """Upsert entities; a placeholder with the same ARN becomes the real entity."""
        counts = WriteCounts()
        for batch in batched(rows, self.batch_size):
            by_labels: dict[tuple[str, ...], list[dict[str, Any]]] = {}
            for row in batch:
                by_labels.setdefault(row.labels, []).append(wire(row.props))
            for labels, props in by_labels.items():
                kind = model.NODE_KINDS[labels[1]]
                stale_types = f"REMOVE n{_labels(sorted(kind.type_labels))}" if kind.type_labels else ""
                query = f"""
                    UNWIND $rows AS row
                    MERGE (n{_key_match(kind)})
                    WITH n, row, n.content_hash IS NULL AS created,
                         coalesce(n.content_hash = row.props.content_hash, false) AS same,
                         n.content_hash IS NULL AND NOT n:{model.PLACEHOLDER_LABEL} AS fresh
                    CALL (n, row, same, fresh) {{
                        WITH n, row, fresh, n.seen_at AS seen_at WHERE NOT same
                        // Labels to drop only on a node that was there before (removing is not free).
                        FOREACH (_ IN CASE WHEN fresh THEN [] ELSE [1] END |
                            {stale_types}
                            REMOVE n:{model.PLACEHOLDER_LABEL})
                        SET n = row.props, n.seen_at = seen_at
                        {set_times("n")}
                        SET n{_labels(labels)}
                    }}
                    // seen_at: when the last full run that saw the node wrote it (lookups' last_seen); an
                    // incremental run's rewrite above keeps it.
                    FOREACH (_ IN CASE WHEN $stamp IS NULL THEN [] ELSE [1] END |
                        SET n.sync_stamp = $stamp, n.seen_at = datetime.transaction())
                    WITH n, created, same
                    RETURN sum(CASE WHEN same THEN 0 ELSE 1 END) AS written,
                           sum(CASE WHEN created THEN 1 ELSE 0 END) AS created
                """
                record = self.db.write(query, rows=props, stamp=self.stamp).records[0]
                counts.add(
                    WriteCounts(
                        created=record["created"],
                        updated=record["written"] - record["created"],
                        unchanged=len(props) - record["written"],
                    )
                )
                self._join(labels, [row["props"] for row in props])
        return counts

    def _join(self, labels: tuple[str, ...], props: list[dict[str, Any]]) -> None:
        """Join what was just written to what OpenLineage has of the same objects (``graph.join``): every
        write, changed or not, so a graph synced before the join existed catches up."""
        if model.ARTIFACT.label in labels:
            join.join_artifacts(self.db.write, ((p["arn"], p.get("source_uri")) for p in props))
        elif model.TRIAL_COMPONENT.label in labels:
            join.join_trial_components(self.db.write, ((p["arn"], p.get("source_arn")) for p in props))
        elif model.CONTEXT.label in labels:
            join.join_endpoints(self.db.write, ((p["arn"], p.get("source_uri")) for p in props))

    def write_placeholders(self, rows: Iterable[NodeRow]) -> int:
        """Create nodes for association ends not yet in the graph; existing nodes are left alone."""
        created = 0
        by_labels: dict[tuple[str, ...], dict[str, dict[str, Any]]] = {}
        for row in rows:
            by_labels.setdefault(row.labels, {})[row.arn] = row.props
        for labels, props_by_arn in by_labels.items():
            query = f"""
                UNWIND $rows AS row
                MERGE (n:{model.ENTITY_LABEL} {{arn: row.arn}})
                ON CREATE SET n = row, n{_labels(labels)}
            """
            for batch in batched(props_by_arn.values(), self.batch_size):
                created += self.db.write(query, rows=batch).summary.counters.nodes_created
        return created

    def write_associations(self, associations: list[Association]) -> tuple[collections.Counter[str], int]:
        """Association edges, and placeholders for the ends no node has (entities no listing returned):
        new relationships by type, and placeholders created. Edges first, then placeholders for the ends
        of the edges that found no node and those edges again: the ends are nearly always in the graph
        already, and making sure of each one first cost a query per label a page, a quarter of a full
        sync's write time. An end can vanish between its placeholder and its edge (another shard's sweep
        deletes a placeholder left without an edge), so every edge is counted in and retried until it lands,
        and a write that still cannot land one raises instead of dropping the association."""
        created, unmatched = self._write_edges(edge for edge, _ in associations)
        placeholders = 0
        for _ in range(ASSOCIATION_ATTEMPTS):
            if not unmatched:
                break
            ends = {(edge.source_arn, edge.destination_arn) for edge in unmatched}
            placeholders += self.write_placeholders(
                end for edge, pair in associations if (edge.source_arn, edge.destination_arn) in ends for end in pair
            )
            again, unmatched = self._write_edges(unmatched)
            created.update(again)
        if not unmatched:
            return created, placeholders
        raise AssociationWriteError(
            f"{len(unmatched)} associations could not be written: their ends kept vanishing from the graph "
            f"(is something else deleting placeholders?), e.g. {unmatched[0].source_arn} -> "
            f"{unmatched[0].destination_arn}"
        )

    def write_edges(self, rows: Iterable[EdgeRow]) -> collections.Counter[str]:
        """MERGE relationships between nodes already present (by ARN); returns how many were new, by type."""
        return self._write_edges(rows)[0]

    def _write_edges(self, rows: Iterable[EdgeRow]) -> tuple[collections.Counter[str], list[EdgeRow]]:
        """New relationships by type, and the rows left out because an end was not in the graph when the
        statement ran (each row's statement says whether it matched: no separate read can miss a race)."""
        created: collections.Counter[str] = collections.Counter()
        unmatched: list[EdgeRow] = []
        for batch in batched(rows, self.batch_size):
            by_type: dict[str, list[EdgeRow]] = {}
            for row in batch:
                by_type.setdefault(row.rel_type, []).append(row)
            for rel_type, typed in by_type.items():
                params = [
                    {"i": i, "source_arn": row.source_arn, "destination_arn": row.destination_arn, **wire(row.props)}
                    for i, row in enumerate(typed)
                ]
                query = f"""
                    UNWIND $rows AS row
                    MATCH (s:{model.ENTITY_LABEL} {{arn: row.source_arn}})
                    MATCH (d:{model.ENTITY_LABEL} {{arn: row.destination_arn}})
                    MERGE (s)-[r:{_rel_type(rel_type)}]->(d)
                    ON CREATE SET r = row.props, r.shard = $shard
                    {set_times("r", "[k IN keys(row.times) WHERE r[k] IS NULL]")}
                    FOREACH (_ IN CASE WHEN $stamp IS NULL THEN [] ELSE [1] END | SET r.sync_stamp = $stamp)
                    RETURN count(*) AS matched, collect(row.i) AS rows
                """
                result = self.db.write(query, rows=params, stamp=self.stamp, shard=self.shard)
                created[rel_type] += result.summary.counters.relationships_created
                record = result.records[0]
                if record["matched"] < len(params):  # some end is not in the graph
                    landed = set(record["rows"])
                    unmatched += [row for i, row in enumerate(typed) if i not in landed]
        return created, unmatched

    def _absent(self, arns: set[str]) -> set[str]:
        """Those of ``arns`` no node has."""
        result = self.db.read(
            f"UNWIND $arns AS arn OPTIONAL MATCH (n:{model.ENTITY_LABEL} {{arn: arn}}) WITH arn, n WHERE n IS NULL "
            "RETURN arn",
            arns=sorted(arns),
        )
        return {record["arn"] for record in result.records}

    def executions_needing_steps(self, arns: list[str], running: Iterable[str]) -> set[str]:
        """Executions whose steps were never synced for their current content (new, changed since, or a
        crash came between the node and its steps), or that are still running."""
        result = self.db.read(
            f"""
            UNWIND $arns AS arn
            MATCH (e:{model.ENTITY_LABEL} {{arn: arn}})
            WHERE e:{model.PIPELINE_EXECUTION.label}
              AND (e.steps_synced IS NULL OR e.steps_synced <> e.content_hash OR e.status IN $running)
            RETURN e.arn AS arn
            """,
            arns=arns,
            running=list(running),
        )
        return {r["arn"] for r in result.records}

    def running_executions(self, shard: str, running: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
        """The shard's executions the graph has as running, {arn, start_time} by pipeline name."""
        account, region = shard.split(":", 1)
        result = self.db.read(
            f"""
            MATCH (e:{model.PIPELINE_EXECUTION.label})
            WHERE e.status IN $running AND e.account = $account AND e.region = $region
            RETURN e.pipeline_name AS pipeline, e.arn AS arn, e.start_time AS start_time
            """,
            running=list(running),
            account=account,
            region=region,
        )
        by_pipeline: dict[str, list[dict[str, Any]]] = {}
        for r in result.records:
            start = r["start_time"].to_native() if r["start_time"] is not None else None
            by_pipeline.setdefault(r["pipeline"], []).append({"arn": r["arn"], "start_time": start})
        return by_pipeline

    def mark_steps_synced(self, marks: list[dict[str, Any]]) -> None:
        """Record that the executions' steps match their current content (see executions_needing_steps),
        whether every job step found its node (``linked``) and how many EXECUTED relationships they made
        (``edges``): ``keep_steps`` trusts those instead of listing the steps again. Rows come from
        ``StepLinks.marks``, written only once the steps are committed."""
        self.db.write(
            f"""
            UNWIND $rows AS row
            MATCH (e:{model.ENTITY_LABEL} {{arn: row.arn}})
            WHERE e:{model.PIPELINE_EXECUTION.label}
            SET e.steps_synced = e.content_hash, e.steps_linked = row.linked, e.steps_edges = row.edges
            """,
            rows=marks,
        )

    def keep_steps(self, arns: list[str], terminal: Iterable[str]) -> dict[str, int]:
        """On a full run, the executions whose steps need no new listing, their EXECUTED relationships
        re-stamped with this run's stamp so the sweep keeps them, in one statement; {arn: edges kept}.

        Kept: a finished execution (``terminal`` status) unchanged since its steps were listed
        (``steps_synced`` is its content hash: a new status or any other change clears it), whose job
        steps all found their node then (``steps_linked``), and which still has exactly the ``steps_edges``
        relationships, every one to a node this run has seen (stamped). Anything else (a target gone from
        SageMaker, a relationship missing or extra, an execution synced before these properties existed)
        is left for the caller to list again."""
        if self.stamp is None:
            raise RuntimeError("keep_steps needs a full run's stamp")
        if not arns:
            return {}
        result = self.db.write(
            self._keep_steps_query(restamp=True), arns=arns, terminal=list(terminal), stamp=self.stamp
        )
        return {r["arn"]: r["edges"] for r in result.records}

    @staticmethod
    def _keep_steps_query(restamp: bool) -> str:
        executed = _rel_type(model.EXECUTED[0])
        stamp = "FOREACH (r IN rels | SET r.sync_stamp = $stamp)" if restamp else ""
        return f"""
            UNWIND $arns AS arn
            MATCH (e:{model.ENTITY_LABEL} {{arn: arn}})
            WHERE e:{model.PIPELINE_EXECUTION.label} AND e.status IN $terminal AND e.steps_linked = true
              AND e.steps_synced = e.content_hash AND e.steps_edges IS NOT NULL
            WITH e, [(e)-[r:{executed}]->() | r] AS rels,
                 COUNT {{ (e)-[:{executed}]->(t) WHERE coalesce(t.sync_stamp, '') <> $stamp }} AS unseen
            WHERE size(rels) = e.steps_edges AND ($stamp IS NULL OR unseen = 0)
            {stamp}
            RETURN e.arn AS arn, size(rels) AS edges, [r IN rels | endNode(r).arn] AS targets
        """

    def write_steps(self, rows: Iterable[StepRow], *, seen_only: bool = False) -> StepLinks:
        """Link executions to what their steps ran. With ``seen_only`` (a full run whose crawl is whole) a
        step links only to a node this run has listed (stamped): a job or model package gone from SageMaker
        is unmatched, and the sweep removes the relationship it had, whether the steps were listed or kept."""
        if seen_only and self.stamp is None:
            raise RuntimeError("seen_only needs a full run's stamp")
        targets = {
            True: f"MATCH (t:{model.TRIAL_COMPONENT.label} {{source_arn: row.target_arn}})",
            False: f"MATCH (t:{model.ARTIFACT.label} {{source_uri: row.target_arn}})",
        }
        links = StepLinks()
        for batch in batched(rows, self.batch_size):
            links.listed.update(r.execution_arn for r in batch)
            for is_job, target in targets.items():
                params = [
                    {"execution_arn": r.execution_arn, "target_arn": r.target_arn, **wire(r.props)}
                    for r in batch
                    if r.target_is_job is is_job
                ]
                if not params:
                    continue
                query = f"""
                    UNWIND $rows AS row
                    MATCH (pe:{model.ENTITY_LABEL} {{arn: row.execution_arn}})
                    WHERE pe:{model.PIPELINE_EXECUTION.label}
                    {target}
                    WHERE NOT $seen_only OR t.sync_stamp = $stamp
                    MERGE (pe)-[r:{_rel_type(model.EXECUTED[0])}]->(t)
                    WITH r, row, coalesce(r.content_hash = row.props.content_hash, false) AS same
                    FOREACH (_ IN CASE WHEN same THEN [] ELSE [1] END | SET r = row.props, r.shard = $shard)
                    {set_times("r", "CASE WHEN same THEN [] ELSE keys(row.times) END")}
                    FOREACH (_ IN CASE WHEN $stamp IS NULL THEN [] ELSE [1] END | SET r.sync_stamp = $stamp)
                    RETURN row.execution_arn AS arn, count(*) AS linked, collect(DISTINCT elementId(r)) AS edges
                """
                result = self.db.write(query, rows=params, stamp=self.stamp, shard=self.shard, seen_only=seen_only)
                links.created += result.summary.counters.relationships_created
                for record in result.records:
                    links.linked[record["arn"]] += record["linked"]
                    links.edges.setdefault(record["arn"], set()).update(record["edges"])
        return links


class DryRunWriter(GraphWriter):
    """Reads the graph to say what a sync would create, change and delete, and writes nothing.

    Counts come back through the same report as a real run. Deletions of a full run are measured by the
    sweep's own statements (``Sweeper.measure``) against what this run read instead of a stamp: every ARN
    the crawl returned and every relationship a real run would have stamped, remembered in memory (it
    grows with the account: a dry run is occasional). Every write of GraphWriter goes through ``self.db``,
    read-only here: a write path this class does not override fails loudly instead of writing.
    """

    database_type = ReadOnlyDatabase

    def __init__(self, driver: Driver, database: str, batch_size: int = 1000) -> None:
        super().__init__(driver, database, batch_size)
        self.seen: set[str] = set()
        self.edges: dict[str, set[str]] = {}  # relationship type -> edge_key of those a real run would stamp
        self.new_nodes: set[str] = set()  # the shard's entities a real run would create
        self.new_relationships = 0
        # Step targets among what this run read: (is a job, source ARN or URI) -> ARNs (see write_steps).
        self._targets: dict[tuple[bool, str], set[str]] = {}

    def apply_schema(self) -> None:
        """Nothing to do: the schema is applied by real runs."""

    def set_watermark(self, shard: str, kind: str, watermark: datetime) -> None:
        """Watermarks stay where they are."""

    def mark_steps_synced(self, marks: list[dict[str, Any]]) -> None:
        """Nothing is recorded."""

    def protect(self, arns: list[str]) -> None:
        """Skipped records count as seen, and so do this shard's relationships touching them: the real run
        re-stamps both (``GraphWriter.protect``)."""
        self.seen.update(arns)
        for batch in batched(arns, self.batch_size):
            result = self.db.read(
                f"""
                UNWIND $arns AS arn
                MATCH (n:{model.ENTITY_LABEL} {{arn: arn}})-[r]-() WHERE r.shard = $shard
                RETURN type(r) AS type, startNode(r).arn AS s, endNode(r).arn AS d
                """,
                arns=batch,
                shard=self.shard,
            )
            for r in result.records:
                self.edges.setdefault(r["type"], set()).add(edge_key(r["s"], r["d"]))

    def keep_steps(self, arns: list[str], terminal: Iterable[str]) -> dict[str, int]:
        """What a full run would keep, read only: the executions whose EXECUTED relationships all end at
        an entity this run read (a real run checks its stamp), and those relationships count as seen."""
        if self.stamp is None or not arns:
            return {}
        result = self.db.read(self._keep_steps_query(restamp=False), arns=arns, terminal=list(terminal), stamp=None)
        kept = {}
        executed = self.edges.setdefault(model.EXECUTED[0], set())
        for r in result.records:
            if all(t in self.seen for t in r["targets"]):
                kept[r["arn"]] = r["edges"]
                executed.update(edge_key(r["arn"], t) for t in r["targets"])
        return kept

    def write_nodes(self, rows: Iterable[NodeRow]) -> WriteCounts:
        counts = WriteCounts()
        account, _, region = (self.shard or "").partition(":")
        for batch in batched(rows, self.batch_size):
            self.seen.update(row.arn for row in batch)
            for row in batch:
                source = row.props.get("source_arn") if model.TRIAL_COMPONENT.label in row.labels else None
                source = row.props.get("source_uri") if model.ARTIFACT.label in row.labels else source
                if isinstance(source, str):
                    self._targets.setdefault((model.TRIAL_COMPONENT.label in row.labels, source), set()).add(row.arn)
            record = self.db.read(
                f"""
                UNWIND $rows AS row
                OPTIONAL MATCH (n:{model.ENTITY_LABEL} {{arn: row.arn}})
                RETURN collect(CASE WHEN n.content_hash IS NULL THEN row.arn END) AS created,
                       sum(CASE WHEN n.content_hash <> row.content_hash THEN 1 ELSE 0 END) AS updated
                """,
                rows=[{"arn": row.arn, "content_hash": row.props["content_hash"]} for row in batch],
            ).records[0]
            created, updated = record["created"], int(record["updated"])
            in_shard = {
                row.arn for row in batch if (row.props.get("account"), row.props.get("region")) == (account, region)
            }
            self.new_nodes.update(arn for arn in created if arn in in_shard)
            counts.add(WriteCounts(len(created), updated, len(batch) - len(created) - updated))
        return counts

    def write_placeholders(self, rows: Iterable[NodeRow]) -> int:
        arns = {row.arn for row in rows} - self.seen
        return len(self._absent(arns)) if arns else 0

    def write_associations(self, associations: list[Association]) -> tuple[collections.Counter[str], int]:
        """Placeholders a run would create (ends neither in the graph nor seen by this run), then edges."""
        placeholders = self.write_placeholders(end for _, ends in associations for end in ends)
        return self._saw_edges((edge for edge, _ in associations), placeholders=True), placeholders

    def write_edges(self, rows: Iterable[EdgeRow]) -> collections.Counter[str]:
        return self._saw_edges(rows, placeholders=False)

    def _saw_edges(self, rows: Iterable[EdgeRow], *, placeholders: bool) -> collections.Counter[str]:
        """The relationships a real run would write (with ``placeholders``, whatever their ends; without,
        only between nodes in the graph or read by this run), remembered; new ones by type."""
        created: collections.Counter[str] = collections.Counter()
        for batch in batched(rows, self.batch_size):
            by_type: dict[str, list[dict[str, str]]] = {}
            for row in batch:
                by_type.setdefault(row.rel_type, []).append({"s": row.source_arn, "d": row.destination_arn})
            for rel_type, pairs in by_type.items():
                records = self.db.read(
                    f"""
                    UNWIND $rows AS row
                    OPTIONAL MATCH (s:{model.ENTITY_LABEL} {{arn: row.s}})
                    OPTIONAL MATCH (d:{model.ENTITY_LABEL} {{arn: row.d}})
                    OPTIONAL MATCH (s)-[r:{_rel_type(rel_type)}]->(d)
                    RETURN row.s AS s, row.d AS d, s IS NOT NULL AS has_s, d IS NOT NULL AS has_d,
                           r IS NOT NULL AS exists
                    """,
                    rows=pairs,
                ).records
                keys = self.edges.setdefault(rel_type, set())
                for r in records:
                    ends = (r["has_s"] or r["s"] in self.seen) and (r["has_d"] or r["d"] in self.seen)
                    key = edge_key(r["s"], r["d"])
                    if (placeholders or ends) and key not in keys:
                        keys.add(key)
                        created[rel_type] += 0 if r["exists"] else 1
        self.new_relationships += sum(created.values())
        return created

    def write_steps(self, rows: Iterable[StepRow], *, seen_only: bool = False) -> StepLinks:
        """The EXECUTED relationships a real run would write: to the jobs and artifacts in the graph (with
        ``seen_only``, those this run read) and those this run read that the graph does not have yet."""
        targets = {
            True: f"(t:{model.TRIAL_COMPONENT.label} {{source_arn: row.target_arn}})",
            False: f"(t:{model.ARTIFACT.label} {{source_uri: row.target_arn}})",
        }
        executed = self.edges.setdefault(model.EXECUTED[0], set())
        links = StepLinks()
        for batch in batched(rows, self.batch_size):
            links.listed.update(r.execution_arn for r in batch)
            for is_job, target in targets.items():
                params = [
                    {"execution_arn": r.execution_arn, "target_arn": r.target_arn}
                    for r in batch
                    if r.target_is_job is is_job
                ]
                if not params:
                    continue
                records = self.db.read(
                    f"""
                    UNWIND $rows AS row
                    OPTIONAL MATCH (pe:{model.ENTITY_LABEL} {{arn: row.execution_arn}})
                    WHERE pe:{model.PIPELINE_EXECUTION.label}
                    RETURN row.execution_arn AS execution, row.target_arn AS target, pe IS NOT NULL AS has_pe,
                           [{target} | t.arn] AS found,
                           CASE WHEN pe IS NULL THEN [] ELSE
                               [(pe)-[:{_rel_type(model.EXECUTED[0])}]->{target} | t.arn] END AS linked
                    """,
                    rows=params,
                ).records
                for r in records:
                    execution = r["execution"]
                    if not (r["has_pe"] or execution in self.seen):
                        continue
                    found = {t for t in r["found"] if not seen_only or t in self.seen}
                    found |= self._targets.get((is_job, r["target"]), set())
                    links.linked[execution] += len(found)
                    for t in sorted(found):
                        key = edge_key(execution, t)
                        if key not in executed:
                            executed.add(key)
                            links.created += 0 if t in r["linked"] else 1
        self.new_relationships += links.created
        return links

    def cleanup(self, account: str, region: str, *, max_delete_fraction: float, force: bool) -> dict[str, Any]:
        """What the sweep would find, by its own measure, and whether it would refuse; nothing is deleted."""
        if self.shard is None:
            raise RuntimeError("cleanup needs the run's shard")
        seen = Seen(
            arns=self.seen,
            edges=self.edges,
            new_nodes=len(self.new_nodes),
            new_relationships=self.new_relationships,
        )
        result, _ = Sweeper(self.db).measure(account, region, self.shard, seen)
        result.refused = result.refuses(max_delete_fraction, force)
        return cleanup_report(result)
