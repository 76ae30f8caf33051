"""The graph model, declared once: the node kind type every source declares its kinds with (labels, key,
looks, documentation), SageMaker's kinds, and the relationship types.

Loading (``load.py``), the sweep's placeholders and the files derived from the declarations
(``derived.py``: the Browser stylesheet, the README's model table, the key constraints of the schema file)
all read them, so a label or relationship type exists only if it is listed here. Cypher
never takes a label or type from data: rows name a kind, and the kind maps to labels from this fixed
vocabulary. How a source reads its kinds is declared on the source's side (``lineage_graph.sagemaker.kinds``).
"""

from __future__ import annotations

from dataclasses import dataclass

# Every SageMaker entity we store carries this label, unique on ``arn``, so an association can MERGE
# both ends by ARN without knowing their kind.
ENTITY_LABEL = "LineageEntity"
# Sync bookkeeping, kept apart from lineage (no arn, no LineageEntity label).
SYNC_STATE_LABEL = "SyncState"
# An association end that no list API returned (another account's entity, a deleted one).
PLACEHOLDER_LABEL = "Placeholder"


@dataclass(frozen=True)
class Style:
    """How a label is drawn: Neo4j Browser's stylesheet (``cypher/style.grass``) and the pictures of
    ``present.graph_formats`` both read it, so the Browser and a ``--format html`` page agree."""

    colour: str | None = None
    border: str | None = None
    diameter: int | None = None
    text: str | None = None  # the caption's colour inside the node
    caption: str | None = None  # a Browser caption template, such as "{name}"


@dataclass(frozen=True)
class TypeLabel:
    """A well-known ``type`` value (ArtifactType, ContextType, ...) that also becomes a label."""

    name: str
    style: Style = Style()


@dataclass(frozen=True)
class Indexed:
    """Properties with an index of their own (one each; one over them all, in order, when ``composite``: an
    equality on the first and a prefix on the second seek it), and why a query needs it."""

    properties: tuple[str, ...]
    why: str
    composite: bool = False


@dataclass(frozen=True)
class Source:
    """A system the graph's lineage comes from. Its label is on every node it writes; with ``shared_key``
    its kinds share one key space, unique on the source label (a SageMaker ARN names one entity whatever
    its kind, so an association MERGEs both ends by ARN without knowing their kinds)."""

    name: str
    label: str
    shared_key: bool = False
    style: Style = Style()
    indexed: tuple[Indexed, ...] = ()  # on the source's label: properties every kind's nodes are found by


@dataclass(frozen=True)
class NodeKind:
    """One kind of node, as the graph holds it whichever source writes it: labels, key, how it is drawn
    and documented. How a source reads it (SageMaker's listings, OpenLineage's events) is declared on the
    source's side, next to this (``lineage_graph.sagemaker.kinds``)."""

    label: str
    source: Source
    key: tuple[str, ...]  # the properties that identify a node: a uniqueness constraint
    noun: str  # what the README's model table calls it
    properties: str  # the README's model table: what a node of this kind holds
    style: Style
    types: tuple[TypeLabel, ...] = ()
    indexed: tuple[Indexed, ...] = ()
    # The properties whose words the explorer's search finds (``derived.node_schema`` puts every kind that
    # names some into one full-text index): names and URIs people remember a part of.
    searched: tuple[str, ...] = ()
    # The property a placeholder of this kind keeps as its ``type``: the type an association names its ends
    # by (a trial component's ``source_type``: ListAssociations says SageMakerTrainingJob, not TrainingJob).
    placeholder_type: str = "type"

    @property
    def type_labels(self) -> frozenset[str]:
        return frozenset(t.name for t in self.types)

    @property
    def unique(self) -> tuple[str, tuple[str, ...]]:
        """The label and key properties of this kind's uniqueness constraint."""
        return (self.source.label if self.source.shared_key else self.label), self.key


SAGEMAKER = Source(
    "SageMaker",
    ENTITY_LABEL,
    shared_key=True,
    style=Style(caption="{name}"),
    indexed=(
        Indexed(("name", "type"), "Lookups by name or type span every kind."),
        Indexed(("account",), "Syncs and clean-ups are scoped to one account."),
    ),
)

