"""A Python API shaped like the SageMaker SDK's ``LineageTrialComponent``, answered from the graph.

Code that used ``sagemaker.core.lineage`` changes its import and passes a graph instead of a session::

    from lineage_graph.api import LineageGraph, LineageTrialComponent

    with LineageGraph.connect() as graph:  # NEO4J_URI / NEO4J_PASSWORD, or arguments
        tc = LineageTrialComponent.load("my-job-aws-training-job", graph=graph)
        datasets = tc.dataset_artifacts()  # no SageMaker API call
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from types import TracebackType

from neo4j import Driver

from lineage_graph.graph.connection import connect
from lineage_graph.query import Direction, LineageEntitySummary, LineageQueries
from lineage_graph.settings import Neo4jSettings


class LineageGraph:
    """A connection to the synced graph; close it (or use ``with``) when done."""

    def __init__(self, driver: Driver, database: str) -> None:
        self.driver = driver
        self.queries = LineageQueries(driver, database)

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

    def close(self) -> None:
        self.driver.close()

    def __enter__(self) -> LineageGraph:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()


@dataclass
class LineageTrialComponent:
    """The SDK's ``LineageTrialComponent`` lookups with the same names and defaults."""

    trial_component_arn: str
    graph: LineageGraph = field(repr=False)

    @property
    def trial_component_name(self) -> str:
        return self.trial_component_arn.split("/", 1)[1]

    @classmethod
    def load(cls, trial_component_name: str, graph: LineageGraph) -> LineageTrialComponent:
        """Find a trial component by name or ARN (NotFoundError if the graph has none)."""
        return cls(graph.queries.resolve_trial_component(trial_component_name), graph)

    def dataset_artifacts(
        self, direction: Direction = Direction.ASCENDANTS, max_depth: int | None = None
    ) -> list[LineageEntitySummary]:
        return self.graph.queries.dataset_artifacts(self.trial_component_arn, direction, max_depth)

    def models(
        self, direction: Direction = Direction.DESCENDANTS, max_depth: int | None = None
    ) -> list[LineageEntitySummary]:
        return self.graph.queries.models(self.trial_component_arn, direction, max_depth)

    def pipeline_execution_arn(self) -> str | None:
        return self.graph.queries.pipeline_execution(self.trial_component_arn).pipeline_execution_arn
