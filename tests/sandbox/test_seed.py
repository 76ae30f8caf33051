"""The demo seed: deterministic, and shaped like a real account (pipelines, hubs, models, endpoints).

Seeds over HTTP with real boto3 into a moto server in this process; lineage is read from the sandbox's
``LineageStore`` directly.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
from moto.sagemaker.models import sagemaker_backends

from lineage_graph.sandbox.lineage_store import LineageStore, store_for
from lineage_graph.sandbox.seed import (
    DEMO_TRIAL_COMPONENT,
    PIPELINES,
    RAW_CLICKSTREAM,
    RAW_CUSTOMERS,
    RAW_TRANSACTIONS,
    ROUNDS,
    STEPS,
    SeedSummary,
    seed_demo,
)
from lineage_graph.sandbox.server import client_for, reset

ACCOUNT = "123456789012"
REGION = "us-east-1"
EXEC_TAG = "sagemaker:pipeline-execution-arn"


def fresh_client(url: str) -> Any:
    """A client on the shared sandbox after emptying it."""
    reset(url)
    return client_for(url, REGION)


def lineage() -> LineageStore:
    return store_for(sagemaker_backends[ACCOUNT][REGION])


# An endpoint update's deployment action is named after the update's time (auto_lineage): a timestamp.
_DEPLOYMENT_TIME = re.compile(r"-\d{10}-(\d+)-aws-endpoint$")


def untimed(name: str) -> str:
    return _DEPLOYMENT_TIME.sub(r"-<time>-\1-aws-endpoint", name)


def label(store: LineageStore, arn: str) -> str:
    entity = store.get(arn)
    if entity is None:
        return "TC:" + arn.split("/", 1)[1] if ":experiment-trial-component/" in arn else arn
    if entity.kind == "artifact":
        return f"{entity.entity_type}:{entity.source_uri}"
    return f"{entity.entity_type}:{untimed(entity.name or '')}"


class Graph:
    def __init__(self, store: LineageStore) -> None:
        self.down: dict[str, set[tuple[str, str | None]]] = defaultdict(set)
        self.up: dict[str, set[tuple[str, str | None]]] = defaultdict(set)
        for a in store.all_associations():
            src, dst = label(store, a.source_arn), label(store, a.destination_arn)
            self.down[src].add((dst, a.association_type))
            self.up[dst].add((src, a.association_type))

    def reach(self, start: str, direction: str) -> set[str]:
        edges = self.down if direction == "down" else self.up
        seen: set[str] = set()
        frontier = [start]
        while frontier:
            node = frontier.pop()
            for nxt, _ in edges[node]:
                if nxt not in seen:
                    seen.add(nxt)
                    frontier.append(nxt)
        return seen


def snapshot(sm: Any) -> dict[str, Any]:
    """Everything the seed made, minus what moto randomises (execution ids, timestamps)."""
    store = lineage()
    executions = {}
    for spec in PIPELINES:
        for summary in sm.list_pipeline_executions(PipelineName=spec.name)["PipelineExecutionSummaries"]:
            arn = summary["PipelineExecutionArn"]
            name = summary["PipelineExecutionDisplayName"]
            executions[name] = [
                (s["StepName"], s["StepStatus"], {k: v["Arn"] for k, v in s["Metadata"].items()})
                for s in store.pipeline_steps[arn]
            ]
    paginator = sm.get_paginator("list_trial_components")
    tcs = sorted(s["TrialComponentName"] for page in paginator.paginate() for s in page["TrialComponentSummaries"])
    return {
        "entities": sorted(
            (e.kind, e.entity_type or "", untimed(e.name or ""), e.source_uri or "", e.status or "")
            for e in store.entities.values()
        ),
        "edges": {
            (label(store, a.source_arn), a.association_type, label(store, a.destination_arn))
            for a in store.all_associations()
        },
        "trial_components": tcs,
        "executions": executions,
    }


def test_seed_is_deterministic(sandbox_url: str) -> None:
    first = seed_demo(fresh_client(sandbox_url))
    one = snapshot(client_for(sandbox_url, REGION))
    second = seed_demo(fresh_client(sandbox_url))
    two = snapshot(client_for(sandbox_url, REGION))
    assert first == second
    assert one == two
    assert len(one["entities"]) > 100 and len(one["edges"]) > 200


@pytest.fixture
def demo(sandbox_url: str) -> Iterator[tuple[Any, SeedSummary]]:
    sm = fresh_client(sandbox_url)
    yield sm, seed_demo(sm)


def test_summary_counts(demo: tuple[Any, SeedSummary]) -> None:
    sm, summary = demo
    assert summary.pipelines == 3
    assert summary.pipeline_executions == sum(len(p.approvals) for p in PIPELINES) == 11
    assert summary.endpoints == 3
    assert summary.endpoint_updates == 1  # churn-prod, rolled out to execution 4's version
    assert summary.models == summary.endpoints + summary.endpoint_updates + 1  # plus the batch transform's
    assert summary.training_jobs == summary.pipeline_executions + 2  # plus the two ad-hoc runs
    assert summary.transform_jobs == 1
    paginator = sm.get_paginator("list_trial_components")
    tcs = [s for page in paginator.paginate() for s in page["TrialComponentSummaries"]]
    assert len(tcs) == summary.trial_components
    assert len(sm.list_endpoints()["Endpoints"]) == summary.endpoints


def test_every_execution_has_its_steps(demo: tuple[Any, SeedSummary]) -> None:
    sm, _ = demo
    store = lineage()
    for spec in PIPELINES:
        summaries = sm.list_pipeline_executions(PipelineName=spec.name)["PipelineExecutionSummaries"]
        assert len(summaries) == len(spec.approvals)
        for summary in summaries:
            steps = store.pipeline_steps[summary["PipelineExecutionArn"]]
            assert [s["StepName"] for s in steps] == list(STEPS)
            assert [next(iter(s["Metadata"])) for s in steps] == [
                "ProcessingJob",
                "TrainingJob",
                "ProcessingJob",
                "RegisterModel",
            ]
            train_arn = steps[1]["Metadata"]["TrainingJob"]["Arn"]
            tags = sm.list_tags(ResourceArn=train_arn)["Tags"]
            assert {"Key": EXEC_TAG, "Value": summary["PipelineExecutionArn"]} in tags
            package = sm.describe_model_package(ModelPackageName=steps[3]["Metadata"]["RegisterModel"]["Arn"])
            assert package["ModelPackageGroupName"] == f"{spec.name}-models"
            config = sm.describe_pipeline_execution(PipelineExecutionArn=summary["PipelineExecutionArn"])
            assert config["PipelineExperimentConfig"] == {
                "ExperimentName": spec.name,
                "TrialName": summary["PipelineExecutionDisplayName"],
            }


def test_trial_components_have_datasets_upstream_and_models_downstream(demo: tuple[Any, SeedSummary]) -> None:
    store = lineage()
    graph = Graph(store)
    training_tcs = [
        name for name in list(sagemaker_backends[ACCOUNT][REGION].trial_components) if name.endswith("-training-job")
    ]
    assert len(training_tcs) == 13
    for tc in training_tcs:
        node = f"TC:{tc}"
        assert any(n.startswith("DataSet:") for n, t in graph.up[node] if t == "ContributedTo"), tc
        assert any(n.startswith("Image:") for n, _ in graph.up[node]), tc
        assert [n for n, t in graph.down[node] if t == "Produced" and n.startswith("Model:s3://")], tc
    # pipeline training runs reach a raw hub two hops up and a model package downstream
    for spec in PIPELINES:
        for number in range(1, len(spec.approvals) + 1):
            node = f"TC:{spec.name}-exec-{number}-train-aws-training-job"
            assert f"DataSet:{RAW_CUSTOMERS}" in graph.reach(node, "up") or f"DataSet:{RAW_CLICKSTREAM}" in graph.reach(
                node, "up"
            )
            assert any(":model-package/" in n for n in graph.reach(node, "down"))


def test_hub_datasets_are_shared_across_pipelines(demo: tuple[Any, SeedSummary]) -> None:
    graph = Graph(lineage())
    for hub, pipelines in (
        (RAW_CUSTOMERS, {"churn", "fraud", "recommendations"}),
        (RAW_TRANSACTIONS, {"fraud", "recommendations"}),
        (RAW_CLICKSTREAM, {"churn", "recommendations"}),
    ):
        readers = {n for n, _ in graph.down[f"DataSet:{hub}"]}
        assert {r.split(":", 1)[1].split("-exec-")[0] for r in readers if "-exec-" in r} == pipelines
    training_images = {n for n, _ in graph.up["TC:churn-exec-1-train-aws-training-job"] if n.startswith("Image:")}
    (image,) = training_images
    users = {n for n, _ in graph.down[image]}
    assert {"TC:fraud-exec-2-train-aws-training-job", "TC:recommendations-exec-1-train-aws-training-job"} <= users


def test_demo_trial_component(demo: tuple[Any, SeedSummary]) -> None:
    sm, _ = demo
    tc = sm.describe_trial_component(TrialComponentName=DEMO_TRIAL_COMPONENT)
    assert tc["Source"]["SourceType"] == "SageMakerTrainingJob"
    tags = sm.list_tags(ResourceArn=tc["Source"]["SourceArn"])["Tags"]
    assert any(t["Key"] == EXEC_TAG for t in tags)
    graph = Graph(lineage())
    node = f"TC:{DEMO_TRIAL_COMPONENT}"
    up, down = graph.reach(node, "up"), graph.reach(node, "down")
    assert {f"DataSet:{RAW_CUSTOMERS}", f"DataSet:{RAW_CLICKSTREAM}"} <= up
    assert "Endpoint:churn-prod-aws-endpoint" in down
    # The approval points at the package (auto_lineage): upstream of the endpoint, not downstream of the job.
    assert not any(n.startswith("Approval:") for n in down)
    assert any(n.startswith("Approval:") for n in graph.reach("Endpoint:churn-prod-aws-endpoint", "up"))


def metric_summaries(sm: Any, trial_component: str) -> dict[str, tuple[Any, ...]]:
    """DescribeTrialComponent's metric summaries, without the timestamps SageMaker Metrics records."""
    metrics = sm.describe_trial_component(TrialComponentName=trial_component).get("Metrics") or []
    return {m["MetricName"]: (m["Count"], m["Min"], m["Max"], m["Last"], m["Avg"]) for m in metrics}


