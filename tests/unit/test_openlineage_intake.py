"""OpenLineage events are checked against the vendored schema, and refused with the failing field's pointer."""

from __future__ import annotations

import copy
import itertools
import random
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fixtures.openlineage_events import as_dicts, scenario

from lineage_graph.openlineage import schema
from lineage_graph.openlineage.intake import InvalidEventError, parse_body, validate
from lineage_graph.openlineage.transform import MAX_FACET_FIELDS, RunRow, facets_of, flatten_facet


def test_the_clients_run_dataset_and_job_events_are_valid() -> None:
    kinds = [validate(e).kind for e in as_dicts(scenario())]
    assert kinds == ["run", "run", "run", "dataset", "job"]


def _broken(change: Callable[[dict[str, Any]], Any], which: int = 0) -> dict[str, Any]:
    event = as_dicts(scenario())[which]
    change(event)
    return event


@pytest.mark.parametrize(
    ("event", "pointer", "words"),
    [
        (_broken(lambda e: e.pop("eventTime")), "/", "'eventTime' is a required property"),
        (_broken(lambda e: e.update(eventTime="yesterday")), "/eventTime", "not an RFC 3339 date-time"),
        (_broken(lambda e: e.update(eventTime="2026-12-07T08:00:00")), "/eventTime", "with a time zone"),
        (_broken(lambda e: e.update(eventTime="2026-13-07T08:00:00Z")), "/eventTime", "not a valid date-time"),
        (_broken(lambda e: e.update(eventType="DONE")), "/eventType", "'DONE' is not one of"),
        (_broken(lambda e: e["run"].update(runId="run-1")), "/run/runId", "'run-1' is not a UUID"),
        (_broken(lambda e: e["job"].pop("name")), "/job", "'name' is a required property"),
        (_broken(lambda e: e["inputs"][0].pop("namespace")), "/inputs/0", "'namespace' is a required property"),
        (_broken(lambda e: e.update(outputs={"a": 1})), "/outputs", "is not of type 'array'"),
        (
            _broken(lambda e: e["inputs"][0]["facets"]["symlinks"]["identifiers"][0].pop("type")),
            "/inputs/0/facets/symlinks/identifiers/0",
            "'type' is a required property",
        ),
        (
            _broken(lambda e: e["outputs"][0]["facets"]["schema"].pop("_producer")),
            "/outputs/0/facets/schema",
            "'_producer' is a required property",
        ),
        (
            _broken(lambda e: e["run"]["facets"]["parent"]["run"].update(runId="nope")),
            "/run/facets/parent/run/runId",
            "not a UUID",
        ),
        (
            _broken(lambda e: e["run"]["facets"]["parent"]["job"].pop("namespace")),
            "/run/facets/parent/job",
            "'namespace' is a required property",
        ),
        (
            _broken(lambda e: e["job"]["facets"]["jobType"].pop("integration")),
            "/job/facets/jobType",
            "'integration' is a required property",
        ),
        (_broken(lambda e: e["dataset"].pop("name"), 3), "/dataset", "'name' is a required property"),
        (_broken(lambda e: e["job"].update(namespace=7), 4), "/job/namespace", "7 is not of type 'string'"),
        (_broken(lambda e: e.pop("job")), "/", "'job' is a required property"),
        (_broken(lambda e: (e.pop("job"), e.pop("run"))), "/", "not an OpenLineage event: it has no run and job"),
        (_broken(lambda e: e.update(dataset=e["outputs"][0]), 4), "/", "none (or more than one)"),
        ([1, 2], "/", "an event is a JSON object, not list"),
    ],
)
def test_an_invalid_event_names_the_failing_field(event: Any, pointer: str, words: str) -> None:
    with pytest.raises(InvalidEventError) as raised:
        validate(event)
    assert str(raised.value.problem).startswith(f"{pointer}: ")
    assert words in raised.value.problem.message


def test_a_body_is_one_event_or_an_array_of_them() -> None:
    assert parse_body(b'{"a": 1}') == [{"a": 1}]
    assert parse_body(b'[{"a": 1}, {"b": 2}]') == [{"a": 1}, {"b": 2}]
    for body, words in [(b"[]", "an empty array"), (b'{"a": ', "not JSON"), (b'{"a": NaN}', "not JSON")]:
        with pytest.raises(InvalidEventError, match=words):
            parse_body(body)


def _paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _paths(item, (*path, i))


