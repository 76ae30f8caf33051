"""AWS faults over HTTP: the sandbox injects throttling, 5xx, latency and access denied as AWS answers
them; real boto3 parses and retries them; a sync under faults ends with the same graph as a clean one.

The fault server is a second SandboxServer on the same in-process moto state as ``sandbox_url``, so
faults never leak into other tests.
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import botocore.exceptions
import pytest
from click.testing import CliRunner
from neo4j import Driver

from lineage_graph.cli import cli
from lineage_graph.errors import SageMakerThrottledError
from lineage_graph.graph import model
from lineage_graph.sagemaker import client as client_module
from lineage_graph.sagemaker.client import RetryTiming, SageMakerApi
from lineage_graph.sandbox.faults import CONTROL_PATH, FaultConfig, clear_faults, get_faults, set_faults
from lineage_graph.sandbox.seed import seed_demo
from lineage_graph.sandbox.server import SandboxServer, client_for, reset
from lineage_graph.settings import AwsSettings, Neo4jSettings

REGION = "us-east-1"
FAST = RetryTiming(scale=0.01)  # botocore's and tenacity's backoff at 1 %: a storm costs milliseconds


@pytest.fixture(scope="module")
def fault_server() -> Iterator[SandboxServer]:
    server = SandboxServer(port=0)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def faults(fault_server: SandboxServer) -> Iterator[SandboxServer]:
    """The fault server with no faults and zeroed counters, and the same again afterwards."""
    fault_server.set_faults(FaultConfig())
    fault_server.fault_injector.reset_counters()
    yield fault_server
    fault_server.set_faults(FaultConfig())


@pytest.fixture
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client_module, "DEFAULT_RETRY_TIMING", FAST)


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)


def env_for(url: str, neo4j: Neo4jSettings) -> dict[str, str]:
    return {
        "AWS_ENDPOINT_URL_SAGEMAKER": url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": REGION,
        "NEO4J_URI": neo4j.uri,
        "NEO4J_USERNAME": neo4j.username,
        "NEO4J_PASSWORD": neo4j.password,
        "NEO4J_DATABASE": neo4j.database,
    }


def sync(env: dict[str, str], *args: str) -> dict[str, Any]:
    result = CliRunner().invoke(cli, ["sync", "--format", "json", *args], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.stdout))


def empty(driver: Driver) -> None:
    driver.execute_query("MATCH (n) DETACH DELETE n", database_="neo4j")


def snapshot(driver: Driver) -> tuple[list[Any], list[Any]]:
    """Every node (labels, all properties) and every relationship (ends, type, all properties), sorted;
    only the sync's own bookkeeping (watermarks, runs, leases: no LineageEntity label) is left out."""
    nodes = driver.execute_query(
        f"MATCH (n:{model.ENTITY_LABEL}) RETURN labels(n) AS l, properties(n) AS p",
        database_="neo4j",
    ).records
    rels = driver.execute_query(
        f"MATCH (s:{model.ENTITY_LABEL})-[r]->(d:{model.ENTITY_LABEL}) "
        "RETURN s.arn AS s, type(r) AS t, d.arn AS d, properties(r) AS p",
        database_="neo4j",
    ).records
    return (
        sorted(((sorted(r["l"]), r["p"]) for r in nodes), key=repr),
        sorted(((r["s"], r["t"], r["d"], r["p"]) for r in rels), key=repr),
    )


@pytest.fixture(scope="module")
def demo_account(fault_server: SandboxServer) -> Iterator[None]:
    """The demo account, seeded once for the module with faults off (its ARNs are random); emptied after,
    since moto's state is shared with every other sandbox of the test session."""
    fault_server.set_faults(FaultConfig())
    reset(fault_server.url)
    seed_demo(client_for(fault_server.url, REGION))
    yield
    fault_server.set_faults(FaultConfig())
    reset(fault_server.url)


@pytest.fixture(scope="module")
def clean_sync(demo_account: None, fault_server: SandboxServer, neo4j_settings: Neo4jSettings) -> dict[str, Any]:
    """The reference: a sync of the demo account with no faults into an empty database."""
    from neo4j import GraphDatabase

    fault_server.set_faults(FaultConfig())
    with GraphDatabase.driver(neo4j_settings.uri, auth=(neo4j_settings.username, neo4j_settings.password)) as d:
        empty(d)
        report = sync(env_for(fault_server.url, neo4j_settings))
        return {"report": report, "snapshot": snapshot(d)}


