"""``impact``, ``path``, ``find`` and ``cypher``: the lineage questions SageMaker cannot answer."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import click

from lineage_graph.cli.lookups import print_rows
from lineage_graph.cli.options import format_option, neo4j_options, time_option
from lineage_graph.graph.connection import connect
from lineage_graph.present.formats import render, to_json
from lineage_graph.query.adhoc import query_text, run_read
from lineage_graph.query.explore import (
    LINEAGE_TYPES,
    OPENLINEAGE,
    FoundEntity,
    Hop,
    ImpactedEntity,
    InvestigationQueries,
)
from lineage_graph.settings import Neo4jSettings

IMPACT_COLUMNS = [f.name for f in dataclasses.fields(ImpactedEntity)]
FOUND_COLUMNS = [f.name for f in dataclasses.fields(FoundEntity)]
HOP_COLUMNS = ["path", "hop", *(f.name for f in dataclasses.fields(Hop))]


@click.command("impact")
@click.argument("prefix")
@format_option
@neo4j_options
def impact_command(prefix: str, fmt: str, neo4j: Neo4jSettings) -> None:
    """Everything downstream of data under PREFIX (an S3 URI or prefix): jobs, models, model packages,
    endpoints, pipelines and executions, grouped by kind; across the sources, from SageMaker's artifacts and
    OpenLineage's datasets there, through the ETL runs that read them (openlineage_run, with its job) and
    what those wrote. What to check before deleting or fixing data.

    \b
    Example:
      lineage-graph impact s3://acme-ml-raw/payments/ --format json
    """
    with connect(neo4j) as driver:
        found = InvestigationQueries(driver, neo4j.database).impact(prefix)
    if fmt == "json":
        grouped: dict[str, list[dict[str, Any]]] = {}
        for entity in found:
            grouped.setdefault(entity.kind, []).append(dataclasses.asdict(entity))
        click.echo(to_json(grouped))
    else:
        print_rows(found, fmt, IMPACT_COLUMNS, ["kind", "name", "type", "depth", "uri"])


@click.command("path")
@click.argument("source")
@click.argument("destination")
@click.option("--all", "all_paths", is_flag=True, help="All simple paths (shortest first, at most 100).")
@click.option(
    "--max-length", type=click.IntRange(1, 30), default=10, show_default=True, help="Longest path with --all."
)
@format_option
@neo4j_options
def path_command(
    source: str, destination: str, all_paths: bool, max_length: int, fmt: str, neo4j: Neo4jSettings
) -> None:
    """How SOURCE reached DESTINATION (ARNs, names or URIs; OpenLineage's datasets, jobs and runs too): the
    shortest path across the sources, as hops in the edges' direction (DESTINATION to SOURCE when that is the
    way the edges point). A hop through the join is SAME_OBJECT with its rule.

    \b
    Example:
      lineage-graph path s3://acme-ml-raw/crm/customers/customers.parquet churn-prod-aws-endpoint --all
    """
    with connect(neo4j) as driver:
        paths = InvestigationQueries(driver, neo4j.database).path(source, destination, all_paths, max_length)
    if fmt == "json":
        click.echo(to_json([dataclasses.asdict(p) for p in paths]))
        return
    rows = [
        {"path": number, "hop": index, **dataclasses.asdict(hop)}
        for number, p in enumerate(paths, start=1)
        for index, hop in enumerate(p.hops, start=1)
    ]
    table = ["path", "hop", "source_name", "association_type", "rule", "destination_name", "destination_type"]
    click.echo(render(rows, fmt, HOP_COLUMNS, table) if rows else "(no path)")


@click.command("find")
@click.option("--name", help="A substring of the name (case-insensitive).")
@click.option("--lineage-type", type=click.Choice([*LINEAGE_TYPES, OPENLINEAGE]))
@click.option("--type", "entity_type", help="DataSet, Model, Endpoint, TrainingJob, Approval, ...; Dataset, Job, Run.")
@click.option("--source-uri-prefix", help="A prefix of the source URI (a trial component's: its job ARN).")
@click.option("--status", help="Completed, Failed, InProgress, ...")
@time_option("--created-after")
@time_option("--created-before")
@click.option(
    "--created-by",
    metavar="WHO",
    help="Who created it: a Studio user profile's name or ARN, or an IAM identity's ARN (SageMaker's CreatedBy).",
)
@click.option("--limit", type=click.IntRange(min=1), default=1000, show_default=True)
@format_option
@neo4j_options
def find_command(
    name: str | None,
    lineage_type: str | None,
    entity_type: str | None,
    source_uri_prefix: str | None,
    status: str | None,
    created_after: str | None,
    created_before: str | None,
    created_by: str | None,
    limit: int,
    fmt: str,
    neo4j: Neo4jSettings,
) -> None:
    """Lineage entities by name, type, source URI prefix, status, creation time and creator; OpenLineage's
    datasets, jobs and runs too (--lineage-type OpenLineage, --type Dataset, Job or Run).

    \b
    Example:
      lineage-graph find --type Endpoint --name churn
    """
    with connect(neo4j) as driver:
        found = InvestigationQueries(driver, neo4j.database).find(
            name, lineage_type, entity_type, source_uri_prefix, status, created_after, created_before, limit, created_by
        )
    print_rows(found, fmt, FOUND_COLUMNS, ["name", "lineage_type", "type", "status", "source_uri", "uri"])


def _params(_ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for value in values:
        key, sep, raw = value.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{value!r} is not KEY=VALUE")
        try:
            params[key] = json.loads(raw)
        except ValueError:
            params[key] = raw
    return params


@click.command("cypher")
@click.argument("query_or_file")
@click.option(
    "--param",
    "params",
    multiple=True,
    callback=_params,
    metavar="KEY=VALUE",
    help='A query parameter; VALUE is read as JSON (null, 3, ["a"]) when it parses, else as a string. Repeatable.',
)
@format_option
@neo4j_options
def cypher_command(query_or_file: str, params: dict[str, Any], fmt: str, neo4j: Neo4jSettings) -> None:
    """Run a saved query (a name from cypher/, e.g. lineage_query), a .cypher file, or Cypher text, in a
    read transaction: Neo4j refuses any write (exit code 2).

    \b
    Example:
      lineage-graph cypher find_trial_component --param trial_component=churn-exec-3-train-aws-training-job
      lineage-graph cypher "MATCH (e:Endpoint) RETURN e.name AS name" --format json
    """
    with connect(neo4j) as driver:
        answer = run_read(driver, neo4j.database, query_text(query_or_file), params)
    click.echo(render(answer.rows, fmt, answer.columns, answer.columns))


COMMANDS = (impact_command, path_command, find_command, cypher_command)
