"""The write-path ceiling: how fast this Neo4j, on this machine, loads the rows the sync wrote when they
are handed to it ready-made in big UNWIND batches (no SageMaker, no transform, no checkpoints).

The rows are read back from the synced graph, loaded under a label of their own (``CeilingRow``, with a
uniqueness constraint like the real model's) with the same MERGE semantics as the sync, timed, then removed.
"""

from __future__ import annotations

import re
import statistics
import time
from collections import defaultdict
from typing import Any

from neo4j import Driver, RoutingControl
from neo4j.time import DateTime

from lineage_graph.graph.load import set_times, wire

BATCH = 10_000
_REL_TYPE = re.compile(r"^[A-Z_]+$")


def _rows(driver: Driver, database: str) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    nodes, _, _ = driver.execute_query(
        "MATCH (n) WHERE n.arn IS NOT NULL RETURN n.arn AS arn, properties(n) AS props",
        database_=database,
        routing_=RoutingControl.READ,
    )
    rels, _, _ = driver.execute_query(
        "MATCH (a)-[r]->(b) WHERE a.arn IS NOT NULL AND b.arn IS NOT NULL "
        "RETURN a.arn AS source, type(r) AS type, b.arn AS destination, properties(r) AS props",
        database_=database,
        routing_=RoutingControl.READ,
    )
    by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rels:
        by_type[r["type"]].append({"source": r["source"], "destination": r["destination"], **_wired(r["props"])})
    return [_wired(n["props"]) for n in nodes], by_type


def _wired(props: dict[str, Any]) -> dict[str, Any]:
    """Timestamps travel as the sync sends them (two ints each, see ``lineage_graph.graph.load.wire``)."""
    return wire({k: v.to_native() if isinstance(v, DateTime) else v for k, v in props.items()})


def _batches(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    return [rows[i : i + BATCH] for i in range(0, len(rows), BATCH)]


def measure(driver: Driver, database: str, runs: int = 3) -> dict[str, Any]:
    """The median of ``runs`` loads: one load of the same rows varied by up to a sixth between runs on this
    machine, which moved the sync's ratio to the ceiling as much as a change to the sync did."""
    nodes, rels = _rows(driver, database)
    total = len(nodes) + sum(len(r) for r in rels.values())
    times = sorted(_load(driver, database, nodes, rels) for _ in range(runs))
    seconds = statistics.median(times)
    return {
        "rows": total,
        "seconds": round(seconds, 2),
        "rows_per_second": round(total / seconds),
        "runs_rows_per_second": [round(total / t) for t in times],
        "batch": BATCH,
    }


def _load(driver: Driver, database: str, nodes: list[dict[str, Any]], rels: dict[str, list[dict[str, Any]]]) -> float:
    """Seconds to load the rows under their own label, which is removed again after."""
    driver.execute_query(
        "CREATE CONSTRAINT ceiling_row_arn IF NOT EXISTS FOR (n:CeilingRow) REQUIRE n.arn IS UNIQUE", database_=database
    )
    try:
        started = time.perf_counter()
        for batch in _batches(nodes):
            driver.execute_query(
                f"UNWIND $rows AS row MERGE (n:CeilingRow {{arn: row.props.arn}}) SET n += row.props {set_times('n')}",
                rows=batch,
                database_=database,
            )
        for rel_type, rows in rels.items():
            if not _REL_TYPE.match(rel_type):  # types come from our own graph; checked all the same
                raise ValueError(f"unexpected relationship type {rel_type!r}")
            for batch in _batches(rows):
                driver.execute_query(
                    "UNWIND $rows AS row MATCH (a:CeilingRow {arn: row.source}) "
                    "MATCH (b:CeilingRow {arn: row.destination}) "
                    f"MERGE (a)-[r:{rel_type}]->(b) SET r += row.props {set_times('r')}",
                    rows=batch,
                    database_=database,
                )
        return time.perf_counter() - started
    finally:
        with driver.session(database=database) as session:
            session.run("MATCH (n:CeilingRow) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
        driver.execute_query("DROP CONSTRAINT ceiling_row_arn IF EXISTS", database_=database)
