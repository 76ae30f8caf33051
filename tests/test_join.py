"""The join (graph.join): an OpenLineage dataset or job and a SageMaker entity naming the same object are one
place in the graph, by OpenLineage's naming rules, whichever side arrives first; and only those."""

from __future__ import annotations

import itertools
import json
from typing import Any, cast

from fixtures.openlineage_events import PRODUCER, openlineage_snapshot
from fixtures.openlineage_nodes import ol_run, run_id
from fixtures.snapshots import lineage_snapshot
from fixtures.sync_cli import sync_json
from neo4j import Driver
from openlineage.client.event_v2 import DatasetEvent, StaticDataset
from openlineage.client.generated import symlinks_dataset
from openlineage.client.serde import Serde
from test_incremental import train

from lineage_graph.graph.naming import glue_table
from lineage_graph.openlineage.intake import validate
from lineage_graph.openlineage.load import OpenLineageWriter
from lineage_graph.openlineage.transform import Rows
from lineage_graph.query import Direction
from lineage_graph.query.explore import InvestigationQueries
from lineage_graph.query.lineage_view import LineageViews
from lineage_graph.query.provenance import ProvenanceQueries
from lineage_graph.settings import Neo4jSettings

SPARK = ("spark", "etl.build_events")
GLUE = ("glue", "crm.load_customers")
ACCOUNT_ARN = "arn:aws:sagemaker:us-east-1:123456789012"


def joins(driver: Driver) -> list[tuple[str, str, str]]:
    """Every SAME_OBJECT relationship as (from, rule, to), each end by its ARN or OpenLineage uri."""
    records = driver.execute_query(
        "MATCH (a)-[r:SAME_OBJECT]->(b) "
        "RETURN coalesce(a.arn, a.uri) AS a, r.rule AS rule, coalesce(b.arn, b.uri) AS b ORDER BY a, rule, b",
        database_="neo4j",
    ).records
    return [(r["a"], r["rule"], r["b"]) for r in records]


def artifact_arn(driver: Driver, uri: str) -> str:
    records = driver.execute_query(
        "MATCH (a:Artifact {source_uri: $uri}) RETURN a.arn AS arn", uri=uri, database_="neo4j"
    ).records
    assert len(records) == 1, uri
    return str(records[0]["arn"])


def both_ways(a: str, rule: str, b: str, back: str | None = None) -> set[tuple[str, str, str]]:
    return {(a, rule, b), (b, back or rule, a)}


def training_lineage(client: Any) -> None:
    train(client, "events-train", "s3://landing/events/")  # a trailing slash, as SageMaker keeps what it was given
    train(client, "archive-train", "s3://landing/events-archive/")
    train(client, "elsewhere-train", "s3://elsewhere/events/")
    train(client, "december-train", "s3://landing/events/2026/12/")


def spark_lineage(env: dict[str, str]) -> None:
    ol_run(env, run_id(1), SPARK, inputs=[("s3://raw", "clicks")], outputs=[("s3a://landing", "/events")])


def test_an_s3_prefix_written_by_spark_and_read_by_training_is_one_place_and_its_neighbours_are_not(
    sagemaker_client: Any, sync_env: dict[str, str], clean_neo4j: Driver
) -> None:
    training_lineage(sagemaker_client)
    sync_json(sync_env)
    spark_lineage(sync_env)

    events = artifact_arn(clean_neo4j, "s3://landing/events/")
    december = artifact_arn(clean_neo4j, "s3://landing/events/2026/12/")
    # Same location, one spelt s3a:// with a leading slash, the other with a trailing slash; and the December
    # prefix the Spark output contains. Not events-archive (a character prefix, not a path segment), nor the
    # same key in another bucket, nor the Spark run's input.
    assert set(joins(clean_neo4j)) == both_ways(events, "location", "s3://landing/events") | both_ways(
        "s3://landing/events", "contains", december, "within"
    )
    located = clean_neo4j.execute_query(
        "MATCH (a:Artifact {arn: $arn}) RETURN a.location_namespace AS ns, a.location_name AS name",
        arn=events,
        database_="neo4j",
    ).records[0]
    assert (located["ns"], located["name"]) == ("s3://landing", "events")

    # Replaying the events and syncing again changes nothing.
    before = joins(clean_neo4j)
    spark_lineage(sync_env)
    sync_json(sync_env)
    assert joins(clean_neo4j) == before


