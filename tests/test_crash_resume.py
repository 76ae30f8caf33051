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

from lineage_graph.sandbox.faults import set_faults
from lineage_graph.sandbox.seed import seed_demo


def entities(driver: Driver) -> int:
    return int(driver.execute_query("MATCH (n:LineageEntity) RETURN count(n) AS n", database_="neo4j").records[0]["n"])


def test_sigkill_at_several_points_then_rerun_equals_a_clean_sync(
    sagemaker_client: Any, sandbox_url: str, sync_env: dict[str, str], clean_neo4j: Driver
) -> None:
    env = sync_env
    seed_demo(sagemaker_client)
    killed_mid_sync = 0
    set_faults(sandbox_url, latency_ms=15)  # slow enough that kills land between pages
    try:
        # Kill before anything is written, then once the graph holds 20 and 150 entities.
        for threshold in (0, 20, 150):
            process = subprocess.Popen(
                # A killed run's lease outlives it by --lease-ttl: the next run --waits for it to expire.
                [
                    sys.executable,
                    "-c",
                    "from lineage_graph.cli import main; main()",
                    "sync",
                    "--batch-size",
                    "10",
                    "--lease-ttl",
                    "10",
                    "--wait",
                ],
                env={**os.environ, **env},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            deadline = time.monotonic() + 120
            while process.poll() is None and time.monotonic() < deadline and entities(clean_neo4j) < threshold:
                time.sleep(0.05)
            killed_mid_sync += process.poll() is None and threshold > 0
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
    finally:
        set_faults(sandbox_url, latency_ms=0)
    assert killed_mid_sync > 0  # what a killed sync wrote stays, and the next run goes on from there

    assert sync_json(env, "--wait")["skipped"] == {}
    resumed = lineage_snapshot(clean_neo4j)

    clean_neo4j.execute_query("MATCH (n) DETACH DELETE n", database_="neo4j")
    sync_json(env)
    assert lineage_snapshot(clean_neo4j) == resumed