def test_training_and_evaluation_jobs_have_metrics(sandbox_url: str) -> None:
    seeds = []
    for _ in range(2):
        sm = fresh_client(sandbox_url)
        seed_demo(sm)
        seeds.append(
            {
                tc: metric_summaries(sm, tc)
                for tc in (
                    DEMO_TRIAL_COMPONENT,
                    "churn-exec-3-evaluate-aws-processing-job",
                    "recommendations-exec-1-train-aws-training-job",
                    "adhoc-churn-xgb-depth-sweep-aws-training-job",
                    "churn-exec-3-preprocess-aws-processing-job",
                )
            }
        )
    assert seeds[0] == seeds[1]  # values follow from the names
    found = seeds[0]
    assert set(found[DEMO_TRIAL_COMPONENT]) == {"train:logloss", "validation:logloss", "validation:auc"}
    assert found[DEMO_TRIAL_COMPONENT]["validation:auc"][0] == ROUNDS
    assert set(found["churn-exec-3-evaluate-aws-processing-job"]) == {"test:auc", "test:f1", "test:precision"}
    assert set(found["recommendations-exec-1-train-aws-training-job"]) == {"train:map", "validation:map"}
    assert found["adhoc-churn-xgb-depth-sweep-aws-training-job"]
    assert found["churn-exec-3-preprocess-aws-processing-job"] == {}  # preprocessing reports none


def test_batch_transform_chain_and_manual_trial_component(demo: tuple[Any, SeedSummary]) -> None:
    sm, _ = demo
    graph = Graph(lineage())
    upstream = graph.reach("TC:fraud-batch-scoring-2024-08-aws-transform-job", "up")
    assert "TC:fraud-scoring-prep-2024-08-aws-processing-job" in upstream
    assert f"DataSet:{RAW_TRANSACTIONS}" in upstream
    assert "TC:fraud-exec-4-train-aws-training-job" in upstream  # via the deployed model's data
    manual = sm.describe_trial_component(TrialComponentName="customers-data-quality-review-2024-08")
    assert not manual.get("Source")  # logged by hand: no job behind it
    assert manual["InputArtifacts"]["customers"]["Value"] == RAW_CUSTOMERS
