"""A sync killed with SIGKILL at any moment, then run again, ends with the same graph as one clean run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from fixtures.snapshots import lineage_snapshot
from fixtures.sync_cli import sync_json
from neo4j import Driver

from lineage_graph.sandbox.seed import seed_demo


def test_sigkill_at_several_points_then_rerun_equals_a_clean_sync(
    sagemaker_client: Any, sync_env: dict[str, str], clean_neo4j: Driver
) -> None:
    env = sync_env
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

    assert sync_json(env)["skipped"] == {}
    resumed = lineage_snapshot(clean_neo4j)

    clean_neo4j.execute_query("MATCH (n) DETACH DELETE n", database_="neo4j")
    sync_json(env)
    assert lineage_snapshot(clean_neo4j) == resumed
