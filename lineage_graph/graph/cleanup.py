"""Stamp-and-sweep after a full run: remove from one shard what SageMaker no longer has.

A full run stamps every node and relationship it sees (``GraphWriter.stamp``). The sweep then, for the
shard's account and region only: deletes the relationships its listings found before but not now (in
bounded batches, before any node); turns entities that are gone but still have a current edge into
placeholders (the association still exists in SageMaker), without their join to OpenLineage (a placeholder
has no source to join on); deletes the rest, join edges included; and drops the placeholders it left with
no edge (the shard's own, and ends of the relationships it deleted), never another shard's. OpenLineage's
nodes are not SageMaker entities: no statement here matches them. It refuses to delete more than a
fraction of the shard unless forced, and callers skip it altogether after a partial crawl. A dry run
measures the same way, against what it read (``Seen``). Knows nothing of boto3.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass, field
from typing import Any

from lineage_graph.graph import model, rows
from lineage_graph.graph.database import Database
from lineage_graph.graph.rows import NodeRow

_REL_TYPES = (*model.LINEAGE_RELATIONSHIPS, *(r[0] for r in model.STRUCTURE_RELATIONSHIPS))
_STALE_NODE = f"""
    MATCH (n:{model.ENTITY_LABEL} {{account: $account, region: $region}})
    WHERE NOT n:{model.PLACEHOLDER_LABEL} AND coalesce(n.sync_stamp, '') <> $stamp
"""
_SAMPLE = 20  # stale ARNs a report names


def edge_key(source_arn: str, destination_arn: str) -> str:
    """A relationship of one type as ``Seen.edges`` holds it (ARNs have no spaces)."""
    return f"{source_arn} {destination_arn}"


@dataclass(frozen=True)
class Seen:
    """What a full run saw, which the sweep keeps. A real run stamps what it writes (``stamp``) and is
    measured after its writes. A dry run writes nothing: it holds the shard's entity ARNs it read
    (``arns``), the relationships it read by type (``edges``, keys from ``edge_key``), and how many of
    each a real run would have created (``new_nodes``, ``new_relationships``). Both are measured by the
    same statements (``Sweeper.measure``), so a dry run's delete share is the real run's."""

    stamp: str | None = None
    arns: Set[str] = frozenset()
    edges: Mapping[str, Set[str]] = field(default_factory=dict)
    new_nodes: int = 0
    new_relationships: int = 0


_TYPE_LABELS = sorted({t for kind in model.NODE_KINDS.values() for t in kind.type_labels})


@dataclass
class SweepResult:
    stale_nodes: int = 0
    stale_relationships: int = 0
    total_nodes: int = 0
    total_relationships: int = 0
    refused: bool = False
    relationships_deleted: int = 0
    nodes_deleted: int = 0
    nodes_made_placeholders: int = 0
    placeholders_deleted: int = 0
    stale_sample: list[str] = field(default_factory=list)  # ARNs of entities the sweep would delete

    @property
    def fraction(self) -> float:
        """The larger share of the shard's nodes or relationships the sweep would delete."""
        return max(
            self.stale_nodes / self.total_nodes if self.total_nodes else 0.0,
            self.stale_relationships / self.total_relationships if self.total_relationships else 0.0,
        )

    def refuses(self, max_delete_fraction: float, force: bool) -> bool:
        """Whether the sweep stops short: it would delete more than the bound allows, unforced."""
        return self.fraction > max_delete_fraction and not force


