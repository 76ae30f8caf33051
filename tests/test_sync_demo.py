"""End to end: the demo account in the sandbox, synced over HTTP by the real CLI into a real Neo4j.

The answers are checked against the sandbox itself: its associations (one relationship each), its
QueryLineage (the lookups with --max-depth 10, for every trial component) and the job tags the SDK's
pipeline_execution_arn() reads.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from click.testing import CliRunner, Result
from fixtures.snapshots import lineage_snapshot
from fixtures.sync_cli import sync_json
from neo4j import Driver

from lineage_graph.cli import cli
from lineage_graph.sandbox.seed import DEMO_TRIAL_COMPONENT, seed_demo

REGION = "us-east-1"


def run_cli(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


@pytest.fixture(scope="module")
def demo(sandbox_url: str) -> Iterator[Any]:
    """A freshly seeded demo account; module-scoped because seeding and syncing take seconds."""
    urllib.request.urlopen(urllib.request.Request(f"{sandbox_url}/moto-api/reset", method="POST"), timeout=30)
    client = boto3.client(
        "sagemaker",
        region_name=REGION,
        endpoint_url=sandbox_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    seed_demo(client)
    yield client


@pytest.fixture(scope="module")
def synced(demo: Any, sync_env: dict[str, str], neo4j_settings: Any) -> Iterator[dict[str, Any]]:
    """The first sync's JSON report, into an emptied database."""
    from neo4j import GraphDatabase

    with GraphDatabase.driver(neo4j_settings.uri, auth=(neo4j_settings.username, neo4j_settings.password)) as d:
        d.execute_query("MATCH (n) DETACH DELETE n", database_=neo4j_settings.database)
    yield sync_json(sync_env)


def paginate(client: Any, operation: str, key: str, **params: Any) -> list[dict[str, Any]]:
    return [item for page in client.get_paginator(operation).paginate(**params) for item in page[key]]


def all_trial_components(client: Any) -> list[dict[str, Any]]:
    return paginate(client, "list_trial_components", "TrialComponentSummaries")


def query_lineage(client: Any, arn: str, direction: str, artifact_type: str) -> set[str]:
    """Every page of QueryLineage (the SDK reads only the first), depth 10."""
    arns: set[str] = set()
    params: dict[str, Any] = {
        "StartArns": [arn],
        "Direction": direction,
        "IncludeEdges": False,
        "MaxDepth": 10,
        "Filters": {"Types": [artifact_type], "LineageTypes": ["Artifact"]},
        "MaxResults": 50,
    }
    while True:
        page = client.query_lineage(**params)
        arns |= {v["Arn"] for v in page["Vertices"]}
        if not page.get("NextToken"):
            return arns
        params["NextToken"] = page["NextToken"]


