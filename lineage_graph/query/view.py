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

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from lineage_graph.graph.model import ASSOCIATION_TYPES, SAME_OBJECT, UNTYPED_ASSOCIATION
from lineage_graph.kinds import kind_styles
from lineage_graph.openlineage import kinds as openlineage_kinds
from lineage_graph.query import refs
from lineage_graph.query.explore import relationship_name
from lineage_graph.sagemaker.kinds import KIND_BY_ARN_RESOURCE

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
        # Each item's fields copied, not by dataclasses.asdict, whose recursive deep copy took 15 ms of a
        # 200-node view's 50 (the fields are strings and numbers, and dicts of them).
        return {
            "start": self.start,
            "nodes": [{**vars(node), "hidden": dict(node.hidden)} for node in self.nodes],
            "edges": [dict(vars(edge)) for edge in self.edges],
            "hubs": [{**vars(hub), "kinds": dict(hub.kinds)} for hub in self.hubs],
            "cypher": self.cypher,
            "cypher_params": dict(self.cypher_params),
            "truncated": self.truncated,
            "kinds": {label: style for label, style in kinds.items() if label in drawn},
        }


def hub_ref(parent: str, direction: Direction) -> str:
    return f"hub:{direction}:{parent}"


# How people read OpenLineage's relationships (SageMaker's association types read as SageMaker names them);
# structure (RUN_OF, CHILD_OF) is drawn parent to child.
_EDGE_LABELS = {
    openlineage_kinds.READ_BY: "read by",
    openlineage_kinds.WROTE: "wrote",
    openlineage_kinds.RUN_OF: "has run",
    openlineage_kinds.CHILD_OF: "parent of",
}


def edge_label(rel_type: str, rule: str | None) -> str:
    """How a view's edge of ``rel_type`` reads: ``ContributedTo``, ``read by``, ``same object (location)``."""
    if rel_type == SAME_OBJECT:
        return f"same object ({rule})" if rule else "same object"
    return _EDGE_LABELS.get(rel_type) or relationship_name(rel_type) or "associated"


# An OpenLineage entity's kind by its type in an answer across the sources (lineage_type "OpenLineage").
_OPENLINEAGE_KINDS = {"Dataset": "OpenLineageDataset", "Job": "OpenLineageJob", "Run": "OpenLineageRun"}
OPENLINEAGE_PREFIXES = {
    openlineage_kinds.DATASET.label: refs.DATASET,
    openlineage_kinds.JOB.label: refs.JOB,
    openlineage_kinds.RUN.label: refs.RUN,
}
_RUN_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)


def crossing_view(vertices: Sequence[Mapping[str, Any]], edges: Sequence[Mapping[str, Any]], start: str) -> View:
    """An answer across the sources (``lineage``'s, ``provenance``'s: entities by ``uri``, edges ``source``,
    ``destination``, ``relationship`` in SageMaker's words and the join's ``rule``) as a view, so ``--format
    html`` draws what the explorer draws. Depths are hops from the start along the edges (negative
    upstream); the answer is whole, so nothing is hidden. An end the entities lack (the lineage answer
    leaves its start out) is named by its ARN's resource type, or by how OpenLineage edges meet it."""
    styles = kind_styles()
    by_uri: dict[str, ViewNode] = {}
    for v in vertices:
        openlineage = v.get("lineage_type") == "OpenLineage"
        kind = _OPENLINEAGE_KINDS.get(str(v.get("type")), "OpenLineage") if openlineage else str(v.get("lineage_type"))
        node = _node(str(v["uri"]), kind, v.get("type"), v.get("name") or v.get("source_uri"), styles)
        # Where it is, as the lineage API says: a source URI, a trial component's job, else the ARN.
        by_uri[str(v["uri"])] = replace(node, uri=str(v.get("source_uri") or v.get("job_arn") or v["uri"]))
    for uri in [start, *(str(e[end]) for e in edges for end in ("source", "destination"))]:
        if uri not in by_uri:
            kind = _kind_of_end(uri, edges)
            by_uri[uri] = _node(uri, kind, None, None, styles)
    view_edges: list[ViewEdge] = []
    joined: set[frozenset[str]] = set()
    for e in edges:
        relationship = str(e.get("relationship") or "")
        if relationship == SAME_OBJECT:
            pair = frozenset((str(e["source"]), str(e["destination"])))
            if pair in joined:
                continue  # stored both ways, drawn once
            joined.add(pair)
        rel_type = ASSOCIATION_TYPES.get(relationship) or relationship or UNTYPED_ASSOCIATION
        source, target = by_uri[str(e["source"])].ref, by_uri[str(e["destination"])].ref
        view_edges.append(ViewEdge(source, target, rel_type, edge_label(rel_type, e.get("rule"))))
    depths = _hops(by_uri[start].ref, view_edges)
    whole = {"upstream": 0, "downstream": 0}
    nodes = [replace(node, depth=depths.get(node.ref, 0), hidden=dict(whole)) for node in by_uri.values()]
    return View(by_uri[start].ref, nodes, view_edges)


def _node(uri: str, kind: str, type_: Any, name: Any, styles: dict[str, dict[str, Any]]) -> ViewNode:
    fallback = "OpenLineage" if kind.startswith("OpenLineage") else "SageMaker"
    source = str(styles.get(kind, {}).get("source") or fallback)
    if kind in OPENLINEAGE_PREFIXES:
        ref = OPENLINEAGE_PREFIXES[kind] + uri
        # A dataset is called by its uri: its name alone (crm/customers) is the same in two buckets.
        name = uri if kind == openlineage_kinds.DATASET.label else name
    else:
        ref = uri
    called = str(name or uri.rsplit("/", 1)[-1])
    return ViewNode(ref, kind, None if type_ is None else str(type_), called, uri, source, 0)


def _kind_of_end(uri: str, edges: Sequence[Mapping[str, Any]]) -> str:
    if uri.startswith("arn:") and uri.count(":") >= 5:
        known = KIND_BY_ARN_RESOURCE.get(uri.split(":")[5].split("/")[0])
        return known.label if known else "Other"
    # Data flows dataset READ_BY run and run WROTE dataset: the end a dataset stands at names the kind.
    for e in edges:
        relationship = e.get("relationship")
        is_dataset = (relationship == "READ_BY" and e["source"] == uri) or (
            relationship == "WROTE" and e["destination"] == uri
        )
        if is_dataset:
            return "OpenLineageDataset"
        if relationship in ("READ_BY", "WROTE") and uri in (e["source"], e["destination"]):
            return "OpenLineageRun" if _RUN_ID.fullmatch(uri) else "OpenLineageJob"
    return "OpenLineageDataset" if "://" in uri else "OpenLineageRun" if _RUN_ID.fullmatch(uri) else "Other"


def _hops(start: str, edges: Sequence[ViewEdge]) -> dict[str, int]:
    """Hops from ``start``: downstream along the edges (positive), upstream against them (negative)."""
    ways: tuple[dict[str, list[str]], dict[str, list[str]]] = ({}, {})
    for edge in edges:
        ways[0].setdefault(edge.source, []).append(edge.target)
        ways[1].setdefault(edge.target, []).append(edge.source)
    depths = {start: 0}
    for neighbours, step in zip(ways, (1, -1), strict=True):
        frontier = [start]
        while frontier:
            reached = []
            for at in frontier:
                for ref in neighbours.get(at, []):
                    if ref not in depths:
                        depths[ref] = depths[at] + step
                        reached.append(ref)
            frontier = reached
    return depths
