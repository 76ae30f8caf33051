"""SageMaker's automatic lineage in the sandbox: jobs, pipeline steps, model packages and endpoints.

Requests go over HTTP with real boto3 to a moto server in this process; lineage is read from the
sandbox's ``LineageStore`` directly (the lineage HTTP handlers are tested with ``api.py``).
"""

from __future__ import annotations

import re
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto.sagemaker.models import sagemaker_backends

from lineage_graph.sandbox import auto_lineage, install
from lineage_graph.sandbox.lineage_store import LineageStore, store_for
from lineage_graph.sandbox.seed import DEMO_DOMAIN_ID, studio_client

ACCOUNT = "123456789012"
REGION = "us-east-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/SageMakerExecutionRole"
IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
SKLEARN = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
EXEC_TAG = "sagemaker:pipeline-execution-arn"
STEP_TAG = "sagemaker:pipeline-step-name"


@pytest.fixture
def sm(sagemaker_client: Any) -> Any:
    """A client on the shared sandbox (tests/fixtures/sandbox_server.py), emptied for each test."""
    return sagemaker_client


def lineage() -> LineageStore:
    return store_for(sagemaker_backends[ACCOUNT][REGION])


def label(store: LineageStore, arn: str) -> str:
    entity = store.get(arn)
    if entity is None:
        return "TC:" + arn.split("/", 1)[1] if ":experiment-trial-component/" in arn else arn
    if entity.kind == "artifact":
        return f"{entity.entity_type}:{entity.source_uri}"
    return f"{entity.entity_type}:{entity.name}"


def edges(store: LineageStore) -> set[tuple[str, str | None, str]]:
    return {
        (label(store, a.source_arn), a.association_type, label(store, a.destination_arn))
        for a in store.all_associations()
    }


# -- request builders ----------------------------------------------------------------------------
def training_job(sm: Any, name: str, train_uri: str, *, tags: list[dict[str, str]] | None = None, **extra: Any) -> str:
    arn: str = sm.create_training_job(
        TrainingJobName=name,
        RoleArn=ROLE,
        HyperParameters={"max_depth": "5", "eta": "0.2"},
        AlgorithmSpecification={"TrainingImage": IMAGE, "TrainingInputMode": "File"},
        InputDataConfig=[
            {
                "ChannelName": "train",
                "ContentType": "text/csv",
                "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": train_uri}},
            }
        ],
        OutputDataConfig={"S3OutputPath": "s3://models/out"},
        ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": 2, "VolumeSizeInGB": 30},
        StoppingCondition={"MaxRuntimeInSeconds": 3600},
        Tags=tags or [],
        **extra,
    )["TrainingJobArn"]
    return arn


def processing_job(sm: Any, name: str, inputs: list[str], outputs: list[str], **extra: Any) -> str:
    arn: str = sm.create_processing_job(
        ProcessingJobName=name,
        RoleArn=ROLE,
        AppSpecification={"ImageUri": SKLEARN},
        ProcessingResources={
            "ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.large", "VolumeSizeInGB": 20}
        },
        ProcessingInputs=[
            {
                "InputName": f"in{i}",
                "S3Input": {
                    "S3Uri": uri,
                    "LocalPath": f"/opt/ml/processing/in{i}",
                    "S3DataType": "S3Prefix",
                    "S3InputMode": "File",
                },
            }
            for i, uri in enumerate(inputs)
        ],
        ProcessingOutputConfig={
            "Outputs": [
                {
                    "OutputName": f"out{i}",
                    "S3Output": {"S3Uri": uri, "LocalPath": f"/opt/ml/processing/out{i}", "S3UploadMode": "EndOfJob"},
                }
                for i, uri in enumerate(outputs)
            ]
        },
        **extra,
    )["ProcessingJobArn"]
    return arn