def test_either_arrival_order_makes_the_same_graph(
    sagemaker_client: Any, sync_env: dict[str, str], clean_neo4j: Driver
) -> None:
    training_lineage(sagemaker_client)
    sync_json(sync_env)
    spark_lineage(sync_env)
    sagemaker_first = (joins(clean_neo4j), lineage_snapshot(clean_neo4j))
    assert sagemaker_first[0]

    clean_neo4j.execute_query("MATCH (n) DETACH DELETE n", database_="neo4j")
    spark_lineage(sync_env)
    assert not joins(clean_neo4j)
    sync_json(sync_env)
    assert (joins(clean_neo4j), lineage_snapshot(clean_neo4j)) == sagemaker_first


def test_a_dataset_under_an_artifacts_prefix_is_within_it_and_never_under_a_bucket_root(
    sagemaker_client: Any, sync_env: dict[str, str], clean_neo4j: Driver
) -> None:
    train(sagemaker_client, "events-train", "s3://landing/events/")
    train(sagemaker_client, "bucket-train", "s3://landing/")
    sync_json(sync_env)
    ol_run(sync_env, run_id(2), SPARK, outputs=[("s3://landing", "events/2026/12/01"), ("s3://landing", "/")])
    events = artifact_arn(clean_neo4j, "s3://landing/events/")
    bucket = artifact_arn(clean_neo4j, "s3://landing/")
    assert set(joins(clean_neo4j)) == both_ways(events, "contains", "s3://landing/events/2026/12/01", "within") | (
        both_ways(bucket, "location", "s3://landing")
    )


def test_a_glue_table_joins_the_s3_path_its_symlinks_facet_names(
    sagemaker_client: Any, sync_env: dict[str, str], clean_neo4j: Driver
) -> None:
    train(sagemaker_client, "customers-train", "s3://lake/crm/customers/")
    sync_json(sync_env)
    table = glue_table("us-east-1", "123456789012", "crm", "customers")
    # A Spark job writes the path and names its table in a symlinks facet; an Athena query reads the table.
    ol_run(
        sync_env,
        run_id(3),
        GLUE,
        outputs=[("s3://lake", "crm/customers")],
        symlinks={("s3://lake", "crm/customers"): (table.namespace, table.name)},
    )
    ol_run(sync_env, run_id(4), ("athena", "report"), inputs=[(table.namespace, table.name)])
    customers = artifact_arn(clean_neo4j, "s3://lake/crm/customers/")
    assert set(joins(clean_neo4j)) == both_ways(customers, "location", "s3://lake/crm/customers") | both_ways(
        "s3://lake/crm/customers", "symlink", table.uri
    )
    readers = clean_neo4j.execute_query(
        "MATCH (:Artifact {arn: $arn})-[:SAME_OBJECT*1..2]->(:OpenLineageDataset)-[:READ_BY]->(r) RETURN r.run_id AS r",
        arn=customers,
        database_="neo4j",
    ).records
    assert [r["r"] for r in readers] == [run_id(4)]


