"""``lineage``, ``artifact``, ``endpoint``, ``model-group`` and ``approval``: the SDK's LineageQuery and
its artifact, context and action helpers, answered from the graph."""

from __future__ import annotations

import dataclasses

import click

from lineage_graph.cli.lookups import (
    DIRECTIONS,
    ENTITY_COLUMNS,
    ENTITY_TABLE,
    graph_format_option,
    max_depth_option,
    output_option,
    print_one,
    print_rows,
)
from lineage_graph.cli.options import format_option, neo4j_options, time_option
from lineage_graph.graph.connection import connect
from lineage_graph.present.formats import render, to_json
from lineage_graph.present.graph_formats import GRAPH_FORMATS, render_crossing
from lineage_graph.query import Direction
from lineage_graph.query.explore import (
    LINEAGE_TYPES,
    OPENLINEAGE,
    CrossingEdge,
    CrossingEntity,
    GraphQueries,
    JobSummary,
    LineageFilter,
)
from lineage_graph.settings import Neo4jSettings

JOB_COLUMNS = [f.name for f in dataclasses.fields(JobSummary)]
JOB_TABLE = ["name", "type", "depth", "job_arn", "arn"]
CROSSING_COLUMNS = [f.name for f in dataclasses.fields(CrossingEntity)]
CROSSING_TABLE = ["name", "type", "lineage_type", "source_uri", "depth", "uri"]
# A table or CSV row has no room for a read's or write's facets: JSON has them.
CROSSING_EDGE_COLUMNS = [f.name for f in dataclasses.fields(CrossingEdge) if f.name != "facets"]


