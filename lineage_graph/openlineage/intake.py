"""OpenLineage events as producers send them, parsed and checked against the spec's JSON schema.

A body is one event (what the official client's HTTP transport posts) or a JSON array of events. Each
event is validated against the vendored schema (``schema/``, draft 2020-12, every ``$ref`` resolved from
those files: nothing is fetched), then each facet against its own (``schema.facet_schemas``: the ones the
graph reads, and any whose ``_schemaURL`` is vendored), a compiled check first (``fastcheck``). What the
graph orders events by is checked here too, because the schema's ``format`` keywords are annotations here:
``eventTime`` must be an RFC 3339 date-time with an offset, and run IDs must be UUIDs.

A problem is reported as the JSON pointer (RFC 6901) of the failing field and a sentence, so a producer
sees at once what to fix.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import orjson
from jsonschema.exceptions import best_match

from lineage_graph.openlineage import schema
from lineage_graph.openlineage.schema import Where

EventKind = Literal["run", "job", "dataset"]
_KINDS: dict[str, EventKind] = {"RunEvent": "run", "JobEvent": "job", "DatasetEvent": "dataset"}

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


def _first_error(url: str, instance: Any, prefix: Where = ()) -> None:
    """Raise the most relevant error of ``instance`` under the schema at ``url``; the compiled check first."""
    checked = schema.compiled(url)
    if checked.fast(instance):
        return
    error = best_match(checked.validator.iter_errors(instance))
    if error is not None:
        raise InvalidEventError(Problem(pointer((*prefix, *error.absolute_path)), schema.message(error)))


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


def validate(event: Any) -> Event:
    """The event, checked; raises InvalidEventError naming the first failing field."""
    problem = schema.shape_problem(event)
    if problem is not None:
        raise InvalidEventError(Problem("", problem))
    definition = schema.definition(event)
    _first_error(schema.event_url(definition), event)
    if definition is None:  # valid under the oneOf all the same: which one did it match?
        definition = "JobEvent" if schema.compiled(schema.event_url("JobEvent")).is_valid(event) else "DatasetEvent"
    kind = _KINDS[definition]
    time = event_time(event["eventTime"])
    if kind == "run":
        run_id(event["run"]["runId"], "/run/runId")
    for where, holder, facet in schema.facets(event):
        for url in schema.facet_schemas(holder, str(where[-1]), facet):
            _first_error(url, facet, where)
    if kind == "run":
        parent = (event["run"].get("facets") or {}).get("parent")
        if parent is not None:
            run_id(parent["run"]["runId"], "/run/facets/parent/run/runId")
    return Event(kind, time, event)
