"""The LineageQuery, the SDK helpers and the graph-only questions, against a real sync of the sandbox.

One sandbox account holds the demo plus a hand-built corner: a diamond, a SAME_AS cycle (both ways), a
chain longer than 10, a deleted end (a placeholder) and names that look like Cypher. Every answer is
checked against an independent breadth-first search in plain Python over the sandbox's ListAssociations.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from typing import Any

import pytest
from click.testing import CliRunner, Result
from fixtures import plans
from fixtures.synced_demo import Account, paginate
from neo4j import Driver

from lineage_graph import cypher_files
from lineage_graph.cli import cli
from lineage_graph.query import Direction
from lineage_graph.query.adhoc import refusal
from lineage_graph.query.explore import GraphQueries, LineageFilter
from lineage_graph.sandbox.seed import DEMO_TRIAL_COMPONENT

EVIL = "x'}) DETACH DELETE n //"
CHAIN = 12


def build_corner(client: Any) -> dict[str, str]:
    """The hand-built lineage beside the demo; returns name -> ARN."""
    arns: dict[str, str] = {}

    def artifact(name: str, uri: str, kind: str = "DataSet") -> str:
        arns[name] = client.create_artifact(ArtifactName=name, Source={"SourceUri": uri}, ArtifactType=kind)[
            "ArtifactArn"
        ]
        return arns[name]

    def link(src: str, dst: str, kind: str = "ContributedTo") -> None:
        client.add_association(SourceArn=arns[src], DestinationArn=arns[dst], AssociationType=kind)

    for n in "abcd":
        artifact(f"diamond-{n}", f"s3://corner/diamond/{n}")
    link("diamond-a", "diamond-b")
    link("diamond-a", "diamond-c")
    link("diamond-b", "diamond-d", "DerivedFrom")
    link("diamond-c", "diamond-d", "Produced")
    artifact("same-x", "s3://corner/same/x")
    artifact("same-y", "s3://other-account/same/y")
    link("same-x", "same-y", "SameAs")
    link("same-y", "same-x", "SameAs")
    link("diamond-d", "same-x")
    for i in range(CHAIN + 1):
        artifact(f"chain-{i}", f"s3://corner/chain/{i}", "Model" if i == CHAIN else "DataSet")
        if i:
            link(f"chain-{i - 1}", f"chain-{i}")
    link("same-y", "chain-0")
    arns["evil"] = client.create_context(
        ContextName="evil-context",
        Source={"SourceUri": f"s3://corner/{EVIL}"},
        ContextType="Endpoint",
        Properties={"note": EVIL},
    )["ContextArn"]
    link(f"chain-{CHAIN}", "evil", "AssociatedWith")
    artifact("gone", "s3://corner/gone")
    link("evil", "gone", "ContributedTo")
    client.delete_artifact(ArtifactArn=arns["gone"])  # the association stays: a placeholder
    return arns


@pytest.fixture(scope="module")
def build_extra() -> Callable[[Any], dict[str, str]]:
    return build_corner


@pytest.fixture(scope="module")
def account(synced_demo: Account) -> Account:
    return synced_demo


@pytest.fixture(scope="module")
def env(sync_env: dict[str, str]) -> dict[str, str]:
    return sync_env


def run_cli(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


@pytest.fixture(scope="module")
def driver(synced_driver: Driver) -> Driver:
    return synced_driver


@pytest.fixture(scope="module")
def queries(driver: Driver) -> GraphQueries:
    return GraphQueries(driver, "neo4j")


def answer(vertices: Any) -> dict[str, int]:
    return {v.arn: v.depth for v in vertices}


# -- the generic LineageQuery ----------------------------------------------------------------------------
@pytest.mark.parametrize("direction", ["ascendants", "descendants", "both"])
def test_lineage_from_every_entity_matches_bfs(account: Account, queries: GraphQueries, direction: str) -> None:
    for start in account.entities():
        if start == account.built["gone"]:
            continue  # a placeholder is not a start anyone can name... but it is still reachable
        got = answer(queries.lineage(start, Direction(direction)).vertices)
        assert got == account.bfs(start, direction), start


def test_lineage_filters_and_max_depth(account: Account, queries: GraphQueries) -> None:
    tc_arn = next(a for a in account.entities() if a.endswith("/" + DEMO_TRIAL_COMPONENT))
    datasets = queries.lineage(DEMO_TRIAL_COMPONENT, Direction.ASCENDANTS, LineageFilter(("Artifact",), ("DataSet",)))
    assert answer(datasets.vertices) == account.select(tc_arn, "ascendants", "Artifact", ("DataSet",))
    assert datasets.vertices  # raw hubs and features
    shallow = queries.lineage(tc_arn, Direction.BOTH, max_depth=2).vertices
    assert answer(shallow) == {a: d for a, d in account.bfs(tc_arn, "both").items() if d <= 2}
    start = account.built["diamond-a"]
    assert answer(queries.lineage(start, Direction.DESCENDANTS, LineageFilter(types=("Model",))).vertices) == {
        account.built[f"chain-{CHAIN}"]: 3 + 2 + CHAIN  # a→b→d→x→y→chain-0..chain-12
    }
    # Properties (any pair) and time windows.
    evil = queries.lineage(start, Direction.DESCENDANTS, LineageFilter(properties={"note": EVIL})).vertices
    assert [v.arn for v in evil] == [account.built["evil"]]
    assert (
        queries.lineage(start, Direction.DESCENDANTS, LineageFilter(created_after="2999-01-01T00:00:00Z")).vertices
        == []
    )
    everything = queries.lineage(start, Direction.DESCENDANTS).vertices
    timed = queries.lineage(start, Direction.DESCENDANTS, LineageFilter(created_after="2000-01-01T00:00:00Z")).vertices
    assert {v.arn for v in everything} - {v.arn for v in timed} == {account.built["gone"]}  # no created_at


def test_diamond_cycle_chain_placeholder(account: Account, queries: GraphQueries) -> None:
    b = account.built
    down = answer(queries.lineage(b["diamond-a"], Direction.DESCENDANTS).vertices)
    assert down[b["diamond-d"]] == 2  # once, by the shorter of two equal paths
    assert down[b["same-y"]] == 4
    assert b["diamond-a"] not in down  # not even through the SAME_AS cycle
    assert down[b["gone"]] == 3 + 2 + CHAIN + 2
    gone = queries.lineage(b["evil"], Direction.DESCENDANTS).vertices
    assert [(v.arn, v.placeholder) for v in gone] == [(b["gone"], True)]
    # The SAME_AS cycle goes both ways: each is the other's ascendant and descendant.
    assert b["same-y"] in answer(queries.lineage(b["same-x"], Direction.ASCENDANTS).vertices)
    assert b["same-x"] in answer(queries.lineage(b["same-y"], Direction.ASCENDANTS).vertices)


def test_cypher_looking_names_are_values(account: Account, queries: GraphQueries, driver: Driver) -> None:
    before = driver.execute_query("MATCH (n) RETURN count(n) AS n", database_="neo4j").records[0]["n"]
    from lineage_graph.errors import NotFoundError

    with pytest.raises(NotFoundError):
        queries.lineage(EVIL)
    found = queries.lineage(f"s3://corner/{EVIL}", Direction.ASCENDANTS, LineageFilter(types=("DataSet",)))
    assert account.built["chain-0"] in answer(found.vertices)
    after = driver.execute_query("MATCH (n) RETURN count(n) AS n", database_="neo4j").records[0]["n"]
    assert before == after


def test_lineage_command_json_and_edges(account: Account, env: dict[str, str]) -> None:
    start = account.built["diamond-a"]
    result = run_cli(env, "lineage", start, "--direction", "descendants", "--max-depth", "2", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert set(rows[0]) == {
        "uri",
        "arn",
        "name",
        "lineage_type",
        "type",
        "source_uri",
        "job_arn",
        "job",
        "status",
        "account",
        "region",
        "depth",
        "placeholder",
        "last_seen",
    }
    assert {r["arn"]: r["depth"] for r in rows} == {
        a: d for a, d in account.bfs(start, "descendants").items() if d <= 2
    }
    result = run_cli(
        env, "lineage", start, "--direction", "descendants", "--max-depth", "2", "--include-edges", "--format", "json"
    )
    graph = json.loads(result.stdout)
    arns = {v["arn"] for v in graph["vertices"]} | {start}
    expected = {
        (a["SourceArn"], a["DestinationArn"], a["AssociationType"])
        for a in account.associations
        if a["SourceArn"] in arns and a["DestinationArn"] in arns
    }
    assert {(e["source"], e["destination"], e["relationship"]) for e in graph["edges"]} == expected
    assert {e["relationship"] for e in graph["edges"]} == {"ContributedTo", "DerivedFrom", "Produced"}
    result = run_cli(env, "lineage", "no-such-thing")
    assert result.exit_code == 2
    result = run_cli(env, "lineage", start, "--property", "novalue")
    assert result.exit_code == 2


# -- the SDK helpers --------------------------------------------------------------------------------------
def endpoint_context(account: Account, endpoint: str) -> str:
    return next(a for a, t in account.types.items() if t == "Endpoint" and a.endswith(f"/{endpoint}-aws-endpoint"))


@pytest.mark.parametrize("endpoint", ["churn-prod", "fraud-prod"])
def test_endpoint_helpers(account: Account, queries: GraphQueries, endpoint: str) -> None:
    ctx = endpoint_context(account, endpoint)
    # By the endpoint's name, its context's name and ARN: one context.
    assert queries.resolve_endpoint(endpoint) == ctx
    assert queries.resolve_endpoint(ctx) == ctx
    assert queries.resolve_endpoint(ctx.split("/", 1)[1]) == ctx
    models = answer(queries.endpoint_models(endpoint))
    assert models == account.select(ctx, "ascendants", "Artifact", ("Model",))
    assert len(models) >= 2  # the package and its model.tar.gz
    assert answer(queries.endpoint_dataset_artifacts(endpoint)) == account.select(
        ctx, "ascendants", "Artifact", ("DataSet",)
    )
    for method, types in (
        (queries.endpoint_training_jobs, ("TrainingJob",)),
        (queries.endpoint_processing_jobs, ("ProcessingJob",)),
        (queries.endpoint_transform_jobs, ("TransformJob",)),
        (queries.endpoint_trial_components, ()),
    ):
        jobs = method(endpoint, None)
        assert answer(jobs) == account.select(ctx, "ascendants", "TrialComponent", types)
    training = queries.endpoint_training_jobs(endpoint)
    assert training
    for job in training:
        tc = account.client.describe_trial_component(TrialComponentName=job.name)
        assert job.job_arn == tc["Source"]["SourceArn"]
    # The pipeline execution: the SDK reads the nearest training job's tag; behind an endpoint rolled out to
    # another model (churn-prod), the nearest behind its latest deployment action.
    endpoint_arn = account.client.describe_context(ContextName=ctx)["Source"]["SourceUri"]
    actions = paginate(account.client, "list_actions", "ActionSummaries", SourceUri=endpoint_arn)
    latest = max((a for a in actions if a["ActionType"] == "ModelDeployment"), key=lambda a: a["CreationTime"])
    behind = account.select(latest["ActionArn"], "ascendants", "TrialComponent", ("TrainingJob",))
    nearest = min((j for j in training if j.arn in behind), key=lambda j: (behind[j.arn], j.arn))
    tags = account.client.list_tags(ResourceArn=nearest.job_arn)["Tags"]
    tagged = {t["Key"]: t["Value"] for t in tags}.get("sagemaker:pipeline-execution-arn")
    assert tagged
    assert queries.endpoint_pipeline_execution(endpoint).pipeline_execution_arn == tagged


def test_artifact_helpers(account: Account, queries: GraphQueries) -> None:
    raw = next(
        a
        for a in account.client.list_artifacts(SourceUri="s3://acme-ml-raw/payments/transactions/transactions.parquet")[
            "ArtifactSummaries"
        ]
    )["ArtifactArn"]
    tcs = queries.artifact_trial_components(raw)
    assert answer(tcs) == account.select(raw, "descendants", "TrialComponent")
    models = queries.artifact_trained_models(raw)
    assert answer(models) == account.select(raw, "descendants", "Artifact", ("Model",))
    assert models
    endpoints = queries.artifact_endpoints(raw)
    assert answer(endpoints) == account.select(raw, "descendants", "Context", ("Endpoint",))
    assert endpoints
    image = next(a for a, t in account.types.items() if t == "Image")
    assert answer(queries.artifact_datasets(image)) == account.select(image, "descendants", "Artifact", ("DataSet",))
    model = next(iter(answer(models)))
    assert answer(queries.artifact_datasets(model)) == account.select(model, "ascendants", "Artifact", ("DataSet",))
    assert answer(queries.artifact_endpoints(model)) == account.select(model, "descendants", "Context", ("Endpoint",))


def test_model_group_and_approval(account: Account, queries: GraphQueries) -> None:
    executions = paginate(
        account.client, "list_pipeline_executions", "PipelineExecutionSummaries", PipelineName="churn"
    )
    found = queries.model_group_pipeline_executions("churn-models")
    assert {f.pipeline_execution_arn for f in found} == {e["PipelineExecutionArn"] for e in executions}
    group = account.client.describe_model_package_group(ModelPackageGroupName="churn-models")
    assert queries.model_group_pipeline_executions(group["ModelPackageGroupArn"]) == found
    for f in found:
        assert "step" in f.found_by and len(f.model_package_arns) == 1
        package = account.client.describe_model_package(ModelPackageName=f.model_package_arns[0])
        assert package["MetadataProperties"]["GeneratedBy"] == f.pipeline_execution_arn
    packages = paginate(
        account.client, "list_model_packages", "ModelPackageSummaryList", ModelPackageGroupName="churn-models"
    )
    for package in packages:
        actions = account.client.list_actions(SourceUri=package["ModelPackageArn"], ActionType="Approval")
        name = actions["ActionSummaries"][0]["ActionName"]
        got = queries.approval_model_package(name)
        assert got.model_package_arn == package["ModelPackageArn"]  # the version, not the group
        assert got.model_package_group_name == "churn-models"
        assert got.model_package_artifact_arn is not None


def test_helper_commands(account: Account, env: dict[str, str]) -> None:
    result = run_cli(env, "endpoint", "training-jobs", "churn-prod", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows and all(r["job_arn"].split(":")[5].startswith("training-job/") for r in rows)
    for args in (
        ("endpoint", "models", "churn-prod"),
        ("endpoint", "pipeline-execution", "churn-prod"),
        ("model-group", "pipeline-executions", "churn-models"),
        (
            "artifact",
            "datasets",
            "s3://acme-ml-raw/payments/transactions/transactions.parquet",
            "--direction",
            "descendants",
        ),
    ):
        result = run_cli(env, *args)
        assert result.exit_code == 0, (args, result.output)
        assert result.stdout.strip() and result.stdout.strip() != "(none)", args
    assert run_cli(env, "endpoint", "models", "no-such-endpoint").exit_code == 2


def test_typed_commands_answer_for_any_type_of_their_kind_and_say_what_a_name_is(
    account: Account, env: dict[str, str]
) -> None:
    """As the SDK's EndpointContext.load() loads any context, ``endpoint models`` walks from a context of any
    type; a name of another kind is named for what it is, never as missing from the graph."""
    group = next(a for a, t in account.types.items() if t == "ModelGroup")
    result = run_cli(env, "endpoint", "models", group.split("/", 1)[1], "--format", "json")
    assert result.exit_code == 0, result.output
    models = {r["arn"]: r["depth"] for r in json.loads(result.stdout)}
    assert models == account.select(group, "ascendants", "Artifact", ("Model",)) and models
    dataset = account.built["diamond-a"]
    approval = next(a for a, t in account.types.items() if t == "Approval")
    for args, kind in (
        (("endpoint", "models", dataset), "is an Artifact (DataSet)"),
        (("model-group", "pipeline-executions", dataset), "is an Artifact (DataSet)"),
        (("approval", "model-package", group), "is a Context (ModelGroup)"),
        (("artifact", "trained-models", approval), "is an Action (Approval)"),
        (("datasets", dataset), "is an Artifact (DataSet)"),
        (("pipeline-execution", group), "is a Context (ModelGroup)"),
    ):
        result = run_cli(env, *args)
        assert result.exit_code == 2, (args, result.output)
        assert kind in result.output and "has `lineage-graph sync` run" not in result.output, (args, result.output)
        assert len(result.output.strip().splitlines()) == 1, result.output


# -- plans ------------------------------------------------------------------------------------------------
def operators(driver: Driver, name: str, **params: Any) -> list[str]:
    return plans.explain(driver, cypher_files.read(name), params).operators


TRAVERSALS: dict[str, dict[str, Any]] = {
    "trial_component_artifacts": {
        "trial_component": "x",
        "artifact_type": "DataSet",
        "direction": "both",
        "max_depth": None,
    },
    "lineage_query": {
        "start": "x",
        "start_lineage_type": None,
        "start_entity_type": None,
        "resource_suffix": None,
        "direction": "both",
        "max_depth": None,
        **LineageFilter().params(),
    },
    "lineage_edges": {"arns": ["x"]},
    "pipeline_execution_upstream": {
        "start": "x",
        "start_lineage_type": None,
        "start_entity_type": None,
        "resource_suffix": None,
        "deployment_types": ["ModelDeployment", "ModelReplaced"],
    },
    "model_group_pipeline_executions": {"start_arn": "x"},
    "approval_model_package": {"start_arn": "x"},
    "impact": {
        "prefix": "s3://acme-ml-raw/",
        "openlineage_namespace": "s3://acme-ml-raw",
        "openlineage_name": "/",
        "openlineage_name_prefix": "",
    },
    "lineage_across": {
        "start": "x",
        "openlineage_keys": [{"namespace": "s3://x", "name": "y"}],
        "direction": "both",
        **LineageFilter().params(),
    },
    "path": {"from_id": "x", "to_id": "y", "all": True, "max_length": 10},
    "find_node": {"start": "x", "openlineage_keys": [{"namespace": "s3://x", "name": "y"}], "resource_suffix": None},
    "provenance": {"start": "x", "resource_suffix": None, "openlineage_keys": [], "max_depth": None},
    "compare": {"arns": ["x", "y"]},
    "audit": {"subject_arn": "x", "deployment_types": ["ModelDeployment", "ModelReplaced"]},
}


@pytest.mark.parametrize("name", sorted(TRAVERSALS))
def test_plans_start_from_an_index_seek(account: Account, driver: Driver, name: str) -> None:
    ops = operators(driver, name, **TRAVERSALS[name])
    if "WHERE suffix IS NOT NULL" in cypher_files.read(name):  # the guarded scan for a plain endpoint name
        ops.remove("NodeByLabelScan")
    assert not any(op.startswith(("AllNodesScan", "NodeByLabelScan")) for op in ops), ops
    assert any("IndexSeek" in op or "ElementIdSeek" in op for op in ops), ops
    if "SHORTEST" in cypher_files.read(name):  # one breadth-first search from the start, not a path expansion
        assert any(op.startswith("StatefulShortestPath") for op in ops), ops
    if "away_from_start" in cypher_files.read(name):  # reach queries: each entity once, no paths built
        assert any(op.startswith("VarLengthExpand(Pruning,BFS") for op in ops), ops


# -- impact, path, find, cypher ---------------------------------------------------------------------------
def test_impact_matches_bfs_and_pipeline_steps(account: Account, queries: Any) -> None:
    from lineage_graph.query.explore import InvestigationQueries

    investigate = InvestigationQueries(queries.db.driver, "neo4j")
    client = account.client
    for prefix in ("s3://acme-ml-raw/payments/", "s3://acme-ml-raw/", "s3://corner/diamond/a"):
        sources = [
            a["ArtifactArn"]
            for a in paginate(client, "list_artifacts", "ArtifactSummaries")
            if a["Source"]["SourceUri"].startswith(prefix)
        ]
        expected: dict[str, int] = {}
        for source in sources:
            for arn, depth in account.bfs(source, "descendants").items():
                expected[arn] = min(depth, expected.get(arn, depth))
        found = investigate.impact(prefix)
        lineage = {e.arn: e.depth for e in found if e.kind not in ("pipeline", "pipeline_execution")}
        assert lineage == expected, prefix
        # Executions: those with a step that ran a reached job or registered a reached package.
        jobs = {e.source_arn for e in found if e.kind == "job"}
        packages = {e.source_uri for e in found if e.kind == "model_package"}
        ran: set[str] = set()
        pipelines: set[str] = set()
        for pipeline in paginate(client, "list_pipelines", "PipelineSummaries"):
            for execution in paginate(
                client,
                "list_pipeline_executions",
                "PipelineExecutionSummaries",
                PipelineName=pipeline["PipelineName"],
            ):
                steps = paginate(
                    client,
                    "list_pipeline_execution_steps",
                    "PipelineExecutionSteps",
                    PipelineExecutionArn=execution["PipelineExecutionArn"],
                )
                arns = {v["Arn"] for step in steps for v in step.get("Metadata", {}).values() if "Arn" in v}
                if arns & (jobs | packages):
                    ran.add(execution["PipelineExecutionArn"])
                    pipelines.add(pipeline["PipelineArn"])
        assert {e.arn for e in found if e.kind == "pipeline_execution"} == ran, prefix
        assert {e.arn for e in found if e.kind == "pipeline"} == pipelines, prefix
        if prefix.startswith("s3://acme"):
            kinds = {e.kind for e in found}
            assert {"job", "model", "model_package", "endpoint", "pipeline_execution", "pipeline"} <= kinds


def simple_paths(account: Account, start: str, end: str, max_length: int) -> set[tuple[str, ...]]:
    forward: dict[str, list[str]] = {}
    for a in account.associations:
        forward.setdefault(a["SourceArn"], []).append(a["DestinationArn"])
    found: set[tuple[str, ...]] = set()

    def walk(path: list[str]) -> None:
        if path[-1] == end:
            found.add(tuple(path))
            return
        if len(path) > max_length:
            return
        for nxt in forward.get(path[-1], []):
            if nxt not in path:
                walk([*path, nxt])

    walk([start])
    return found


def test_path_shortest_and_all(account: Account, queries: Any) -> None:
    from lineage_graph.query.explore import InvestigationQueries

    investigate = InvestigationQueries(queries.db.driver, "neo4j")
    b = account.built
    raw = account.client.list_artifacts(SourceUri="s3://acme-ml-raw/crm/customers/customers.parquet")[
        "ArtifactSummaries"
    ][0]["ArtifactArn"]
    endpoint = endpoint_context(account, "churn-prod")
    cases = [(b["diamond-a"], b["same-x"]), (b["diamond-a"], b["gone"]), (raw, endpoint)]
    for start, end in cases:
        shortest = investigate.path(start, end)
        assert len(shortest) == 1, (start, end, account.bfs(start, "descendants").get(end))
        assert shortest[0].length == account.bfs(start, "descendants")[end]
        hops = shortest[0].hops
        assert hops[0].source_arn == start and hops[-1].destination_arn == end
        assert all(h1.destination_arn == h2.source_arn for h1, h2 in itertools.pairwise(hops))
        # The other way round gives the same path, in the edges' direction.
        assert investigate.path(end, start) == shortest
        expected = simple_paths(account, start, end, 8)
        if len(expected) <= 100:
            every = investigate.path(start, end, all_paths=True, max_length=8)
            got = {(p.hops[0].source_arn, *(h.destination_arn for h in p.hops)) for p in every}
            assert got == expected
            assert [p.length for p in every] == sorted(p.length for p in every)
    assert len(investigate.path(b["diamond-a"], b["same-x"], all_paths=True)) == 2  # the diamond's two sides
    assert investigate.path(b["diamond-b"], b["diamond-c"]) == []


def test_find(account: Account, queries: Any) -> None:
    from lineage_graph.query.explore import InvestigationQueries

    investigate = InvestigationQueries(queries.db.driver, "neo4j")
    endpoints = {
        c["ContextArn"] for c in paginate(account.client, "list_contexts", "ContextSummaries", ContextType="Endpoint")
    }
    assert {f.arn for f in investigate.find(entity_type="Endpoint")} == endpoints
    assert [f.arn for f in investigate.find(source_uri_prefix="s3://corner/x'})")] == [account.built["evil"]]
    chain = investigate.find(name="CHAIN-", lineage_type="Artifact")
    assert {f.arn for f in chain} == {account.built[f"chain-{i}"] for i in range(CHAIN + 1)}
    assert investigate.find(name="chain-", created_after="2999-01-01T00:00:00Z") == []
    failed = {
        t["TrialComponentArn"]
        for t in paginate(account.client, "list_trial_components", "TrialComponentSummaries")
        if (t.get("Status") or {}).get("PrimaryStatus") == "Completed"
    }
    assert {f.arn for f in investigate.find(status="Completed", lineage_type="TrialComponent")} == failed


def test_find_by_creator(account: Account, queries: Any, env: dict[str, str]) -> None:
    """Who created a job: the Search records' CreatedBy, stored on the trial component and queried by any of
    its members (the demo's two ad-hoc runs were launched from Studio user profiles)."""
    from lineage_graph.query.explore import InvestigationQueries

    investigate = InvestigationQueries(queries.db.driver, "neo4j")
    tc = "adhoc-churn-xgb-depth-sweep-aws-training-job"
    created_by = account.client.describe_trial_component(TrialComponentName=tc)["CreatedBy"]
    for who in (created_by["UserProfileName"], created_by["UserProfileArn"]):
        found = investigate.find(created_by=who)
        assert [(f.name, f.created_by) for f in found] == [(tc, "maria.garcia")], who
    assert investigate.find(created_by="maria") == [] and investigate.find(created_by="d-acme0demo01") != []
    result = run_cli(env, "find", "--created-by", "wei.chen", "--format", "json")
    assert result.exit_code == 0, result.output
    assert [r["name"] for r in json.loads(result.stdout)] == ["adhoc-fraud-autogluon-baseline-aws-training-job"]
    assert all(f.created_by is None for f in investigate.find(lineage_type="Artifact"))


def test_commands_impact_path_find(account: Account, env: dict[str, str]) -> None:
    result = run_cli(env, "impact", "s3://acme-ml-raw/payments/", "--format", "json")
    assert result.exit_code == 0, result.output
    grouped = json.loads(result.stdout)
    assert {"job", "model", "endpoint", "pipeline_execution"} <= set(grouped)
    b = account.built
    result = run_cli(env, "path", b["diamond-a"], b["same-y"], "--all", "--format", "json")
    assert result.exit_code == 0, result.output
    paths = json.loads(result.stdout)
    assert [p["length"] for p in paths] == [4, 4]
    assert paths[0]["hops"][-1]["association_type"] == "SameAs"
    result = run_cli(env, "find", "--type", "Endpoint", "--name", "churn")
    assert result.exit_code == 0 and "churn-prod" in result.stdout


def test_cypher_command_reads_and_refuses_writes(
    account: Account, env: dict[str, str], driver: Driver, tmp_path: Any
) -> None:
    def count() -> int:
        return int(driver.execute_query("MATCH (n) RETURN count(n) AS n", database_="neo4j").records[0]["n"])

    before = count()
    for write in ("CREATE (n)", "MATCH (n) DETACH DELETE n", "MATCH (n:Context) SET n.x = 1"):
        result = CliRunner().invoke(cli, ["cypher", write], env=env)
        assert result.exit_code == 2, (write, result.output)
        assert "read-only" in result.stderr
    assert count() == before
    result = run_cli(
        env, "cypher", "find_trial_component", "--param", f"trial_component={DEMO_TRIAL_COMPONENT}", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    assert [r["name"] for r in json.loads(result.stdout)] == [DEMO_TRIAL_COMPONENT]
    query = "MATCH (c:Context {name: $name}) RETURN c.`property.note` AS note, c.source_uri AS uri"
    result = run_cli(env, "cypher", query, "--param", "name=evil-context", "--format", "json")
    assert json.loads(result.stdout) == [{"note": EVIL, "uri": f"s3://corner/{EVIL}"}]
    result = run_cli(env, "cypher", "lineage_edges", "--param", "arns=" + json.dumps([account.built["diamond-a"]]))
    assert result.exit_code == 0 and result.stdout.strip() == "(none)"
    saved = tmp_path / "endpoints.cypher"
    saved.write_text(
        "// endpoints\nMATCH (e:Endpoint) WHERE e.name STARTS WITH $p RETURN e.name AS name ORDER BY name\n"
    )
    result = run_cli(env, "cypher", str(saved), "--param", "p=churn", "--format", "csv")
    assert result.stdout.strip().splitlines() == ["name", "churn-prod-aws-endpoint"]
    result = CliRunner().invoke(cli, ["cypher", "MATCH (n RETURN n"], env=env)
    assert result.exit_code == 2 and "refused" in result.stderr
    assert count() == before


@pytest.mark.parametrize(
    ("query", "refused"),
    [
        ("LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l", "LOAD CSV"),
        ("load csv from 'http://127.0.0.1:9/x' as l return l", "LOAD CSV"),
        (
            "/* a lineage query */ MATCH (n:Context) CALL (n) { LOAD CSV FROM 'file:///etc/hosts' AS l RETURN l }"
            " RETURN l LIMIT 1",
            "LOAD CSV",
        ),
        ("CALL db.clearQueryCaches()", "procedure db.clearQueryCaches"),
        ("CALL `db`.`clearQueryCaches`()", "procedure db.clearQueryCaches"),
        ("// list\nUNWIND [1] AS x CALL dbms.components() YIELD name RETURN name, x", "procedure dbms.components"),
        ("SHOW USERS", "an administration command"),
        ("show transactions", "an administration command (ShowTransactions)"),
        ("TERMINATE TRANSACTIONS 'neo4j-transaction-1'", "an administration command (TerminateTransactions)"),
        ("SHOW PROCEDURES YIELD name RETURN name", "an administration command (ShowProcedures)"),
    ],
)
def test_cypher_command_refuses_what_a_lineage_query_has_no_business_doing(
    account: Account, env: dict[str, str], query: str, refused: str
) -> None:
    """Decided on the EXPLAINed plan's operators: comments, case, backticks and subqueries hide nothing."""
    result = CliRunner().invoke(cli, ["cypher", query], env=env)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: refused: lineage-graph cypher runs lineage queries, not {refused}")
    assert result.stderr.count("\n") == 1


def test_cypher_command_still_runs_lineage_queries_that_only_look_suspicious(
    account: Account, env: dict[str, str]
) -> None:
    query = (
        "MATCH (c:Context {name: $name}) // LOAD CSV FROM 'file:///etc/passwd' AS l\n"
        "CALL (c) { RETURN 'CALL db.clearQueryCaches() SHOW USERS' AS text }\n"
        "CALL db.labels() YIELD label WITH c, text, label WHERE label = 'Context'\n"
        "RETURN c.name AS name, text, 'LOAD CSV FROM \\'x\\'' AS quoted,\n"
        "       date.truncate('day', date('2024-05-06')) AS day"
    )
    result = run_cli(env, "cypher", query, "--param", "name=evil-context", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [
        {
            "name": "evil-context",
            "text": "CALL db.clearQueryCaches() SHOW USERS",
            "quoted": "LOAD CSV FROM 'x'",
            "day": "2024-05-06",
        }
    ]


def test_plans_calling_a_plugins_function_are_refused() -> None:
    """A plugin's function (APOC's apoc.load.json reads URLs) shows only in an operator's details; Neo4j's
    own namespaced functions and a procedure's own name are not mistaken for one."""

    def plan(details: str, operator: str = "Projection@neo4j") -> dict[str, Any]:
        return {
            "operatorType": "ProduceResults@neo4j",
            "children": [{"operatorType": operator, "args": {"Details": details}}],
        }

    assert refusal(plan("apoc.load.json($autostring_0) AS value")) == "function apoc.load.json"
    assert refusal(plan("APOC.util.sleep($autoint_0) AS x")) == "function APOC.util.sleep"
    assert refusal(plan("date.truncate($autostring_0, date()) AS d, toUpper(n.name) AS u, n.`a.b(` AS c")) is None
    assert refusal(plan("db.labels() :: (label :: STRING)", "ProcedureCall@neo4j")) is None


def query_lineage(client: Any, arn: str, direction: str, **filters: Any) -> set[str]:
    """Every page of the sandbox's QueryLineage at its depth cap (the SDK reads only the first page)."""
    arns: set[str] = set()
    params: dict[str, Any] = {
        "StartArns": [arn],
        "Direction": direction,
        "IncludeEdges": False,
        "MaxDepth": 10,
        "Filters": filters,
        "MaxResults": 50,
    }
    while True:
        page = client.query_lineage(**params)
        arns |= {v["Arn"] for v in page["Vertices"]}
        if not page.get("NextToken"):
            return arns - {arn}
        params["NextToken"] = page["NextToken"]


def test_lineage_matches_query_lineage_within_its_depth_cap(account: Account, queries: GraphQueries) -> None:
    starts = [a for a in account.entities() if a != account.built["gone"]]
    for start in starts:
        for direction in ("Ascendants", "Descendants"):
            ours = {v.arn for v in queries.lineage(start, Direction(direction.lower()), max_depth=10).vertices}
            theirs = query_lineage(account.client, start, direction)
            # The sandbox's QueryLineage leaves out the deleted end; the graph keeps it as a placeholder.
            ours.discard(account.built["gone"])
            assert ours == theirs, (start, direction, ours - theirs, theirs - ours)
    tc = next(a for a in starts if a.endswith("/" + DEMO_TRIAL_COMPONENT))
    ours = queries.lineage(tc, Direction.ASCENDANTS, LineageFilter(("Artifact",), ("DataSet",)), max_depth=10)
    expected = query_lineage(account.client, tc, "Ascendants", Types=["DataSet"], LineageTypes=["Artifact"])
    assert {v.arn for v in ours.vertices} == expected
    # Past QueryLineage's cap: the chain's end is 12 hops from its start.
    chain_end = account.built[f"chain-{CHAIN}"]
    assert chain_end not in query_lineage(account.client, account.built["chain-0"], "Descendants")
    unlimited = answer(queries.lineage(account.built["chain-0"], Direction.DESCENDANTS).vertices)
    assert unlimited[chain_end] == CHAIN


def test_lineage_command_filters(account: Account, env: dict[str, str]) -> None:
    start = account.built["diamond-a"]
    result = run_cli(
        env, "lineage", start, "--direction", "descendants", "--lineage-type", "Context", "--format", "json"
    )
    assert [r["arn"] for r in json.loads(result.stdout)] == [account.built["evil"]]
    result = run_cli(env, "lineage", start, "--type", "Model", "--type", "Endpoint", "--format", "csv")
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[0] == (
        "uri,arn,name,lineage_type,type,source_uri,job_arn,job,status,account,region,depth,placeholder,last_seen"
    )
    assert len(lines) == 3
    result = run_cli(env, "lineage", start, "--property", f"note={EVIL}", "--created-after", "2000-01-01T00:00:00Z")
    assert result.exit_code == 0 and "evil-context" in result.stdout
    result = run_cli(env, "lineage", DEMO_TRIAL_COMPONENT, "--include-edges")
    assert result.exit_code == 0 and "ContributedTo" in result.stdout


def test_lineage_rows_of_trial_components_carry_their_job_arn(account: Account, env: dict[str, str]) -> None:
    """README: in lookup JSON, trial components add ``job_arn``; ``lineage`` rows had none."""
    args = ("lineage", DEMO_TRIAL_COMPONENT, "--lineage-type", "TrialComponent")
    result = run_cli(env, *args, "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows
    for row in rows:
        source = account.client.describe_trial_component(TrialComponentName=row["arn"])["Source"]
        assert row["job_arn"] == source["SourceArn"], row
    graph = json.loads(run_cli(env, *args, "--include-edges", "--format", "json").stdout)
    assert {v["arn"]: v["job_arn"] for v in graph["vertices"]} == {r["arn"]: r["job_arn"] for r in rows}
    artifacts = json.loads(run_cli(env, "lineage", DEMO_TRIAL_COMPONENT, "--format", "json").stdout)
    assert all(r["job_arn"] is None for r in artifacts if r["lineage_type"] != "TrialComponent")
    csv_rows = run_cli(env, *args, "--format", "csv").stdout.strip().splitlines()
    column = csv_rows[0].split(",").index("job_arn")
    assert all(r.split(",")[column].startswith("arn:aws:sagemaker") for r in csv_rows[1:])


class CountingQueries(GraphQueries):
    """GraphQueries that count the queries they send (each ``run`` is one round trip to Neo4j)."""

    sent: list[str]

    def run(self, name: str, **params: Any) -> list[dict[str, Any]]:
        self.sent.append(name)
        return super().run(name, **params)


def test_lookups_resolve_their_start_in_one_round_trip(account: Account, driver: Driver) -> None:
    from lineage_graph.errors import NotFoundError

    queries = CountingQueries(driver, "neo4j")
    tc = account.client.describe_trial_component(TrialComponentName=DEMO_TRIAL_COMPONENT)["TrialComponentArn"]
    endpoint = next(a for a in account.associations if ":context/" in a["DestinationArn"])["DestinationArn"]
    for ask in (
        lambda: queries.dataset_artifacts(DEMO_TRIAL_COMPONENT),
        lambda: queries.models(tc),
        lambda: queries.pipeline_execution(DEMO_TRIAL_COMPONENT),
        lambda: queries.lineage(DEMO_TRIAL_COMPONENT, Direction.ASCENDANTS),
        lambda: queries.endpoint_models("churn-prod"),
        lambda: queries.endpoint_pipeline_execution("churn-prod"),
        lambda: queries.artifact_endpoints(account.built["chain-0"]),
        lambda: queries.upstream_pipeline_execution(endpoint),
    ):
        queries.sent = []
        ask()
        assert len(queries.sent) == 1, queries.sent
    # The errors stay as helpful as a separate resolve's: none, or several (a name in two accounts).
    unknown = "no-such-trial-component"
    for lookup in (queries.dataset_artifacts, queries.models, queries.pipeline_execution):
        with pytest.raises(NotFoundError, match=f"no trial component named '{unknown}' in the graph"):
            lookup(unknown)
    with pytest.raises(NotFoundError, match="no Context named 'no-such-endpoint' in the graph"):
        queries.endpoint_models("no-such-endpoint")
    twin = tc.replace(tc.split(":")[4], "999999999999")
    driver.execute_query(
        "CREATE (:LineageEntity:TrialComponent {arn: $arn, name: $name, lineage_type: 'TrialComponent'})",
        arn=twin,
        name=DEMO_TRIAL_COMPONENT,
        database_="neo4j",
    )
    try:
        several = (
            f"'{DEMO_TRIAL_COMPONENT}' names several trial components; pass one ARN: {min(tc, twin)}, {max(tc, twin)}"
        )
        for lookup in (queries.dataset_artifacts, queries.models, queries.pipeline_execution):
            with pytest.raises(NotFoundError) as raised:
                lookup(DEMO_TRIAL_COMPONENT)
            assert str(raised.value) == several
        with pytest.raises(NotFoundError, match="names several entities; pass one ARN"):
            queries.lineage(DEMO_TRIAL_COMPONENT)
        assert {e.arn for e in queries.dataset_artifacts(tc)} == {
            e.arn for e in queries.dataset_artifacts(tc, Direction.ASCENDANTS)
        }
    finally:
        driver.execute_query("MATCH (n:TrialComponent {arn: $arn}) DETACH DELETE n", arn=twin, database_="neo4j")
