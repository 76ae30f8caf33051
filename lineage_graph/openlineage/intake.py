"""OpenLineage events as producers send them, parsed and checked against the spec's JSON schema.

A body is one event (what the official client's HTTP transport posts) or a JSON array of events. Each
event is validated against the vendored schema (``schema/``, draft 2020-12, every ``$ref`` resolved from
those files: nothing is fetched), then against the schemas of the facets the graph reads (parent,
symlinks, job type, processing engine). What the graph orders events by is checked here too, because the
schema's ``format`` keywords are only annotations unless optional libraries happen to be installed:
``eventTime`` must be an RFC 3339 date-time with an offset, and run IDs must be UUIDs.

A problem is reported as the JSON pointer (RFC 6901) of the failing field and a sentence, so a producer
sees at once what to fix.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any, Literal

import orjson
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from lineage_graph.openlineage.fastcheck import Check, Compiler
from lineage_graph.openlineage.schema import registry

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
CORE_SCHEMA = "OpenLineage.json"
# The facets whose content the graph relies on, by where they sit in an event: their own schemas apply.
RUN_FACET_SCHEMAS = ("ParentRunFacet.json", "ProcessingEngineRunFacet.json")
JOB_FACET_SCHEMAS = ("JobTypeJobFacet.json",)
DATASET_FACET_SCHEMAS = ("SymlinksDatasetFacet.json",)

EventKind = Literal["run", "job", "dataset"]

# RFC 3339 date-time (seconds optional, as some Java producers print them); fromisoformat does the rest.
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})")


@dataclass(frozen=True)
class Problem:
    """Why an event was refused: where (a JSON pointer into the event, "" for all of it) and what."""

    pointer: str
    message: str

    def __str__(self) -> str:
        return f"{self.pointer or '/'}: {self.message}"


class InvalidEventError(ValueError):
    """A body or event that is not valid OpenLineage; ``problem`` says where and why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass(frozen=True)
class Event:
    """A valid event: which of the spec's three it is, its ``eventTime`` in UTC, and the event itself."""

    kind: EventKind
    time: datetime
    body: dict[str, Any]


def pointer(path: Iterable[str | int]) -> str:
    """A JSON pointer (RFC 6901) from path segments."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


@cache
def _schemas() -> dict[str, dict[str, Any]]:
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in SCHEMA_DIR.glob("*.json")}


@cache
def _compiler() -> Compiler:
    return Compiler({s["$id"]: s for s in _schemas().values()})


@dataclass(frozen=True)
class _Schema:
    """One schema twice: compiled, to pass a valid instance fast, and jsonschema's, to judge the rest."""

    fast: Check
    validator: Draft202012Validator

    def is_valid(self, instance: Any) -> bool:
        return self.fast(instance) or self.validator.is_valid(instance)


@cache
def _validator(file: str, definition: str | None = None) -> _Schema:
    base = _schemas()[file]["$id"]
    fragment = "" if definition is None else f"/$defs/{definition}"
    schema = {"$ref": f"{base}#{fragment}"}
    # The vendored schemas by ``$id`` (``schema.registry``): a ``$ref`` to the spec's URL resolves there,
    # offline; one to a URL not vendored fails instead of being fetched.
    return _Schema(_compiler().compile(base, fragment), Draft202012Validator(schema, registry=registry()))


def parse_body(body: bytes) -> list[Any]:
    """The events of a request body: one JSON object, or an array of them (a batch)."""
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError as err:
        raise InvalidEventError(Problem("", f"not JSON: {err}")) from None
    if isinstance(document, list):
        if not document:
            raise InvalidEventError(Problem("", "an empty array: send one event, or an array of events"))
        return document
    return [document]


def parse_line(line: bytes | str) -> Any:
    """One event of a newline-delimited file."""
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError as err:
        raise InvalidEventError(Problem("", f"not JSON: {err}")) from None


def _first_error(schema: _Schema, instance: Any, prefix: tuple[str | int, ...] = ()) -> None:
    if schema.fast(instance):
        return
    error = best_match(schema.validator.iter_errors(instance))
    if error is not None:
        raise InvalidEventError(Problem(pointer((*prefix, *error.absolute_path)), _message(error)))


