"""``sagemaker.core.lineage.artifact`` from the graph: Artifact, ModelArtifact, DatasetArtifact, ImageArtifact."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from lineage_graph.api._base import (
    AssociationSummary,
    LineageEntity,
    common,
    lineage_objects,
    prefixed,
    time,
    user_context,
)
from lineage_graph.api.graph import LineageGraph
from lineage_graph.api.query import LineageQueryDirectionEnum, direction_of
from lineage_graph.query import Direction

if TYPE_CHECKING:
    from lineage_graph.api.context import Context, EndpointContext

_ASCENDANTS = LineageQueryDirectionEnum.ASCENDANTS
_DESCENDANTS = LineageQueryDirectionEnum.DESCENDANTS


@dataclass(frozen=True)
class ArtifactSource:
    """``source_types`` is always None: ListArtifacts' summaries, which the sync reads, have none."""

    source_uri: str | None
    source_types: list[dict[str, str]] | None = None


@dataclass(eq=False)
class Artifact(LineageEntity):
    """An artifact as the SDK's ``Artifact.load()`` gives it. ``properties`` are its DescribeArtifact
    Properties, read by the sync's properties pass (empty until that pass has read them)."""

    artifact_arn: str = ""
    artifact_name: str | None = None
    artifact_type: str | None = None
    source: ArtifactSource | None = None
    properties: dict[str, Any] = field(default_factory=dict)
    creation_time: datetime | None = None
    last_modified_time: datetime | None = None
    # Who created and last changed it (a UserContext dict, as for trial components), from its Describe.
    created_by: dict[str, Any] | None = None
    last_modified_by: dict[str, Any] | None = None

    _lineage_type = "Artifact"
    _entity_types: ClassVar[tuple[str | None, ...]] = (None,)

    @property
    def arn(self) -> str:
        return self.artifact_arn

    @classmethod
    def _from_node(cls, graph: LineageGraph, node: dict[str, Any]) -> Artifact:
        return cls(
            graph,
            artifact_arn=node["arn"],
            artifact_name=node.get("name"),
            artifact_type=node.get("type"),
            source=ArtifactSource(node.get("source_uri")),
            properties=prefixed(node, "property"),
            creation_time=time(node, "created_at"),
            last_modified_time=time(node, "modified_at"),
            created_by=user_context(node, "created_by"),
            last_modified_by=user_context(node, "last_modified_by"),
            **common(node),
        )

    @classmethod
    def load(cls, artifact_arn: str, graph: LineageGraph | None = None) -> Artifact:
        """The artifact with this ARN (also accepted: its name or source URI when only one has it), built as
        ModelArtifact, DatasetArtifact or ImageArtifact by its type."""
        return cls._load(graph, artifact_arn)

    def downstream_trials(self, graph: LineageGraph | None = None) -> list[str]:
        """Names of the trials of the trial components this artifact feeds directly (one association away,
        as the SDK's ListAssociations does). ``graph`` stands for the SDK's unused session argument."""
        del graph
        return self._trial_names(self._lineage(Direction.DESCENDANTS, ("TrialComponent",), max_depth=1))

    def downstream_trials_v2(self) -> list[str]:
        """Names of the trials of every trial component downstream, at any depth. The SDK's batching of
        its Search is broken (``len % 60`` batches, a wrong slice end), so it can miss trials; this cannot."""
        return self._trial_names(self._lineage(Direction.DESCENDANTS, ("TrialComponent",)))

    def upstream_trials(self) -> list[str]:
        """Names of the trials of every trial component upstream, at any depth."""
        return self._trial_names(self._lineage(Direction.ASCENDANTS, ("TrialComponent",)))

    def _trial_names(self, trial_components: list[Any]) -> list[str]:
        rows = self.graph.queries.run("trial_component_trials", arns=[tc.arn for tc in trial_components])
        return [str(row["trial_name"]) for row in rows]


