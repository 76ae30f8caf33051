"""`lineage-graph demo` leaves the explorer running, as it leaves Neo4j: a `serve` in the background that
outlives the demo, answers at the URL printed last, is replaced by the next demo and stops with
`lineage-graph serve --stop`. The demo runs as a real process on the session's Neo4j; the module's
finaliser stops whatever serve it left, whatever failed."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from fixtures.neo4j_server import TEST_PASSWORD, free_port

from lineage_graph.neo4j_local import LocalNeo4j
from lineage_graph.processes import command_line
from lineage_graph.settings import Neo4jSettings
from lineage_graph.web.background import BackgroundServe

CLI = str(Path(sys.executable).with_name("lineage-graph"))
ENDPOINT = "arn:aws:sagemaker:us-east-1:123456789012:context/churn-prod-aws-endpoint"
EXIT_NOT_RUNNING = 3


@dataclass(frozen=True)
class DemoRun:
    """One finished `lineage-graph demo`: its output, and the explorer it says it left running."""

    output: str
    pid: int
    entity_url: str
    home_url: str

    @property
    def url(self) -> str:
        return self.home_url.removesuffix("/")


@pytest.fixture(scope="module")
def serve_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The demo's serve state directory; whatever serve runs from it at the end is stopped."""
    directory = tmp_path_factory.mktemp("serve-state")
    try:
        yield directory
    finally:
        BackgroundServe(directory).stop(timeout=10)


@pytest.fixture(scope="module")
def demo(local_neo4j: LocalNeo4j | None, serve_dir: Path) -> Iterator[DemoRunner]:
    if local_neo4j is None:
        pytest.skip("the demo manages a local Neo4j; LINEAGE_GRAPH_TEST_NEO4J_URI points at another one")
    yield DemoRunner(local_neo4j, serve_dir)


class DemoRunner:
    def __init__(self, neo4j: LocalNeo4j, serve_dir: Path) -> None:
        self.neo4j = neo4j
        self.serve_dir = serve_dir

    def run(self, explorer_port: int) -> DemoRun:
        env = {**os.environ, "NEO4J_PASSWORD": TEST_PASSWORD}
        command = [CLI, "demo", "--data-dir", str(self.neo4j.data_dir), "--bolt-port", str(self.neo4j.bolt_port)]
        command += ["--explorer-port", str(explorer_port), "--serve-dir", str(self.serve_dir)]
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, check=False)
        output = result.stdout + result.stderr
        assert result.returncode == 0, output
        assert TEST_PASSWORD not in output
        last, home = result.stdout.rstrip("\n").splitlines()[-2:]
        assert last.startswith("Explorer: http://127.0.0.1:"), output
        assert home.endswith("/  (search)"), output
        pid = int((self.serve_dir / "serve.pid").read_text())
        return DemoRun(output, pid, last.removeprefix("Explorer: "), home.split()[0])

    def serve(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [CLI, "serve", *args, "--state-dir", str(self.serve_dir)]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def first(demo: DemoRunner) -> DemoRun:
    return demo.run(free_port())


def is_serving(url: str) -> bool:
    try:
        requests.get(url, timeout=5)
    except requests.ConnectionError:
        return False
    return True


def test_the_explorer_answers_at_the_url_printed_last_after_the_demo_exited(first: DemoRun) -> None:
    port = first.url.rsplit(":", 1)[1]
    assert first.entity_url == f"http://127.0.0.1:{port}/entity?ref={ENDPOINT}"
    assert f"http://127.0.0.1:{port}/" == first.home_url
    home = requests.get(first.home_url, timeout=10)
    assert home.status_code == 200 and "text/html" in home.headers["content-type"]
    kinds = requests.get(f"{first.url}/api/v1/kinds", timeout=10)
    assert kinds.status_code == 200 and "Context" in kinds.json()["kinds"]
    assert requests.get(first.entity_url, timeout=10).status_code == 200


def test_the_explorer_is_detached_logs_to_its_file_and_keeps_secrets_out(first: DemoRun, serve_dir: Path) -> None:
    assert os.getsid(first.pid) == first.pid  # a session of its own: Ctrl-C in the demo's terminal misses it
    assert f"--state-dir={serve_dir}" in (command_line(first.pid) or "")
    log = (serve_dir / "serve.log").read_text()
    assert f"listening on {first.url} " in log
    assert TEST_PASSWORD not in log and TEST_PASSWORD not in (serve_dir / "serve.json").read_text()
    assert "lineage-graph serve --stop --state-dir" in first.output


def test_status_says_where_it_runs(first: DemoRun, demo: DemoRunner) -> None:
    status = demo.serve("--status")
    assert status.returncode == 0, status.stderr
    assert f"running at {first.url} (pid {first.pid}" in status.stdout


def test_a_second_demo_replaces_the_first_explorer_on_its_port(first: DemoRun, demo: DemoRunner) -> None:
    port = int(first.url.rsplit(":", 1)[1])
    second = demo.run(port)
    assert second.url == first.url and second.pid != first.pid
    assert f"Replaced the explorer of a previous demo (pid {first.pid})" in second.output
    assert f"--state-dir={demo.serve_dir}" not in (command_line(first.pid) or "")  # gone
    assert requests.get(f"{second.url}/api/v1/kinds", timeout=10).status_code == 200


def test_a_port_another_program_holds_is_refused_or_traded_for_a_free_one(
    demo: DemoRunner, neo4j_settings: Neo4jSettings
) -> None:
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        taken = other.getsockname()[1]
        refused = demo.serve("--detach", "--port", str(taken))  # asked for by name: an error, nothing replaced
        assert refused.returncode == 3 and "already in use by another program" in refused.stderr
        assert BackgroundServe(demo.serve_dir).status().running
        # The demo's way (any_port_if_taken), in this process: cheaper than a third demo.
        started = BackgroundServe(demo.serve_dir).start(neo4j_settings, port=taken, any_port_if_taken=True)
    assert started.port_taken == taken and started.replaced is not None
    assert not started.url.endswith(f":{taken}")
    assert requests.get(f"{started.url}/api/v1/kinds", timeout=10).status_code == 200


def test_stop_stops_it_and_stop_again_says_none_runs(demo: DemoRunner) -> None:
    status = BackgroundServe(demo.serve_dir).status()
    assert status.running and status.url is not None and status.pid is not None
    stopped = demo.serve("--stop")
    assert stopped.returncode == 0, stopped.stderr
    assert f"lineage-graph serve stopped (pid {status.pid}" in stopped.stdout
    assert command_line(status.pid) is None  # gone (a zombie's command line is empty too)
    assert not is_serving(status.url)
    assert not (demo.serve_dir / "serve.pid").exists()

    again = demo.serve("--stop")
    assert again.returncode == 0 and "No background lineage-graph serve is running" in again.stdout
    assert demo.serve("--status").returncode == EXIT_NOT_RUNNING