# --- the sandbox's faults, as boto3 sees them -------------------------------------------------------------


def test_forced_throttling_is_a_well_formed_throttling_exception(faults: SandboxServer) -> None:
    faults.set_faults(throttle_rate=1.0)
    sagemaker = client_for(faults.url, REGION)
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        sagemaker.list_actions()
    response = caught.value.response
    assert response["Error"] == {"Code": "ThrottlingException", "Message": "Rate exceeded"}
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    headers = response["ResponseMetadata"]["HTTPHeaders"]
    assert headers["x-amzn-errortype"].startswith("ThrottlingException:")
    assert headers["content-type"] == "application/x-amz-json-1.1"
    assert response["ResponseMetadata"]["RequestId"]


def test_botocore_classifies_and_retries_the_throttling_then_tenacity_retries_again(
    faults: SandboxServer, aws_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """3 botocore attempts x 2 tenacity attempts, all throttled: each counted as throttling by botocore's
    own ThrottlingErrorDetector, each one HTTP request the sandbox answered with a throttle."""
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "3")
    faults.set_faults(throttle_rate=1.0)
    api = SageMakerApi(AwsSettings(REGION, endpoint_url=faults.url), max_attempts=2, retry_timing=FAST)
    with pytest.raises(SageMakerThrottledError, match="kept throttling ListActions: 6 throttled responses in 6"):
        api.call("ListActions")
    assert api.api_calls() == {"ListActions": 2}
    assert dict(api.attempts) == {"ListActions": 6}
    assert api.api_throttles() == {"ListActions": 6}
    assert faults.fault_counters()["throttled"] == 6


def test_server_errors_are_500_internal_failure_or_503_service_unavailable_and_retried(
    faults: SandboxServer, aws_env: None
) -> None:
    faults.set_faults(error_rate=1.0, seed=3)
    sagemaker = client_for(faults.url, REGION)
    seen = set()
    for _ in range(12):
        with pytest.raises(botocore.exceptions.ClientError) as caught:
            sagemaker.list_contexts()
        error = caught.value.response
        seen.add((error["ResponseMetadata"]["HTTPStatusCode"], error["Error"]["Code"]))
    assert seen == {(500, "InternalFailure"), (503, "ServiceUnavailable")}

    # one error in two: botocore's retries get every call through, and they are not throttles
    faults.set_faults(error_rate=0.5, seed=5)
    api = SageMakerApi(AwsSettings(REGION, endpoint_url=faults.url), retry_timing=FAST)
    for _ in range(10):
        api.call("ListContexts")
    assert sum(api.attempts.values()) > 10
    assert api.api_throttles() == {}


def test_latency_delays_every_sagemaker_answer(faults: SandboxServer) -> None:
    faults.set_faults(latency_ms=150)
    sagemaker = client_for(faults.url, REGION)
    started = time.monotonic()
    sagemaker.list_actions()
    assert time.monotonic() - started >= 0.15


def test_seeded_faults_repeat_exactly(faults: SandboxServer) -> None:
    sagemaker = client_for(faults.url, REGION)

    def outcomes() -> list[str]:
        codes = []
        for _ in range(30):
            try:
                sagemaker.list_actions()
                codes.append("ok")
            except botocore.exceptions.ClientError as err:
                codes.append(err.response["Error"]["Code"])
        return codes

    faults.set_faults(throttle_rate=0.3, error_rate=0.2, seed=42)
    first = outcomes()
    faults.set_faults(seed=42)
    assert outcomes() == first
    assert {"ok", "ThrottlingException"} <= set(first)


def test_moto_api_and_sts_are_never_faulted(faults: SandboxServer) -> None:
    faults.set_faults(throttle_rate=1.0)
    with urllib.request.urlopen(f"{faults.url}/moto-api/data.json", timeout=10) as response:
        assert response.status == 200
    import boto3

    sts = boto3.client(
        "sts", endpoint_url=faults.url, region_name=REGION, aws_access_key_id="t", aws_secret_access_key="t"
    )
    assert sts.get_caller_identity()["Account"]
    assert faults.fault_counters()["requests"] == 0


