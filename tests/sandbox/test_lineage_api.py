"""The sandbox's lineage APIs over HTTP with real boto3: CRUD, filters, sorting, paging, errors, QueryLineage."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError
from moto.sagemaker.models import sagemaker_backends

from lineage_graph.sandbox.lineage_store import store_for

ACCOUNT = "123456789012"
REGION = "us-east-1"


def error_code(err: pytest.ExceptionInfo[ClientError]) -> str:
    return str(err.value.response["Error"]["Code"])


def backend() -> Any:
    return sagemaker_backends[ACCOUNT][REGION]


def artifact(sm: Any, uri: str, kind: str = "DataSet", **kwargs: Any) -> str:
    return str(sm.create_artifact(Source={"SourceUri": uri}, ArtifactType=kind, **kwargs)["ArtifactArn"])


def job_trial_component(sm: Any, name: str, source_type: str = "SageMakerTrainingJob") -> str:
    """A TC as SageMaker makes one for a job (``Source`` is set by the automatic lineage, not the API)."""
    arn = str(
        sm.create_trial_component(TrialComponentName=name, Status={"PrimaryStatus": "Completed"})["TrialComponentArn"]
    )
    kind = source_type.removeprefix("SageMaker").removesuffix("Job").lower()
    job_arn = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:{kind}-job/{name}"
    backend().trial_components[name].source = {"SourceArn": job_arn, "SourceType": source_type}
    return arn


def unvalidated(make: Callable[..., Any]) -> Any:
    """A client that sends what botocore would refuse, to see the server's own validation."""
    return make(parameter_validation=False)


# -- artifacts, contexts, actions -------------------------------------------------------------------------
def test_artifact_crud(sagemaker_client: Any) -> None:
    sm = sagemaker_client
    arn = artifact(
        sm,
        "s3://bucket/train.csv",
        ArtifactName="train",
        Properties={"owner": "ds", "stage": "raw"},
        MetadataProperties={"CommitId": "abc"},
        Tags=[{"Key": "team", "Value": "ml"}],
    )
    described = sm.describe_artifact(ArtifactArn=arn)
    assert described["ArtifactArn"] == arn
    assert described["ArtifactName"] == "train"
    assert described["Source"] == {"SourceUri": "s3://bucket/train.csv"}
    assert described["ArtifactType"] == "DataSet"
    assert described["Properties"] == {"owner": "ds", "stage": "raw"}
    assert described["MetadataProperties"] == {"CommitId": "abc"}
    assert described["LineageGroupArn"].endswith(":lineage-group/sagemaker-default-lineage-group")
    assert sm.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "ml"}]

    assert (
        sm.update_artifact(
            ArtifactArn=arn, ArtifactName="train-v2", Properties={"stage": "clean"}, PropertiesToRemove=["owner"]
        )["ArtifactArn"]
        == arn
    )
    described = sm.describe_artifact(ArtifactArn=arn)
    assert described["ArtifactName"] == "train-v2"
    assert described["Properties"] == {"stage": "clean"}
    assert described["LastModifiedTime"] >= described["CreationTime"]

    assert sm.delete_artifact(ArtifactArn=arn)["ArtifactArn"] == arn
    with pytest.raises(ClientError) as err:
        sm.describe_artifact(ArtifactArn=arn)
    assert error_code(err) == "ResourceNotFound"
    with pytest.raises(ClientError) as err:
        sm.delete_artifact(ArtifactArn=arn)
    assert error_code(err) == "ResourceNotFound"


def test_delete_artifact_by_source(sagemaker_client: Any) -> None:
    sm = sagemaker_client
    arn = artifact(sm, "s3://bucket/model.tar.gz", "Model")
    assert sm.delete_artifact(Source={"SourceUri": "s3://bucket/model.tar.gz"})["ArtifactArn"] == arn
    with pytest.raises(ClientError) as err:
        sm.delete_artifact(Source={"SourceUri": "s3://bucket/model.tar.gz"})
    assert error_code(err) == "ResourceNotFound"


