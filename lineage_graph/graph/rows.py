"""Graph rows: what a source's transform hands the loader, whichever source it is.

A row names its labels from the graph model's fixed vocabulary (``model.labels_for``), never from raw
data, and carries a content hash so that an unchanged row is not rewritten.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import orjson

from lineage_graph.arn import Arn
from lineage_graph.graph import model
from lineage_graph.graph.model import NodeKind


@dataclass(frozen=True)
class NodeRow:
    labels: tuple[str, ...]  # from model.labels_for: a fixed vocabulary, never raw data
    props: dict[str, Any]  # includes "arn" and "content_hash"

    @property
    def arn(self) -> str:
        return str(self.props["arn"])


@dataclass(frozen=True)
class EdgeRow:
    rel_type: str  # from model.LINEAGE_RELATIONSHIPS or STRUCTURE_RELATIONSHIPS
    source_arn: str
    destination_arn: str
    props: dict[str, Any]


Association = tuple[EdgeRow, list[NodeRow]]  # an edge and its two ends, as placeholders


@dataclass(frozen=True)
class StepRow:
    """A pipeline step that ran a job (matched to a trial component by its source ARN) or a model package."""

    execution_arn: str
    target_arn: str
    target_is_job: bool
    props: dict[str, Any]


def clean(props: dict[str, Any]) -> dict[str, Any]:
    """Drop nulls (Neo4j stores none) and stamp a content hash, so unchanged rows are not rewritten."""
    kept = {k: v for k, v in props.items() if v is not None}
    digest = orjson.dumps(kept, option=orjson.OPT_SORT_KEYS, default=str)
    kept["content_hash"] = hashlib.sha256(digest).hexdigest()[:32]
    return kept


def placeholder(kind: NodeKind, arn: str, entity_type: str | None, name: str | None) -> NodeRow:
    """A node for an association end no listing returned: its labels from the kind and type, its place
    from the ARN. A fresh sync makes it from an association, the sweep from an entity gone from SageMaker
    that an association still reaches: the same row either way."""
    parsed = Arn.parse(arn)
    labels = (*model.labels_for(kind, entity_type), model.PLACEHOLDER_LABEL)
    props = {
        "arn": arn,
        "name": name,
        "lineage_type": kind.label,
        "type": entity_type,
        "account": parsed.account,
        "region": parsed.region,
        "placeholder": True,
    }
    return NodeRow(labels, {k: v for k, v in props.items() if v is not None})