def _key_values(_ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> dict[str, str]:
    pairs = {}
    for value in values:
        key, sep, val = value.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{value!r} is not KEY=VALUE")
        pairs[key] = val
    return pairs


@click.command("lineage")
@click.argument("start")
@click.option("--direction", type=DIRECTIONS, default=Direction.BOTH.value, show_default=True)
@click.option(
    "--lineage-type",
    "lineage_types",
    multiple=True,
    type=click.Choice([*LINEAGE_TYPES, OPENLINEAGE]),
    help="Repeatable.",
)
@click.option(
    "--type",
    "types",
    multiple=True,
    help="Entity type: DataSet, Model, Endpoint, TrainingJob...; OpenLineage's Dataset, Job, Run. Repeatable.",
)
@time_option("--created-after")
@time_option("--created-before")
@time_option("--modified-after")
@time_option("--modified-before")
@click.option(
    "--property",
    "properties",
    multiple=True,
    callback=_key_values,
    metavar="KEY=VALUE",
    help="Entities whose property KEY is VALUE (any pair matches, as in QueryLineage). Repeatable.",
)
@max_depth_option
@click.option("--include-edges", is_flag=True, help="Also print the associations among the answer and START.")
@graph_format_option("table, json, csv; mermaid, dot or html draw the subgraph (they imply --include-edges).")
@output_option
@neo4j_options
def lineage_command(
    start: str,
    direction: str,
    lineage_types: tuple[str, ...],
    types: tuple[str, ...],
    created_after: str | None,
    created_before: str | None,
    modified_after: str | None,
    modified_before: str | None,
    properties: dict[str, str],
    max_depth: int | None,
    include_edges: bool,
    fmt: str,
    output: str | None,
    neo4j: Neo4jSettings,
) -> None:
    """Entities reachable from START (an ARN, a trial component, context or action name, a source URI; an
    OpenLineage dataset's URI, job's namespace/name or run id), like the SDK's LineageQuery.query() with no
    depth or page limit, and across the sources: OpenLineage's runs and datasets (READ_BY, WROTE) and the
    join between them and SageMaker's entities (SAME_OBJECT). Every row has a `uri`: the ARN, or
    OpenLineage's readable id.

    \b
    Example:
      lineage-graph lineage churn-exec-3-train-aws-training-job --direction ascendants --type DataSet
      lineage-graph lineage s3://acme-landing/crm/customers/ --direction descendants --format html --output crm.html
    """
    query_filter = LineageFilter(
        lineage_types, types, created_after, created_before, modified_after, modified_before, properties
    )
    with connect(neo4j) as driver:
        result = GraphQueries(driver, neo4j.database).lineage_across(
            start, Direction(direction), query_filter, max_depth, include_edges or fmt in GRAPH_FORMATS
        )
    if fmt in GRAPH_FORMATS:
        with click.open_file(output or "-", "w", encoding="utf-8") as out:
            picture = render_crossing(
                [dataclasses.asdict(v) for v in result.vertices],
                [dataclasses.asdict(e) for e in result.edges or []],
                result.start,
                fmt,
                f"Lineage of {start}",
            )
            click.echo(picture, file=out)
    elif result.edges is None and fmt == "json":
        click.echo(to_json([dataclasses.asdict(v) for v in result.vertices]))
    elif result.edges is None:
        print_rows(result.vertices, fmt, CROSSING_COLUMNS, CROSSING_TABLE)
    elif fmt == "json":
        click.echo(
            to_json(
                {
                    "vertices": [dataclasses.asdict(v) for v in result.vertices],
                    "edges": [dataclasses.asdict(e) for e in result.edges],
                }
            )
        )
    else:
        print_rows(result.vertices, fmt, CROSSING_COLUMNS, CROSSING_TABLE)
        click.echo("")
        print_rows(result.edges, fmt, CROSSING_EDGE_COLUMNS, CROSSING_EDGE_COLUMNS)


# -- artifact ------------------------------------------------------------------------------------------
@click.group("artifact")
def artifact_group() -> None:
    """Lookups from an artifact (ARN, name or source URI): the SDK's artifact helpers."""


@artifact_group.command("trial-components")
@click.argument("artifact")
@click.option("--direction", type=DIRECTIONS, default=Direction.DESCENDANTS.value, show_default=True)
@max_depth_option
@format_option
@neo4j_options
def artifact_trial_components(
    artifact: str, direction: str, max_depth: int | None, fmt: str, neo4j: Neo4jSettings
) -> None:
    """Trial components (jobs) downstream of ARTIFACT, like Artifact.downstream_trials_v2()."""
    with connect(neo4j) as driver:
        found = GraphQueries(driver, neo4j.database).artifact_trial_components(
            artifact, Direction(direction), max_depth
        )
    print_rows(found, fmt, JOB_COLUMNS, JOB_TABLE)


@artifact_group.command("trained-models")
@click.argument("artifact")
@max_depth_option
@format_option
@neo4j_options
def artifact_trained_models(artifact: str, max_depth: int | None, fmt: str, neo4j: Neo4jSettings) -> None:
    """Model artifacts trained from ARTIFACT, like DatasetArtifact.trained_models()."""
    with connect(neo4j) as driver:
        found = GraphQueries(driver, neo4j.database).artifact_trained_models(artifact, max_depth)
    print_rows(found, fmt, ENTITY_COLUMNS, ENTITY_TABLE)


@artifact_group.command("endpoints")
@click.argument("artifact")
@click.option("--direction", type=DIRECTIONS, default=Direction.DESCENDANTS.value, show_default=True)
@max_depth_option
@format_option
@neo4j_options
def artifact_endpoints(artifact: str, direction: str, max_depth: int | None, fmt: str, neo4j: Neo4jSettings) -> None:
    """Endpoint contexts a model (or dataset) reaches, like ModelArtifact.endpoint_contexts()."""
    with connect(neo4j) as driver:
        found = GraphQueries(driver, neo4j.database).artifact_endpoints(artifact, Direction(direction), max_depth)
    print_rows(found, fmt, ENTITY_COLUMNS, ENTITY_TABLE)


@artifact_group.command("datasets")
@click.argument("artifact")
@click.option("--direction", type=DIRECTIONS, default=None, help="[default: descendants for an Image, else ascendants]")
@max_depth_option
@format_option
@neo4j_options
def artifact_datasets(
    artifact: str, direction: str | None, max_depth: int | None, fmt: str, neo4j: Neo4jSettings
) -> None:
    """DataSet artifacts of ARTIFACT, like ImageArtifact.datasets() and ModelArtifact.dataset_artifacts()."""
    with connect(neo4j) as driver:
        found = GraphQueries(driver, neo4j.database).artifact_datasets(
            artifact, Direction(direction) if direction else None, max_depth
        )
    print_rows(found, fmt, ENTITY_COLUMNS, ENTITY_TABLE)


@artifact_group.command("pipeline-execution")
@click.argument("artifact")
@format_option
@neo4j_options
def artifact_pipeline_execution(artifact: str, fmt: str, neo4j: Neo4jSettings) -> None:
    """The pipeline execution behind a model, like ModelArtifact.pipeline_execution_arn()."""
    with connect(neo4j) as driver:
        answer = GraphQueries(driver, neo4j.database).model_pipeline_execution(artifact)
    print_one(answer, fmt)


# -- endpoint ------------------------------------------------------------------------------------------
@click.group("endpoint")
def endpoint_group() -> None:
    """Lookups from an endpoint (its name or ARN, or its context's): the SDK's EndpointContext helpers."""


def _endpoint_lookup(name: str, method: str, doc: str, jobs: bool) -> click.Command:
    @click.argument("endpoint")
    @max_depth_option
    @format_option
    @neo4j_options
    def command(endpoint: str, max_depth: int | None, fmt: str, neo4j: Neo4jSettings) -> None:
        with connect(neo4j) as driver:
            found = getattr(GraphQueries(driver, neo4j.database), method)(endpoint, max_depth)
        if jobs:
            print_rows(found, fmt, JOB_COLUMNS, JOB_TABLE)
        else:
            print_rows(found, fmt, ENTITY_COLUMNS, ENTITY_TABLE)

    command.__doc__ = doc
    return endpoint_group.command(name)(command)


_endpoint_lookup(
    "models",
    "endpoint_models",
    "Model artifacts deployed to ENDPOINT (upstream; the SDK's models() walks the wrong way).",
    jobs=False,
)
_endpoint_lookup("datasets", "endpoint_dataset_artifacts", "DataSet artifacts behind ENDPOINT.", jobs=False)
_endpoint_lookup(
    "training-jobs", "endpoint_training_jobs", "Training jobs behind ENDPOINT (job_arn is the job).", jobs=True
)
_endpoint_lookup("processing-jobs", "endpoint_processing_jobs", "Processing jobs behind ENDPOINT.", jobs=True)
_endpoint_lookup("transform-jobs", "endpoint_transform_jobs", "Transform jobs behind ENDPOINT.", jobs=True)
_endpoint_lookup("trial-components", "endpoint_trial_components", "Every trial component behind ENDPOINT.", jobs=True)


@endpoint_group.command("pipeline-execution")
@click.argument("endpoint")
@format_option
@neo4j_options
def endpoint_pipeline_execution(endpoint: str, fmt: str, neo4j: Neo4jSettings) -> None:
    """The pipeline execution that ran the nearest training job behind ENDPOINT."""
    with connect(neo4j) as driver:
        answer = GraphQueries(driver, neo4j.database).endpoint_pipeline_execution(endpoint)
    print_one(answer, fmt)


# -- model package groups, approvals -------------------------------------------------------------------
@click.group("model-group")
def model_group_group() -> None:
    """Lookups from a model package group (its name or ARN, or its context's)."""


@model_group_group.command("pipeline-executions")
@click.argument("group")
@format_option
@neo4j_options
def model_group_pipeline_executions(group: str, fmt: str, neo4j: Neo4jSettings) -> None:
    """Every pipeline execution that registered a version in GROUP (the SDK knows only the last)."""
    with connect(neo4j) as driver:
        found = GraphQueries(driver, neo4j.database).model_group_pipeline_executions(group)
    rows = [dataclasses.asdict(f) for f in found]
    columns = ["model_group_arn", "pipeline_execution_arn", "pipeline_name", "status", "model_package_arns", "found_by"]
    click.echo(render(rows, fmt, columns, ["pipeline_name", "status", "found_by", "pipeline_execution_arn"]))


@click.group("approval")
def approval_group() -> None:
    """Lookups from a model package approval action (name or ARN)."""


@approval_group.command("model-package")
@click.argument("action")
@format_option
@neo4j_options
def approval_model_package(action: str, fmt: str, neo4j: Neo4jSettings) -> None:
    """The model package version ACTION approves (its full ARN; the SDK returns the group by mistake)."""
    with connect(neo4j) as driver:
        answer = GraphQueries(driver, neo4j.database).approval_model_package(action)
    print_one(answer, fmt)


COMMANDS = (lineage_command, artifact_group, endpoint_group, model_group_group, approval_group)
