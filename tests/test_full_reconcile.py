"""--full reconciles: what SageMaker no longer has leaves the graph, within a delete bound, and the result
equals a fresh full sync of the same account."""

from __future__ import annotations

import json
from typing import Any

from click.testing import CliRunner
from fixtures.snapshots import lineage_snapshot
from fixtures.sync_cli import sync_json
from neo4j import Driver

from lineage_graph.cli import cli


def artifact(client: Any, name: str) -> str:
    return str(
        client.create_artifact(ArtifactName=name, Source={"SourceUri": f"s3://b/{name}"}, ArtifactType="DataSet")[
            "ArtifactArn"
        ]
    )


def test_full_run_removes_what_is_gone_and_keeps_edges_to_deleted_ends(
    sagemaker_client: Any, sync_env: dict[str, str], clean_neo4j: Driver
) -> None:
    raw, features, extra = (
        artifact(sagemaker_client, "raw"),
        artifact(sagemaker_client, "features"),
        artifact(sagemaker_client, "extra"),
    )
    keep = [artifact(sagemaker_client, f"keep-{i}") for i in range(3)]
    sagemaker_client.add_association(SourceArn=raw, DestinationArn=features, AssociationType="DerivedFrom")
    sagemaker_client.add_association(SourceArn=features, DestinationArn=extra, AssociationType="ContributedTo")
    first = sync_json(sync_env, "--full")
    assert first["cleanup"]["stale_nodes"] == 0 and first["cleanup"]["nodes_deleted"] == 0

    sagemaker_client.delete_association(SourceArn=features, DestinationArn=extra)
    sagemaker_client.delete_artifact(ArtifactArn=extra)
    sagemaker_client.delete_artifact(ArtifactArn=raw)  # its DerivedFrom association stays in SageMaker

    # 2 of 6 artifacts and 1 of 2 edges would go: over the 5% bound, refused (exit 8)
    result = CliRunner().invoke(cli, ["sync", "--full", "--format", "json"], env=sync_env)
    assert result.exit_code == 8, result.output
    refused = json.loads(result.stdout)
    assert refused["cleanup"]["refused"] is True
    assert refused["cleanup"]["nodes_deleted"] == 0 and refused["cleanup"]["relationships_deleted"] == 0
    assert clean_neo4j.execute_query("MATCH (n {arn: $a}) RETURN n", a=extra, database_="neo4j").records

    report = sync_json(sync_env, "--full", "--max-delete-fraction", "0.5")
    cleanup = report["cleanup"]
    assert cleanup["refused"] is False
    assert (cleanup["relationships_deleted"], cleanup["nodes_deleted"], cleanup["nodes_made_placeholders"]) == (1, 1, 1)
    placeholder = clean_neo4j.execute_query(
        "MATCH (p:Placeholder {arn: $a})-[:DERIVED_FROM]->(f {arn: $f}) RETURN p.type AS type, p.name AS name",
        a=raw,
        f=features,
        database_="neo4j",
    ).records
    assert [(r["type"], r["name"]) for r in placeholder] == [("DataSet", "raw")]
    assert not clean_neo4j.execute_query("MATCH (n {arn: $a}) RETURN n", a=extra, database_="neo4j").records
    assert len(keep) == 3

    reconciled = lineage_snapshot(clean_neo4j)
    clean_neo4j.execute_query("MATCH (n) DETACH DELETE n", database_="neo4j")
    sync_json(sync_env, "--full")
    assert lineage_snapshot(clean_neo4j) == reconciled


def test_force_delete_overrides_the_bound_and_incremental_runs_never_delete(
    sagemaker_client: Any, sync_env: dict[str, str], clean_neo4j: Driver
) -> None:
    arns = [artifact(sagemaker_client, f"a-{i}") for i in range(4)]
    sync_json(sync_env)
    for arn in arns[:2]:
        sagemaker_client.delete_artifact(ArtifactArn=arn)
    assert sync_json(sync_env)["cleanup"] is None  # incremental: deletions are invisible, nothing is removed
    assert clean_neo4j.execute_query("MATCH (a:Artifact) RETURN count(a) AS n", database_="neo4j").records[0]["n"] == 4
    forced = sync_json(sync_env, "--full", "--force-delete")
    assert forced["cleanup"]["nodes_deleted"] == 2
    assert clean_neo4j.execute_query("MATCH (a:Artifact) RETURN count(a) AS n", database_="neo4j").records[0]["n"] == 2


def test_dry_run_reports_changes_and_deletions_and_writes_nothing(
    sagemaker_client: Any, sync_env: dict[str, str], clean_neo4j: Driver
) -> None:
    first, second, third = (artifact(sagemaker_client, name) for name in ("one", "two", "three"))
    sagemaker_client.add_association(SourceArn=first, DestinationArn=second, AssociationType="ContributedTo")
    sync_json(sync_env)
    before = lineage_snapshot(clean_neo4j)
    watermarks = clean_neo4j.execute_query(
        "MATCH (s:SyncState) RETURN s.kind AS k, s.watermark AS w ORDER BY k", database_="neo4j"
    ).records

    sagemaker_client.delete_artifact(ArtifactArn=third)
    fourth = artifact(sagemaker_client, "four")
    sagemaker_client.add_association(SourceArn=second, DestinationArn=fourth, AssociationType="DerivedFrom")
    sagemaker_client.update_artifact(ArtifactArn=first, Properties={"owner": "ml-platform"})
    dry = sync_json(sync_env, "--full", "--dry-run", "--max-delete-fraction", "0.5")

    assert dry["dry_run"] is True
    assert dry["nodes"]["Artifact"] == {"created": 1, "updated": 1, "unchanged": 1}
    assert dry["edges"]["DERIVED_FROM"]["created"] == 1 and dry["edges"]["CONTRIBUTED_TO"]["created"] == 0
    assert dry["cleanup"]["stale_nodes"] == 1 and dry["cleanup"]["stale_sample"] == [third]
    assert lineage_snapshot(clean_neo4j) == before
    assert (
        clean_neo4j.execute_query(
            "MATCH (s:SyncState) RETURN s.kind AS k, s.watermark AS w ORDER BY k", database_="neo4j"
        ).records
        == watermarks
    )
