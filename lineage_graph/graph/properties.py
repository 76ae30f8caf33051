"""Artifact and action properties in the graph: which nodes still need theirs read, and writing them.

ListArtifacts and ListActions leave ``Properties`` (and who created and changed the entity) out, so they
are read by a Describe per entity in a pass of their own after the lineage (see
``lineage_graph.sync_properties``). A node records which version of its listing summary its properties were
read for: ``properties_synced`` is the node's ``content_hash`` then, followed by ``READS`` (what the pass
reads of a node, so a pass that reads more reads every node once again). A new node has none, and a
summary that changed (its LastModifiedTime moved) gets a new ``content_hash`` and is rewritten whole by
``GraphWriter.write_nodes``, dropping the mark: either way the node is selected again, and a sync killed
half-way leaves the rest selected for the next run.
Queries go through the writer's ``db`` (``graph.database``): reads routed as reads, writes one at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lineage_graph.graph import model
from lineage_graph.graph.load import GraphWriter

PREFIX = "property."  # see sagemaker.transform: maps are flattened into prefixed keys
# Appended to the mark: bumped when the pass reads more of each node, so that every node marked by an older
# pass is read once more (version 2 added who created and changed it, and its model package's approval).
READS = "/2"
# Every key the pass writes starts with one of these; a key it read before and reads no more is removed.
PREFIXES = (PREFIX, "created_by.", "last_modified_by.", "model_package.")

# The shard's nodes of the given kinds (``$kinds``: those a source reads properties of in a pass of their
# own, as SageMaker's artifacts and actions) whose properties were never read for their current summary. Walked
# in ARN order from the unique ARN index (the hint), so each page starts where the last one ended and the
# whole pass reads every node once, however many pages.
_NEEDING = f"""
    MATCH (n:{model.ENTITY_LABEL})
    USING INDEX SEEK n:{model.ENTITY_LABEL}(arn)
    WHERE n.arn > $after AND n.account = $account AND n.region = $region
      AND n.lineage_type IN $kinds AND NOT n:{model.PLACEHOLDER_LABEL}
      AND (n.properties_synced IS NULL OR n.properties_synced <> n.content_hash + $reads)
    RETURN n.arn AS arn, n.lineage_type AS kind, n.name AS name, n.source_uri AS source_uri,
           n.content_hash AS content_hash
    ORDER BY n.arn
    LIMIT $limit
"""
_COUNT = f"""
    MATCH (n:{model.ENTITY_LABEL} {{account: $account}})
    WHERE n.region = $region AND n.lineage_type IN $kinds AND NOT n:{model.PLACEHOLDER_LABEL}
      AND (n.properties_synced IS NULL OR n.properties_synced <> n.content_hash + $reads)
    RETURN count(n) AS missing
"""
# Stale keys go (a property removed in SageMaker): those under the row's ``owned`` prefixes it no longer
# has. The read ones are set verbatim from the parameter map, and the mark is set, all in one statement; a
# node whose summary changed since it was selected (its content_hash moved) is left for the next pass.
_WRITE = f"""
    UNWIND $rows AS row
    MATCH (n:{model.ENTITY_LABEL} {{arn: row.arn}})
    WHERE n.content_hash = row.content_hash
    FOREACH (k IN [k IN keys(n) WHERE any(p IN row.owned WHERE k STARTS WITH p) AND NOT k IN keys(row.props)] |
      SET n[k] = null)
    SET n += row.props, n.properties_synced = row.content_hash + $reads
    RETURN count(n) AS written
"""


@dataclass(frozen=True)
class Needing:
    """An artifact or action whose properties are to be read: ``content_hash`` is its summary's version."""

    arn: str
    kind: str
    name: str | None
    source_uri: str | None
    content_hash: str


@dataclass(frozen=True)
class Read:
    """What was read for a node: its properties, keys as stored (``property.<key>``, ``created_by.<member>``,
    ...), and the prefixes they cover (a key under one of them that ``props`` lacks is removed)."""

    props: dict[str, Any]
    owned: tuple[str, ...] = PREFIXES


def needing(
    writer: GraphWriter, kinds: Sequence[str], account: str, region: str, after: str, limit: int
) -> list[Needing]:
    """The next ``limit`` nodes of ``kinds`` (by ARN, after ``after``) whose properties are missing or stale."""
    result = writer.db.read(
        _NEEDING, kinds=list(kinds), account=account, region=region, after=after, limit=limit, reads=READS
    )
    return [Needing(r["arn"], r["kind"], r["name"], r["source_uri"], r["content_hash"]) for r in result.records]


def missing(writer: GraphWriter, kinds: Sequence[str], account: str, region: str) -> int:
    """How many of the shard's nodes of ``kinds`` still lack their properties (for the report)."""
    result = writer.db.read(_COUNT, kinds=list(kinds), account=account, region=region, reads=READS)
    return int(result.records[0]["missing"])


def write(writer: GraphWriter, read: list[tuple[Needing, Read]]) -> int:
    """Store what was read of each node (values verbatim) and mark it read; returns the nodes written."""
    if not read:
        return 0
    rows: list[dict[str, Any]] = [
        {"arn": n.arn, "content_hash": n.content_hash, "props": r.props, "owned": list(r.owned)} for n, r in read
    ]
    return int(writer.db.write(_WRITE, rows=rows, reads=READS).records[0]["written"])