def test_list_artifacts_filters_and_sort(sagemaker_client: Any) -> None:
    sm = sagemaker_client
    first = artifact(sm, "s3://b/a", "DataSet")
    second = artifact(sm, "s3://b/b", "Model")
    third = artifact(sm, "s3://b/a", "Model")
    everything = [s["ArtifactArn"] for s in sm.list_artifacts()["ArtifactSummaries"]]
    assert everything == [third, second, first]  # default: CreationTime, Descending
    ascending = sm.list_artifacts(SortBy="CreationTime", SortOrder="Ascending")["ArtifactSummaries"]
    assert [s["ArtifactArn"] for s in ascending] == [first, second, third]
    assert {s["ArtifactArn"] for s in sm.list_artifacts(SourceUri="s3://b/a")["ArtifactSummaries"]} == {first, third}
    assert {s["ArtifactArn"] for s in sm.list_artifacts(ArtifactType="Model")["ArtifactSummaries"]} == {second, third}
    created = sm.describe_artifact(ArtifactArn=second)["CreationTime"]
    # CreatedAfter / CreatedBefore are inclusive ("on or after").
    after = {s["ArtifactArn"] for s in sm.list_artifacts(CreatedAfter=created)["ArtifactSummaries"]}
    assert after == {second, third}
    before = {s["ArtifactArn"] for s in sm.list_artifacts(CreatedBefore=created)["ArtifactSummaries"]}
    assert before == {first, second}
    future = datetime.now(UTC) + timedelta(days=1)
    assert sm.list_artifacts(CreatedAfter=future)["ArtifactSummaries"] == []
    with pytest.raises(ClientError) as err:
        sm.list_artifacts(SortBy="Name")
    assert error_code(err) == "ValidationException"  # artifacts sort by CreationTime only


def test_pagination_edges(sagemaker_client: Any, make_sagemaker_client: Callable[..., Any]) -> None:
    sm = sagemaker_client
    arns = [artifact(sm, f"s3://b/{i:02d}") for i in range(25)]
    assert len(sm.list_artifacts()["ArtifactSummaries"]) == 10  # default page size
    pages = []
    token: str | None = None
    while True:
        page = sm.list_artifacts(MaxResults=10, SortOrder="Ascending", **({"NextToken": token} if token else {}))
        pages.append([s["ArtifactArn"] for s in page["ArtifactSummaries"]])
        token = page.get("NextToken")
        if not token:
            break
    assert [len(p) for p in pages] == [10, 10, 5]
    assert [a for p in pages for a in p] == arns
    paginated = sm.get_paginator("list_artifacts").paginate(SortOrder="Ascending", PaginationConfig={"PageSize": 7})
    assert [s["ArtifactArn"] for page in paginated for s in page["ArtifactSummaries"]] == arns
    exact = sm.list_artifacts(MaxResults=25)
    assert len(exact["ArtifactSummaries"]) == 25 and "NextToken" not in exact
    assert len(sm.list_artifacts(MaxResults=100)["ArtifactSummaries"]) == 25

    raw = unvalidated(make_sagemaker_client)
    for bad in (0, 101, -1):
        with pytest.raises(ClientError) as err:
            raw.list_artifacts(MaxResults=bad)
        assert error_code(err) == "ValidationException"
        assert "maxResults" in str(err.value)
    with pytest.raises(ClientError) as err:
        sm.list_artifacts(NextToken="not-a-token")
    assert error_code(err) == "ValidationException"
    token = sm.list_artifacts(MaxResults=5)["NextToken"]
    with pytest.raises(ClientError) as err:  # a token is bound to the filters it was issued for
        sm.list_artifacts(MaxResults=5, NextToken=token, ArtifactType="Model")
    assert error_code(err) == "ValidationException"


def test_context_crud_and_conflicts(sagemaker_client: Any) -> None:
    sm = sagemaker_client
    endpoint_arn = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:endpoint/churn"
    arn = sm.create_context(
        ContextName="churn-endpoint",
        Source={"SourceUri": endpoint_arn, "SourceType": "ARN", "SourceId": "2024-06-01"},
        ContextType="Endpoint",
        Description="prod",
        Properties={"Status": "InService"},
    )["ContextArn"]
    assert arn == f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:context/churn-endpoint"
    with pytest.raises(ClientError) as err:
        sm.create_context(ContextName="churn-endpoint", Source={"SourceUri": "x"}, ContextType="Endpoint")
    assert error_code(err) == "ValidationException"
    by_name = sm.describe_context(ContextName="churn-endpoint")
    assert by_name == {**sm.describe_context(ContextName=arn), "ResponseMetadata": by_name["ResponseMetadata"]}
    assert by_name["Source"] == {"SourceUri": endpoint_arn, "SourceType": "ARN", "SourceId": "2024-06-01"}
    assert by_name["Description"] == "prod"
    sm.update_context(ContextName="churn-endpoint", Description="retired", PropertiesToRemove=["Status"])
    assert sm.describe_context(ContextName="churn-endpoint")["Properties"] == {}
    with pytest.raises(ClientError) as err:
        sm.update_context(ContextName="churn-endpoint", Properties={"a": "1"}, PropertiesToRemove=["a"])
    assert error_code(err) == "ConflictException"
    sm.create_context(ContextName="a-group", Source={"SourceUri": "y"}, ContextType="ModelGroup")
    names = [s["ContextName"] for s in sm.list_contexts(SortBy="Name", SortOrder="Ascending")["ContextSummaries"]]
    assert names == ["a-group", "churn-endpoint"]
    assert [s["ContextName"] for s in sm.list_contexts(SourceUri=endpoint_arn)["ContextSummaries"]] == [
        "churn-endpoint"
    ]
    assert [s["ContextName"] for s in sm.list_contexts(ContextType="ModelGroup")["ContextSummaries"]] == ["a-group"]
    assert sm.delete_context(ContextName="churn-endpoint")["ContextArn"] == arn
    for call in (
        lambda: sm.describe_context(ContextName="churn-endpoint"),
        lambda: sm.delete_context(ContextName="nope"),
    ):
        with pytest.raises(ClientError) as err:
            call()
        assert error_code(err) == "ResourceNotFound"
    with pytest.raises(ClientError) as err:
        sm.update_context(ContextName="nope", Description="x")
    assert error_code(err) == "ResourceNotFound"


