"""A full run whose cleanup is refused or skipped says so in its outcome, exit code, run record and status,
and keeps saying so until a full run cleans up; a dry run measures the delete share as the real run does.

The shape is the issue's reproduction: sync the demo, seed the sandbox again (new execution IDs), sync,
then ``sync --full``: about a tenth of the shard's relationships are gone from SageMaker."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner
from fixtures.sync_cli import sync_json
from neo4j import Driver

from lineage_graph.cli import cli
from lineage_graph.graph.bookkeeping.runs import now_utc, record_run
from lineage_graph.sandbox.faults import clear_faults, set_faults
from lineage_graph.sandbox.seed import seed_demo
from lineage_graph.sandbox.server import client_for, reset


def run(env: dict[str, str], *args: str) -> tuple[int, dict[str, Any]]:
    """`lineage-graph ARGS --format json`: its exit code and JSON."""
    result = CliRunner().invoke(cli, [*args, "--format", "json"], env=env, catch_exceptions=False)
    return result.exit_code, json.loads(result.stdout)


@pytest.fixture
def reseeded(sandbox_url: str, sync_env: dict[str, str], clean_neo4j: Driver) -> Driver:
    """The demo synced, then seeded again from scratch (new execution IDs) and synced incrementally."""
    reset(sandbox_url)
    seed_demo(client_for(sandbox_url, "us-east-1"))
    sync_json(sync_env)
    reset(sandbox_url)
    seed_demo(client_for(sandbox_url, "us-east-1"))
    sync_json(sync_env)
    return clean_neo4j


def test_a_dry_run_measures_the_delete_share_the_real_run_finds(reseeded: Driver, sync_env: dict[str, str]) -> None:
    _, dry = run(sync_env, "sync", "--full", "--dry-run")
    _, real = run(sync_env, "sync", "--full")
    measured = ("stale_nodes", "total_nodes", "stale_relationships", "total_relationships", "fraction", "refused")
    assert real["cleanup"]["refused"] is True and real["cleanup"]["stale_relationships"] > 0
    assert {k: dry["cleanup"][k] for k in measured} == {k: real["cleanup"][k] for k in measured}
    assert dry["cleanup"]["stale_sample"] == real["cleanup"]["stale_sample"]


def _status(env: dict[str, str]) -> dict[str, Any]:
    code, data = run(env, "status")
    assert code == 0
    return data


def test_a_refused_cleanup_is_its_own_outcome_until_a_full_run_cleans_up(
    reseeded: Driver, sync_env: dict[str, str]
) -> None:
    code, refused = run(sync_env, "sync", "--full")
    assert code == 8
    assert list(refused)[:3] == ["outcome", "reason", "cleanup_pending"]
    assert refused["outcome"] == "cleanup_refused"
    share = f"{refused['cleanup']['fraction']:.1%}"
    for text in (
        share,
        "limit of 5.0%",
        "`lineage-graph sync --full --dry-run`",
        "`lineage-graph sync --full --force-delete`",
    ):
        assert text in refused["reason"]
    pending = refused["cleanup_pending"]
    assert pending["outcome"] == "cleanup_refused" and pending["reason"] == refused["reason"]

    record = reseeded.execute_query(
        "MATCH (r:SyncRun) RETURN r.outcome AS outcome, r.reason AS reason ORDER BY r.started_at DESC LIMIT 1",
        database_="neo4j",
    ).records[0]
    assert (record["outcome"], record["reason"]) == ("cleanup_refused", refused["reason"])
    (shard,) = _status(sync_env)["shards"]
    assert shard["last_run"]["outcome"] == "cleanup_refused" and shard["last_run"]["reason"] == refused["reason"]
    assert shard["cleanup_pending"]["reason"] == refused["reason"]
    table = CliRunner().invoke(cli, ["status"], env=sync_env).stdout
    assert "cleanup_refused" in table and "cleanup pending since" in table and share in table

    lines = CliRunner().invoke(cli, ["sync", "--full"], env=sync_env).stdout.splitlines()
    assert lines[0].startswith("Outcome: cleanup_refused (exit 8): cleanup refused") and share in lines[0]
    assert lines[-1] == refused["reason"]  # the cleanup line is that sentence, not a dump of the counts
    steps = refused["pipeline_steps"]
    executed = steps["linked"] + steps["kept"]
    assert executed > 0 and refused["edges"]["EXECUTED"] == {"seen": executed, "created": 0}
    assert ["EXECUTED", str(executed), "0"] in [line.split() for line in lines]

    code, incremental = run(sync_env, "sync")  # its own work succeeded, but the cleanup is still pending
    assert code == 0 and incremental["outcome"] == "success"
    assert incremental["cleanup_pending"]["since"] == pending["since"]
    assert incremental["cleanup_pending"]["message"].startswith(f"cleanup pending since {pending['since'][:19]}")
    table = CliRunner().invoke(cli, ["sync"], env=sync_env).stdout
    assert table.splitlines()[1].startswith("Warning: cleanup pending since")

    code, forced = run(sync_env, "sync", "--full", "--force-delete")
    assert code == 0 and forced["outcome"] == "success" and forced["cleanup_pending"] is None
    assert forced["cleanup"]["relationships_deleted"] > 0
    assert run(sync_env, "sync")[1]["cleanup_pending"] is None
    assert _status(sync_env)["shards"][0]["cleanup_pending"] is None

    code, history = run(sync_env, "status", "--history")  # newest first
    assert code == 0 and [h["outcome"] for h in history][3:6] == ["success", "cleanup_refused", "cleanup_refused"]
    assert history[5]["reason"] == refused["reason"] and history[5]["mode"] == "full"
    assert history[1]["counts"]["relationships_deleted"] == forced["cleanup"]["relationships_deleted"]
    assert all(h["duration_s"] >= 0 and h["reason"] is None for h in history[:4])
    table = CliRunner().invoke(cli, ["status", "--history", "--limit", "2"], env=sync_env).stdout
    assert len(table.splitlines()) == 4 and "cleanup_refused" not in table  # title, header, rule... two runs


def test_a_cleanup_skipped_after_a_partial_crawl_is_its_own_outcome(
    sandbox_url: str, sagemaker_client: Any, sync_env: dict[str, str], clean_neo4j: Driver
) -> None:
    seed_demo(sagemaker_client)
    sync_json(sync_env)
    set_faults(sandbox_url, deny_operations=["ListActions"])
    try:
        code, skipped = run(sync_env, "sync", "--full")
    finally:
        clear_faults(sandbox_url)
    assert code == 9 and skipped["outcome"] == "cleanup_skipped"
    assert skipped["reason"].startswith("cleanup skipped: partial crawl") and "ListActions" in skipped["reason"]
    assert skipped["cleanup_pending"]["outcome"] == "cleanup_skipped"
    (shard,) = _status(sync_env)["shards"]
    assert shard["last_run"]["outcome"] == "cleanup_skipped" and shard["cleanup_pending"] is not None

    code, whole = run(sync_env, "sync", "--full")
    assert code == 0 and whole["outcome"] == "success" and whole["cleanup_pending"] is None


def test_the_demo_sync_is_recorded_as_a_sync_run(
    sandbox_url: str,
    sagemaker_client: Any,
    sync_env: dict[str, str],
    clean_neo4j: Driver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from moto.core import DEFAULT_ACCOUNT_ID

    from lineage_graph.cli.demo_cmd import sync_demo

    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    seed_demo(sagemaker_client)
    report = sync_demo(clean_neo4j, "neo4j", sandbox_url, DEFAULT_ACCOUNT_ID)
    code, history = run(sync_env, "status", "--history")
    assert code == 0 and len(history) == 1
    (demo,) = history
    assert (demo["shard"], demo["mode"], demo["outcome"]) == (f"{DEFAULT_ACCOUNT_ID}:us-east-1", "full", "success")
    assert demo["counts"]["nodes_created"] == sum(c.created for c in report.nodes.values()) > 0


def test_the_status_table_says_why_a_run_failed(clean_neo4j: Driver, sync_env: dict[str, str]) -> None:
    now = now_utc()
    report = {"error": "cannot reach Neo4j at bolt://db:7687"}
    record_run(
        clean_neo4j,
        "neo4j",
        "1:eu-west-1",
        started_at=now,
        finished_at=now,
        outcome="failed",
        report=report,
        mode="full",
    )
    lines = CliRunner().invoke(cli, ["status"], env=sync_env).stdout.splitlines()
    (row,) = [line for line in lines if line.startswith("1:eu-west-1")]
    assert "failed" in row and row.endswith("cannot reach Neo4j at bolt://db:7687")
    assert _status(sync_env)["shards"][0]["last_run"]["reason"] == report["error"]


def test_over_several_shards_a_failure_then_a_held_lease_then_a_cleanup_outcome_decides_the_exit_code() -> None:
    from lineage_graph.settings import AwsSettings
    from lineage_graph.shards import ShardOutcome, exit_code

    def outcomes(*codes: int) -> list[ShardOutcome]:
        return [ShardOutcome(AwsSettings(region="us-east-1"), exit_code=code) for code in codes]

    assert exit_code(outcomes(0, 7, 9)) == 9
    assert exit_code(outcomes(7, 9, 8, 0)) == 8
    assert exit_code(outcomes(8, 6, 7)) == 6
    assert exit_code(outcomes(9, 6, 4)) == 4
    assert exit_code(outcomes(0, 7)) == 7
