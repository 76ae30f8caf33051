"""A Neo4j restart in the middle of a sync is survived: managed transactions retry until it is back."""

from __future__ import annotations

import threading
import time
from typing import Any

from fixtures.neo4j_server import free_port
from fixtures.snapshots import lineage_snapshot
from neo4j import GraphDatabase

from lineage_graph.graph.connection import connect
from lineage_graph.graph.load import GraphWriter
from lineage_graph.neo4j_local import LocalNeo4j
from lineage_graph.sagemaker.client import SageMakerApi
from lineage_graph.sandbox.seed import seed_demo
from lineage_graph.settings import AwsSettings, Neo4jSettings
from lineage_graph.sync import SyncReport, run_sync

PASSWORD = "restart-test-pw"


def test_sync_survives_a_neo4j_restart(
    sagemaker_client: Any, sandbox_url: str, tmp_path: Any, monkeypatch: Any
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    seed_demo(sagemaker_client)
    server = LocalNeo4j(tmp_path / "neo4j", free_port())
    settings = Neo4jSettings(uri=server.start(PASSWORD), password=PASSWORD)
    try:
        driver = connect(settings)
        api = SageMakerApi(AwsSettings(region="us-east-1", endpoint_url=sandbox_url))
        # Slow SageMaker down so that the restart lands inside the sync.
        from lineage_graph.sandbox.faults import set_faults

        set_faults(sandbox_url, latency_ms=40)
        outcome: dict[str, Any] = {}

        def sync() -> None:
            try:
                outcome["report"] = run_sync(api, GraphWriter(driver, "neo4j", batch_size=25), "123456789012")
            except Exception as err:  # reported by the assertion below
                outcome["error"] = err

        worker = threading.Thread(target=sync)
        worker.start()
        time.sleep(3)
        assert worker.is_alive(), "the sync ended before the restart: slow it down further"
        server.stop()
        server.start(PASSWORD)
        worker.join(timeout=300)
        set_faults(sandbox_url, latency_ms=0)
        assert "error" not in outcome, outcome.get("error")
        report: SyncReport = outcome["report"]
        assert report.nodes["TrialComponent"].created > 0
        survived = lineage_snapshot(driver)

        with GraphDatabase.driver(settings.uri, auth=("neo4j", PASSWORD)) as fresh:
            fresh.execute_query("MATCH (n) DETACH DELETE n", database_="neo4j")
        run_sync(api, GraphWriter(driver, "neo4j"), "123456789012")
        assert lineage_snapshot(driver) == survived
        driver.close()
    finally:
        server.stop()
