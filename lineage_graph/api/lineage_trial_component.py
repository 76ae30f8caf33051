"""``sagemaker.core.lineage.lineage_trial_component`` from the graph."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from lineage_graph.api._base import LineageEntity, common, native, prefixed, time, user_context
from lineage_graph.api.graph import LineageGraph
from lineage_graph.api.query import LineageQueryDirectionEnum, direction_of

if TYPE_CHECKING:
    from lineage_graph.api.artifact import Artifact

_log = logging.getLogger(__name__)
# The sync stores a metric's statistics as metric.<name>.<stat>; DescribeTrialComponent's field names.
_METRIC_FIELDS = {"min": "Min", "max": "Max", "avg": "Avg", "last": "Last", "count": "Count", "std_dev": "StdDev"}


@dataclass(eq=False)
class LineageTrialComponent(LineageEntity):
    """A trial component with the SDK's attribute names and DescribeTrialComponent's value shapes:
    ``source`` ``{"SourceArn", "SourceType"}``, ``status`` ``{"PrimaryStatus", "Message"}``, ``parameters``
    ``{name: {"NumberValue"|"StringValue": v}}``, ``input_artifacts``/``output_artifacts``
    ``{name: {"Value": uri, "MediaType": type}}``, ``metrics`` ``[{"MetricName", "Min", ...}]`` and
    ``created_by``/``last_modified_by`` a UserContext as the SDK keeps it, the API's own dict
    (``{"UserProfileArn", "UserProfileName", "DomainId", "IamIdentity": {...}}``; None when SageMaker names no
    one). ``tags`` ``[{"Key", "Value"}]`` are the trial component's, from the Search records the sync reads;
    the SDK's ``load()`` leaves them None (DescribeTrialComponent has no tags)."""

    trial_component_arn: str = ""
    trial_component_name: str | None = None
    display_name: str | None = None
    source: dict[str, Any] | None = None
    status: dict[str, Any] | None = None
    start_time: datetime | None = None
    end_time: datetime | None = None
    creation_time: datetime | None = None
    last_modified_time: datetime | None = None
    parameters: dict[str, dict[str, Any]] = field(default_factory=dict)
    input_artifacts: dict[str, dict[str, Any]] = field(default_factory=dict)
    output_artifacts: dict[str, dict[str, Any]] = field(default_factory=dict)
    metrics: list[dict[str, Any]] = field(default_factory=list)
    created_by: dict[str, Any] | None = None
    last_modified_by: dict[str, Any] | None = None
    tags: list[dict[str, str]] = field(default_factory=list)

    _lineage_type = "TrialComponent"
    _entity_types: ClassVar[tuple[str | None, ...]] = (None,)

    @property
    def arn(self) -> str:
        return self.trial_component_arn

    @classmethod
    def _from_node(cls, graph: LineageGraph, node: dict[str, Any]) -> LineageTrialComponent:
        metrics: dict[str, dict[str, Any]] = {}
        for key, value in prefixed(node, "metric").items():
            name, stat = key.rsplit(".", 1)
            metrics.setdefault(name, {"MetricName": name})[_METRIC_FIELDS.get(stat, stat)] = value
        status = {"PrimaryStatus": node.get("status"), "Message": node.get("status_message")}
        return cls(
            graph,
            trial_component_arn=node["arn"],
            trial_component_name=node.get("name"),
            display_name=node.get("display_name"),
            source=(
                {"SourceArn": node["source_arn"], "SourceType": node.get("source_type")}
                if node.get("source_arn")
                else None
            ),
            status={k: v for k, v in status.items() if v is not None} or None,
            start_time=time(node, "start_time"),
            end_time=time(node, "end_time"),
            creation_time=time(node, "created_at"),
            last_modified_time=time(node, "modified_at"),
            parameters={
                name: {"NumberValue" if isinstance(value, int | float) else "StringValue": native(value)}
                for name, value in prefixed(node, "param").items()
            },
            input_artifacts=_artifacts(node, "input"),
            output_artifacts=_artifacts(node, "output"),
            metrics=list(metrics.values()),
            created_by=user_context(node, "created_by"),
            last_modified_by=user_context(node, "last_modified_by"),
            tags=[{"Key": key, "Value": str(value)} for key, value in sorted(prefixed(node, "tag").items())],
            **common(node),
        )

    @classmethod
    def load(cls, trial_component_name: str, graph: LineageGraph | None = None) -> LineageTrialComponent:
        """The trial component with this name (or ARN); NotFoundError when the graph has none."""
        return cls._load(graph, trial_component_name)

    def pipeline_execution_arn(self) -> str | None:
        """The pipeline execution that ran this trial component's job. The SDK reads the job's
        ``sagemaker:pipeline-execution-arn`` tag, one value; the graph has the pipelines' step records, and
        where several executions are linked (a cached step reused the job, or an execution SageMaker no
        longer has is still in the graph until a full run's cleanup removes it) returns the newest that ran
        the job and logs a warning naming the others (``graph.queries.pipeline_execution()`` has them all)."""
        answer = self.graph.queries.pipeline_execution(self.arn)
        if len(answer.pipeline_executions) > 1:
            _log.warning(
                "%d pipeline executions are linked to %s; returning the newest that ran its job, %s (all: %s)",
                len(answer.pipeline_executions),
                self.arn,
                answer.pipeline_execution_arn,
                ", ".join(e.arn for e in answer.pipeline_executions),
            )
        return answer.pipeline_execution_arn

    def dataset_artifacts(
        self, direction: LineageQueryDirectionEnum = LineageQueryDirectionEnum.ASCENDANTS
    ) -> list[Artifact]:
        return self._objects(direction_of(direction), ("Artifact",), ("DataSet",))

    def models(self, direction: LineageQueryDirectionEnum = LineageQueryDirectionEnum.DESCENDANTS) -> list[Artifact]:
        return self._objects(direction_of(direction), ("Artifact",), ("Model",))


def _artifacts(node: dict[str, Any], prefix: str) -> dict[str, dict[str, Any]]:
    """``input.<name>`` and ``input_media_type.<name>`` back as ``{name: {"Value", "MediaType"}}``."""
    media_types = prefixed(node, f"{prefix}_media_type")
    return {
        name: {"Value": uri} | ({"MediaType": media_types[name]} if name in media_types else {})
        for name, uri in prefixed(node, prefix).items()
    }
