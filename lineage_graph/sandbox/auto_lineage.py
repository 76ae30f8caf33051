"""What SageMaker does on its own: trial components and lineage for jobs, model packages and endpoints.

moto stores jobs, model packages and endpoints but creates none of the lineage real SageMaker creates
for them. ``install()`` wraps the ``SageMakerModelBackend`` methods (call the original, then record), so
the same happens under ``mock_aws()`` and in the HTTP sandbox. Edges, as created here (after the
reference notes' canonical auto-graph, §3.1-3.5):

Jobs (trial component ``<job>-aws-training-job`` / ``-aws-processing-job`` / ``-aws-transform-job``,
``Source={SourceArn: job ARN, SourceType: SageMakerTrainingJob|SageMakerProcessingJob|SageMakerTransformJob}``,
status and start/end times from the job, associated with ``ExperimentConfig.TrialName`` if that trial exists)::

    DataSet(input S3 URI)            --ContributedTo--> TC        (training channels, processing inputs,
                                                                   transform input; a processing input
                                                                   that is a model.tar.gz or already a
                                                                   Model artifact stays a Model)
    Image(training/processing image) --ContributedTo--> TC
    TC[training]   --Produced--> Model(<S3OutputPath>/<job>/output/model.tar.gz)
    TC[processing] --Produced--> DataSet(each processing output S3 URI)
    TC[transform]  --Produced--> DataSet(TransformOutput.S3OutputPath)
    Model(model data of the transform's model) --ContributedTo--> TC[transform]

Model package versions (CreateModelPackage with ModelPackageGroupName)::

    Model(s3 model data of each inference container) --ContributedTo--> Model(package; SourceUri = package ARN)
    Image(each inference container image)             --ContributedTo--> Model(package)
    Model(package) --AssociatedWith--> Context[ModelGroup]  (name ``<group>-aws-model-package-group``,
                                                             SourceUri = group ARN, SourceType ARN)
    Action[Approval] --ContributedTo--> Model(package)      (name ``<group>-<version>-aws-model-package``,
                                                             SourceUri = package ARN; Status from the
                                                             approval status, updated by UpdateModelPackage)

Endpoints (CreateEndpoint → EndpointConfig → Model(s) → containers)::

    Model(s3 model data) --ContributedTo--> Action[ModelDeployment]  (name ``<endpoint>-aws-endpoint``,
    Image                --ContributedTo--> Action[ModelDeployment]   SourceUri = endpoint ARN)
    Model(package)       --ContributedTo--> Action[ModelDeployment]  (container with ModelPackageName)
    Action[Approval]     --AssociatedWith--> Action[ModelDeployment] (idem)
    Action[ModelDeployment] --AssociatedWith--> Context[Endpoint]    (name ``<endpoint>-aws-endpoint``,
                                                                      SourceUri = endpoint ARN)

Endpoint updates (UpdateEndpoint to a new EndpointConfig; the sandbox's own handler, moto has none), as
docs/audit.md's "What SageMaker records on UpdateEndpoint" concludes from its sources::

    a new Action[ModelDeployment] per deployment (name ``<endpoint>-<epoch seconds>-<n>-aws-endpoint``, n the
    endpoint's deployment count, the shape of the SDK's fixture action
    ``cp-m5-20210424t041405868z-1619237657-1-aws-endpoint``, aws/sagemaker-python-sdk master-v2
    tests/unit/sagemaker/lineage/test_query.py; SourceUri = endpoint ARN; CreationTime = the update),
    with the same edges as above from the new config's models, packages and approvals, and
    Action[ModelDeployment] --AssociatedWith--> the same Context[Endpoint].

The earlier deployment actions and their associations stay (associations have no update API and deletes do
not cascade: docs/audit.md), so the endpoint context keeps one deployment action per deployment, ordered by
CreationTime: Studio lists a model version's deployments as events of type ``ModelDeployment``
(developer guide, model-registry-deploy-history). No ``ModelReplaced`` action is made: the SDK names that
type (``LineageSourceEnum.MODEL_REPLACE``) but no source says when SageMaker records one or how it is linked.

Artifacts for S3 URIs and images go through ``LineageStore.artifact_for_uri`` (hash naming): the same
URI and type always give the same artifact, so a training job's model and the package/endpoint built
from it share one ``Model`` artifact, and raw datasets read by many jobs become hubs.

Pipelines: a job or model package tagged ``sagemaker:pipeline-execution-arn`` with an existing
execution's ARN becomes a step of it (``LineageStore.pipeline_steps``), named by the tag
``sagemaker:pipeline-step-name`` or else after the job name; ``Metadata`` is ``{"TrainingJob": {"Arn"}}``,
``ProcessingJob``, ``TransformJob`` or ``RegisterModel``. The ModelGroup context (and an Endpoint context
whose endpoint is tagged) gets ``Properties.PipelineExecutionArn`` (+ ``PipelineStepName``). The
execution's ``PipelineExperimentConfig`` is filled from the first tagged job's ``ExperimentConfig``.

Not imitated: the ``ModelData`` artifact CreateModel makes on its own, checkpoint/debugger artifacts,
algorithm (marketplace) packages, lineage groups.
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from moto.core.utils import utcnow

from lineage_graph.sandbox.lineage_store import LineageEntity, LineageStore, store_for

PIPELINE_EXECUTION_TAG = "sagemaker:pipeline-execution-arn"
PIPELINE_STEP_TAG = "sagemaker:pipeline-step-name"

_JOB_STATUS_TO_TC = {
    "InProgress": "InProgress",
    "Completed": "Completed",
    "Failed": "Failed",
    "Stopping": "Stopping",
    "Stopped": "Stopped",
}
_JOB_STATUS_TO_STEP = {
    "InProgress": "Executing",
    "Completed": "Succeeded",
    "Failed": "Failed",
    "Stopping": "Stopping",
    "Stopped": "Stopped",
}
_APPROVAL_TO_ACTION_STATUS = {
    "Approved": "Completed",
    "PendingManualApproval": "InProgress",
    "Rejected": "Stopped",
}
_MAX_NAME = 120
_PIPELINE_JOB_NAME = re.compile(r"^pipelines-[a-z0-9]+-(?P<step>.+)-[A-Za-z0-9]{10}$")

_installed = False


# -- small helpers --------------------------------------------------------------------------------
def _lineage_name(stem: str, suffix: str) -> str:
    """A context/action name ``<stem><suffix>`` within SageMaker's 120-character limit."""
    return stem[: _MAX_NAME - len(suffix)].rstrip("-_") + suffix


