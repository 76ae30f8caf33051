"""The sandbox's Search over trial components and trials: full records, filters, sort and paging, over HTTP."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError


def search_all(client: Any, resource: str = "ExperimentTrialComponent", **params: Any) -> list[dict[str, Any]]:
    member = {"ExperimentTrialComponent": "TrialComponent", "ExperimentTrial": "Trial"}[resource]
    return [
        r[member]
        for page in client.get_paginator("search").paginate(Resource=resource, **params)
        for r in page["Results"]
    ]


@pytest.fixture
def account(sagemaker_client: Any) -> Any:
    sagemaker_client.create_experiment(ExperimentName="exp")
    sagemaker_client.create_trial(TrialName="trial-a", ExperimentName="exp")
    for i in range(25):
        sagemaker_client.create_trial_component(
            TrialComponentName=f"tc-{i:02d}",
            Parameters={"lr": {"NumberValue": i / 100}},
            Tags=[{"Key": "team", "Value": "even" if i % 2 == 0 else "odd"}],
        )
    sagemaker_client.associate_trial_component(TrialComponentName="tc-03", TrialName="trial-a")
    return sagemaker_client


def test_search_returns_full_records_with_parents_and_tags(account: Any) -> None:
    found = {r["TrialComponentName"]: r for r in search_all(account)}
    assert len(found) == 25
    assert found["tc-03"]["Parents"] == [{"TrialName": "trial-a", "ExperimentName": "exp"}]
    assert found["tc-04"]["Parameters"] == {"lr": {"NumberValue": 0.04}}
    assert found["tc-04"]["Tags"] == [{"Key": "team", "Value": "even"}]


def test_search_pages_at_most_max_results_and_sorts(account: Any) -> None:
    first = account.search(
        Resource="ExperimentTrialComponent", MaxResults=10, SortBy="TrialComponentName", SortOrder="Ascending"
    )
    assert [r["TrialComponent"]["TrialComponentName"] for r in first["Results"]] == [f"tc-{i:02d}" for i in range(10)]
    assert first["NextToken"]
    default = search_all(account)  # LastModifiedTime, Descending
    times = [r["LastModifiedTime"] for r in default]
    assert times == sorted(times, reverse=True)


def test_search_filters_by_last_modified_time_and_tags(account: Any) -> None:
    time.sleep(1.1)
    cutoff = datetime.now(UTC)
    account.update_trial_component(TrialComponentName="tc-07", DisplayName="changed")
    changed = search_all(
        account,
        SearchExpression={
            "Filters": [{"Name": "LastModifiedTime", "Operator": "GreaterThanOrEqualTo", "Value": cutoff.isoformat()}]
        },
    )
    assert [r["TrialComponentName"] for r in changed] == ["tc-07"]
    odd = search_all(
        account, SearchExpression={"Filters": [{"Name": "Tags.team", "Operator": "Equals", "Value": "odd"}]}
    )
    assert sorted(r["TrialComponentName"] for r in odd) == [f"tc-{i:02d}" for i in range(1, 25, 2)]
    either = search_all(
        account,
        SearchExpression={
            "Operator": "Or",
            "Filters": [
                {"Name": "TrialComponentName", "Operator": "Equals", "Value": "tc-01"},
                {"Name": "Parents.TrialName", "Operator": "Equals", "Value": "trial-a"},
            ],
        },
    )
    assert sorted(r["TrialComponentName"] for r in either) == ["tc-01", "tc-03"]


def test_search_rejects_bad_input(account: Any) -> None:
    with pytest.raises(ClientError) as err:
        account.search(Resource="ExperimentTrialComponent", MaxResults=101)
    assert err.value.response["Error"]["Code"] == "ValidationException"


def test_search_finds_trials_with_their_experiment_and_trial_components(account: Any) -> None:
    account.create_experiment(ExperimentName="exp-b")
    account.create_trial(TrialName="trial-b", ExperimentName="exp-b", Tags=[{"Key": "team", "Value": "b"}])
    found = {t["TrialName"]: t for t in search_all(account, "ExperimentTrial")}
    assert sorted(found) == ["trial-a", "trial-b"]
    assert found["trial-a"]["ExperimentName"] == "exp" and found["trial-b"]["ExperimentName"] == "exp-b"
    assert [c["TrialComponentName"] for c in found["trial-a"]["TrialComponentSummaries"]] == ["tc-03"]
    assert found["trial-b"]["TrialComponentSummaries"] == []
    assert found["trial-b"]["Tags"] == [{"Key": "team", "Value": "b"}]


def test_search_filters_trials_by_creation_time_alone_and_within_an_or(account: Any) -> None:
    time.sleep(1.1)
    cutoff = {"Name": "CreationTime", "Operator": "GreaterThanOrEqualTo", "Value": datetime.now(UTC).isoformat()}
    for name in ("trial-late-1", "trial-late-2"):
        account.create_trial(TrialName=name, ExperimentName="exp")
    newer = search_all(
        account, "ExperimentTrial", SearchExpression={"Filters": [cutoff]}, SortBy="CreationTime", SortOrder="Ascending"
    )
    assert [t["TrialName"] for t in newer] == ["trial-late-1", "trial-late-2"]
    # An Or keeps what fails the time filter but passes another (the time filter is not applied alone).
    either = search_all(
        account,
        "ExperimentTrial",
        SearchExpression={
            "Operator": "Or",
            "Filters": [cutoff, {"Name": "TrialName", "Operator": "Equals", "Value": "trial-a"}],
        },
    )
    assert sorted(t["TrialName"] for t in either) == ["trial-a", "trial-late-1", "trial-late-2"]
    both = search_all(
        account,
        "ExperimentTrial",
        SearchExpression={"Filters": [cutoff, {"Name": "TrialName", "Operator": "Equals", "Value": "trial-late-2"}]},
    )
    assert [t["TrialName"] for t in both] == ["trial-late-2"]
