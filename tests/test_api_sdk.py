"""The Python API against the SageMaker SDK itself: same classes, same calls, same answers.

The SDK's own ``sagemaker.core.lineage`` classes run against the sandbox over HTTP (a boto3 client with the
sandbox's endpoint URL inside a ``sagemaker.core`` Session), ours against the graph a real sync of the same
account wrote. Answers are compared as sets of ARNs wherever the SDK's limits leave its answer whole: it
reads one QueryLineage page (50 vertices) at depth 10; the demo account's lineage is shallower than 10.
Where the SDK has a known bug, the test checks the SDK's wrong answer and our meant one separately.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path
from typing import Any

import boto3
import pytest
from neo4j import GraphDatabase

sdk_lineage = pytest.importorskip("sagemaker.core.lineage", reason="the `sdk` extra (sagemaker-core) is missing")

from fixtures.sync_cli import sync_json  # noqa: E402
from sagemaker.core.helper.session_helper import Session  # noqa: E402
from sagemaker.core.lineage import action as sdk_action  # noqa: E402
from sagemaker.core.lineage import artifact as sdk_artifact  # noqa: E402
from sagemaker.core.lineage import context as sdk_context  # noqa: E402
from sagemaker.core.lineage import lineage_trial_component as sdk_tc  # noqa: E402
from sagemaker.core.lineage import query as sdk_query  # noqa: E402

from lineage_graph import api  # noqa: E402
from lineage_graph.errors import NotFoundError  # noqa: E402
from lineage_graph.sandbox.faults import get_faults  # noqa: E402
from lineage_graph.sandbox.seed import DEMO_TRIAL_COMPONENT, seed_demo  # noqa: E402
from lineage_graph.sandbox.server import client_for, reset  # noqa: E402
from lineage_graph.settings import Neo4jSettings  # noqa: E402

# Vertex.to_lineage_object() in SDK v3 imports its own deprecated sagemaker.lineage modules.
pytestmark = pytest.mark.filterwarnings("ignore:The 'sagemaker.lineage:DeprecationWarning")

PAGE = 50  # QueryLineage's page: an SDK answer this long may be cut
ASC = sdk_query.LineageQueryDirectionEnum.ASCENDANTS
DESC = sdk_query.LineageQueryDirectionEnum.DESCENDANTS
CHAIN = 13  # artifacts chained by ContributedTo: longer than QueryLineage's depth 10
OURS = {ASC: api.LineageQueryDirectionEnum.ASCENDANTS, DESC: api.LineageQueryDirectionEnum.DESCENDANTS}


class Account:
    """The synced demo account, seen by the SDK (through the sandbox) and by us (through the graph)."""

    def __init__(self, client: Any, session: Session, graph: api.LineageGraph, chain: list[str]) -> None:
        self.client = client
        self.session = session
        self.graph = graph
        self.chain = chain
        summaries = self.listed("list_associations", "AssociationSummaries")
        ends = {s["SourceArn"] for s in summaries} | {s["DestinationArn"] for s in summaries}
        self.arns = sorted(ends - set(chain))  # every association end of the demo

    def listed(self, operation: str, key: str, **params: Any) -> list[dict[str, Any]]:
        return [item for page in self.client.get_paginator(operation).paginate(**params) for item in page[key]]


@pytest.fixture(scope="module")
def account(sandbox_url: str, sync_env: dict[str, str], neo4j_settings: Neo4jSettings) -> Iterator[Account]:
    reset(sandbox_url)
    client = client_for(sandbox_url)
    seed_demo(client)
    chain = [
        client.create_artifact(
            ArtifactName=f"api-chain-{i}",
            Source={"SourceUri": f"s3://api-chain/{i}"},
            ArtifactType="Model" if i == CHAIN - 1 else "DataSet",
        )["ArtifactArn"]
        for i in range(CHAIN)
    ]
    for source, destination in itertools.pairwise(chain):
        client.add_association(SourceArn=source, DestinationArn=destination, AssociationType="ContributedTo")
    with GraphDatabase.driver(neo4j_settings.uri, auth=(neo4j_settings.username, neo4j_settings.password)) as d:
        d.execute_query("MATCH (n) DETACH DELETE n", database_=neo4j_settings.database)
    sync_json(sync_env)
    boto_session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1")
    with api.LineageGraph.connect(neo4j_settings) as graph:
        yield Account(client, Session(boto_session=boto_session, sagemaker_client=client), graph, chain)


def arns(objects: list[Any]) -> set[str]:
    """ARNs of lineage objects, whatever their class (SDK or ours), or ARN strings as they are."""
    found = set()
    for obj in objects:
        keys = ("artifact_arn", "context_arn", "action_arn", "trial_component_arn")
        found.add(obj if isinstance(obj, str) else next(v for k in keys if (v := getattr(obj, k, None))))
    return found


def same(ours: set[str], sdk_answer: list[Any]) -> bool:
    """Ours equals the SDK's answer, or contains it where the SDK's one-page limit may have cut it."""
    theirs = arns(sdk_answer)
    return ours == theirs if len(sdk_answer) < PAGE else theirs <= ours


def of_kind(account: Account, kind: str, entity_type: str | None = None) -> list[str]:
    rows = account.graph.queries.run(
        "find", name_contains=None, lineage_type=kind, type=entity_type, source_uri_prefix=None, status=None,
        created_after=None, created_before=None, created_by=None, openlineage_namespace=None,
        openlineage_name=None, openlineage_name_prefix=None, limit=1000,
    )  # fmt: skip
    found = [row["arn"] for row in rows if not row["placeholder"] and not (row["name"] or "").startswith("api-chain-")]
    assert found, (kind, entity_type)
    return found


def name_of(arn: str) -> str:
    return arn.split(":", 5)[5].split("/", 1)[1]


# -- LineageTrialComponent ------------------------------------------------------------------------------------
def test_trial_components_match_the_sdk(account: Account) -> None:
    compared = created_by = media_types = tagged = 0
    for arn in of_kind(account, "TrialComponent"):
        theirs = sdk_tc.LineageTrialComponent.load(name_of(arn), sagemaker_session=account.session)
        ours = api.LineageTrialComponent.load(name_of(arn), account.graph)
        assert type(ours).__name__ == type(theirs).__name__
        for attribute in ("trial_component_arn", "trial_component_name", "display_name", "source", "parameters"):
            assert getattr(ours, attribute) == getattr(theirs, attribute), (arn, attribute)
        assert ours.status and ours.status["PrimaryStatus"] == theirs.status["PrimaryStatus"]
        for attribute in ("input_artifacts", "output_artifacts", "created_by", "last_modified_by"):
            expected = getattr(theirs, attribute) or ({} if attribute.endswith("artifacts") else None)
            assert getattr(ours, attribute) == expected, (arn, attribute)
        assert theirs.tags is None  # DescribeTrialComponent has none; the Search records the sync reads do
        listed = account.client.list_tags(ResourceArn=arn)["Tags"]
        assert ours.tags == sorted(listed, key=lambda t: t["Key"]), arn
        created_by += ours.created_by is not None
        tagged += bool(ours.tags)
        media_types += any("MediaType" in a for a in ours.input_artifacts.values())
        for metric in getattr(theirs, "metrics", None) or []:
            mine = next(m for m in ours.metrics if m["MetricName"] == metric["MetricName"])
            assert {k: mine.get(k) for k in ("Min", "Max", "Last", "Count")} == {
                k: metric.get(k) for k in ("Min", "Max", "Last", "Count")
            }
        assert ours.start_time == theirs.start_time and ours.creation_time == theirs.creation_time
        for method, direction in (("dataset_artifacts", ASC), ("models", DESC)):
            for way in (direction, ASC if direction == DESC else DESC):
                expected_objects = getattr(theirs, method)(way)
                got = getattr(ours, method)(OURS[way])
                assert same(arns(got), expected_objects), (arn, method, way)
                assert sorted(type(o).__name__ for o in got) == sorted(type(o).__name__ for o in expected_objects)
                compared += bool(got)
        assert ours.pipeline_execution_arn() == theirs.pipeline_execution_arn(), arn
    assert compared > 20
    # The demo's two runs from Studio, the training channels' content types, the hand-logged one's tags.
    assert created_by == 2 and media_types and tagged
    demo = api.LineageTrialComponent.load(DEMO_TRIAL_COMPONENT, account.graph)
    assert demo.dataset_artifacts() and demo.models() and demo.pipeline_execution_arn()


# -- artifacts ------------------------------------------------------------------------------------------------
def test_artifacts_load_as_the_sdk_does(account: Account) -> None:
    for arn in of_kind(account, "Artifact"):
        theirs = sdk_artifact.Artifact.load(arn, sagemaker_session=account.session)
        ours = api.Artifact.load(arn, account.graph)
        assert (ours.artifact_arn, ours.artifact_name, ours.artifact_type) == (
            theirs.artifact_arn,
            theirs.artifact_name,
            theirs.artifact_type,
        )
        assert ours.source is not None and ours.source.source_uri == theirs.source.source_uri
        assert ours.creation_time == theirs.creation_time
        assert ours.properties == theirs.properties  # read by the sync's properties pass (DescribeArtifact)
        # The SDK's Vertex.to_lineage_object() picks the class by type; Artifact.load() does here.
        expected_class = {"Model": "ModelArtifact", "DataSet": "DatasetArtifact", "Image": "ImageArtifact"}
        assert type(ours).__name__ == expected_class.get(theirs.artifact_type or "", "Artifact")


def test_typed_load_loads_any_entity_of_its_kind_as_the_sdk_does(account: Account) -> None:
    """The SDK's ModelArtifact.load() describes any artifact and builds a ModelArtifact of it (likewise for
    contexts and actions); only ``Artifact.load()`` and the other base classes pick the class by type."""
    dataset = of_kind(account, "Artifact", "DataSet")[0]
    group = of_kind(account, "Context", "ModelGroup")[0]
    endpoint = of_kind(account, "Context", "Endpoint")[0]
    deployment = of_kind(account, "Action", "ModelDeployment")[0]
    model = of_kind(account, "Artifact", "Model")[0]
    for sdk_class, ours_class, arn, name in (
        (sdk_artifact.ModelArtifact, api.ModelArtifact, dataset, dataset),
        (sdk_artifact.DatasetArtifact, api.DatasetArtifact, model, model),
        (sdk_context.EndpointContext, api.EndpointContext, group, name_of(group)),
        (sdk_context.ModelPackageGroup, api.ModelPackageGroup, endpoint, name_of(endpoint)),
        (sdk_action.ModelPackageApprovalAction, api.ModelPackageApprovalAction, deployment, name_of(deployment)),
    ):
        theirs = sdk_class.load(name, sagemaker_session=account.session)
        ours = ours_class.load(name, account.graph)
        assert type(ours).__name__ == type(theirs).__name__ == sdk_class.__name__
        assert arns([ours]) == arns([theirs]) == {arn}
    assert type(api.Artifact.load(dataset, account.graph)) is api.DatasetArtifact
    with pytest.raises(NotFoundError, match=r"is not an Artifact: .* is a Context \(Endpoint\)$"):
        api.ModelArtifact.load(endpoint, account.graph)


def test_model_artifacts_match_the_sdk(account: Account) -> None:
    deployed = 0
    for arn in of_kind(account, "Artifact", "Model"):
        theirs = sdk_artifact.ModelArtifact.load(arn, sagemaker_session=account.session)
        ours = api.ModelArtifact.load(arn, account.graph)
        assert isinstance(ours, api.ModelArtifact)
        for direction in (ASC, DESC):
            assert same(arns(ours.endpoint_contexts(OURS[direction])), theirs.endpoint_contexts(direction))
            assert same(arns(ours.dataset_artifacts(OURS[direction])), theirs.dataset_artifacts(direction))
        assert same(set(ours.training_job_arns()), theirs.training_job_arns())
        assert ours.pipeline_execution_arn() == theirs.pipeline_execution_arn(), arn
        # endpoints(): the SDK filters on kinds where SageMaker puts types, and finds nothing.
        assert theirs.endpoints() == []
        endpoints = ours.endpoints()
        assert {e.destination_arn for e in endpoints} == arns(ours.endpoint_contexts())
        for association in endpoints:
            edges = account.client.list_associations(
                SourceArn=association.source_arn, DestinationArn=association.destination_arn
            )["AssociationSummaries"]
            assert [e["AssociationType"] for e in edges] == [association.association_type]
            assert association.source_type == "ModelDeployment"
        deployed += bool(endpoints)
    assert deployed


def test_dataset_and_image_artifacts_match_the_sdk(account: Account) -> None:
    for arn in of_kind(account, "Artifact", "DataSet"):
        theirs = sdk_artifact.DatasetArtifact.load(arn, sagemaker_session=account.session)
        ours = api.DatasetArtifact.load(arn, account.graph)
        for direction in (ASC, DESC):
            assert same(arns(ours.endpoint_contexts(OURS[direction])), theirs.endpoint_contexts(direction))
        # QueryLineage returns the start when it passes the filter: the SDK lists a dataset among its own
        # upstream and downstream datasets; we do not.
        assert same(arns(ours.upstream_datasets()) | {arn}, theirs.upstream_datasets())
        assert same(arns(ours.downstream_datasets()) | {arn}, theirs.downstream_datasets())
        assert arn not in arns(ours.upstream_datasets()) | arns(ours.downstream_datasets())
        # trained_models(): the SDK returns associations from trial components to contexts, not models.
        models = api.LineageQuery(account.graph).query(
            [arn], api.LineageQueryDirectionEnum.DESCENDANTS, False, api.LineageFilter(["Artifact"], ["Model"])
        )
        assert arns(ours.trained_models()) == {v.arn for v in models.vertices}
        assert all(isinstance(m, api.ModelArtifact) for m in ours.trained_models())
        assert all(":context/" in a.destination_arn for a in theirs.trained_models())
    for arn in of_kind(account, "Artifact", "Image"):
        theirs = sdk_artifact.ImageArtifact.load(arn, sagemaker_session=account.session)
        ours = api.ImageArtifact.load(arn, account.graph)
        for direction in (ASC, DESC):
            assert same(arns(ours.datasets(OURS[direction])), theirs.datasets(direction))


def test_artifact_trials(account: Account) -> None:
    """downstream_trials*() need the retired ``smexperiments`` package in the SDK: checked against the
    sandbox's own trial memberships instead."""
    raw = account.client.list_artifacts(SourceUri="s3://acme-ml-raw/crm/customers/customers.parquet")[
        "ArtifactSummaries"
    ][0]["ArtifactArn"]
    artifact = api.Artifact.load(raw, account.graph)

    def trials_of(trial_component_arns: set[str]) -> set[str]:
        return {
            t["TrialName"]
            for tc in trial_component_arns
            for t in account.listed("list_trials", "TrialSummaries", TrialComponentName=name_of(tc))
        }

    query = api.LineageQuery(account.graph)
    every = query.query([raw], api.LineageQueryDirectionEnum.DESCENDANTS, False, api.LineageFilter(["TrialComponent"]))
    direct = {
        a["DestinationArn"]
        for a in account.listed("list_associations", "AssociationSummaries", SourceArn=raw)
        if ":experiment-trial-component/" in a["DestinationArn"]
    }
    assert set(artifact.downstream_trials_v2()) == trials_of({v.arn for v in every.vertices})
    assert set(artifact.downstream_trials()) == trials_of(direct)
    assert artifact.downstream_trials_v2() and artifact.upstream_trials() == []


