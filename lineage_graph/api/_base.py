"""What every API class shares: the graph it came from, how it is built from a stored node, and the
lookups the SDK's helpers make through ``LineageQuery`` (answered here by ``GraphQueries``).

An object is built from one graph node (the SDK's ``Describe*`` answer); a helper's answer is built from
one lineage query plus one batch read of the nodes it found, so no helper costs a call per vertex.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, TypeVar

from lineage_graph.api.graph import LineageGraph
from lineage_graph.query import Direction, LineageEntitySummary
from lineage_graph.query.explore import LineageFilter

E = TypeVar("E", bound="LineageEntity")

# (lineage type, entity type or None) -> the class the SDK's Vertex.to_lineage_object() would build.
_CLASSES: dict[tuple[str, str | None], type[LineageEntity]] = {}


@dataclass(eq=False)
class LineageEntity:
    """A lineage entity as stored in the graph; subclasses add the SDK's attribute names.

    ``account``, ``region``, ``placeholder`` and ``last_seen`` are the graph's own (a placeholder is an
    association end the sync could not list: another account's entity, or a deleted one; ``last_seen`` is
    when the last full sync that listed the entity ran, None if none has).
    """

    graph: LineageGraph = field(repr=False)
    account: str | None = None
    region: str | None = None
    placeholder: bool = False
    last_seen: datetime | None = None

    _lineage_type: ClassVar[str] = ""
    _entity_types: ClassVar[tuple[str | None, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for entity_type in cls._entity_types:
            _CLASSES[(cls._lineage_type, entity_type)] = cls

    @property
    def arn(self) -> str:
        raise NotImplementedError

    @classmethod
    def _from_node(cls: type[E], graph: LineageGraph, node: dict[str, Any]) -> E:
        raise NotImplementedError

    @classmethod
    def _load(cls: type[E], graph: LineageGraph | None, name_or_arn: str) -> E:
        """The one entity of this kind named so, whatever its type, as the SDK's ``load`` describes any
        artifact (context, action) by name or ARN: a kind's base class (``Artifact.load``) builds the class
        its type calls for, a typed class (``ModelArtifact.load``) builds itself. NotFoundError otherwise,
        saying what the name is when it is an entity of another kind."""
        graph = graph or LineageGraph.default()
        arn = graph.queries.resolve(name_or_arn, lineage_type=cls._lineage_type)
        if cls._entity_types == (None,):
            found: list[E] = lineage_objects(graph, [arn])
            return found[0]
        node = graph.queries.run("lineage_entities", arns=[arn])[0]["properties"]
        return cls._from_node(graph, node)

    def _lineage(
        self,
        direction: Direction,
        entities: tuple[str, ...] = (),
        sources: tuple[str, ...] = (),
        max_depth: int | None = None,
    ) -> list[LineageEntitySummary]:
        """What ``LineageQuery.query(start_arns=[self.arn], ...)`` finds, with no depth or page limit."""
        query_filter = LineageFilter(lineage_types=entities, types=sources)
        return self.graph.queries.lineage(self.arn, direction, query_filter, max_depth).vertices

    def _objects(
        self,
        direction: Direction,
        entities: tuple[str, ...] = (),
        sources: tuple[str, ...] = (),
        max_depth: int | None = None,
    ) -> list[Any]:
        """The same, as lineage objects: ``[v.to_lineage_object() for v in result.vertices]`` in one read."""
        return lineage_objects(self.graph, [v.arn for v in self._lineage(direction, entities, sources, max_depth)])


def lineage_objects(graph: LineageGraph, arns: list[str]) -> list[Any]:
    """Artifacts, contexts, actions and trial components for ``arns``, in that order, from one read;
    unknown ARNs are left out."""
    nodes = {row["arn"]: row["properties"] for row in graph.queries.run("lineage_entities", arns=arns)}
    found = []
    for arn in arns:
        node = nodes.get(arn)
        if node is not None:
            key = (node["lineage_type"], node.get("type"))
            cls = _CLASSES.get(key) or _CLASSES[(node["lineage_type"], None)]
            found.append(cls._from_node(graph, node))
    return found


def common(node: dict[str, Any]) -> dict[str, Any]:
    return {
        "account": node.get("account"),
        "region": node.get("region"),
        "placeholder": bool(node.get("placeholder")),
        "last_seen": time(node, "seen_at"),
    }


def native(value: Any) -> Any:
    """A Neo4j temporal value as Python's (``datetime``), anything else as is."""
    to_native = getattr(value, "to_native", None)
    return to_native() if to_native is not None else value


def prefixed(node: dict[str, Any], prefix: str) -> dict[str, Any]:
    """A map the sync flattened into ``<prefix>.<key>`` properties, back as a map."""
    start = prefix + "."
    return {key[len(start) :]: native(value) for key, value in node.items() if key.startswith(start)}


def user_context(node: dict[str, Any], prefix: str) -> dict[str, Any] | None:
    """``created_by.<member>`` and ``created_by.IamIdentity.<member>`` back as the UserContext dict (None when
    SageMaker named nobody, or the sync has not read it)."""
    user: dict[str, Any] = {}
    for key, value in prefixed(node, prefix).items():
        member, _, inner = key.partition(".")
        if inner:
            user.setdefault(member, {})[inner] = value
        else:
            user[member] = value
    return user or None


def time(node: dict[str, Any], key: str) -> datetime | None:
    value = native(node.get(key))
    return value if isinstance(value, datetime) else None


@dataclass(frozen=True)
class AssociationSummary:
    """The SDK's ``AssociationSummary`` fields the graph holds (an association is stored as a relationship
    with its type; names and types come from its two ends)."""

    source_arn: str
    destination_arn: str
    association_type: str | None
    source_name: str | None = None
    destination_name: str | None = None
    source_type: str | None = None
    destination_type: str | None = None
