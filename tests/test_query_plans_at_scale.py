"""Every lookup's plan on a realistic account: shared hub datasets and images, warm-start chains far longer
than 10. Each query is PROFILEd from the hubs, from the end of the longest chain and from ordinary
entities, and must do work proportional to what it reaches (nodes plus their relationships), never to the
paths through them: a combinatorial plan (one path per reached node, all paths between hubs) fails the
db-hit bound long before it is slow enough to notice. Answers are checked against a breadth-first search
in plain Python over the sandbox's ListAssociations.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fixtures import plans
from fixtures.plans import Plan
from fixtures.sync_cli import sync_json
from fixtures.synced_demo import bfs, paginate
from moto.sagemaker.models import sagemaker_backends
from neo4j import Driver, GraphDatabase

from bench.synthetic import generate
from lineage_graph import cypher_files
from lineage_graph.query import Direction
from lineage_graph.query.explore import InvestigationQueries, LineageFilter, openlineage_prefix
from lineage_graph.query.provenance import ProvenanceQueries
from lineage_graph.sandbox.api import LISTINGS
from lineage_graph.sandbox.faults import DEFAULT_ACCOUNT
from lineage_graph.sandbox.lineage_store import store_for
from lineage_graph.sandbox.server import client_for, reset
from lineage_graph.settings import Neo4jSettings

ENTITIES = 1500  # two pipelines, one of them warm-started: a chain of about 30 retrained models, 60+ hops
SEED = 11
# db hits per reached node or relationship: a node's properties are read for its row, each relationship is
# checked for its type and direction; a plan that builds a path per reached node costs the sum of depths.
PER_ELEMENT = 10  # the most any lookup needs here is under 8 (impact: every hub's downstream)
FIXED = 500  # index seeks, the start's own properties, subquery overhead
WHOLE_GRAPH_SCANS = (
    "AllNodesScan",
    "NodeByLabelScan",
    "UndirectedRelationshipTypeScan",
    "DirectedRelationshipTypeScan",
)


@dataclass
class Synthetic:
    """The sandbox's own view of the synthetic account, with adjacency built once."""

    forward: dict[str, list[str]]
    backward: dict[str, list[str]]
    types: dict[str, str]
    degree: dict[str, int]  # every relationship of a node in the graph, lineage or not, both directions
    backend: Any

    def reach(self, start: str, direction: str) -> dict[str, int]:
        """Hops on a shortest path from start to every entity reached, start excluded."""
        return bfs(self.forward, self.backward, start, direction)

    def size(self, arns: set[str]) -> int:
        """Nodes plus every relationship they have: what a pruning traversal over them may touch."""
        return len(arns) + sum(self.degree.get(arn, 0) for arn in arns)

    def of_type(self, entity_type: str) -> list[str]:
        return sorted(arn for arn, t in self.types.items() if t == entity_type)


@pytest.fixture(scope="module")
def synthetic(sandbox_url: str, sync_env: dict[str, str], neo4j_settings: Neo4jSettings) -> Synthetic:
    reset(sandbox_url)
    backend = sagemaker_backends[DEFAULT_ACCOUNT]["us-east-1"]
    generate(backend, ENTITIES, SEED)
    LISTINGS.changed()  # the stores were written directly: drop the sandbox's cached listings
    with GraphDatabase.driver(neo4j_settings.uri, auth=(neo4j_settings.username, neo4j_settings.password)) as d:
        d.execute_query("MATCH (n) DETACH DELETE n", database_=neo4j_settings.database)
        sync_json(sync_env)
        degree = {
            r["arn"]: r["degree"]
            for r in d.execute_query(
                "MATCH (n:LineageEntity) RETURN n.arn AS arn, COUNT { (n)--() } AS degree", database_="neo4j"
            ).records
        }
    client = client_for(sandbox_url)
    forward: dict[str, list[str]] = {}
    backward: dict[str, list[str]] = {}
    types: dict[str, str] = {}
    for a in paginate(client, "list_associations", "AssociationSummaries"):
        forward.setdefault(a["SourceArn"], []).append(a["DestinationArn"])
        backward.setdefault(a["DestinationArn"], []).append(a["SourceArn"])
        types[a["SourceArn"]] = (a.get("SourceType") or "").removeprefix("SageMaker")
        types[a["DestinationArn"]] = (a.get("DestinationType") or "").removeprefix("SageMaker")
    return Synthetic(forward, backward, types, degree, backend)