class Sweeper:
    """Measures (reads only) and sweeps one shard; a dry run's read-only ``db`` can measure, not sweep."""

    def __init__(self, db: Database, batch_size: int = 5000) -> None:
        self.db = db
        self.batch_size = batch_size

    def _write(self, query: str, **params: Any) -> list[dict[str, Any]]:
        return [r.data() for r in self.db.write(query, **params).records]

    def _read(self, query: str, **params: Any) -> list[dict[str, Any]]:
        return [r.data() for r in self.db.read(query, **params).records]

    def _repeat(self, query: str, **params: object) -> int:
        """Run a ``... LIMIT $limit ... RETURN count(*) AS n`` batch until it touches nothing."""
        total = 0
        while n := int(self._write(query, limit=self.batch_size, **params)[0]["n"]):
            total += n
        return total

    def measure(self, account: str, region: str, shard: str, seen: Seen) -> tuple[SweepResult, set[str]]:
        """What the sweep would delete, and the relationship types that have anything to delete."""
        stale = "NOT (coalesce(n.sync_stamp = $stamp, false) OR n.arn IN $arns)"
        shard_nodes = f"""
            MATCH (n:{model.ENTITY_LABEL} {{account: $account, region: $region}}) WHERE NOT n:{model.PLACEHOLDER_LABEL}
        """
        params = {"account": account, "region": region, "stamp": seen.stamp, "arns": list(seen.arns)}
        nodes = self._read(
            f"{shard_nodes} RETURN count(n) AS total, count(CASE WHEN {stale} THEN 1 END) AS stale", **params
        )[0]
        result = SweepResult(stale_nodes=int(nodes["stale"]), total_nodes=int(nodes["total"]) + seen.new_nodes)
        if result.stale_nodes:
            sample = self._read(
                f"{shard_nodes} AND {stale} RETURN n.arn AS arn ORDER BY arn LIMIT $limit", limit=_SAMPLE, **params
            )
            result.stale_sample = [row["arn"] for row in sample]
        result.total_relationships = seen.new_relationships
        stale_types = set()
        for rel_type in _REL_TYPES:
            rels = self._read(
                f"""
                MATCH ()-[r:`{rel_type}`]->() WHERE r.shard = $shard
                WITH r, coalesce(r.sync_stamp = $stamp, false)
                        OR startNode(r).arn + ' ' + endNode(r).arn IN $edges AS seen
                RETURN count(r) AS total, count(CASE WHEN seen THEN null ELSE 1 END) AS stale
                """,
                shard=shard,
                stamp=seen.stamp,
                edges=list(seen.edges.get(rel_type, ())),
            )[0]
            result.total_relationships += int(rels["total"])
            result.stale_relationships += int(rels["stale"])
            if rels["stale"]:
                stale_types.add(rel_type)
        return result, stale_types

    def sweep(
        self, account: str, region: str, shard: str, stamp: str, *, max_delete_fraction: float, force: bool = False
    ) -> SweepResult:
        result, stale_types = self.measure(account, region, shard, Seen(stamp=stamp))
        if result.refuses(max_delete_fraction, force):
            result.refused = True
            return result
        # Each pass reads the whole shard again, so a pass with nothing to do (the usual full run) is skipped.
        # The run holds the shard's lease, so nothing goes stale between the count and the delete.
        # Placeholders this sweep leaves without an edge: ends of the relationships it deletes (another
        # account's or region's entities too), besides the shard's own.
        ends: set[str] = set()
        for rel_type in (t for t in _REL_TYPES if t in stale_types):
            while True:
                row = self._write(
                    f"""
                    MATCH (a)-[r:`{rel_type}`]->(b) WHERE r.shard = $shard AND coalesce(r.sync_stamp, '') <> $stamp
                    WITH r, a, b LIMIT $limit DELETE r
                    RETURN count(*) AS n,
                           [x IN collect(a) + collect(b) WHERE x:{model.PLACEHOLDER_LABEL} | x.arn] AS ends
                    """,
                    limit=self.batch_size,
                    shard=shard,
                    stamp=stamp,
                )[0]
                if not row["n"]:
                    break
                result.relationships_deleted += int(row["n"])
                ends.update(row["ends"])
        if result.stale_nodes:
            self._sweep_nodes(result, account, region, stamp)
        # Only this shard's: another shard syncing at the same time may have written a placeholder whose
        # edge it has not written yet.
        result.placeholders_deleted = self._repeat(
            f"""
            MATCH (n:{model.PLACEHOLDER_LABEL})
            WHERE ((n.account = $account AND n.region = $region) OR n.arn IN $ends) AND NOT EXISTS {{ (n)--() }}
            WITH n LIMIT $limit DELETE n RETURN count(*) AS n
            """,
            account=account,
            region=region,
            ends=sorted(ends),
        )
        return result

    def _sweep_nodes(self, result: SweepResult, account: str, region: str, stamp: str) -> None:
        """Entities gone from SageMaker: placeholders while a current edge points at them, deleted otherwise.
        A placeholder is the one a fresh sync makes of that entity from an association (``_placeholder``):
        the same SageMaker state gives the same graph, whatever the graph held before."""
        while records := self._write(
            f"""{_STALE_NODE} AND EXISTS {{ (n)-[r]-() WHERE type(r) <> '{model.SAME_OBJECT}' }}
            WITH n LIMIT $limit
            RETURN n.arn AS arn, n.lineage_type AS kind, n.type AS type, n.source_type AS source_type, n.name AS name
            """,
            limit=self.batch_size,
            account=account,
            region=region,
            stamp=stamp,
        ):
            by_labels: dict[tuple[str, ...], list[dict[str, Any]]] = {}
            for record in records:
                row = _placeholder(record)
                by_labels.setdefault(row.labels, []).append(row.props)
            made = 0
            for labels, batch in by_labels.items():
                made += int(
                    self._write(
                        f"""
                        UNWIND $rows AS row
                        MATCH (n:{model.ENTITY_LABEL} {{arn: row.arn}})
                        WITH n, row, n.seen_at AS seen_at  // lookups' last_seen: when a full run last listed it
                        // A placeholder has no source, so nothing joins it to OpenLineage (graph.join).
                        CALL (n) {{ MATCH (n)-[j:`{model.SAME_OBJECT}`]-() DELETE j }}
                        SET n = row, n.seen_at = seen_at
                        REMOVE n{"".join(f":`{label}`" for label in _TYPE_LABELS)}
                        SET n{"".join(f":`{label}`" for label in labels)}
                        RETURN count(*) AS n
                        """,
                        rows=batch,
                    )[0]["n"]
                )
            result.nodes_made_placeholders += made
            if not made:
                break
        result.nodes_deleted = self._repeat(
            f"{_STALE_NODE} WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS n",
            account=account,
            region=region,
            stamp=stamp,
        )


def _placeholder(entity: dict[str, Any]) -> NodeRow:
    """The placeholder a fresh sync makes of a gone ``entity`` (arn, kind, type, source_type, name) from an
    association to it: its kind's, with the type an association names it by (``NodeKind.placeholder_type``).
    A kind no association reaches (a pipeline execution under a current pipeline) keeps its own type."""
    kind = model.NODE_KINDS[entity["kind"]]
    return rows.placeholder(kind, entity["arn"], entity[kind.placeholder_type], entity["name"])