# -- contexts -------------------------------------------------------------------------------------------------
def test_endpoint_contexts_match_the_sdk(account: Account) -> None:
    for arn in of_kind(account, "Context", "Endpoint"):
        theirs = sdk_context.EndpointContext.load(name_of(arn), sagemaker_session=account.session)
        ours = api.Context.load(name_of(arn), account.graph)
        assert isinstance(ours, api.EndpointContext)
        assert (ours.context_arn, ours.context_name, ours.context_type, ours.properties) == (
            theirs.context_arn,
            theirs.context_name,
            theirs.context_type,
            theirs.properties,
        )
        assert ours.source == api.ContextSource(theirs.source.source_uri, theirs.source.source_type)
        assert same(arns(ours.dataset_artifacts()), theirs.dataset_artifacts())
        assert same(set(ours.training_job_arns()), theirs.training_job_arns())
        for method in ("processing_jobs", "transform_jobs", "trial_components"):
            got = getattr(ours, method)()
            assert same(arns(got), getattr(theirs, method)()), (arn, method)
            assert all(isinstance(tc, api.LineageTrialComponent) for tc in got)
        assert ours.pipeline_execution_arn() == theirs.pipeline_execution_arn(), arn
        for direction in (ASC, DESC):
            assert same(arns(ours.actions(OURS[direction])), theirs.actions(direction))
        # models() and models_v2() walk downstream from the endpoint and find nothing; the models are upstream.
        assert theirs.models() == [] and theirs.models_v2() == []
        upstream = (
            sdk_query.LineageQuery(account.session)
            .query([arn], ASC, False, sdk_query.LineageFilter(entities=["Artifact"], sources=["Model"]))
            .vertices
        )
        assert arns(ours.models()) == arns(ours.models_v2())
        assert same(arns(ours.models()), [v.arn for v in upstream])
        assert upstream and all(isinstance(m, api.ModelArtifact) for m in ours.models())