def _tag(tags: Any, key: str) -> str | None:
    for tag in tags or []:
        if isinstance(tag, dict) and tag.get("Key") == key:
            value = tag.get("Value")
            return str(value) if value is not None else None
    return None


def studio_user(tags: Any) -> dict[str, str]:
    """The UserContext SageMaker records for a job launched from a Studio user profile; empty otherwise (an
    IAM caller: UserContext's IamIdentity is only for model packages, projects and hubs, says botocore's
    model). The sandbox has no Studio: a job tagged ``sagemaker:user-profile-arn`` (and
    ``sagemaker:domain-arn``) stands for one launched from that user profile."""
    profile_arn = _tag(tags, "sagemaker:user-profile-arn")
    if not profile_arn:
        return {}
    user = {"UserProfileArn": profile_arn, "UserProfileName": profile_arn.rsplit("/", 1)[-1]}
    domain_arn = _tag(tags, "sagemaker:domain-arn")
    return user | ({"DomainId": domain_arn.rsplit("/", 1)[-1]} if domain_arn else {})


def _get_or_create_named(
    store: LineageStore,
    kind: Any,
    name: str,
    entity_type: str,
    source_uri: str,
    *,
    source_type: str | None = "ARN",
    status: str | None = None,
) -> LineageEntity:
    with store.lock:
        existing = store.find(kind, name)
        if existing is not None:
            return existing
        entity = store.create_named(kind, name, entity_type, source_uri, source_type=source_type, status=status)
        # SageMaker's auto-created contexts/actions carry a SourceId (a creation date string).
        if entity.source is not None:
            entity.source["SourceId"] = entity.creation_time.strftime("%Y-%m-%dT%H:%M:%S")
        return entity


def _set_properties(entity: LineageEntity, properties: dict[str, str]) -> None:
    if properties:
        entity.properties.update(properties)
        entity.last_modified_time = utcnow()


def _find_execution(backend: Any, execution_arn: str) -> Any | None:
    for pipeline in list(backend.pipelines.values()):
        execution = pipeline.pipeline_executions.get(execution_arn)
        if execution is not None:
            return execution
    return None


