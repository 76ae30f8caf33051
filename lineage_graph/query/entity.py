"""The explorer's entity page (``GET /api/v1/entity?ref=``): everything the graph holds of one entity, its
properties read the way people read them (a job's parameters and metrics, tags, OpenLineage facets), its
neighbours each way by kind, and when the graph last heard of it. The Cypher is ``cypher/entity.cypher``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from lineage_graph.errors import NotFoundError
from lineage_graph.graph.model import SAME_OBJECT
from lineage_graph.query.facets import split_facets
from lineage_graph.query.lookups import LineageQueries
from lineage_graph.query.provenance import significant, split_values
from lineage_graph.query.refs import EntitySummary, kind_and_type, parse_ref, summary

SAMPLE = 5  # neighbours named in each group; the count says how many there are
TAG_PREFIX = "tag."
# When the graph last heard of an entity: the last full sync that listed a SageMaker entity (seen_at), an
# OpenLineage job's latest event, a run's latest event; a dataset, which has no time of its own, the latest
# event of the runs and jobs that read or wrote it (entity.cypher's ``latest`` of each neighbour group).
LAST_SEEN = ("seen_at", "last_event_at", "event_time")


def json_value(value: Any) -> Any:
    """A property value as JSON holds it: Neo4j's dates and times as ISO 8601 text, lists item by item."""
    if isinstance(value, list):
        return [json_value(v) for v in value]
    iso_format = getattr(value, "iso_format", None)
    return iso_format() if callable(iso_format) else value


@dataclass
class NeighbourGroup:
    """The neighbours one way that share a relationship type and labels (a kind, and a type where the type
    is a label: graph.model's well-known types), how many, and a few."""

    relationship: str
    kind: str | None
    type: str | None
    count: int
    sample: list[Neighbour]


@dataclass(frozen=True)
class Neighbour(EntitySummary):
    """A named neighbour; across a READ_BY or WROTE, with that read's or write's facets (an OpenLineage
    input's or output's: ``inputStatistics``, ``outputStatistics``, ...), ``{facet: {field: value}}``."""

    facets: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class EntityPage:
    entity: EntitySummary
    properties: dict[str, Any]  # every property not shown in a group below, by its key
    parameters: dict[str, Any]  # param.<name>
    metrics: dict[str, dict[str, Any]]  # metric.<name>.<stat>
    tags: dict[str, Any]  # tag.<key>
    facets: dict[str, dict[str, Any]]  # OpenLineage's facet.<facet>.<field>, by facet
    neighbours: dict[str, list[NeighbourGroup]]  # upstream, downstream, joined (SAME_OBJECT)
    last_seen: str | None

    def as_json(self) -> dict[str, Any]:
        page = asdict(self)
        return {**page.pop("entity"), **page}


def grouped(properties: Mapping[str, Any]) -> dict[str, Any]:
    """A node's properties split as the page shows them: parameters and metrics (as ``provenance`` and
    ``compare`` read them), tags, facets (a field goes to the longest facet name that prefixes it: facet
    names may hold dots, and ``facet_version.<facet>`` names every facet the node has), and the rest."""
    values = {key: json_value(value) for key, value in sorted(properties.items())}
    facets, others = split_facets(values)
    job_values: list[dict[str, Any]] = []
    tags: dict[str, Any] = {}
    rest: dict[str, Any] = {}
    for key, value in others.items():
        if key.startswith("param."):
            job_values.append({"key": key, "value": value})
        elif key.startswith("metric."):  # an average's arithmetic noise cut, as compare and provenance do
            job_values.append({"key": key, "value": significant(value)})
        elif key.startswith(TAG_PREFIX):
            tags[key.removeprefix(TAG_PREFIX)] = value
        else:
            rest[key] = value
    parameters, metrics = split_values(job_values)
    return {"properties": rest, "parameters": parameters, "metrics": metrics, "tags": tags, "facets": facets}


GroupKey = tuple[str, str, str | None, str | None]  # direction, relationship, kind, type


def _largest_first(item: tuple[GroupKey, NeighbourGroup]) -> tuple[int, str, str, str]:
    (_, relationship, kind, entity_type), group = item
    return -group.count, relationship, kind or "", entity_type or ""


class EntityQueries(LineageQueries):
    def entity(self, ref: str, sample: int = SAMPLE) -> EntityPage:
        """The page of the entity ``ref`` names; BadRefError for a ref of no known form, NotFoundError
        when the graph has no such entity."""
        params = parse_ref(ref).params()
        rows = self.run("entity", **params, same_object=SAME_OBJECT, sample=sample)
        if not rows:
            raise NotFoundError(f"the graph has no entity {ref!r}: no sync or OpenLineage event has written it")
        row = rows[0]
        properties = row["properties"]
        # Labels that differ in more than kind and type (a placeholder's) make one group of the page.
        groups: dict[GroupKey, NeighbourGroup] = {}
        for group in row["neighbours"]:
            kind, entity_type = kind_and_type(group["labels"])
            key = (group["direction"], group["relationship"], kind.label if kind else None, entity_type)
            found = groups.setdefault(key, NeighbourGroup(*key[1:], count=0, sample=[]))
            found.count += group["count"]
            found.sample.extend(
                Neighbour(**asdict(summary(m["node"], m["labels"])), facets=split_facets(read_or_write or {})[0])
                for m, read_or_write in list(zip(group["sample"], group["read_or_write"], strict=True))[
                    : sample - len(found.sample)
                ]
            )
        neighbours: dict[str, list[NeighbourGroup]] = {"upstream": [], "downstream": [], "joined": []}
        for (direction, *_), group in sorted(groups.items(), key=_largest_first):
            neighbours[direction].append(group)
        seen = next((properties[key] for key in LAST_SEEN if properties.get(key) is not None), None)
        events = [group["latest"] for group in row["neighbours"] if group["latest"] is not None]
        seen = seen if seen is not None or not events else max(events)
        return EntityPage(
            entity=summary(properties, row["labels"]),
            **grouped(properties),
            neighbours=neighbours,
            last_seen=json_value(seen),
        )
