"""lineage_graph.openlineage.schema: events and their facets checked against the vendored spec, offline."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from openlineage.client.event_v2 import Job, Run, RunEvent, RunState
from openlineage.client.generated import parent_run, symlinks_dataset
from openlineage.client.serde import Serde

from lineage_graph.openlineage.schema import known_schema, registry, validate

RUN_ID = "0190a1b2-0000-7000-8000-000000000001"


def run_event() -> dict[str, Any]:
    """A run event as the client writes it, with a facet whose schema is vendored."""
    event = RunEvent(
        eventType=RunState.START,
        eventTime="2026-12-07T09:00:00+00:00",
        run=Run(
            runId=RUN_ID,
            facets={
                "parent": parent_run.ParentRunFacet(
                    run=parent_run.Run(runId=RUN_ID), job=parent_run.Job(namespace="airflow", name="dag")
                )
            },
        ),
        job=Job(namespace="spark", name="etl"),
        producer="https://example.com/producer",
    )
    return dict(json.loads(Serde.to_json(event)))


def test_a_valid_event_has_no_reasons() -> None:
    assert validate(run_event()) == []


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda e: e.pop("eventTime"), "event: 'eventTime' is a required property"),
        (lambda e: e.update(eventTime="yesterday"), "event.eventTime: 'yesterday' is not a 'date-time'"),
        (lambda e: e["run"].update(runId="42"), "event.run.runId: '42' is not a 'uuid'"),
        (lambda e: e.update(eventType="DONE"), "event.eventType: 'DONE' is not one of"),
        (lambda e: e["job"].pop("name"), "event.job: 'name' is a required property"),
        # Only the facet's own schema knows these: OpenLineage.json takes any object as a facet.
        (
            lambda e: e["run"]["facets"]["parent"]["run"].update(runId="x"),
            "run.facets.parent.run.runId: 'x' is not a 'uuid'",
        ),
        (lambda e: e["run"]["facets"]["parent"].pop("job"), "run.facets.parent: 'job' is a required property"),
    ],
)
def test_each_break_is_a_reason_that_says_where(change: Any, reason: str) -> None:
    event = run_event()
    change(event)
    reasons = validate(event)
    assert len(reasons) == 1 and reasons[0].startswith(reason), reasons


def test_dataset_and_job_events_are_checked_as_what_they_are() -> None:
    base = {k: v for k, v in run_event().items() if k in ("eventTime", "producer")}
    dataset_event = {
        **base,
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
        "dataset": {"namespace": "s3://b", "name": "k"},
    }
    assert validate(dataset_event) == []
    assert validate({**dataset_event, "dataset": {"namespace": "s3://b"}}) == [
        "event.dataset: 'name' is a required property"
    ]
    job_event = {**base, "schemaURL": dataset_event["schemaURL"], "job": {"namespace": "n"}}
    assert validate(job_event) == ["event.job: 'name' is a required property"]


def test_a_dataset_facet_is_checked_against_its_schema() -> None:
    event = run_event()
    symlinks = symlinks_dataset.SymlinksDatasetFacet(
        identifiers=[symlinks_dataset.Identifier(namespace="arn:aws:glue:us-east-1:1", name="table/db/t", type="TABLE")]
    )
    facet = json.loads(Serde.to_json(symlinks))
    event["inputs"] = [{"namespace": "s3://b", "name": "k", "facets": {"symlinks": facet}}]
    assert validate(event) == []
    broken = copy.deepcopy(event)
    del broken["inputs"][0]["facets"]["symlinks"]["identifiers"][0]["type"]
    assert validate(broken) == ["inputs[0].facets.symlinks.identifiers[0]: 'type' is a required property"]


def test_a_facet_without_a_vendored_schema_is_a_reason_only_when_strict() -> None:
    event = run_event()
    event["run"]["facets"]["custom"] = {
        "_producer": "https://example.com",
        "_schemaURL": "https://example.com/CustomFacet.json#/$defs/CustomFacet",
    }
    assert validate(event) == []
    assert validate(event, strict_facets=True) == [
        "run.facets.custom: no vendored schema for _schemaURL 'https://example.com/CustomFacet.json#/$defs/CustomFacet'"
    ]
    event["run"]["facets"]["custom"] = "not an object"
    assert validate(event) == ["event.run.facets.custom: 'not an object' is not of type 'object'"]


def test_not_an_object() -> None:
    assert validate([run_event()]) == ["an event is a JSON object, not list"]


def test_every_vendored_schema_resolves_offline() -> None:
    """Each file's $id is known, and every $ref in it resolves to a vendored file (no network)."""
    ids = list(registry())
    assert "https://openlineage.io/spec/2-0-2/OpenLineage.json" in ids
    for schema_id in ids:
        text = json.dumps(registry().contents(schema_id))
        for ref in {part.split('"')[0] for part in text.split('"$ref": "')[1:]}:
            target = ref.partition("#")[0] or schema_id
            assert known_schema(target), f"{schema_id} refers to {ref}, not vendored"


def test_a_schema_url_to_a_definition_not_vendored_is_unknown() -> None:
    """Known means resolvable, fragment included: a wrong one is no schema to check, not a crash."""
    parent = "https://openlineage.io/spec/facets/1-2-0/ParentRunFacet.json"
    assert known_schema(f"{parent}#/$defs/ParentRunFacet") and known_schema(parent)
    assert not known_schema(f"{parent}#/$defs/NoSuchFacet")
    # Resolvable, but a map of definitions, not a schema: checking a facet against it would be meaningless.
    assert not known_schema(f"{parent}#/$defs")
    event = run_event()
    event["run"]["facets"]["custom"] = {"_producer": "https://example.com", "_schemaURL": f"{parent}#/$defs/Nope"}
    assert validate(event) == []
    assert validate(event, strict_facets=True) == [
        f"run.facets.custom: no vendored schema for _schemaURL '{parent}#/$defs/Nope'"
    ]


def test_a_deleted_dataset_facet_is_no_reason() -> None:
    event = run_event()
    symlinks = "https://openlineage.io/spec/facets/1-0-1/SymlinksDatasetFacet.json#/$defs/SymlinksDatasetFacet"
    deleted = {"_producer": "https://example.com", "_schemaURL": symlinks, "_deleted": True}
    event["inputs"] = [{"namespace": "s3://b", "name": "k", "facets": {"symlinks": deleted}}]
    assert validate(event) == []