def _step_name(tags: Any, resource_name: str) -> str:
    explicit = _tag(tags, PIPELINE_STEP_TAG)
    if explicit:
        return explicit
    match = _PIPELINE_JOB_NAME.match(resource_name)
    return match.group("step") if match else resource_name


def _record_step(
    backend: Any,
    tags: Any,
    resource_name: str,
    metadata: dict[str, Any],
    *,
    start: datetime | None,
    end: datetime | None,
    status: str = "Succeeded",
    experiment_config: dict[str, Any] | None = None,
) -> str | None:
    """Append a ListPipelineExecutionSteps item when ``tags`` name an existing execution."""
    execution_arn = _tag(tags, PIPELINE_EXECUTION_TAG)
    if not execution_arn:
        return None
    execution = _find_execution(backend, execution_arn)
    if execution is None:
        return None
    now = utcnow()
    step_name = _step_name(tags, resource_name)
    step: dict[str, Any] = {
        "StepName": step_name,
        "StepDisplayName": step_name,
        "StartTime": start or now,
        "EndTime": end or now,
        "StepStatus": status,
        "AttemptCount": 1,
        "Metadata": metadata,
    }
    store = store_for(backend)
    with store.lock:
        store.pipeline_steps.setdefault(execution_arn, []).append(step)
    if experiment_config and not getattr(execution, "pipeline_experiment_config", None):
        config = {k: experiment_config[k] for k in ("ExperimentName", "TrialName") if experiment_config.get(k)}
        if config:
            execution.pipeline_experiment_config = config
    execution.last_modified_time = now
    return execution_arn


# -- jobs --------------------------------------------------------------------------------------------
def _create_job_trial_component(
    backend: Any,
    *,
    job_name: str,
    job_arn: str,
    kind: str,  # training | processing | transform
    job_status: str,
    start: datetime | None,
    end: datetime | None,
    parameters: dict[str, dict[str, Any]],
    input_artifacts: dict[str, dict[str, str]],
    output_artifacts: dict[str, dict[str, str]],
    experiment_config: dict[str, Any] | None,
    tags: Any,
) -> Any:
    tc_name = f"{job_name}-aws-{kind}-job"
    backend.create_trial_component(
        trial_component_name=tc_name,
        trial_name=None,
        status={"PrimaryStatus": _JOB_STATUS_TO_TC.get(job_status, "Completed")},
        start_time=start,
        end_time=end,
        display_name=tc_name,
        parameters=parameters,
        input_artifacts=input_artifacts,
        output_artifacts=output_artifacts,
        metadata_properties=None,
    )
    tc = backend.trial_components[tc_name]
    source = {"SourceArn": job_arn, "SourceType": f"SageMaker{kind.capitalize()}Job"}
    tc.source = source
    tc.sources = [dict(source)]
    tc.created_by = studio_user(tags)
    trial_name = (experiment_config or {}).get("TrialName")
    if trial_name and trial_name in backend.trials:
        backend.associate_trial_component(trial_name, tc_name)
    return tc


def _link_job(
    store: LineageStore,
    tc_arn: str,
    *,
    inputs: list[tuple[str, str]],  # (uri, artifact type) contributing to the job
    outputs: list[tuple[str, str]],  # (uri, artifact type) produced by the job
) -> None:
    with store.lock:
        for uri, artifact_type in inputs:
            store.associate(store.artifact_for_uri(uri, artifact_type).arn, tc_arn, "ContributedTo")
        for uri, artifact_type in outputs:
            store.associate(tc_arn, store.artifact_for_uri(uri, artifact_type).arn, "Produced")


