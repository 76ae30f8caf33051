"""SageMaker records -> graph rows: which fields become which properties, and under which labels.

Neo4j properties cannot hold maps, so maps are flattened into prefixed keys that stay queryable:
``param.<name>`` (a trial component parameter: number or string), ``metric.<name>.<stat>`` (stat one
of min, max, avg, last, count, std_dev), ``input.<name>`` / ``output.<name>`` (artifact values, usually
S3 URIs, with ``input_media_type.<name>`` / ``output_media_type.<name>``), ``created_by.<member>`` /
``last_modified_by.<member>`` (a UserContext: ``UserProfileName``, ``IamIdentity.Arn``, ...), ``tag.<key>``
(a trial component's tags, which its Search record carries) and ``property.<key>`` (artifact, context and
action properties, with their Describe's ``created_by.<member>`` / ``last_modified_by.<member>``) and
``model_package.<field>`` (the model package version an artifact's or action's source URI names: see
``model_package``). In Cypher write them with
backticks: ``tc.`param.learning_rate```.
"""

from __future__ import annotations

from typing import Any

from lineage_graph.arn import Arn, MalformedArnError
from lineage_graph.graph import model, rows
from lineage_graph.graph.model import NodeKind
from lineage_graph.graph.rows import Association, EdgeRow, NodeRow, StepRow, clean

Record = dict[str, Any]
_METRIC_STATS = {"Min": "min", "Max": "max", "Avg": "avg", "Last": "last", "Count": "count", "StdDev": "std_dev"}


def _node(kind: NodeKind, arn: str, entity_type: str | None, props: dict[str, Any]) -> NodeRow:
    parsed = Arn.parse(arn)
    base = {
        "arn": arn,
        "lineage_type": kind.label,
        "type": entity_type,
        "account": parsed.account,
        "region": parsed.region,
        "placeholder": False,
    }
    return NodeRow(model.labels_for(kind, entity_type), clean(base | props))


def _prefixed(prefix: str, mapping: dict[str, Any] | None) -> dict[str, Any]:
    return {f"{prefix}.{key}": value for key, value in (mapping or {}).items()}


def trial_component(rec: Record) -> NodeRow:
    source = rec.get("Source") or rec.get("TrialComponentSource") or {}
    source_type = source.get("SourceType")
    params = {
        f"param.{name}": value.get("NumberValue", value.get("StringValue"))
        for name, value in (rec.get("Parameters") or {}).items()
    }
    metrics = {
        f"metric.{metric['MetricName']}.{stat}": metric[field]
        for metric in rec.get("Metrics") or []
        if metric.get("MetricName")
        for field, stat in _METRIC_STATS.items()
        if metric.get(field) is not None
    }
    artifacts = {
        f"{prefix}{suffix}.{name}": value.get(member)
        for prefix, key in (("input", "InputArtifacts"), ("output", "OutputArtifacts"))
        for name, value in (rec.get(key) or {}).items()
        for suffix, member in (("", "Value"), ("_media_type", "MediaType"))
    }
    status = rec.get("Status") or {}
    return _node(
        model.TRIAL_COMPONENT,
        rec["TrialComponentArn"],
        model.TRIAL_COMPONENT_TYPES.get(source_type or "", source_type),
        {
            "name": rec.get("TrialComponentName"),
            "display_name": rec.get("DisplayName"),
            "status": status.get("PrimaryStatus"),
            "status_message": status.get("Message"),
            "source_arn": source.get("SourceArn"),
            "source_type": source_type,
            "start_time": rec.get("StartTime"),
            "end_time": rec.get("EndTime"),
            "created_at": rec.get("CreationTime"),
            "modified_at": rec.get("LastModifiedTime"),
            **params,
            **metrics,
            **artifacts,
            **_user_context("created_by", rec.get("CreatedBy")),
            **_user_context("last_modified_by", rec.get("LastModifiedBy")),
            **{f"tag.{t['Key']}": t.get("Value", "") for t in rec.get("Tags") or [] if t.get("Key")},
        },
    )