def test_action_crud(sagemaker_client: Any) -> None:
    sm = sagemaker_client
    arn = sm.create_action(ActionName="deploy-1", Source={"SourceUri": "arn:x"}, ActionType="ModelDeployment")[
        "ActionArn"
    ]
    assert sm.describe_action(ActionName="deploy-1")["Status"] == "Unknown"
    sm.create_action(ActionName="approve-1", Source={"SourceUri": "arn:y"}, ActionType="Approval", Status="InProgress")
    sm.update_action(ActionName="approve-1", Status="Completed", Properties={"ModelApprovalStatus": "Approved"})
    approval = sm.describe_action(ActionName="approve-1")
    assert approval["Status"] == "Completed" and approval["Properties"] == {"ModelApprovalStatus": "Approved"}
    summaries = sm.list_actions(ActionType="Approval")["ActionSummaries"]
    assert [(s["ActionName"], s["Status"]) for s in summaries] == [("approve-1", "Completed")]
    assert [s["ActionName"] for s in sm.list_actions(SortBy="Name", SortOrder="Descending")["ActionSummaries"]] == [
        "deploy-1",
        "approve-1",
    ]
    with pytest.raises(ClientError) as err:
        sm.create_action(ActionName="deploy-1", Source={"SourceUri": "z"}, ActionType="ModelDeployment")
    assert error_code(err) == "ValidationException"
    with pytest.raises(ClientError) as err:
        sm.create_action(ActionName="bad", Source={"SourceUri": "z"}, ActionType="X", Status="Sleeping")
    assert error_code(err) == "ValidationException"
    with pytest.raises(ClientError) as err:
        sm.create_action(ActionName="has spaces", Source={"SourceUri": "z"}, ActionType="X")
    assert error_code(err) == "ValidationException"
    assert sm.delete_action(ActionName="deploy-1")["ActionArn"] == arn


# -- associations -----------------------------------------------------------------------------------------
def test_associations(sagemaker_client: Any, make_sagemaker_client: Callable[..., Any]) -> None:
    sm = sagemaker_client
    data = artifact(sm, "s3://b/train", "DataSet", ArtifactName="train-data")
    tc = job_trial_component(sm, "job-1-aws-training-job")
    model = artifact(sm, "s3://b/model.tar.gz", "Model")
    sm.create_experiment(ExperimentName="exp")
    experiment_arn = sm.describe_experiment(ExperimentName="exp")["ExperimentArn"]
    added = sm.add_association(SourceArn=data, DestinationArn=tc, AssociationType="ContributedTo")
    assert (added["SourceArn"], added["DestinationArn"]) == (data, tc)
    sm.add_association(SourceArn=tc, DestinationArn=model, AssociationType="Produced")
    sm.add_association(SourceArn=tc, DestinationArn=experiment_arn, AssociationType="AssociatedWith")

    every = sm.list_associations(SortBy="CreationTime", SortOrder="Ascending")["AssociationSummaries"]
    assert [(s["SourceArn"], s["DestinationArn"]) for s in every] == [(data, tc), (tc, model), (tc, experiment_arn)]
    first = every[0]
    assert first["SourceType"] == "DataSet" and first["DestinationType"] == "SageMakerTrainingJob"
    assert first["SourceName"] == "train-data" and first["DestinationName"] == "job-1-aws-training-job"
    assert first["AssociationType"] == "ContributedTo" and "CreationTime" in first
    assert every[2]["DestinationName"] == "exp"

    def listed(**filters: Any) -> list[tuple[str, str]]:
        return [(s["SourceArn"], s["DestinationArn"]) for s in sm.list_associations(**filters)["AssociationSummaries"]]

    assert listed(SourceArn=tc, SortBy="DestinationArn", SortOrder="Ascending") == sorted(
        [(tc, model), (tc, experiment_arn)], key=lambda pair: pair[1]
    )
    assert listed(DestinationArn=tc) == [(data, tc)]
    assert listed(SourceType="SageMakerTrainingJob", DestinationType="Model") == [(tc, model)]
    assert listed(AssociationType="Produced") == [(tc, model)]
    assert listed(CreatedAfter=datetime.now(UTC) + timedelta(hours=1)) == []

    # Errors: a missing end, a duplicate, a bad type, a trial ARN (not an association entity).
    missing = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:artifact/{'0' * 32}"
    with pytest.raises(ClientError) as err:
        sm.add_association(SourceArn=missing, DestinationArn=tc)
    assert error_code(err) == "ResourceNotFound"
    with pytest.raises(ClientError) as err:
        sm.add_association(SourceArn=data, DestinationArn=tc)
    assert error_code(err) == "ValidationException"
    with pytest.raises(ClientError) as err:
        sm.add_association(SourceArn=model, DestinationArn=data, AssociationType="Caused")
    assert error_code(err) == "ValidationException"
    trial_arn = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:experiment-trial/t1"
    with pytest.raises(ClientError) as err:
        sm.add_association(SourceArn=trial_arn, DestinationArn=data)
    assert error_code(err) == "ValidationException"

    # Deleting an entity does not cascade: the edge stays, still named and typed.
    sm.delete_artifact(ArtifactArn=data)
    dangling = sm.list_associations(SourceArn=data)["AssociationSummaries"]
    assert len(dangling) == 1 and dangling[0]["SourceType"] == "DataSet" and dangling[0]["SourceName"] == "train-data"

    assert sm.delete_association(SourceArn=data, DestinationArn=tc)["SourceArn"] == data
    assert listed(SourceArn=data) == []
    with pytest.raises(ClientError) as err:
        sm.delete_association(SourceArn=data, DestinationArn=tc)
    assert error_code(err) == "ResourceNotFound"


