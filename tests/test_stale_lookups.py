"""Lookups on a graph that holds more than SageMaker does now: they say so instead of choosing silently.

The demo is synced, then the sandbox is emptied and seeded again (the same jobs and trial components, new
pipeline execution IDs, as after restarting ``sandbox serve --seed demo``) and synced again incrementally:
an incremental run deletes nothing, so each pipeline trial component is linked to its old execution, which
SageMaker no longer has, and to the new one.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from click.testing import CliRunner
from fixtures.sync_cli import sync_json

from lineage_graph import api
from lineage_graph.cli import cli
from lineage_graph.sandbox.seed import DEMO_TRIAL_COMPONENT, seed_demo
from lineage_graph.sandbox.server import client_for, reset
from lineage_graph.settings import Neo4jSettings


def execution_tag(client: Any) -> str:
    """The execution the demo trial component's job ran in, as the SDK reads it: the job's tag."""
    job = client.describe_trial_component(TrialComponentName=DEMO_TRIAL_COMPONENT)["Source"]["SourceArn"]
    tags = client.list_tags(ResourceArn=job)["Tags"]
    return str(next(t["Value"] for t in tags if t["Key"] == "sagemaker:pipeline-execution-arn"))


@pytest.fixture(scope="module")
def reseeded(sandbox_url: str, sync_env: dict[str, str], neo4j_settings: Neo4jSettings) -> tuple[str, str]:
    """(old, new) execution of the demo trial component, both linked in the graph."""
    from neo4j import GraphDatabase

    reset(sandbox_url)
    client = client_for(sandbox_url)
    seed_demo(client)
    with GraphDatabase.driver(neo4j_settings.uri, auth=(neo4j_settings.username, neo4j_settings.password)) as d:
        d.execute_query("MATCH (n) DETACH DELETE n", database_=neo4j_settings.database)
    sync_json(sync_env)
    old = execution_tag(client)
    reset(sandbox_url)
    seed_demo(client)
    sync_json(sync_env)
    return old, execution_tag(client)


def pipeline_execution(env: dict[str, str], *args: str) -> str:
    result = CliRunner().invoke(cli, ["pipeline-execution", DEMO_TRIAL_COMPONENT, *args], env=env)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_several_linked_executions_are_all_listed_newest_first(
    reseeded: tuple[str, str], sync_env: dict[str, str]
) -> None:
    old, new = reseeded
    assert old != new
    answer = json.loads(pipeline_execution(sync_env, "--format", "json"))
    assert answer["pipeline_execution_arn"] == new  # the newest that ran the job: the job's tag
    assert [e["arn"] for e in answer["pipeline_executions"]] == [new, old]
    first, second = answer["pipeline_executions"]
    assert first["start_time"] > second["start_time"] and not first["cache_hit"]
    assert {e["step_name"] for e in answer["pipeline_executions"]} == {"TrainModel"}
    table = pipeline_execution(sync_env)
    assert table.index(new) < table.index(old)
    assert "2 pipeline executions are linked to this trial component (newest first)" in table
    csv_rows = pipeline_execution(sync_env, "--format", "csv").strip().splitlines()
    assert len(csv_rows) == 3 and csv_rows[0].startswith("trial_component_arn,pipeline_execution_arn,")


def test_the_api_keeps_the_sdks_single_answer_and_warns(
    reseeded: tuple[str, str], neo4j_settings: Neo4jSettings, caplog: pytest.LogCaptureFixture
) -> None:
    old, new = reseeded
    with api.LineageGraph.connect(neo4j_settings) as graph, caplog.at_level(logging.WARNING):
        assert api.LineageTrialComponent.load(DEMO_TRIAL_COMPONENT, graph).pipeline_execution_arn() == new
    warned = [r.getMessage() for r in caplog.records if r.name == "lineage_graph.api.lineage_trial_component"]
    assert len(warned) == 1 and "2 pipeline executions are linked" in warned[0] and old in warned[0]


def test_no_linked_execution_logs_nothing(
    reseeded: tuple[str, str], neo4j_settings: Neo4jSettings, caplog: pytest.LogCaptureFixture
) -> None:
    with api.LineageGraph.connect(neo4j_settings) as graph, caplog.at_level(logging.WARNING):
        manual = api.LineageTrialComponent.load("customers-data-quality-review-2024-08", graph)
        assert manual.pipeline_execution_arn() is None
    assert not caplog.records


# -- last_seen -----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def gone_artifact(sandbox_url: str, sync_env: dict[str, str], neo4j_settings: Neo4jSettings) -> str:
    """A dataset the demo trial component read, seen by one full run, deleted from SageMaker before the
    next: its association stays, so the next full run keeps it as a placeholder. Runs after the tests
    above (it resets the sandbox and the graph)."""
    from neo4j import GraphDatabase

    reset(sandbox_url)
    client = client_for(sandbox_url)
    seed_demo(client)
    with GraphDatabase.driver(neo4j_settings.uri, auth=(neo4j_settings.username, neo4j_settings.password)) as d:
        d.execute_query("MATCH (n) DETACH DELETE n", database_=neo4j_settings.database)
    arn = str(
        client.create_artifact(
            ArtifactName="soon-gone", Source={"SourceUri": "s3://stale/soon-gone"}, ArtifactType="DataSet"
        )["ArtifactArn"]
    )
    tc = client.describe_trial_component(TrialComponentName=DEMO_TRIAL_COMPONENT)["TrialComponentArn"]
    client.add_association(SourceArn=arn, DestinationArn=tc, AssociationType="ContributedTo")
    sync_json(sync_env, "--full")
    client.delete_artifact(ArtifactArn=arn)
    sync_json(sync_env, "--full")
    return arn


def test_lookups_tell_what_the_last_full_run_did_not_see(
    gone_artifact: str, sync_env: dict[str, str], neo4j_settings: Neo4jSettings
) -> None:
    for command in (("datasets", DEMO_TRIAL_COMPONENT), ("lineage", DEMO_TRIAL_COMPONENT)):
        result = CliRunner().invoke(cli, [*command, "--format", "json"], env=sync_env)
        assert result.exit_code == 0, result.output
        rows = {r["arn"]: r for r in json.loads(result.stdout)}
        gone = rows.pop(gone_artifact)
        assert gone["placeholder"] and gone["last_seen"]
        # Every entity the last full run listed was seen after the one it did not.
        seen = [r["last_seen"] for r in rows.values() if not r["placeholder"]]
        assert seen and min(seen) > gone["last_seen"], command
    with api.LineageGraph.connect(neo4j_settings) as graph:
        tc = api.LineageTrialComponent.load(DEMO_TRIAL_COMPONENT, graph)
        found = {a.artifact_arn: a for a in tc.dataset_artifacts()}
        assert found[gone_artifact].placeholder and found[gone_artifact].last_seen is not None
        assert tc.last_seen is not None and found[gone_artifact].last_seen < tc.last_seen
