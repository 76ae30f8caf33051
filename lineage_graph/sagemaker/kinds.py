"""SageMaker's kinds as the crawl reads them, each declared once: the listing and the Describe calls, the
field that drives the incremental window, the ARN resource type, the transform to graph rows, and the
order the sync loads them in. The graph side of each kind (labels, key, colours, documentation) is its
``NodeKind`` in ``lineage_graph.graph.model``.

Everything that needs these facts reads them here: the crawler's generic listing, the sync's order and
watermarks, the properties pass, ``doctor``'s checks and IAM policy, the placeholders of association ends.
Knows nothing of boto3 or Neo4j.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lineage_graph.graph import model
from lineage_graph.graph.model import NodeKind
from lineage_graph.graph.rows import EdgeRow
from lineage_graph.sagemaker import transform
from lineage_graph.sagemaker.transform import Record

# A name no SageMaker resource has: a Describe or a per-resource listing of it answers "not found" once
# allowed, which is how ``doctor`` probes a permission without reading anything.
PROBE_NAME = "lineage-graph-doctor-probe-nonexistent"
Params = Callable[[str, str], dict[str, Any]]  # (region, account) -> request parameters


def _page(_region: str, _account: str) -> dict[str, Any]:
    return {"MaxResults": 1}


def _probe_arn(region: str, account: str, resource: str) -> str:
    return f"arn:aws:sagemaker:{region}:{account}:{resource}"


_PROBE_EXECUTION = f"pipeline/{PROBE_NAME}/execution/{PROBE_NAME}"


@dataclass(frozen=True)
class Operation:
    """One SageMaker API call the sync makes, why (doctor says it when denied), and the cheapest request
    that proves it is allowed (one item of a listing, or a name that does not exist)."""

    name: str
    purpose: str
    probe: Params = _page


@dataclass(frozen=True)
class Listing:
    """How a kind is listed: the operation and the member of its response that holds the records. A
    ``search`` listing goes through ``Search`` with (Resource, the member each result holds its record under)."""

    operation: Operation
    result_key: str
    search: tuple[str, str] | None = None


@dataclass(frozen=True)
class Describe:
    """A Describe of one listed record: the operation and its parameter naming the entity (the listing's
    summary has a field of the same name)."""

    operation: Operation
    param: str


@dataclass(frozen=True)
class SageMakerKind:
    """One kind as the crawl reads it. ``name`` keys its watermark and its counts in the report."""

    name: str
    node: NodeKind | None  # None: associations, which are edges
    listing: Listing
    # Records -> rows: a NodeRow for a node kind (pipeline executions also take their pipeline's name), an
    # edge with its ends as placeholders for associations.
    transform: Callable[..., Any]
    # The record field the incremental window is on: listings are filtered on it (Search) or on creation
    # (CreatedAfter), sorted on it, and a committed page's newest value moves the kind's watermark. None:
    # listed whole on every run, with no watermark.
    time_field: str | None = None
    # The resource type of the kind's ARNs (arn:aws:sagemaker:region:account:<type>/...), for an association
    # end no listing returned. None: pipelines and executions share "pipeline" and are no association ends.
    arn_resource: str | None = None
    describe: Describe | None = None  # every listed record is described (its summary lacks what is stored)
    properties: Describe | None = None  # read in the properties pass (``lineage_graph.sync_properties``)
    edges: Callable[[Record], list[EdgeRow]] | None = None  # structure relationships a record names
    more: tuple[Operation, ...] = ()  # other calls the sync makes for this kind
    # Listings whose denial holds this kind's watermark: what its rows link to (a trial's experiment).
    needs: tuple[Operation, ...] = ()

    def __post_init__(self) -> None:
        if self.listing.search is not None and self.time_field is None:
            raise ValueError(f"{self.name}: a Search listing sorts on a time field, and none is declared")

    @property
    def operations(self) -> tuple[Operation, ...]:
        """Every call the sync makes for this kind."""
        calls = (self.listing.operation, self.describe, self.properties, *self.more)
        return tuple(c.operation if isinstance(c, Describe) else c for c in calls if c is not None)

    @property
    def watermark_operations(self) -> tuple[str, ...]:
        """Operations whose denial means the kind was not read, so its watermark must not move."""
        calls = (self.listing.operation, self.describe.operation if self.describe else None, *self.needs)
        return tuple(c.name for c in calls if c is not None)


SEARCH = Operation(
    "Search",
    "list trial components and trials (with what changed since the last sync)",
    lambda r, a: {"Resource": "ExperimentTrialComponent", "MaxResults": 1},
)
LIST_EXPERIMENTS = Operation("ListExperiments", "list experiments", _page)
LIST_PIPELINES = Operation("ListPipelines", "list pipelines", _page)
LIST_EXECUTIONS = Operation(
    "ListPipelineExecutions", "list a pipeline's executions", lambda r, a: {"PipelineName": PROBE_NAME, "MaxResults": 1}
)

EXPERIMENT = SageMakerKind(
    model.EXPERIMENT.label,
    model.EXPERIMENT,
    Listing(LIST_EXPERIMENTS, "ExperimentSummaries"),
    transform.experiment,
    arn_resource="experiment",
)
# Through Search: one listing for the account, each record naming its experiment (a ListTrials summary
# does not, so it would take a listing per experiment).
TRIAL = SageMakerKind(
    model.TRIAL.label,
    model.TRIAL,
    Listing(SEARCH, "Results", ("ExperimentTrial", "Trial")),
    transform.trial,
    "CreationTime",
    "experiment-trial",
    edges=transform.trial_experiment,
    needs=(LIST_EXPERIMENTS,),  # a trial whose experiment was not listed misses its IN_EXPERIMENT edge
)
# Full records (parameters, metrics, artifacts, tags, parents) through Search, 100 a call, where
# ListTrialComponents would need a Describe per trial component.
TRIAL_COMPONENT = SageMakerKind(
    model.TRIAL_COMPONENT.label,
    model.TRIAL_COMPONENT,
    Listing(SEARCH, "Results", ("ExperimentTrialComponent", "TrialComponent")),
    transform.trial_component,
    "LastModifiedTime",
    "experiment-trial-component",
    edges=transform.trial_memberships,
)
# An artifact or action whose source URI is a model package version's ARN (the package's own artifact, its
# approval action) also gets the package's approval, its description and who last changed it: SageMaker
# keeps those on the model package (DescribeModelPackage's ModelApprovalStatus, ApprovalDescription,
# CreatedBy, LastModifiedBy), not in the lineage. Takes a name or an ARN.
DESCRIBE_MODEL_PACKAGE = Operation(
    "DescribeModelPackage",
    "read a model package version's approval and who approved it",
    lambda r, a: {"ModelPackageName": PROBE_NAME},
)
ARTIFACT = SageMakerKind(
    model.ARTIFACT.label,
    model.ARTIFACT,
    Listing(Operation("ListArtifacts", "list artifacts"), "ArtifactSummaries"),
    transform.artifact,
    "CreationTime",
    "artifact",
    # By ARN: artifact names are not unique.
    properties=Describe(
        Operation(
            "DescribeArtifact",
            "read an artifact's properties",
            lambda r, a: {"ArtifactArn": _probe_arn(r, a, f"artifact/{PROBE_NAME}")},
        ),
        "ArtifactArn",
    ),
    more=(DESCRIBE_MODEL_PACKAGE,),
)
# Described, because a model group's pipeline execution lives in its Properties.
CONTEXT = SageMakerKind(
    model.CONTEXT.label,
    model.CONTEXT,
    Listing(Operation("ListContexts", "list contexts"), "ContextSummaries"),
    transform.context,
    "CreationTime",
    "context",
    describe=Describe(
        Operation("DescribeContext", "read a context's properties", lambda r, a: {"ContextName": PROBE_NAME}),
        "ContextName",
    ),
)
ACTION = SageMakerKind(
    model.ACTION.label,
    model.ACTION,
    Listing(Operation("ListActions", "list actions"), "ActionSummaries"),
    transform.action,
    "CreationTime",
    "action",
    properties=Describe(
        Operation("DescribeAction", "read an action's properties", lambda r, a: {"ActionName": PROBE_NAME}),
        "ActionName",
    ),
    more=(DESCRIBE_MODEL_PACKAGE,),
)
PIPELINE = SageMakerKind(
    model.PIPELINE.label, model.PIPELINE, Listing(LIST_PIPELINES, "PipelineSummaries"), transform.pipeline
)
DESCRIBE_EXECUTION = Operation(
    "DescribePipelineExecution",
    "refresh the status of executions still running",
    lambda r, a: {"PipelineExecutionArn": _probe_arn(r, a, _PROBE_EXECUTION)},
)
LIST_STEPS = Operation(
    "ListPipelineExecutionSteps",
    "list an execution's steps",
    lambda r, a: {"PipelineExecutionArn": _probe_arn(r, a, _PROBE_EXECUTION), "MaxResults": 1},
)
# Listed per pipeline, created since the watermark (and only for pipelines that ran since), unsorted: the
# watermark moves once every pipeline's executions are in. Executions still running are described again.
PIPELINE_EXECUTION = SageMakerKind(
    model.PIPELINE_EXECUTION.label,
    model.PIPELINE_EXECUTION,
    Listing(LIST_EXECUTIONS, "PipelineExecutionSummaries"),
    transform.pipeline_execution,
    "StartTime",
    more=(DESCRIBE_EXECUTION, LIST_STEPS),
    needs=(LIST_PIPELINES,),
)
# Every edge of the account (or those created since the watermark) in one scan, not a call per entity.
ASSOCIATION = SageMakerKind(
    "Association",
    None,
    Listing(Operation("ListAssociations", "list every association (the edges)"), "AssociationSummaries"),
    transform.association,
    "CreationTime",
)

# The order the sync loads kinds in. Experiments, then trials: trial components link to their trials as they
# land. Pipelines, their executions and steps go in a thread of their own once the trial components and
# artifacts their steps run are in; contexts, actions and associations load beside them (association ends
# find the nodes already written; an end no listing returned becomes a placeholder).
BEFORE_PIPELINES: tuple[SageMakerKind, ...] = (EXPERIMENT, TRIAL, TRIAL_COMPONENT, ARTIFACT)
PIPELINES: tuple[SageMakerKind, ...] = (PIPELINE, PIPELINE_EXECUTION)
BESIDE_PIPELINES: tuple[SageMakerKind, ...] = (CONTEXT, ACTION, ASSOCIATION)
KINDS: tuple[SageMakerKind, ...] = (*BEFORE_PIPELINES, *PIPELINES, *BESIDE_PIPELINES)
BY_NAME: dict[str, SageMakerKind] = {k.name: k for k in KINDS}
# ARN resource type -> kind, for placeholders and for validating association ends.
KIND_BY_ARN_RESOURCE: dict[str, NodeKind] = {k.arn_resource: k.node for k in KINDS if k.arn_resource and k.node}


def operations() -> tuple[Operation, ...]:
    """Every SageMaker call the sync makes, once each, in load order."""
    return tuple({op.name: op for kind in KINDS for op in kind.operations}.values())