def test_model_package_groups_match_the_sdk(account: Account) -> None:
    for arn in of_kind(account, "Context", "ModelGroup"):
        theirs = sdk_context.ModelPackageGroup.load(name_of(arn), sagemaker_session=account.session)
        ours = api.ModelPackageGroup.load(name_of(arn), account.graph)
        assert ours.pipeline_execution_arn() == theirs.pipeline_execution_arn()
        group_name = ours.source.source_uri.rsplit("/", 1)[1] if ours.source and ours.source.source_uri else ""
        registered = {
            p["ModelPackageArn"]
            for p in account.listed("list_model_packages", "ModelPackageSummaryList", ModelPackageGroupName=group_name)
        }
        generated_by = {
            account.client.describe_model_package(ModelPackageName=p)["MetadataProperties"]["GeneratedBy"]
            for p in registered
        }
        assert set(ours.pipeline_execution_arns()) == generated_by | {theirs.pipeline_execution_arn()}


# -- actions --------------------------------------------------------------------------------------------------
def test_actions_match_the_sdk(account: Account) -> None:
    for arn in of_kind(account, "Action"):
        theirs = sdk_action.Action.load(name_of(arn), sagemaker_session=account.session)
        ours = api.Action.load(arn, account.graph)
        assert (ours.action_arn, ours.action_name, ours.action_type, ours.status) == (
            theirs.action_arn,
            theirs.action_name,
            theirs.action_type,
            theirs.status,
        )
        assert ours.source == api.ActionSource(theirs.source.source_uri, theirs.source.source_type)
        assert ours.properties == theirs.properties  # read by the sync's properties pass (DescribeAction)
        # BOTH is ascendants plus descendants; QueryLineage's Both turns at every node.
        upstream, downstream = theirs.artifacts(ASC), theirs.artifacts(DESC)
        assert same(arns(ours.artifacts(api.LineageQueryDirectionEnum.ASCENDANTS)), upstream)
        assert same(arns(ours.artifacts(api.LineageQueryDirectionEnum.DESCENDANTS)), downstream)
        assert arns(ours.artifacts()) == arns(ours.artifacts(OURS[ASC])) | arns(ours.artifacts(OURS[DESC]))


