"""A synthetic SageMaker account of a given size, written straight into the sandbox's stores.

Creating a million lineage entities through HTTP would take hours, so the account is built in the sandbox
process itself, with the same objects the sandbox's HTTP handlers and automatic lineage create; the sync
being measured still reads it over HTTP through boto3.

The shape follows real accounts (and the demo account, ``lineage_graph.sandbox.seed``):
- pipelines of 5-10 steps, each run many times, every job reading the pipeline's code artifact:
  Preprocess (raw hub datasets + a processing image ->
  train/validation/test) -> Transform_1..n (a chain of datasets) -> Train (+ a training image, and for
  one pipeline in three the previous execution's model: warm starts make chains far longer than 10)
  -> Evaluate (model + test -> report) -> RegisterModel (model package artifact, model group context,
  approval action); one execution in ten is deployed (endpoint context, deployment action);
- every job a trial component in its pipeline's experiment, one trial per execution, and the execution's
  steps listed by ListPipelineExecutionSteps;
- ad-hoc training jobs outside pipelines, in experiments holding many trial components;
- shared raw datasets and images as hubs; about 2.5 associations per lineage entity.
Times are spread over the 90 days before ``now`` (oldest first), so an incremental sync right after a
full one has little to re-read. Everything is derived from ``seed``: two runs build the same account.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from moto.core.utils import utcnow
from moto.sagemaker.models import FakePipelineExecution

from lineage_graph.sandbox.lineage_store import LineageEntity, LineageStore, store_for

RAW_HUBS = 40  # shared raw datasets (at most; fewer for small accounts)
IMAGES = 6
SPAN = timedelta(days=90)
ADHOC_PER_TRIAL = 50


@dataclass
class JobRecord:
    """A job as far as the benchmark needs one: its ARN and tags (``ListTags``, which the SDK's
    ``pipeline_execution_arn()`` reads). Nothing here lists or describes jobs, and a full moto job record
    per trial component would double the sandbox's memory at 1M entities."""

    arn: str
    tags: list[dict[str, str]]


