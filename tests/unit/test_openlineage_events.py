"""lineage_graph.openlineage.events: a trial component's row as OpenLineage runs, events and dataset names."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from openlineage.client.serde import Serde

from lineage_graph.graph.naming import Location
from lineage_graph.openlineage.events import TrialComponentRun, dataset_of, dataset_of_uri, parent_of, run_id
from lineage_graph.openlineage.schema import validate

ACCOUNT = "arn:aws:sagemaker:us-east-1:123456789012"
TC = f"{ACCOUNT}:experiment-trial-component/churn-train-aws-training-job"
JOB = f"{ACCOUNT}:training-job/churn-train"
EXECUTION = f"{ACCOUNT}:pipeline/churn/execution/abc123"
T0 = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


def row(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "arn": TC,
        "status": "Completed",
        "source_arn": JOB,
        "source_type": "SageMakerTrainingJob",
        "start_time": T0 + timedelta(minutes=1),
        "end_time": T0 + timedelta(minutes=9),
        "created_at": T0,
        "modified_at": T0 + timedelta(minutes=10),
        "inputs": [
            {"arn": f"{ACCOUNT}:artifact/a1", "source_uri": "s3://raw/customers/"},
            {"arn": f"{ACCOUNT}:artifact/a2", "source_uri": "683313688378.dkr.ecr.us-east-1.amazonaws.com/xgb:1.7-1"},
        ],
        "outputs": [{"arn": f"{ACCOUNT}:artifact/m1", "source_uri": "s3://models/churn/model.tar.gz"}],
        "input_values": ["s3://raw/customers", "not a uri"],
        "output_values": [],
        "executions": [],
    }
    return base | changes


def events(**changes: Any) -> list[dict[str, Any]]:
    return [json.loads(Serde.to_json(e)) for e in TrialComponentRun.from_row(row(**changes)).events()]


def test_run_ids_are_stable_time_ordered_uuidv7_and_differ_by_arn() -> None:
    first = run_id(TC, T0)
    assert first == run_id(TC, T0) and first.version == 7
    assert run_id(TC.replace("churn", "fraud"), T0) != first
    assert run_id(TC, T0 + timedelta(seconds=1)) > first  # v7: ordered by the instant
    assert int(first.hex[:12], 16) == int(T0.timestamp() * 1000)


def test_a_completed_training_job_is_a_start_and_a_complete_at_its_times() -> None:
    start, complete = events()
    assert [start["eventType"], complete["eventType"]] == ["START", "COMPLETE"]
    assert (start["eventTime"], complete["eventTime"]) == ("2026-12-07T08:01:00+00:00", "2026-12-07T08:09:00+00:00")
    assert start["run"]["runId"] == complete["run"]["runId"] == str(run_id(TC, T0))
    assert start["job"]["namespace"] == ACCOUNT and start["job"]["name"] == "training-job/churn-train"
    job_type = start["job"]["facets"]["jobType"]
    assert (job_type["jobType"], job_type["integration"], job_type["processingType"]) == (
        "TRAINING",
        "SAGEMAKER",
        "BATCH",
    )
    assert [(d["namespace"], d["name"]) for d in start["inputs"]] == [
        ("oci://683313688378.dkr.ecr.us-east-1.amazonaws.com", "xgb:1.7-1"),
        ("s3://raw", "customers"),  # the association and the input.* value name one dataset: once
    ]
    assert [(d["namespace"], d["name"]) for d in start["outputs"]] == [("s3://models", "churn/model.tar.gz")]
    assert "parent" not in start["run"]["facets"]
    for event in (start, complete):
        assert validate(event, strict_facets=True) == []


@pytest.mark.parametrize(
    ("status", "types"),
    [
        ("Failed", ["START", "FAIL"]),
        ("Stopped", ["START", "ABORT"]),
        ("InProgress", ["START"]),
        ("Stopping", ["START"]),
        (None, ["START"]),
    ],
)
def test_the_status_says_which_events(status: str | None, types: list[str]) -> None:
    assert [e["eventType"] for e in events(status=status)] == types


def test_missing_times_fall_back_to_creation_and_modification() -> None:
    start, end = events(start_time=None, end_time=None)
    assert (start["eventTime"], end["eventTime"]) == ("2026-12-07T08:00:00+00:00", "2026-12-07T08:10:00+00:00")


def test_a_trial_component_without_a_job_is_a_job_of_its_own() -> None:
    start, _ = events(source_arn=None, source_type=None)
    assert (start["job"]["namespace"], start["job"]["name"]) == (
        ACCOUNT,
        "experiment-trial-component/churn-train-aws-training-job",
    )
    assert start["job"]["facets"]["jobType"]["jobType"] == "TRIAL_COMPONENT"
    assert events(source_type="SageMakerAutoMLJob")[0]["job"]["facets"]["jobType"]["jobType"] == "AUTO_ML"


def test_the_parent_is_the_newest_execution_that_ran_the_job() -> None:
    cached = {
        "arn": f"{ACCOUNT}:pipeline/churn/execution/later",
        "start_time": T0 + timedelta(days=1),
        "cache_hit": True,
    }
    ran = {"arn": EXECUTION, "start_time": T0, "cache_hit": False}
    assert parent_of([cached, ran]) == parent_of([ran])
    assert parent_of([cached]) is not None and parent_of([]) is None
    start, complete = events(executions=[cached, ran])
    parent = start["run"]["facets"]["parent"]
    assert parent["run"]["runId"] == str(run_id(EXECUTION, T0)) == parent["root"]["run"]["runId"]
    assert (parent["job"]["namespace"], parent["job"]["name"]) == (ACCOUNT, "pipeline/churn")
    assert complete["run"]["facets"]["parent"] == parent
    assert validate(start, strict_facets=True) == []


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("s3://acme-ml-raw/crm/customers/", Location("s3://acme-ml-raw", "crm/customers")),
        ("s3a://bucket", Location("s3://bucket", "/")),
        (f"{ACCOUNT}:model-package/churn-models/3", Location(ACCOUNT, "model-package/churn-models/3")),
        (
            "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1",
            Location("oci://683313688378.dkr.ecr.us-east-1.amazonaws.com", "sagemaker-xgboost:1.7-1"),
        ),
        ("registry.local:5000/team/img@sha256:ab12", Location("oci://registry.local:5000", "team/img@sha256:ab12")),
        ("gs://bucket/path/file.csv", Location("gs://bucket", "path/file.csv")),
        ("https://example.com/data/x.json", Location("https://example.com", "data/x.json")),
        ("just-a-name", None),
        ("", None),
    ],
)
def test_dataset_names(uri: str, expected: Location | None) -> None:
    assert dataset_of_uri(uri) == expected


def test_an_artifact_without_a_readable_uri_is_named_by_its_arn() -> None:
    assert dataset_of(None, f"{ACCOUNT}:artifact/abc") == Location(ACCOUNT, "artifact/abc")
    assert dataset_of("v1", f"{ACCOUNT}:artifact/abc") == Location(ACCOUNT, "artifact/abc")


def test_run_id_of_an_entity_with_no_time_is_still_stable() -> None:
    assert run_id(TC, None) == run_id(TC, None) == UUID(str(run_id(TC, None)))


def test_the_openlineage_side_never_imports_the_sagemaker_side() -> None:
    """lineage_graph.openlineage shares lineage_graph.graph with the crawler, never lineage_graph.sagemaker."""
    code = (
        "import sys, lineage_graph.openlineage.export, lineage_graph.openlineage.schema; "
        "print([m for m in sys.modules if m.startswith(('lineage_graph.sagemaker', 'boto3'))])"
    )
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "[]\n"
