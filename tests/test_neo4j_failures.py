"""Neo4j failing under a sync ends it cleanly: a bounded wait, a documented exit code, one line on stderr
and, with --format json, the report on stdout with the error in it.

Tests that stop or reconfigure a server use one of their own (LocalNeo4j on a free port), never the
session's, so other tests are unaffected.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fixtures.neo4j_server import free_port
from neo4j import GraphDatabase

from lineage_graph.cli import cli
from lineage_graph.neo4j_local import LocalNeo4j
from lineage_graph.sandbox.faults import set_faults
from lineage_graph.sandbox.seed import seed_demo
from lineage_graph.sandbox.server import client_environment
from lineage_graph.settings import Neo4jSettings

PASSWORD = "failures-test-pw"
CLI = str(Path(sys.executable).parent / "lineage-graph")


@pytest.fixture
def own_neo4j(tmp_path: Path) -> Iterator[LocalNeo4j]:
    """A server of this test's own, not started; stopped after the test."""
    server = LocalNeo4j(tmp_path / "neo4j", free_port())
    try:
        yield server
    finally:
        server.stop()


def _env(sandbox_url: str, neo4j: Neo4jSettings, **extra: str) -> dict[str, str]:
    return {**os.environ, **client_environment(sandbox_url), **neo4j.environment(), **extra}


def _nodes(settings: Neo4jSettings) -> int:
    with GraphDatabase.driver(settings.uri, auth=(settings.username, settings.password)) as driver:
        return int(driver.execute_query("MATCH (n) RETURN count(n) AS n", database_="neo4j").records[0]["n"])


def test_neo4j_stopped_mid_sync_ends_with_exit_4_and_the_json_report_after_the_timeout(
    sagemaker_client: Any, sandbox_url: str, own_neo4j: LocalNeo4j
) -> None:
    """Before: about 7 minutes of retries, then exit 1 and a traceback (the subprocess' timeout below
    fails that). Now --neo4j-timeout bounds the wait, then exit 4 with the report."""
    seed_demo(sagemaker_client)
    settings = Neo4jSettings(uri=own_neo4j.start(PASSWORD), password=PASSWORD)
    set_faults(sandbox_url, latency_ms=40)  # slow SageMaker down so that the stop lands inside the sync
    try:
        env = _env(sandbox_url, settings, LINEAGE_GRAPH_NEO4J_TIMEOUT="5")
        sync = subprocess.Popen(
            [CLI, "sync", "--format", "json", "--batch-size", "25"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        while _nodes(settings) == 0 and sync.poll() is None:  # until its first page has landed
            time.sleep(0.2)
        assert sync.poll() is None, "the sync ended before Neo4j was stopped: slow it down further"
        own_neo4j.stop()
        stdout, stderr = sync.communicate(timeout=180)
    finally:
        set_faults(sandbox_url, latency_ms=0)
    assert sync.returncode == 4, stderr
    assert "Traceback" not in stderr
    report = json.loads(stdout)
    assert (report["outcome"], report["exit_code"], report["shard"]) == ("failed", 4, "123456789012:us-east-1")
    assert report["error"].startswith("Neo4j stopped answering and did not come back within the timeout")
    assert "--neo4j-timeout" in report["error"]


def test_neo4j_unreachable_before_the_sync_still_prints_the_json_report(sync_env: dict[str, str]) -> None:
    env = {**sync_env, "NEO4J_URI": f"bolt://127.0.0.1:{free_port()}", "LINEAGE_GRAPH_NEO4J_TIMEOUT": "3"}
    result = CliRunner().invoke(cli, ["sync", "--format", "json"], env=env, catch_exceptions=False)
    assert result.exit_code == 4
    report = json.loads(result.stdout)
    assert (report["outcome"], report["exit_code"], report["region"]) == ("failed", 4, "us-east-1")
    assert report["error"].startswith("Neo4j is not reachable at bolt://127.0.0.1:")


def test_a_missing_database_exits_11_with_one_line_and_the_json_report(sync_env: dict[str, str]) -> None:
    env = {**sync_env, "NEO4J_DATABASE": "nosuchdb"}
    result = CliRunner().invoke(cli, ["sync", "--format", "json"], env=env, catch_exceptions=False)
    assert result.exit_code == 11, result.output
    report = json.loads(result.stdout)
    assert (report["outcome"], report["exit_code"]) == ("failed", 11)
    assert report["error"] == "Neo4j database 'nosuchdb' does not exist: Neo.ClientError.Database.DatabaseNotFound"

    table = CliRunner().invoke(cli, ["sync"], env=env, catch_exceptions=False)
    assert table.exit_code == 11
    assert table.stderr == f"error: {report['error']}\n"


def test_a_read_only_database_exits_11_with_one_line(
    sagemaker_client: Any, sandbox_url: str, own_neo4j: LocalNeo4j
) -> None:
    seed_demo(sagemaker_client)
    own_neo4j.start(PASSWORD)  # a database is created writable, then restarted read-only
    own_neo4j.stop()
    conf = own_neo4j.data_dir / "conf"
    conf.mkdir(parents=True)
    (conf / "neo4j.conf").write_text("server.databases.read_only=neo4j\n", encoding="utf-8")
    settings = Neo4jSettings(uri=own_neo4j.start(PASSWORD), password=PASSWORD)
    sync = subprocess.run(
        [CLI, "sync", "--format", "json"], env=_env(sandbox_url, settings), capture_output=True, text=True, timeout=180
    )
    assert sync.returncode == 11, sync.stderr
    assert "Traceback" not in sync.stderr
    report = json.loads(sync.stdout)
    assert report["error"] == (
        "Neo4j database 'neo4j' is read-only: Neo.ClientError.General.WriteOnReadOnlyAccessDatabase"
    )
    table = subprocess.run([CLI, "sync"], env=_env(sandbox_url, settings), capture_output=True, text=True, timeout=180)
    assert (table.returncode, table.stdout, table.stderr) == (11, "", f"error: {report['error']}\n")


def test_an_unexpected_error_still_prints_the_json_report_and_exits_1(sync_env: dict[str, str]) -> None:
    """A failure lineage-graph has no message for (here botocore refusing a malformed region name) keeps
    its traceback on stderr for the bug report, and the scheduler still gets the JSON report."""
    result = CliRunner().invoke(cli, ["sync", "--format", "json", "--region", "not a region!"], env=sync_env)
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert (report["outcome"], report["exit_code"], report["region"]) == ("failed", 1, "not a region!")
    assert report["error"].startswith("InvalidRegionError: ")
    assert type(result.exception).__name__ == "InvalidRegionError"


@pytest.mark.parametrize(
    "command", [["status"], ["datasets", "some-job-aws-training-job"], ["find", "--type", "Endpoint"]]
)
def test_any_command_on_a_missing_database_ends_with_one_line_and_exit_11(
    sync_env: dict[str, str], command: list[str]
) -> None:
    result = CliRunner().invoke(cli, [*command, "--neo4j-database", "nosuchdb"], env=sync_env)
    assert result.exit_code == 11, result.output
    assert result.stderr.startswith(
        "error: the Neo4j database does not exist: Neo.ClientError.Database.DatabaseNotFound ("
    )
    assert "nosuchdb" in result.stderr and result.stderr.count("\n") == 1
