"""The audit view: an endpoint's (or a model package group's) deployments through time, and what was live at T.

SageMaker records a ModelDeployment action per deployment and keeps the earlier ones (docs/audit.md), so
``cypher/audit.cypher`` lists them all and the one live at T on an endpoint is the latest created at or
before T. For that one the answer adds what an auditor asks next: the model package version and its
approval, the training job with its hyperparameters and metrics, the data back to the raw inputs (the
provenance walk from the deployment action, which crosses the OpenLineage join) and the pipeline
execution that ran the training job.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from lineage_graph.errors import NotFoundError
from lineage_graph.query.explore import ANY_ENTITY, DEPLOYMENT_TYPES, UpstreamPipelineExecution
from lineage_graph.query.provenance import Provenance, ProvenanceNode, ProvenanceQueries, significant

ENDPOINT_TYPE = "Endpoint"
MODEL_GROUP_TYPE = "ModelGroup"
_PACKAGE_MARK = ":model-package/"  # a model package artifact's source URI is the package's ARN


def native(value: Any) -> Any:
    """A Neo4j temporal value as Python's (UTC when it has no zone); anything else as it is."""
    to_native = getattr(value, "to_native", None)
    value = to_native() if to_native is not None else value
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


@dataclass(frozen=True)
class ModelPackageVersion:
    """A model package version a deployment served: its ARN (the artifact's source URI), group and version."""

    arn: str
    artifact_arn: str
    group: str | None
    version: int | None

    @classmethod
    def from_arn(cls, arn: str, artifact_arn: str) -> ModelPackageVersion:
        group, _, version = arn.split(_PACKAGE_MARK, 1)[1].partition("/")
        return cls(arn, artifact_arn, group or None, int(version) if version.isdigit() else None)


@dataclass(frozen=True)
class Approval:
    """The package version's approval action. ``approval_status`` is its ModelApprovalStatus where the action
    records it; ``approved_at`` is when the action last changed (its status moves with the approval);
    ``approved_by`` is None: SageMaker keeps the approver in DescribeModelPackage's LastModifiedBy, which
    the sync does not read (docs/audit.md)."""

    arn: str
    name: str | None
    status: str | None
    approval_status: str | None
    model_package_arn: str | None
    created_at: datetime | None
    approved_at: datetime | None
    approved_by: str | None = None


@dataclass(frozen=True)
class Deployment:
    """One deployment: the action SageMaker recorded for CreateEndpoint or UpdateEndpoint."""

    arn: str
    name: str | None
    type: str | None
    status: str | None
    deployed_at: datetime | None
    deployed_by: str | None  # the CreatedBy of its association to the endpoint, where SageMaker records one
    endpoint_arn: str | None
    endpoint_context_arn: str | None
    model_packages: list[ModelPackageVersion]
    models: list[str]  # model data (S3 URIs) deployed
    images: list[str]
    approvals: list[Approval]


@dataclass(frozen=True)
class TrainingJob:
    arn: str
    name: str | None
    job_arn: str | None
    status: str | None
    parameters: dict[str, Any]
    metrics: dict[str, dict[str, Any]]


@dataclass(frozen=True)
class Live:
    """The deployment live at the audit's time on one endpoint, and what it came from."""

    deployment: Deployment
    training_jobs: list[TrainingJob]
    data: list[ProvenanceNode]  # datasets upstream, SageMaker's and OpenLineage's, nearest first
    pipeline_execution: UpstreamPipelineExecution
    provenance: Provenance = field(repr=False)


@dataclass(frozen=True)
class Audit:
    subject_arn: str  # the Endpoint or ModelGroup context
    subject_type: str  # Endpoint or ModelGroup
    subject_name: str | None
    subject_source_uri: str | None  # the endpoint's or the group's ARN
    at: datetime  # the time asked about (now when none was given)
    deployments: list[Deployment]  # oldest first
    live: list[Live]  # one per endpoint with a deployment at or before ``at``; none: nothing was deployed


def live_at(deployments: list[Deployment], at: datetime) -> list[Deployment]:
    """The latest deployment at or before ``at`` on each endpoint (deployments oldest first)."""
    latest: dict[str | None, Deployment] = {}
    for deployment in deployments:
        if deployment.deployed_at is not None and deployment.deployed_at <= at:
            latest[deployment.endpoint_context_arn or deployment.endpoint_arn] = deployment
    return sorted(latest.values(), key=lambda d: (d.endpoint_arn or "", d.arn))