def _user_context(prefix: str, user: dict[str, Any] | None) -> dict[str, Any]:
    """A UserContext (``UserProfileArn``, ``UserProfileName``, ``DomainId``, ``IamIdentity: {Arn, PrincipalId,
    SourceIdentity}``) as ``<prefix>.<member>`` and ``<prefix>.IamIdentity.<member>`` properties."""
    flat: dict[str, Any] = {}
    for member, value in (user or {}).items():
        if isinstance(value, dict):
            flat |= {f"{prefix}.{member}.{inner}": v for inner, v in value.items()}
        else:
            flat[f"{prefix}.{member}"] = value
    return flat


def _lineage_record(kind: NodeKind, rec: Record, **extra: Any) -> NodeRow:
    """Artifacts, contexts and actions share one record shape: ``<Kind>Arn``, ``<Kind>Name``, ``<Kind>Type``."""
    source = rec.get("Source") or {}
    return _node(
        kind,
        rec[f"{kind.label}Arn"],
        rec.get(f"{kind.label}Type"),
        {
            "name": rec.get(f"{kind.label}Name"),
            "source_uri": source.get("SourceUri"),
            "source_type": source.get("SourceType"),
            "created_at": rec.get("CreationTime"),
            "modified_at": rec.get("LastModifiedTime"),
            **extra,
            **_prefixed("property", rec.get("Properties")),
        },
    )


def artifact(rec: Record) -> NodeRow:
    return _lineage_record(model.ARTIFACT, rec)


def context(rec: Record) -> NodeRow:
    return _lineage_record(model.CONTEXT, rec, description=rec.get("Description"))


def action(rec: Record) -> NodeRow:
    return _lineage_record(model.ACTION, rec, status=rec.get("Status"))


def described(rec: Record) -> dict[str, Any]:
    """What the properties pass keeps of an artifact's or action's Describe (its listing has none of it): its
    Properties as ``property.<key>`` (verbatim) and who created and last changed it, flattened as for trial
    components."""
    flat = {
        **_prefixed("property", rec.get("Properties")),
        **_user_context("created_by", rec.get("CreatedBy")),
        **_user_context("last_modified_by", rec.get("LastModifiedBy")),
    }
    return {key: value for key, value in flat.items() if value is not None}


MODEL_PACKAGE_PREFIX = "model_package."


def model_package(rec: Record) -> dict[str, Any]:
    """A DescribeModelPackage record as ``model_package.<field>`` properties of the node whose source URI
    names the package: its ARN, approval status and description, when it was created and last changed, and
    by whom (``model_package.created_by.<member>``, ``model_package.last_modified_by.<member>``). The
    approval is a change of the package, so unless something changed it since, its LastModifiedBy (or its
    CreatedBy, for a version registered already approved) is who approved it."""
    fields = {
        "arn": rec.get("ModelPackageArn"),
        "approval_status": rec.get("ModelApprovalStatus"),
        "approval_description": rec.get("ApprovalDescription"),
        "created_at": rec.get("CreationTime"),
        "modified_at": rec.get("LastModifiedTime"),
    }
    flat = {
        **{MODEL_PACKAGE_PREFIX + key: value for key, value in fields.items()},
        **_user_context(MODEL_PACKAGE_PREFIX + "created_by", rec.get("CreatedBy")),
        **_user_context(MODEL_PACKAGE_PREFIX + "last_modified_by", rec.get("LastModifiedBy")),
    }
    return {key: value for key, value in flat.items() if value is not None}


def is_model_package(uri: str | None) -> bool:
    """Whether a source URI is a model package's ARN (``arn:aws:sagemaker:...:model-package/<group>/<n>``)."""
    try:
        return uri is not None and Arn.parse(uri).resource_type == "model-package"
    except MalformedArnError:
        return False


def experiment(rec: Record) -> NodeRow:
    return _node(
        model.EXPERIMENT,
        rec["ExperimentArn"],
        None,
        {
            "name": rec.get("ExperimentName"),
            "display_name": rec.get("DisplayName"),
            "created_at": rec.get("CreationTime"),
            "modified_at": rec.get("LastModifiedTime"),
        },
    )


def trial(rec: Record) -> NodeRow:
    """A Search record of a trial (it names the trial's experiment; a ListTrials summary does not)."""
    return _node(
        model.TRIAL,
        rec["TrialArn"],
        None,
        {
            "name": rec.get("TrialName"),
            "display_name": rec.get("DisplayName"),
            "experiment_name": rec["ExperimentName"],
            "created_at": rec.get("CreationTime"),
            "modified_at": rec.get("LastModifiedTime"),
        },
    )


