"""A Python API shaped like the SageMaker SDK's ``sagemaker.core.lineage``, answered from the graph.

Same class names, method names, arguments, defaults and return attributes as the SDK (v3, and v2's
``sagemaker.lineage``), and the same module layout (``lineage_graph.api.artifact.DatasetArtifact`` is
``sagemaker.core.lineage.artifact.DatasetArtifact``). Code changes its import and passes a
``LineageGraph`` where it passed a ``sagemaker_session``; no call reaches SageMaker::

    from lineage_graph.api import LineageGraph, LineageTrialComponent

    with LineageGraph.connect() as graph:  # NEO4J_URI / NEO4J_PASSWORD, or a Neo4jSettings
        tc = LineageTrialComponent.load("my-job-aws-training-job", graph)
        datasets = tc.dataset_artifacts()

Only reads: nothing here creates, updates, tags or deletes (sync from SageMaker instead). Where the SDK has
a known bug, the method answers what its caller meant, and its docstring says how it differs.
"""

from lineage_graph.api.action import Action, ActionSource, ModelPackageApprovalAction
from lineage_graph.api.artifact import Artifact, ArtifactSource, DatasetArtifact, ImageArtifact, ModelArtifact
from lineage_graph.api.context import Context, ContextSource, EndpointContext, ModelPackageGroup
from lineage_graph.api.graph import LineageGraph
from lineage_graph.api.lineage_trial_component import LineageTrialComponent
from lineage_graph.api.query import (
    Edge,
    LineageEntityEnum,
    LineageFilter,
    LineageQuery,
    LineageQueryDirectionEnum,
    LineageQueryResult,
    LineageSourceEnum,
    Vertex,
)

__all__ = [
    "Action",
    "ActionSource",
    "Artifact",
    "ArtifactSource",
    "Context",
    "ContextSource",
    "DatasetArtifact",
    "Edge",
    "EndpointContext",
    "ImageArtifact",
    "LineageEntityEnum",
    "LineageFilter",
    "LineageGraph",
    "LineageQuery",
    "LineageQueryDirectionEnum",
    "LineageQueryResult",
    "LineageSourceEnum",
    "LineageTrialComponent",
    "ModelArtifact",
    "ModelPackageApprovalAction",
    "ModelPackageGroup",
    "Vertex",
]