def _deployment(row: dict[str, Any]) -> Deployment:
    inputs = sorted(row["inputs"], key=lambda a: (a["source_uri"] or "", a["arn"]))
    return Deployment(
        arn=row["arn"],
        name=row["name"],
        type=row["type"],
        status=row["status"],
        deployed_at=native(row["deployed_at"]),
        deployed_by=row["deployed_by"],
        endpoint_arn=row["endpoint_arn"],
        endpoint_context_arn=row["endpoint_context_arn"],
        model_packages=[
            ModelPackageVersion.from_arn(a["source_uri"], a["arn"])
            for a in inputs
            if a["source_uri"] and _PACKAGE_MARK in a["source_uri"]
        ],
        models=[
            a["source_uri"]
            for a in inputs
            if a["type"] == "Model" and a["source_uri"] and _PACKAGE_MARK not in a["source_uri"]
        ],
        images=[a["source_uri"] for a in inputs if a["type"] == "Image" and a["source_uri"]],
        approvals=[
            Approval(
                arn=a["arn"],
                name=a["name"],
                status=a["status"],
                approval_status=a["approval_status"],
                model_package_arn=a["package_arn"],
                created_at=native(a["created_at"]),
                approved_at=native(a["modified_at"]),
            )
            for a in sorted(row["approvals"], key=lambda a: a["arn"])
        ],
    )


class AuditQueries(ProvenanceQueries):
    """ProvenanceQueries plus the audit through time."""

    def resolve_subject(self, name_or_arn: str) -> str:
        """The Endpoint context an endpoint's name or ARN (or its context's) names, else the ModelGroup context
        a model package group's name or ARN (or its context's) names; NotFoundError otherwise."""
        try:
            return self.resolve(name_or_arn, lineage_type="Context", entity_type=ENDPOINT_TYPE, resource="endpoint")
        except NotFoundError as not_endpoint:
            try:
                return self.resolve(
                    name_or_arn, lineage_type="Context", entity_type=MODEL_GROUP_TYPE, resource="model-package-group"
                )
            except NotFoundError:
                raise NotFoundError(
                    f"{not_endpoint}; nor is {name_or_arn!r} a model package group: the audit takes an endpoint "
                    "or a model package group (a name, an ARN or its context's)"
                ) from None

    def audit(self, name_or_arn: str, at: datetime | None = None) -> Audit:
        """Every deployment of the endpoint or model package group, and for each endpoint the one live at
        ``at`` (now when None) with its package version, approval, training jobs, data and pipeline execution."""
        when = at if at is not None else datetime.now(UTC)
        subject_arn = self.resolve_subject(name_or_arn)
        row = self.run("audit", subject_arn=subject_arn, deployment_types=list(DEPLOYMENT_TYPES))[0]
        deployments = [_deployment(d) for d in row["deployments"]]
        return Audit(
            subject_arn=subject_arn,
            subject_type=row["subject_type"],
            subject_name=row["subject_name"],
            subject_source_uri=row["subject_source_uri"],
            at=when,
            deployments=deployments,
            live=[self.live(d) for d in live_at(deployments, when)],
        )

    def live(self, deployment: Deployment) -> Live:
        """What a deployment came from: the provenance walk from its action (package, approval, model,
        training job, data, across the OpenLineage join) and the pipeline execution of its training job."""
        found = self.provenance(deployment.arn)
        jobs = [
            TrainingJob(
                n.arn or n.uri,
                n.name,
                n.job_arn,
                n.status,
                {name: significant(v) for name, v in n.parameters.items()},
                {name: {stat: significant(v) for stat, v in stats.items()} for name, stats in n.metrics.items()},
            )
            for n in sorted(found.nodes, key=lambda n: (n.depth, n.uri))
            if n.type == "TrainingJob"
        ]
        data = sorted(
            (n for n in found.nodes if n.type in ("DataSet", "Dataset")),
            key=lambda n: (n.depth, n.source_uri or n.uri),
        )
        execution = self.upstream_pipeline_execution(deployment.arn, ANY_ENTITY)
        return Live(deployment, jobs, data, execution, found)