def pipeline(rec: Record) -> NodeRow:
    return _node(
        model.PIPELINE,
        rec["PipelineArn"],
        None,
        {
            "name": rec.get("PipelineName"),
            "display_name": rec.get("PipelineDisplayName"),
            "description": rec.get("PipelineDescription"),
            "created_at": rec.get("CreationTime"),
            "modified_at": rec.get("LastModifiedTime"),
            "last_execution_time": rec.get("LastExecutionTime"),
        },
    )


def pipeline_execution(rec: Record, pipeline_name: str) -> NodeRow:
    arn = rec["PipelineExecutionArn"]
    return _node(
        model.PIPELINE_EXECUTION,
        arn,
        None,
        {
            "name": rec.get("PipelineExecutionDisplayName") or arn.rsplit("/", 1)[-1],
            "pipeline_name": pipeline_name,
            "status": rec.get("PipelineExecutionStatus"),
            "failure_reason": rec.get("PipelineExecutionFailureReason"),
            "start_time": rec.get("StartTime"),
        },
    )


def association(rec: Record) -> Association:
    """The edge, plus a placeholder for each end, written only where no node has that ARN."""
    rel_type = model.ASSOCIATION_TYPES.get(rec.get("AssociationType") or "", model.UNTYPED_ASSOCIATION)
    created_by = rec.get("CreatedBy") or {}
    edge = EdgeRow(
        rel_type,
        rec["SourceArn"],
        rec["DestinationArn"],
        clean(
            {
                "created_at": rec.get("CreationTime"),
                "created_by": created_by.get("UserProfileName") or (created_by.get("IamIdentity") or {}).get("Arn"),
            }
        ),
    )
    ends = [
        placeholder(rec["SourceArn"], rec.get("SourceType"), rec.get("SourceName")),
        placeholder(rec["DestinationArn"], rec.get("DestinationType"), rec.get("DestinationName")),
    ]
    return edge, ends


def placeholder(arn: str, entity_type: str | None, name: str | None) -> NodeRow:
    """A node for an association end no list API returned; keeps the type ListAssociations gave."""
    from lineage_graph.sagemaker.kinds import KIND_BY_ARN_RESOURCE  # the kinds declare this module's functions

    kind = KIND_BY_ARN_RESOURCE.get(Arn.parse(arn).resource_type)
    if kind is None:
        raise MalformedArnError(f"association end is not a lineage entity: {arn!r}")
    return rows.placeholder(kind, arn, entity_type, name)


def trial_experiment(rec: Record) -> list[EdgeRow]:
    """The IN_EXPERIMENT edge of a trial's Search record, to the experiment its name says."""
    prefix = rec["TrialArn"].split(":experiment-trial/", 1)[0]
    return [EdgeRow(model.IN_EXPERIMENT[0], rec["TrialArn"], f"{prefix}:experiment/{rec['ExperimentName']}", {})]


def trial_memberships(rec: Record) -> list[EdgeRow]:
    """IN_TRIAL edges from a Search record's Parents (a trial component may sit in several trials)."""
    prefix = rec["TrialComponentArn"].split(":experiment-trial-component/", 1)[0]
    return [
        EdgeRow(model.IN_TRIAL[0], rec["TrialComponentArn"], f"{prefix}:experiment-trial/{parent['TrialName']}", {})
        for parent in rec.get("Parents") or []
        if parent.get("TrialName")
    ]


_JOB_METADATA = ("TrainingJob", "ProcessingJob", "TransformJob")


def execution_step(rec: Record, execution_arn: str) -> StepRow | None:
    metadata = rec.get("Metadata") or {}
    props = clean(
        {
            "step_name": rec.get("StepName"),
            "step_status": rec.get("StepStatus"),
            "start_time": rec.get("StartTime"),
            "end_time": rec.get("EndTime"),
            "cache_hit": "CacheHitResult" in rec,
        }
    )
    for key in _JOB_METADATA:
        if (metadata.get(key) or {}).get("Arn"):
            return StepRow(execution_arn, metadata[key]["Arn"], True, props)
    if (metadata.get("RegisterModel") or {}).get("Arn"):
        return StepRow(execution_arn, metadata["RegisterModel"]["Arn"], False, props)
    return None
