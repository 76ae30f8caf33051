"""``datasets``, ``models`` and ``pipeline-execution``: the SDK's LineageTrialComponent lookups."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

import click

from lineage_graph.cli.options import format_option, neo4j_options
from lineage_graph.graph.connection import connect
from lineage_graph.present.formats import FORMATS, render, to_json
from lineage_graph.present.graph_formats import GRAPH_FORMATS
from lineage_graph.query import Direction, LineageEntitySummary, LineageQueries
from lineage_graph.settings import Neo4jSettings

ENTITY_COLUMNS = [f.name for f in dataclasses.fields(LineageEntitySummary)]
ENTITY_TABLE = ["name", "type", "lineage_type", "source_uri", "depth", "arn"]
DIRECTIONS = click.Choice([d.value for d in Direction])


def max_depth_option(command: click.decorators.FC) -> click.decorators.FC:
    return click.option(
        "--max-depth",
        type=click.IntRange(min=1),
        default=None,
        help="Follow at most N associations (SageMaker's own cap is 10).  [default: unlimited]",
    )(command)


def graph_format_option(help_text: str) -> Callable[[click.decorators.FC], click.decorators.FC]:
    """--format for answers that are subgraphs: table, json, csv, or a picture (mermaid, dot, html)."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice([*FORMATS, *GRAPH_FORMATS]),
        default="table",
        show_default=True,
        help=help_text,
    )


def output_option(command: click.decorators.FC) -> click.decorators.FC:
    return click.option("--output", type=click.Path(dir_okay=False), default=None, help="Write to FILE, not stdout.")(
        command
    )


def print_one(item: Any, fmt: str) -> None:
    """One dataclass answer: a JSON object, or a one-row table or CSV."""
    row = dataclasses.asdict(item)
    click.echo(to_json(row) if fmt == "json" else render([row], fmt, list(row), list(row)))


def print_rows(items: Sequence[Any], fmt: str, columns: list[str], table_columns: list[str]) -> None:
    """Dataclass answers in the chosen format: all ``columns`` for programs, ``table_columns`` for people."""
    rows = [dataclasses.asdict(item) for item in items]
    click.echo(render(rows, fmt, columns, table_columns))


@click.command("datasets")
@click.argument("trial_component")
@click.option("--direction", type=DIRECTIONS, default=Direction.ASCENDANTS.value, show_default=True)
@max_depth_option
@format_option
@neo4j_options
def datasets_command(
    trial_component: str, direction: str, max_depth: int | None, fmt: str, neo4j: Neo4jSettings
) -> None:
    """DataSet artifacts of TRIAL_COMPONENT (name or ARN), like the SDK's dataset_artifacts().

    \b
    Example:
      lineage-graph datasets churn-exec-1-train-aws-training-job --format json
    """
    with connect(neo4j) as driver:
        found = LineageQueries(driver, neo4j.database).dataset_artifacts(
            trial_component, Direction(direction), max_depth
        )
    print_rows(found, fmt, ENTITY_COLUMNS, ENTITY_TABLE)


@click.command("models")
@click.argument("trial_component")
@click.option("--direction", type=DIRECTIONS, default=Direction.DESCENDANTS.value, show_default=True)
@max_depth_option
@format_option
@neo4j_options
def models_command(trial_component: str, direction: str, max_depth: int | None, fmt: str, neo4j: Neo4jSettings) -> None:
    """Model artifacts of TRIAL_COMPONENT (name or ARN), like the SDK's models().

    \b
    Example:
      lineage-graph models churn-exec-1-train-aws-training-job --max-depth 10
    """
    with connect(neo4j) as driver:
        found = LineageQueries(driver, neo4j.database).models(trial_component, Direction(direction), max_depth)
    print_rows(found, fmt, ENTITY_COLUMNS, ENTITY_TABLE)


@click.command("pipeline-execution")
@click.argument("trial_component")
@format_option
@neo4j_options
def pipeline_execution_command(trial_component: str, fmt: str, neo4j: Neo4jSettings) -> None:
    """The pipeline execution that ran TRIAL_COMPONENT's job, like the SDK's pipeline_execution_arn().

    Prints "(none)" in the table (null in JSON) when no pipeline ran it. Where several executions are
    linked to it (a cached step, or an execution SageMaker no longer has that a full run's cleanup has not
    removed), lists them all, newest first, and says which one the SDK's single answer stands for.

    \b
    Example:
      lineage-graph pipeline-execution churn-exec-1-train-aws-training-job --format json
    """
    with connect(neo4j) as driver:
        answer = LineageQueries(driver, neo4j.database).pipeline_execution(trial_component)
    if fmt == "json":
        click.echo(to_json(dataclasses.asdict(answer)))
        return
    rows = [
        {"trial_component_arn": answer.trial_component_arn, "pipeline_execution_arn": e.arn, **dataclasses.asdict(e)}
        for e in answer.pipeline_executions
    ]
    columns = ["pipeline_execution_arn", "pipeline_name", "status", "start_time", "step_name", "cache_hit"]
    click.echo(render(rows, fmt, ["trial_component_arn", *columns], columns))
    if fmt == "table" and len(rows) > 1:
        click.echo(
            f"\n{len(rows)} pipeline executions are linked to this trial component (newest first); "
            f"the newest that ran its job, the SDK's single answer, is {answer.pipeline_execution_arn}"
        )
