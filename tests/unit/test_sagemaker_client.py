"""Paging, retry and error mapping of the SageMaker client, with botocore's Stubber (no network)."""

from __future__ import annotations

import pytest
from botocore.stub import Stubber

from lineage_graph.errors import AwsError
from lineage_graph.sagemaker.client import SageMakerApi
from lineage_graph.settings import AwsSettings


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> SageMakerApi:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    return SageMakerApi(AwsSettings(region="us-east-1"), max_attempts=3)


def _artifact(n: int) -> dict[str, object]:
    return {"ArtifactArn": f"arn:aws:sagemaker:us-east-1:123456789012:artifact/{n:032x}", "ArtifactType": "DataSet"}


def test_paginate_follows_next_token_to_the_end(api: SageMakerApi) -> None:
    with Stubber(api.client) as stub:
        stub.add_response(
            "list_artifacts", {"ArtifactSummaries": [_artifact(1), _artifact(2)], "NextToken": "t1"}, {"MaxResults": 2}
        )
        stub.add_response(
            "list_artifacts",
            {"ArtifactSummaries": [_artifact(3)], "NextToken": "t2"},
            {"MaxResults": 2, "NextToken": "t1"},
        )
        stub.add_response("list_artifacts", {"ArtifactSummaries": []}, {"MaxResults": 2, "NextToken": "t2"})
        items = list(api.paginate("ListArtifacts", "ArtifactSummaries", MaxResults=2, SourceUri=None))
        stub.assert_no_pending_responses()
    assert [i["ArtifactArn"][-1] for i in items] == ["1", "2", "3"]
    assert api.api_calls() == {"ListArtifacts": 3}


def test_throttling_is_retried_then_succeeds(api: SageMakerApi) -> None:
    with Stubber(api.client) as stub:
        stub.add_client_error("list_contexts", service_error_code="ThrottlingException", http_status_code=400)
        stub.add_response("list_contexts", {"ContextSummaries": []})
        assert api.call("ListContexts") == {"ContextSummaries": []}
        stub.assert_no_pending_responses()


def test_throttling_gives_up_after_max_attempts(api: SageMakerApi) -> None:
    with Stubber(api.client) as stub:
        for _ in range(3):
            stub.add_client_error("list_actions", service_error_code="ThrottlingException", http_status_code=400)
        with pytest.raises(Exception, match="ThrottlingException"):
            api.call("ListActions")
        stub.assert_no_pending_responses()


def test_access_denied_names_the_missing_permission(api: SageMakerApi) -> None:
    with Stubber(api.client) as stub:
        stub.add_client_error("list_associations", service_error_code="AccessDeniedException", http_status_code=400)
        with pytest.raises(AwsError, match="sagemaker:ListAssociations"):
            api.call("ListAssociations")


def test_validation_errors_are_not_retried(api: SageMakerApi) -> None:
    with Stubber(api.client) as stub:
        stub.add_client_error("describe_context", service_error_code="ResourceNotFound", http_status_code=400)
        with pytest.raises(Exception, match="ResourceNotFound"):
            api.call("DescribeContext", ContextName="gone")
        stub.assert_no_pending_responses()