def test_the_control_endpoint_changes_faults_while_the_sandbox_runs(faults: SandboxServer) -> None:
    url = faults.url
    sagemaker = client_for(url, REGION)
    assert get_faults(url)["faults"]["throttle_rate"] == 0.0
    sagemaker.list_actions()

    state = set_faults(url, throttle_rate=1.0, latency_ms=5)
    assert state["faults"]["throttle_rate"] == 1.0 and state["faults"]["latency_ms"] == 5.0
    assert faults.faults.throttle_rate == 1.0  # the same injector, seen from Python
    with pytest.raises(botocore.exceptions.ClientError, match="ThrottlingException"):
        sagemaker.list_actions()

    set_faults(url, throttle_rate=0.0, deny_operations=["ListActions"])
    with pytest.raises(botocore.exceptions.ClientError, match="AccessDeniedException"):
        sagemaker.list_actions()
    sagemaker.list_contexts()

    counters = get_faults(url)["counters"]
    assert counters == {
        "requests": 4,
        "throttled": 1,
        "errors": 0,
        "denied": 1,
        "by_operation": {"ListActions": {"throttled": 1, "denied": 1}},
    }
    assert set_faults(url, reset_counters=True)["counters"]["requests"] == 0

    cleared = clear_faults(url)["faults"]
    assert cleared == FaultConfig().to_dict()
    sagemaker.list_actions()

    for bad in ({"throttle_rate": 2}, {"error_rate": "high"}, {"nonsense": 1}, [1, 2]):
        request = urllib.request.Request(f"{url}{CONTROL_PATH}", data=json.dumps(bad).encode(), method="POST")
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(request, timeout=10)
        assert caught.value.code == 400
    assert get_faults(url)["faults"] == FaultConfig().to_dict()


# --- the client's rate cap ---------------------------------------------------------------------------------


def test_max_rps_holds_the_request_rate(faults: SandboxServer, aws_env: None) -> None:
    api = SageMakerApi(AwsSettings(REGION, endpoint_url=faults.url, max_rps=20))
    started = time.monotonic()
    for _ in range(40):
        api.call("ListActions")
    elapsed = time.monotonic() - started
    assert 40 / elapsed <= 20 * 1.2
    # and the cap is what held it: 40 requests at 20/s with a burst of one take 39 intervals at least
    # (the sandbox alone answers ListActions several times faster)
    assert elapsed >= 39 / 20 * 0.99
    assert faults.fault_counters()["requests"] == 40


def test_max_rps_counts_botocore_retries_too(faults: SandboxServer, aws_env: None) -> None:
    faults.set_faults(throttle_rate=0.5, seed=9)
    api = SageMakerApi(AwsSettings(REGION, endpoint_url=faults.url, max_rps=20), retry_timing=FAST)
    started = time.monotonic()
    for _ in range(15):
        api.call("ListActions")
    elapsed = time.monotonic() - started
    attempts = sum(api.attempts.values())
    assert attempts > 15
    assert attempts == faults.fault_counters()["requests"]
    assert attempts / elapsed <= 20 * 1.2
    assert elapsed >= (attempts - 1) / 20 * 0.99


# --- whole syncs under faults ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("throttle_rate", "error_rate"),
    [(0.3, 0.05), (0.6, 0.05)],
    ids=["throttle-30%-5xx-5%", "throttle-60%-5xx-5%"],
)
def test_a_sync_under_throttling_and_5xx_ends_with_the_same_graph_as_a_clean_one(
    clean_sync: dict[str, Any],
    faults: SandboxServer,
    fast_retries: None,
    clean_neo4j: Driver,
    neo4j_settings: Neo4jSettings,
    throttle_rate: float,
    error_rate: float,
) -> None:
    """At 60 % botocore's 8 attempts run out now and then, and its retry quota (500, 5 a retry, 5 back per
    call that succeeds) drains within about a hundred calls: from then on each attempt is one request, and
    tenacity keeps backing off from throttling until its budget is spent, so the properties pass's
    Describes land too. Six server errors still end a call: with the quota drained, a call's next answer
    that is not a throttle is an error with odds 5 % / 35 %, so six in a row is 1e-5 a call, 0.4 % a sync
    (at 10 % it was 2e-4 a call, and one CI run in about ten failed)."""
    faults.set_faults(FaultConfig(throttle_rate=throttle_rate, error_rate=error_rate, seed=2026))
    report = sync(env_for(faults.url, neo4j_settings))
    injected = faults.fault_counters()

    assert snapshot(clean_neo4j) == clean_sync["snapshot"]
    assert injected["throttled"] > 0  # (5xx too, most seeds: 46 requests at 5 %)
    assert sum(report["throttles"].values()) == injected["throttled"]
    assert report["denied"] == {}
    assert report["nodes"] == clean_sync["report"]["nodes"]
    # every operation was called at least as often as in the clean run (tenacity's retries count as calls)
    assert report["api_calls"].keys() == clean_sync["report"]["api_calls"].keys()
    assert all(n >= clean_sync["report"]["api_calls"][op] for op, n in report["api_calls"].items())
    assert clean_sync["report"]["throttles"] == {}