@dataclass
class Generator:
    """Builds the account into one moto SageMaker backend (one account and region)."""

    backend: Any
    target: int  # lineage entities: trial components + artifacts + contexts + actions
    seed: int = 7
    rng: random.Random = field(init=False)
    store: LineageStore = field(init=False)
    counts: Counter[str] = field(default_factory=Counter)
    start: datetime = field(init=False)
    now: datetime = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.store = store_for(self.backend)
        self.now = utcnow()
        self.start = self.now - SPAN

    # -- counting and time ---------------------------------------------------------------------------
    @property
    def entities(self) -> int:
        return sum(self.counts[k] for k in ("trial_components", "artifacts", "contexts", "actions"))

    def moment(self) -> datetime:
        """Time advances with the account's size, so creation order is time order."""
        return self.start + SPAN * min(self.entities / max(self.target, 1), 0.999)

    # -- lineage entities -----------------------------------------------------------------------------
    def artifact(self, uri: str, artifact_type: str, when: datetime) -> str:
        store = self.store
        arn = store.artifact_arn_for_uri(uri, artifact_type)
        if arn not in store.entities:
            entity = store.create_artifact(uri, artifact_type, arn=arn)
            entity.creation_time = entity.last_modified_time = when
            self.counts["artifacts"] += 1
        return arn

    def named(self, kind: str, name: str, entity_type: str, source_uri: str, when: datetime, **kw: Any) -> str:
        entity: LineageEntity = self.store.create_named(kind, name, entity_type, source_uri, **kw)  # type: ignore[arg-type]
        entity.creation_time = entity.last_modified_time = when
        self.counts[f"{kind}s"] += 1
        return entity.arn

    def edge(self, source: str, destination: str, association_type: str, when: datetime) -> None:
        assoc = self.store.associate(source, destination, association_type)
        assoc.creation_time = when
        self.counts["associations"] += 1

    # -- experiments, trials, trial components ------------------------------------------------------
    def experiment(self, name: str, when: datetime) -> None:
        self.backend.create_experiment(name)
        experiment = self.backend.experiments[name]
        experiment.creation_time = experiment.last_modified_time = when
        self.counts["experiments"] += 1

    def trial(self, name: str, experiment: str, when: datetime) -> None:
        self.backend.create_trial(name, experiment)
        trial = self.backend.trials[name]
        trial.creation_time = trial.last_modified_time = when
        self.counts["trials"] += 1

    def job(
        self,
        name: str,
        kind: str,
        trial: str,
        when: datetime,
        *,
        inputs: list[tuple[str, str]],
        outputs: list[tuple[str, str]],
        parameters: dict[str, dict[str, Any]],
        tags: list[dict[str, str]] | None = None,
    ) -> str:
        """A job's trial component with its inputs ContributedTo it and its outputs Produced by it."""
        backend = self.backend
        tc_name = f"{name}-aws-{kind}-job"
        job_arn = f"arn:aws:sagemaker:{backend.region_name}:{backend.account_id}:{kind}-job/{name}"
        backend.create_trial_component(
            trial_component_name=tc_name,
            trial_name=None,
            status={"PrimaryStatus": "Completed"},
            start_time=when,
            end_time=when + timedelta(minutes=20),
            display_name=tc_name,
            parameters=parameters,
            input_artifacts={f"input-{i}": {"Value": uri} for i, (uri, _) in enumerate(inputs)},
            output_artifacts={f"output-{i}": {"Value": uri} for i, (uri, _) in enumerate(outputs)},
            metadata_properties=None,
        )
        jobs = backend.training_jobs if kind == "training" else backend.processing_jobs
        jobs[name] = JobRecord(job_arn, list(tags or []))
        tc = backend.trial_components[tc_name]
        tc.creation_time = tc.last_modified_time = when
        tc.source = {"SourceArn": job_arn, "SourceType": f"SageMaker{kind.capitalize()}Job"}
        tc.sources = [dict(tc.source)]
        backend.trials[trial].trial_components.append(tc_name)
        tc.trial_name = trial
        self.counts["trial_components"] += 1
        for uri, artifact_type in inputs:
            self.edge(self.artifact(uri, artifact_type, when), tc.arn, "ContributedTo", when)
        for uri, artifact_type in outputs:
            self.edge(tc.arn, self.artifact(uri, artifact_type, when), "Produced", when)
        return job_arn

    # -- the account ----------------------------------------------------------------------------------
    def run(self) -> dict[str, int]:
        hubs = [
            f"s3://bench-raw/source-{i}/part-0000.parquet" for i in range(max(3, min(RAW_HUBS, self.target // 500)))
        ]
        images = [f"123456789012.dkr.ecr.us-east-1.amazonaws.com/bench-{i}:1.0" for i in range(IMAGES)]
        pipelines = [self.pipeline_spec(i, hubs, images) for i in range(max(2, self.target // 4000))]
        executions = 0
        while self.entities < self.target:
            spec = pipelines[executions % len(pipelines)]
            self.execution(spec)
            executions += 1
            if executions % 6 == 0:
                self.adhoc(hubs, images)
        self.counts["pipelines"] = len(pipelines)
        self.counts["pipeline_executions"] = executions
        return dict(self.counts)

    def pipeline_spec(self, number: int, hubs: list[str], images: list[str]) -> dict[str, Any]:
        name = f"bench-pipeline-{number:04d}"
        when = self.moment()
        backend = self.backend
        pipeline = backend.create_pipeline(
            pipeline_name=name,
            pipeline_display_name=name,
            pipeline_definition='{"Version": "2020-12-01", "Steps": []}',
            pipeline_definition_s3_location=None,
            pipeline_description=f"Synthetic pipeline {number}",
            role_arn=f"arn:aws:iam::{backend.account_id}:role/bench",
            tags=[],
            parallelism_configuration=None,
        )
        pipeline.creation_time = pipeline.last_modified_time = when
        self.experiment(name, when)
        group = f"{name}-group"
        group_arn = f"arn:aws:sagemaker:{backend.region_name}:{backend.account_id}:model-package-group/{group}"
        context = self.named("context", f"{group}-aws-model-package-group", "ModelGroup", group_arn, when)
        return {
            "name": name,
            "pipeline": pipeline,
            "steps": self.rng.randint(5, 10),
            "raw": self.rng.sample(hubs, 3),
            "code": f"s3://bench-code/{name}/sourcedir.tar.gz",
            "processing_image": images[number % 2],
            "training_image": images[2 + number % (IMAGES - 2)],
            "warm_start": number % 3 == 0,
            "group": group,
            "group_context": context,
            "runs": 0,
            "last_model": None,
        }

    def execution(self, spec: dict[str, Any]) -> None:
        rng = self.rng
        when = self.moment()
        run = spec["runs"]
        spec["runs"] += 1
        name = spec["name"]
        execution_id = f"{rng.getrandbits(48):012x}"
        execution_arn = f"{spec['pipeline'].arn}/execution/{execution_id}"
        execution = FakePipelineExecution(
            pipeline_execution_arn=execution_arn,
            pipeline_execution_display_name=f"{name}-{run}",
            pipeline_parameters=[],
            pipeline_execution_description=f"Run {run} of {name}",
            parallelism_configuration={},
            pipeline_definition=spec["pipeline"].pipeline_definition,
            client_request_token=execution_id,
        )
        execution.creation_time = execution.last_modified_time = execution.start_time = when
        spec["pipeline"].pipeline_executions[execution_arn] = execution
        spec["pipeline"].last_execution_time = when
        trial = f"{name}-{execution_id}"
        self.trial(trial, name, when)
        # What DescribePipelineExecution returns (the sandbox's auto lineage sets it the same way).
        execution.pipeline_experiment_config = {"ExperimentName": name, "TrialName": trial}  # type: ignore[attr-defined]

        base = f"s3://bench-data/{name}/{execution_id}"
        steps: list[dict[str, Any]] = []

        def step(step_name: str, kind: str, inputs: list[tuple[str, str]], outputs: list[tuple[str, str]]) -> None:
            params: dict[str, dict[str, Any]] = {
                "SageMaker.InstanceType": {"StringValue": rng.choice(("ml.m5.xlarge", "ml.c5.2xlarge"))},
                "SageMaker.InstanceCount": {"NumberValue": float(rng.randint(1, 4))},
            }
            if kind == "training":
                params |= {
                    "eta": {"NumberValue": round(rng.uniform(0.01, 0.3), 3)},
                    "max_depth": {"NumberValue": float(rng.randint(3, 10))},
                    "objective": {"StringValue": "binary:logistic"},
                }
            inputs = [*inputs, (spec["code"], "DataSet")]  # the step's script, as SageMaker records it
            job_name = f"{name}-{execution_id}-{step_name}".lower()
            tags = [
                {"Key": "sagemaker:pipeline-execution-arn", "Value": execution_arn},
                {"Key": "sagemaker:pipeline-step-name", "Value": step_name},
            ]
            job_arn = self.job(
                job_name, kind, trial, when, inputs=inputs, outputs=outputs, parameters=params, tags=tags
            )
            metadata_key = {"training": "TrainingJob", "processing": "ProcessingJob"}[kind]
            steps.append(self.step_item(step_name, when, {metadata_key: {"Arn": job_arn}}))

        split = {part: f"{base}/preprocess/{part}" for part in ("train", "validation", "test")}
        step(
            "Preprocess",
            "processing",
            [(uri, "DataSet") for uri in spec["raw"]] + [(spec["processing_image"], "Image")],
            [(uri, "DataSet") for uri in split.values()],
        )
        current = split["train"]
        for i in range(1, spec["steps"] - 3):
            output = f"{base}/transform-{i}/out"
            step(
                f"Transform{i}",
                "processing",
                [(current, "DataSet"), (spec["processing_image"], "Image")],
                [(output, "DataSet")],
            )
            current = output
        model = f"{base}/train/output/model.tar.gz"
        train_inputs = [(current, "DataSet"), (split["validation"], "DataSet"), (spec["training_image"], "Image")]
        if spec["warm_start"] and spec["last_model"]:
            train_inputs.append((spec["last_model"], "Model"))
        step("Train", "training", train_inputs, [(model, "Model")])
        spec["last_model"] = model
        step(
            "Evaluate",
            "processing",
            [(model, "Model"), (split["test"], "DataSet")],
            [(f"{base}/evaluate/report.json", "DataSet")],
        )
        self.register(spec, run, execution_arn, model, when, steps)
        self.store.pipeline_steps[execution_arn] = steps

    def step_item(self, step_name: str, when: datetime, metadata: dict[str, Any]) -> dict[str, Any]:
        return {
            "StepName": step_name,
            "StepDisplayName": step_name,
            "StartTime": when,
            "EndTime": when + timedelta(minutes=20),
            "StepStatus": "Succeeded",
            "AttemptCount": 1,
            "Metadata": metadata,
        }

    def register(
        self,
        spec: dict[str, Any],
        run: int,
        execution_arn: str,
        model: str,
        when: datetime,
        steps: list[dict[str, Any]],
    ) -> None:
        """RegisterModel: package artifact, approval, and for one run in ten a deployed endpoint."""
        backend = self.backend
        package_arn = (
            f"arn:aws:sagemaker:{backend.region_name}:{backend.account_id}:model-package/{spec['group']}/{run + 1}"
        )
        package = self.artifact(package_arn, "Model", when)
        self.edge(self.artifact(model, "Model", when), package, "ContributedTo", when)
        self.edge(self.artifact(spec["training_image"], "Image", when), package, "ContributedTo", when)
        self.edge(package, spec["group_context"], "AssociatedWith", when)
        approved = self.rng.random() < 0.6
        approval = self.named(
            "action",
            f"{spec['group']}-{run + 1}-aws-model-package",
            "Approval",
            package_arn,
            when,
            status="Completed" if approved else "Unknown",
            properties={"ModelApprovalStatus": "Approved" if approved else "PendingManualApproval"},
        )
        self.edge(package, approval, "ContributedTo", when)
        steps.append(self.step_item("RegisterModel", when, {"RegisterModel": {"Arn": package_arn}}))
        if approved and run % 10 == 0:
            endpoint = f"{spec['name']}-endpoint-{run}"
            endpoint_arn = f"arn:aws:sagemaker:{backend.region_name}:{backend.account_id}:endpoint/{endpoint}"
            context = self.named(
                "context",
                f"{endpoint}-aws-endpoint",
                "Endpoint",
                endpoint_arn,
                when,
                properties={"PipelineExecutionArn": execution_arn},
            )
            deployment = self.named(
                "action", f"{endpoint}-aws-endpoint", "ModelDeployment", endpoint_arn, when, status="Completed"
            )
            self.edge(deployment, context, "AssociatedWith", when)
            self.edge(package, deployment, "ContributedTo", when)
            self.edge(approval, deployment, "AssociatedWith", when)
            self.edge(self.artifact(model, "Model", when), deployment, "ContributedTo", when)

    def adhoc(self, hubs: list[str], images: list[str]) -> None:
        """Training jobs run by hand: experiments with many trial components, hub datasets as inputs."""
        number = self.counts["adhoc_jobs"]
        self.counts["adhoc_jobs"] += 1
        when = self.moment()
        experiment = f"bench-adhoc-{number // (ADHOC_PER_TRIAL * 10):04d}"
        trial = f"{experiment}-trial-{number // ADHOC_PER_TRIAL:05d}"
        if experiment not in self.backend.experiments:
            self.experiment(experiment, when)
        if trial not in self.backend.trials:
            self.trial(trial, experiment, when)
        name = f"bench-adhoc-{number:07d}"
        self.job(
            name,
            "training",
            trial,
            when,
            inputs=[(self.rng.choice(hubs), "DataSet"), (self.rng.choice(images), "Image")],
            outputs=[(f"s3://bench-adhoc/{name}/model.tar.gz", "Model")],
            parameters={"eta": {"NumberValue": round(self.rng.uniform(0.01, 0.3), 3)}},
        )


def generate(backend: Any, entities: int, seed: int = 7) -> dict[str, int]:
    """Fill ``backend`` (a moto SageMakerModelBackend) with about ``entities`` lineage entities."""
    store = store_for(backend)
    with store.lock:
        return Generator(backend, entities, seed).run()