TRIAL_COMPONENT = NodeKind(
    "TrialComponent",
    SAGEMAKER,
    ("arn",),
    "trial component",
    "arn, name, display_name, status, source_arn, source_type, type, start_time, end_time, created_at, "
    "modified_at, `param.*`, `metric.*.*`, `input.*`, `output.*`, `input_media_type.*`, `output_media_type.*`, "
    "`created_by.*`, `last_modified_by.*` (SageMaker's UserContext: `UserProfileName`, `UserProfileArn`, "
    "`DomainId`, `IamIdentity.Arn`, ...), `tag.*` (all from the `Search` records the sync reads)",
    Style("#4e79a7", "#355a80", diameter=55),
    (TypeLabel("TrainingJob"), TypeLabel("ProcessingJob"), TypeLabel("TransformJob")),
    indexed=(
        Indexed(("arn", "name"), "Lookups start from a trial component's name or ARN."),
        Indexed(
            ("source_arn",), "Pipeline steps name the job they ran; the job's trial component carries it as source_arn."
        ),
        Indexed(
            ("modified_at",), "`openlineage export` pages through trial components in the order they last changed."
        ),
    ),
    searched=("name",),
    placeholder_type="source_type",
)
ARTIFACT = NodeKind(
    "Artifact",
    SAGEMAKER,
    ("arn",),
    "artifact",
    "arn, name, type, source_uri, `property.*`, `created_by.*`, `last_modified_by.*` (read by `DescribeArtifact` "
    "in the sync's properties pass: `ListArtifacts` does not return them), `model_package.*` (a model package "
    "version's: approval_status, approval_description, created_at, modified_at, `created_by.*`, "
    "`last_modified_by.*`, read by `DescribeModelPackage` when source_uri is its ARN)",
    Style("#59a14f", "#3e7536"),
    (
        TypeLabel("DataSet", Style(diameter=65, caption="{source_uri}")),
        TypeLabel("Model", Style("#3e7536", "#2a5024", diameter=60)),
        TypeLabel("Image"),
        TypeLabel("ModelData"),
    ),
    (
        Indexed(
            ("source_uri",), "Datasets and model packages are found by URI (RegisterModel steps name the package ARN)."
        ),
        Indexed(
            ("location_namespace", "location_name"),
            "The join (graph.join): an artifact's S3 location as OpenLineage names it, sought exactly and by "
            "prefix (a dataset finds the artifacts under it).",
            composite=True,
        ),
    ),
    searched=("name", "source_uri"),
)
# The type SageMaker gives an endpoint's context (its ContextType), named here once: the join, the audit and
# the API's filter enum all read it.
ENDPOINT_TYPE = "Endpoint"
CONTEXT = NodeKind(
    "Context",
    SAGEMAKER,
    ("arn",),
    "context",
    "arn, name, type, source_uri, source_type, description, `property.*`",
    Style("#f28e2b", "#b8620f"),
    (TypeLabel(ENDPOINT_TYPE, Style(diameter=65)), TypeLabel("ModelGroup")),
    (Indexed(("source_uri",), "Endpoints and model groups are found by URI."),),
    searched=("name", "source_uri"),
)
ACTION = NodeKind(
    "Action",
    SAGEMAKER,
    ("arn",),
    "action",
    "arn, name, type, status, source_uri, `property.*`, `created_by.*`, `last_modified_by.*` (read by "
    "`DescribeAction`), `model_package.*` (as for artifacts: an `Approval` action's source_uri is its package)",
    Style("#e15759", "#a8373a"),
    (TypeLabel("ModelDeployment"), TypeLabel("Approval")),
    (Indexed(("source_uri",), "An approval action's source URI is its model package's ARN."),),
    searched=("name", "source_uri"),
)
EXPERIMENT = NodeKind(
    "Experiment",
    SAGEMAKER,
    ("arn",),
    "experiment",
    "arn, name, display_name",
    Style("#76b7b2", "#4f8a85", 65),
    searched=("name",),
)
TRIAL = NodeKind(
    "Trial",
    SAGEMAKER,
    ("arn",),
    "trial",
    "arn, name, display_name, experiment_name",
    Style("#edc948", "#b8951a", text="#000000"),
    searched=("name",),
)
PIPELINE = NodeKind(
    "Pipeline", SAGEMAKER, ("arn",), "pipeline", "arn, name", Style("#b07aa1", "#825474", 65), searched=("name",)
)
PIPELINE_EXECUTION = NodeKind(
    "PipelineExecution",
    SAGEMAKER,
    ("arn",),
    "pipeline execution",
    "arn, name, pipeline_name, status, start_time",
    Style("#ff9da7", "#d0606d", text="#000000"),
    indexed=(
        Indexed(
            ("start_time", "arn"),
            "`openlineage export` pages through pipeline executions in the order they started.",
            composite=True,
        ),
    ),
    searched=("name", "pipeline_name"),
)

