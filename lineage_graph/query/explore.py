"""The SDK's generic LineageQuery and its artifact, context and action helpers, answered from the graph.

Every query is a file of ``cypher/``; this module only chooses files, parameters and result types.
Where an SDK helper walks the opposite way from SageMaker's own graph, or parses an ARN wrongly, the
method answers what the user meant (see the README's "More lookups" and each file's header).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from operator import itemgetter
from typing import Any

from lineage_graph.errors import NotFoundError
from lineage_graph.graph.model import ASSOCIATION_TYPES
from lineage_graph.graph.naming import location_of_uri, locations_named
from lineage_graph.query.facets import split_facets
from lineage_graph.query.lookups import (
    Direction,
    LineageEntitySummary,
    LineageQueries,
    account_region,
    what_they_are,
    with_article,
)
from lineage_graph.query.reach import reached_depths, with_depths

# CONTRIBUTED_TO -> ContributedTo; an untyped association (ASSOCIATED) has no SageMaker type.
_ASSOCIATION_BY_RELATIONSHIP = {rel: api for api, rel in ASSOCIATION_TYPES.items()}
LINEAGE_TYPES = ("Artifact", "Context", "Action", "TrialComponent")
# The kind the answers that cross the sources give every OpenLineage entity (its type: Dataset, Job, Run).
OPENLINEAGE = "OpenLineage"


@dataclass(frozen=True)
class LineageFilter:
    """QueryLineage's Filters: kinds, types, time windows (ISO 8601) and properties (any pair matches)."""

    lineage_types: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    created_after: str | None = None
    created_before: str | None = None
    modified_after: str | None = None
    modified_before: str | None = None
    properties: dict[str, str] = field(default_factory=dict)

    def params(self) -> dict[str, Any]:
        return {
            "lineage_types": list(self.lineage_types) or None,
            "types": list(self.types) or None,
            "created_after": self.created_after,
            "created_before": self.created_before,
            "modified_after": self.modified_after,
            "modified_before": self.modified_before,
            "properties": dict(self.properties) or None,
        }


@dataclass(frozen=True)
class Edge:
    """An association between two entities of an answer, in SageMaker's vocabulary (ContributedTo, ...)."""

    source_arn: str
    destination_arn: str
    association_type: str | None


@dataclass(frozen=True)
class LineageResult:
    """QueryLineage's answer: the start, the vertices reached and (with edges) the associations among them."""

    start_arn: str
    vertices: list[LineageEntitySummary]
    edges: list[Edge] | None = None


@dataclass(frozen=True)
class JobSummary(LineageEntitySummary):
    """A trial component with the ARN of the job behind it (its Source.SourceArn)."""

    job_arn: str | None = None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> JobSummary:
        return cls(**vars(LineageEntitySummary.from_row(row)), job_arn=row["source_arn"])


def _summary(row: dict[str, Any]) -> LineageEntitySummary:
    """A matched entity of a walk; a trial component with its ``job_arn``, as the README promises."""
    return JobSummary.from_row(row) if row["lineage_type"] == "TrialComponent" else LineageEntitySummary.from_row(row)


def relationship_name(rel_type: str) -> str | None:
    """A relationship as the answers name it: SageMaker's association type (``ContributedTo``; None for an
    untyped association), OpenLineage's and the join's own (``READ_BY``, ``WROTE``, ``SAME_OBJECT``)."""
    if rel_type in _ASSOCIATION_BY_RELATIONSHIP:
        return _ASSOCIATION_BY_RELATIONSHIP[rel_type]
    return None if rel_type == "ASSOCIATED" else rel_type


def openlineage_keys(text: str) -> list[dict[str, str]]:
    """The ``$openlineage_keys`` of the queries that start anywhere (lineage_across, find_node, provenance):
    the OpenLineage datasets or jobs ``text`` may name."""
    return [{"namespace": k.namespace, "name": k.name} for k in locations_named(text)]


