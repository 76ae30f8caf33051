"""Checks an OpenLineage event against the spec's JSON schemas, offline: the events we send and the ones we take.

The schemas are vendored in ``schema/`` (``schema/README.md`` says from where). ``OpenLineage.json`` checks an
event's shape; it lets any object through as a facet, so each facet whose ``_schemaURL`` names a vendored
facet schema (``https://openlineage.io/spec/facets/1-2-0/ParentRunFacet.json#/$defs/ParentRunFacet``) is
checked against that schema too. Every ``$ref`` between the files resolves locally, by ``$id``: no network.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

SPEC_ID = "https://openlineage.io/spec/2-0-2/OpenLineage.json"


@cache
def registry() -> Registry[Any]:
    """Every vendored schema under its ``$id``."""
    schemas = []
    for entry in resources.files(__package__).joinpath("schema").iterdir():
        if entry.name.endswith(".json"):
            contents = json.loads(entry.read_text(encoding="utf-8"))
            schemas.append((contents["$id"], Resource.from_contents(contents)))
    return Registry().with_resources(schemas)


@cache
def _validator(schema_url: str) -> Draft202012Validator:
    return Draft202012Validator({"$ref": schema_url}, registry=registry(), format_checker=FormatChecker())


def known_schema(schema_url: str) -> bool:
    """Whether a ``_schemaURL`` (or ``schemaURL``) names a vendored schema, so that it can be checked."""
    return schema_url.partition("#")[0] in registry()


def _event_kind(event: Mapping[str, Any]) -> str:
    """Which of the spec's three events this claims to be. ``OpenLineage.json`` is a ``oneOf`` of them, whose
    only error would be "valid under none"; checking the one meant gives the reason that matters."""
    if "dataset" in event:
        return "DatasetEvent"
    if "job" in event and "run" not in event and "eventType" not in event:
        return "JobEvent"
    return "RunEvent"


def _facets(event: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """Every facet of an event, with where it is (``run.facets.parent``)."""
    holders: list[tuple[str, Any]] = [
        ("run.facets", (event.get("run") or {}).get("facets")),
        ("job.facets", (event.get("job") or {}).get("facets")),
        ("dataset.facets", (event.get("dataset") or {}).get("facets")),
    ]
    for side, extra in (("inputs", "inputFacets"), ("outputs", "outputFacets")):
        datasets = event.get(side)
        for i, dataset in enumerate(datasets if isinstance(datasets, list) else []):
            if isinstance(dataset, Mapping):
                holders += [(f"{side}[{i}].{key}", dataset.get(key)) for key in ("facets", extra)]
    for where, facets in holders:
        if isinstance(facets, Mapping):
            for name, facet in facets.items():
                yield f"{where}.{name}", facet


def _reason(where: str, error: ValidationError) -> str:
    """Where and what, at the deepest error: an ``anyOf`` (facets maps) would otherwise say only "valid under
    none of the given schemas", quoting the whole map."""
    while error.context:
        error = max(error.context, key=lambda e: len(e.absolute_path))
    path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
    return f"{where}{path}: {error.message}"


def validate(event: Any, *, strict_facets: bool = False) -> list[str]:
    """Why an event (its JSON, parsed) breaks the spec, one reason per error; empty when it is valid.

    ``strict_facets``: a facet whose schema is not vendored is a reason too (our own events use only
    vendored ones, and a test proves it); otherwise such a facet is checked only as any facet is (an object).
    """
    if not isinstance(event, Mapping):
        return [f"an event is a JSON object, not {type(event).__name__}"]
    reasons = [_reason("event", e) for e in _validator(f"{SPEC_ID}#/$defs/{_event_kind(event)}").iter_errors(event)]
    for where, facet in _facets(event):
        schema_url = facet.get("_schemaURL") if isinstance(facet, Mapping) else None
        if isinstance(schema_url, str) and known_schema(schema_url):
            reasons += [_reason(where, e) for e in _validator(schema_url).iter_errors(facet)]
        elif strict_facets:
            reasons.append(f"{where}: no vendored schema for _schemaURL {schema_url!r}")
    return sorted(reasons)