def register(sm: Any, group: str, model_data: str, status: str, tags: list[dict[str, str]] | None = None) -> str:
    if group not in [
        g["ModelPackageGroupName"] for g in sm.list_model_package_groups()["ModelPackageGroupSummaryList"]
    ]:
        sm.create_model_package_group(ModelPackageGroupName=group)
    arn: str = sm.create_model_package(
        ModelPackageGroupName=group,
        ModelApprovalStatus=status,
        InferenceSpecification={
            "Containers": [{"Image": IMAGE, "ModelDataUrl": model_data}],
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
        },
        Tags=tags or [],
    )["ModelPackageArn"]
    return arn


def deploy(sm: Any, name: str, container: dict[str, str]) -> str:
    sm.create_model(ModelName=f"{name}-model", ExecutionRoleArn=ROLE, Containers=[container])
    sm.create_endpoint_config(
        EndpointConfigName=f"{name}-config",
        ProductionVariants=[
            {"VariantName": "v", "ModelName": f"{name}-model", "InstanceType": "ml.m5.large", "InitialInstanceCount": 1}
        ],
    )
    arn: str = sm.create_endpoint(EndpointName=name, EndpointConfigName=f"{name}-config")["EndpointArn"]
    return arn


# -- tests -----------------------------------------------------------------------------------------
def test_training_job_creates_its_trial_component(sm: Any) -> None:
    sm.create_experiment(ExperimentName="exp")
    sm.create_trial(TrialName="trial-1", ExperimentName="exp")
    job_arn = training_job(
        sm, "job-a", "s3://data/train", ExperimentConfig={"ExperimentName": "exp", "TrialName": "trial-1"}
    )

    tc = sm.describe_trial_component(TrialComponentName="job-a-aws-training-job")
    assert tc["Source"] == {"SourceArn": job_arn, "SourceType": "SageMakerTrainingJob"}
    assert tc["Status"]["PrimaryStatus"] == "Completed"
    assert tc["StartTime"] <= tc["EndTime"]
    assert tc["Parameters"] == {
        "max_depth": {"StringValue": "5"},
        "eta": {"StringValue": "0.2"},
        "SageMaker.InstanceType": {"StringValue": "ml.m5.xlarge"},
        "SageMaker.InstanceCount": {"NumberValue": 2.0},
        "SageMaker.VolumeSizeInGB": {"NumberValue": 30.0},
    }
    assert tc["InputArtifacts"] == {
        "train": {"Value": "s3://data/train", "MediaType": "text/csv"},
        "SageMaker.ImageUri": {"Value": IMAGE},
    }
    model_uri = "s3://models/out/job-a/output/model.tar.gz"
    assert tc["OutputArtifacts"] == {"SageMaker.ModelArtifact": {"Value": model_uri}}
    in_trial = sm.list_trial_components(TrialName="trial-1")["TrialComponentSummaries"]
    assert [s["TrialComponentName"] for s in in_trial] == ["job-a-aws-training-job"]

    store = lineage()
    assert edges(store) == {
        ("DataSet:s3://data/train", "ContributedTo", "TC:job-a-aws-training-job"),
        (f"Image:{IMAGE}", "ContributedTo", "TC:job-a-aws-training-job"),
        ("TC:job-a-aws-training-job", "Produced", f"Model:{model_uri}"),
    }
    for entity in store.of_kind("artifact"):
        assert entity.arn.startswith(f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:artifact/")
        assert len(entity.arn.rsplit("/", 1)[1]) == 32


def test_a_job_from_a_studio_user_profile_names_its_creator(sm: Any) -> None:
    """CreatedBy is the UserContext of the Studio user profile that launched the job; a job an IAM caller
    launched has no CreatedBy member at all (an empty ``{}`` would give the SDK an empty UserContext)."""
    profile = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:user-profile/d-xyz/maria"
    studio = [
        {"Key": "sagemaker:domain-arn", "Value": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:domain/d-xyz"},
        {"Key": "sagemaker:user-profile-arn", "Value": profile},
    ]
    training_job(sm, "from-studio", "s3://data/train", tags=studio)
    training_job(sm, "from-iam", "s3://data/train")
    user = {"UserProfileArn": profile, "UserProfileName": "maria", "DomainId": "d-xyz"}

    described = sm.describe_trial_component(TrialComponentName="from-studio-aws-training-job")
    assert (described["CreatedBy"], described["LastModifiedBy"]) == (user, user)
    records = {
        r["TrialComponent"]["TrialComponentName"]: r["TrialComponent"]
        for r in sm.search(Resource="ExperimentTrialComponent")["Results"]
    }
    assert records["from-studio-aws-training-job"]["CreatedBy"] == user
    assert records["from-studio-aws-training-job"]["InputArtifacts"]["train"]["MediaType"] == "text/csv"
    assert "CreatedBy" not in records["from-iam-aws-training-job"]
    assert "LastModifiedBy" not in sm.describe_trial_component(TrialComponentName="from-iam-aws-training-job")
    summaries = sm.list_associations()["AssociationSummaries"]
    assert summaries and all("CreatedBy" not in s for s in summaries)


def test_same_uri_gives_the_same_artifact_across_jobs(sm: Any) -> None:
    training_job(sm, "job-a", "s3://data/shared")
    training_job(sm, "job-b", "s3://data/shared")
    processing_job(sm, "prep", ["s3://data/shared"], ["s3://data/prepared"])

    store = lineage()
    shared = [a for a in store.of_kind("artifact") if a.source_uri == "s3://data/shared"]
    assert len(shared) == 1
    consumers = {label(store, a.destination_arn) for a in store.all_associations() if a.source_arn == shared[0].arn}
    assert consumers == {"TC:job-a-aws-training-job", "TC:job-b-aws-training-job", "TC:prep-aws-processing-job"}
    images = [a for a in store.of_kind("artifact") if a.entity_type == "Image"]
    assert sorted(a.source_uri or "" for a in images) == sorted([IMAGE, SKLEARN])


def test_processing_job_trial_component_and_outputs(sm: Any) -> None:
    job_arn = processing_job(sm, "prep", ["s3://raw/a", "s3://raw/b"], ["s3://feat/train", "s3://feat/test"])

    tc = sm.describe_trial_component(TrialComponentName="prep-aws-processing-job")
    assert tc["Source"] == {"SourceArn": job_arn, "SourceType": "SageMakerProcessingJob"}
    assert tc["Parameters"] == {
        "SageMaker.InstanceType": {"StringValue": "ml.m5.large"},
        "SageMaker.InstanceCount": {"NumberValue": 1.0},
        "SageMaker.VolumeSizeInGB": {"NumberValue": 20.0},
    }
    assert tc["InputArtifacts"]["SageMaker.ImageUri"] == {"Value": SKLEARN}
    assert tc["OutputArtifacts"] == {"out0": {"Value": "s3://feat/train"}, "out1": {"Value": "s3://feat/test"}}
    assert (
        sm.describe_processing_job(ProcessingJobName="prep")["ProcessingResources"]["ClusterConfig"]["InstanceType"]
        == "ml.m5.large"
    )
    assert edges(lineage()) == {
        ("DataSet:s3://raw/a", "ContributedTo", "TC:prep-aws-processing-job"),
        ("DataSet:s3://raw/b", "ContributedTo", "TC:prep-aws-processing-job"),
        (f"Image:{SKLEARN}", "ContributedTo", "TC:prep-aws-processing-job"),
        ("TC:prep-aws-processing-job", "Produced", "DataSet:s3://feat/train"),
        ("TC:prep-aws-processing-job", "Produced", "DataSet:s3://feat/test"),
    }


def test_evaluation_input_that_is_a_model_stays_a_model(sm: Any) -> None:
    training_job(sm, "job-a", "s3://data/train")
    model_uri = "s3://models/out/job-a/output/model.tar.gz"
    processing_job(sm, "eval", [model_uri, "s3://data/test"], ["s3://reports/eval"])
    assert (f"Model:{model_uri}", "ContributedTo", "TC:eval-aws-processing-job") in edges(lineage())


def test_pipeline_tag_makes_the_job_a_step(sm: Any) -> None:
    sm.create_pipeline(PipelineName="pipe", PipelineDefinition="{}", RoleArn=ROLE)
    execution = sm.start_pipeline_execution(PipelineName="pipe")["PipelineExecutionArn"]
    other = sm.start_pipeline_execution(PipelineName="pipe")["PipelineExecutionArn"]
    sm.create_experiment(ExperimentName="pipe")
    sm.create_trial(TrialName="pipe-run", ExperimentName="pipe")
    prep_arn = processing_job(
        sm,
        "prep",
        ["s3://raw"],
        ["s3://feat"],
        Tags=[{"Key": EXEC_TAG, "Value": execution}, {"Key": STEP_TAG, "Value": "Preprocess"}],
        ExperimentConfig={"ExperimentName": "pipe", "TrialName": "pipe-run"},
    )
    train_arn = training_job(
        sm, "pipelines-abc123def456-TrainModel-AbCdE12345", "s3://feat", tags=[{"Key": EXEC_TAG, "Value": execution}]
    )
    training_job(sm, "unrelated", "s3://feat", tags=[{"Key": EXEC_TAG, "Value": execution + "-gone"}])
    package = register(
        sm,
        "grp",
        "s3://models/out/x/model.tar.gz",
        "Approved",
        tags=[{"Key": EXEC_TAG, "Value": execution}, {"Key": STEP_TAG, "Value": "Register"}],
    )

    steps = lineage().pipeline_steps[execution]
    assert [(s["StepName"], s["StepStatus"], s["Metadata"]) for s in steps] == [
        ("Preprocess", "Succeeded", {"ProcessingJob": {"Arn": prep_arn}}),
        ("TrainModel", "Succeeded", {"TrainingJob": {"Arn": train_arn}}),
        ("Register", "Succeeded", {"RegisterModel": {"Arn": package}}),
    ]
    assert all(s["StartTime"] <= s["EndTime"] for s in steps)
    assert lineage().pipeline_steps[other] == []
    # the SDK's pipeline_execution_arn() reads the tag back from the job
    tags = sm.list_tags(ResourceArn=train_arn)["Tags"]
    assert {"Key": EXEC_TAG, "Value": execution} in tags
    described = sm.describe_pipeline_execution(PipelineExecutionArn=execution)
    assert described["PipelineExperimentConfig"] == {"ExperimentName": "pipe", "TrialName": "pipe-run"}
    context = next(c for c in lineage().of_kind("context") if c.entity_type == "ModelGroup")
    assert context.properties["PipelineExecutionArn"] == execution


def test_model_package_lineage(sm: Any) -> None:
    training_job(sm, "job-a", "s3://data/train")
    model_uri = "s3://models/out/job-a/output/model.tar.gz"
    v1 = register(sm, "churn-models", model_uri, "Approved")
    v2 = register(sm, "churn-models", model_uri, "PendingManualApproval")

    store = lineage()
    groups = [c for c in store.of_kind("context") if c.entity_type == "ModelGroup"]
    assert len(groups) == 1
    group = groups[0]
    assert group.name == "churn-models-aws-model-package-group"
    assert group.source == {
        "SourceUri": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package-group/churn-models",
        "SourceType": "ARN",
        "SourceId": group.source["SourceId"] if group.source else None,
    }
    approvals = {a.name: a for a in store.of_kind("action") if a.entity_type == "Approval"}
    assert set(approvals) == {"churn-models-1-aws-model-package", "churn-models-2-aws-model-package"}
    assert approvals["churn-models-1-aws-model-package"].status == "Completed"
    assert approvals["churn-models-2-aws-model-package"].status == "InProgress"
    assert approvals["churn-models-2-aws-model-package"].source_uri == v2

    got = edges(store)
    for package in (v1, v2):
        assert (f"Model:{model_uri}", "ContributedTo", f"Model:{package}") in got
        assert (f"Image:{IMAGE}", "ContributedTo", f"Model:{package}") in got
        assert (f"Model:{package}", "AssociatedWith", "ModelGroup:churn-models-aws-model-package-group") in got
    # The approval points at its package (see auto_lineage: what the SDK's integration tests expect).
    assert ("Approval:churn-models-1-aws-model-package", "ContributedTo", f"Model:{v1}") in got
    assert (f"Model:{v1}", "ContributedTo", "Approval:churn-models-1-aws-model-package") not in got
    # the training job's model and the package's model data are one artifact
    assert len([a for a in store.of_kind("artifact") if a.source_uri == model_uri]) == 1

    sm.update_model_package(ModelPackageArn=v2, ModelApprovalStatus="Approved")
    assert approvals["churn-models-2-aws-model-package"].status == "Completed"
    assert approvals["churn-models-2-aws-model-package"].properties["ModelApprovalStatus"] == "Approved"


def test_a_model_package_names_who_registered_and_who_approved_it(sm: Any) -> None:
    """CreatedBy and LastModifiedBy are the caller's, as SageMaker records them for model packages: the IAM
    identity always, the Studio user profile when the session names one; not moto's made-up profile."""
    package = register(sm, "churn-models", "s3://models/m.tar.gz", "PendingManualApproval")
    registered = sm.describe_model_package(ModelPackageName=package)
    assert registered["CreatedBy"] == {
        "IamIdentity": {"Arn": f"arn:aws:sts::{ACCOUNT}:user/moto", "PrincipalId": "AKIAIOSFODNN7EXAMPLE"}
    }
    assert "LastModifiedBy" not in registered and "fake-user-profile-name" not in str(registered)

    studio_client(sm, ACCOUNT, "maria").update_model_package(ModelPackageArn=package, ModelApprovalStatus="Approved")
    approved = sm.describe_model_package(ModelPackageName=package)
    iam = approved["LastModifiedBy"].pop("IamIdentity")
    assert approved["LastModifiedBy"] == {
        "UserProfileArn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:user-profile/{DEMO_DOMAIN_ID}/maria",
        "UserProfileName": "maria",
        "DomainId": DEMO_DOMAIN_ID,
    }
    assert iam["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/SageMakerExecutionRole/SageMaker"
    assert iam["SourceIdentity"] == "maria" and iam["PrincipalId"].endswith(":SageMaker")
    assert approved["CreatedBy"] == registered["CreatedBy"]  # the update does not change who registered it

    # A session that names no user profile (a CI role, say) is recorded by its IAM identity alone.
    sts = boto3.client(
        "sts",
        endpoint_url=sm.meta.endpoint_url,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    ci = sts.assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT}:role/Deployer", RoleSessionName="ci-42")["Credentials"]
    boto3.client(
        "sagemaker",
        endpoint_url=sm.meta.endpoint_url,
        region_name=REGION,
        aws_access_key_id=ci["AccessKeyId"],
        aws_secret_access_key=ci["SecretAccessKey"],
        aws_session_token=ci["SessionToken"],
    ).update_model_package(ModelPackageArn=package, ModelApprovalStatus="Rejected")
    rejected = sm.describe_model_package(ModelPackageName=package)["LastModifiedBy"]
    assert list(rejected) == ["IamIdentity"]
    assert rejected["IamIdentity"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/Deployer/ci-42"


def test_lineage_entities_made_from_studio_name_their_creator(sm: Any) -> None:
    """CreateAction, CreateArtifact and AddAssociation from a Studio session: CreatedBy is the user profile
    (no IamIdentity: that is for model packages, groups and projects only); from an IAM caller, none."""
    maria = studio_client(sm, ACCOUNT, "maria")
    action = maria.create_action(ActionName="deploy", Source={"SourceUri": "s3://x"}, ActionType="ModelDeployment")
    artifact = sm.create_artifact(Source={"SourceUri": "s3://d"}, ArtifactType="DataSet")["ArtifactArn"]
    maria.add_association(SourceArn=artifact, DestinationArn=action["ActionArn"], AssociationType="ContributedTo")
    user = {
        "UserProfileArn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:user-profile/{DEMO_DOMAIN_ID}/maria",
        "UserProfileName": "maria",
        "DomainId": DEMO_DOMAIN_ID,
    }
    described = sm.describe_action(ActionName="deploy")
    assert (described["CreatedBy"], described["LastModifiedBy"]) == (user, user)
    assert "CreatedBy" not in sm.describe_artifact(ArtifactArn=artifact)
    (association,) = sm.list_associations(SourceArn=artifact)["AssociationSummaries"]
    assert association["CreatedBy"] == user


def test_endpoint_lineage_from_a_model_package(sm: Any) -> None:
    model_uri = "s3://models/out/job-a/output/model.tar.gz"
    training_job(sm, "job-a", "s3://data/train")
    package = register(sm, "churn-models", model_uri, "Approved")
    endpoint_arn = deploy(sm, "churn-prod", {"ModelPackageName": package})

    store = lineage()
    context = store.find("context", "churn-prod-aws-endpoint")
    action = store.find("action", "churn-prod-aws-endpoint")
    assert context is not None and context.entity_type == "Endpoint" and context.source_uri == endpoint_arn
    assert action is not None and action.entity_type == "ModelDeployment" and action.source_uri == endpoint_arn
    got = edges(store)
    deployment = "ModelDeployment:churn-prod-aws-endpoint"
    assert {
        (f"Model:{model_uri}", "ContributedTo", deployment),
        (f"Image:{IMAGE}", "ContributedTo", deployment),
        (f"Model:{package}", "ContributedTo", deployment),
        ("Approval:churn-models-1-aws-model-package", "AssociatedWith", deployment),
        (deployment, "AssociatedWith", "Endpoint:churn-prod-aws-endpoint"),
    } <= got


def test_update_endpoint_adds_a_deployment_beside_the_first(sm: Any) -> None:
    """UpdateEndpoint (docs/audit.md): a new ModelDeployment action, named after the update's time, with the new
    version's edges and AssociatedWith the same endpoint context; the first deployment and its edges stay."""
    first = register(sm, "churn-models", "s3://models/v1/model.tar.gz", "Approved")
    endpoint_arn = deploy(sm, "churn-prod", {"ModelPackageName": first})
    second = register(sm, "churn-models", "s3://models/v2/model.tar.gz", "PendingManualApproval")
    sm.update_model_package(ModelPackageArn=second, ModelApprovalStatus="Approved")
    sm.create_model(ModelName="churn-prod-model-2", ExecutionRoleArn=ROLE, Containers=[{"ModelPackageName": second}])
    sm.create_endpoint_config(
        EndpointConfigName="churn-prod-config-2",
        ProductionVariants=[
            {
                "VariantName": "v",
                "ModelName": "churn-prod-model-2",
                "InstanceType": "ml.m5.large",
                "InitialInstanceCount": 1,
            }
        ],
    )
    assert sm.update_endpoint(EndpointName="churn-prod", EndpointConfigName="churn-prod-config-2")["EndpointArn"] == (
        endpoint_arn
    )
    assert sm.describe_endpoint(EndpointName="churn-prod")["EndpointConfigName"] == "churn-prod-config-2"

    store = lineage()
    deployments = sorted(
        (a for a in store.of_kind("action") if a.entity_type == "ModelDeployment"), key=lambda a: a.creation_time
    )
    assert len(deployments) == 2 and deployments[0].name == "churn-prod-aws-endpoint"
    assert deployments[1].creation_time >= deployments[0].creation_time
    assert re.fullmatch(r"churn-prod-\d{10}-2-aws-endpoint", deployments[1].name or "")
    assert deployments[1].source_uri == endpoint_arn and deployments[1].status == "Completed"
    got = edges(store)
    old, new = (f"ModelDeployment:{d.name}" for d in deployments)
    assert {
        ("Model:s3://models/v1/model.tar.gz", "ContributedTo", old),
        (f"Model:{first}", "ContributedTo", old),
        ("Approval:churn-models-1-aws-model-package", "AssociatedWith", old),
        (old, "AssociatedWith", "Endpoint:churn-prod-aws-endpoint"),
        ("Model:s3://models/v2/model.tar.gz", "ContributedTo", new),
        (f"Image:{IMAGE}", "ContributedTo", new),
        (f"Model:{second}", "ContributedTo", new),
        ("Approval:churn-models-2-aws-model-package", "AssociatedWith", new),
        (new, "AssociatedWith", "Endpoint:churn-prod-aws-endpoint"),
    } <= got
    assert (f"Model:{first}", "ContributedTo", new) not in got
    approval = store.find("action", "churn-models-2-aws-model-package")
    assert approval is not None and approval.properties["ModelApprovalStatus"] == "Approved"


def test_update_endpoint_errors_as_sagemaker(sm: Any) -> None:
    with pytest.raises(ClientError, match="Could not find endpoint"):
        sm.update_endpoint(EndpointName="nowhere", EndpointConfigName="none")
    deploy(sm, "direct", {"Image": IMAGE, "ModelDataUrl": "s3://m/model.tar.gz"})
    with pytest.raises(ClientError, match="Could not find endpoint configuration"):
        sm.update_endpoint(EndpointName="direct", EndpointConfigName="none")


def test_endpoint_lineage_from_a_plain_model(sm: Any) -> None:
    deploy(sm, "direct", {"Image": IMAGE, "ModelDataUrl": "s3://m/model.tar.gz"})
    assert edges(lineage()) == {
        ("Model:s3://m/model.tar.gz", "ContributedTo", "ModelDeployment:direct-aws-endpoint"),
        (f"Image:{IMAGE}", "ContributedTo", "ModelDeployment:direct-aws-endpoint"),
        ("ModelDeployment:direct-aws-endpoint", "AssociatedWith", "Endpoint:direct-aws-endpoint"),
    }


def test_transform_job_lineage(sm: Any) -> None:
    sm.create_model(
        ModelName="scorer",
        ExecutionRoleArn=ROLE,
        PrimaryContainer={"Image": IMAGE, "ModelDataUrl": "s3://m/model.tar.gz"},
    )
    job_arn = sm.create_transform_job(
        TransformJobName="score",
        ModelName="scorer",
        TransformInput={
            "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://in"}},
            "ContentType": "text/csv",
        },
        TransformOutput={"S3OutputPath": "s3://out"},
        TransformResources={"InstanceType": "ml.m5.xlarge", "InstanceCount": 1},
    )["TransformJobArn"]
    tc = sm.describe_trial_component(TrialComponentName="score-aws-transform-job")
    assert tc["Source"] == {"SourceArn": job_arn, "SourceType": "SageMakerTransformJob"}
    assert tc["InputArtifacts"]["SageMaker.TransformInput"] == {"Value": "s3://in", "MediaType": "text/csv"}
    assert tc["OutputArtifacts"] == {"SageMaker.TransformOutput": {"Value": "s3://out"}}
    assert edges(lineage()) == {
        ("DataSet:s3://in", "ContributedTo", "TC:score-aws-transform-job"),
        ("Model:s3://m/model.tar.gz", "ContributedTo", "TC:score-aws-transform-job"),
        ("TC:score-aws-transform-job", "Produced", "DataSet:s3://out"),
    }


def test_install_is_idempotent() -> None:
    from moto.sagemaker.models import SageMakerModelBackend

    install()
    before = SageMakerModelBackend.create_training_job
    auto_lineage._installed = False  # even a forced re-run must not wrap twice
    try:
        auto_lineage.install()
    finally:
        auto_lineage._installed = True
    assert SageMakerModelBackend.create_training_job is before
    assert not getattr(before.__wrapped__, "_lineage_hook", False)  # type: ignore[attr-defined]