def test_an_openlineage_job_named_by_a_sagemaker_job_arn_is_that_jobs_trial_component(
    sagemaker_client: Any, sync_env: dict[str, str], clean_neo4j: Driver
) -> None:
    # SageMaker's own events arrive before the sync for one job, after it for the other; both split forms.
    ol_run(sync_env, run_id(6), (ACCOUNT_ARN, "training-job/events-train"))
    train(sagemaker_client, "events-train", "s3://landing/events/")
    train(sagemaker_client, "other-train", "s3://landing/other/")
    sync_json(sync_env)
    ol_run(sync_env, run_id(7), ("sagemaker", f"{ACCOUNT_ARN}:training-job/other-train"))
    ol_run(sync_env, run_id(8), ("sagemaker", f"{ACCOUNT_ARN}:training-job/never-synced"))
    tcs = {
        r["name"]: r["arn"]
        for r in clean_neo4j.execute_query(
            "MATCH (tc:TrainingJob) RETURN tc.name AS name, tc.arn AS arn", database_="neo4j"
        ).records
    }
    assert set(joins(clean_neo4j)) == both_ways(
        tcs["events-train-aws-training-job"], "job_arn", f"{ACCOUNT_ARN}/training-job/events-train"
    ) | both_ways(tcs["other-train-aws-training-job"], "job_arn", f"sagemaker/{ACCOUNT_ARN}:training-job/other-train")


def deploy(client: Any, name: str) -> str:
    """An endpoint serving one model; the sandbox records its context and deployment action, both with the
    endpoint's ARN as their source URI. Returns the endpoint's ARN."""
    client.create_model(
        ModelName=f"{name}-model",
        ExecutionRoleArn="arn:aws:iam::123456789012:role/sagemaker",
        PrimaryContainer={
            "Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/xgb:1",
            "ModelDataUrl": f"s3://models/{name}/model.tar.gz",
        },
    )
    client.create_endpoint_config(
        EndpointConfigName=f"{name}-config",
        ProductionVariants=[
            {
                "VariantName": "AllTraffic",
                "ModelName": f"{name}-model",
                "InstanceType": "ml.m5.large",
                "InitialInstanceCount": 1,
            }
        ],
    )
    return str(client.create_endpoint(EndpointName=name, EndpointConfigName=f"{name}-config")["EndpointArn"])


def test_an_openlineage_job_named_by_an_endpoint_arn_is_that_endpoints_context_not_its_deployment(
    sagemaker_client: Any, sync_env: dict[str, str], clean_neo4j: Driver
) -> None:
    # SageMaker AI reports endpoints as jobs: one event before the sync, one after, in two split forms.
    ol_run(sync_env, run_id(9), (ACCOUNT_ARN, "endpoint/scoring"))
    scoring = deploy(sagemaker_client, "scoring")
    ranking = deploy(sagemaker_client, "ranking")
    sync_json(sync_env)
    ol_run(sync_env, run_id(10), ("sagemaker", f"{ACCOUNT_ARN}:endpoint/ranking"))
    ol_run(sync_env, run_id(11), (ACCOUNT_ARN, "endpoint/never-synced"))
    contexts = {
        r["uri"]: r["arn"]
        for r in clean_neo4j.execute_query(
            "MATCH (c:Context {type: 'Endpoint'}) RETURN c.source_uri AS uri, c.arn AS arn", database_="neo4j"
        ).records
    }
    actions = clean_neo4j.execute_query(
        "MATCH (a:Action) WHERE a.source_uri IN $uris RETURN count(a) AS n", uris=[scoring, ranking], database_="neo4j"
    ).records[0]["n"]
    assert actions == 2  # a deployment action each, with the same source URI as the context: not joined
    assert set(joins(clean_neo4j)) == both_ways(
        contexts[scoring], "endpoint_arn", f"{ACCOUNT_ARN}/endpoint/scoring"
    ) | both_ways(contexts[ranking], "endpoint_arn", f"sagemaker/{ACCOUNT_ARN}:endpoint/ranking")


