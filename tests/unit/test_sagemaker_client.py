"""Paging, retry and error mapping of the SageMaker client, with botocore's Stubber (no network)."""

from __future__ import annotations

import pytest
from botocore.stub import Stubber

from lineage_graph.errors import AwsError, SageMakerThrottledError
from lineage_graph.sagemaker import kinds
from lineage_graph.sagemaker.client import AccessDeniedError, RetryTiming, SageMakerApi
from lineage_graph.sagemaker.crawl import Crawler
from lineage_graph.settings import AwsSettings

SLEEPS: list[float] = []


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> SageMakerApi:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    SLEEPS.clear()
    return SageMakerApi(AwsSettings(region="us-east-1"), max_attempts=3, retry_timing=RetryTiming(sleep=SLEEPS.append))


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


def _budgeted(monkeypatch: pytest.MonkeyPatch, budget: float) -> SageMakerApi:
    """A client with the default attempts: throttling retried until the waits add up to ``budget`` s."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    SLEEPS.clear()
    timing = RetryTiming(multiplier=1.0, max_wait=1.0, throttle_budget=budget, sleep=SLEEPS.append)
    return SageMakerApi(AwsSettings(region="us-east-1"), retry_timing=timing)


def test_throttling_is_retried_past_the_server_error_attempts_while_the_budget_lasts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Once botocore's retry quota is spent every attempt is one request: ten throttles in a row must not
    end a call that six server errors would end."""
    api = _budgeted(monkeypatch, budget=300.0)
    with Stubber(api.client) as stub:
        for _ in range(10):
            stub.add_client_error("list_actions", service_error_code="ThrottlingException", http_status_code=400)
        stub.add_response("list_actions", {"ActionSummaries": []})
        assert api.call("ListActions") == {"ActionSummaries": []}
        stub.assert_no_pending_responses()
    assert api.api_calls() == {"ListActions": 11}


def test_throttling_gives_up_once_the_waits_add_up_to_the_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    api = _budgeted(monkeypatch, budget=3.0)
    with Stubber(api.client) as stub:
        for _ in range(200):
            stub.add_client_error("list_actions", service_error_code="ThrottlingException", http_status_code=400)
        with pytest.raises(SageMakerThrottledError, match="SageMaker kept throttling ListActions"):
            api.call("ListActions")
    assert sum(SLEEPS) >= 3.0 and sum(SLEEPS[:-1]) < 3.0  # the last wait crossed the budget, none after it
    assert api.api_calls()["ListActions"] == len(SLEEPS) + 1 < 200


def test_server_errors_give_up_after_six_by_default_whatever_throttles_come_between(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    api = _budgeted(monkeypatch, budget=300.0)
    with Stubber(api.client) as stub:
        for _ in range(6):
            stub.add_client_error("list_actions", service_error_code="ThrottlingException", http_status_code=400)
            stub.add_client_error("list_actions", service_error_code="InternalFailure", http_status_code=500)
        with pytest.raises(AwsError, match="kept failing ListActions with InternalFailure"):
            api.call("ListActions")
        stub.assert_no_pending_responses()


def test_throttling_gives_up_after_max_attempts(api: SageMakerApi) -> None:
    with Stubber(api.client) as stub:
        for _ in range(3):
            stub.add_client_error("list_actions", service_error_code="ThrottlingException", http_status_code=400)
        with pytest.raises(SageMakerThrottledError, match="SageMaker kept throttling ListActions") as caught:
            api.call("ListActions")
        assert caught.value.exit_code == 10
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


def test_tenacity_backoff_is_injectable_and_jittered_exponential(api: SageMakerApi) -> None:
    with Stubber(api.client) as stub:
        for _ in range(3):
            stub.add_client_error("list_actions", service_error_code="ThrottlingException", http_status_code=400)
        with pytest.raises(SageMakerThrottledError, match="SageMaker kept throttling ListActions") as caught:
            api.call("ListActions")
        assert caught.value.exit_code == 10
    # two waits between three attempts, each within its exponential window (0.5 s doubling), none slept
    assert len(SLEEPS) == 2
    assert 0 <= SLEEPS[0] <= 1.0
    assert 0 <= SLEEPS[1] <= 2.0


def test_retry_timing_scale_shrinks_the_tenacity_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    sleeps: list[float] = []
    api = SageMakerApi(
        AwsSettings(region="us-east-1"), max_attempts=4, retry_timing=RetryTiming(scale=0.001, sleep=sleeps.append)
    )
    with Stubber(api.client) as stub:
        for _ in range(4):
            stub.add_client_error("list_actions", service_error_code="InternalFailure", http_status_code=500)
        with pytest.raises(Exception, match="InternalFailure"):
            api.call("ListActions")
    assert len(sleeps) == 3
    assert all(0 <= s <= 0.02 for s in sleeps)


def test_access_denied_is_an_aws_error_naming_operation_and_permission(api: SageMakerApi) -> None:
    with Stubber(api.client) as stub:
        stub.add_client_error("list_actions", service_error_code="AccessDeniedException", http_status_code=400)
        with pytest.raises(AccessDeniedError) as caught:
            api.call("ListActions")
    assert isinstance(caught.value, AwsError)
    assert (caught.value.operation, caught.value.permission) == ("ListActions", "sagemaker:ListActions")


def test_a_denied_listing_yields_nothing_and_is_recorded_the_next_goes_on(api: SageMakerApi) -> None:
    crawler = Crawler(api)
    with Stubber(api.client) as stub:
        stub.add_client_error("list_actions", service_error_code="AccessDeniedException", http_status_code=400)
        stub.add_response("list_artifacts", {"ArtifactSummaries": [_artifact(1)]})
        assert list(crawler.records(kinds.ACTION)) == []
        assert [a["ArtifactArn"] for a in crawler.records(kinds.ARTIFACT)] == [_artifact(1)["ArtifactArn"]]
        stub.assert_no_pending_responses()
    assert crawler.denied == {"ListActions": "sagemaker:ListActions"}


def test_a_denied_describe_inside_a_listing_names_the_describe_permission(api: SageMakerApi) -> None:
    crawler = Crawler(api)
    with Stubber(api.client) as stub:
        stub.add_response("list_contexts", {"ContextSummaries": [{"ContextName": "c1"}]})
        stub.add_client_error("describe_context", service_error_code="AccessDeniedException", http_status_code=400)
        assert list(crawler.records(kinds.CONTEXT)) == []
    assert crawler.denied == {"DescribeContext": "sagemaker:DescribeContext"}


def test_other_errors_still_stop_a_listing(api: SageMakerApi) -> None:
    crawler = Crawler(api)
    with Stubber(api.client) as stub:
        stub.add_client_error("list_actions", service_error_code="ValidationException", http_status_code=400)
        with pytest.raises(Exception, match="ValidationException"):
            list(crawler.records(kinds.ACTION))
    assert crawler.denied == {}


def test_lost_connections_are_retried_by_tenacity_then_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    """A port nobody listens on: every attempt is made, then one readable error."""
    import socket

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again below: connections are refused
    sleeps: list[float] = []
    api = SageMakerApi(
        AwsSettings(region="us-east-1", endpoint_url=f"http://127.0.0.1:{port}"),
        max_attempts=3,
        retry_timing=RetryTiming(scale=0.001, sleep=sleeps.append),
    )
    with pytest.raises(AwsError, match=f"cannot reach SageMaker at http://127.0.0.1:{port}"):
        api.call("ListArtifacts")
    assert api.api_calls() == {"ListArtifacts": 3}
    assert len(sleeps) == 2