@pytest.fixture(scope="module")
def driver(synthetic: Synthetic, neo4j_settings: Neo4jSettings) -> Iterator[Driver]:
    with GraphDatabase.driver(neo4j_settings.uri, auth=(neo4j_settings.username, neo4j_settings.password)) as d:
        yield d


class Queries(ProvenanceQueries, InvestigationQueries):
    """Every lookup the project has, on one driver."""


@pytest.fixture(scope="module")
def queries(driver: Driver) -> Queries:
    return Queries(driver, "neo4j")


@dataclass(frozen=True)
class Starts:
    hub_dataset: str  # the dataset most jobs read
    image: str  # the image most jobs ran
    chain_end: str  # the model package deepest downstream (the warm-start chain's end)
    chain_training: str  # the training job that made that package's model
    ordinary: list[str]  # a few trial components, datasets and models picked at random


@pytest.fixture(scope="module")
def starts(synthetic: Synthetic) -> Starts:
    def most_read(entity_type: str) -> str:
        return max(synthetic.of_type(entity_type), key=lambda arn: (len(synthetic.forward.get(arn, [])), arn))

    packages = [
        arn
        for arn in synthetic.of_type("Model")
        if any(synthetic.types[d] == "ModelGroup" for d in synthetic.forward.get(arn, []))
    ]
    depth = {arn: max(synthetic.reach(arn, "ascendants").values(), default=0) for arn in packages}
    chain_end = max(packages, key=lambda arn: (depth[arn], arn))
    upstream = synthetic.reach(chain_end, "ascendants")
    chain_training = min(
        (arn for arn in upstream if synthetic.types[arn] == "TrainingJob"), key=lambda arn: (upstream[arn], arn)
    )
    rng = random.Random(SEED)
    ordinary = [
        *rng.sample(synthetic.of_type("ProcessingJob"), 2),
        *rng.sample(synthetic.of_type("TrainingJob"), 2),
        *rng.sample(synthetic.of_type("DataSet"), 2),
        *rng.sample(synthetic.of_type("Model"), 2),
    ]
    return Starts(most_read("DataSet"), most_read("Image"), chain_end, chain_training, ordinary)


def profile(driver: Driver, name: str, **params: Any) -> Plan:
    """PROFILE ``cypher/<name>.cypher``: total db hits, rows returned, every operator of the plan."""
    return plans.profile(driver, cypher_files.read(name), params)


def assert_pruned(plan: Plan, synthetic: Synthetic, touched: set[str], what: str, scans: bool = False) -> None:
    """No scan of the whole graph (unless ``scans``: a branch the parameters switch off must then cost
    nothing), and db hits bounded by what the answer reaches, not by its paths."""
    assert scans or not [op for op in plan.operators if op.startswith(WHOLE_GRAPH_SCANS)], (what, plan.operators)
    bound = PER_ELEMENT * synthetic.size(touched) + FIXED
    assert plan.db_hits <= bound, (what, plan.db_hits, bound, len(touched))


def source_uri(synthetic: Synthetic, arn: str) -> str:
    return str(store_for(synthetic.backend).entities[arn].source_uri)


def all_starts(starts: Starts) -> list[str]:
    return [starts.hub_dataset, starts.image, starts.chain_end, starts.chain_training, *starts.ordinary]


def test_the_account_has_hubs_and_long_chains(synthetic: Synthetic, starts: Starts) -> None:
    assert len(synthetic.forward.get(starts.hub_dataset, [])) >= 50
    assert len(synthetic.forward.get(starts.image, [])) >= 200
    assert max(synthetic.reach(starts.chain_end, "ascendants").values()) >= 60


