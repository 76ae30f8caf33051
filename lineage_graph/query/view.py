"""A view of the graph as every picture takes it: the explorer's lineage API, ``lineage --format html`` and
``provenance --format html`` all hand the renderer (``web/static/lineage-view.js``) this shape.

An entity is named by its ``ref``: a SageMaker entity's ARN; an OpenLineage entity's kind and key,
``openlineage:dataset:<uri>``, ``openlineage:job:<namespace/name>`` or ``openlineage:run:<run id>``
(ARNs start ``arn:``, so the two never meet). Edges run as the data flows, as stored: SageMaker's
associations source to destination, OpenLineage's dataset READ_BY run and run WROTE dataset. The join,
SAME_OBJECT, stored both ways, is one edge here. A hub, a node with more neighbours one way than a view
draws, keeps the rest behind a ``Hub``: "+N", expanded page by page.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Direction = Literal["upstream", "downstream"]
OPENLINEAGE_REF = "openlineage:"


@dataclass(frozen=True)
class ViewNode:
    ref: str
    kind: str  # the node kind's label: TrialComponent, Artifact, ..., OpenLineageDataset
    type: str | None  # the entity's type (DataSet, Model, Endpoint, TrainingJob, ...)
    name: str  # what a person calls it (whole: the renderer shortens, and shows it whole on hover)
    # Where it is: an artifact's or context's source URI, a trial component's job ARN (else the ARN); an
    # OpenLineage dataset's s3://bucket/key (namespace/name), job's namespace/name, run's id.
    uri: str
    source: str  # the kind's source: SageMaker or OpenLineage
    depth: int  # hops from the start: negative upstream, positive downstream, 0 the start
    # Neighbours one way the view does not draw yet (0 when all are drawn): what "expand" would add.
    hidden: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ViewEdge:
    source: str  # a ref (or a hub's ref)
    target: str
    type: str  # the relationship type: CONTRIBUTED_TO, ..., READ_BY, WROTE, SAME_OBJECT, RUN_OF, CHILD_OF; HUB
    label: str  # how people read it: ContributedTo, read by, same object (location), has run, ...


@dataclass(frozen=True)
class Hub:
    """The neighbours of ``parent`` one way beyond what the view draws: ``count`` of them, by kind."""

    ref: str  # "hub:<direction>:<parent ref>"
    parent: str
    direction: Direction
    count: int
    kinds: dict[str, int]


@dataclass(frozen=True)
class View:
    start: str
    nodes: list[ViewNode]
    edges: list[ViewEdge]
    hubs: list[Hub] = field(default_factory=list)
    # The Cypher that draws the same nodes in Neo4j Browser, and its parameters ("open in Neo4j Browser").
    cypher: str = ""
    cypher_params: dict[str, Any] = field(default_factory=dict)
    truncated: bool = False  # the walk stopped at the most nodes a view draws: some were left out

    def as_json(self, kinds: dict[str, dict[str, Any]]) -> dict[str, Any]:
        """The renderer's input; ``kinds`` (web.kinds.kind_styles) is cut to the kinds drawn, so a legend
        lists only what the picture shows."""
        drawn = {node.kind for node in self.nodes}
        return {**asdict(self), "kinds": {label: style for label, style in kinds.items() if label in drawn}}


def hub_ref(parent: str, direction: Direction) -> str:
    return f"hub:{direction}:{parent}"
