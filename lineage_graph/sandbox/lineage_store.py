"""The sandbox's lineage state: artifacts, contexts, actions and associations, per account and region.

moto keeps one ``SageMakerModelBackend`` per (account, region); the lineage store hangs off it, so
moto's reset drops it with everything else. HTTP handlers (``api.py``) and SageMaker's own automatic
lineage (``auto_lineage.py``) both go through this class, never around it.
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from moto.core.utils import utcnow

EntityKind = Literal["artifact", "context", "action"]
ASSOCIATION_TYPES = ("ContributedTo", "AssociatedWith", "DerivedFrom", "Produced", "SameAs")


@dataclass
class LineageEntity:
    """An artifact, context or action as DescribeArtifact/Context/Action would show it."""

    kind: EntityKind
    arn: str
    name: str | None
    entity_type: str | None  # ArtifactType / ContextType / ActionType
    source: dict[str, Any] | None  # Artifact: {SourceUri, SourceTypes}; others: {SourceUri, SourceType, SourceId}
    properties: dict[str, str] = field(default_factory=dict)
    description: str | None = None
    status: str | None = None  # actions only
    metadata_properties: dict[str, str] | None = None
    creation_time: datetime = field(default_factory=utcnow)
    last_modified_time: datetime = field(default_factory=utcnow)
    created_by: dict[str, Any] = field(default_factory=dict)

    @property
    def source_uri(self) -> str | None:
        return (self.source or {}).get("SourceUri")


@dataclass
class Association:
    source_arn: str
    destination_arn: str
    association_type: str | None
    creation_time: datetime = field(default_factory=utcnow)
    created_by: dict[str, Any] = field(default_factory=dict)
    # What the ends were when the edge was made: ListAssociations still names and types an end that has
    # since been deleted (deletes do not cascade), so these are the fallback for a vanished end.
    source_type: str | None = None
    destination_type: str | None = None
    source_name: str | None = None
    destination_name: str | None = None


LINEAGE_GROUP_NAME = "sagemaker-default-lineage-group"


def _arn_kind_and_name(arn: str) -> tuple[str, str]:
    """``("experiment-trial-component", "name")`` from a SageMaker ARN (``("", "")`` if not one)."""
    parts = arn.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn" or "/" not in parts[5]:
        return "", ""
    kind, _, name = parts[5].partition("/")
    return kind, name


class LineageStore:
    """In-memory lineage for one account and region. Thread-safe: the sandbox serves threads."""

    def __init__(self, account_id: str, region_name: str) -> None:
        self.account_id = account_id
        self.region_name = region_name
        self.entities: dict[str, LineageEntity] = {}  # by ARN, all three kinds
        self.associations: dict[tuple[str, str], Association] = {}
        self.tags: dict[str, list[dict[str, str]]] = {}  # tags on lineage ARNs (moto can't hold them)
        # ListPipelineExecutionSteps items (botocore's PipelineExecutionStep shape) by execution ARN,
        # oldest first; written by auto_lineage when a job tagged with an execution ARN is created.
        self.pipeline_steps: dict[str, list[dict[str, Any]]] = {}
        self.lock = threading.RLock()
        # The moto ``SageMakerModelBackend`` this store belongs to (set by ``store_for``): trial
        # components and experiments, which can be association ends too, live there.
        self.backend: Any = None

    # -- ARNs ---------------------------------------------------------------------------------
    def arn(self, kind: str, resource_id: str) -> str:
        return f"arn:aws:sagemaker:{self.region_name}:{self.account_id}:{kind}/{resource_id}"

    def artifact_arn_for_uri(self, source_uri: str, artifact_type: str | None) -> str:
        """SageMaker names auto-created artifacts by a hash, so the same URI gives the same ARN."""
        digest = hashlib.md5(f"{source_uri}|{artifact_type}".encode(), usedforsecurity=False).hexdigest()
        return self.arn("artifact", digest)

    # -- entities ------------------------------------------------------------------------------
    def put(self, entity: LineageEntity) -> LineageEntity:
        with self.lock:
            self.entities[entity.arn] = entity
            return entity

    def get(self, arn: str) -> LineageEntity | None:
        return self.entities.get(arn)

    def find(self, kind: EntityKind, name_or_arn: str) -> LineageEntity | None:
        """Contexts and actions are addressed by name or ARN, artifacts by ARN."""
        found = self.entities.get(name_or_arn)
        if found is not None and found.kind == kind:
            return found
        return self.entities.get(self.arn(kind, name_or_arn)) if kind != "artifact" else None

    def of_kind(self, kind: EntityKind) -> list[LineageEntity]:
        with self.lock:
            return [e for e in self.entities.values() if e.kind == kind]

    def create_artifact(
        self,
        source_uri: str,
        artifact_type: str,
        *,
        name: str | None = None,
        properties: dict[str, str] | None = None,
        source_types: list[dict[str, str]] | None = None,
        arn: str | None = None,
    ) -> LineageEntity:
        """Create an artifact; ``arn`` may be given to reuse SageMaker's hash naming."""
        source: dict[str, Any] = {"SourceUri": source_uri}
        if source_types:
            source["SourceTypes"] = source_types
        return self.put(
            LineageEntity(
                kind="artifact",
                arn=arn or self.arn("artifact", uuid.uuid4().hex),
                name=name,
                entity_type=artifact_type,
                source=source,
                properties=dict(properties or {}),
            )
        )

    def artifact_for_uri(self, source_uri: str, artifact_type: str, **kwargs: Any) -> LineageEntity:
        """What SageMaker does for job inputs and outputs: one artifact per (URI, type), reused."""
        with self.lock:
            arn = self.artifact_arn_for_uri(source_uri, artifact_type)
            return self.entities.get(arn) or self.create_artifact(source_uri, artifact_type, arn=arn, **kwargs)

    def create_named(
        self,
        kind: Literal["context", "action"],
        name: str,
        entity_type: str,
        source_uri: str,
        *,
        source_type: str | None = None,
        properties: dict[str, str] | None = None,
        description: str | None = None,
        status: str | None = None,
    ) -> LineageEntity:
        """Create a context or an action (both are named, unlike artifacts)."""
        source: dict[str, Any] = {"SourceUri": source_uri}
        if source_type:
            source["SourceType"] = source_type
        return self.put(
            LineageEntity(
                kind=kind,
                arn=self.arn(kind, name),
                name=name,
                entity_type=entity_type,
                source=source,
                properties=dict(properties or {}),
                description=description,
                status=status,
            )
        )

    def delete(self, arn: str) -> None:
        with self.lock:
            self.entities.pop(arn, None)
            self.tags.pop(arn, None)

    # -- associations -----------------------------------------------------------------------
    def associate(self, source_arn: str, destination_arn: str, association_type: str | None) -> Association:
        """Add an edge; re-adding an existing (source, destination) keeps its creation time."""
        with self.lock:
            existing = self.associations.get((source_arn, destination_arn))
            if existing is not None:
                existing.association_type = association_type
                return existing
            assoc = Association(
                source_arn,
                destination_arn,
                association_type,
                source_type=self.entity_type_of(source_arn),
                destination_type=self.entity_type_of(destination_arn),
                source_name=self.name_of(source_arn),
                destination_name=self.name_of(destination_arn),
            )
            self.associations[(source_arn, destination_arn)] = assoc
            return assoc

    def disassociate(self, source_arn: str, destination_arn: str) -> bool:
        with self.lock:
            return self.associations.pop((source_arn, destination_arn), None) is not None

    def all_associations(self) -> list[Association]:
        with self.lock:
            return list(self.associations.values())

    # -- any association end: lineage entities here, trial components and experiments in moto ----------
    @property
    def lineage_group_arn(self) -> str:
        return self.arn("lineage-group", LINEAGE_GROUP_NAME)

    def trial_component_for_arn(self, arn: str) -> Any | None:
        """moto's ``FakeTrialComponent`` for a trial-component ARN (or None)."""
        kind, name = _arn_kind_and_name(arn)
        if kind != "experiment-trial-component" or self.backend is None:
            return None
        tc = self.backend.trial_components.get(name)
        return tc if tc is not None and tc.arn == arn else None

    def experiment_for_arn(self, arn: str) -> Any | None:
        kind, name = _arn_kind_and_name(arn)
        if kind != "experiment" or self.backend is None:
            return None
        experiment = self.backend.experiments.get(name)
        return experiment if experiment is not None and experiment.arn == arn else None

    def exists(self, arn: str) -> bool:
        """Whether ``arn`` names something an association may start or end at, and it exists."""
        return (
            arn in self.entities
            or self.trial_component_for_arn(arn) is not None
            or self.experiment_for_arn(arn) is not None
        )

    def entity_type_of(self, arn: str) -> str | None:
        """The association vocabulary: ArtifactType/ContextType/ActionType, a TC's ``Source.SourceType``."""
        entity = self.entities.get(arn)
        if entity is not None:
            return entity.entity_type
        tc = self.trial_component_for_arn(arn)
        if tc is not None:
            return (getattr(tc, "source", None) or {}).get("SourceType")
        return None

    def name_of(self, arn: str) -> str | None:
        entity = self.entities.get(arn)
        if entity is not None:
            return entity.name
        tc = self.trial_component_for_arn(arn)
        if tc is not None:
            return str(tc.trial_component_name)
        experiment = self.experiment_for_arn(arn)
        return str(experiment.experiment_name) if experiment is not None else None

    def lineage_type_of(self, arn: str) -> str | None:
        """QueryLineage's ``LineageType``: Artifact, Context, Action or TrialComponent (None otherwise)."""
        entity = self.entities.get(arn)
        if entity is not None:
            return entity.kind.capitalize()
        return "TrialComponent" if self.trial_component_for_arn(arn) is not None else None

    def vertex_type_of(self, arn: str) -> str | None:
        """QueryLineage's ``Type``: the entity type, or for a job's TC ``TrainingJob``/``ProcessingJob``/..."""
        source_type = self.entity_type_of(arn)
        if source_type and arn not in self.entities and source_type.startswith("SageMaker"):
            return source_type.removeprefix("SageMaker")
        return source_type


_STORES_LOCK = threading.Lock()


def store_for(backend: Any) -> LineageStore:
    """The lineage store of a moto ``SageMakerModelBackend`` (created on first use)."""
    store = getattr(backend, "_lineage_store", None)
    if store is None:
        with _STORES_LOCK:
            store = getattr(backend, "_lineage_store", None)
            if store is None:
                store = LineageStore(backend.account_id, backend.region_name)
                store.backend = backend
                backend._lineage_store = store
    return store
