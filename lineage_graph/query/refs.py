"""An entity's ``ref`` (docs/explorer.md): how the explorer's URLs and API name one node of either source.

A SageMaker entity's ref is its ARN; an OpenLineage entity's is its kind and its key as people read it:
``openlineage:dataset:<uri>`` (``s3://bucket/key``, or ``namespace/name``), ``openlineage:job:<namespace/name>``,
``openlineage:run:<run id>``. A ref is parsed into the parameters of ``cypher/view_start.cypher``, which finds
the node by its kind's key (an index seek each), and made back from a node's properties by ``ref_of``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lineage_graph.errors import LineageGraphError
from lineage_graph.graph.model import NODE_KINDS
from lineage_graph.openlineage import kinds as openlineage_kinds
from lineage_graph.query.explore import openlineage_keys

DATASET = "openlineage:dataset:"
JOB = "openlineage:job:"
RUN = "openlineage:run:"
SAGEMAKER_SOURCE = "SageMaker"
OPENLINEAGE_SOURCE = openlineage_kinds.OPENLINEAGE.name
# The node kinds a walk can meet, by label: SageMaker's (a node's lineage_type) and OpenLineage's three.
SAGEMAKER_KINDS = frozenset(NODE_KINDS)
OPENLINEAGE_KINDS = {
    openlineage_kinds.DATASET.label: "Dataset",
    openlineage_kinds.JOB.label: "Job",
    openlineage_kinds.RUN.label: "Run",
}


class BadRefError(LineageGraphError):
    """A ref that is neither an ARN nor one of OpenLineage's three forms (the API answers 400)."""

    exit_code = 2


@dataclass(frozen=True)
class RefQuery:
    """view_start.cypher's parameters: at most one of them names something."""

    arn: str | None = None
    datasets: tuple[dict[str, str], ...] = ()
    jobs: tuple[dict[str, str], ...] = ()
    run_id: str | None = None

    def params(self) -> dict[str, Any]:
        return {"arn": self.arn, "datasets": list(self.datasets), "jobs": list(self.jobs), "run_id": self.run_id}


def parse_ref(ref: str) -> RefQuery:
    """The key ``ref`` names; BadRefError when it has none of the four forms."""
    if ref.startswith("arn:"):
        return RefQuery(arn=ref)
    for prefix in (DATASET, JOB, RUN):
        if ref.startswith(prefix) and len(ref) > len(prefix):
            rest = ref[len(prefix) :]
            if prefix == RUN:
                return RefQuery(run_id=rest)
            keys = tuple(openlineage_keys(rest))
            return RefQuery(datasets=keys) if prefix == DATASET else RefQuery(jobs=keys)
    raise BadRefError(
        f"ref {ref!r} is neither an ARN nor openlineage:dataset:<uri>, openlineage:job:<namespace/name> "
        "or openlineage:run:<run id>"
    )


def kind_of(node: dict[str, Any]) -> str:
    """A node's kind label, from its properties (``lineage_type``) or labels (OpenLineage's have no arn)."""
    if node.get("arn") is not None and node.get("lineage_type"):
        return str(node["lineage_type"])
    for label in node["labels"]:
        if label in OPENLINEAGE_KINDS or label in SAGEMAKER_KINDS:
            return str(label)
    raise ValueError(f"a node of no declared kind: {node['labels']}")


def ref_of(node: dict[str, Any]) -> str:
    """The ref of a node given as a map of its properties (``arn``, ``uri``, ``run_id``) and ``labels``."""
    if node.get("arn") is not None:
        return str(node["arn"])
    kind = kind_of(node)
    if kind == openlineage_kinds.RUN.label:
        return RUN + str(node["run_id"])
    return (DATASET if kind == openlineage_kinds.DATASET.label else JOB) + str(node["uri"])
