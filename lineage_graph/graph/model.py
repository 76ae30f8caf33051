"""The graph model, declared once: labels, keys and relationship types.

Loading (``load.py``), the schema file check and the README's model section all read these
declarations, so a label or relationship type exists only if it is listed here. Cypher never takes a
label or type from data: rows name a kind, and the kind maps to labels from this fixed vocabulary.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Every SageMaker entity we store carries this label, unique on ``arn``, so an association can MERGE
# both ends by ARN without knowing their kind.
ENTITY_LABEL = "LineageEntity"
# Sync bookkeeping, kept apart from lineage (no arn, no LineageEntity label).
SYNC_STATE_LABEL = "SyncState"
# An association end that no list API returned (another account's entity, a deleted one).
PLACEHOLDER_LABEL = "Placeholder"


@dataclass(frozen=True)
class NodeKind:
    """One kind of SageMaker entity and the labels it gets."""

    label: str
    # ``type`` values (ArtifactType, ContextType, ...) that also become a label, for readable Cypher.
    type_labels: frozenset[str] = field(default_factory=frozenset)
    # Whether SageMaker's association/QueryLineage APIs accept this kind as an edge end.
    lineage: bool = True


TRIAL_COMPONENT = NodeKind("TrialComponent", frozenset({"TrainingJob", "ProcessingJob", "TransformJob"}))
ARTIFACT = NodeKind("Artifact", frozenset({"DataSet", "Model", "Image", "ModelData"}))
CONTEXT = NodeKind("Context", frozenset({"Endpoint", "ModelGroup"}))
ACTION = NodeKind("Action", frozenset({"ModelDeployment", "Approval"}))
EXPERIMENT = NodeKind("Experiment")
TRIAL = NodeKind("Trial", lineage=False)
PIPELINE = NodeKind("Pipeline", lineage=False)
PIPELINE_EXECUTION = NodeKind("PipelineExecution", lineage=False)

NODE_KINDS: dict[str, NodeKind] = {
    k.label: k for k in (TRIAL_COMPONENT, ARTIFACT, CONTEXT, ACTION, EXPERIMENT, TRIAL, PIPELINE, PIPELINE_EXECUTION)
}

# ARN resource prefix -> kind, for placeholders and for validating association ends.
KIND_BY_ARN_RESOURCE: dict[str, NodeKind] = {
    "experiment-trial-component": TRIAL_COMPONENT,
    "artifact": ARTIFACT,
    "context": CONTEXT,
    "action": ACTION,
    "experiment": EXPERIMENT,
    "experiment-trial": TRIAL,
}

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

# QueryLineage calls a training-job trial component "TrainingJob"; its Source says "SageMakerTrainingJob".
TRIAL_COMPONENT_TYPES: dict[str, str] = {
    "SageMakerTrainingJob": "TrainingJob",
    "SageMakerProcessingJob": "ProcessingJob",
    "SageMakerTransformJob": "TransformJob",
}


def labels_for(kind: NodeKind, entity_type: str | None) -> tuple[str, ...]:
    """All labels of a node: the entity label, its kind, and its type where the type is well known."""
    labels = [ENTITY_LABEL, kind.label]
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