def test_access_denied_on_one_listing_is_reported_and_the_rest_lands(
    clean_sync: dict[str, Any],
    faults: SandboxServer,
    clean_neo4j: Driver,
    neo4j_settings: Neo4jSettings,
) -> None:
    faults.set_faults(deny_operations=["ListActions"])
    result = CliRunner().invoke(
        cli, ["sync", "--format", "json"], env=env_for(faults.url, neo4j_settings), catch_exceptions=False
    )
    assert result.exit_code == 7, result.output  # partial success: a listing was denied
    report = json.loads(result.stdout)
    assert report["denied"] == {"ListActions": "sagemaker:ListActions"}

    # Everything but the actions' own records landed as in a clean sync: their nodes are placeholders
    # made from the associations, with the same edges.
    clean_nodes, clean_rels = clean_sync["snapshot"]
    nodes, rels = snapshot(clean_neo4j)
    assert rels == clean_rels
    not_actions = [n for n in clean_nodes if "Action" not in n[0]]
    assert [n for n in nodes if "Action" not in n[0]] == not_actions
    actions = [n for n in nodes if "Action" in n[0]]
    assert actions and all(props["placeholder"] is True for _, props in actions)
    assert len(actions) == len(clean_nodes) - len(not_actions)


def test_throttling_that_outlasts_the_retries_exits_10_with_a_report_naming_the_operation(
    demo_account: None, faults: SandboxServer, fast_retries: None, clean_neo4j: Driver, neo4j_settings: Neo4jSettings
) -> None:
    """Every request throttled: once tenacity's waits add up to its throttling budget (3 s at FAST's 1 %),
    the run ends with exit 10 and its JSON report says which operation gave up after how many throttles
    (botocore's 2 attempts a call), and counts them all."""
    faults.set_faults(throttle_rate=1.0)
    env = {**env_for(faults.url, neo4j_settings), "AWS_MAX_ATTEMPTS": "2"}
    result = CliRunner().invoke(cli, ["sync", "--format", "json"], env=env, catch_exceptions=False)
    assert result.exit_code == 10, result.output
    report = json.loads(result.stdout)
    assert (report["outcome"], report["exit_code"], report["region"]) == ("failed", 10, REGION)
    gave_up = re.match(r"SageMaker kept throttling (\w+): (\d+) throttled responses in (\d+) requests", report["error"])
    assert gave_up, report["error"]
    operation, throttled, requests = gave_up[1], int(gave_up[2]), int(gave_up[3])
    assert throttled == requests == 2 * report["api_calls"][operation] == report["throttles"][operation]
    assert report["api_calls"][operation] > 6  # more than a server error gets: throttling is waited out longer
    assert sum(report["throttles"].values()) == faults.fault_counters()["throttled"]

    table = CliRunner().invoke(cli, ["sync"], env=env, catch_exceptions=False)
    assert table.exit_code == 10
    assert table.stdout == "" and "Traceback" not in table.stderr
    assert table.stderr.startswith("error: SageMaker kept throttling ") and table.stderr.count("\n") == 1
    assert "; throttled: " in table.stderr


def test_server_errors_that_outlast_the_retries_exit_5_with_the_json_report(
    demo_account: None, faults: SandboxServer, fast_retries: None, clean_neo4j: Driver, neo4j_settings: Neo4jSettings
) -> None:
    faults.set_faults(error_rate=1.0, seed=1)
    env = {**env_for(faults.url, neo4j_settings), "AWS_MAX_ATTEMPTS": "2"}
    result = CliRunner().invoke(cli, ["sync", "--format", "json"], env=env, catch_exceptions=False)
    assert result.exit_code == 5, result.output
    report = json.loads(result.stdout)
    assert (report["outcome"], report["exit_code"]) == ("failed", 5)
    assert re.match(
        r"SageMaker kept failing \w+ with (InternalFailure|ServiceUnavailable) \(HTTP 50[03]\)", report["error"]
    )
    assert report["throttles"] == {}


def test_sandbox_serve_refuses_impossible_fault_rates() -> None:
    result = CliRunner().invoke(
        cli, ["sandbox", "serve", "--port", "0", "--throttle-rate", "0.8", "--error-rate", "0.5"]
    )
    assert result.exit_code == 2
    assert "at most 1" in result.output