@dataclass(eq=False)
class ModelArtifact(Artifact):
    _entity_types = ("Model",)

    def endpoints(self) -> list[AssociationSummary]:
        """The associations from this model's deployment actions to their endpoint contexts
        (``destination_arn`` is the endpoint context). The SDK filters ListAssociations on
        ``DestinationType="Action"`` and ``"Context"``, which are kinds, not types, so it finds nothing;
        these are the associations it meant, for deployments downstream at any depth."""
        actions = {a.arn: a for a in self._lineage(Direction.DESCENDANTS, ("Action",), ("ModelDeployment",))}
        contexts = {c.arn: c for c in self._lineage(Direction.DESCENDANTS, ("Context",), ("Endpoint",))}
        return [
            AssociationSummary(
                source_arn=edge.source_arn,
                destination_arn=edge.destination_arn,
                association_type=edge.association_type,
                source_name=actions[edge.source_arn].name,
                destination_name=contexts[edge.destination_arn].name,
                source_type="ModelDeployment",
                destination_type="Endpoint",
            )
            for edge in self.graph.queries.edges([*actions, *contexts])
            if edge.source_arn in actions and edge.destination_arn in contexts
        ]

    def endpoint_contexts(self, direction: LineageQueryDirectionEnum = _DESCENDANTS) -> list[EndpointContext]:
        return self._objects(direction_of(direction), ("Context",), ("Endpoint",))

    def dataset_artifacts(self, direction: LineageQueryDirectionEnum = _ASCENDANTS) -> list[Artifact]:
        return self._objects(direction_of(direction), ("Artifact",), ("DataSet",))

    def training_job_arns(self, direction: LineageQueryDirectionEnum = _ASCENDANTS) -> list[str]:
        """ARNs of the training jobs behind the model (each trial component's ``Source.SourceArn``)."""
        return training_job_arns(self, direction)

    def pipeline_execution_arn(self, direction: LineageQueryDirectionEnum = _ASCENDANTS) -> str | None:
        """The pipeline execution whose step ran the nearest upstream training job. The SDK reads that
        job's ``sagemaker:pipeline-execution-arn`` tag (a call per job); the graph has the pipeline's own
        step records. ``direction`` is accepted for the SDK's signature; only ascendants make sense."""
        del direction
        return self.graph.queries.upstream_pipeline_execution(self.arn).pipeline_execution_arn


@dataclass(eq=False)
class DatasetArtifact(Artifact):
    _entity_types = ("DataSet",)

    def trained_models(self) -> list[ModelArtifact]:
        """The Model artifacts downstream of the dataset. The SDK returns associations from the trial
        components to contexts (``DestinationType="Context"``), which are not models and on SageMaker's
        lineage do not exist; these are the models it meant."""
        return self._objects(Direction.DESCENDANTS, ("Artifact",), ("Model",))

    def endpoint_contexts(self, direction: LineageQueryDirectionEnum = _DESCENDANTS) -> list[Context]:
        return self._objects(direction_of(direction), ("Context",), ("Endpoint",))

    def upstream_datasets(self) -> list[Artifact]:
        """DataSet artifacts upstream; never the dataset itself (QueryLineage returns it as a match)."""
        return self._objects(Direction.ASCENDANTS, ("Artifact",), ("DataSet",))

    def downstream_datasets(self) -> list[Artifact]:
        """DataSet artifacts downstream; never the dataset itself."""
        return self._objects(Direction.DESCENDANTS, ("Artifact",), ("DataSet",))


@dataclass(eq=False)
class ImageArtifact(Artifact):
    _entity_types = ("Image",)

    def datasets(self, direction: LineageQueryDirectionEnum) -> list[Artifact]:
        return self._objects(direction_of(direction), ("Artifact",), ("DataSet",))


def training_job_arns(entity: LineageEntity, direction: LineageQueryDirectionEnum) -> list[str]:
    """The training-job ARNs behind a model or an endpoint: their trial components' source ARNs."""
    jobs = lineage_objects(
        entity.graph, [v.arn for v in entity._lineage(direction_of(direction), ("TrialComponent",), ("TrainingJob",))]
    )
    return [job.source["SourceArn"] for job in jobs if job.source]