def test_approval_actions_match_the_sdk(account: Account) -> None:
    for arn in of_kind(account, "Action", "Approval"):
        theirs = sdk_action.ModelPackageApprovalAction.load(name_of(arn), sagemaker_session=account.session)
        ours = api.Action.load(name_of(arn), account.graph)
        assert isinstance(ours, api.ModelPackageApprovalAction)
        for direction in (ASC, DESC):
            assert same(arns(ours.datasets(OURS[direction])), theirs.datasets(direction))
            assert same(arns(ours.endpoints(OURS[direction])), theirs.endpoints(direction))
        # model_package(): the SDK describes the group's name; we name the versioned package.
        package = ours.model_package()
        assert package is not None and theirs.source.source_uri == package["ModelPackageArn"]
        described = account.client.describe_model_package(ModelPackageName=package["ModelPackageArn"])
        for key, value in package.items():
            assert described[key] == value, key
        # SageMaker's approval action points at the package it approved (the SDK's integration tests find
        # artifacts downstream of it): the package's artifact, with nothing of the training upstream of it.
        downstream = theirs.artifacts(DESC)
        assert package["ModelPackageArn"] in {a.source.source_uri for a in downstream}
        assert same(arns(ours.artifacts(OURS[DESC])), downstream)
        assert ours.datasets() == [] and theirs.datasets() == []


