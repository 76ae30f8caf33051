"""The sweep never loses or invents what SageMaker has: shards sharing one Neo4j leave each other's
placeholders and associations alone, and a record the crawl skips keeps what the graph had of it."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import pytest
from fixtures.sync_cli import sync_json
from neo4j import Driver
from test_full_reconcile import artifact

from lineage_graph.graph.load import ASSOCIATION_ATTEMPTS, AssociationWriteError, GraphWriter
from lineage_graph.graph.rows import Association, NodeRow
from lineage_graph.sagemaker import kinds, transform

ACCOUNT = "123456789012"
HERE = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}"
FOREIGN = "arn:aws:sagemaker:eu-west-1:999999999999"
EDGELESS = "MATCH (p:Placeholder) WHERE NOT EXISTS { (p)--() } DETACH DELETE p"


class RacingWriter(GraphWriter):
    """Another shard's sweep deletes the edgeless placeholders, from its own session, right after this
    writer commits its placeholders and before it writes their edges (``rounds`` times)."""

    def __init__(self, driver: Driver, rounds: int) -> None:
        super().__init__(driver, "neo4j")
        self.rounds = rounds

    def write_placeholders(self, rows: Iterable[NodeRow]) -> int:
        created = super().write_placeholders(rows)
        if self.rounds:
            self.rounds -= 1
            self.db.driver.execute_query(EDGELESS, database_="neo4j")
        return created


def _associations() -> list[Association]:
    local = f"{HERE}:artifact/local"
    shared = f"{FOREIGN}:artifact/shared"
    return [
        transform.association(
            {"SourceArn": local, "DestinationArn": shared, "AssociationType": "SameAs", "DestinationType": "DataSet"}
        ),
        transform.association(
            {"SourceArn": shared, "DestinationArn": local, "AssociationType": "SameAs", "SourceType": "DataSet"}
        ),
    ]


def _with_local_artifact(writer: GraphWriter) -> GraphWriter:
    writer.apply_schema()
    writer.write_nodes([transform.artifact({"ArtifactArn": f"{HERE}:artifact/local", "ArtifactType": "DataSet"})])
    return writer


def _same_as(driver: Driver) -> int:
    return int(driver.execute_query("MATCH ()-[r:SAME_AS]->() RETURN count(r) AS n", database_="neo4j").records[0]["n"])


@pytest.mark.parametrize("rounds", [1, ASSOCIATION_ATTEMPTS - 1])
def test_an_association_whose_placeholder_vanishes_before_its_edge_is_still_written(
    clean_neo4j: Driver, rounds: int
) -> None:
    writer = _with_local_artifact(RacingWriter(clean_neo4j, rounds=rounds))
    created, _ = writer.write_associations(_associations())
    assert created["SAME_AS"] == 2
    assert _same_as(clean_neo4j) == 2


def test_an_association_whose_ends_keep_vanishing_fails_the_write_instead_of_dropping_it(
    clean_neo4j: Driver,
) -> None:
    writer = _with_local_artifact(RacingWriter(clean_neo4j, rounds=1_000))
    with pytest.raises(AssociationWriteError, match="2 associations could not be written"):
        writer.write_associations(_associations())


def test_the_sweep_drops_only_its_own_shards_edgeless_placeholders(
    sagemaker_client: Any, sync_env: dict[str, str], clean_neo4j: Driver
) -> None:
    local = artifact(sagemaker_client, "local")
    sync_json(sync_env, "--full")
    # Another shard (eu-west-1) has written a placeholder and not yet its edge; this shard has an edgeless
    # placeholder of its own, and an association (gone from SageMaker) to another account's entity.
    writer = GraphWriter(clean_neo4j, "neo4j")
    writer.write_placeholders(
        [
            transform.placeholder(f"{FOREIGN}:artifact/in-flight", "DataSet", None),
            transform.placeholder(f"{HERE}:artifact/orphan", "DataSet", None),
        ]
    )
    writer.shard = f"{ACCOUNT}:us-east-1"
    writer.write_associations(
        [transform.association({"SourceArn": local, "DestinationArn": f"{FOREIGN}:artifact/gone"})]
    )

    cleanup = sync_json(sync_env, "--full", "--force-delete")["cleanup"]

    assert (cleanup["relationships_deleted"], cleanup["placeholders_deleted"]) == (1, 2)
    left = clean_neo4j.execute_query("MATCH (p:Placeholder) RETURN p.arn AS arn", database_="neo4j").records
    assert [r["arn"] for r in left] == [f"{FOREIGN}:artifact/in-flight"]


def test_a_full_run_with_a_malformed_record_names_it_keeps_it_and_still_sweeps(
    sagemaker_client: Any, sync_env: dict[str, str], clean_neo4j: Driver
) -> None:
    from click.testing import CliRunner
    from moto.sagemaker.models import sagemaker_backends

    from lineage_graph.cli import cli

    sagemaker_client.create_experiment(ExperimentName="exp")
    trial = sagemaker_client.create_trial(TrialName="t1", ExperimentName="exp")["TrialArn"]
    sagemaker_client.create_trial_component(TrialComponentName="tc1")
    sagemaker_client.associate_trial_component(TrialComponentName="tc1", TrialName="t1")
    gone = artifact(sagemaker_client, "gone")
    sync_json(sync_env, "--full")

    # SageMaker answers a record the crawl cannot use (a Search trial without its ExperimentName), and an
    # artifact is deleted: the full run must say which record it skipped and why, and still sweep.
    sagemaker_backends[ACCOUNT]["us-east-1"].trials["t1"].experiment_name = None
    sagemaker_client.delete_artifact(ArtifactArn=gone)
    dry = CliRunner().invoke(cli, ["sync", "--full", "--dry-run", "--force-delete", "--format", "json"], env=sync_env)
    result = CliRunner().invoke(cli, ["sync", "--full", "--force-delete", "--format", "json"], env=sync_env)

    assert result.exit_code == 7, result.output  # finished, but could not read everything
    report = json.loads(result.stdout)
    assert report["skipped"] == {"Trial": 1}
    assert report["skipped_records"] == [{"kind": "Trial", "arn": trial, "reason": "missing ExperimentName"}]
    assert report["cleanup"]["nodes_deleted"] == 1
    # the dry run keeps the skipped record and its relationships as the real run does: the same share
    measured = ("stale_nodes", "total_nodes", "stale_relationships", "total_relationships", "fraction")
    dry_cleanup = json.loads(dry.stdout)["cleanup"]
    assert {k: dry_cleanup[k] for k in measured} == {k: report["cleanup"][k] for k in measured}
    assert not clean_neo4j.execute_query("MATCH (n {arn: $a}) RETURN n", a=gone, database_="neo4j").records
    kept = clean_neo4j.execute_query(
        "MATCH (:TrialComponent {name: 'tc1'})-[:IN_TRIAL]->(t:Trial {arn: $a})-[:IN_EXPERIMENT]->(:Experiment) "
        "RETURN t.experiment_name AS e, t:Placeholder AS placeholder",
        a=trial,
        database_="neo4j",
    ).records
    assert [(r["e"], r["placeholder"]) for r in kept] == [("exp", False)]


def test_a_swept_graph_equals_a_clean_sync_of_the_same_sagemaker_state(
    sagemaker_client: Any, sync_env: dict[str, str], clean_neo4j: Driver
) -> None:
    from fixtures.snapshots import lineage_snapshot
    from test_incremental import train

    train(sagemaker_client, "churn-train", "s3://data/churn/")
    train(sagemaker_client, "fraud-train", "s3://data/fraud/")
    sync_json(sync_env, "--full")
    jobs = clean_neo4j.execute_query(
        "MATCH (tc:TrainingJob) RETURN tc.name AS name, tc.arn AS arn ORDER BY name", database_="neo4j"
    ).records
    assert [r["name"] for r in jobs] == ["churn-train-aws-training-job", "fraud-train-aws-training-job"]

    # A job's trial component leaves SageMaker; its associations stay, so it becomes a placeholder.
    sagemaker_client.delete_trial_component(TrialComponentName=jobs[0]["name"])
    swept = sync_json(sync_env, "--full", "--force-delete")
    assert swept["cleanup"]["nodes_made_placeholders"] == 1
    assert not clean_neo4j.execute_query("MATCH (n:TrainingJob:Placeholder) RETURN n", database_="neo4j").records
    reconciled = lineage_snapshot(clean_neo4j)

    clean_neo4j.execute_query("MATCH (n) DETACH DELETE n", database_="neo4j")
    assert sync_json(sync_env, "--full")["placeholders_created"] == 1
    assert lineage_snapshot(clean_neo4j) == reconciled


def test_a_context_gone_between_its_listing_and_its_describe_is_skipped_by_arn(
    sagemaker_client: Any, sandbox_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lineage_graph.sagemaker.client import SageMakerApi
    from lineage_graph.sagemaker.crawl import Crawler, Skip
    from lineage_graph.settings import AwsSettings

    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(key, value)
    arns = [
        sagemaker_client.create_context(ContextName=name, ContextType="Endpoint", Source={"SourceUri": name})[
            "ContextArn"
        ]
        for name in ("first", "second")
    ]
    crawler = Crawler(SageMakerApi(AwsSettings(region="us-east-1", endpoint_url=sandbox_url)))
    contexts = crawler.records(kinds.CONTEXT)
    assert next(contexts)["ContextArn"] == arns[0]  # the page listing both is read; "second" is not described yet
    sagemaker_client.delete_context(ContextName="second")
    assert list(contexts) == []
    assert crawler.skipped == [Skip("Context", arns[1], "gone before DescribeContext (ResourceNotFound)")]
