"""``sagemaker.core.lineage.action`` from the graph: Action, ModelPackageApprovalAction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from lineage_graph.api._base import LineageEntity, common, prefixed, time, user_context
from lineage_graph.api.graph import LineageGraph
from lineage_graph.api.query import LineageQueryDirectionEnum, direction_of

if TYPE_CHECKING:
    from lineage_graph.api.artifact import Artifact
    from lineage_graph.api.context import Context


@dataclass(frozen=True)
class ActionSource:
    source_uri: str | None
    source_type: str | None = None


@dataclass(eq=False)
class Action(LineageEntity):
    """An action as the SDK's ``Action.load()`` gives it."""

    action_arn: str = ""
    action_name: str | None = None
    action_type: str | None = None
    description: str | None = None
    status: str | None = None
    source: ActionSource | None = None
    properties: dict[str, Any] = field(default_factory=dict)
    creation_time: datetime | None = None
    last_modified_time: datetime | None = None
    # Who created and last changed it (a UserContext dict, as for trial components), from its Describe.
    created_by: dict[str, Any] | None = None
    last_modified_by: dict[str, Any] | None = None

    _lineage_type = "Action"
    _entity_types: ClassVar[tuple[str | None, ...]] = (None,)

    @property
    def arn(self) -> str:
        return self.action_arn

    @classmethod
    def _from_node(cls, graph: LineageGraph, node: dict[str, Any]) -> Action:
        return cls(
            graph,
            action_arn=node["arn"],
            action_name=node.get("name"),
            action_type=node.get("type"),
            description=node.get("description"),
            status=node.get("status"),
            source=ActionSource(node.get("source_uri"), node.get("source_type")),
            properties=prefixed(node, "property"),
            creation_time=time(node, "created_at"),
            last_modified_time=time(node, "modified_at"),
            created_by=user_context(node, "created_by"),
            last_modified_by=user_context(node, "last_modified_by"),
            **common(node),
        )

    @classmethod
    def load(cls, action_name: str, graph: LineageGraph | None = None) -> Action:
        """The action with this name (or ARN); an Approval is built as a ModelPackageApprovalAction."""
        return cls._load(graph, action_name)

    def artifacts(self, direction: LineageQueryDirectionEnum = LineageQueryDirectionEnum.BOTH) -> list[Artifact]:
        """Artifacts around the action; ``BOTH`` is ascendants plus descendants (see ``api.query``)."""
        return self._objects(direction_of(direction), ("Artifact",))


@dataclass(eq=False)
class ModelPackageApprovalAction(Action):
    _entity_types = ("Approval",)

    def datasets(self, direction: LineageQueryDirectionEnum = LineageQueryDirectionEnum.ASCENDANTS) -> list[Artifact]:
        return self._objects(direction_of(direction), ("Artifact",), ("DataSet",))

    def model_package(self) -> dict[str, Any] | None:
        """The versioned model package, as the DescribeModelPackage fields the graph knows:
        ``ModelPackageArn``, ``ModelPackageGroupName``, ``ModelPackageVersion``, ``ModelApprovalStatus``.
        The SDK describes ``source_uri.split("/")[1]``, which for ``...:model-package/<group>/<version>`` is
        the group's name, not the package; this is the package the action approved (its source URI)."""
        found = self.graph.queries.approval_model_package(self.arn)
        if found.model_package_arn is None:
            return None
        version = found.model_package_arn.rsplit("/", 1)[-1]
        package = {
            "ModelPackageArn": found.model_package_arn,
            "ModelPackageGroupName": found.model_package_group_name,
            "ModelPackageVersion": int(version) if version.isdigit() else None,
            "ModelApprovalStatus": found.approval_status,
        }
        return {key: value for key, value in package.items() if value is not None}

    def endpoints(self, direction: LineageQueryDirectionEnum = LineageQueryDirectionEnum.DESCENDANTS) -> list[Context]:
        return self._objects(direction_of(direction), ("Context",), ("Endpoint",))
