"""What the properties pass adds to a sync: a Describe per new or changed artifact and action.

Each figure is a difference between two syncs of the same state, one with the pass and one without
(``--no-properties``), so process start-up and the lineage's own cost cancel out:

- first sync: a full sync into an empty graph, with and without the pass;
- incremental: new artifacts (1% of the account, each with a few properties) synced without the pass,
  then a run whose pass reads just those, against a run with nothing to read (the pass's selection only)
  and one without the pass at all;
- the same first sync with ``latency_ms`` injected per SageMaker call, as a real region answers.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from neo4j import Driver

from bench import syncs
from lineage_graph.sandbox.faults import set_faults
from lineage_graph.sandbox.server import client_for
from lineage_graph.settings import Neo4jSettings


def _describes(run: syncs.SyncRun) -> int:
    calls = run.report["api_calls"]
    return int(calls.get("DescribeArtifact", 0) + calls.get("DescribeAction", 0))


def _per_entity_ms(with_pass: syncs.SyncRun, without: syncs.SyncRun) -> float | None:
    described = _describes(with_pass)
    return round(1000 * (with_pass.seconds - without.seconds) / described, 3) if described else None


def _pass_ms(run: syncs.SyncRun) -> float | None:
    """The pass's own time per entity it described."""
    described = _describes(run)
    return round(1000 * run.report["properties"]["seconds"] / described, 3) if described else None


def _summary(run: syncs.SyncRun) -> dict[str, Any]:
    """The sync's wall time, and the pass's own (``properties.seconds``: free of process start-up noise)."""
    return {"seconds": round(run.seconds, 2), "describes": _describes(run), "properties": run.report["properties"]}


def new_artifacts(sandbox_url: str, count: int, workers: int = 4) -> None:
    """``count`` new dataset artifacts with three properties each, as a team's jobs would record them."""
    client = client_for(sandbox_url, retries={"mode": "standard", "max_attempts": 5})

    def create(i: int) -> None:
        client.create_artifact(
            Source={"SourceUri": f"s3://bench-properties/new-{i}.csv"},
            ArtifactType="DataSet",
            Properties={"owner": "bench", "data_version": str(i), "git_commit": f"{i:07x}"},
        )

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(create, range(count)))


def measure(sandbox_url: str, neo4j: Neo4jSettings, driver: Driver, entities: int, latency_ms: float) -> dict[str, Any]:
    syncs.empty_graph(driver, neo4j.database)
    lineage_only = syncs.run_sync(sandbox_url, neo4j, "--full", "--no-properties")
    syncs.empty_graph(driver, neo4j.database)
    first = syncs.run_sync(sandbox_url, neo4j, "--full")

    changed = max(1, entities // 100)
    new_artifacts(sandbox_url, changed)
    syncs.run_sync(sandbox_url, neo4j, "--no-properties")  # the change's lineage, without its properties
    reads_change = syncs.run_sync(sandbox_url, neo4j)  # nothing new listed: the pass reads the change's
    nothing_to_read = syncs.run_sync(sandbox_url, neo4j)
    no_pass = syncs.run_sync(sandbox_url, neo4j, "--no-properties")

    set_faults(sandbox_url, latency_ms=latency_ms)
    try:
        syncs.empty_graph(driver, neo4j.database)
        lineage_slow = syncs.run_sync(sandbox_url, neo4j, "--full", "--no-properties")
        syncs.empty_graph(driver, neo4j.database)
        first_slow = syncs.run_sync(sandbox_url, neo4j, "--full")
    finally:
        set_faults(sandbox_url, latency_ms=0.0)
    return {
        "first_sync": {
            "without": _summary(lineage_only),
            "with": _summary(first),
            "added_ms_per_described_entity": _per_entity_ms(first, lineage_only),
            "pass_ms_per_described_entity": _pass_ms(first),
        },
        "incremental": {
            "new_artifacts": changed,
            "reads_the_change": _summary(reads_change),
            "nothing_to_read": _summary(nothing_to_read),
            "without": _summary(no_pass),
            "added_ms_per_described_entity": _per_entity_ms(reads_change, no_pass),
            "pass_ms_per_described_entity": _pass_ms(reads_change),
            "added_seconds_with_nothing_to_read": round(nothing_to_read.seconds - no_pass.seconds, 2),
        },
        f"first_sync_at_{latency_ms:g}_ms_per_call": {
            "without": _summary(lineage_slow),
            "with": _summary(first_slow),
            "added_ms_per_described_entity": _per_entity_ms(first_slow, lineage_slow),
            "pass_ms_per_described_entity": _pass_ms(first_slow),
        },
    }
