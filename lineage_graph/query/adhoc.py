"""``lineage-graph cypher``: a saved (``cypher/NAME``) or ad-hoc query, always in a read transaction.

Neo4j itself refuses a write in a read transaction (``Neo.ClientError.Statement.AccessMode``); that and
any other client error (syntax, a missing parameter) become a ``QueryRefusedError`` (exit code 2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from neo4j import Driver, ManagedTransaction
from neo4j.exceptions import ClientError
from neo4j.graph import Node, Relationship
from neo4j.graph import Path as GraphPath

from lineage_graph import cypher_files
from lineage_graph.errors import LineageGraphError

_SAVED_NAME = re.compile(r"^[a-z0-9_]+$")


class QueryRefusedError(LineageGraphError):
    """Neo4j refused the query: a write in a read transaction, a syntax error, a missing parameter."""

    exit_code = 2


@dataclass(frozen=True)
class QueryAnswer:
    columns: list[str]
    rows: list[dict[str, Any]]


def query_text(query_or_file: str) -> str:
    """A file's text (a path, or the name of a saved query in cypher/), else the argument itself."""
    path = Path(query_or_file)
    if query_or_file.endswith(".cypher") and path.is_file():
        return path.read_text(encoding="utf-8")
    name = query_or_file.removesuffix(".cypher")
    if _SAVED_NAME.match(name) and (cypher_files.cypher_dir() / f"{name}.cypher").is_file():
        return cypher_files.read(name)
    return query_or_file


def plain(value: Any) -> Any:
    """Nodes, relationships and paths as maps and lists, for JSON and tables."""
    if isinstance(value, Node):
        return {"labels": sorted(value.labels), **dict(value)}
    if isinstance(value, Relationship):
        return {"type": value.type, **dict(value)}
    if isinstance(value, GraphPath):
        return {"nodes": [plain(n) for n in value.nodes], "relationships": [plain(r) for r in value.relationships]}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def run_read(driver: Driver, database: str, query: str, params: dict[str, Any]) -> QueryAnswer:
    def work(tx: ManagedTransaction) -> QueryAnswer:
        result = tx.run(query, params)
        rows = [{key: plain(value) for key, value in record.items()} for record in result]
        return QueryAnswer(list(result.keys()), rows)

    try:
        with driver.session(database=database) as session:
            return session.execute_read(work)
    except ClientError as err:
        if err.code == "Neo.ClientError.Statement.AccessMode":
            raise QueryRefusedError(
                f"refused: the query writes, and lineage-graph runs it read-only ({err.message})"
            ) from err
        raise QueryRefusedError(f"Neo4j refused the query: {err.message}") from err