# The kinds this package loads and sweeps (SageMaker's). Every source's, for what spans sources (the
# stylesheet, the README's model table, the key constraints, the pictures' colours): lineage_graph.kinds.
NODE_KINDS: dict[str, NodeKind] = {
    k.label: k for k in (TRIAL_COMPONENT, ARTIFACT, CONTEXT, ACTION, EXPERIMENT, TRIAL, PIPELINE, PIPELINE_EXECUTION)
}
# How a placeholder is drawn (an association end no listing returned), and a node of no declared kind.
PLACEHOLDER_STYLE = Style("#ffffff", "#8c8480", diameter=40, text="#555555")
OTHER_COLOUR = "#bab0ac"
OTHER_STYLE = Style(OTHER_COLOUR, "#8c8480", diameter=50, text="#ffffff")

# SageMaker association types map one to one to relationship types.
ASSOCIATION_TYPES: dict[str, str] = {
    "ContributedTo": "CONTRIBUTED_TO",
    "AssociatedWith": "ASSOCIATED_WITH",
    "DerivedFrom": "DERIVED_FROM",
    "Produced": "PRODUCED",
    "SameAs": "SAME_AS",
}
# An association without a type (the API allows it) still lands, with its own relationship type.
UNTYPED_ASSOCIATION = "ASSOCIATED"
LINEAGE_RELATIONSHIPS: tuple[str, ...] = (*ASSOCIATION_TYPES.values(), UNTYPED_ASSOCIATION)

# Structure beside lineage (not SageMaker associations), as (type, from label, to label).
IN_TRIAL = ("IN_TRIAL", TRIAL_COMPONENT.label, TRIAL.label)
IN_EXPERIMENT = ("IN_EXPERIMENT", TRIAL.label, EXPERIMENT.label)
HAS_EXECUTION = ("HAS_EXECUTION", PIPELINE.label, PIPELINE_EXECUTION.label)
# A pipeline execution's step ran this job (its trial component) or registered this model package.
EXECUTED = ("EXECUTED", PIPELINE_EXECUTION.label, ENTITY_LABEL)
STRUCTURE_RELATIONSHIPS = (IN_TRIAL, IN_EXPERIMENT, HAS_EXECUTION, EXECUTED)
# How relationships are drawn in Neo4j Browser; a type not named here takes the stylesheet's default.
RELATIONSHIP_STYLES: dict[str, Style] = {
    EXECUTED[0]: Style("#b07aa1", caption="{step_name}"),
    IN_TRIAL[0]: Style("#d9d4c7"),
    IN_EXPERIMENT[0]: Style("#d9d4c7"),
    ASSOCIATION_TYPES["SameAs"]: Style("#e15759"),
}

# QueryLineage calls a training-job trial component "TrainingJob"; its Source says "SageMakerTrainingJob".
TRIAL_COMPONENT_TYPES: dict[str, str] = {
    "SageMakerTrainingJob": "TrainingJob",
    "SageMakerProcessingJob": "ProcessingJob",
    "SageMakerTransformJob": "TransformJob",
}


def labels_for(kind: NodeKind, entity_type: str | None) -> tuple[str, ...]:
    """All labels of a node: the entity label, its kind, and its type where the type is well known."""
    labels = [kind.source.label, kind.label]
    if entity_type in kind.type_labels:
        labels.append(entity_type)
    return tuple(labels)


# Sync bookkeeping beside SyncState, also without arn or LineageEntity label: one lease per shard (who may
# sync it right now) and one node per sync run (its outcome and report), the last runs of each shard kept.
SYNC_LEASE_LABEL = "SyncLease"
SYNC_RUN_LABEL = "SyncRun"
# A shard whose last full run did not clean up (refused over the delete bound, or skipped after a partial
# crawl): since when and why, until a full run cleans up. Every run's report repeats it.
PENDING_CLEANUP_LABEL = "PendingCleanup"
# Beside the sync bookkeeping, also without arn or LineageEntity label: how far `lineage-graph openlineage
# export` has sent SageMaker's lineage to each receiver (the export's watermark, one node per target).
OPENLINEAGE_EXPORT_LABEL = "OpenLineageExport"

# The join (graph.join, docs/openlineage.md): the same object seen by both sources, stored in both
# directions, with a `rule`. graph/ imports no source, so the OpenLineage labels the join meets are named
# here too; tests/unit/test_join_labels.py checks they are openlineage.kinds' own.
SAME_OBJECT = "SAME_OBJECT"
OPENLINEAGE_LABEL = "OpenLineage"
OPENLINEAGE_JOB = "OpenLineageJob"
OPENLINEAGE_DATASET = "OpenLineageDataset"
# An OpenLineage node keeps each facet's version beside it (``facet_version.<facet>``, the newest wins); the
# join reads a dataset's ``symlinks`` version, and keeps the uris that version names (``symlink_uris``).
FACET_VERSION_PREFIX = "facet_version."
SYMLINK_URIS = "symlink_uris"
