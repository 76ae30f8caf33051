"""OpenLineage facets as people read them: a node's or a read's or write's ``facet.<facet>.<field>``
properties (openlineage.transform flattens them so) grouped back by facet, for the entity page and the
edges of the answers that cross the sources."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lineage_graph.graph.model import FACET_VERSION_PREFIX
from lineage_graph.openlineage.transform import FACET_PREFIX


def split_facets(values: Mapping[str, Any]) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """``values`` split into facets (``{facet: {field: value}}``) and the rest. A field goes to the longest
    facet name that prefixes it (facet names may hold dots, and ``facet_version.<facet>``, left in the
    rest, names every facet kept); a field of no facet named so stays in the rest as it is."""
    names = sorted(
        (key.removeprefix(FACET_VERSION_PREFIX) for key in values if key.startswith(FACET_VERSION_PREFIX)),
        key=len,
        reverse=True,
    )
    facets: dict[str, dict[str, Any]] = {}
    rest: dict[str, Any] = {}
    for key, value in sorted(values.items()):  # fields in key order, whatever order Neo4j gave them in
        field = key.removeprefix(FACET_PREFIX)
        facet = next((name for name in names if field.startswith(name + ".")), None) if key != field else None
        if facet is None:
            rest[key] = value
        else:
            facets.setdefault(facet, {})[field.removeprefix(facet + ".")] = value
    return facets, rest
