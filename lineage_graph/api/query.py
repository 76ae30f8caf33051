"""``sagemaker.core.lineage.query`` from the graph: LineageQuery, LineageFilter, the enums, Vertex, Edge.

Where this differs from the SDK, on purpose:

- ``max_depth`` defaults to None, no limit (QueryLineage's 10 is the service's cap, not a choice; pass 10
  for the SDK's answer), and every match is returned (the SDK reads QueryLineage's first page only).
- ``BOTH`` is ascendants plus descendants. QueryLineage's ``Both`` turns at every visited node, which on
  real lineage reaches nearly the whole account through shared images and datasets.
- The start entity is never one of its own matches (QueryLineage returns it when it passes the filter,
  so the SDK's ``DatasetArtifact.upstream_datasets()`` lists the dataset itself). With ``include_edges``
  it is returned, as every path's first vertex.
- Cross-account ``SameAs`` twins are not collapsed into one vertex: both are in the graph, with the
  ``SameAs`` edges between them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

from lineage_graph.api._base import lineage_objects
from lineage_graph.api.graph import LineageGraph
from lineage_graph.graph.model import ENDPOINT_TYPE
from lineage_graph.query import Direction, LineageEntitySummary, explore
from lineage_graph.query.explore import Edge

__all__ = [
    "Edge",
    "LineageEntityEnum",
    "LineageFilter",
    "LineageQuery",
    "LineageQueryDirectionEnum",
    "LineageQueryResult",
    "LineageSourceEnum",
    "Vertex",
]


class LineageEntityEnum(Enum):
    """Lineage entity kinds for a query filter (``TRIAL`` is no QueryLineage kind: it matches nothing)."""

    TRIAL = "Trial"
    ACTION = "Action"
    ARTIFACT = "Artifact"
    CONTEXT = "Context"
    TRIAL_COMPONENT = "TrialComponent"


class LineageSourceEnum(Enum):
    """Entity types for a query filter."""

    CHECKPOINT = "Checkpoint"
    DATASET = "DataSet"
    ENDPOINT = ENDPOINT_TYPE
    IMAGE = "Image"
    MODEL = "Model"
    MODEL_DATA = "ModelData"
    MODEL_DEPLOYMENT = "ModelDeployment"
    MODEL_GROUP = "ModelGroup"
    MODEL_REPLACE = "ModelReplaced"
    TENSORBOARD = "TensorBoard"
    TRAINING_JOB = "TrainingJob"
    APPROVAL = "Approval"
    PROCESSING_JOB = "ProcessingJob"
    TRANSFORM_JOB = "TransformJob"


class LineageQueryDirectionEnum(Enum):
    BOTH = "Both"
    ASCENDANTS = "Ascendants"
    DESCENDANTS = "Descendants"


def direction_of(direction: LineageQueryDirectionEnum | str) -> Direction:
    """The graph's Direction for the SDK's enum (or its value, 'Ascendants', as a plain string)."""
    value = direction.value if isinstance(direction, LineageQueryDirectionEnum) else direction
    return Direction(value.lower())


def _value(item: Enum | str) -> str:
    return str(item.value) if isinstance(item, Enum) else item


def _iso(moment: datetime | str | None) -> str | None:
    """A filter time for Cypher's datetime(); a naive datetime is UTC, as botocore sends it."""
    if moment is None or isinstance(moment, str):
        return moment
    return moment.isoformat() if moment.tzinfo else moment.isoformat() + "Z"


@dataclass
class LineageFilter:
    """QueryLineage's Filters, with the SDK's argument names; enums or plain strings."""

    entities: list[LineageEntityEnum | str] | None = None
    sources: list[LineageSourceEnum | str] | None = None
    created_before: datetime | None = None
    created_after: datetime | None = None
    modified_before: datetime | None = None
    modified_after: datetime | None = None
    properties: dict[str, str] | None = None

    def to_graph_filter(self) -> explore.LineageFilter:
        return explore.LineageFilter(
            lineage_types=tuple(_value(e) for e in self.entities or ()),
            types=tuple(_value(s) for s in self.sources or ()),
            created_after=_iso(self.created_after),
            created_before=_iso(self.created_before),
            modified_after=_iso(self.modified_after),
            modified_before=_iso(self.modified_before),
            properties=dict(self.properties or {}),
        )


