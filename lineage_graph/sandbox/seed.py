"""The ``demo`` account: a small, realistic SageMaker account built through ordinary boto3 calls.

Three pipelines (churn, fraud, recommendations) with 4, 4 and 3 executions. Each execution runs what a
SageMaker Pipeline would: PreprocessData (processing) → TrainModel (training) → EvaluateModel (processing)
→ RegisterModel (a model package version, approved, rejected or pending). Jobs carry the
``sagemaker:pipeline-execution-arn`` and ``sagemaker:pipeline-step-name`` tags and an ``ExperimentConfig``
(an experiment per pipeline, a trial per execution), so the sandbox's automatic lineage turns them into
trial components, artifacts, associations and pipeline steps as SageMaker would.

Shared on purpose: raw datasets (customers, transactions, clickstream) read by several pipelines and every
execution (hub artifacts), one training image for all pipelines, per-pipeline code. On top: three
endpoints deployed from approved packages (``churn-prod`` later rolled out to a newer version, approved after
its registration: two deployments at different times, for the audit view; both churn versions are approved
by a reviewer from Studio, so their packages name an approver), two ad-hoc training jobs outside
any pipeline, a batch transform fed by a processing job's output (a dataset chain), and one trial component
logged by hand.
Training and evaluation jobs report metrics through SageMaker Metrics (``BatchPutMetrics``), as the
built-in XGBoost container (one value per boosting round) and an evaluation script logging its scores do,
so DescribeTrialComponent summarises them and ``compare`` has something to compare.

Every name is fixed, so two seeds into fresh sandboxes give the same entities and edges; only what moto
randomises (pipeline execution ids, timestamps) differs; metric values follow from the names too.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import boto3

# A training TC with datasets upstream (preprocessing outputs, raw hubs behind them), a model downstream
# (model package → deployment → the ``churn-prod`` endpoint; the package's approval action points at it)
# and a pipeline execution.
DEMO_TRIAL_COMPONENT = "churn-exec-3-train-aws-training-job"

RAW_BUCKET = "s3://acme-ml-raw"
FEATURE_BUCKET = "s3://acme-ml-features"
MODEL_BUCKET = "s3://acme-ml-models"
ARTIFACT_BUCKET = "s3://acme-sagemaker-artifacts"

RAW_CUSTOMERS = f"{RAW_BUCKET}/crm/customers/customers.parquet"
RAW_TRANSACTIONS = f"{RAW_BUCKET}/payments/transactions/transactions.parquet"
RAW_CLICKSTREAM = f"{RAW_BUCKET}/web/clickstream/events.parquet"

# The ad-hoc notebook runs are launched from these Studio user profiles (the jobs' creators).
DEMO_DOMAIN_ID = "d-acme0demo01"
DEMO_STUDIO_USERS = ("maria.garcia", "wei.chen")
# The reviewer who approves the versions that go to production, from Studio (the packages' LastModifiedBy).
DEMO_APPROVER = "amara.okafor"
STUDIO_ROLE = "SageMakerExecutionRole"  # the domain's execution role, which Studio's apps call SageMaker as

PIPELINE_EXECUTION_TAG = "sagemaker:pipeline-execution-arn"
PIPELINE_STEP_TAG = "sagemaker:pipeline-step-name"
STEPS = ("PreprocessData", "TrainModel", "EvaluateModel", "RegisterModel")
ROLLOUT_PAUSE_S = 1.0  # between the first deployment of ``churn-prod`` and its roll-out to a newer version
ROUNDS = 5  # boosting rounds each training job reports a value for (steps 0..ROUNDS-1)


@dataclass(frozen=True)
class SeedSummary:
    """What ``seed_demo`` created through the API (lineage entities follow from these)."""

    pipelines: int
    pipeline_executions: int
    experiments: int
    trials: int
    processing_jobs: int
    training_jobs: int
    transform_jobs: int
    trial_components: int  # one per job plus the hand-made one
    model_package_groups: int
    model_packages: int
    models: int
    endpoints: int
    endpoint_updates: int


@dataclass(frozen=True)
class _PipelineSpec:
    name: str
    description: str
    raw_inputs: tuple[tuple[str, str], ...]  # (input name, S3 URI) shared hubs
    label_prefix: str  # per-execution label snapshot under RAW_BUCKET
    approvals: tuple[str, ...]  # ModelApprovalStatus per execution, in order
    hyperparameters: tuple[tuple[str, str], ...]
    deploy_execution: int  # 1-based execution whose package the ``<name>-prod`` endpoint serves first
    rollout_execution: int | None = None  # one approved later and deployed to ``<name>-prod`` by UpdateEndpoint
    # Registered pending and approved by DEMO_APPROVER before ``<name>-prod`` first serves it (the rollout's
    # version is approved by the same reviewer, later).
    reviewed: tuple[int, ...] = ()


PIPELINES: tuple[_PipelineSpec, ...] = (
    _PipelineSpec(
        name="churn",
        description="Monthly customer churn model",
        raw_inputs=(("customers", RAW_CUSTOMERS), ("clickstream", RAW_CLICKSTREAM)),
        label_prefix="crm/churn-labels",
        approvals=("Approved", "Rejected", "Approved", "PendingManualApproval"),
        hyperparameters=(("objective", "binary:logistic"), ("max_depth", "5"), ("eta", "0.2")),
        deploy_execution=3,
        rollout_execution=4,
        reviewed=(3,),
    ),
    _PipelineSpec(
        name="fraud",
        description="Card-not-present fraud scoring",
        raw_inputs=(("transactions", RAW_TRANSACTIONS), ("customers", RAW_CUSTOMERS)),
        label_prefix="payments/chargebacks",
        approvals=("Approved", "Approved", "PendingManualApproval", "Approved"),
        hyperparameters=(("objective", "binary:logistic"), ("max_depth", "8"), ("scale_pos_weight", "40")),
        deploy_execution=4,
    ),
    _PipelineSpec(
        name="recommendations",
        description="Next-best-product recommendations",
        raw_inputs=(
            ("clickstream", RAW_CLICKSTREAM),
            ("transactions", RAW_TRANSACTIONS),
            ("customers", RAW_CUSTOMERS),
        ),
        label_prefix="web/purchases",
        approvals=("Approved", "Approved", "PendingManualApproval"),
        hyperparameters=(("objective", "rank:pairwise"), ("max_depth", "6"), ("num_round", "300")),
        deploy_execution=2,
    ),
)


def studio_tags(region: str, account: str, name: str) -> list[dict[str, str]]:
    """The tags naming the demo domain's Studio user profile ``name``: on a job, SageMaker records it as the
    job's creator; as the session tags of the caller's credentials, as whoever made the call
    (``lineage_graph.sandbox.identity``)."""
    domain = f"arn:aws:sagemaker:{region}:{account}:domain/{DEMO_DOMAIN_ID}"
    profile = f"arn:aws:sagemaker:{region}:{account}:user-profile/{DEMO_DOMAIN_ID}/{name}"
    return [{"Key": "sagemaker:domain-arn", "Value": domain}, {"Key": "sagemaker:user-profile-arn", "Value": profile}]


def studio_client(client: Any, account: str, name: str) -> Any:
    """A SageMaker client of the sandbox ``client`` reaches, calling as Studio user ``name`` would: a session
    of the domain's execution role whose session tags name the user profile and whose source identity is its
    name (the sandbox has no Studio; ``lineage_graph.sandbox.identity`` reads these)."""
    region = client.meta.region_name
    settings = {"region_name": region, "endpoint_url": client.meta.endpoint_url}
    credentials = client._request_signer._credentials.get_frozen_credentials()
    sts = boto3.client(
        "sts", aws_access_key_id=credentials.access_key, aws_secret_access_key=credentials.secret_key, **settings
    )
    session = sts.assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/{STUDIO_ROLE}",
        RoleSessionName="SageMaker",
        SourceIdentity=name,
        Tags=studio_tags(region, account, name),
    )["Credentials"]
    return boto3.client(
        "sagemaker",
        aws_access_key_id=session["AccessKeyId"],
        aws_secret_access_key=session["SecretAccessKey"],
        aws_session_token=session["SessionToken"],
        **settings,
    )


class _Seeder:
    def __init__(self, client: Any) -> None:
        self.client = client
        self.region = client.meta.region_name
        self.account = ""
        self.role = ""
        self.counts: dict[str, int] = dict.fromkeys(SeedSummary.__dataclass_fields__, 0)
        self.approver: Any = None  # DEMO_APPROVER's client, made at the first approval
        # SageMaker Metrics is its own service; the sandbox serves it at the same URL.
        credentials = client._request_signer._credentials.get_frozen_credentials()
        self.metrics = boto3.client(
            "sagemaker-metrics",
            region_name=self.region,
            endpoint_url=client.meta.endpoint_url,
            aws_access_key_id=credentials.access_key,
            aws_secret_access_key=credentials.secret_key,
        )

    # -- naming ----------------------------------------------------------------------------------
    def ecr(self, repository: str, tag: str) -> str:
        return f"683313688378.dkr.ecr.{self.region}.amazonaws.com/{repository}:{tag}"

    @property
    def processing_image(self) -> str:
        return self.ecr("sagemaker-scikit-learn", "1.2-1-cpu-py3")

    @property
    def training_image(self) -> str:
        return self.ecr("sagemaker-xgboost", "1.7-1")

    def count(self, key: str, n: int = 1) -> None:
        self.counts[key] += n

    # -- API wrappers ----------------------------------------------------------------------------
    def processing_job(
        self,
        name: str,
        inputs: list[tuple[str, str]],
        outputs: list[tuple[str, str]],
        *,
        tags: list[dict[str, str]] | None = None,
        experiment: dict[str, str] | None = None,
        instance_type: str = "ml.m5.xlarge",
    ) -> str:
        kwargs: dict[str, Any] = {}
        if experiment:
            kwargs["ExperimentConfig"] = experiment
        arn: str = self.client.create_processing_job(
            ProcessingJobName=name,
            RoleArn=self.role,
            AppSpecification={"ImageUri": self.processing_image, "ContainerEntrypoint": ["python3"]},
            ProcessingResources={
                "ClusterConfig": {"InstanceCount": 1, "InstanceType": instance_type, "VolumeSizeInGB": 30}
            },
            StoppingCondition={"MaxRuntimeInSeconds": 3600},
            ProcessingInputs=[
                {
                    "InputName": input_name,
                    "S3Input": {
                        "S3Uri": uri,
                        "LocalPath": f"/opt/ml/processing/input/{input_name}",
                        "S3DataType": "S3Prefix",
                        "S3InputMode": "File",
                    },
                }
                for input_name, uri in inputs
            ],
            ProcessingOutputConfig={
                "Outputs": [
                    {
                        "OutputName": output_name,
                        "S3Output": {
                            "S3Uri": uri,
                            "LocalPath": f"/opt/ml/processing/output/{output_name}",
                            "S3UploadMode": "EndOfJob",
                        },
                    }
                    for output_name, uri in outputs
                ]
            },
            Tags=tags or [],
            **kwargs,
        )["ProcessingJobArn"]
        self.count("processing_jobs")
        self.count("trial_components")
        return arn

    def training_job(
        self,
        name: str,
        channels: list[tuple[str, str]],
        output_path: str,
        hyperparameters: dict[str, str],
        *,
        image: str | None = None,
        tags: list[dict[str, str]] | None = None,
        experiment: dict[str, str] | None = None,
        instance_type: str = "ml.m5.2xlarge",
    ) -> str:
        kwargs: dict[str, Any] = {}
        if experiment:
            kwargs["ExperimentConfig"] = experiment
        arn: str = self.client.create_training_job(
            TrainingJobName=name,
            RoleArn=self.role,
            HyperParameters=hyperparameters,
            AlgorithmSpecification={"TrainingImage": image or self.training_image, "TrainingInputMode": "File"},
            InputDataConfig=[
                {
                    "ChannelName": channel,
                    "ContentType": "text/csv",
                    "DataSource": {
                        "S3DataSource": {
                            "S3DataType": "S3Prefix",
                            "S3Uri": uri,
                            "S3DataDistributionType": "FullyReplicated",
                        }
                    },
                }
                for channel, uri in channels
            ],
            OutputDataConfig={"S3OutputPath": output_path},
            ResourceConfig={"InstanceType": instance_type, "InstanceCount": 1, "VolumeSizeInGB": 50},
            StoppingCondition={"MaxRuntimeInSeconds": 86400},
            Tags=tags or [],
            **kwargs,
        )["TrainingJobArn"]
        self.count("training_jobs")
        self.count("trial_components")
        return arn

    def put_metrics(self, trial_component: str, metrics: dict[str, list[float]]) -> None:
        """Metric values, step by step, the way SageMaker Metrics records them for a job's trial component."""
        now = time.time()
        data = [
            {"MetricName": name, "Timestamp": now + step, "Step": step, "Value": value}
            for name, values in metrics.items()
            for step, value in enumerate(values)
        ]
        for first in range(0, len(data), 10):  # BatchPutMetrics takes at most 10 values a call
            errors = self.metrics.batch_put_metrics(
                TrialComponentName=trial_component, MetricData=data[first : first + 10]
            )
            if errors.get("Errors"):
                raise RuntimeError(f"BatchPutMetrics for {trial_component}: {errors['Errors']}")

    def training_metrics(self, trial_component: str, objective: str, quality: float) -> None:
        """What the XGBoost container reports per round for its objective, improving towards ``quality``."""
        curve = [quality - 0.12 / (r + 1) for r in range(ROUNDS)]
        if objective.startswith("rank:"):
            metrics = {"train:map": [round(v + 0.03, 4) for v in curve], "validation:map": [round(v, 4) for v in curve]}
        else:
            metrics = {
                "train:logloss": [round(0.7 - v / 2, 4) for v in curve],
                "validation:logloss": [round(0.72 - v / 2, 4) for v in curve],
                "validation:auc": [round(v, 4) for v in curve],
            }
        self.put_metrics(trial_component, metrics)

    def model_from_package(self, name: str, package_arn: str) -> None:
        self.client.create_model(
            ModelName=name, ExecutionRoleArn=self.role, Containers=[{"ModelPackageName": package_arn}]
        )
        self.count("models")

    # -- the account -----------------------------------------------------------------------------
    def run(self) -> SeedSummary:
        packages: dict[tuple[str, int], str] = {}
        for spec in PIPELINES:
            packages.update(self.pipeline(spec))
        for spec in PIPELINES:
            for number in spec.reviewed:
                self.approve(packages[(spec.name, number)], "Evaluation metrics reviewed; approved for production")
        for spec in PIPELINES:
            self.endpoint(f"{spec.name}-prod", packages[(spec.name, spec.deploy_execution)])
        for spec in PIPELINES:
            if spec.rollout_execution is not None:
                self.roll_out(f"{spec.name}-prod", packages[(spec.name, spec.rollout_execution)])
        self.adhoc()
        self.batch_scoring(packages[("fraud", 4)])
        self.manual_trial_component()
        self.dataset_properties()
        return SeedSummary(**self.counts)

    def pipeline(self, spec: _PipelineSpec) -> dict[tuple[str, int], str]:
        definition = {
            "Version": "2020-12-01",
            "Metadata": {},
            "Parameters": [{"Name": "InputMonth", "Type": "String"}],
            "Steps": [
                {"Name": "PreprocessData", "Type": "Processing", "Arguments": {}},
                {"Name": "TrainModel", "Type": "Training", "Arguments": {}, "DependsOn": ["PreprocessData"]},
                {"Name": "EvaluateModel", "Type": "Processing", "Arguments": {}, "DependsOn": ["TrainModel"]},
                {"Name": "RegisterModel", "Type": "RegisterModel", "Arguments": {}, "DependsOn": ["EvaluateModel"]},
            ],
        }
        experiment_arn: str = self.client.create_experiment(
            ExperimentName=spec.name, Description=f"Runs of pipeline {spec.name}"
        )["ExperimentArn"]
        self.count("experiments")
        if not self.account:
            self.account = experiment_arn.split(":")[4]
            self.role = f"arn:aws:iam::{self.account}:role/SageMakerExecutionRole"
        self.client.create_pipeline(
            PipelineName=spec.name,
            PipelineDisplayName=spec.name,
            PipelineDescription=spec.description,
            PipelineDefinition=json.dumps(definition),
            RoleArn=self.role,
            Tags=[{"Key": "team", "Value": "ml-platform"}, {"Key": "use-case", "Value": spec.name}],
        )
        self.count("pipelines")
        group = f"{spec.name}-models"
        self.client.create_model_package_group(
            ModelPackageGroupName=group, ModelPackageGroupDescription=f"{spec.description} (registered by pipeline)"
        )
        self.count("model_package_groups")
        packages = {}
        for number, approval in enumerate(spec.approvals, start=1):
            packages[(spec.name, number)] = self.execution(spec, number, approval, group)
        return packages

    def execution(self, spec: _PipelineSpec, number: int, approval: str, group: str) -> str:
        p = spec.name
        month = f"2024-{number + 3:02d}"
        execution_arn: str = self.client.start_pipeline_execution(
            PipelineName=p,
            PipelineExecutionDisplayName=f"{p}-exec-{number}",
            PipelineExecutionDescription=f"Scheduled retraining on {month} data",
            PipelineParameters=[{"Name": "InputMonth", "Value": month}],
        )["PipelineExecutionArn"]
        self.count("pipeline_executions")
        trial = f"{p}-exec-{number}"
        self.client.create_trial(TrialName=trial, ExperimentName=p)
        self.count("trials")
        experiment = {"ExperimentName": p, "TrialName": trial}

        def tags(step: str) -> list[dict[str, str]]:
            return [{"Key": PIPELINE_EXECUTION_TAG, "Value": execution_arn}, {"Key": PIPELINE_STEP_TAG, "Value": step}]

        prefix = f"{p}-exec-{number}"
        features = f"{FEATURE_BUCKET}/{p}/{month}"
        code = f"{ARTIFACT_BUCKET}/{p}/code"
        # PreprocessData: shared raw hubs + this month's labels + the pipeline's (unchanged) code.
        self.processing_job(
            f"{prefix}-preprocess",
            [
                *spec.raw_inputs,
                ("labels", f"{RAW_BUCKET}/{spec.label_prefix}/{month}/labels.csv"),
                ("code", f"{code}/preprocess.py"),
            ],
            [
                ("train", f"{features}/train"),
                ("validation", f"{features}/validation"),
                ("test", f"{features}/test"),
                ("baseline", f"{features}/baseline"),
            ],
            tags=tags("PreprocessData"),
            experiment=experiment,
        )
        # TrainModel: the shared XGBoost image on this month's features.
        self.training_job(
            f"{prefix}-train",
            [("train", f"{features}/train"), ("validation", f"{features}/validation")],
            f"{MODEL_BUCKET}/{p}",
            dict(spec.hyperparameters),
            tags=tags("TrainModel"),
            experiment=experiment,
        )
        objective = dict(spec.hyperparameters)["objective"]
        # Each month's data is a little better than the last; pipelines differ in how hard the task is.
        quality = 0.78 + 0.05 * PIPELINES.index(spec) + 0.01 * number
        self.training_metrics(f"{prefix}-train-aws-training-job", objective, quality)
        model_data = f"{MODEL_BUCKET}/{p}/{prefix}-train/output/model.tar.gz"
        # EvaluateModel: the model and the held-out test set → an evaluation report.
        self.processing_job(
            f"{prefix}-evaluate",
            [("model", model_data), ("test", f"{features}/test"), ("code", f"{code}/evaluate.py")],
            [("evaluation", f"{ARTIFACT_BUCKET}/{p}/evaluation/{month}")],
            tags=tags("EvaluateModel"),
            experiment=experiment,
            instance_type="ml.m5.large",
        )
        if objective.startswith("rank:"):
            scores = {"test:map": quality - 0.03, "test:ndcg@10": quality - 0.01}
        else:
            scores = {"test:auc": quality - 0.02, "test:f1": quality - 0.15, "test:precision": quality - 0.1}
        self.put_metrics(f"{prefix}-evaluate-aws-processing-job", {k: [round(v, 4)] for k, v in scores.items()})
        # RegisterModel
        package_arn: str = self.client.create_model_package(
            ModelPackageGroupName=group,
            ModelPackageDescription=f"{p} model trained on {month}",
            ModelApprovalStatus="PendingManualApproval" if number in spec.reviewed else approval,
            InferenceSpecification={
                "Containers": [{"Image": self.training_image, "ModelDataUrl": model_data}],
                "SupportedContentTypes": ["text/csv"],
                "SupportedResponseMIMETypes": ["text/csv"],
                "SupportedRealtimeInferenceInstanceTypes": ["ml.m5.large", "ml.m5.xlarge"],
                "SupportedTransformInstanceTypes": ["ml.m5.xlarge"],
            },
            MetadataProperties={"GeneratedBy": execution_arn},
            ModelMetrics={
                "ModelQuality": {
                    "Statistics": {
                        "ContentType": "application/json",
                        "S3Uri": f"{ARTIFACT_BUCKET}/{p}/evaluation/{month}/evaluation.json",
                    }
                }
            },
            Tags=tags("RegisterModel"),
        )["ModelPackageArn"]
        self.count("model_packages")
        return package_arn

    def endpoint(self, name: str, package_arn: str) -> None:
        self.endpoint_config(f"{name}-model", f"{name}-config", package_arn)
        self.client.create_endpoint(
            EndpointName=name, EndpointConfigName=f"{name}-config", Tags=[{"Key": "stage", "Value": "prod"}]
        )
        self.count("endpoints")

    def roll_out(self, name: str, package_arn: str) -> None:
        """A reviewer approves a pending version and it replaces the one ``name`` serves (UpdateEndpoint). The
        pause keeps the approval and the new deployment a second after the first deployment, so the audit
        view's times tell them apart."""
        time.sleep(ROLLOUT_PAUSE_S)
        self.approve(package_arn, "Evaluation AUC above the production model's; approved for production")
        self.endpoint_config(f"{name}-model-2", f"{name}-config-2", package_arn)
        self.client.update_endpoint(EndpointName=name, EndpointConfigName=f"{name}-config-2")
        self.count("endpoint_updates")

    def approve(self, package_arn: str, description: str) -> None:
        """DEMO_APPROVER approves a version from Studio: SageMaker records them as its LastModifiedBy."""
        if self.approver is None:
            self.approver = studio_client(self.client, self.account, DEMO_APPROVER)
        self.approver.update_model_package(
            ModelPackageArn=package_arn, ModelApprovalStatus="Approved", ApprovalDescription=description
        )

    def endpoint_config(self, model: str, config: str, package_arn: str) -> None:
        self.model_from_package(model, package_arn)
        self.client.create_endpoint_config(
            EndpointConfigName=config,
            ProductionVariants=[
                {
                    "VariantName": "AllTraffic",
                    "ModelName": model,
                    "InstanceType": "ml.m5.large",
                    "InitialInstanceCount": 2,
                }
            ],
        )

    def studio_user(self, name: str) -> list[dict[str, str]]:
        return studio_tags(self.region, self.account, name)

    def adhoc(self) -> None:
        """Two notebook training runs outside any pipeline, reusing pipeline features and a raw hub, launched
        from two data scientists' Studio user profiles."""
        self.client.create_experiment(ExperimentName="data-science-sandbox")
        self.count("experiments")
        self.client.create_trial(TrialName="churn-depth-sweep", ExperimentName="data-science-sandbox")
        self.count("trials")
        churn_features = f"{FEATURE_BUCKET}/churn/2024-06"
        self.training_job(
            "adhoc-churn-xgb-depth-sweep",
            [("train", f"{churn_features}/train"), ("validation", f"{churn_features}/validation")],
            f"{MODEL_BUCKET}/adhoc",
            {"objective": "binary:logistic", "max_depth": "10", "eta": "0.1"},
            experiment={"ExperimentName": "data-science-sandbox", "TrialName": "churn-depth-sweep"},
            tags=self.studio_user(DEMO_STUDIO_USERS[0]),
        )
        self.training_metrics("adhoc-churn-xgb-depth-sweep-aws-training-job", "binary:logistic", 0.81)
        self.training_job(
            "adhoc-fraud-autogluon-baseline",
            [("train", RAW_TRANSACTIONS)],
            f"{MODEL_BUCKET}/adhoc",
            {"presets": "medium_quality", "label": "is_fraud"},
            image=self.ecr("autogluon-training", "1.1-cpu-py311"),
            instance_type="ml.m5.4xlarge",
            tags=self.studio_user(DEMO_STUDIO_USERS[1]),
        )

    def batch_scoring(self, package_arn: str) -> None:
        """Processing output → batch transform input → scores: a dataset chain off the pipelines."""
        scoring_input = f"{FEATURE_BUCKET}/fraud/scoring/2024-08/input"
        self.processing_job(
            "fraud-scoring-prep-2024-08",
            [("transactions", RAW_TRANSACTIONS), ("code", f"{ARTIFACT_BUCKET}/fraud/code/scoring_prep.py")],
            [("scoring-input", scoring_input)],
        )
        self.model_from_package("fraud-batch-model", package_arn)
        self.client.create_transform_job(
            TransformJobName="fraud-batch-scoring-2024-08",
            ModelName="fraud-batch-model",
            TransformInput={
                "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": scoring_input}},
                "ContentType": "text/csv",
                "SplitType": "Line",
            },
            TransformOutput={"S3OutputPath": f"{ARTIFACT_BUCKET}/fraud/scores/2024-08"},
            TransformResources={"InstanceType": "ml.m5.xlarge", "InstanceCount": 2},
        )
        self.count("transform_jobs")
        self.count("trial_components")

    def manual_trial_component(self) -> None:
        """A data-quality review logged by hand (no job behind it)."""
        name = "customers-data-quality-review-2024-08"
        self.client.create_trial_component(
            TrialComponentName=name,
            DisplayName="customers-data-quality-review-august",
            Status={"PrimaryStatus": "Completed", "Message": "3 columns flagged"},
            Parameters={
                "reviewer": {"StringValue": "data-steward"},
                "null_threshold": {"NumberValue": 0.05},
            },
            InputArtifacts={"customers": {"Value": RAW_CUSTOMERS, "MediaType": "application/x-parquet"}},
            OutputArtifacts={"report": {"Value": f"{ARTIFACT_BUCKET}/data-quality/customers/2024-08/report.html"}},
            Tags=[{"Key": "team", "Value": "data-governance"}, {"Key": "review", "Value": "monthly"}],
        )
        self.client.associate_trial_component(TrialComponentName=name, TrialName="churn-depth-sweep")
        self.count("trial_components")

    def dataset_properties(self) -> None:
        """Owners and versions recorded on the raw datasets, as teams do in an artifact's Properties."""
        owners = ((RAW_CUSTOMERS, "crm-data"), (RAW_TRANSACTIONS, "payments-data"), (RAW_CLICKSTREAM, "web-analytics"))
        for uri, owner in owners:
            for summary in self.client.list_artifacts(SourceUri=uri)["ArtifactSummaries"]:
                self.client.update_artifact(
                    ArtifactArn=summary["ArtifactArn"],
                    Properties={"owner": owner, "data_version": "2024-08", "git_commit": "9f2c1ab"},
                )


def seed_demo(client: Any) -> SeedSummary:
    """Build the demo account through ``client`` (a boto3 SageMaker client pointed at a fresh sandbox)."""
    return _Seeder(client).run()
