"""An entity's ``ref`` (docs/explorer.md), the one string every explorer URL and answer names it by: a
SageMaker entity's ARN, ``openlineage:dataset:<uri>``, ``openlineage:job:<namespace/name>`` or
``openlineage:run:<run id>``. Parsed here into the key a query seeks the entity by (an index each), and made
from a node's properties (``ref_of``), so that search results, entity pages and views agree on it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lineage_graph.errors import LineageGraphError
from lineage_graph.graph.model import NodeKind
from lineage_graph.graph.naming import location_of_uri
from lineage_graph.kinds import NODE_KINDS
from lineage_graph.openlineage import kinds as openlineage_kinds

OPENLINEAGE_PREFIX = "openlineage:"
DATASET = "openlineage:dataset:"
JOB = "openlineage:job:"
RUN = "openlineage:run:"
SAGEMAKER_SOURCE = "SageMaker"
OPENLINEAGE_SOURCE = openlineage_kinds.OPENLINEAGE.name
# Each OpenLineage kind's ref prefix, and the query parameter the rest of its ref is sought by.
_OPENLINEAGE_REFS: dict[str, tuple[NodeKind, str]] = {
    DATASET: (openlineage_kinds.DATASET, "dataset_uri"),
    JOB: (openlineage_kinds.JOB, "job_uri"),
    RUN: (openlineage_kinds.RUN, "run_id"),
}
_PREFIX_OF: dict[str, str] = {kind.label: prefix for prefix, (kind, _) in _OPENLINEAGE_REFS.items()}
# OpenLineage's kinds by label, with the type a view shows them as (they have no SageMaker type).
OPENLINEAGE_KINDS = {
    openlineage_kinds.DATASET.label: "Dataset",
    openlineage_kinds.JOB.label: "Job",
    openlineage_kinds.RUN.label: "Run",
}
_KINDS: dict[str, NodeKind] = {kind.label: kind for kind in NODE_KINDS}
_PARAMS = ("arn", *(param for _, param in _OPENLINEAGE_REFS.values()))


class BadRefError(LineageGraphError):
    """A ref that names no entity of any kind by its form: a usage error (400), not a missing entity."""

    exit_code = 2


@dataclass(frozen=True)
class Ref:
    """A parsed ref: the one key (an ARN, an OpenLineage dataset's or job's uri, or a run id) that it holds."""

    param: str  # arn, dataset_uri, job_uri or run_id
    value: str

    def params(self) -> dict[str, str | None]:
        """The start queries' parameters: this ref's key, the others null (their branches match nothing)."""
        return {name: self.value if name == self.param else None for name in _PARAMS}


def parse_ref(text: str) -> Ref:
    """The key ``text`` names an entity by; BadRefError saying which forms a ref takes otherwise."""
    if text.startswith("arn:") and len(text) > len("arn:"):
        return Ref("arn", text)
    for prefix, (_, param) in _OPENLINEAGE_REFS.items():
        if text.startswith(prefix) and len(text) > len(prefix):
            key = text[len(prefix) :]
            return Ref(param, dataset_uri(key) if prefix == DATASET else key)
    raise BadRefError(
        f"{text!r} is not a ref: a ref is a SageMaker ARN (arn:...), openlineage:dataset:<uri>, "
        "openlineage:job:<namespace/name> or openlineage:run:<run id>"
    )


def dataset_uri(uri: str) -> str:
    """A dataset's uri as the graph keeps it: an S3 URI spelt as the join spells locations (``s3a://``,
    ``s3n://``, slashes leading or trailing the key: ``graph.naming``), so that a ref with a trailing slash
    names the dataset search finds; any other uri (``namespace/name``) as given."""
    location = location_of_uri(uri)
    return uri if location is None else location.uri


def kind_of(node: Mapping[str, Any]) -> str:
    """A node's kind label, from its properties (``lineage_type``) or labels (OpenLineage's have no arn)."""
    if node.get("arn") is not None and node.get("lineage_type"):
        return str(node["lineage_type"])
    kind, _ = kind_and_type(node["labels"])
    if kind is None:
        raise ValueError(f"a node of no declared kind: {node['labels']}")
    return kind.label


def ref_of(node: Mapping[str, Any]) -> str:
    """The ref of a node given as a map of its properties (``arn``, ``uri``, ``run_id``) and ``labels``."""
    if node.get("arn") is not None:
        return str(node["arn"])
    prefix = _PREFIX_OF[kind_of(node)]
    return prefix + str(node["run_id"] if prefix == RUN else node["uri"])


@dataclass(frozen=True)
class EntitySummary:
    """What a list shows of an entity (a search result, a neighbour): the fields of a view's node."""

    ref: str
    kind: str  # the kind's label: TrialComponent, Artifact, ..., OpenLineageDataset
    type: str | None  # SageMaker's type (DataSet, Endpoint, TrainingJob, ...); None for OpenLineage
    name: str  # what people call it: its name (else its source URI, its uri); a run's job's, a dataset's uri
    uri: str  # the ARN, an OpenLineage dataset's or job's uri, a run's id
    source: str  # SageMaker or OpenLineage
    source_uri: str | None  # a SageMaker artifact's, context's or action's source URI (an S3 URI, ...)


def kind_and_type(labels: Sequence[str]) -> tuple[NodeKind | None, str | None]:
    """A node's kind (the one of its labels a kind declares) and its type where a label says it (the kind's
    well-known types: TrainingJob, DataSet, Endpoint, ...)."""
    kind = next((_KINDS[label] for label in labels if label in _KINDS), None)
    type_labels = kind.type_labels if kind else frozenset()
    return kind, next((label for label in labels if label in type_labels), None)


def summary(node: Mapping[str, Any], labels: Sequence[str]) -> EntitySummary:
    """An entity's summary from its properties (of them it reads arn, name, type, uri, run_id, job_name and
    source_uri: the queries project ``n {.arn, .name, ...}``) and its labels (a node of no declared kind is
    summed up as a SageMaker entity, the only source whose nodes a listing can leave without a kind)."""
    kind, _ = kind_and_type(labels)
    prefix = _PREFIX_OF.get(kind.label) if kind else None
    if prefix is None:
        uri = ref = str(node.get("arn"))
    else:
        uri = str(node.get("run_id") if prefix == RUN else node.get("uri"))
        ref = prefix + uri
    # A dataset's name alone (crm/customers) is the same in several buckets: it is called by its uri.
    name = {RUN: node.get("job_name"), DATASET: uri}.get(prefix or "", node.get("name"))
    return EntitySummary(
        ref=ref,
        kind=kind.label if kind else "LineageEntity",
        type=node.get("type") if prefix is None else None,
        name=str(name if name is not None else node.get("source_uri") or uri),  # an artifact may have no name
        uri=uri,
        source=kind.source.name if kind else SAGEMAKER_SOURCE,
        source_uri=node.get("source_uri"),
    )