def _message(error: ValidationError) -> str:
    """The validator's sentence; where it would echo a whole event (a "oneOf", a "not"), ours instead."""
    if error.validator == "oneOf" and not error.absolute_path:
        return "matches none (or more than one) of the spec's run, job and dataset events"
    if error.validator == "not" and error.validator_value == {"required": ["run"]}:
        return "a job event has no run (with a run it is a run event, which needs both run and job)"
    if error.validator == "not":
        return "a dataset event has neither both job and run (a run event) nor a job alone (a job event)"
    return error.message if len(error.message) <= 300 else error.message[:297] + "..."


def _kind(event: dict[str, Any]) -> EventKind | None:
    """Which of the spec's events this one means to be; None when it cannot tell (the full schema decides)."""
    if "run" in event:
        return "run"
    if "job" in event and "dataset" not in event:
        return "job"
    if "dataset" in event and "job" not in event:
        return "dataset"
    return None


_DEFINITIONS: dict[EventKind, str] = {"run": "RunEvent", "job": "JobEvent", "dataset": "DatasetEvent"}


def event_time(value: str, where: str = "/eventTime") -> datetime:
    """An RFC 3339 date-time with its offset, in UTC (nanoseconds are cut to microseconds)."""
    if not _DATE_TIME.fullmatch(value):
        raise InvalidEventError(Problem(where, f"{value!r} is not an RFC 3339 date-time with a time zone"))
    try:
        return datetime.fromisoformat(value.upper().replace(" ", "T")).astimezone(UTC)
    except ValueError:
        raise InvalidEventError(Problem(where, f"{value!r} is not a valid date-time")) from None


def run_id(value: str, where: str) -> str:
    """A run ID in its canonical spelling (lower-case, hyphenated), so one run is one node."""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise InvalidEventError(Problem(where, f"{value!r} is not a UUID")) from None


def _facets(facets: Any, schemas: tuple[str, ...], prefix: tuple[str | int, ...], *, deletable: bool = False) -> None:
    """Check the facets we read against their own schemas (a dataset facet marked ``_deleted`` is empty)."""
    if not isinstance(facets, dict):
        return
    if deletable:
        facets = {k: v for k, v in facets.items() if not (isinstance(v, dict) and v.get("_deleted") is True)}
    for file in schemas:
        _first_error(_validator(file), facets, prefix)


def _datasets(event: dict[str, Any], key: str) -> None:
    for i, dataset in enumerate(event.get(key) or ()):
        _facets(dataset.get("facets"), DATASET_FACET_SCHEMAS, (key, i, "facets"), deletable=True)


def validate(event: Any) -> Event:
    """The event, checked; raises InvalidEventError naming the first failing field."""
    if not isinstance(event, dict):
        raise InvalidEventError(Problem("", f"an event is a JSON object, not {type(event).__name__}"))
    if not {"run", "job", "dataset"} & event.keys():
        raise InvalidEventError(
            Problem("", "not an OpenLineage event: it has no run and job (a run event), job or dataset")
        )
    kind = _kind(event)
    validator = _validator(CORE_SCHEMA) if kind is None else _validator(CORE_SCHEMA, _DEFINITIONS[kind])
    _first_error(validator, event)
    if kind is None:  # valid under the oneOf all the same: which one did it match?
        kind = "job" if _validator(CORE_SCHEMA, "JobEvent").is_valid(event) else "dataset"
    time = event_time(event["eventTime"])
    if kind == "run":
        run = event["run"]
        run_id(run["runId"], "/run/runId")
        _facets(run.get("facets"), RUN_FACET_SCHEMAS, ("run", "facets"))
        parent = (run.get("facets") or {}).get("parent")
        if parent is not None:
            run_id(parent["run"]["runId"], "/run/facets/parent/run/runId")
    if kind in ("run", "job"):
        _facets(event["job"].get("facets"), JOB_FACET_SCHEMAS, ("job", "facets"))
        _datasets(event, "inputs")
        _datasets(event, "outputs")
    else:
        _facets(event["dataset"].get("facets"), DATASET_FACET_SCHEMAS, ("dataset", "facets"), deletable=True)
    return Event(kind, time, event)
