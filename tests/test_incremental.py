"""Incremental sync: after a full run, only what changed is asked for, and the graph ends up the same as a
fresh full sync of the same account."""

from __future__ import annotations

import time
from typing import Any

from fixtures.snapshots import lineage_snapshot
from fixtures.sync_cli import sync_json
from neo4j import Driver

from lineage_graph.sandbox.seed import seed_demo


def train(client: Any, name: str, train_uri: str) -> None:
    client.create_training_job(
        TrainingJobName=name,
        RoleArn="arn:aws:iam::123456789012:role/sagemaker",
        HyperParameters={"max_depth": "5"},
        AlgorithmSpecification={
            "TrainingImage": "123456789012.dkr.ecr.us-east-1.amazonaws.com/xgb:1",
            "TrainingInputMode": "File",
        },
        InputDataConfig=[
            {
                "ChannelName": "train",
                "DataSource": {
                    "S3DataSource": {
                        "S3DataType": "S3Prefix",
                        "S3Uri": train_uri,
                        "S3DataDistributionType": "FullyReplicated",
                    }
                },
            }
        ],
        OutputDataConfig={"S3OutputPath": "s3://models/"},
        ResourceConfig={"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 10},
        StoppingCondition={"MaxRuntimeInSeconds": 3600},
    )


def test_incremental_run_asks_for_changes_only_and_matches_a_full_sync(
    sagemaker_client: Any, sync_env: dict[str, str], clean_neo4j: Driver
) -> None:
    env = sync_env
    seed_demo(sagemaker_client)
    first = sync_json(env)
    assert first["mode"] == "full"

    time.sleep(1.1)  # SageMaker timestamps have millisecond precision; keep "before" and "after" apart
    train(sagemaker_client, "late-train", "s3://acme-ml-raw/late/train.csv")  # a new job: TC, artifacts, edges
    sagemaker_client.update_trial_component(
        TrialComponentName="churn-exec-1-train-aws-training-job", DisplayName="retrained-by-hand"
    )
    sagemaker_client.create_trial(TrialName="late-sweep", ExperimentName="data-science-sandbox")
    second = sync_json(env, "--overlap-seconds", "0")

    assert second["mode"] == "incremental"
    assert second["nodes"]["TrialComponent"] == {"created": 1, "updated": 1, "unchanged": 0}
    assert second["nodes"]["Artifact"]["created"] == 3  # dataset, image, model of the new job
    assert second["nodes"]["Artifact"]["unchanged"] == 0  # old artifacts were not even listed
    assert second["edges"]["CONTRIBUTED_TO"]["created"] == 2 and second["edges"]["PRODUCED"]["created"] == 1
    assert sum(second["api_calls"].values()) < sum(first["api_calls"].values())
    assert "ListPipelineExecutionSteps" not in second["api_calls"]  # no execution changed
    # New trials come from one Search of the account (as new trial components do), not a call per experiment.
    assert second["nodes"]["Trial"] == {"created": 1, "updated": 0, "unchanged": 0}
    assert second["api_calls"]["Search"] == 2 and "ListTrials" not in second["api_calls"]
    in_experiment = clean_neo4j.execute_query(
        "MATCH (:Trial {name: 'late-sweep'})-[:IN_EXPERIMENT]->(e:Experiment) RETURN e.name AS name",
        database_="neo4j",
    ).records
    assert [r["name"] for r in in_experiment] == ["data-science-sandbox"]

    incremental = lineage_snapshot(clean_neo4j)
    full = sync_json(env, "--full")
    assert full["mode"] == "full"
    assert all(c["created"] == 0 and c["updated"] == 0 for c in full["nodes"].values()), full["nodes"]
    clean_neo4j.execute_query("MATCH (n) DETACH DELETE n", database_="neo4j")
    sync_json(env, "--full")
    assert lineage_snapshot(clean_neo4j) == incremental


def _execution(arn: str) -> Any:
    """moto's record of a pipeline execution in the in-process sandbox. SageMaker moves an execution's
    status on by itself and no API sets it, so the test does what SageMaker would, in place."""
    from moto.sagemaker.models import sagemaker_backends

    pipeline = arn.split(":pipeline/", 1)[1].split("/", 1)[0]
    return sagemaker_backends["123456789012"]["us-east-1"].pipelines[pipeline].pipeline_executions[arn]


def test_incremental_run_lists_new_executions_and_describes_running_ones_only(
    sagemaker_client: Any, sync_env: dict[str, str], clean_neo4j: Driver
) -> None:
    from lineage_graph.sandbox.api import LISTINGS

    seed_demo(sagemaker_client)
    running = sagemaker_client.list_pipeline_executions(PipelineName="churn")["PipelineExecutionSummaries"][0]
    _execution(running["PipelineExecutionArn"]).pipeline_execution_status = "Executing"
    LISTINGS.changed()
    first = sync_json(sync_env)
    pipelines = len(sagemaker_client.list_pipelines()["PipelineSummaries"])
    assert first["api_calls"]["ListPipelineExecutions"] == pipelines

    time.sleep(1.1)
    _execution(running["PipelineExecutionArn"]).pipeline_execution_status = "Succeeded"
    LISTINGS.changed()
    new = sagemaker_client.start_pipeline_execution(PipelineName="fraud")["PipelineExecutionArn"]
    second = sync_json(sync_env, "--overlap-seconds", "0")

    assert second["modes"]["PipelineExecution"] == "incremental"
    assert second["api_calls"]["ListPipelineExecutions"] == 1  # only fraud ran since the first sync
    assert second["api_calls"]["DescribePipelineExecution"] == 1  # the one the graph had as running
    assert second["nodes"]["PipelineExecution"]["created"] == 1
    assert second["nodes"]["PipelineExecution"]["updated"] == 1
    statuses = dict(
        clean_neo4j.execute_query(
            "MATCH (e:PipelineExecution) WHERE e.arn IN $arns RETURN e.arn, e.status",
            arns=[running["PipelineExecutionArn"], new],
            database_="neo4j",
        ).records
    )
    assert statuses == {running["PipelineExecutionArn"]: "Succeeded", new: "Succeeded"}

    incremental = lineage_snapshot(clean_neo4j)
    clean_neo4j.execute_query("MATCH (n) DETACH DELETE n", database_="neo4j")
    sync_json(sync_env, "--full")
    assert lineage_snapshot(clean_neo4j) == incremental
