"""``provenance`` and ``compare``: where a model or an endpoint came from, and how jobs differ.

SageMaker has no API for either (the SDK walks QueryLineage, capped at depth 10 and one page, then
describes each trial component). The Cypher is in ``cypher/provenance.cypher``, ``cypher/compare.cypher``
and ``cypher/edges_across.cypher``; this module resolves names and shapes the rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lineage_graph.errors import NotFoundError
from lineage_graph.graph.model import SAME_OBJECT
from lineage_graph.query.explore import (
    ENDPOINT,
    CrossingEdge,
    GraphQueries,
    crossing_fields,
    one_named,
    openlineage_keys,
)
from lineage_graph.query.reach import depths_from

# DescribeTrialComponent's summary of a metric, as the sync stores it (metric.<name>.<stat>).
METRIC_STATS = ("min", "max", "avg", "last", "count", "std_dev")
# Digits of a compared number: a double's arithmetic leaves noise in its 16th and 17th (0.32239999999999996
# for an average of 0.3224), which made equal metrics print long and differ under --diff-only.
SIGNIFICANT_DIGITS = 12


def significant(value: Any) -> Any:
    """A float to SIGNIFICANT_DIGITS significant digits; any other value as it is."""
    return float(f"{value:.{SIGNIFICANT_DIGITS}g}") if isinstance(value, float) else value


def split_values(pairs: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """``param.<name>`` and ``metric.<name>.<stat>`` pairs as {name: value} and {name: {stat: value}}.

    A metric's name may itself hold dots; its stat is the last part."""
    parameters: dict[str, Any] = {}
    metrics: dict[str, dict[str, Any]] = {}
    for pair in pairs:
        key, value = str(pair["key"]), pair["value"]
        if key.startswith("param."):
            parameters[key.removeprefix("param.")] = value
        else:
            name, _, stat = key.removeprefix("metric.").rpartition(".")
            metrics.setdefault(name, {})[stat] = value
    order = {stat: i for i, stat in enumerate(METRIC_STATS)}
    return dict(sorted(parameters.items())), {
        name: dict(sorted(stats.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))
        for name, stats in sorted(metrics.items())
    }


@dataclass(frozen=True)
class TrialComponentRef:
    """A compared trial component; ``job_arn`` is the job behind it (its Source.SourceArn)."""

    arn: str
    name: str | None
    type: str | None
    status: str | None
    job_arn: str | None


@dataclass(frozen=True)
class JobValues:
    trial_component: TrialComponentRef
    parameters: dict[str, Any]
    metrics: dict[str, dict[str, Any]]


@dataclass(frozen=True)
class ProvenanceNode:
    """One entity of a provenance tree, in either source. ``uri`` is its id (the ARN; an OpenLineage
    entity's readable id, see ``CrossingEntity``), ``parent`` the entity one hop nearer the start that it fed
    (on a shortest path; null for the start), ``downstream`` every entity of the answer it fed (uris)."""

    uri: str
    arn: str | None
    name: str | None
    lineage_type: str | None
    type: str | None
    source_uri: str | None
    account: str | None
    region: str | None
    depth: int
    placeholder: bool
    last_seen: datetime | None
    job_arn: str | None  # a trial component's job
    job: str | None  # an OpenLineage run's job (namespace/name)
    status: str | None
    parent: str | None
    downstream: list[str]
    parameters: dict[str, Any] = field(default_factory=dict)  # trial components only
    metrics: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> {stat: value}


@dataclass(frozen=True)
class Provenance:
    start: str  # the start's uri
    nodes: list[ProvenanceNode]  # depth-first: the start, then each entity right after its parent
    edges: list[CrossingEdge]  # every edge among the nodes: associations, READ_BY, WROTE, the join


@dataclass(frozen=True)
class ComparedValue:
    """One parameter, or one stat of one metric, across the compared trial components."""

    kind: str  # 'parameter' or 'metric'
    name: str
    stat: str | None  # the metric's stat (min, max, avg, last, count, std_dev); null for a parameter
    values: list[Any]  # one per trial component, in the order asked; null where it has none; floats significant()
    differs: bool


@dataclass(frozen=True)
class Comparison:
    trial_components: list[TrialComponentRef]
    rows: list[ComparedValue]  # parameters by name, then metrics by name and stat