def _resource_parameters(resources: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    resources = resources or {}
    params: dict[str, dict[str, Any]] = {}
    if resources.get("InstanceType"):
        params["SageMaker.InstanceType"] = {"StringValue": str(resources["InstanceType"])}
    if resources.get("InstanceCount") is not None:
        params["SageMaker.InstanceCount"] = {"NumberValue": float(resources["InstanceCount"])}
    if resources.get("VolumeSizeInGB") is not None:
        params["SageMaker.VolumeSizeInGB"] = {"NumberValue": float(resources["VolumeSizeInGB"])}
    return params


def _after_training_job(backend: Any, job: Any) -> None:
    spec = job.algorithm_specification or {}
    image = spec.get("TrainingImage")
    params: dict[str, dict[str, Any]] = {
        str(k): {"StringValue": str(v)} for k, v in (job.hyper_parameters or {}).items()
    }
    params.update(_resource_parameters(job.resource_config))
    input_artifacts: dict[str, dict[str, str]] = {}
    inputs: list[tuple[str, str]] = []
    for channel in job.input_data_config or []:
        uri = ((channel.get("DataSource") or {}).get("S3DataSource") or {}).get("S3Uri")
        if not uri:
            continue
        artifact: dict[str, str] = {"Value": uri}
        if channel.get("ContentType"):
            artifact["MediaType"] = channel["ContentType"]
        input_artifacts[channel.get("ChannelName") or f"channel-{len(input_artifacts)}"] = artifact
        inputs.append((uri, "DataSet"))
    if image:
        input_artifacts["SageMaker.ImageUri"] = {"Value": image}
        inputs.append((image, "Image"))
    model_uri = (job.model_artifacts or {}).get("S3ModelArtifacts")
    output_artifacts = {"SageMaker.ModelArtifact": {"Value": model_uri}} if model_uri else {}
    tc = _create_job_trial_component(
        backend,
        job_name=job.training_job_name,
        job_arn=job.arn,
        kind="training",
        job_status=job.training_job_status,
        start=job.training_start_time,
        end=job.training_end_time,
        parameters=params,
        input_artifacts=input_artifacts,
        output_artifacts=output_artifacts,
        experiment_config=job.experiment_config,
        tags=job.tags,
    )
    _link_job(store_for(backend), tc.arn, inputs=inputs, outputs=[(model_uri, "Model")] if model_uri else [])
    _record_step(
        backend,
        job.tags,
        job.training_job_name,
        {"TrainingJob": {"Arn": job.arn}},
        start=job.training_start_time,
        end=job.training_end_time,
        status=_JOB_STATUS_TO_STEP.get(job.training_job_status, "Succeeded"),
        experiment_config=job.experiment_config,
    )


def _input_artifact_type(store: LineageStore, uri: str) -> str:
    """A processing input is a ``DataSet``, unless it is a model a training job produced (evaluation)."""
    if uri.endswith("model.tar.gz") or store.get(store.artifact_arn_for_uri(uri, "Model")) is not None:
        return "Model"
    return "DataSet"


def _after_processing_job(backend: Any, job: Any) -> None:
    spec = job.app_specification or {}
    image = spec.get("ImageUri")
    cluster = (getattr(job, "processing_resources", None) or {}).get("ClusterConfig")
    params = _resource_parameters(cluster)
    input_artifacts: dict[str, dict[str, str]] = {}
    inputs: list[tuple[str, str]] = []
    store = store_for(backend)
    for item in job.processing_inputs or []:
        uri = (item.get("S3Input") or {}).get("S3Uri")
        if uri:
            input_artifacts[item.get("InputName") or f"input-{len(input_artifacts)}"] = {"Value": uri}
            inputs.append((uri, _input_artifact_type(store, uri)))
    if image:
        input_artifacts["SageMaker.ImageUri"] = {"Value": image}
        inputs.append((image, "Image"))
    output_artifacts: dict[str, dict[str, str]] = {}
    outputs: list[tuple[str, str]] = []
    for item in (job.processing_output_config or {}).get("Outputs") or []:
        uri = (item.get("S3Output") or {}).get("S3Uri")
        if uri:
            output_artifacts[item.get("OutputName") or f"output-{len(output_artifacts)}"] = {"Value": uri}
            outputs.append((uri, "DataSet"))
    start = job.creation_time
    end = job.processing_end_time
    tc = _create_job_trial_component(
        backend,
        job_name=job.processing_job_name,
        job_arn=job.arn,
        kind="processing",
        job_status=job.processing_job_status,
        start=start,
        end=end,
        parameters=params,
        input_artifacts=input_artifacts,
        output_artifacts=output_artifacts,
        experiment_config=job.experiment_config,
        tags=job.tags,
    )
    _link_job(store, tc.arn, inputs=inputs, outputs=outputs)
    _record_step(
        backend,
        job.tags,
        job.processing_job_name,
        {"ProcessingJob": {"Arn": job.arn}},
        start=start,
        end=end,
        status=_JOB_STATUS_TO_STEP.get(job.processing_job_status, "Succeeded"),
        experiment_config=job.experiment_config,
    )


def _model_package(backend: Any, name_or_arn: str) -> Any | None:
    key = backend.model_package_name_mapping.get(name_or_arn, name_or_arn)
    return backend.model_packages.get(key)


def _containers(backend: Any, model_name: str) -> Iterator[tuple[str | None, str | None, Any | None]]:
    """(model data URL, image, model package) for each container of a moto model."""
    model = backend._models.get(model_name)
    if model is None:
        return
    containers = list(model.containers or [])
    if model.primary_container:
        containers.insert(0, model.primary_container)
    for container in containers:
        package_name = container.get("ModelPackageName")
        package = _model_package(backend, package_name) if package_name else None
        if package is not None:
            for spec in (package.inference_specification or {}).get("Containers") or []:
                yield spec.get("ModelDataUrl"), spec.get("Image"), package
        else:
            yield container.get("ModelDataUrl"), container.get("Image"), None


def _after_transform_job(backend: Any, job: Any) -> None:
    transform_input = job.transform_input or {}
    data_source = transform_input.get("DataSource") if isinstance(transform_input, dict) else None
    input_uri = ((data_source or {}).get("S3DataSource") or {}).get("S3Uri") if isinstance(data_source, dict) else None
    output_uri = (job.transform_output or {}).get("S3OutputPath")
    params = _resource_parameters(job.transform_resources)
    input_artifacts: dict[str, dict[str, str]] = {}
    inputs: list[tuple[str, str]] = []
    if input_uri:
        artifact = {"Value": input_uri}
        if isinstance(transform_input, dict) and transform_input.get("ContentType"):
            artifact["MediaType"] = str(transform_input["ContentType"])
        input_artifacts["SageMaker.TransformInput"] = artifact
        inputs.append((input_uri, "DataSet"))
    for model_data, _image, _package in _containers(backend, job.model_name):
        if model_data:
            input_artifacts.setdefault("SageMaker.ModelArtifact", {"Value": model_data})
            inputs.append((model_data, "Model"))
    output_artifacts = {"SageMaker.TransformOutput": {"Value": output_uri}} if output_uri else {}
    tc = _create_job_trial_component(
        backend,
        job_name=job.transform_job_name,
        job_arn=job.arn,
        kind="transform",
        job_status=job.transform_job_status,
        start=job.transform_start_time,
        end=job.transform_end_time,
        parameters=params,
        input_artifacts=input_artifacts,
        output_artifacts=output_artifacts,
        experiment_config=job.experiment_config,
        tags=job.tags,
    )
    _link_job(store_for(backend), tc.arn, inputs=inputs, outputs=[(output_uri, "DataSet")] if output_uri else [])
    _record_step(
        backend,
        job.tags,
        job.transform_job_name,
        {"TransformJob": {"Arn": job.arn}},
        start=job.transform_start_time,
        end=job.transform_end_time,
        status=_JOB_STATUS_TO_STEP.get(job.transform_job_status, "Succeeded"),
        experiment_config=job.experiment_config,
    )


# -- model packages ----------------------------------------------------------------------------------
def _approval_action_name(package: Any) -> str:
    return _lineage_name(f"{package.model_package_group_name}-{package.model_package_version}", "-aws-model-package")


def _after_model_package(backend: Any, package_arn: str) -> None:
    package = backend.model_packages.get(package_arn)
    if package is None or not package.model_package_group_name:
        return
    store = store_for(backend)
    group_name = package.model_package_group_name
    group = backend.model_package_groups.get(group_name)
    group_arn = group.arn if group is not None else store.arn("model-package-group", group_name.lower())
    execution_arn = _tag(package.tags, PIPELINE_EXECUTION_TAG) or (package.metadata_properties or {}).get("GeneratedBy")
    with store.lock:
        package_artifact = store.artifact_for_uri(package.arn, "Model")
        context = _get_or_create_named(
            store, "context", _lineage_name(group_name, "-aws-model-package-group"), "ModelGroup", group_arn
        )
        if execution_arn and ":pipeline/" in execution_arn:
            _set_properties(context, {"PipelineExecutionArn": execution_arn})
        store.associate(package_artifact.arn, context.arn, "AssociatedWith")
        for spec in (package.inference_specification or {}).get("Containers") or []:
            if spec.get("ModelDataUrl"):
                model = store.artifact_for_uri(spec["ModelDataUrl"], "Model")
                store.associate(model.arn, package_artifact.arn, "ContributedTo")
            if spec.get("Image"):
                image = store.artifact_for_uri(spec["Image"], "Image")
                store.associate(image.arn, package_artifact.arn, "ContributedTo")
        approval = _get_or_create_named(
            store,
            "action",
            _approval_action_name(package),
            "Approval",
            package.arn,
            status=_APPROVAL_TO_ACTION_STATUS.get(package.model_approval_status or "", "Unknown"),
        )
        _set_properties(approval, {"ModelApprovalStatus": package.model_approval_status or "Unknown"})
        # The approval action points at the package it approved, not the other way: the SDK's integration
        # tests (aws/sagemaker-python-sdk tests/integ/sagemaker/lineage/test_action.py, test_downstream_artifacts,
        # test_datasets, test_endpoints; conftest.py static_approval_action) find artifacts DESCENDANTS of
        # SageMaker's automatic approval action, find it among the ASCENDANTS of the endpoint's context, and
        # must add a dataset -> approval association before datasets() (its ascendants) finds any. The
        # developer guide says only "an association between the model package artifact and the creation
        # action" (lineage-tracking-auto-creation.html#lineage-tracking-auto-creation-model-package); the
        # association type is documented nowhere: ContributedTo, as the other actions' artifact edges.
        store.associate(approval.arn, package_artifact.arn, "ContributedTo")
    now = utcnow()
    _record_step(
        backend,
        package.tags,
        f"{group_name}-{package.model_package_version}",
        {"RegisterModel": {"Arn": package.arn}},
        start=now,
        end=now,
    )


def _after_model_package_update(backend: Any, package_arn: str) -> None:
    package = backend.model_packages.get(package_arn)
    if package is None or not package.model_package_group_name:
        return
    store = store_for(backend)
    with store.lock:
        approval = store.find("action", _approval_action_name(package))
        if approval is not None:
            approval.status = _APPROVAL_TO_ACTION_STATUS.get(package.model_approval_status or "", "Unknown")
            _set_properties(approval, {"ModelApprovalStatus": package.model_approval_status or "Unknown"})


# -- endpoints ---------------------------------------------------------------------------------------
def _endpoint_context(store: LineageStore, endpoint: Any) -> LineageEntity:
    return _get_or_create_named(
        store, "context", _lineage_name(endpoint.endpoint_name, "-aws-endpoint"), "Endpoint", endpoint.arn
    )


def _after_endpoint(backend: Any, endpoint: Any) -> None:
    store = store_for(backend)
    with store.lock:
        context = _endpoint_context(store, endpoint)
        properties = {}
        execution_arn = _tag(endpoint.tags, PIPELINE_EXECUTION_TAG)
        if execution_arn:
            properties["PipelineExecutionArn"] = execution_arn
            step = _tag(endpoint.tags, PIPELINE_STEP_TAG)
            if step:
                properties["PipelineStepName"] = step
        _set_properties(context, properties)
        _record_deployment(backend, store, endpoint, context, _lineage_name(endpoint.endpoint_name, "-aws-endpoint"))


def after_endpoint_update(backend: Any, endpoint: Any) -> LineageEntity:
    """The lineage of an UpdateEndpoint: a new ModelDeployment action for the endpoint's new config, associated
    with the endpoint's context beside the earlier ones (see the module's docstring). Returns the action."""
    store = store_for(backend)
    with store.lock:
        context = _endpoint_context(store, endpoint)
        earlier = sum(
            1
            for assoc in store.all_associations()
            if assoc.destination_arn == context.arn and store.entity_type_of(assoc.source_arn) == "ModelDeployment"
        )
        stamp = calendar.timegm(utcnow().utctimetuple())  # moto's utcnow is naive UTC
        name = _lineage_name(f"{endpoint.endpoint_name}-{stamp}-{earlier + 1}", "-aws-endpoint")
        return _record_deployment(backend, store, endpoint, context, name)


def _record_deployment(
    backend: Any, store: LineageStore, endpoint: Any, context: LineageEntity, name: str
) -> LineageEntity:
    """The ModelDeployment action ``name`` of the endpoint's current config and its edges (under the lock)."""
    config = backend.endpoint_configs.get(endpoint.endpoint_config_name)
    variants = (config.production_variants if config is not None else None) or endpoint.production_variants or []
    deployment = _get_or_create_named(store, "action", name, "ModelDeployment", endpoint.arn, status="Completed")
    store.associate(deployment.arn, context.arn, "AssociatedWith")
    for variant in variants:
        for model_data, image, package in _containers(backend, variant.get("ModelName", "")):
            if model_data:
                store.associate(store.artifact_for_uri(model_data, "Model").arn, deployment.arn, "ContributedTo")
            if image:
                store.associate(store.artifact_for_uri(image, "Image").arn, deployment.arn, "ContributedTo")
            if package is not None:
                package_artifact = store.artifact_for_uri(package.arn, "Model")
                store.associate(package_artifact.arn, deployment.arn, "ContributedTo")
                approval = store.find("action", _approval_action_name(package))
                if approval is not None:
                    store.associate(approval.arn, deployment.arn, "AssociatedWith")
    return deployment


# -- pipelines ---------------------------------------------------------------------------------------
def _after_start_pipeline_execution(backend: Any, result: dict[str, str]) -> None:
    execution_arn = result.get("PipelineExecutionArn")
    if execution_arn:
        store = store_for(backend)
        with store.lock:
            store.pipeline_steps.setdefault(execution_arn, [])


def _describe_pipeline_execution_with_experiment(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        response = original(self, *args, **kwargs)
        execution_arn = response.get("PipelineExecutionArn")
        execution = _find_execution(self, execution_arn) if execution_arn else None
        config = getattr(execution, "pipeline_experiment_config", None)
        if config:
            response["PipelineExperimentConfig"] = dict(config)
        return response

    wrapper._lineage_hook = True  # type: ignore[attr-defined]
    return wrapper


def _processing_resources_handler(original: Callable[..., Any]) -> Callable[..., Any]:
    """moto's CreateProcessingJob handler drops ``ProcessingResources``: keep it, and the TC parameters."""

    @functools.wraps(original)
    def handler(self: Any) -> Any:
        result = original(self)
        resources = self._get_param("ProcessingResources")
        backend = self.sagemaker_backend
        job = backend.processing_jobs.get(self._get_param("ProcessingJobName"))
        if job is not None and resources:
            job.processing_resources = resources
            tc = backend.trial_components.get(f"{job.processing_job_name}-aws-processing-job")
            if tc is not None:
                tc.parameters.update(_resource_parameters(resources.get("ClusterConfig")))
        return result

    handler._lineage_hook = True  # type: ignore[attr-defined]
    return handler


# -- installation --------------------------------------------------------------------------------
def _after(original: Callable[..., Any], record: Callable[[Any, Any], None]) -> Callable[..., Any]:
    """Wrap a backend method: run moto's original, then record lineage from its result."""

    @functools.wraps(original)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = original(self, *args, **kwargs)
        record(self, result)
        return result

    wrapper._lineage_hook = True  # type: ignore[attr-defined]
    return wrapper


_HOOKS: dict[str, Callable[[Any, Any], None]] = {
    "create_training_job": _after_training_job,
    "create_processing_job": _after_processing_job,
    "create_transform_job": _after_transform_job,
    "create_model_package": _after_model_package,
    "update_model_package": _after_model_package_update,
    "create_endpoint": _after_endpoint,
    "start_pipeline_execution": _after_start_pipeline_execution,
}


def _patch(cls: Any, name: str, wrap: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
    original = getattr(cls, name)
    if not getattr(original, "_lineage_hook", False):
        setattr(cls, name, wrap(original))


def install() -> None:
    """Hook moto's job, model package and endpoint creation. Idempotent."""
    global _installed
    if _installed:
        return
    from moto.sagemaker.models import SageMakerModelBackend
    from moto.sagemaker.responses import SageMakerResponse

    for name, record in _HOOKS.items():
        _patch(SageMakerModelBackend, name, functools.partial(_after, record=record))
    _patch(SageMakerModelBackend, "describe_pipeline_execution", _describe_pipeline_execution_with_experiment)
    _patch(SageMakerResponse, "create_processing_job", _processing_resources_handler)
    _installed = True
