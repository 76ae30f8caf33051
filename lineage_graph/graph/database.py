"""The one place this package sends Cypher to Neo4j: a database, always named, and its reads and writes.

Every query goes through ``Driver.execute_query``, whose managed transactions retry transient errors and
lost connections for ``max_transaction_retry_time`` (``--neo4j-timeout``, see ``graph.connection``);
what they still cannot ride out is raised as the driver raised it, for ``connection.neo4j_failure`` to
name (exit 4 or 11). Reads are routed as reads (to a reader in a cluster), and naming the database
spares the driver a round trip to find the home database on every query.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from neo4j import Driver, EagerResult, ManagedTransaction, RoutingControl

T = TypeVar("T")
# A statement runner as ``Database.write`` is one: ``run(query, **params)`` -> the driver's EagerResult.
Run = Callable[..., EagerResult]


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

    def write_together(self, work: Callable[[Run], T]) -> T:
        """``work(run)`` in one managed write transaction: every statement it runs commits together, once,
        and the whole of it is retried as one (so ``work`` must be idempotent). One commit instead of one a
        statement: a commit costs both Neo4j and the driver a round trip and work whatever it holds."""

        def transaction(tx: ManagedTransaction) -> T:
            return work(lambda query, /, **params: tx.run(query, params).to_eager_result())

        with (
            self._write_lock,
            # The bookmarks execute_query keeps: a read through this Database then sees this write in a cluster.
            self.driver.session(
                database=self.name, bookmark_manager=self.driver.execute_query_bookmark_manager
            ) as session,
        ):
            return session.execute_write(transaction)

    def read(self, query: str, /, **params: Any) -> EagerResult:
        """Run ``query`` in a read transaction (Neo4j refuses a write in it), values as parameters."""
        return self.driver.execute_query(query, params, database_=self.name, routing_=RoutingControl.READ)


class ReadOnlyDatabase(Database):
    """What a dry run queries through: its reads run, and any write raises before reaching Neo4j, so that a
    write path a dry run forgot to override fails loudly instead of writing."""

    def write(self, query: str, /, **params: Any) -> EagerResult:
        raise RuntimeError("a dry run writes nothing: DryRunWriter lacks an override of the method writing this")

    def write_together(self, work: Callable[[Run], T]) -> T:
        raise RuntimeError("a dry run writes nothing: DryRunWriter lacks an override of the method writing this")