def _mutations(event: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The event with every field in turn removed or replaced by a value of each JSON type."""
    for path in _paths(event):
        if not path:
            continue
        for replacement in (None, 1.5, True, "x", [1], {"_producer": 1}, "DELETE"):
            changed = copy.deepcopy(event)
            parent = changed
            for part in path[:-1]:
                parent = parent[part]
            if replacement == "DELETE":
                if isinstance(parent, dict):
                    del parent[path[-1]]
                else:
                    parent.pop(path[-1])
            else:
                parent[path[-1]] = replacement
            yield changed


def _fast_path_agrees(cases: Iterable[tuple[str, Any]]) -> tuple[int, int]:
    """How many (schema URL, instance) cases were checked and how many the compiled check passed, asserting
    that it says valid exactly when jsonschema does."""
    checked = passed = 0
    for url, instance in cases:
        checked_by = schema.compiled(url)
        fast = checked_by.fast(instance)
        assert fast == checked_by.validator.is_valid(instance), (url, instance)
        checked += 1
        passed += fast
    return checked, passed


def test_the_compiled_check_never_passes_what_jsonschema_refuses() -> None:
    """The fast path may only ever say valid when jsonschema says so (else jsonschema decides anyway)."""
    checked, passed = _fast_path_agrees(
        (schema.event_url(definition), mutated)
        for event in as_dicts(scenario())
        for mutated in _mutations(event)
        for definition in [None, "RunEvent", "JobEvent", "DatasetEvent"]
    )
    assert checked > 3000 and 0 < passed < checked


def test_facets_flatten_to_scalars_and_lists_of_one_type() -> None:
    facet = {
        "_producer": "p",
        "_schemaURL": "s",
        "a": {"b": 1, "c": {"d": "x"}, "none": None},
        "ids": [{"name": "a", "type": "T", "extra": 1}, {"name": "b", "type": "U"}],
        "nums": [1, 2.5],
        "mixed": [1, "a"],
        "nested": [[1]],
        "huge": 2**70,
        "flag": False,
        "empty": [],
    }
    assert flatten_facet("f", facet) == {
        "facet.f.a.b": 1,
        "facet.f.a.c.d": "x",
        "facet.f.ids.name": ["a", "b"],
        "facet.f.ids.type": ["T", "U"],
        "facet.f.nums": [1.0, 2.5],
        "facet.f.flag": False,
        "facet.f.empty": [],
    }
    assert flatten_facet("f", {"_deleted": True, "_producer": "p", "a": 1}) == {}
    wide = flatten_facet("plan", {f"k{i:04}": i for i in range(MAX_FACET_FIELDS + 50)})
    assert list(wide) == [f"facet.plan.k{i:04}" for i in range(MAX_FACET_FIELDS)]


def test_a_runs_state_times_do_not_depend_on_the_order_of_its_events() -> None:
    start = datetime(2026, 12, 7, tzinfo=UTC)
    seen = [
        ("START", start),
        ("START", start),
        ("RUNNING", start + timedelta(seconds=5)),
        ("OTHER", start + timedelta(seconds=99)),
        ("FAIL", start + timedelta(seconds=8)),
        ("COMPLETE", start + timedelta(seconds=9)),
    ]
    results = set()
    orders = list(itertools.permutations(seen))
    for order in random.Random(17).sample(orders, 120):
        row = RunRow("r", ("ns", "job"))
        for state, moment in order:
            row.observe(state, moment)
        results.add((row.state, row.started_at, row.ended_at, row.event_time))
    assert results == {("COMPLETE", start, start + timedelta(seconds=9), start + timedelta(seconds=99))}


def test_facet_versions_sort_as_their_times_whatever_the_year() -> None:
    early, late = datetime(5, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)
    assert facets_of({"f": {"a": 1}}, early)["f"].version < facets_of({"f": {"a": 1}}, late)["f"].version
    assert facets_of({"f": {"a": 1}}, late)["f"].version.startswith("2026-01-01T00:00:00.000000Z#")


def test_the_compiled_facet_checks_never_pass_what_jsonschema_refuses() -> None:
    """The facets' schemas take the fast path too: the same guarantee, over every field of each facet."""
    checked, passed = _fast_path_agrees(
        (url, mutated.get("facet"))
        for event in as_dicts(scenario())
        for where, holder, facet in schema.facets(event)
        for url in schema.facet_schemas(holder, str(where[-1]), facet)
        for mutated in _mutations({"facet": facet})
    )
    assert checked > 300 and 0 < passed < checked


def test_a_facet_is_checked_against_its_vendored_schema_and_a_read_one_against_its_own() -> None:
    tags = "https://openlineage.io/spec/facets/1-0-0/TagsRunFacet.json#/$defs/TagsRunFacet"
    event = _broken(lambda e: e["run"]["facets"].update(tags={"_producer": "p", "_schemaURL": tags, "tags": [{}]}))
    with pytest.raises(InvalidEventError, match=r"^/run/facets/tags/tags/0: 'key' is a required property"):
        validate(event)
    # A parent facet is the graph's to read whatever its _schemaURL says: it is still checked as a parent.
    event = _broken(lambda e: e["run"]["facets"]["parent"].update(_schemaURL=tags, run={}))
    with pytest.raises(InvalidEventError, match=r"^/run/facets/parent/run: 'runId' is a required property"):
        validate(event)


def test_a_deleted_dataset_facet_is_not_checked() -> None:
    deleted = {"_producer": "p", "_schemaURL": "https://example.com/x", "_deleted": True}
    event = _broken(lambda e: e["inputs"][0]["facets"].update(symlinks=deleted))
    assert validate(event).kind == "run"
