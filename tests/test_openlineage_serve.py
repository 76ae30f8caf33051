"""`lineage-graph serve` receives what the official OpenLineage client posts, as Marquez would.

One server process (with a token) and one Neo4j serve the module; the tests that stop a server or point
it at a Neo4j that is not there start their own.
"""

from __future__ import annotations

import gzip
import json
import random
import secrets
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner
from fixtures.neo4j_server import free_port
from fixtures.openlineage_events import (
    EXPECTED_EDGES,
    EXPECTED_NODES,
    SPARK_RUN,
    as_dicts,
    edge_triples,
    node_keys,
    openlineage_snapshot,
    scenario,
)
from fixtures.serve_process import ServeProcess
from neo4j import Driver, GraphDatabase
from openlineage.client import OpenLineageClient
from openlineage.client.transport.http import ApiKeyTokenProvider, HttpCompression, HttpConfig, HttpTransport

from lineage_graph.cli import cli
from lineage_graph.settings import Neo4jSettings
from lineage_graph.web.security import is_loopback

TOKEN = "tok-" + secrets.token_hex(16)
LINEAGE = "/api/v1/lineage"


@pytest.fixture(scope="module")
def driver(neo4j_settings: Neo4jSettings) -> Iterator[Driver]:
    with GraphDatabase.driver(neo4j_settings.uri, auth=(neo4j_settings.username, neo4j_settings.password)) as d:
        yield d