@dataclass(frozen=True)
class Vertex:
    """One entity of an answer: ``lineage_entity`` is its kind, ``lineage_source`` its type."""

    arn: str
    lineage_entity: str
    lineage_source: str | None
    graph: LineageGraph = field(repr=False, compare=False, hash=False)

    def to_lineage_object(self) -> Any:
        """The entity as its class (ModelArtifact, EndpointContext, LineageTrialComponent, ...), read from
        the graph. The SDK builds every action as a plain Action; an Approval here is a
        ModelPackageApprovalAction and a ModelGroup context a ModelPackageGroup (subclasses of both)."""
        found = lineage_objects(self.graph, [self.arn])
        if not found:
            raise ValueError("Vertex cannot be converted to a lineage object.")
        return found[0]


@dataclass
class LineageQueryResult:
    edges: list[Edge] = field(default_factory=list)
    vertices: list[Vertex] = field(default_factory=list)
    startarn: list[str] = field(default_factory=list)


class LineageQuery:
    """``LineageQuery(sagemaker_session)`` with a graph instead of the session."""

    def __init__(self, graph: LineageGraph | None = None) -> None:
        self.graph = graph or LineageGraph.default()

    def query(
        self,
        start_arns: list[str],
        direction: LineageQueryDirectionEnum = LineageQueryDirectionEnum.BOTH,
        include_edges: bool = True,
        query_filter: LineageFilter | None = None,
        max_depth: int | None = None,
    ) -> LineageQueryResult:
        """Entities reachable from each start ARN, filtered; with ``include_edges``, as QueryLineage does,
        also the entities on the shortest paths from the start to each match, and the associations among
        all of these (see the module's docstring for the differences from the SDK)."""
        graph_filter = (query_filter or LineageFilter()).to_graph_filter()
        vertices: dict[str, Vertex] = {}
        edges: dict[Edge, None] = {}
        for start in start_arns:
            result = self.graph.queries.lineage(start, direction_of(direction), graph_filter, max_depth)
            found = {v.arn: v for v in result.vertices}
            if include_edges and found:
                found = self._with_paths(result.start_arn, direction_of(direction), found, max_depth)
                edges.update(dict.fromkeys(self.graph.queries.edges(list(found))))
            for summary in found.values():
                vertices.setdefault(summary.arn, Vertex(summary.arn, summary.lineage_type, summary.type, self.graph))
        return LineageQueryResult(list(edges), list(vertices.values()), list(start_arns))

    def _with_paths(
        self, start_arn: str, direction: Direction, matched: dict[str, LineageEntitySummary], max_depth: int | None
    ) -> dict[str, LineageEntitySummary]:
        """The matches, the start, and every entity on a shortest path from the start to a match: the
        shortest-path parents of each match, walked back to the start, direction by direction."""
        kept: dict[str, LineageEntitySummary] = {}
        for way in (Direction.ASCENDANTS, Direction.DESCENDANTS):
            if direction not in (way, Direction.BOTH):
                continue
            reached = self.graph.queries.lineage(start_arn, way, max_depth=max_depth, include_edges=True)
            summaries = {start_arn: self._start(start_arn), **{v.arn: v for v in reached.vertices}}
            parents: dict[str, set[str]] = {}
            for edge in reached.edges or []:
                near, far = (
                    (edge.destination_arn, edge.source_arn)
                    if way == Direction.ASCENDANTS
                    else (edge.source_arn, edge.destination_arn)
                )
                if near in summaries and far in summaries and summaries[far].depth == summaries[near].depth + 1:
                    parents.setdefault(far, set()).add(near)
            stack = [arn for arn in matched if arn in summaries]
            while stack:
                arn = stack.pop()
                if arn not in kept:
                    kept[arn] = summaries[arn]
                    stack.extend(parents.get(arn, ()))
        return dict(sorted(kept.items(), key=lambda item: (item[1].depth, item[0])))

    def _start(self, start_arn: str) -> LineageEntitySummary:
        """The start as a vertex at depth 0 (a lookup never returns it among its own matches)."""
        rows = self.graph.queries.run(
            "find_entity", start=start_arn, lineage_type=None, entity_type=None, resource_suffix=None
        )
        row = next(row for row in rows if row["arn"] == start_arn)  # another entity may be *named* so
        return LineageEntitySummary(
            row["arn"], row["name"], row["lineage_type"], row["type"], None, None, None, 0, False
        )
