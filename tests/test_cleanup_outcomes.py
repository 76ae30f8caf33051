"""A dry run measures the delete share as the real run does.

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