def test_list_associations_pages(sagemaker_client: Any) -> None:
    sm = sagemaker_client
    hub = artifact(sm, "s3://b/hub")
    for i in range(12):
        sm.add_association(SourceArn=hub, DestinationArn=artifact(sm, f"s3://b/{i}"), AssociationType="DerivedFrom")
    first = sm.list_associations(SourceArn=hub)
    assert len(first["AssociationSummaries"]) == 10
    rest = sm.list_associations(SourceArn=hub, NextToken=first["NextToken"])
    assert len(rest["AssociationSummaries"]) == 2 and "NextToken" not in rest
    paginator = sm.get_paginator("list_associations").paginate(PaginationConfig={"PageSize": 5})
    assert sum(len(p["AssociationSummaries"]) for p in paginator) == 12


# -- QueryLineage -----------------------------------------------------------------------------------------
@pytest.fixture
def graph(sagemaker_client: Any) -> dict[str, str]:
    """A chain, a diamond and a SameAs cycle::

    data --ContributedTo--> train(TC) --Produced--> model --ContributedTo--> deploy --AssociatedWith--> endpoint
    raw --> left --> joined ;  raw --> right --> joined          (DerivedFrom: a diamond)
    model --SameAs--> twin --SameAs--> model                      (a cycle)
    raw --ContributedTo--> train                                  (joins the diamond to the chain)
    """
    sm = sagemaker_client
    g = {
        "data": artifact(sm, "s3://b/data", "DataSet", Properties={"tier": "gold"}),
        "train": job_trial_component(sm, "train-aws-training-job"),
        "model": artifact(sm, "s3://b/model.tar.gz", "Model"),
        "deploy": sm.create_action(ActionName="deploy", Source={"SourceUri": "e"}, ActionType="ModelDeployment")[
            "ActionArn"
        ],
        "endpoint": sm.create_context(ContextName="endpoint", Source={"SourceUri": "e"}, ContextType="Endpoint")[
            "ContextArn"
        ],
        "raw": artifact(sm, "s3://b/raw", "DataSet", Properties={"tier": "bronze"}),
        "left": artifact(sm, "s3://b/left", "DataSet"),
        "right": artifact(sm, "s3://b/right", "DataSet"),
        "joined": artifact(sm, "s3://b/joined", "DataSet"),
        "twin": artifact(sm, "s3://other/model.tar.gz", "Model"),
    }
    edges = [
        ("data", "train", "ContributedTo"),
        ("train", "model", "Produced"),
        ("model", "deploy", "ContributedTo"),
        ("deploy", "endpoint", "AssociatedWith"),
        ("raw", "left", "DerivedFrom"),
        ("raw", "right", "DerivedFrom"),
        ("left", "joined", "DerivedFrom"),
        ("right", "joined", "DerivedFrom"),
        ("model", "twin", "SameAs"),
        ("twin", "model", "SameAs"),
        ("raw", "train", "ContributedTo"),
    ]
    for src, dst, kind in edges:
        sm.add_association(SourceArn=g[src], DestinationArn=g[dst], AssociationType=kind)
    return g


