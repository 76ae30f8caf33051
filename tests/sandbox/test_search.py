"""The sandbox's Search over trial components: full records, filters, sort and paging, over HTTP."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError


def search_all(client: Any, **params: Any) -> list[dict[str, Any]]:
    return [
        r["TrialComponent"]
        for page in client.get_paginator("search").paginate(Resource="ExperimentTrialComponent", **params)
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
