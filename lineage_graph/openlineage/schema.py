"""The OpenLineage spec's JSON schemas, offline: loaded once, for the events we take and the ones we send.

The schemas are vendored in ``schema/`` (``schema/README.md`` says from where). ``OpenLineage.json`` checks an
event's shape; it lets any object through as a facet, so a facet is checked against its own schema too: the
one its ``_schemaURL`` names when that is vendored, and, whatever it names, the one of a facet the graph
reads (parent, processing engine, job type, symlinks), since the graph relies on its content. Every ``$ref``
between the files resolves locally, by ``$id``: no network.

Two entry points sit on top: ``intake.validate`` (the receiver: a compiled fast path, then the first
problem as a JSON pointer) and ``validate`` here (the export's tests: every reason, with ``format``
checked by jsonschema).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable

from lineage_graph.openlineage.fastcheck import Check, Compiler

SPEC_ID = "https://openlineage.io/spec/2-0-2/OpenLineage.json"
# The facets whose content the graph relies on, by where they sit in an event: their own schemas apply.
READ_FACETS = {
    "run": ("ParentRunFacet.json", "ProcessingEngineRunFacet.json"),
    "job": ("JobTypeJobFacet.json",),
    "dataset": ("SymlinksDatasetFacet.json",),
}
Where = tuple[str | int, ...]
_SCHEMA_FRAGMENT = re.compile(r"(/\$defs/\w+)?")


@cache
def _files() -> dict[str, dict[str, Any]]:
    """Every vendored schema by its file name, read once."""
    entries = resources.files(__package__).joinpath("schema").iterdir()
    return {e.name: json.loads(e.read_text(encoding="utf-8")) for e in entries if e.name.endswith(".json")}


@cache
def registry() -> Registry[Any]:
    """Every vendored schema under its ``$id``, crawled once (else every lookup would crawl them again)."""
    return Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in _files().values()).crawl()


@cache
def _compiler() -> Compiler:
    return Compiler({s["$id"]: s for s in _files().values()})


@lru_cache(maxsize=256)  # bounded: the URLs come from producers
def known_schema(schema_url: str) -> bool:
    """Whether a ``_schemaURL`` (or ``schemaURL``) names a vendored schema, so that it can be checked: a file,
    or one of its definitions (``#/$defs/Name``); a pointer anywhere else in a file names no schema."""
    if not _SCHEMA_FRAGMENT.fullmatch(schema_url.partition("#")[2]):
        return False
    try:
        registry().resolver().lookup(schema_url)
    except Unresolvable:
        return False
    return True


@dataclass(frozen=True)
class Schema:
    """One schema twice: compiled, to pass a valid instance fast, and jsonschema's, to judge the rest."""

    fast: Check
    validator: Draft202012Validator

    def is_valid(self, instance: Any) -> bool:
        return self.fast(instance) or self.validator.is_valid(instance)


@cache
def compiled(url: str) -> Schema:
    """The schema at ``url`` (``$id#fragment``); ``format`` is an annotation here, as in draft 2020-12."""
    base, _, fragment = url.partition("#")
    validator = Draft202012Validator({"$ref": url}, registry=registry())
    return Schema(_compiler().compile(base, fragment), validator)


@cache
def _format_validator(url: str) -> Draft202012Validator:
    return Draft202012Validator({"$ref": url}, registry=registry(), format_checker=FormatChecker())


def event_url(definition: str | None = None) -> str:
    """The URL of the whole spec (a ``oneOf``) or of one of its events (``RunEvent``)."""
    return SPEC_ID if definition is None else f"{SPEC_ID}#/$defs/{definition}"


def shape_problem(event: Any) -> str | None:
    """What makes a value no event at all, before any schema: not an object, or none of run, job, dataset."""
    if not isinstance(event, Mapping):
        return f"an event is a JSON object, not {type(event).__name__}"
    if not {"run", "job", "dataset"} & event.keys():
        return "not an OpenLineage event: it has no run and job (a run event), job or dataset"
    return None


def definition(event: Mapping[str, Any]) -> str | None:
    """Which of the spec's events this one means to be; None when it cannot tell (the whole spec decides).

    ``OpenLineage.json`` is a ``oneOf`` of the three, whose only error would be "valid under none";
    checking the one meant gives the reason that matters."""
    if "run" in event:
        return "RunEvent"
    if "job" in event and "dataset" not in event:
        return "JobEvent"
    if "dataset" in event and "job" not in event:
        return "DatasetEvent"
    return None


@cache
def _read_facets() -> dict[tuple[str, str], str]:
    """(holder, facet name) to the schema URL of each facet the graph reads, from its file's properties."""
    urls = {}
    for holder, files in READ_FACETS.items():
        for file in files:
            document = _files()[file]
            for name, ref in document["properties"].items():
                urls[holder, name] = document["$id"] + ref["$ref"]
    return urls


def facets(event: Mapping[str, Any]) -> Iterator[tuple[Where, str, Any]]:
    """Every facet of an event with where it is (``("run", "facets", "parent")``) and what holds it (run,
    job, dataset, inputFacets, outputFacets); a dataset's ``_deleted`` facets aside, as they are empty."""
    holders: list[tuple[Where, str, Any]] = [
        (("run", "facets"), "run", (event.get("run") or {}).get("facets")),
        (("job", "facets"), "job", (event.get("job") or {}).get("facets")),
        (("dataset", "facets"), "dataset", (event.get("dataset") or {}).get("facets")),
    ]
    for side, extra in (("inputs", "inputFacets"), ("outputs", "outputFacets")):
        datasets = event.get(side)
        for i, dataset in enumerate(datasets if isinstance(datasets, list) else []):
            if isinstance(dataset, Mapping):
                holders += [((side, i, "facets"), "dataset", dataset.get("facets"))]
                holders += [((side, i, extra), extra, dataset.get(extra))]
    for where, holder, found in holders:
        if isinstance(found, Mapping):
            for name, facet in found.items():
                deleted = isinstance(facet, Mapping) and facet.get("_deleted") is True
                if not (deleted and holder not in ("run", "job")):
                    yield (*where, name), holder, facet


def _schema_url(facet: Any) -> Any:
    return facet.get("_schemaURL") if isinstance(facet, Mapping) else None


def facet_schemas(holder: str, name: str, facet: Any) -> list[str]:
    """The schema URLs a facet is checked against: the one of a facet the graph reads (whatever its
    ``_schemaURL`` says, as the graph relies on its content) and the one its ``_schemaURL`` names, if vendored."""
    read = _read_facets().get((holder, name))
    urls = [] if read is None else [read]
    schema_url = _schema_url(facet)
    if isinstance(schema_url, str) and schema_url != read and known_schema(schema_url):
        urls.append(schema_url)
    return urls


def message(error: ValidationError) -> str:
    """The validator's sentence; where it would echo a whole event (a "oneOf", a "not"), ours instead."""
    if error.validator == "oneOf" and not error.absolute_path:
        return "matches none (or more than one) of the spec's run, job and dataset events"
    if error.validator == "not" and error.validator_value == {"required": ["run"]}:
        return "a job event has no run (with a run it is a run event, which needs both run and job)"
    if error.validator == "not":
        return "a dataset event has neither both job and run (a run event) nor a job alone (a job event)"
    return error.message if len(error.message) <= 300 else error.message[:297] + "..."


def _reason(where: Where, error: ValidationError) -> str:
    """Where and what, at the deepest error: an ``anyOf`` (facets maps) would otherwise say only "valid under
    none of the given schemas", quoting the whole map."""
    while error.context:
        error = max(error.context, key=lambda e: len(e.absolute_path))
    return f"{_dotted((*where, *error.absolute_path))}: {message(error)}"


def _dotted(path: Where) -> str:
    """``("inputs", 0, "facets")`` as ``inputs[0].facets``."""
    return str(path[0]) + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path[1:])


def validate(event: Any, *, strict_facets: bool = False) -> list[str]:
    """Why an event (its JSON, parsed) breaks the spec, one reason per error; empty when it is valid.

    ``strict_facets``: a facet whose ``_schemaURL`` is not vendored is a reason too (our own events use only
    vendored ones, and a test proves it); otherwise such a facet is checked only as any facet is (an object),
    or against its schema when the graph reads it.
    """
    problem = shape_problem(event)
    if problem is not None:
        return [problem]
    core = _format_validator(event_url(definition(event)))
    reasons = [_reason(("event",), e) for e in core.iter_errors(event)]
    for where, holder, facet in facets(event):
        for url in facet_schemas(holder, str(where[-1]), facet):
            reasons += [_reason(where, e) for e in _format_validator(url).iter_errors(facet)]
        schema_url = _schema_url(facet)
        if strict_facets and not (isinstance(schema_url, str) and known_schema(schema_url)):
            reasons.append(f"{_dotted(where)}: no vendored schema for _schemaURL {schema_url!r}")
    return sorted(reasons)