def test_sync_writes_every_entity_and_association(synced: dict[str, Any], demo: Any, neo4j_driver: Driver) -> None:
    nodes = synced["nodes"]
    assert nodes["TrialComponent"]["created"] == len(all_trial_components(demo))
    assert nodes["Artifact"]["created"] == len(paginate(demo, "list_artifacts", "ArtifactSummaries"))
    assert nodes["Context"]["created"] == len(paginate(demo, "list_contexts", "ContextSummaries"))
    assert nodes["Action"]["created"] == len(paginate(demo, "list_actions", "ActionSummaries"))
    assert nodes["PipelineExecution"]["created"] == sum(
        len(paginate(demo, "list_pipeline_executions", "PipelineExecutionSummaries", PipelineName=p["PipelineName"]))
        for p in paginate(demo, "list_pipelines", "PipelineSummaries")
    )
    expected = {
        (a["SourceArn"], a["AssociationType"], a["DestinationArn"])
        for a in paginate(demo, "list_associations", "AssociationSummaries")
    }
    rows = neo4j_driver.execute_query(
        "MATCH (s)-[r:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS]->(d) "
        "RETURN s.arn AS s, type(r) AS t, d.arn AS d",
        database_="neo4j",
    ).records
    to_api = {
        "CONTRIBUTED_TO": "ContributedTo",
        "ASSOCIATED_WITH": "AssociatedWith",
        "DERIVED_FROM": "DerivedFrom",
        "PRODUCED": "Produced",
        "SAME_AS": "SameAs",
    }
    assert {(r["s"], to_api[r["t"]], r["d"]) for r in rows} == expected
    assert len(rows) == len(expected)
    assert synced["placeholders_created"] == 0
    assert synced["pipeline_steps"]["unmatched"] == 0
    assert synced["pipeline_steps"]["linked"] > 0
    assert synced["api_calls"]["ListAssociations"] == -(-len(expected) // 100)  # one scan, 100 a page


def test_second_sync_changes_nothing(synced: dict[str, Any], sync_env: dict[str, str], neo4j_driver: Driver) -> None:
    before = lineage_snapshot(neo4j_driver)
    report = sync_json(sync_env)
    assert all(c["created"] == 0 and c["updated"] == 0 for c in report["nodes"].values()), report["nodes"]
    assert all(e["created"] == 0 for e in report["edges"].values()), report["edges"]
    assert report["placeholders_created"] == 0
    assert lineage_snapshot(neo4j_driver) == before


@pytest.mark.parametrize(
    ("command", "direction", "artifact_type"),
    [
        ("datasets", "Ascendants", "DataSet"),
        ("models", "Descendants", "Model"),
    ],
)
def test_lookups_agree_with_query_lineage_for_every_trial_component(
    synced: dict[str, Any], demo: Any, sync_env: dict[str, str], command: str, direction: str, artifact_type: str
) -> None:
    trial_components = all_trial_components(demo)
    assert len(trial_components) > 30
    nonempty = 0
    for tc in trial_components:
        result = run_cli(sync_env, command, tc["TrialComponentName"], "--max-depth", "10", "--format", "json")
        assert result.exit_code == 0, result.output
        ours = {row["arn"] for row in json.loads(result.stdout)}
        assert ours == query_lineage(demo, tc["TrialComponentArn"], direction, artifact_type), tc["TrialComponentName"]
        nonempty += bool(ours)
    assert nonempty > len(trial_components) // 2


def test_pipeline_execution_agrees_with_the_job_tag(
    synced: dict[str, Any], demo: Any, sync_env: dict[str, str]
) -> None:
    with_pipeline = 0
    for tc in all_trial_components(demo):
        described = demo.describe_trial_component(TrialComponentName=tc["TrialComponentName"])
        expected = None
        if described.get("Source", {}).get("SourceArn"):
            tags = demo.list_tags(ResourceArn=described["Source"]["SourceArn"])["Tags"]
            expected = next((t["Value"] for t in tags if t["Key"] == "sagemaker:pipeline-execution-arn"), None)
        result = run_cli(sync_env, "pipeline-execution", tc["TrialComponentArn"], "--format", "json")
        assert result.exit_code == 0, result.output
        answer = json.loads(result.stdout)
        assert (answer["trial_component_arn"], answer["pipeline_execution_arn"]) == (tc["TrialComponentArn"], expected)
        assert [e["arn"] for e in answer["pipeline_executions"]] == ([expected] if expected else [])
        with_pipeline += expected is not None
    assert with_pipeline >= 30


def test_demo_trial_component_lookups_in_every_format(synced: dict[str, Any], sync_env: dict[str, str]) -> None:
    table = run_cli(sync_env, "datasets", DEMO_TRIAL_COMPONENT)
    assert table.exit_code == 0 and table.stdout.startswith("NAME") and "s3://" in table.stdout
    rows = json.loads(run_cli(sync_env, "models", DEMO_TRIAL_COMPONENT, "--format", "json").stdout)
    assert rows and {"arn", "name", "lineage_type", "type", "source_uri"} <= set(rows[0])
    assert all(r["type"] == "Model" and r["lineage_type"] == "Artifact" for r in rows)
    csv_out = run_cli(sync_env, "datasets", DEMO_TRIAL_COMPONENT, "--format", "csv").stdout.splitlines()
    assert csv_out[0].startswith("arn,name,lineage_type,type,source_uri")
    assert len(csv_out) == 1 + len(
        json.loads(run_cli(sync_env, "datasets", DEMO_TRIAL_COMPONENT, "--format", "json").stdout)
    )


def test_unknown_trial_component_exits_2(synced: dict[str, Any], sync_env: dict[str, str]) -> None:
    for command in ("datasets", "models", "pipeline-execution"):
        result = CliRunner().invoke(cli, [command, "no-such-trial-component"], env=sync_env)
        assert result.exit_code == 2, (command, result.output)
        assert "no trial component named 'no-such-trial-component'" in result.output