class ProvenanceQueries(GraphQueries):
    """GraphQueries plus provenance and compare."""

    def job_values(self, arns: list[str]) -> dict[str, JobValues]:
        """Parameters and metrics of the trial components with these ARNs, by ARN."""
        found: dict[str, JobValues] = {}
        for row in self.run("compare", arns=arns):
            parameters, metrics = split_values(row["values"])
            ref = TrialComponentRef(row["arn"], row["name"], row["type"], row["status"], row["job_arn"])
            found[ref.arn] = JobValues(ref, parameters, metrics)
        return found

    def resolve_model_or_endpoint(self, name_or_arn: str) -> str:
        """An endpoint by its name or ARN (or its context's), else any entity by ARN, name or source URI:
        a model's S3 URI, a model package's ARN."""
        try:
            return self.resolve_endpoint(name_or_arn)
        except NotFoundError:
            return self.resolve(name_or_arn)

    def provenance(self, start: str, max_depth: int | None = None) -> Provenance:
        """Everything upstream of ``start``, back to the raw data, across the sources (the ETL runs and raw
        datasets behind a training input), each job with its parameters and metrics. ``start`` is resolved as
        ``resolve_model_or_endpoint`` does, or names an OpenLineage entity, by the same query that walks."""
        reached = self.run(
            "provenance",
            start=start,
            resource_suffix=ENDPOINT.resource_suffix(start),
            openlineage_keys=openlineage_keys(start),
            max_depth=max_depth,
        )
        named = one_named(start, [row for row in reached if row["role"] == "start"])
        start_uri = named["uri"]
        depths = depths_from([named["id"]], reached)
        rows = sorted(
            (
                {**row, "depth": depths[row["id"]]}
                for row in reached
                if row["id"] in depths and (max_depth is None or depths[row["id"]] <= max_depth)
            ),
            key=lambda row: (row["depth"], row["uri"]),
        )
        uris = {row["id"]: row["uri"] for row in rows}
        edges = [CrossingEdge.from_row(e, uris) for e in self.run("edges_across", ids=list(uris))]
        jobs = self.job_values([row["arn"] for row in rows if row["lineage_type"] == "TrialComponent"])
        depth = {row["uri"]: row["depth"] for row in rows}
        downstream: dict[str, set[str]] = {}
        for edge in edges:
            downstream.setdefault(edge.source, set()).add(edge.destination)
            if edge.relationship == SAME_OBJECT:  # one object: either side feeds what the other feeds
                downstream.setdefault(edge.destination, set()).add(edge.source)
        names = {row["uri"]: row["name"] or row["source_uri"] or "" for row in rows}
        nodes: dict[str, ProvenanceNode] = {}
        for row in rows:
            uri = row["uri"]
            nearer = [d for d in downstream.get(uri, []) if depth[d] == depth[uri] - 1]
            job = jobs.get(row["arn"]) if row["arn"] else None
            nodes[uri] = ProvenanceNode(
                **crossing_fields(row),
                parent=min(nearer, key=lambda d: (names[d], d)) if nearer else None,
                downstream=sorted(downstream.get(uri, [])),
                parameters=job.parameters if job else {},
                metrics=job.metrics if job else {},
            )
        return Provenance(start_uri, _depth_first(start_uri, nodes), edges)

    def compare(self, trial_components: list[str], diff_only: bool = False) -> Comparison:
        """Parameters and metrics of trial components (names or ARNs) side by side; NotFoundError names
        the first one not in the graph."""
        arns = list(dict.fromkeys(self.resolve_trial_component(tc) for tc in trial_components))
        found = self.job_values(arns)
        jobs = [found[arn] for arn in arns]
        keys: set[tuple[str, str, str | None]] = set()
        for job in jobs:
            keys |= {("parameter", name, None) for name in job.parameters}
            keys |= {("metric", name, stat) for name, stats in job.metrics.items() for stat in stats}
        order = {stat: i for i, stat in enumerate(METRIC_STATS)}
        rows = []
        for kind, name, stat in sorted(keys, key=lambda k: (k[0] != "parameter", k[1], order.get(k[2] or "", 0))):
            if stat is None:
                values = [significant(job.parameters.get(name)) for job in jobs]
            else:
                values = [significant(job.metrics.get(name, {}).get(stat)) for job in jobs]
            differs = any(v != values[0] for v in values[1:])
            if differs or not diff_only:
                rows.append(ComparedValue(kind, name, stat, values, differs))
        return Comparison([job.trial_component for job in jobs], rows)


def _depth_first(start: str, nodes: dict[str, ProvenanceNode]) -> list[ProvenanceNode]:
    """The start, then each node right after its parent, siblings by name or URI (an explicit stack:
    chains can be longer than Python's recursion limit)."""
    children: dict[str, list[ProvenanceNode]] = {}
    for node in nodes.values():
        if node.parent is not None:
            children.setdefault(node.parent, []).append(node)
    ordered: list[ProvenanceNode] = []
    stack = [nodes[start]]
    while stack:
        node = stack.pop()
        ordered.append(node)
        stack.extend(
            sorted(children.get(node.uri, []), key=lambda n: (n.name or n.source_uri or "", n.uri), reverse=True)
        )
    return ordered
