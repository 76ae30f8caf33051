"""The connection every API object carries where the SDK's objects carry a ``sagemaker_session``."""

from __future__ import annotations

import atexit
import os
from types import TracebackType

from neo4j import Driver

from lineage_graph.graph.connection import connect
from lineage_graph.query.explore import GraphQueries
from lineage_graph.settings import Neo4jSettings

_default: LineageGraph | None = None


class LineageGraph:
    """A connection to the synced graph; close it (or use ``with``) when done."""

    def __init__(self, driver: Driver, database: str) -> None:
        self.driver = driver
        self.queries = GraphQueries(driver, database)

    @classmethod
    def connect(cls, settings: Neo4jSettings | None = None) -> LineageGraph:
        """Connect with ``settings``, or with the NEO4J_* environment variables and their defaults."""
        if settings is None:
            defaults = Neo4jSettings()
            settings = Neo4jSettings(
                uri=os.environ.get("NEO4J_URI", defaults.uri),
                username=os.environ.get("NEO4J_USERNAME", defaults.username),
                password=os.environ.get("NEO4J_PASSWORD", defaults.password),
                database=os.environ.get("NEO4J_DATABASE", defaults.database),
            )
        return cls(connect(settings), settings.database)

    @classmethod
    def default(cls) -> LineageGraph:
        """One shared connection from the NEO4J_* variables, closed at exit: what ``graph=None`` means,
        as the SDK makes a default session when ``sagemaker_session`` is None."""
        global _default
        if _default is None:
            _default = cls.connect()
            atexit.register(_default.close)
        return _default

    def close(self) -> None:
        self.driver.close()

    def __enter__(self) -> LineageGraph:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()
