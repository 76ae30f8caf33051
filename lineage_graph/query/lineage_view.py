"""The explorer's lineage view (``GET /api/v1/lineage``) and a hub's pages (``GET /api/v1/neighbours``).

A view grows from its start breadth-first, one query a depth level over the whole frontier (both ways at
once), across both sources as ``lineage_across.cypher`` walks them (``view_step.cypher`` says which
relationships go which way). Each frontier node's neighbour count that way is read first, from degrees:
a node with more than ``HUB_LIMIT`` is not expanded but drawn behind a ``Hub`` ("+N", by kind), so that an
image feeding ten thousand jobs costs one count, not ten thousand rows. The walk stops at ``MAX_NODES``
(``truncated``). Once the nodes are chosen, one query finds every relationship among them and each node's
neighbour count each way, whence ``hidden``: how many neighbours each way the view does not draw.

Depth is signed: upstream negative, downstream positive. A node reached both ways keeps the first depth
found (upstream first at equal distance) and is walked on both ways: the join twin of the start
(SAME_OBJECT) is the same data, so what feeds it is upstream and what reads it downstream.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar, cast

from neo4j import READ_ACCESS, Driver, ManagedTransaction

from lineage_graph import cypher_files
from lineage_graph.errors import NotFoundError
from lineage_graph.graph.model import SAME_OBJECT
from lineage_graph.openlineage import kinds as openlineage_kinds
from lineage_graph.query.lookups import LineageQueries
from lineage_graph.query.reach import climbs
from lineage_graph.query.refs import (
    OPENLINEAGE_KINDS,
    OPENLINEAGE_SOURCE,
    SAGEMAKER_SOURCE,
    kind_of,
    parse_ref,
    ref_of,
)
from lineage_graph.query.view import Direction, Hub, View, ViewEdge, ViewNode, edge_label, hub_ref

T = TypeVar("T")
Ways = Literal["both", "upstream", "downstream"]
WAYS: tuple[Direction, ...] = ("upstream", "downstream")
HUB_LIMIT = 25  # a node with more neighbours one way than this is a hub that way
MAX_NODES = 500  # the most nodes a view draws
MAX_DEPTH = 10
EDGE_SCAN_LIMIT = 500  # view_edges.cypher looks through a node's relationships one way up to this many
MAX_PAGE = 500  # the most neighbours one page of /api/v1/neighbours has
# A hub's kinds are counted among this many of its hidden neighbours (each one read): past it, a sample.
KIND_SAMPLE = 1000
HUB = "HUB"  # the type of the edge between a hub and its parent
# Structure is drawn parent to child (a job to its runs, a parent run to its children), as upstream to
# downstream: the reverse of how it is stored.
_STRUCTURE = (openlineage_kinds.RUN_OF, openlineage_kinds.CHILD_OF)


def view_node(node: dict[str, Any], depth: int, hidden: dict[str, int]) -> ViewNode:
    """A node of a view from a view query's map (``view_start.cypher`` says which)."""
    kind = kind_of(node)
    ref = ref_of(node)
    if node.get("arn") is not None:
        arn = str(node["arn"])
        # An artifact SageMaker made for a job often has no name: where it is says more than its ARN's id.
        name = node["name"] or node["source_uri"] or arn.rsplit("/", 1)[-1]
        uri = node["source_uri"] or node["source_arn"] or arn
        return ViewNode(ref, kind, node["type"], name, uri, SAGEMAKER_SOURCE, depth, hidden)
    uri = str(node["run_id"] if kind == openlineage_kinds.RUN.label else node["uri"])
    # A dataset by its uri: its name alone (crm/customers) is the same in the landing and the raw bucket.
    name = {openlineage_kinds.DATASET.label: uri, openlineage_kinds.JOB.label: node["name"]}.get(
        kind, node["job_name"] or uri
    )
    return ViewNode(ref, kind, OPENLINEAGE_KINDS[kind], str(name), uri, OPENLINEAGE_SOURCE, depth, hidden)


@dataclass
class _Drawn:
    node: dict[str, Any]
    depth: int


@dataclass(frozen=True)
class _HubFound:
    """A hub before its view is made: its parent's elementId, its kinds (counted among at most
    ``KIND_SAMPLE``), and its count when known (None: the parent's hidden neighbours that way)."""

    parent: str
    direction: Direction
    kinds: dict[str, int]
    count: int | None


def _sign(direction: Direction) -> int:
    return 1 if direction == "downstream" else -1


