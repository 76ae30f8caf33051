"""The one place this package sends Cypher to Neo4j: a database, always named, and its reads and writes.

Every query goes through ``Driver.execute_query``, whose managed transactions retry transient errors and
lost connections for ``max_transaction_retry_time`` (``--neo4j-timeout``, see ``graph.connection``);
what they still cannot ride out is raised as the driver raised it, for ``connection.neo4j_failure`` to
name (exit 4 or 11). Reads are routed as reads (to a reader in a cluster), and naming the database
spares the driver a round trip to find the home database on every query.
"""

from __future__ import annotations

import threading
from typing import Any

from neo4j import Driver, EagerResult, RoutingControl


class Database:
    """One Neo4j database of a driver. Writes through one ``Database`` go one at a time: a sync writes from
    two threads (pipelines beside associations), and two transactions adding relationships to the same hub
    nodes deadlock. Work that writes independently (another shard, a lease) takes a ``Database`` of its own.
    """

    def __init__(self, driver: Driver, name: str) -> None:
        self.driver = driver
        self.name = name
        self._write_lock = threading.Lock()

    def write(self, query: str, /, **params: Any) -> EagerResult:
        """Run ``query`` in a write transaction, values as parameters."""
        with self._write_lock:
            return self.driver.execute_query(query, params, database_=self.name, routing_=RoutingControl.WRITE)

    def read(self, query: str, /, **params: Any) -> EagerResult:
        """Run ``query`` in a read transaction (Neo4j refuses a write in it), values as parameters."""
        return self.driver.execute_query(query, params, database_=self.name, routing_=RoutingControl.READ)


class ReadOnlyDatabase(Database):
    """What a dry run queries through: its reads run, and any write raises before reaching Neo4j, so that a
    write path a dry run forgot to override fails loudly instead of writing."""

    def write(self, query: str, /, **params: Any) -> EagerResult:
        raise RuntimeError("a dry run writes nothing: DryRunWriter lacks an override of the method writing this")