def test_the_sweep_keeps_openlineage_and_takes_a_swept_artifacts_join_with_it(
    sagemaker_client: Any, sync_env: dict[str, str], clean_neo4j: Driver
) -> None:
    train(sagemaker_client, "events-train", "s3://landing/events/")
    sagemaker_client.create_artifact(
        ArtifactName="lone", Source={"SourceUri": "s3://landing/lone/"}, ArtifactType="DataSet"
    )
    sync_json(sync_env, "--full")
    ol_run(sync_env, run_id(5), SPARK, outputs=[("s3://landing", "events"), ("s3://landing", "lone")])
    events = artifact_arn(clean_neo4j, "s3://landing/events/")
    lone = artifact_arn(clean_neo4j, "s3://landing/lone/")
    assert len(joins(clean_neo4j)) == 4

    # The training job's trial component and the lone artifact leave SageMaker; the events artifact stays.
    sagemaker_client.delete_artifact(ArtifactArn=lone)
    sagemaker_client.delete_trial_component(TrialComponentName="events-train-aws-training-job")
    swept = sync_json(sync_env, "--full", "--force-delete")
    assert swept["cleanup"]["nodes_deleted"] >= 1
    assert set(joins(clean_neo4j)) == both_ways(events, "location", "s3://landing/events")
    kept = clean_neo4j.execute_query("MATCH (n:OpenLineage) RETURN count(n) AS n", database_="neo4j").records[0]["n"]
    assert kept == 4  # the job, the run and both datasets

    # A swept graph is still what a clean sync of the same SageMaker state makes (then joined again).
    reconciled = (joins(clean_neo4j), lineage_snapshot(clean_neo4j))
    clean_neo4j.execute_query("MATCH (n) DETACH DELETE n", database_="neo4j")
    sync_json(sync_env, "--full")
    ol_run(sync_env, run_id(5), SPARK, outputs=[("s3://landing", "events"), ("s3://landing", "lone")])
    assert (joins(clean_neo4j), lineage_snapshot(clean_neo4j)) == reconciled


def test_a_dry_run_joins_nothing(sagemaker_client: Any, sync_env: dict[str, str], clean_neo4j: Driver) -> None:
    spark_lineage(sync_env)
    train(sagemaker_client, "events-train", "s3://landing/events/")
    sync_json(sync_env, "--dry-run")
    assert not joins(clean_neo4j)
    assert not clean_neo4j.execute_query("MATCH (a:Artifact) RETURN a", database_="neo4j").records


def _symlinked(at: str, dataset: tuple[str, str], *others: tuple[str, str]) -> dict[str, Any]:
    """A dataset event at ``at`` whose ``symlinks`` facet names ``others`` (none: a facet naming nothing)."""
    identifiers = [symlinks_dataset.Identifier(namespace=ns, name=name, type="TABLE") for ns, name in others]
    event = DatasetEvent(
        eventTime=at,
        producer=PRODUCER,
        dataset=StaticDataset(
            namespace=dataset[0],
            name=dataset[1],
            facets={"symlinks": symlinks_dataset.SymlinksDatasetFacet(identifiers=identifiers)},
        ),
    )
    return cast(dict[str, Any], json.loads(Serde.to_json(event)))


def _rows(events: list[dict[str, Any]]) -> Rows:
    rows = Rows()
    for event in events:
        rows.add(validate(event))
    return rows


