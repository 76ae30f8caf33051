"""``lineage-graph cypher``: a saved (``cypher/NAME``) or ad-hoc query, always in a read transaction.

Neo4j itself refuses a write in a read transaction (``Neo.ClientError.Statement.AccessMode``); that and
any other client error (syntax, a missing parameter) become a ``QueryRefusedError`` (exit code 2).

A read can still do harm: ``LOAD CSV`` reads the server's files and makes it send requests, and commands
and procedures (``SHOW TRANSACTIONS``, ``TERMINATE TRANSACTIONS``, ``db.clearQueryCaches()``) see or
disturb other users' work. So the query is first EXPLAINed, in the same transaction, and its plan's
operators decide, not its text: comments, string literals, case and backticks cannot hide an operator.
The real guard on a shared server is still a database user that may only read (README).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
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
# Procedures a lineage question may call: they describe the graph's schema and nothing else.
ALLOWED_PROCEDURES = frozenset(
    {
        "db.labels",
        "db.relationshipTypes",
        "db.propertyKeys",
        "db.schema.visualization",
        "db.schema.nodeTypeProperties",
        "db.schema.relTypeProperties",
    }
)
# Namespaces of Neo4j's own functions; any other (a plugin's, such as apoc.load.json) is refused.
ALLOWED_FUNCTION_NAMESPACES = frozenset(
    {"date", "datetime", "localdatetime", "localtime", "time", "duration", "point", "vector"}
)
# A namespaced function call in an operator's details (literals there are parameters: $autostring_0).
_NAMESPACED_CALL = re.compile(r"(?<![\w.`$])([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)\s*\(")


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


@dataclass(frozen=True)
class PlanOperator:
    """One operator of a plan as the driver hands it over (``summary.plan`` or ``summary.profile``)."""

    name: str  # without the ``@database`` Neo4j appends ("NodeIndexSeek", not "NodeIndexSeek@neo4j")
    details: str  # what it works on: the procedure, the functions, the index ("" when the plan says nothing)
    db_hits: int  # a PROFILEd operator's; 0 in an EXPLAIN plan


def plan_operators(plan: Mapping[str, Any]) -> Iterator[PlanOperator]:
    """Every operator of an EXPLAIN or PROFILE plan, the root first, then each child's subtree in turn: the one
    walk of a plan's tree, for the ad-hoc guard below and the plan tests alike."""
    yield PlanOperator(
        str(plan.get("operatorType", "")).partition("@")[0],
        str(plan.get("args", {}).get("Details", "")),
        int(plan.get("dbHits", 0)),
    )
    for child in plan.get("children", []):
        yield from plan_operators(child)


def refusal(plan: Mapping[str, Any]) -> str | None:
    """What in this plan a lineage query has no business doing, or None when it may run."""
    for op in plan_operators(plan):
        operator, details = op.name, op.details
        if operator == "LoadCSV":
            return "LOAD CSV, which reads the Neo4j server's files and makes it send requests"
        if operator == "AdministrationCommand" or operator.startswith(("Show", "Terminate")):
            return f"an administration command ({operator})"
        if operator == "ProcedureCall":
            procedure, _, details = details.partition("(")
            if procedure.strip() not in ALLOWED_PROCEDURES:
                return f"procedure {procedure.strip()} (allowed: {', '.join(sorted(ALLOWED_PROCEDURES))})"
        for function in _NAMESPACED_CALL.findall(details):
            if function.split(".", 1)[0].lower() not in ALLOWED_FUNCTION_NAMESPACES:
                return f"function {function}"
    return None


def run_read(driver: Driver, database: str, query: str, params: dict[str, Any]) -> QueryAnswer:
    def work(tx: ManagedTransaction) -> QueryAnswer:
        plan = tx.run("EXPLAIN " + query, params).consume().plan or {}
        refused = refusal(plan)
        if refused is not None:
            raise QueryRefusedError(f"refused: lineage-graph cypher runs lineage queries, not {refused}")
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