class LineageViews(LineageQueries):
    """Views of the graph for the explorer, read with the view queries of ``cypher/`` (``view_*.cypher``).

    A view's queries run in one read transaction: one snapshot of the graph, and one round trip a query
    (``execute_query`` commits each query on a second one: a third of a small view's time)."""

    _tx: ManagedTransaction | None = None

    def __init__(self, driver: Driver, database: str, hub_limit: int = HUB_LIMIT, max_nodes: int = MAX_NODES) -> None:
        super().__init__(driver, database)
        self.hub_limit = hub_limit  # the API's are the defaults; a bench fills a view to its cap with more
        self.max_nodes = max_nodes

    def run(self, name: str, **params: Any) -> list[dict[str, Any]]:
        if self._tx is None:
            return super().run(name, **params)
        result = self._tx.run(cypher_files.read(name), params)
        keys = result.keys()
        return [dict(zip(keys, record.values(), strict=True)) for record in result]

    def _in_one_read(self, work: Callable[[], T]) -> T:
        """``work``, its queries in one read transaction (retried whole, as a managed transaction is)."""

        def transaction(tx: ManagedTransaction) -> T:
            self._tx = tx
            try:
                return work()
            finally:
                self._tx = None

        with self.db.driver.session(database=self.db.name, default_access_mode=READ_ACCESS) as session:
            return session.execute_read(transaction)

    def start(self, ref: str) -> dict[str, Any]:
        """The node ``ref`` names, as a view query's map; NotFoundError when the graph has none."""
        rows = self.run("view_start", **parse_ref(ref).params())
        if not rows:
            raise NotFoundError(f"nothing in the graph has the ref {ref!r}")
        return cast(dict[str, Any], rows[0]["node"])

    def lineage(self, ref: str, ways: Ways = "both", depth: int = 1, kinds: frozenset[str] | None = None) -> View:
        """The view of ``ref``'s lineage ``depth`` hops ``ways``; only nodes of ``kinds`` (None: any) are
        drawn and walked on, but the start is always drawn."""
        return self._in_one_read(lambda: self._lineage(ref, ways, depth, kinds))

    def _lineage(self, ref: str, ways: Ways, depth: int, kinds: frozenset[str] | None) -> View:
        start = self.start(ref)
        drawn = {start["id"]: _Drawn(start, 0)}
        directions = WAYS if ways == "both" else (ways,)
        frontier: list[dict[str, Any]] = [{"id": start["id"], "direction": d, "climbed": False} for d in directions]
        walked = {(start["id"], d, False) for d in directions}
        hubs: list[dict[str, str]] = []
        truncated = False
        for level in range(1, depth + 1):
            if not frontier:
                break
            following: list[dict[str, Any]] = []
            climbed_to = {(row["id"], row["direction"]): row["climbed"] for row in frontier}
            for row in self.run("view_step", frontier=frontier, hub_limit=self.hub_limit)[0]["rows"]:
                direction: Direction = row["direction"]
                if row["degree"] > self.hub_limit:
                    hubs.append({"id": row["id"], "direction": direction})
                    continue
                for neighbour in sorted(row["neighbours"], key=ref_of):
                    rule = neighbour.pop("rule")
                    if kinds is not None and kind_of(neighbour) not in kinds:
                        continue
                    if neighbour["id"] not in drawn:
                        if len(drawn) >= self.max_nodes:
                            truncated = True
                            continue
                        drawn[neighbour["id"]] = _Drawn(neighbour, _sign(direction) * level)
                    climbed = climbs(climbed_to[(row["id"], direction)], rule)
                    if (neighbour["id"], direction, climbed) not in walked:
                        walked.add((neighbour["id"], direction, climbed))
                        following.append({"id": neighbour["id"], "direction": direction, "climbed": climbed})
            frontier = following
        hidden_hubs = self._hubs(drawn, hubs)
        return self._view(ref_of(start), drawn, hidden_hubs, truncated)

    def neighbours(self, ref: str, direction: Direction, offset: int = 0, limit: int = 50) -> View:
        """One page of ``ref``'s neighbours ``direction``, in a stable order, as a view to merge into the one
        drawn (the parent at depth 0, the page at ±1); a hub holds those after the page, if any."""
        return self._in_one_read(lambda: self._neighbours(ref, direction, offset, limit))

    def _neighbours(self, ref: str, direction: Direction, offset: int, limit: int) -> View:
        start = self.start(ref)
        row = self.run(
            "view_neighbours", id=start["id"], direction=direction, offset=offset, limit=limit, sample=KIND_SAMPLE
        )[0]
        drawn = {start["id"]: _Drawn(start, 0)}
        for neighbour in row["page"]:
            drawn.setdefault(neighbour["id"], _Drawn(neighbour, _sign(direction)))
        rest = {kind["kind"]: kind["count"] for kind in row["rest"]}
        remaining = max(row["total"] - offset - len(row["page"]), sum(rest.values()))
        hubs = [_HubFound(start["id"], direction, rest, remaining)] if rest else []
        return self._view(ref_of(start), drawn, hubs, truncated=False)

    def _hubs(self, drawn: dict[str, _Drawn], hubs: list[dict[str, str]]) -> list[_HubFound]:
        """What each hub hides: its neighbours that way outside the view, by kind (none: no hub); their
        count is known here only when all were counted by kind."""
        if not hubs:
            return []
        found = []
        for row in self.run("view_hubs", hubs=hubs, ids=list(drawn), sample=KIND_SAMPLE):
            kinds = {kind["kind"]: kind["count"] for kind in row["kinds"]}
            if kinds:
                counted = sum(kinds.values())
                found.append(_HubFound(row["id"], row["direction"], kinds, counted if counted < KIND_SAMPLE else None))
        return found

    def _view(self, start: str, drawn: dict[str, _Drawn], found: list[_HubFound], truncated: bool) -> View:
        """The view of the nodes chosen: the relationships among them, drawn as the data flows, each node's
        hidden neighbours, the hubs' edges, and the Cypher that shows the same nodes in Neo4j Browser."""
        rows = self.run("view_edges", ids=list(drawn), scan_limit=EDGE_SCAN_LIMIT)[0]["rows"]
        refs = {node_id: ref_of(d.node) for node_id, d in drawn.items()}
        relationships = {r["id"]: r for row in rows for r in (*row["outgoing"], *row["incoming"])}
        edges: list[ViewEdge] = []
        joined: set[frozenset[str]] = set()
        upstream_drawn: Counter[str] = Counter()
        downstream_drawn: Counter[str] = Counter()
        for r in sorted(relationships.values(), key=lambda r: (refs[r["source"]], refs[r["target"]], r["type"])):
            source, target = r["source"], r["target"]
            if r["type"] == SAME_OBJECT:  # stored both ways: one edge, from the end nearer upstream
                if frozenset((source, target)) in joined:
                    continue
                joined.add(frozenset((source, target)))
                source, target = sorted((source, target), key=lambda i: (drawn[i].depth, refs[i]))
                for end in (source, target):  # each end's twin is its neighbour both ways
                    upstream_drawn[end] += 1
                    downstream_drawn[end] += 1
            else:
                if r["type"] in _STRUCTURE:
                    source, target = target, source
                downstream_drawn[source] += 1
                upstream_drawn[target] += 1
            edges.append(ViewEdge(refs[source], refs[target], r["type"], edge_label(r["type"], r["rule"])))
        degrees = {row["id"]: row for row in rows}
        nodes = [
            view_node(
                d.node,
                d.depth,
                {
                    "upstream": max(0, degrees[node_id]["upstream"] - upstream_drawn[node_id]),
                    "downstream": max(0, degrees[node_id]["downstream"] - downstream_drawn[node_id]),
                },
            )
            for node_id, d in drawn.items()
        ]
        hidden = {node.ref: node.hidden for node in nodes}
        hubs = []
        for hub in found:
            parent = refs[hub.parent]
            count = hub.count if hub.count is not None else max(hidden[parent][hub.direction], sum(hub.kinds.values()))
            hubs.append(Hub(hub_ref(parent, hub.direction), parent, hub.direction, count, hub.kinds))
            ends = (parent, hubs[-1].ref) if hub.direction == "downstream" else (hubs[-1].ref, parent)
            edges.append(ViewEdge(*ends, HUB, f"{count} more"))
        return View(start, nodes, edges, hubs, *browser_query(nodes), truncated=truncated)


def browser_query(nodes: list[ViewNode]) -> tuple[str, dict[str, Any]]:
    """``view_nodes.cypher`` and its parameters for these nodes: "open in Neo4j Browser"."""
    by_kind: dict[str, list[str]] = {"arns": [], "datasets": [], "jobs": [], "runs": []}
    keys = {
        openlineage_kinds.DATASET.label: "datasets",
        openlineage_kinds.JOB.label: "jobs",
        openlineage_kinds.RUN.label: "runs",
    }
    for node in nodes:
        if node.source == SAGEMAKER_SOURCE:
            by_kind["arns"].append(node.ref)
        else:
            by_kind[keys[node.kind]].append(node.uri)
    return cypher_files.statements("view_nodes")[0], cast(dict[str, Any], by_kind)