def names(g: dict[str, str], arns: list[str]) -> list[str]:
    by_arn = {arn: name for name, arn in g.items()}
    return [by_arn[arn] for arn in arns]


def query(sm: Any, g: dict[str, str], start: str, **kwargs: Any) -> dict[str, Any]:
    return dict(sm.query_lineage(StartArns=[g[start]], **kwargs))


def test_query_descendants_and_depth(sagemaker_client: Any, graph: dict[str, str]) -> None:
    sm, g = sagemaker_client, graph
    result = query(sm, g, "raw", Direction="Descendants", IncludeEdges=True, MaxDepth=2)
    assert set(names(g, [v["Arn"] for v in result["Vertices"]])) == {"raw", "left", "right", "joined", "train", "model"}
    edges = {(names(g, [e["SourceArn"]])[0], names(g, [e["DestinationArn"]])[0]) for e in result["Edges"]}
    assert edges == {
        ("raw", "left"),
        ("raw", "right"),
        ("left", "joined"),
        ("right", "joined"),
        ("raw", "train"),
        ("train", "model"),
    }
    one = query(sm, g, "raw", Direction="Descendants", MaxDepth=1)
    assert set(names(g, [v["Arn"] for v in one["Vertices"]])) == {"raw", "left", "right", "train"}
    assert one["Edges"] == []  # IncludeEdges defaults to false
    deep = query(sm, g, "raw", Direction="Descendants", IncludeEdges=True)
    assert set(names(g, [v["Arn"] for v in deep["Vertices"]])) == {
        "raw", "left", "right", "joined", "train", "model", "deploy", "endpoint", "twin",
    }  # fmt: skip
    assert {(e["SourceArn"], e["DestinationArn"]) for e in deep["Edges"]} >= {
        (g["model"], g["twin"]),
        (g["twin"], g["model"]),
    }
    vertex = {v["Arn"]: v for v in deep["Vertices"]}
    assert vertex[g["train"]] == {"Arn": g["train"], "Type": "TrainingJob", "LineageType": "TrialComponent"}
    assert vertex[g["endpoint"]] == {"Arn": g["endpoint"], "Type": "Endpoint", "LineageType": "Context"}
    assert vertex[g["deploy"]]["LineageType"] == "Action"


def test_query_ascendants_and_both(sagemaker_client: Any, graph: dict[str, str]) -> None:
    sm, g = sagemaker_client, graph
    up = query(sm, g, "endpoint", Direction="Ascendants", IncludeEdges=True)
    assert set(names(g, [v["Arn"] for v in up["Vertices"]])) == {
        "endpoint",
        "deploy",
        "model",
        "twin",
        "train",
        "data",
        "raw",
    }
    assert (g["raw"], g["left"]) not in {(e["SourceArn"], e["DestinationArn"]) for e in up["Edges"]}
    # Both: from every visited node in both directions, so the diamond is reached through raw.
    both = query(sm, g, "endpoint", Direction="Both")
    assert set(names(g, [v["Arn"] for v in both["Vertices"]])) == set(g)
    # The start entity is a vertex when it passes the filters.
    assert g["endpoint"] in {v["Arn"] for v in both["Vertices"]}


def test_query_filters(sagemaker_client: Any, graph: dict[str, str]) -> None:
    sm, g = sagemaker_client, graph

    def found(**kwargs: Any) -> set[str]:
        result = query(sm, g, "endpoint", Direction="Ascendants", **kwargs)
        return set(names(g, [v["Arn"] for v in result["Vertices"]]))

    assert found(Filters={"Types": ["DataSet"]}) == {"data", "raw"}
    assert found(Filters={"Types": ["TrainingJob"]}) == {"train"}
    assert found(Filters={"LineageTypes": ["TrialComponent", "Action"]}) == {"train", "deploy"}
    assert found(Filters={"Types": ["Model"], "LineageTypes": ["Artifact"]}) == {"model", "twin"}
    assert found(Filters={"Properties": {"tier": "gold", "other": "x"}}) == {"data"}
    assert found(Filters={"CreatedAfter": datetime.now(UTC) + timedelta(hours=1)}) == set()
    assert found(Filters={"ModifiedBefore": datetime.now(UTC) + timedelta(hours=1)}) == set(g) - {
        "left",
        "right",
        "joined",
    }
    # With edges, the entities on the path to a match come too.
    with_path = query(sm, g, "endpoint", Direction="Ascendants", IncludeEdges=True, Filters={"Types": ["DataSet"]})
    assert set(names(g, [v["Arn"] for v in with_path["Vertices"]])) == {
        "endpoint",
        "deploy",
        "model",
        "train",
        "data",
        "raw",
    }
    assert len(with_path["Edges"]) == 5


