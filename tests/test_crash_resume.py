"""A sync killed with SIGKILL at any moment, then run again, ends with the same graph as one clean run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from typing import Any

from click.testing import CliRunner
from fixtures.snapshots import lineage_snapshot
from neo4j import Driver

from lineage_graph.cli import cli
from lineage_graph.sandbox.seed import seed_demo


def test_sigkill_at_several_points_then_rerun_equals_a_clean_sync(
    sagemaker_client: Any, sandbox_url: str, neo4j_settings: Any, clean_neo4j: Driver
) -> None:
    env = {
        "AWS_ENDPOINT_URL_SAGEMAKER": sandbox_url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1",
        "NEO4J_URI": neo4j_settings.uri,
        "NEO4J_PASSWORD": neo4j_settings.password,
    }
    seed_demo(sagemaker_client)
    killed_with_data = 0
    for delay in (1.0, 2.0, 3.0, 4.5):  # from before the first write to late in the crawl
        process = subprocess.Popen(
            [sys.executable, "-c", "from lineage_graph.cli import main; main()", "sync", "--batch-size", "20"],
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        nodes = clean_neo4j.execute_query("MATCH (n:LineageEntity) RETURN count(n) AS n", database_="neo4j")
        killed_with_data += nodes.records[0]["n"] > 0
    assert killed_with_data > 0  # at least one kill landed mid-sync, after writes: what was written stays

    result = CliRunner().invoke(cli, ["sync", "--format", "json"], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    resumed = lineage_snapshot(clean_neo4j)
    assert json.loads(result.stdout)["skipped"] == {}

    clean_neo4j.execute_query("MATCH (n) DETACH DELETE n", database_="neo4j")
    clean = CliRunner().invoke(cli, ["sync"], env=env, catch_exceptions=False)
    assert clean.exit_code == 0, clean.output
    assert lineage_snapshot(clean_neo4j) == resumed
