"""Answers across the sources: a Spark job's OpenLineage events upstream of the demo account's pipelines.

`impact` of the Spark output reaches the SageMaker jobs, models and endpoints built on it, `lineage` from the
endpoint reaches back to the ETL runs, their jobs and raw inputs; the SDK-mirroring answers (`datasets`,
`endpoint datasets`, `lineage_graph.api`) stay exactly SageMaker's and never cross the join.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from click.testing import CliRunner, Result
from fixtures.openlineage_nodes import ol_run, run_id
from fixtures.synced_demo import Account
from neo4j import Driver
from test_incremental import train

from lineage_graph import api
from lineage_graph.cli import cli
from lineage_graph.query import Direction
from lineage_graph.query.explore import GraphQueries, InvestigationQueries
from lineage_graph.sandbox.seed import RAW_CUSTOMERS

ENDPOINT = "churn-prod-aws-endpoint"
ENDPOINT_CONTEXT = f"arn:aws:sagemaker:us-east-1:123456789012:context/{ENDPOINT}"
LAND = ("spark", "etl.land_events")
RUN_LAND, RUN_BUILD = run_id(1), run_id(2)
BUILD = ("spark", "etl.build_customers")


@pytest.fixture(scope="module")
def build_extra() -> Callable[[Any], dict[str, str]]:
    def build(client: Any) -> dict[str, str]:
        train(client, "events-train", "s3://landing/events/")
        train(client, "archive-train", "s3://landing/events-archive/")
        return {}

    return build


@pytest.fixture(scope="module")
def spark(synced_demo: Account, synced_driver: Driver, sync_env: dict[str, str]) -> Driver:
    """Two Spark runs after the sync: one lands raw clicks as s3://landing/events, the other builds the demo's
    raw customers table from it (the dataset the churn pipelines read)."""
    ol_run(sync_env, RUN_LAND, LAND, inputs=[("s3://raw", "clicks")], outputs=[("s3://landing", "events")])
    ol_run(
        sync_env,
        RUN_BUILD,
        BUILD,
        inputs=[("s3a://landing", "/events/")],
        outputs=[("s3://acme-ml-raw", RAW_CUSTOMERS.removeprefix("s3://acme-ml-raw/"))],
    )
    return synced_driver


def run_cli(env: dict[str, str], *args: str) -> Result:
    result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def test_impact_of_a_spark_output_reaches_the_jobs_models_and_endpoints_built_on_it(
    spark: Driver, synced_demo: Account, sync_env: dict[str, str]
) -> None:
    grouped = json.loads(run_cli(sync_env, "impact", "s3://landing/events/", "--format", "json").stdout)
    runs = {(r["uri"], r["job"]) for r in grouped["openlineage_run"]}
    assert runs == {(RUN_BUILD, "spark/etl.build_customers")}  # the run that read it; not the one that wrote it
    assert {d["uri"] for d in grouped["openlineage_dataset"]} == {RAW_CUSTOMERS}
    assert all(d["arn"] is None for rows in grouped.values() for d in rows if d["lineage_type"] == "OpenLineage")

    # The SageMaker side: everything downstream of the raw customers artifact (the sandbox's own answer) and
    # of the events artifact the training job read, nothing of events-archive.
    customers = _artifact_arn(spark, RAW_CUSTOMERS)
    expected = set(synced_demo.bfs(customers, "descendants")) | {customers}
    events_artifact = _artifact_arn(spark, "s3://landing/events/")
    expected |= set(synced_demo.bfs(events_artifact, "descendants"))
    sagemaker = {r["arn"] for kind, rows in grouped.items() if not kind.startswith("pipeline") for r in rows}
    assert sagemaker - {None} == expected
    assert ENDPOINT in {e["name"] for e in grouped["endpoint"]}
    assert {"job", "model", "model_package", "pipeline_execution"} <= set(grouped)
    table = run_cli(sync_env, "impact", "s3://landing/events/").stdout
    assert RUN_BUILD in table and ENDPOINT in table


def test_lineage_from_an_endpoint_reaches_the_etl_runs_their_jobs_and_raw_inputs(
    spark: Driver, sync_env: dict[str, str]
) -> None:
    rows = json.loads(
        run_cli(sync_env, "lineage", ENDPOINT_CONTEXT, "--direction", "ascendants", "--format", "json").stdout
    )
    ol = {(r["type"], r["uri"], r["job"]) for r in rows if r["lineage_type"] == "OpenLineage"}
    assert ol == {
        ("Dataset", RAW_CUSTOMERS, None),
        ("Run", RUN_BUILD, "spark/etl.build_customers"),
        ("Dataset", "s3://landing/events", None),
        ("Run", RUN_LAND, "spark/etl.land_events"),
        ("Dataset", "s3://raw/clicks", None),
    }
    depth = {r["uri"]: r["depth"] for r in rows}
    artifact = next(r for r in rows if r["source_uri"] == RAW_CUSTOMERS and r["lineage_type"] == "Artifact")
    # One hop a step: the artifact, the same object in OpenLineage, the run that wrote it, what it read, ...
    assert [depth[u] for u in (RAW_CUSTOMERS, RUN_BUILD, "s3://landing/events", RUN_LAND, "s3://raw/clicks")] == [
        artifact["depth"] + i for i in range(1, 6)
    ]
    assert "s3://landing/events/" not in depth  # the training job's artifact is downstream of events, not up

    # Filters and pictures take OpenLineage's kinds; edges name the join and its rule.
    only = run_cli(
        sync_env, "lineage", ENDPOINT_CONTEXT, "--direction", "ascendants", "--type", "Run", "--format", "csv"
    )
    assert [line.split(",")[0] for line in only.stdout.strip().splitlines()[1:]] == [RUN_BUILD, RUN_LAND]
    graph = json.loads(
        run_cli(
            sync_env, "lineage", ENDPOINT_CONTEXT, "--direction", "ascendants", "--include-edges", "--format", "json"
        ).stdout
    )
    edges = {(e["source"], e["relationship"], e["rule"], e["destination"]) for e in graph["edges"]}
    assert (artifact["uri"], "SAME_OBJECT", "location", RAW_CUSTOMERS) in edges
    assert (RUN_BUILD, "WROTE", None, RAW_CUSTOMERS) in edges
    assert ("s3://landing/events", "READ_BY", None, RUN_BUILD) in edges
    for fmt in ("mermaid", "dot", "html"):
        picture = run_cli(sync_env, "lineage", ENDPOINT_CONTEXT, "--direction", "ascendants", "--format", fmt).stdout
        assert RUN_BUILD in picture or "etl.build_customers" in picture, fmt

    # An OpenLineage entity starts a lineage too: by URI (any spelling), run id or job namespace/name.
    down = json.loads(
        run_cli(sync_env, "lineage", "s3://raw/clicks/", "--direction", "descendants", "--format", "json").stdout
    )
    assert ENDPOINT in {r["name"] for r in down}
    assert json.loads(run_cli(sync_env, "lineage", RUN_LAND, "--format", "json").stdout)


def test_provenance_path_and_find_cross_the_join(spark: Driver, sync_env: dict[str, str]) -> None:
    tree = json.loads(run_cli(sync_env, "provenance", "churn-prod", "--format", "json").stdout)
    nodes = {n["uri"]: n for n in tree["nodes"]}
    assert nodes[RUN_LAND]["job"] == "spark/etl.land_events" and nodes[RUN_LAND]["arn"] is None
    assert nodes["s3://raw/clicks"]["parent"] == RUN_LAND  # clicks fed the run that landed events
    assert nodes[RUN_BUILD]["downstream"] == [RAW_CUSTOMERS]
    text = run_cli(sync_env, "provenance", "churn-prod").stdout
    assert "etl.land_events" in text and "spark/etl.land_events" in text

    paths = json.loads(run_cli(sync_env, "path", "s3://raw/clicks", ENDPOINT_CONTEXT, "--format", "json").stdout)
    hops = paths[0]["hops"]
    assert (hops[0]["source"], hops[0]["association_type"], hops[0]["destination"]) == (
        "s3://raw/clicks",
        "READ_BY",
        RUN_LAND,
    )
    assert ("SAME_OBJECT", "location") in {(h["association_type"], h["rule"]) for h in hops}
    assert hops[-1]["destination"] == ENDPOINT_CONTEXT

    found = json.loads(run_cli(sync_env, "find", "--source-uri-prefix", "s3://landing/", "--format", "json").stdout)
    by_uri = {r["uri"]: r for r in found}
    assert by_uri["s3://landing/events"]["lineage_type"] == "OpenLineage"
    assert "s3://landing/events/" in {r["source_uri"] for r in found if r["lineage_type"] == "Artifact"}
    runs = json.loads(
        run_cli(sync_env, "find", "--lineage-type", "OpenLineage", "--type", "Run", "--format", "json").stdout
    )
    assert {(r["uri"], r["name"]) for r in runs} == {
        (RUN_LAND, "etl.land_events"),
        (RUN_BUILD, "etl.build_customers"),
    }


def test_the_sdk_answers_never_cross_the_join(spark: Driver, synced_demo: Account, sync_env: dict[str, str]) -> None:
    queries = GraphQueries(spark, "neo4j")
    customers = _artifact_arn(spark, RAW_CUSTOMERS)
    # LineageQuery from either side of the join: exactly the sandbox's own answer, no OpenLineage entity.
    for start, direction in ((customers, Direction.ASCENDANTS), (customers, Direction.DESCENDANTS)):
        vertices = queries.lineage(start, direction).vertices
        assert {v.arn: v.depth for v in vertices} == synced_demo.bfs(start, str(direction))
    across = queries.lineage_across(customers, Direction.ASCENDANTS).vertices
    assert {v.uri for v in across} >= {RUN_BUILD, RUN_LAND}  # the same start, crossing

    graph = api.LineageGraph(spark, "neo4j")
    result = api.LineageQuery(graph).query([customers], api.LineageQueryDirectionEnum.ASCENDANTS)
    assert {v.arn for v in result.vertices} == set(synced_demo.bfs(customers, "ascendants"))
    endpoint = json.loads(run_cli(sync_env, "endpoint", "datasets", "churn-prod", "--format", "json").stdout)
    assert all(r["arn"].startswith("arn:aws:sagemaker:") for r in endpoint)
    assert RAW_CUSTOMERS in {r["source_uri"] for r in endpoint}
    events_tc = "events-train-aws-training-job"
    datasets = json.loads(run_cli(sync_env, "datasets", events_tc, "--format", "json").stdout)
    assert [r["source_uri"] for r in datasets] == ["s3://landing/events/"]  # not the Spark run's raw clicks
    assert InvestigationQueries(spark, "neo4j").impact("s3://landing/events-archive/")[0].kind == "job"


def _artifact_arn(driver: Driver, uri: str) -> str:
    records = driver.execute_query(
        "MATCH (a:Artifact {source_uri: $uri}) RETURN a.arn AS arn", uri=uri, database_="neo4j"
    ).records
    assert len(records) == 1, uri
    return str(records[0]["arn"])


def test_time_filters_take_openlineage_runs_and_jobs_by_their_events(spark: Driver, sync_env: dict[str, str]) -> None:
    """A run was created when it started (these runs told only their end, 08:05), a job at its first event."""

    def found(*args: str) -> set[str]:
        rows = json.loads(run_cli(sync_env, "find", "--lineage-type", "OpenLineage", *args, "--format", "json").stdout)
        return {r["uri"] for r in rows}

    assert found("--type", "Run", "--created-after", "2026-12-07T08:00:00") == {RUN_LAND, RUN_BUILD}
    assert found("--type", "Run", "--created-after", "2026-12-07T09:00:00") == set()
    assert found("--type", "Job", "--created-before", "2026-12-07T08:10:00") == {
        "spark/etl.land_events",
        "spark/etl.build_customers",
    }
    assert found("--type", "Dataset", "--created-after", "2000-01-01T00:00:00") == set()  # datasets have no times

    def upstream_runs(*args: str) -> set[str]:
        rows = json.loads(
            run_cli(
                sync_env,
                "lineage",
                ENDPOINT_CONTEXT,
                "--direction",
                "ascendants",
                "--type",
                "Run",
                *args,
                "--format",
                "json",
            ).stdout
        )
        return {r["uri"] for r in rows}

    assert upstream_runs("--created-before", "2026-12-07T09:00:00") == {RUN_LAND, RUN_BUILD}
    assert upstream_runs("--modified-after", "2026-12-07T09:00:00") == set()