# -- LineageQuery ---------------------------------------------------------------------------------------------
def shape(result: Any) -> tuple[set[tuple[str, str, str | None]], set[tuple[str, str, str | None]]]:
    """Vertices as (arn, lineage_entity, lineage_source), edges as (source, destination, type)."""
    return (
        {(v.arn, v.lineage_entity, v.lineage_source) for v in result.vertices},
        {(e.source_arn, e.destination_arn, e.association_type) for e in result.edges},
    )


FILTERS = [
    {},
    {"entities": [sdk_query.LineageEntityEnum.ARTIFACT], "sources": [sdk_query.LineageSourceEnum.DATASET]},
    {"entities": ["TrialComponent"]},
    {"sources": ["Model", "Endpoint"]},
]


@pytest.mark.parametrize("direction", [ASC, DESC])
@pytest.mark.parametrize("filters", range(len(FILTERS)))
def test_lineage_query_matches_the_sdk(account: Account, direction: Any, filters: int) -> None:
    """Every entity as a start: vertices and, with edges, the entities on the paths and their associations."""
    theirs, ours = sdk_query.LineageQuery(account.session), api.LineageQuery(account.graph)
    compared = cut = 0
    for start in account.arns:
        for include_edges in (False, True):
            expected = theirs.query([start], direction, include_edges, sdk_query.LineageFilter(**FILTERS[filters]))
            if len(expected.vertices) >= PAGE:
                cut += 1
                continue
            got = ours.query([start], OURS[direction], include_edges, api.LineageFilter(**FILTERS[filters]))
            expected_vertices, expected_edges = shape(expected)
            # QueryLineage returns the start when it passes the filter; we return it only as the first vertex
            # of the paths include_edges asks for.
            if not include_edges or {v[0] for v in expected_vertices} == {start}:
                expected_vertices = {v for v in expected_vertices if v[0] != start}
            assert shape(got) == (expected_vertices, expected_edges), (start, include_edges)
            assert got.startarn == [start]
            compared += bool(got.vertices)
    assert compared > 10, (compared, cut)


