"""Sync measurements: the real `lineage-graph sync` as a child process, its wall time, API calls and peak
memory, and the 1% change made to the account (over HTTP, as a user's jobs would) between two syncs."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from neo4j import Driver

from lineage_graph.sandbox.server import client_environment, client_for
from lineage_graph.settings import Neo4jSettings

CLI = str(Path(sys.executable).with_name("lineage-graph"))
PEAK_RSS = Path(__file__).with_name("peak_rss.py")


@dataclass
class SyncRun:
    seconds: float
    peak_rss_mb: float
    report: dict[str, Any]

    def rows(self) -> int:
        """Graph rows the sync wrote (MERGEd or re-stamped): nodes of every kind, placeholders and relationships,
        pipeline steps' EXECUTED edges whether listed or kept."""
        nodes = sum(sum(counts.values()) for counts in self.report["nodes"].values())
        edges = sum(edge["seen"] for edge in self.report["edges"].values())
        steps = self.report["pipeline_steps"]
        return int(nodes + self.report["placeholders_created"] + edges + steps["linked"] + steps["kept"])

    def summary(self, entities: int) -> dict[str, Any]:
        calls = int(self.report["api_calls_total"])
        rows = self.rows()
        return {
            "seconds": round(self.seconds, 2),
            "rows": rows,
            "rows_per_second": round(rows / self.seconds) if self.seconds else None,
            "api_calls": calls,
            "api_calls_by_operation": self.report["api_calls"],
            "api_calls_per_entity": round(calls / entities, 4),
            "peak_rss_mb": round(self.peak_rss_mb, 1),
            "mode": self.report["mode"],
        }


def sync_env(sandbox_url: str, neo4j: Neo4jSettings) -> dict[str, str]:
    return {**os.environ, **client_environment(sandbox_url), **neo4j.environment()}


def run_sync(sandbox_url: str, neo4j: Neo4jSettings, *args: str) -> SyncRun:
    """One `lineage-graph sync --format json ARGS` in a child process, started through ``peak_rss.py`` so
    that its peak RSS is its own and not this process's."""
    with tempfile.TemporaryDirectory() as tmp:
        measured, out, err = Path(tmp, "measured.json"), Path(tmp, "out"), Path(tmp, "err")
        with out.open("wb") as stdout, err.open("wb") as stderr:
            returncode = subprocess.call(
                [sys.executable, "-S", str(PEAK_RSS), str(measured), CLI, "sync", "--format", "json", *args],
                stdout=stdout,
                stderr=stderr,
                env=sync_env(sandbox_url, neo4j),
            )
        if returncode != 0:
            raise RuntimeError(f"sync {args} exited {returncode}: {err.read_text()[-3000:]}")
        measure = json.loads(measured.read_text())
        return SyncRun(measure["seconds"], measure["peak_rss_kb"] / 1024, json.loads(out.read_text()))


def empty_graph(driver: Driver, database: str) -> None:
    """Delete every node and relationship (the schema stays), in bounded transactions."""
    with driver.session(database=database) as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()


def change_account(sandbox_url: str, changes: int, seed: int = 11, workers: int = 4) -> dict[str, int]:
    """Make ``changes`` changes through the API, as jobs and users would: half new dataset artifacts, each
    associated with an existing trial component, half trial components updated (a new parameter)."""
    client = client_for(sandbox_url, retries={"mode": "standard", "max_attempts": 5})
    rng = random.Random(seed)
    components = [
        (s["TrialComponentName"], s["TrialComponentArn"])
        for page in client.get_paginator("list_trial_components").paginate(PaginationConfig={"PageSize": 100})
        for s in page["TrialComponentSummaries"]
    ]
    new_artifacts = changes // 2
    updated = min(changes - new_artifacts, len(components))

    def new_artifact(i: int) -> None:
        _, tc_arn = components[i * 7919 % len(components)]
        arn = client.create_artifact(Source={"SourceUri": f"s3://bench-changes/new-{i}.csv"}, ArtifactType="DataSet")[
            "ArtifactArn"
        ]
        client.add_association(SourceArn=arn, DestinationArn=tc_arn, AssociationType="ContributedTo")

    def update(component: tuple[str, str]) -> None:
        client.update_trial_component(
            TrialComponentName=component[0], Parameters={"bench.revision": {"NumberValue": 2.0}}
        )

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(new_artifact, range(new_artifacts)))
        list(pool.map(update, rng.sample(components, updated)))
    return {"new_artifacts": new_artifacts, "new_associations": new_artifacts, "updated_trial_components": updated}