@pytest.fixture(scope="module")
def server(neo4j_settings: Neo4jSettings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    with ServeProcess.running(neo4j_settings, tmp_path_factory.mktemp("serve") / "serve.log", token=TOKEN) as process:
        yield process


@pytest.fixture
def graph(driver: Driver) -> Driver:
    """The module's Neo4j without OpenLineage nodes."""
    driver.execute_query("MATCH (n:OpenLineage) DETACH DELETE n", database_="neo4j")
    return driver


# A producer's own setting, not the client's default of 5 s: on a loaded machine a first post (a cold Neo4j
# transaction) once took longer, and with retries off the test failed though the server was fine.
CLIENT_TIMEOUT = 60.0


def client(url: str, token: str | None = TOKEN, **config: Any) -> OpenLineageClient:
    auth = ApiKeyTokenProvider({"api_key": token}) if token else None
    http = HttpConfig(url=url, retry={"total": 0}, timeout=CLIENT_TIMEOUT, **({"auth": auth} if auth else {}), **config)
    return OpenLineageClient(transport=HttpTransport(http))


def _auth(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_the_official_client_posts_run_dataset_and_job_events(server: ServeProcess, graph: Driver) -> None:
    ol = client(server.url)
    for event in scenario():
        ol.emit(event)
    snapshot = openlineage_snapshot(graph)
    assert node_keys(snapshot) == EXPECTED_NODES
    assert edge_triples(snapshot) == EXPECTED_EDGES
    run = dict(next(props for key, _, props in snapshot[0] if key == ("OpenLineageRun", (SPARK_RUN,))))
    assert run["state"] == "COMPLETE"
    assert run["facet.parent.job.name"] == "etl_dag"


def test_shuffled_duplicated_and_gzipped_events_give_the_same_graph(server: ServeProcess, graph: Driver) -> None:
    events = scenario()
    for event in events:
        client(server.url).emit(event)
    expected = openlineage_snapshot(graph)
    for seed in range(3):
        graph.execute_query("MATCH (n:OpenLineage) DETACH DELETE n", database_="neo4j")
        order = random.Random(seed).sample(events, len(events))
        ol = client(server.url, compression=HttpCompression.GZIP if seed % 2 else None)
        for event in order + order:  # every event twice, as a producer retrying would
            ol.emit(event)
        assert openlineage_snapshot(graph) == expected, [type(e).__name__ for e in order]
    # The whole scenario again as one batch (a JSON array): nothing changes.
    response = requests.post(server.url + LINEAGE, json=as_dicts(events), headers=_auth(), timeout=30)
    assert (response.status_code, response.json()) == (201, {"written": 5})
    assert openlineage_snapshot(graph) == expected


def test_an_invalid_event_is_refused_with_its_reason_and_nothing_is_written(
    server: ServeProcess, graph: Driver
) -> None:
    valid, broken = as_dicts(scenario())[:2]
    broken["run"]["runId"] = "not-a-uuid"
    response = requests.post(server.url + LINEAGE, json=broken, headers=_auth(), timeout=30)
    assert response.status_code == 400
    assert response.json()["error"] == (
        "invalid OpenLineage event, nothing written: /run/runId: 'not-a-uuid' is not a UUID"
    )
    assert response.json()["problems"] == [{"pointer": "/run/runId", "message": "'not-a-uuid' is not a UUID"}]

    # In a batch, one invalid event refuses the whole request: the valid one is not written either.
    response = requests.post(server.url + LINEAGE, json=[valid, broken], headers=_auth(), timeout=30)
    assert response.status_code == 400
    assert response.json()["problems"][0]["index"] == 1
    for body in (b"{not json", gzip.compress(b"[]")):
        headers = {**_auth(), "Content-Type": "application/json"}
        if body.startswith(b"\x1f\x8b"):
            headers["Content-Encoding"] = "gzip"
        response = requests.post(server.url + LINEAGE, data=body, headers=headers, timeout=30)
        assert response.status_code == 400, body
    with pytest.raises(requests.HTTPError, match="400"):
        event = scenario()[0]
        event.eventTime = "2026-12-07T08:00:00"  # the client takes it; RFC 3339 wants an offset
        client(server.url).emit(event)
    assert graph.execute_query("MATCH (n:OpenLineage) RETURN count(n) AS n", database_="neo4j").records[0]["n"] == 0


def test_the_token_is_required_and_never_printed(server: ServeProcess, graph: Driver) -> None:
    event = as_dicts(scenario())[0]
    for headers in ({}, _auth("wrong"), {"Authorization": TOKEN}, {"Authorization": f"Basic {TOKEN}"}):
        for method, path in (("post", LINEAGE), ("get", "/api/v1/health")):
            response = requests.request(method, server.url + path, json=event, headers=headers, timeout=30)
            assert response.status_code == 401, (headers, path)
            assert response.headers["WWW-Authenticate"] == "Bearer"
    with pytest.raises(requests.HTTPError, match="401"):
        client(server.url, token="wrong").emit(scenario()[0])
    with pytest.raises(requests.HTTPError, match="401"):
        client(server.url, token=None).emit(scenario()[0])
    assert graph.execute_query("MATCH (n:OpenLineage) RETURN count(n) AS n", database_="neo4j").records[0]["n"] == 0
    client(server.url).emit(scenario()[0])  # the right one passes
    assert '"POST /api/v1/lineage HTTP/1.1" 401' in server.log  # the log has the requests, never the token
    assert TOKEN not in server.log


def test_a_browser_logs_in_with_the_token_in_the_url_and_the_log_keeps_it_out(server: ServeProcess) -> None:
    response = requests.get(f"{server.url}/?token={TOKEN}&q=churn", allow_redirects=False, timeout=30)
    assert response.status_code == 303 and response.headers["Location"] == "/?q=churn"
    assert '"GET /?token=***&q=churn HTTP/1.1" 303' in server.log
    assert TOKEN not in server.log


def test_health_gives_neo4js_answer(server: ServeProcess) -> None:
    response = requests.get(server.url + "/api/v1/health", headers=_auth(), timeout=30)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["neo4j"]["name"] == "Neo4j Kernel" and body["neo4j"]["database"] == "neo4j"
    assert body["neo4j"]["version"].startswith("5.")


def test_without_neo4j_health_and_writes_say_503(neo4j_settings: Neo4jSettings, tmp_path: Path) -> None:
    nowhere = Neo4jSettings(f"bolt://127.0.0.1:{free_port()}", "neo4j", "pw-not-used", "neo4j", timeout=1)
    process = ServeProcess(nowhere, tmp_path / "serve.log", "--neo4j-timeout", "1")
    try:
        process.wait_ready()
        started = time.monotonic()
        response = requests.get(process.url + "/api/v1/health", timeout=30)
        assert response.status_code == 503 and response.json()["status"] == "unavailable"
        assert "Neo4j stopped answering" in response.json()["neo4j"]
        assert time.monotonic() - started < 10
        response = requests.post(process.url + LINEAGE, json=as_dicts(scenario())[0], timeout=60)
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "5"
        assert "Neo4j does not answer yet" in process.log
    finally:
        assert process.stop() == 0


def test_a_neo4j_uri_the_driver_cannot_use_is_exit_4_before_listening() -> None:
    env = {"LINEAGE_GRAPH_TOKEN": "", "NEO4J_URI": "neo5://127.0.0.1:7687"}
    result = CliRunner().invoke(cli, ["serve", "--port", str(free_port())], env=env)
    assert result.exit_code == 4, result.output
    assert result.output.startswith("error: invalid Neo4j URI 'neo5://127.0.0.1:7687'")
    assert "listening" not in result.output


def test_a_port_in_use_is_one_line_and_exit_3(server: ServeProcess) -> None:
    result = CliRunner().invoke(cli, ["serve", "--port", str(server.port)], env={"LINEAGE_GRAPH_TOKEN": ""})
    assert result.exit_code == 3, result.output
    assert result.output.strip() == f"error: cannot listen on 127.0.0.1:{server.port}: Address already in use"


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        *[("127.0.0.1", True), ("127.8.0.1", True), ("localhost", True), ("::1", True), ("[::1]", True)],
        *[("0.0.0.0", False), ("::", False), ("10.0.0.5", False), ("host.example.com", False)],
    ],
)
def test_loopback_is_told_from_other_addresses(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_serving_off_loopback_needs_a_token(neo4j_settings: Neo4jSettings) -> None:
    port = str(free_port())
    for host in ("0.0.0.0", "192.0.2.1", "lineage.example.com"):
        result = CliRunner().invoke(cli, ["serve", "--host", host, "--port", port], env={"LINEAGE_GRAPH_TOKEN": ""})
        assert result.exit_code == 3, result.output
        assert f"refusing to serve on {host} without a token" in result.output
        assert "LINEAGE_GRAPH_TOKEN" in result.output


def test_sigterm_lets_the_request_in_flight_commit_then_exits_0(
    neo4j_settings: Neo4jSettings, graph: Driver, tmp_path: Path
) -> None:
    process = ServeProcess(neo4j_settings, tmp_path / "serve.log")
    answers: list[requests.Response] = []
    try:
        process.wait_ready()
        # Hold the run's key in an open transaction: the server's write waits on it, in flight.
        with graph.session(database="neo4j") as session, session.begin_transaction() as tx:
            tx.run("MERGE (:OpenLineage:OpenLineageRun {run_id: $id})", id=SPARK_RUN).consume()
            post = threading.Thread(
                target=lambda: answers.append(
                    requests.post(process.url + LINEAGE, json=as_dicts(scenario())[0], timeout=60)
                )
            )
            post.start()
            _wait_for_blocked_write(graph)
            process.process.send_signal(signal.SIGTERM)
            _wait_until_refused(process.url + "/api/v1/health")  # no longer accepting (in a moment, under load)
            assert post.is_alive() and process.process.poll() is None  # waiting for the request, not gone
            tx.rollback()
        post.join(30)
        assert [a.status_code for a in answers] == [201]
        assert process.stop() == 0
        assert "Shutting down" in process.log
    finally:
        process.kill()
    run = graph.execute_query(
        "MATCH (r:OpenLineageRun {run_id: $id}) RETURN r.state AS state", id=SPARK_RUN, database_="neo4j"
    ).records
    assert [r["state"] for r in run] == ["START"]


def _wait_until_refused(url: str, timeout: float = 30.0) -> None:
    """Until the server no longer takes connections (it stops listening once told to shut down)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=5)
        except requests.ConnectionError:
            return
        time.sleep(0.05)
    raise TimeoutError(f"{url} still answers {timeout:.0f} s after SIGTERM")


def _wait_for_blocked_write(driver: Driver, timeout: float = 30.0) -> None:
    """Until a transaction other than ours is waiting on a lock."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        records = driver.execute_query(
            "SHOW TRANSACTIONS YIELD status, currentQuery WHERE status STARTS WITH 'Blocked' RETURN count(*) AS n",
            database_="neo4j",
        ).records
        if records[0]["n"]:
            return
        time.sleep(0.05)
    raise TimeoutError("the server's write never waited on the held lock")