def test_a_symlink_pair_follows_the_newest_symlinks_facet_whatever_the_order_events_arrive_in(
    clean_neo4j: Driver, neo4j_settings: Neo4jSettings
) -> None:
    writer = OpenLineageWriter(clean_neo4j, neo4j_settings.database)
    writer.apply_schema()
    path = ("s3a://lake", "/crm/customers/")
    old, new, other = (glue_table("us-east-1", "123456789012", "crm", t) for t in ("customers_v1", "customers", "c2"))
    events = [
        _symlinked("2026-12-07T09:00:00Z", path, (old.namespace, old.name)),
        _symlinked("2026-12-07T10:00:00Z", path, (new.namespace, new.name)),  # the table renamed: v1 unpaired
        # Another table names the path from its own side: paired, whatever the path's facet says.
        _symlinked("2026-12-07T08:00:00Z", (other.namespace, other.name), path),
    ]
    expected = both_ways("s3://lake/crm/customers", "symlink", new.uri) | both_ways(
        "s3://lake/crm/customers", "symlink", other.uri
    )
    snapshots = set()
    for order in [*itertools.permutations(events), [events[1], events[0], events[2], events[0]]]:
        clean_neo4j.execute_query("MATCH (n) DETACH DELETE n", database_="neo4j")
        for event in order:  # a batch each: the older facet replayed after the newer changes nothing
            writer.write(_rows([event]))
        assert set(joins(clean_neo4j)) == expected, order
        snapshots.add(repr(openlineage_snapshot(clean_neo4j)))
    writer.write(_rows(events))  # all in one batch: the same again
    assert set(joins(clean_neo4j)) == expected
    assert len(snapshots | {repr(openlineage_snapshot(clean_neo4j))}) == 1

    # A newer facet naming nothing unpairs the path's own table; the other table still names the path.
    writer.write(_rows([_symlinked("2026-12-07T11:00:00Z", path)]))
    assert set(joins(clean_neo4j)) == both_ways("s3://lake/crm/customers", "symlink", other.uri)


def test_a_walk_never_goes_up_a_prefix_and_back_down_into_a_sibling(
    sagemaker_client: Any, sync_env: dict[str, str], clean_neo4j: Driver
) -> None:
    # A training job reads the whole prefix; Spark writes its 2024 part, another run reads the 2023 part and a
    # third the whole prefix. 2024's writer feeds the training job and the whole-prefix reader, not 2023's.
    train(sagemaker_client, "events-train", "s3://b/events/")
    sync_json(sync_env)
    write_2024, read_2023, read_all = run_id(11), run_id(12), run_id(13)
    ol_run(
        sync_env,
        write_2024,
        ("spark", "write_2024"),
        inputs=[("s3://raw", "clicks")],
        outputs=[("s3://b", "events/2024/")],
    )
    ol_run(
        sync_env, read_2023, ("spark", "read_2023"), inputs=[("s3://b", "events/2023")], outputs=[("s3://b", "report")]
    )
    ol_run(sync_env, read_all, ("spark", "read_all"), inputs=[("s3://b", "events")])
    training = clean_neo4j.execute_query("MATCH (tc:TrainingJob) RETURN tc.arn AS arn", database_="neo4j").records[0][
        "arn"
    ]
    sibling = {read_2023, "s3://b/events/2023", "s3://b/report"}
    queries = InvestigationQueries(clean_neo4j, "neo4j")

    impacted = {e.uri for e in queries.impact("s3://b/events/2024/")}
    assert {training, read_all} <= impacted and not impacted & sibling
    down = {v.uri for v in queries.lineage_across(write_2024, Direction.DESCENDANTS).vertices}
    assert {training, read_all} <= down and not down & sibling
    up = {v.uri for v in queries.lineage_across(read_2023, Direction.ASCENDANTS).vertices}
    assert "s3://b/events/2023" in up and not up & {write_2024, "s3://b/events/2024", "s3://raw/clicks"}
    tree = {n.uri for n in ProvenanceQueries(clean_neo4j, "neo4j").provenance(read_2023).nodes}
    assert tree == up | {read_2023}
    assert queries.path(write_2024, read_2023) == []
    assert queries.path(write_2024, read_all)[0].hops[-1].destination == read_all
    view = LineageViews(clean_neo4j, "neo4j").lineage(f"openlineage:run:{write_2024}", "downstream", depth=8)
    drawn = {node.ref for node in view.nodes}
    assert {training, f"openlineage:run:{read_all}"} <= drawn
    assert not drawn & {f"openlineage:run:{read_2023}", "openlineage:dataset:s3://b/events/2023"}
