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
from lineage_graph.graph.model import ENDPOINT_TYPE
from lineage_graph.query.explore import ANY_ENTITY, DEPLOYMENT_TYPES, UpstreamPipelineExecution
from lineage_graph.query.provenance import Provenance, ProvenanceNode, ProvenanceQueries, significant

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


_PACKAGE_KEY = "model_package."  # the properties pass's keys from DescribeModelPackage (sagemaker.transform)
NOT_RECORDED = "not recorded by SageMaker"
NOT_READ = "not read: the sync has not described this model package (its properties pass)"


def _package_fields(pairs: list[list[Any]] | None) -> dict[str, Any]:
    """The ``model_package.*`` [key, value] pairs the audit query returns, as a map without the prefix."""
    return {key.removeprefix(_PACKAGE_KEY): value for key, value in pairs or []}


def _who(package: dict[str, Any], role: str) -> str | None:
    """A UserContext as one name: the Studio user profile's, else the IAM identity's ARN."""
    return package.get(f"{role}.UserProfileName") or package.get(f"{role}.IamIdentity.Arn")


@dataclass(frozen=True)
class Approval:
    """The package version's approval action, with what SageMaker keeps on the model package itself
    (DescribeModelPackage, read by the sync's properties pass onto the approval action and the package's
    artifact). ``approval_status`` is the package's ModelApprovalStatus (else the one the action records);
    ``approved_by`` who last changed the package, else who created it (a version registered approved): the
    Studio user profile's name, else the IAM identity's ARN; ``approved_at`` when (else when the action last
    changed); ``approved_by_note`` says why ``approved_by`` is None: SageMaker recorded nobody, or the sync
    has not read the package."""

    arn: str
    name: str | None
    status: str | None
    approval_status: str | None
    model_package_arn: str | None
    created_at: datetime | None
    approved_at: datetime | None
    approved_by: str | None
    approved_by_note: str | None
    description: str | None

    @classmethod
    def from_row(cls, row: dict[str, Any], package: dict[str, Any]) -> Approval:
        """From the audit query's approval map and the package's fields (the action's, else the artifact's)."""
        approved_by = _who(package, "last_modified_by") or _who(package, "created_by")
        return cls(
            arn=row["arn"],
            name=row["name"],
            status=row["status"],
            approval_status=package.get("approval_status") or row["approval_status"],
            model_package_arn=row["package_arn"],
            created_at=native(row["created_at"]),
            approved_at=native(package.get("modified_at") or package.get("created_at") or row["modified_at"]),
            approved_by=approved_by,
            approved_by_note=None if approved_by else NOT_RECORDED if package else NOT_READ,
            description=package.get("approval_description"),
        )


@dataclass(frozen=True)
class Deployment:
    """One deployment: the action SageMaker recorded for CreateEndpoint or UpdateEndpoint."""

    arn: str
    name: str | None
    type: str | None
    status: str | None
    deployed_at: datetime | None
    # The CreatedBy of its association to the endpoint, else of the action (DescribeAction), where SageMaker
    # records one: the Studio user profile's name, else the IAM identity's ARN.
    deployed_by: str | None
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
    # The package artifact's copy of the package, for an approval action the properties pass has not read.
    packages = {a["source_uri"]: _package_fields(a["package"]) for a in inputs if a["package"]}
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
            Approval.from_row(a, _package_fields(a["package"]) or packages.get(a["package_arn"], {}))
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
