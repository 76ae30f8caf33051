"""Sync behaviour on accounts the demo does not cover, and errors a user can hit, through the real CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from fixtures.sync_cli import sync_json
from neo4j import Driver


def test_deleted_association_end_lands_as_placeholder_with_listassociations_type(
    sagemaker_client: Any, sync_env: dict[str, str], clean_neo4j: Driver
) -> None:
    kept = sagemaker_client.create_artifact(
        ArtifactName="features", Source={"SourceUri": "s3://b/features"}, ArtifactType="DataSet"
    )["ArtifactArn"]
    gone = sagemaker_client.create_artifact(
        ArtifactName="raw", Source={"SourceUri": "s3://b/raw"}, ArtifactType="DataSet"
    )["ArtifactArn"]
    sagemaker_client.add_association(SourceArn=gone, DestinationArn=kept, AssociationType="DerivedFrom")
    sagemaker_client.delete_artifact(ArtifactArn=gone)  # SageMaker keeps the association

    report = sync_json(sync_env)

    assert report["placeholders_created"] == 1
    assert report["nodes"]["Artifact"]["created"] == 1
    row = clean_neo4j.execute_query(
        "MATCH (p:Placeholder)-[:DERIVED_FROM]->(k:Artifact {arn: $kept}) "
        "RETURN p.arn AS arn, p.type AS type, p.name AS name, labels(p) AS labels",
        kept=kept,
        database_="neo4j",
    ).records
    assert len(row) == 1
    assert (row[0]["arn"], row[0]["type"], row[0]["name"]) == (gone, "DataSet", "raw")
    assert set(row[0]["labels"]) == {"LineageEntity", "Artifact", "DataSet", "Placeholder"}


def test_property_changes_update_the_node_and_nothing_else(
    sagemaker_client: Any, sync_env: dict[str, str], clean_neo4j: Driver
) -> None:
    sagemaker_client.create_context(
        ContextName="churn-models",
        Source={"SourceUri": "arn:x"},
        ContextType="ModelGroup",
        Properties={"stage": "dev"},
    )
    sync_json(sync_env)
    sagemaker_client.update_context(ContextName="churn-models", Properties={"stage": "prod"})
    report = sync_json(sync_env)
    assert report["nodes"]["Context"] == {"created": 0, "updated": 1, "unchanged": 0}
    stage = clean_neo4j.execute_query(
        "MATCH (c:Context {name: 'churn-models'}) RETURN c.`property.stage` AS s", database_="neo4j"
    ).records[0]["s"]
    assert stage == "prod"


def run_main(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The installed entry point in a child process: what a user sees, tracebacks included."""
    return subprocess.run(
        [sys.executable, "-c", "from lineage_graph.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", **env},
    )


def test_unreachable_neo4j_is_one_line_without_password_or_traceback() -> None:
    result = run_main("models", "x", "--neo4j-uri", "bolt://127.0.0.1:9", "--neo4j-password", "s3cret-Pa55word")
    assert result.returncode == 4
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    assert "not reachable at bolt://127.0.0.1:9" in result.stderr and "lineage-graph neo4j start" in result.stderr
    assert "s3cret-Pa55word" not in result.stderr + result.stdout


def test_wrong_neo4j_password_is_one_line_without_password(neo4j_settings: Any) -> None:
    result = run_main("models", "x", "--neo4j-uri", neo4j_settings.uri, NEO4J_PASSWORD="wrong-Pa55word-123")
    assert result.returncode == 4
    assert result.stderr.count("\n") == 1, result.stderr
    assert "refused the credentials" in result.stderr
    assert "wrong-Pa55word-123" not in result.stderr + result.stdout


def test_unreachable_sagemaker_is_one_line(neo4j_settings: Any) -> None:
    result = run_main(
        "sync",
        "--region",
        "us-east-1",
        "--endpoint-url",
        "http://127.0.0.1:9",
        NEO4J_URI=neo4j_settings.uri,
        NEO4J_PASSWORD=neo4j_settings.password,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_MAX_ATTEMPTS="1",
    )
    assert result.returncode == 5, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert "the SageMaker endpoint http://127.0.0.1:9 is not reachable" in result.stderr


def test_a_held_lease_stops_a_second_sync_of_the_shard_with_exit_6(
    sagemaker_client: Any, sync_env: dict[str, str], clean_neo4j: Driver, neo4j_settings: Any
) -> None:
    from click.testing import CliRunner

    from lineage_graph.cli import cli
    from lineage_graph.graph.bookkeeping.leases import acquire_lease
    from lineage_graph.graph.bookkeeping.runs import last_runs

    shard = "123456789012:us-east-1"
    with acquire_lease(clean_neo4j, neo4j_settings.database, shard, holder="other-host:42:abc", ttl_seconds=60):
        result = CliRunner().invoke(cli, ["sync"], env=sync_env)
        assert result.exit_code == 6, result.output
        assert "other-host:42:abc" in result.output
    assert sync_json(sync_env)["mode"] == "full"  # released: the next run goes ahead
    outcomes = [run["outcome"] for run in last_runs(clean_neo4j, neo4j_settings.database, shard)]
    assert outcomes[:2] == ["success", "lease_held"]


def test_log_format_json_gives_one_json_object_per_line(
    sagemaker_client: Any, sync_env: dict[str, str], clean_neo4j: Driver
) -> None:
    from click.testing import CliRunner

    from lineage_graph.cli import cli

    sagemaker_client.create_artifact(ArtifactName="a", Source={"SourceUri": "s3://b/a"}, ArtifactType="DataSet")
    result = CliRunner().invoke(cli, ["sync", "-v", "--log-format", "json", "--format", "json"], env=sync_env)
    assert result.exit_code == 0, result.output
    entries = [json.loads(line) for line in result.stderr.splitlines()]
    assert entries and all({"time", "level", "logger", "message"} <= set(e) for e in entries)
    assert any(e["message"] == "123456789012:us-east-1: Artifact 1" for e in entries)
    assert json.loads(result.stdout)["nodes"]["Artifact"]["created"] == 1