# -- the generic LineageQuery and the helpers built on it --------------------------------------------------
@pytest.mark.parametrize("direction", ["ascendants", "descendants", "both"])
def test_lineage_query(synthetic: Synthetic, starts: Starts, driver: Driver, queries: Queries, direction: str) -> None:
    for start in all_starts(starts):
        expected = synthetic.reach(start, direction)
        for query_filter in (LineageFilter(), LineageFilter(("Context",), ("Endpoint",))):
            plan = profile(
                driver,
                "lineage_query",
                start=start,
                start_lineage_type=None,
                start_entity_type=None,
                resource_suffix=None,
                direction=direction,
                max_depth=None,
                **query_filter.params(),
            )
            # The Context scan is the branch for an endpoint's plain name ($resource_suffix), off here.
            what = f"lineage_query {direction} {start} {query_filter}"
            assert_pruned(plan, synthetic, {start, *expected}, what, scans=True)
        got = queries.lineage(start, Direction(direction)).vertices
        assert {v.arn: v.depth for v in got} == expected, start
        endpoints = queries.lineage(start, Direction(direction), LineageFilter(("Context",), ("Endpoint",))).vertices
        assert {v.arn for v in endpoints} == {a for a in expected if synthetic.types[a] == "Endpoint"}


@pytest.mark.parametrize(
    ("artifact_type", "direction"), [("DataSet", "ascendants"), ("Model", "descendants"), ("Image", "both")]
)
def test_trial_component_artifacts(
    synthetic: Synthetic,
    starts: Starts,
    driver: Driver,
    queries: Queries,
    artifact_type: str,
    direction: str,
) -> None:
    jobs = [starts.chain_training, *(a for a in starts.ordinary if ":experiment-trial-component/" in a)]
    for tc in jobs:
        expected = synthetic.reach(tc, direction)
        plan = profile(
            driver,
            "trial_component_artifacts",
            trial_component=tc,
            artifact_type=artifact_type,
            direction=direction,
            max_depth=None,
        )
        assert_pruned(plan, synthetic, {tc, *expected}, f"trial_component_artifacts {direction} {tc}")
        got = queries.trial_component_artifacts(tc, artifact_type, Direction(direction))
        assert {v.arn: v.depth for v in got} == {
            a: d for a, d in expected.items() if ":artifact/" in a and synthetic.types[a] == artifact_type
        }
        plan = profile(driver, "trial_component_pipeline_execution", trial_component=tc)
        assert_pruned(plan, synthetic, {tc}, f"trial_component_pipeline_execution {tc}")
        assert plan.rows == 1


def job_tags(synthetic: Synthetic, job_arn: str) -> dict[str, str]:
    name = job_arn.rsplit("/", 1)[1]
    jobs = {**synthetic.backend.processing_jobs, **synthetic.backend.training_jobs}
    return {t["Key"]: t["Value"] for t in jobs[name].tags}


def test_pipeline_execution_lookups(synthetic: Synthetic, starts: Starts, driver: Driver, queries: Queries) -> None:
    endpoints = synthetic.of_type("Endpoint")
    assert endpoints
    for start in (starts.chain_end, endpoints[0], endpoints[-1]):
        upstream = synthetic.reach(start, "ascendants")
        plan = profile(
            driver,
            "pipeline_execution_upstream",
            start=start,
            start_lineage_type=None,
            start_entity_type=None,
            resource_suffix=None,
            deployment_types=["ModelDeployment", "ModelReplaced"],
        )
        # The Context scan is the branch for an endpoint's plain name ($resource_suffix), off here.
        assert_pruned(plan, synthetic, {start, *upstream}, f"pipeline_execution_upstream {start}", scans=True)
        answer = queries.upstream_pipeline_execution(start)
        nearest = min(upstream[a] for a in upstream if synthetic.types[a] == "TrainingJob")
        trainings = {a for a in upstream if synthetic.types[a] == "TrainingJob" and upstream[a] == nearest}
        assert answer.training_job_arn is not None
        assert (
            answer.pipeline_execution_arn
            == job_tags(synthetic, answer.training_job_arn)["sagemaker:pipeline-execution-arn"]
        )
        assert len(trainings) == 1
    for tc in (starts.chain_training, *(a for a in starts.ordinary if ":experiment-trial-component/" in a)):
        got = queries.pipeline_execution(tc).pipeline_execution_arn
        job_arn = store_job_arn(driver, tc)
        assert got == job_tags(synthetic, job_arn).get("sagemaker:pipeline-execution-arn")


