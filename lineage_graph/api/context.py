"""``sagemaker.core.lineage.context`` from the graph: Context, EndpointContext, ModelPackageGroup."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from lineage_graph.api._base import LineageEntity, common, prefixed, time
from lineage_graph.api.artifact import training_job_arns
from lineage_graph.api.graph import LineageGraph
from lineage_graph.api.query import LineageQueryDirectionEnum, direction_of
from lineage_graph.query import Direction

if TYPE_CHECKING:
    from lineage_graph.api.action import Action
    from lineage_graph.api.artifact import Artifact
    from lineage_graph.api.lineage_trial_component import LineageTrialComponent

_ASCENDANTS = LineageQueryDirectionEnum.ASCENDANTS


@dataclass(frozen=True)
class ContextSource:
    source_uri: str | None
    source_type: str | None = None


@dataclass(eq=False)
class Context(LineageEntity):
    """A context as the SDK's ``Context.load()`` gives it; ``properties`` are SageMaker's."""

    context_arn: str = ""
    context_name: str | None = None
    context_type: str | None = None
    description: str | None = None
    source: ContextSource | None = None
    properties: dict[str, Any] = field(default_factory=dict)
    creation_time: datetime | None = None
    last_modified_time: datetime | None = None

    _lineage_type = "Context"
    _entity_types: ClassVar[tuple[str | None, ...]] = (None,)

    @property
    def arn(self) -> str:
        return self.context_arn

    @classmethod
    def _from_node(cls, graph: LineageGraph, node: dict[str, Any]) -> Context:
        return cls(
            graph,
            context_arn=node["arn"],
            context_name=node.get("name"),
            context_type=node.get("type"),
            description=node.get("description"),
            source=ContextSource(node.get("source_uri"), node.get("source_type")),
            properties=prefixed(node, "property"),
            creation_time=time(node, "created_at"),
            last_modified_time=time(node, "modified_at"),
            **common(node),
        )

    @classmethod
    def load(cls, context_name: str, graph: LineageGraph | None = None) -> Context:
        """The context with this name (or ARN), built as EndpointContext or ModelPackageGroup by its type."""
        return cls._load(graph, context_name)

    def actions(self, direction: LineageQueryDirectionEnum) -> list[Action]:
        return self._objects(direction_of(direction), ("Action",))


@dataclass(eq=False)
class EndpointContext(Context):
    _entity_types = ("Endpoint",)

    def models(self) -> list[Artifact]:
        """The Model artifacts behind the endpoint (model package and model data), as ``models_v2()``.
        The SDK walks context → ModelDeployment → Model (ListAssociations from the context), but SageMaker's
        lineage points Model → ModelDeployment → Endpoint, so it returns no association; these are the
        models it meant, found upstream as the SageMaker developer guide's own queries do."""
        return self.models_v2()

    def models_v2(self, direction: LineageQueryDirectionEnum = LineageQueryDirectionEnum.DESCENDANTS) -> list[Artifact]:
        """The Model artifacts behind the endpoint, upstream. The SDK queries ``direction`` (default
        descendants) from the context, which finds nothing on SageMaker's lineage; ``direction`` is
        accepted for the SDK's signature and the answer is always the ascendants."""
        del direction
        return self._objects(Direction.ASCENDANTS, ("Artifact",), ("Model",))

    def dataset_artifacts(self, direction: LineageQueryDirectionEnum = _ASCENDANTS) -> list[Artifact]:
        return self._objects(direction_of(direction), ("Artifact",), ("DataSet",))

    def training_job_arns(self, direction: LineageQueryDirectionEnum = _ASCENDANTS) -> list[str]:
        """ARNs of the training jobs behind the endpoint (each trial component's ``Source.SourceArn``)."""
        return training_job_arns(self, direction)

    def processing_jobs(self, direction: LineageQueryDirectionEnum = _ASCENDANTS) -> list[LineageTrialComponent]:
        return self._objects(direction_of(direction), ("TrialComponent",), ("ProcessingJob",))

    def transform_jobs(self, direction: LineageQueryDirectionEnum = _ASCENDANTS) -> list[LineageTrialComponent]:
        return self._objects(direction_of(direction), ("TrialComponent",), ("TransformJob",))

    def trial_components(self, direction: LineageQueryDirectionEnum = _ASCENDANTS) -> list[LineageTrialComponent]:
        return self._objects(direction_of(direction), ("TrialComponent",))

    def pipeline_execution_arn(self, direction: LineageQueryDirectionEnum = _ASCENDANTS) -> str | None:
        """The pipeline execution whose step ran the nearest upstream training job (the SDK reads that
        job's tag) of the model the endpoint serves now (its latest deployment), else the context's own
        ``PipelineExecutionArn`` property. ``direction`` is accepted for the SDK's signature; only
        ascendants make sense."""
        del direction
        return self.graph.queries.endpoint_pipeline_execution(self.arn).pipeline_execution_arn


@dataclass(eq=False)
class ModelPackageGroup(Context):
    _entity_types = ("ModelGroup",)

    def pipeline_execution_arn(self) -> str | None:
        """The context's ``PipelineExecutionArn`` property, as the SDK reads it: the execution that last
        registered a version. ``pipeline_execution_arns()`` has every one."""
        value = self.properties.get("PipelineExecutionArn")
        return None if value is None else str(value)

    def pipeline_execution_arns(self) -> list[str]:
        """Every pipeline execution that registered a version in the group, from the pipelines' own
        RegisterModel steps (plus the property's), oldest first: an answer the SDK has no method for."""
        return [found.pipeline_execution_arn for found in self.graph.queries.model_group_pipeline_executions(self.arn)]
