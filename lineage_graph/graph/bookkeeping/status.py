"""What ``lineage-graph status`` reports besides runs and leases: the graph's size and the Neo4j server."""

from __future__ import annotations

from collections.abc import Iterator

from neo4j import Driver

from lineage_graph.errors import LineageGraphError
from lineage_graph.graph import model
from lineage_graph.graph.database import Database


def _relationship_types() -> Iterator[str]:
    yield from model.LINEAGE_RELATIONSHIPS
    for rel_type, _, _ in model.STRUCTURE_RELATIONSHIPS:
        yield rel_type


def graph_size(driver: Driver, database: str) -> dict[str, dict[str, int]]:
    """Node counts per kind label (and placeholders, all entities) and relationship counts per type,
    from the model's fixed vocabulary (Neo4j's count store answers these without scanning)."""
    node_labels = [model.ENTITY_LABEL, *model.NODE_KINDS, model.PLACEHOLDER_LABEL]
    db = Database(driver, database)
    nodes = {label: db.read(f"MATCH (n:`{label}`) RETURN count(n) AS n").records[0]["n"] for label in node_labels}
    relationships = {
        rel: db.read(f"MATCH ()-[r:`{rel}`]->() RETURN count(r) AS n").records[0]["n"] for rel in _relationship_types()
    }
    return {"nodes": nodes, "relationships": relationships}


def server_info(driver: Driver, database: str) -> dict[str, str]:
    """Neo4j's name, version and edition (``dbms.components()``)."""
    records = (
        Database(driver, database)
        .read("CALL dbms.components() YIELD name, versions, edition RETURN name, versions, edition")
        .records
    )
    for r in records:
        if r["name"] == "Neo4j Kernel":
            return {"name": r["name"], "version": r["versions"][0], "edition": r["edition"]}
    if records:
        r = records[0]
        return {"name": r["name"], "version": r["versions"][0], "edition": r["edition"]}
    raise LineageGraphError("Neo4j did not report its version")