def store_job_arn(driver: Driver, tc: str) -> str:
    rows = driver.execute_query(
        "MATCH (tc:TrialComponent {arn: $arn}) RETURN tc.source_arn AS job", {"arn": tc}, database_="neo4j"
    ).records
    return str(rows[0]["job"])


def test_model_group_and_approval(synthetic: Synthetic, driver: Driver, queries: Queries) -> None:
    for group in synthetic.of_type("ModelGroup"):
        packages = set(synthetic.backward[group])
        plan = profile(driver, "model_group_pipeline_executions", start_arn=group)
        assert_pruned(plan, synthetic, {group, *packages}, f"model_group_pipeline_executions {group}")
        answer = queries.model_group_pipeline_executions(group)
        assert len(packages) >= 30
        assert sorted(p for row in answer for p in row.model_package_arns) == sorted(
            source_uri(synthetic, p) for p in packages
        )
    for action in synthetic.of_type("Approval")[:: max(1, len(synthetic.of_type("Approval")) // 5)]:
        plan = profile(driver, "approval_model_package", start_arn=action)
        assert_pruned(plan, synthetic, {action}, f"approval_model_package {action}")
        package = queries.approval_model_package(action).model_package_artifact_arn
        assert package is not None and action in synthetic.forward[package]


# -- what SageMaker cannot answer ----------------------------------------------------------------------------
def test_impact(synthetic: Synthetic, starts: Starts, driver: Driver, queries: Queries) -> None:
    ordinary = next(a for a in starts.ordinary if synthetic.types[a] == "DataSet")
    for prefix in (source_uri(synthetic, starts.hub_dataset), "s3://bench-raw/", source_uri(synthetic, ordinary)):
        matching = {a for a in synthetic.types if ":artifact/" in a and source_uri(synthetic, a).startswith(prefix)}
        reached: dict[str, int] = {}
        for d in matching:
            for arn, depth in synthetic.reach(d, "descendants").items():
                reached[arn] = min(depth, reached.get(arn, depth))
        plan = profile(driver, "impact", prefix=prefix, **openlineage_prefix(prefix))
        assert_pruned(plan, synthetic, matching | set(reached), f"impact {prefix}")
        got = {e.arn: e.depth for e in queries.impact(prefix) if e.kind not in ("pipeline", "pipeline_execution")}
        assert got == reached, prefix


def test_path(synthetic: Synthetic, starts: Starts, driver: Driver, queries: Queries) -> None:
    upstream = synthetic.reach(starts.chain_end, "ascendants")
    chain_hub, chain_image = (
        max((a for a in upstream if synthetic.types[a] == t), key=lambda a: (len(synthetic.forward[a]), a))
        for t in ("DataSet", "Image")
    )
    ordinary_model = next(
        a
        for a in starts.ordinary
        if synthetic.types[a] == "Model" and synthetic.backward.get(synthetic.backward.get(a, [""])[0])
    )
    ordinary_input = synthetic.backward[synthetic.backward[ordinary_model][0]][0]
    for source, destination in (
        (chain_hub, starts.chain_end),
        (chain_image, starts.chain_end),
        (ordinary_input, ordinary_model),
    ):
        hops = synthetic.reach(source, "descendants")[destination]
        touched = {
            source,
            destination,
            *synthetic.reach(source, "descendants"),
            *synthetic.reach(destination, "ascendants"),
        }
        for all_paths in (False, True):
            ends = {"from_id": queries.find_node(source), "to_id": queries.find_node(destination)}
            plan = profile(driver, "path", **ends, all=all_paths, max_length=hops + 2)
            assert_pruned(plan, synthetic, touched, f"path all={all_paths} {source} {destination}")
        shortest = queries.path(source, destination)
        assert [p.length for p in shortest] == [hops]
        every = queries.path(source, destination, all_paths=True, max_length=hops + 2)
        assert every[0].length == hops and len(every) <= 100
        for p in every:
            arns = [p.hops[0].source_arn, *(h.destination_arn for h in p.hops)]
            assert arns[0] == source and arns[-1] == destination and len(set(arns)) == len(arns)
            assert all(b in synthetic.forward[a] for a, b in itertools.pairwise(arns))


def test_provenance_edges_and_compare(synthetic: Synthetic, starts: Starts, driver: Driver, queries: Queries) -> None:
    endpoints = synthetic.of_type("Endpoint")
    for start in (starts.chain_end, starts.hub_dataset, endpoints[-1], *starts.ordinary[-2:]):
        upstream = synthetic.reach(start, "ascendants")
        plan = profile(driver, "provenance", start=start, resource_suffix=None, openlineage_keys=[], max_depth=None)
        # The Context scan is the branch for an endpoint's plain name ($resource_suffix), off here.
        assert_pruned(plan, synthetic, {start, *upstream}, f"provenance {start}", scans=True)
        tree = queries.provenance(start)
        assert {n.arn: n.depth for n in tree.nodes} == {start: 0, **upstream}
        arns = [start, *upstream]
        plan = profile(driver, "lineage_edges", arns=arns)
        assert_pruned(plan, synthetic, set(arns), f"lineage_edges {start}")
        inside = set(arns)
        assert plan.rows == sum(1 for a in inside for b in synthetic.forward.get(a, []) if b in inside)
        jobs = [a for a in arns if ":experiment-trial-component/" in a]
        plan = profile(driver, "compare", arns=jobs)
        assert_pruned(plan, synthetic, set(jobs), f"compare {start}")
        assert plan.rows == len(jobs)


def test_find_lookups(synthetic: Synthetic, starts: Starts, driver: Driver, queries: Queries) -> None:
    for start in all_starts(starts):
        for key in (start, source_uri(synthetic, start) if ":artifact/" in start else start):
            plan = profile(driver, "find_entity", start=key, lineage_type=None, entity_type=None, resource_suffix=None)
            # The Context scan is the branch for an endpoint's plain name ($resource_suffix), off here.
            assert_pruned(plan, synthetic, {start}, f"find_entity {key}", scans=True)
            assert plan.rows == 1
    endpoint = synthetic.of_type("Endpoint")[-1]
    suffix = ":endpoint/" + source_uri(synthetic, endpoint).rsplit("/", 1)[1]
    plan = profile(driver, "find_entity", start="x", lineage_type="Context", entity_type=None, resource_suffix=suffix)
    contexts = {a for a in synthetic.types if ":context/" in a}
    assert_pruned(plan, synthetic, contexts, f"find_entity {suffix}", scans=True)
    assert plan.rows == 1
    for tc in (a for a in all_starts(starts) if ":experiment-trial-component/" in a):
        name = tc.rsplit("/", 1)[1]
        plan = profile(driver, "find_trial_component", trial_component=name)
        assert_pruned(plan, synthetic, {tc}, f"find_trial_component {name}")
        assert plan.rows == 1
    # find filters every entity by substring: a scan, but one pass over the entities, never more.
    nodes = len(synthetic.degree)
    for params in ({"type": "Endpoint"}, {"name_contains": "bench-adhoc"}, {"source_uri_prefix": "s3://bench-raw/"}):
        full = {
            "name_contains": None,
            "lineage_type": None,
            "type": None,
            "source_uri_prefix": None,
            "status": None,
            "created_after": None,
            "created_before": None,
            "created_by": None,
            "limit": 100_000,
            **params,
        }
        full |= openlineage_prefix(full["source_uri_prefix"] or "")
        plan = profile(driver, "find", **full)
        assert plan.db_hits <= 10 * nodes + FIXED, (params, plan.db_hits, nodes)
    # ... except by source URI prefix: index seeks (the scan's branch is switched off), so the cost follows
    # the matches, not the graph.
    prefix = "s3://bench-raw/"
    matches = [f.arn for f in queries.find(source_uri_prefix=prefix, limit=100_000)]
    assert matches and len(matches) < nodes / 10
    plan = profile(
        driver,
        "find",
        **{**full, "type": None, "name_contains": None, "source_uri_prefix": prefix, **openlineage_prefix(prefix)},
    )
    assert plan.db_hits <= 20 * len(matches) + FIXED, (plan.db_hits, len(matches))
    assert {f.arn for f in queries.find(entity_type="Endpoint")} == set(synthetic.of_type("Endpoint"))