def test_query_paging_and_determinism(sagemaker_client: Any, graph: dict[str, str]) -> None:
    sm, g = sagemaker_client, graph
    whole = query(sm, g, "endpoint", Direction="Both", IncludeEdges=True)
    assert whole == {
        **query(sm, g, "endpoint", Direction="Both", IncludeEdges=True),
        "ResponseMetadata": whole["ResponseMetadata"],
    }
    vertices, edges, token = [], [], None
    while True:
        page = query(
            sm,
            g,
            "endpoint",
            Direction="Both",
            IncludeEdges=True,
            MaxResults=3,
            **({"NextToken": token} if token else {}),
        )
        assert len(page["Vertices"]) <= 3
        vertices += page["Vertices"]
        edges += page["Edges"]
        token = page.get("NextToken")
        if not token:
            break
    assert vertices == whole["Vertices"]
    assert sorted(map(str, edges)) == sorted(map(str, whole["Edges"]))  # each edge exactly once
    assert len(edges) == len({(e["SourceArn"], e["DestinationArn"]) for e in edges})


def test_query_errors(sagemaker_client: Any, graph: dict[str, str], make_sagemaker_client: Callable[..., Any]) -> None:
    sm, g = sagemaker_client, graph
    raw = unvalidated(make_sagemaker_client)
    bad_requests: list[dict[str, Any]] = [
        {"StartArns": [g["raw"], g["data"]]},  # at most 1 start ARN
        {"StartArns": [g["raw"]], "MaxDepth": 11},
        {"StartArns": [g["raw"]], "MaxResults": 51},
        {"StartArns": [g["raw"]], "MaxResults": 0},
        {"StartArns": [g["raw"]], "Direction": "Sideways"},
        {"StartArns": [g["raw"]], "Filters": {"LineageTypes": ["Experiment"]}},
        {"StartArns": [g["raw"]], "Filters": {"Types": ["a", "b", "c", "d", "e", "f"]}},
        {"StartArns": ["arn:aws:sagemaker:us-east-1:123456789012:model/m"]},
        {"StartArns": [g["raw"]], "NextToken": "garbage"},
    ]
    for request in bad_requests:
        with pytest.raises(ClientError) as err:
            raw.query_lineage(**request)
        assert error_code(err) == "ValidationException", request
    missing = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:context/nope"
    with pytest.raises(ClientError) as err:
        sm.query_lineage(StartArns=[missing])
    assert error_code(err) == "ResourceNotFound"
    assert sm.query_lineage(StartArns=[])["Vertices"] == []


def test_query_ignores_deleted_ends(sagemaker_client: Any, graph: dict[str, str]) -> None:
    sm, g = sagemaker_client, graph
    sm.delete_artifact(ArtifactArn=g["left"])
    result = query(sm, g, "raw", Direction="Descendants", IncludeEdges=True, MaxDepth=2)
    arns = {v["Arn"] for v in result["Vertices"]}
    assert g["left"] not in arns and g["joined"] in arns
    assert all(g["left"] not in (e["SourceArn"], e["DestinationArn"]) for e in result["Edges"])