def test_a_body_bigger_than_the_limit_is_refused(server: ServeProcess) -> None:
    from lineage_graph.openlineage.server import MAX_BODY_BYTES

    bomb = gzip.compress(b"[" + b" " * (MAX_BODY_BYTES + 10) + b"]")
    headers = {**_auth(), "Content-Encoding": "gzip", "Content-Type": "application/json"}
    response = requests.post(server.url + LINEAGE, data=bomb, headers=headers, timeout=60)
    assert response.status_code == 413
    assert json.loads(response.text)["error"].startswith("the body is over")
    plain = b"[" + b" " * (MAX_BODY_BYTES + 10) + b"]"
    response = requests.post(server.url + LINEAGE, data=plain, headers={**_auth()}, timeout=60)
    assert response.status_code == 413


def test_the_receiver_takes_the_post_and_the_explorer_the_rest_of_its_path(server: ServeProcess) -> None:
    """The receiver's POST is answered outside Starlette's router, with the guard's headers still on; a GET of
    the same path is the explorer's lineage view, and another method is refused by the router."""
    response = requests.get(server.url + LINEAGE, headers=_auth(), timeout=30)
    assert response.status_code == 400 and "'ref' is required" in response.text, response.text
    response = requests.put(server.url + LINEAGE, json={}, headers=_auth(), timeout=30)
    assert response.status_code == 405, response.text
    response = requests.post(server.url + LINEAGE, data=b"{not json", headers=_auth(), timeout=30)
    assert response.status_code == 400 and response.headers["x-frame-options"] == "DENY", response.headers
    headers = {**_auth(), "Content-Encoding": "br", "Content-Type": "application/json"}
    response = requests.post(server.url + LINEAGE, data=b"{}", headers=headers, timeout=30)
    assert response.status_code == 400
    assert response.json()["error"].endswith("unsupported Content-Encoding 'br' (gzip or none)"), response.text