def test_lineage_query_both_and_depth(account: Account) -> None:
    theirs, ours = sdk_query.LineageQuery(account.session), api.LineageQuery(account.graph)
    tc = api.LineageTrialComponent.load(DEMO_TRIAL_COMPONENT, account.graph).trial_component_arn
    both = ours.query([tc], include_edges=False)  # the SDK's defaults, BOTH
    union = set()
    for direction in (ASC, DESC):
        found = theirs.query([tc], direction, include_edges=False).vertices
        assert len(found) < PAGE
        union |= {v.arn for v in found} - {tc}
    assert {v.arn for v in both.vertices} == union
    for depth in (1, 2, 3):
        expected = {v.arn for v in theirs.query([tc], ASC, False, max_depth=depth).vertices} - {tc}
        assert {v.arn for v in ours.query([tc], OURS[ASC], False, max_depth=depth).vertices} == expected


def test_lineage_query_time_and_property_filters(account: Account) -> None:
    from datetime import datetime, timedelta

    theirs, ours = sdk_query.LineageQuery(account.session), api.LineageQuery(account.graph)
    tc = api.LineageTrialComponent.load(DEMO_TRIAL_COMPONENT, account.graph).trial_component_arn
    future = datetime.now(UTC) + timedelta(days=1)
    past = datetime(2000, 1, 1)  # naive: UTC, as botocore sends it
    for key, moment in (("created_after", future), ("created_before", past), ("created_after", past)):
        query_filter = {key: moment, "entities": ["Artifact"]}
        expected = {v.arn for v in theirs.query([tc], ASC, False, sdk_query.LineageFilter(**query_filter)).vertices}
        got = {v.arn for v in ours.query([tc], OURS[ASC], False, api.LineageFilter(**query_filter)).vertices}
        assert got == expected, key
    group = api.Context.load(of_kind(account, "Context", "ModelGroup")[0], account.graph)
    query_filter = {"properties": {"PipelineExecutionArn": group.properties["PipelineExecutionArn"]}}
    model = next(iter(ours.query([group.context_arn], OURS[ASC], False, api.LineageFilter(["Artifact"])).vertices)).arn
    expected = {v.arn for v in theirs.query([model], DESC, False, sdk_query.LineageFilter(**query_filter)).vertices}
    got = {v.arn for v in ours.query([model], OURS[DESC], False, api.LineageFilter(**query_filter)).vertices}
    assert got == expected and group.context_arn in got


def test_vertices_become_the_sdks_classes(account: Account) -> None:
    tc = api.LineageTrialComponent.load(DEMO_TRIAL_COMPONENT, account.graph).trial_component_arn
    theirs = sdk_query.LineageQuery(account.session).query([tc], ASC)
    ours = api.LineageQuery(account.graph).query([tc], OURS[ASC])
    by_arn = {v.arn: v for v in ours.vertices}
    for vertex in theirs.vertices:
        expected, got = vertex.to_lineage_object(), by_arn[vertex.arn].to_lineage_object()
        assert type(got).__name__ == type(expected).__name__ or (
            type(got).__name__ in ("ModelPackageApprovalAction", "ModelPackageGroup")
            and isinstance(got, getattr(api, type(expected).__name__))
        )
        assert arns([got]) == arns([expected])