def one_named(start: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The one entity, in either source, that ``start`` names among ``rows`` (each with its ``uri``,
    ``lineage_type`` and ``type``); NotFoundError when there is none or several."""
    if not rows:
        raise NotFoundError(f"nothing named {start!r} in the graph (has `lineage-graph sync` run?)")
    if len(rows) > 1:
        found = ", ".join(f"{row['uri']} ({row['lineage_type']} {row['type']})" for row in rows)
        raise NotFoundError(f"{start!r} names several entities; pass one ARN or URI: {found}")
    return rows[0]


@dataclass(frozen=True)
class CrossingEntity:
    """One entity of an answer that crosses the sources (``lineage``). ``uri`` is its stable id people can
    read: a SageMaker entity's ARN, an OpenLineage dataset's ``s3://bucket/key`` (``namespace/name``), a job's
    ``namespace/name``, a run's id. OpenLineage entities have no ``arn``, lineage_type ``OpenLineage`` and
    type ``Dataset``, ``Job`` or ``Run``; a run names its ``job``, a trial component its ``job_arn``."""

    uri: str
    arn: str | None
    name: str | None
    lineage_type: str | None
    type: str | None
    source_uri: str | None
    job_arn: str | None
    job: str | None
    status: str | None
    account: str | None
    region: str | None
    depth: int
    placeholder: bool
    last_seen: datetime | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> CrossingEntity:
        return cls(**crossing_fields(row))


def crossing_fields(row: dict[str, Any]) -> dict[str, Any]:
    """The fields of ``CrossingEntity`` from a row of the queries that cross the sources (lineage_across,
    provenance): one reading for every answer that shows their entities."""
    account, region = account_region(row["arn"])
    return {
        "uri": row["uri"],
        "arn": row["arn"],
        "name": row["name"],
        "lineage_type": row["lineage_type"],
        "type": row["type"],
        "source_uri": row["source_uri"],
        "job_arn": row["job_arn"],
        "job": row["job"],
        "status": row["status"],
        "account": account,
        "region": region,
        "depth": row["depth"],
        "placeholder": bool(row["placeholder"]),
        "last_seen": row["last_seen"].to_native() if row["last_seen"] is not None else None,
    }


@dataclass(frozen=True)
class CrossingEdge:
    """An edge of an answer that crosses the sources, between two ``uri``s: an association (``relationship``
    in SageMaker's words), ``READ_BY`` or ``WROTE``, or the join (``SAME_OBJECT`` and its ``rule``)."""

    source: str
    destination: str
    relationship: str | None
    rule: str | None
    # A read's or a write's facets (READ_BY, WROTE: inputFacets, outputFacets), ``{facet: {field: value}}``.
    facets: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def from_row(cls, row: dict[str, Any], uris: dict[str, str]) -> CrossingEdge:
        """An edges_across.cypher row, its ends' ids named by ``uris``."""
        facets, _ = split_facets(row["properties"] or {})
        return cls(
            uris[row["source_id"]],
            uris[row["destination_id"]],
            relationship_name(row["relationship"]),
            row["rule"],
            facets,
        )


@dataclass(frozen=True)
class CrossingResult:
    start: str  # the start's uri
    vertices: list[CrossingEntity]
    edges: list[CrossingEdge] | None = None


@dataclass(frozen=True)
class UpstreamPipelineExecution:
    start_arn: str
    pipeline_execution_arn: str | None  # the execution that ran the nearest training job, else the property
    pipeline_name: str | None
    step_name: str | None
    training_job_arn: str | None
    property_pipeline_execution_arn: str | None


@dataclass(frozen=True)
class ModelGroupPipelineExecution:
    model_group_arn: str
    pipeline_execution_arn: str
    pipeline_name: str | None
    status: str | None
    model_package_arns: list[str]
    found_by: list[str]  # 'step' (a RegisterModel step), 'property' (the context's PipelineExecutionArn)


@dataclass(frozen=True)
class ApprovalModelPackage:
    action_arn: str
    model_package_arn: str | None
    model_package_group_name: str | None
    model_package_artifact_arn: str | None
    status: str | None
    approval_status: str | None


@dataclass(frozen=True)
class StartKind:
    """What a lookup's start may be: its kind and type (None: any), and for ``resource`` ('endpoint',
    'model-package-group') a context found by the resource's plain name too."""

    lineage_type: str | None = None
    entity_type: str | None = None
    resource: str | None = None

    def resource_suffix(self, name_or_arn: str) -> str | None:
        """The ARN ending a context of ``resource`` has when ``name_or_arn`` is its plain name; else None."""
        plain_name = self.resource and not name_or_arn.startswith("arn:")
        return f":{self.resource}/{name_or_arn}" if plain_name else None

    def params(self, name_or_arn: str) -> dict[str, Any]:
        """find_entity.cypher's parameters, as lineage_query.cypher takes them for its start."""
        return {
            "start": name_or_arn,
            "start_lineage_type": self.lineage_type,
            "start_entity_type": self.entity_type,
            "resource_suffix": self.resource_suffix(name_or_arn),
        }

    def one(self, name_or_arn: str, found: list[dict[str, Any]]) -> str:
        """The ARN of the one entity found (rows with ``arn``, ``lineage_type``, ``type``); NotFoundError
        when there is none or several."""
        what = " ".join(w for w in (self.entity_type, self.lineage_type or "entity") if w)
        if not found:
            raise NotFoundError(f"no {what} named {name_or_arn!r} in the graph (has `lineage-graph sync` run?)")
        if len(found) > 1:
            arns = ", ".join(f"{row['arn']} ({row['lineage_type']} {row['type']})" for row in found)
            raise NotFoundError(f"{name_or_arn!r} names several entities; pass one ARN: {arns}")
        return str(found[0]["arn"])


ANY_ENTITY = StartKind()
ARTIFACT = StartKind("Artifact")
# Any context, found by its endpoint's name too: the SDK's EndpointContext.load() loads a context of any type.
ENDPOINT = StartKind("Context", None, "endpoint")
# The action types that deploy a model to an endpoint. SageMaker's automatic lineage makes ModelDeployment;
# the SDK also names ModelReplaced (LineageSourceEnum.MODEL_REPLACE), recorded by no source we found
# (docs/audit.md), read the same way should an account have it.
DEPLOYMENT_TYPES = ("ModelDeployment", "ModelReplaced")


def _find_entity_params(name_or_arn: str, kind: StartKind) -> dict[str, Any]:
    """find_entity.cypher's parameters."""
    return {
        "start": name_or_arn,
        "lineage_type": kind.lineage_type,
        "entity_type": kind.entity_type,
        "resource_suffix": kind.resource_suffix(name_or_arn),
    }


class GraphQueries(LineageQueries):
    """LineageQueries plus the generic LineageQuery and the SDK's artifact, context and action helpers."""

    # -- resolving what the user named ---------------------------------------------------------------
    def resolve(
        self,
        name_or_arn: str,
        *,
        lineage_type: str | None = None,
        entity_type: str | None = None,
        resource: str | None = None,
    ) -> str:
        """The ARN of the one lineage entity with this ARN, name or source URI; NotFoundError otherwise.

        ``resource`` ('endpoint', 'model-package-group') also finds a context by the resource's plain name.
        """
        kind = StartKind(lineage_type, entity_type, resource)
        return self._one(kind, name_or_arn, self.run("find_entity", **_find_entity_params(name_or_arn, kind)))

    def _one(self, kind: StartKind, name_or_arn: str, found: list[dict[str, Any]]) -> str:
        """``kind.one()``; when no entity of the kind has the name but others do, says what they are instead
        of suggesting the graph lacks them (a second read, on that error's path only)."""
        if not found and (kind.lineage_type or kind.entity_type):
            others = self.run("find_entity", **_find_entity_params(name_or_arn, ANY_ENTITY))
            if others:
                wanted = " ".join(w for w in (kind.entity_type, kind.lineage_type) if w)
                raise NotFoundError(f"{name_or_arn!r} is not {with_article(wanted)}: {what_they_are(others)}")
        return kind.one(name_or_arn, found)

    # -- the generic LineageQuery --------------------------------------------------------------------
    def lineage(
        self,
        start: str,
        direction: Direction = Direction.BOTH,
        query_filter: LineageFilter | None = None,
        max_depth: int | None = None,
        include_edges: bool = False,
    ) -> LineageResult:
        """Like ``LineageQuery.query()``: every match, at any depth unless ``max_depth``. ``start`` is an ARN,
        a name or a source URI, resolved by the same query."""
        return self._lineage(start, direction, query_filter or LineageFilter(), max_depth, include_edges)

    def _lineage(
        self,
        start: str,
        direction: Direction,
        query_filter: LineageFilter,
        max_depth: int | None = None,
        include_edges: bool = False,
        kind: StartKind = ANY_ENTITY,
    ) -> LineageResult:
        start_arn, rows = self._lineage_rows(start, direction, query_filter, max_depth, kind)
        vertices = [_summary(row) for row in rows]
        edges = self.edges([start_arn, *(v.arn for v in vertices)]) if include_edges else None
        return LineageResult(start_arn, vertices, edges)

    def _lineage_rows(
        self,
        start: str,
        direction: Direction,
        query_filter: LineageFilter,
        max_depth: int | None,
        kind: StartKind = ANY_ENTITY,
    ) -> tuple[str, list[dict[str, Any]]]:
        """The start's ARN and the matching rows with their depths: one query resolves the start and walks."""
        rows = self.run(
            "lineage_query",
            direction=str(direction),
            max_depth=max_depth,
            **kind.params(start),
            **query_filter.params(),
        )
        start_arn = self._one(kind, start, rows)
        return start_arn, with_depths(rows[0]["id"], rows[0]["reached"], max_depth)

    def lineage_across(
        self,
        start: str,
        direction: Direction = Direction.BOTH,
        query_filter: LineageFilter | None = None,
        max_depth: int | None = None,
        include_edges: bool = False,
    ) -> CrossingResult:
        """``lineage`` across both sources (cypher/lineage_across.cypher): SageMaker's associations,
        OpenLineage's READ_BY and WROTE, and the join. ``start`` is a SageMaker entity's ARN, name or source
        URI, or an OpenLineage dataset's URI, job's ``namespace/name`` or run's id."""
        rows = self.run(
            "lineage_across",
            start=start,
            openlineage_keys=openlineage_keys(start),
            direction=str(direction),
            **(query_filter or LineageFilter()).params(),
        )
        found = one_named(start, rows)
        reached = with_depths(found["id"], found["reached"], max_depth, order_by="uri")
        vertices = [CrossingEntity.from_row(row) for row in reached]
        edges = None
        if include_edges:
            uris = {found["id"]: found["uri"], **{row["id"]: row["uri"] for row in reached}}
            edges = [CrossingEdge.from_row(row, uris) for row in self.run("edges_across", ids=list(uris))]
        return CrossingResult(found["uri"], vertices, edges)

    def edges(self, arns: list[str]) -> list[Edge]:
        """The associations among ``arns``, typed as SageMaker types them."""
        rows = self.run("lineage_edges", arns=arns)
        return [
            Edge(row["source_arn"], row["destination_arn"], _ASSOCIATION_BY_RELATIONSHIP.get(row["relationship"]))
            for row in rows
        ]

    def _select(
        self,
        start: str,
        direction: Direction,
        lineage_type: str,
        types: tuple[str, ...] = (),
        max_depth: int | None = None,
        kind: StartKind = ANY_ENTITY,
    ) -> list[LineageEntitySummary]:
        query_filter = LineageFilter(lineage_types=(lineage_type,), types=types)
        return self._lineage(start, direction, query_filter, max_depth, kind=kind).vertices

    def _jobs(
        self,
        start: str,
        direction: Direction,
        types: tuple[str, ...],
        max_depth: int | None,
        kind: StartKind = ANY_ENTITY,
    ) -> list[JobSummary]:
        _, rows = self._lineage_rows(
            start, direction, LineageFilter(lineage_types=("TrialComponent",), types=types), max_depth, kind
        )
        return [JobSummary.from_row(row) for row in rows]

    # -- artifacts -----------------------------------------------------------------------------------
    def artifact_trial_components(
        self, artifact: str, direction: Direction = Direction.DESCENDANTS, max_depth: int | None = None
    ) -> list[JobSummary]:
        """Trial components downstream of an artifact: ``Artifact.downstream_trials_v2()`` one level down
        (trial components, not the trials the SDK then searches for)."""
        return self._jobs(artifact, direction, (), max_depth, ARTIFACT)

    def artifact_trained_models(self, artifact: str, max_depth: int | None = None) -> list[LineageEntitySummary]:
        """Model artifacts downstream of a dataset: ``DatasetArtifact.trained_models()``, which returns the
        trial components' associations instead; these are the models."""
        return self._select(artifact, Direction.DESCENDANTS, "Artifact", ("Model",), max_depth, ARTIFACT)

    def artifact_endpoints(
        self, artifact: str, direction: Direction = Direction.DESCENDANTS, max_depth: int | None = None
    ) -> list[LineageEntitySummary]:
        """Endpoint contexts downstream of a model (or dataset): ``ModelArtifact.endpoint_contexts()``."""
        return self._select(artifact, direction, "Context", ("Endpoint",), max_depth, ARTIFACT)

    def artifact_datasets(
        self, artifact: str, direction: Direction | None = None, max_depth: int | None = None
    ) -> list[LineageEntitySummary]:
        """DataSet artifacts of an artifact: ``ImageArtifact.datasets()`` (default descendants: the datasets
        jobs made with the image) and ``ModelArtifact.dataset_artifacts()`` (default ascendants)."""
        if direction is None:  # the direction depends on the start's type: find it first
            found = self.run("find_entity", **_find_entity_params(artifact, ARTIFACT))
            artifact = self._one(ARTIFACT, artifact, found)
            direction = Direction.DESCENDANTS if found[0]["type"] == "Image" else Direction.ASCENDANTS
        return self._select(artifact, direction, "Artifact", ("DataSet",), max_depth, ARTIFACT)

    # -- endpoints (contexts) ------------------------------------------------------------------------
    def resolve_endpoint(self, endpoint: str) -> str:
        """An Endpoint context by its ARN or name, the endpoint's ARN, or the endpoint's name."""
        return self.resolve(endpoint, lineage_type=ENDPOINT.lineage_type, resource=ENDPOINT.resource)

    def endpoint_models(self, endpoint: str, max_depth: int | None = None) -> list[LineageEntitySummary]:
        """Model artifacts upstream of an endpoint. ``EndpointContext.models()`` walks downstream from the
        context (context → deployment → model), but SageMaker's graph points model → deployment → endpoint,
        so the SDK finds nothing on real lineage; this walks upstream, as the SageMaker docs do."""
        return self._select(endpoint, Direction.ASCENDANTS, "Artifact", ("Model",), max_depth, ENDPOINT)

    def endpoint_dataset_artifacts(self, endpoint: str, max_depth: int | None = None) -> list[LineageEntitySummary]:
        """``EndpointContext.dataset_artifacts()``."""
        return self._select(endpoint, Direction.ASCENDANTS, "Artifact", ("DataSet",), max_depth, ENDPOINT)

    def endpoint_training_jobs(self, endpoint: str, max_depth: int | None = None) -> list[JobSummary]:
        """``EndpointContext.training_job_arns()``: the training jobs' ARNs are ``job_arn``."""
        return self._jobs(endpoint, Direction.ASCENDANTS, ("TrainingJob",), max_depth, ENDPOINT)

    def endpoint_processing_jobs(self, endpoint: str, max_depth: int | None = None) -> list[JobSummary]:
        """``EndpointContext.processing_jobs()``."""
        return self._jobs(endpoint, Direction.ASCENDANTS, ("ProcessingJob",), max_depth, ENDPOINT)

    def endpoint_transform_jobs(self, endpoint: str, max_depth: int | None = None) -> list[JobSummary]:
        """``EndpointContext.transform_jobs()``."""
        return self._jobs(endpoint, Direction.ASCENDANTS, ("TransformJob",), max_depth, ENDPOINT)

    def endpoint_trial_components(self, endpoint: str, max_depth: int | None = None) -> list[JobSummary]:
        """``EndpointContext.trial_components()``."""
        return self._jobs(endpoint, Direction.ASCENDANTS, (), max_depth, ENDPOINT)

    def upstream_pipeline_execution(self, start: str, kind: StartKind = ANY_ENTITY) -> UpstreamPipelineExecution:
        """The execution that ran the nearest training job upstream of ``start`` (resolved as ``kind`` says,
        by the same query); of an endpoint rolled out to another model, upstream of its latest deployment
        (docs/audit.md)."""
        rows = self.run("pipeline_execution_upstream", **kind.params(start), deployment_types=list(DEPLOYMENT_TYPES))
        start_arn = self._one(kind, start, rows)
        row = rows[0]
        jobs = with_depths(row["id"], row["reached"] or [], None)
        nearest = [job for job in jobs if job["depth"] == jobs[0]["depth"]] if jobs else []
        ran = [(job, execution) for job in nearest for execution in job["executions"]]
        job, execution = min(ran, key=_real_run_first, default=(None, None))
        return UpstreamPipelineExecution(
            start_arn=start_arn,
            pipeline_execution_arn=(execution or {}).get("arn") or row["property_pipeline_execution_arn"],
            pipeline_name=(execution or {}).get("pipeline_name"),
            step_name=(execution or {}).get("step_name"),
            training_job_arn=(job or {}).get("source_arn"),
            property_pipeline_execution_arn=row["property_pipeline_execution_arn"],
        )

    def endpoint_pipeline_execution(self, endpoint: str) -> UpstreamPipelineExecution:
        """``EndpointContext.pipeline_execution_arn()``: the execution that ran the nearest training job behind
        the model the endpoint serves now (its latest deployment, once it was rolled out to another model)."""
        return self.upstream_pipeline_execution(endpoint, ENDPOINT)

    def model_pipeline_execution(self, model: str) -> UpstreamPipelineExecution:
        """``ModelArtifact.pipeline_execution_arn()``."""
        return self.upstream_pipeline_execution(model, ARTIFACT)

    # -- model package groups, approvals -------------------------------------------------------------
    def model_group_pipeline_executions(self, group: str) -> list[ModelGroupPipelineExecution]:
        """Every pipeline execution that registered a version in the group (the SDK reads only the last)."""
        start = self.resolve(group, lineage_type="Context", resource="model-package-group")
        return [
            ModelGroupPipelineExecution(
                model_group_arn=row["model_group_arn"],
                pipeline_execution_arn=row["pipeline_execution_arn"],
                pipeline_name=row["pipeline_name"],
                status=row["status"],
                model_package_arns=list(row["model_package_arns"]),
                found_by=sorted(row["found_by"]),
            )
            for row in self.run("model_group_pipeline_executions", start_arn=start)
        ]

    def approval_model_package(self, action: str) -> ApprovalModelPackage:
        """``ModelPackageApprovalAction.model_package()``, with the versioned package's full ARN (the SDK
        describes the group's name by mistake)."""
        start = self.resolve(action, lineage_type="Action")
        row = self.run("approval_model_package", start_arn=start)[0]
        return ApprovalModelPackage(**row)


def _real_run_first(job_and_execution: tuple[dict[str, Any], dict[str, Any]]) -> tuple[Any, ...]:
    """A step that ran the job before one that hit the cache, then the earliest execution, then the ARN."""
    job, execution = job_and_execution
    start = execution["start_time"]
    return (execution["cache_hit"], start is None, start.to_native() if start is not None else datetime.min, job["arn"])


# -- what SageMaker cannot answer ----------------------------------------------------------------------
@dataclass(frozen=True)
class ImpactedEntity:
    """One entity downstream of data under a prefix; kind groups them (job, model, endpoint, ...,
    openlineage_run, openlineage_dataset). ``uri`` is its id (the ARN; OpenLineage's entities have none,
    see ``CrossingEntity``); an OpenLineage run names its ``job``."""

    kind: str
    uri: str
    arn: str | None
    name: str | None
    lineage_type: str | None
    type: str | None
    source_uri: str | None
    source_arn: str | None
    job: str | None
    status: str | None
    placeholder: bool
    depth: int


@dataclass(frozen=True)
class Hop:
    """One edge of a path, its ends by ``uri`` (the ARN, or OpenLineage's readable id; ``*_arn`` is null for
    an OpenLineage entity). ``association_type`` is SageMaker's word, or READ_BY, WROTE, SAME_OBJECT (the
    join, with its ``rule``)."""

    source: str
    source_arn: str | None
    source_name: str | None
    source_type: str | None
    association_type: str | None
    rule: str | None
    destination: str
    destination_arn: str | None
    destination_name: str | None
    destination_type: str | None


@dataclass(frozen=True)
class LineagePath:
    length: int
    hops: list[Hop]


@dataclass(frozen=True)
class FoundEntity:
    """An entity ``find`` found, in either source: ``uri`` is its id (the ARN; OpenLineage's readable id)."""

    uri: str
    arn: str | None
    name: str | None
    lineage_type: str
    type: str | None
    source_uri: str | None
    status: str | None
    created_at: Any
    created_by: str | None  # the Studio user profile's name, else the IAM identity's ARN, from CreatedBy
    account: str | None
    region: str | None
    placeholder: bool


def openlineage_prefix(prefix: str) -> dict[str, str | None]:
    """impact.cypher's OpenLineage parameters for an S3 prefix: the datasets at it (``s3://b/events/`` is the
    dataset named ``events``) and under it, by the key as given (``events/`` leaves ``events-archive`` out,
    ``events`` keeps it, as a source URI prefix does for artifacts). None for a prefix that is not S3."""
    location = location_of_uri(prefix)
    if location is None:
        return {"openlineage_namespace": None, "openlineage_name": None, "openlineage_name_prefix": None}
    key = prefix.split("://", 1)[1].partition("/")[2].lstrip("/")
    return {
        "openlineage_namespace": location.namespace,
        "openlineage_name": location.name,
        "openlineage_name_prefix": key,
    }


_IMPACTED_FIELDS = itemgetter(*(f.name for f in fields(ImpactedEntity) if f.name != "depth"))


def impacted(rows: list[dict[str, Any]]) -> list[ImpactedEntity]:
    """cypher/impact.cypher's maps (its one row's ``rows``) as the answer: depths by one breadth-first
    search from every matching artifact at once; a reached entity is one hop further than the nearest entity
    feeding it (so a matching artifact another one leads to is not at 0), an execution and its pipeline at
    the depth of what they ran."""
    by_role: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_role.setdefault(row["role"], []).append(row)
    walked = by_role.get("start", []) + by_role.get("reached", [])
    # One hop further than the nearest start or reached entity that feeds it; what the query walked to up a
    # prefix and back down (reach's module doc) is not reached, nor what only it ran.
    depth = reached_depths((row["id"] for row in by_role.get("start", [])), walked)  # by id
    best: dict[str, tuple[int, dict[str, Any]]] = {}  # by uri: the first row at its fewest hops
    for role in ("reached", "pipeline_execution", "pipeline"):
        for row in by_role.get(role, []):
            if role != "reached":  # also reached itself (an association to an execution): the nearer
                ran = [depth[entity] for entity in row["ran"] if entity in depth]
                if row["id"] in depth:
                    ran.append(depth[row["id"]])
                if not ran:
                    continue
                depth[row["id"]] = min(ran)
            found = depth.get(row["id"])
            if found is None:
                continue
            if row["uri"] not in best or found < best[row["uri"]][0]:
                best[row["uri"]] = (found, row)
    # An entity a few thousand times per answer: fields by one C-level getter, built once per uri.
    return sorted(
        (ImpactedEntity(*(*_IMPACTED_FIELDS(row), found)) for found, row in best.values()),
        key=lambda e: (e.kind, e.depth, e.uri),
    )


class InvestigationQueries(GraphQueries):
    """GraphQueries plus impact, path and find."""

    def impact(self, prefix: str) -> list[ImpactedEntity]:
        """Everything downstream of the artifacts whose source URI starts with ``prefix`` and of the
        OpenLineage datasets there, across the sources: each entity once at its fewest hops from any of them,
        ordered by kind, depth and uri."""
        return impacted(self.run("impact", prefix=prefix, **openlineage_prefix(prefix))[0]["rows"])

    def find_node(self, name: str) -> str:
        """The elementId of the one entity, in either source, that ``name`` names (find_node.cypher);
        NotFoundError when there is none or several."""
        found = self.run("find_node", start=name, openlineage_keys=openlineage_keys(name), resource_suffix=None)
        return str(one_named(name, found)["id"])

    def path(self, source: str, destination: str, all_paths: bool = False, max_length: int = 10) -> list[LineagePath]:
        """Paths from ``source`` to ``destination`` (or, when there are none, the other way), across the
        sources; either end may be a SageMaker entity or an OpenLineage one."""
        start, end = self.find_node(source), self.find_node(destination)
        for from_id, to_id in ((start, end), (end, start)):
            rows = self.run("path", from_id=from_id, to_id=to_id, all=all_paths, max_length=max_length)
            if rows:
                return [
                    LineagePath(
                        row["length"],
                        [
                            Hop(
                                source=h["source"],
                                source_arn=h["source_arn"],
                                source_name=h["source_name"],
                                source_type=h["source_type"],
                                association_type=relationship_name(h["relationship"]),
                                rule=h["rule"],
                                destination=h["destination"],
                                destination_arn=h["destination_arn"],
                                destination_name=h["destination_name"],
                                destination_type=h["destination_type"],
                            )
                            for h in row["hops"]
                        ],
                    )
                    for row in rows
                ]
        return []

    def find(
        self,
        name: str | None = None,
        lineage_type: str | None = None,
        entity_type: str | None = None,
        source_uri_prefix: str | None = None,
        status: str | None = None,
        created_after: str | None = None,
        created_before: str | None = None,
        limit: int = 1000,
        created_by: str | None = None,
    ) -> list[FoundEntity]:
        rows = self.run(
            "find",
            name_contains=name,
            lineage_type=lineage_type,
            type=entity_type,
            source_uri_prefix=source_uri_prefix,
            status=status,
            created_after=created_after,
            created_before=created_before,
            created_by=created_by,
            limit=limit,
            **openlineage_prefix(source_uri_prefix or ""),
        )
        return [FoundEntity(**row) for row in rows]