# -- tags, experiments, trials, trial components ------------------------------------------------------------
def test_tags_on_lineage_and_execution_arns(sagemaker_client: Any) -> None:
    sm = sagemaker_client
    arn = sm.create_context(ContextName="ctx", Source={"SourceUri": "u"}, ContextType="Endpoint")["ContextArn"]
    sm.add_tags(ResourceArn=arn, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    sm.add_tags(ResourceArn=arn, Tags=[{"Key": "a", "Value": "3"}])  # overwrites
    assert sm.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "a", "Value": "3"}, {"Key": "b", "Value": "2"}]
    sm.delete_tags(ResourceArn=arn, TagKeys=["a"])
    assert sm.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "b", "Value": "2"}]
    action = sm.create_action(
        ActionName="act", Source={"SourceUri": "u"}, ActionType="X", Tags=[{"Key": "k", "Value": "v"}]
    )
    assert sm.list_tags(ResourceArn=action["ActionArn"])["Tags"] == [{"Key": "k", "Value": "v"}]

    sm.create_pipeline(
        PipelineName="p",
        PipelineDefinition='{"Version": "2020-12-01", "Steps": []}',
        RoleArn=f"arn:aws:iam::{ACCOUNT}:role/r",
    )
    execution = sm.start_pipeline_execution(PipelineName="p")["PipelineExecutionArn"]
    sm.add_tags(ResourceArn=execution, Tags=[{"Key": "run", "Value": "nightly"}])
    assert sm.list_tags(ResourceArn=execution)["Tags"] == [{"Key": "run", "Value": "nightly"}]
    with pytest.raises(ClientError) as err:
        sm.list_tags(ResourceArn=f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:artifact/{'f' * 32}")
    assert error_code(err) == "ValidationException"


def test_experiments_trials_and_trial_components(sagemaker_client: Any) -> None:
    sm = sagemaker_client
    sm.create_experiment(ExperimentName="exp", DisplayName="Exp", Description="d", Tags=[{"Key": "t", "Value": "1"}])
    experiment = sm.describe_experiment(ExperimentName="exp")
    assert (experiment["DisplayName"], experiment["Description"]) == ("Exp", "d")
    assert sm.list_tags(ResourceArn=experiment["ExperimentArn"])["Tags"] == [{"Key": "t", "Value": "1"}]
    with pytest.raises(ClientError) as err:
        sm.describe_experiment(ExperimentName="missing")
    assert error_code(err) == "ResourceNotFound"
    with pytest.raises(ClientError) as err:
        sm.create_trial(TrialName="t0", ExperimentName="missing")
    assert error_code(err) == "ResourceNotFound"

    sm.create_trial(TrialName="trial-a", ExperimentName="exp", Tags=[{"Key": "x", "Value": "y"}])
    sm.create_trial(TrialName="trial-b", ExperimentName="exp")
    trial = sm.describe_trial(TrialName="trial-a")
    assert trial["ExperimentName"] == "exp"
    assert sm.list_tags(ResourceArn=trial["TrialArn"])["Tags"] == [{"Key": "x", "Value": "y"}]
    with pytest.raises(ClientError) as err:
        sm.describe_trial(TrialName="missing")
    assert error_code(err) == "ResourceNotFound"

    job_tc = job_trial_component(sm, "job-aws-training-job")
    manual = sm.create_trial_component(
        TrialComponentName="manual", DisplayName="manual", Tags=[{"Key": "k", "Value": "v"}]
    )["TrialComponentArn"]
    sm.create_trial_component(TrialComponentName="loose")
    sm.associate_trial_component(TrialComponentName="job-aws-training-job", TrialName="trial-a")
    sm.associate_trial_component(TrialComponentName="manual", TrialName="trial-b")
    assert sm.list_tags(ResourceArn=manual)["Tags"] == [{"Key": "k", "Value": "v"}]

    described = sm.describe_trial_component(TrialComponentName=job_tc)  # by ARN
    assert described["Source"]["SourceType"] == "SageMakerTrainingJob"
    assert described["Status"] == {"PrimaryStatus": "Completed"}
    assert "Source" not in sm.describe_trial_component(TrialComponentName="manual")
    with pytest.raises(ClientError) as err:
        sm.describe_trial_component(TrialComponentName="missing")
    assert error_code(err) == "ResourceNotFound"

    def tcs(**filters: Any) -> list[str]:
        return [s["TrialComponentName"] for s in sm.list_trial_components(**filters)["TrialComponentSummaries"]]

    assert tcs() == ["loose", "manual", "job-aws-training-job"]  # CreationTime, Descending
    assert tcs(SortBy="Name", SortOrder="Ascending") == ["job-aws-training-job", "loose", "manual"]
    assert sorted(tcs(ExperimentName="exp")) == ["job-aws-training-job", "manual"]
    assert tcs(TrialName="trial-b") == ["manual"]
    source_arn = described["Source"]["SourceArn"]
    summary = sm.list_trial_components(SourceArn=source_arn)["TrialComponentSummaries"]
    assert [s["TrialComponentName"] for s in summary] == ["job-aws-training-job"]
    assert summary[0]["TrialComponentSource"] == {"SourceArn": source_arn, "SourceType": "SageMakerTrainingJob"}
    assert summary[0]["Status"] == {"PrimaryStatus": "Completed"} and summary[0]["DisplayName"]
    assert len(tcs(MaxResults=2)) == 2
    with pytest.raises(ClientError) as err:
        sm.list_trial_components(ExperimentName="exp", TrialName="trial-a")
    assert error_code(err) == "ValidationException"
    with pytest.raises(ClientError) as err:
        sm.list_trial_components(TrialName="missing")
    assert error_code(err) == "ResourceNotFound"
    created = sm.describe_trial_component(TrialComponentName="manual")["CreationTime"]
    assert tcs(CreatedAfter=created) == ["loose"]  # strictly after

    assert [t["TrialName"] for t in sm.list_trials(TrialComponentName="manual")["TrialSummaries"]] == ["trial-b"]
    assert [
        t["TrialName"]
        for t in sm.list_trials(ExperimentName="exp", SortBy="Name", SortOrder="Ascending")["TrialSummaries"]
    ] == [
        "trial-a",
        "trial-b",
    ]
    assert len(sm.list_experiments()["ExperimentSummaries"]) == 1


# -- pipelines ------------------------------------------------------------------------------------------------
def test_pipeline_executions_and_steps(sagemaker_client: Any) -> None:
    sm = sagemaker_client
    for name in ("alpha", "beta"):
        sm.create_pipeline(
            PipelineName=name,
            PipelineDefinition='{"Version": "2020-12-01", "Steps": []}',
            RoleArn=f"arn:aws:iam::{ACCOUNT}:role/r",
        )
    executions = [sm.start_pipeline_execution(PipelineName="alpha")["PipelineExecutionArn"] for _ in range(3)]
    pages = list(
        sm.get_paginator("list_pipeline_executions").paginate(PipelineName="alpha", PaginationConfig={"PageSize": 1})
    )
    assert [len(p["PipelineExecutionSummaries"]) for p in pages] == [1, 1, 1]
    listed = [s["PipelineExecutionArn"] for p in pages for s in p["PipelineExecutionSummaries"]]
    assert listed == list(reversed(executions))
    ascending = sm.list_pipeline_executions(PipelineName="alpha", SortOrder="Ascending")["PipelineExecutionSummaries"]
    assert [s["PipelineExecutionArn"] for s in ascending] == executions
    assert all("PipelineExecutionFailureReason" not in s for s in ascending)
    with pytest.raises(ClientError) as err:
        sm.list_pipeline_executions(PipelineName="missing")
    assert error_code(err) == "ResourceNotFound"
    assert [
        p["PipelineName"]
        for p in sm.list_pipelines(SortBy="Name", SortOrder="Ascending", MaxResults=1)["PipelineSummaries"]
    ] == ["alpha"]

    steps = store_for(backend()).pipeline_steps.setdefault(executions[0], [])
    now = datetime.now(UTC)
    for i, step in enumerate(("Preprocess", "Train", "Register")):
        steps.append(
            {
                "StepName": step,
                "StepDisplayName": step,
                "StartTime": now + timedelta(seconds=i),
                "EndTime": now + timedelta(seconds=i + 1),
                "StepStatus": "Succeeded",
                "AttemptCount": 1,
                "Metadata": {
                    "TrainingJob": {"Arn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:training-job/{step.lower()}"}
                },
            }
        )
    listed_steps = sm.list_pipeline_execution_steps(PipelineExecutionArn=executions[0])["PipelineExecutionSteps"]
    assert [s["StepName"] for s in listed_steps] == ["Register", "Train", "Preprocess"]
    ascending_steps = sm.list_pipeline_execution_steps(
        PipelineExecutionArn=executions[0], SortOrder="Ascending", MaxResults=2
    )
    assert [s["StepName"] for s in ascending_steps["PipelineExecutionSteps"]] == ["Preprocess", "Train"]
    rest = sm.list_pipeline_execution_steps(
        PipelineExecutionArn=executions[0], SortOrder="Ascending", MaxResults=2, NextToken=ascending_steps["NextToken"]
    )
    assert [s["StepName"] for s in rest["PipelineExecutionSteps"]] == ["Register"]
    assert rest["PipelineExecutionSteps"][0]["Metadata"]["TrainingJob"]["Arn"].endswith("/register")
    assert sm.list_pipeline_execution_steps(PipelineExecutionArn=executions[1])["PipelineExecutionSteps"] == []
    unknown = executions[0].rsplit("/", 1)[0] + "/doesnotexist"
    for call in (
        lambda: sm.list_pipeline_execution_steps(PipelineExecutionArn=unknown),
        lambda: sm.describe_pipeline_execution(PipelineExecutionArn=unknown),
    ):
        with pytest.raises(ClientError) as err:
            call()
        assert error_code(err) == "ResourceNotFound"


def test_state_is_per_region_and_reset(sagemaker_client: Any, make_sagemaker_client: Callable[..., Any]) -> None:
    sm = sagemaker_client
    artifact(sm, "s3://b/x")
    other = make_sagemaker_client("eu-west-1")
    assert other.list_artifacts()["ArtifactSummaries"] == []
    arn = artifact(other, "s3://b/y")
    assert ":eu-west-1:" in arn
    assert len(sm.list_artifacts()["ArtifactSummaries"]) == 1


def test_fresh_state_per_test(sagemaker_client: Any) -> None:
    """The ``sagemaker_client`` fixture resets moto, lineage stores included."""
    assert sagemaker_client.list_artifacts()["ArtifactSummaries"] == []
    assert sagemaker_client.list_associations()["AssociationSummaries"] == []