def test_no_depth_or_page_limit(account: Account) -> None:
    """Where the SDK's answer is cut, ours is whole: beyond depth 10, and beyond QueryLineage's first page
    (checked against every page of the sandbox's QueryLineage)."""
    theirs, ours = sdk_query.LineageQuery(account.session), api.LineageQuery(account.graph)
    head, *rest = account.chain
    assert [v.arn for v in theirs.query([head], DESC, False).vertices] == [head, *rest[:10]]  # the start too
    assert [v.arn for v in ours.query([head], OURS[DESC], False).vertices] == rest
    assert [v.arn for v in ours.query([head], OURS[DESC], False, max_depth=10).vertices] == rest[:10]
    model = api.ModelArtifact.load(account.chain[-1], account.graph)
    sdk_model = sdk_artifact.ModelArtifact.load(account.chain[-1], sagemaker_session=account.session)
    assert len(sdk_model.dataset_artifacts()) == 10
    assert arns(model.dataset_artifacts()) == set(account.chain[:-1])
    query_filter = {"LineageTypes": ["Artifact"], "Types": ["DataSet"]}
    for dataset in of_kind(account, "Artifact", "DataSet"):
        request = {"StartArns": [dataset], "Direction": "Descendants", "Filters": query_filter, "MaxDepth": 10}
        page = account.client.query_lineage(**request)
        if "NextToken" not in page:
            continue
        every = page["Vertices"]
        while "NextToken" in page:
            page = account.client.query_lineage(**request, NextToken=page["NextToken"])
            every += page["Vertices"]
        sdk_answer = sdk_artifact.DatasetArtifact.load(dataset, sagemaker_session=account.session).downstream_datasets()
        assert len(sdk_answer) == PAGE < len(every)
        ours_answer = api.DatasetArtifact.load(dataset, account.graph).downstream_datasets()
        assert arns(ours_answer) == {v["Arn"] for v in every} - {dataset}
        return
    pytest.fail("no dataset has more than one page of downstream datasets")


# -- no SageMaker call ----------------------------------------------------------------------------------------
def test_the_api_never_calls_sagemaker(account: Account, sandbox_url: str) -> None:
    before = get_faults(sandbox_url)["counters"]["requests"]
    endpoint = api.Context.load(of_kind(account, "Context", "Endpoint")[0], account.graph)
    assert isinstance(endpoint, api.EndpointContext)
    endpoint.models()
    endpoint.trial_components()
    endpoint.pipeline_execution_arn()
    tc = api.LineageTrialComponent.load(DEMO_TRIAL_COMPONENT, account.graph)
    tc.dataset_artifacts()
    api.LineageQuery(account.graph).query([tc.trial_component_arn])
    assert get_faults(sandbox_url)["counters"]["requests"] == before


# -- the README's side-by-side example ------------------------------------------------------------------------
def readme_examples() -> tuple[str, str]:
    """The SDK's and lineage-graph's code of the README's Python API table."""
    text = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Python API") :]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    return blocks[0], blocks[1]


def test_readme_example_gives_the_sdks_answers(
    account: Account, sandbox_url: str, neo4j_settings: Neo4jSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in {
        "AWS_ENDPOINT_URL_SAGEMAKER": sandbox_url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "NEO4J_URI": neo4j_settings.uri,
        "NEO4J_USERNAME": neo4j_settings.username,
        "NEO4J_PASSWORD": neo4j_settings.password,
    }.items():
        monkeypatch.setenv(key, value)
    sdk_code, our_code = readme_examples()
    theirs: dict[str, Any] = {}
    ours: dict[str, Any] = {}
    exec(sdk_code, theirs)
    exec(our_code, ours)
    try:
        for name in ("datasets", "models"):
            assert arns(ours[name]) == arns(theirs[name]) and ours[name], name
        assert ours["execution"] == theirs["execution"] and ours["execution"]
        # The SDK lists them in QueryLineage's order, which SageMaker leaves unspecified (two since the roll-out).
        assert sorted(ours["jobs"]) == sorted(theirs["jobs"]) and ours["jobs"]
        assert shape(ours["result"]) == shape(theirs["result"])
        assert sorted(ours["uris"]) == sorted(theirs["uris"])
    finally:
        ours["graph"].close()
