"""``lineage-graph openlineage``: OpenLineage in (``import``, files of events) and out (``export``)."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from datetime import datetime
from typing import BinaryIO

import click
from openlineage.client import OpenLineageClient

from lineage_graph.cli.options import TIMESTAMP, neo4j_options, report_format_option, verbosity_option
from lineage_graph.errors import ConfigurationError
from lineage_graph.graph.connection import connect
from lineage_graph.openlineage.export import (
    DEFAULT_PAGE_SIZE,
    ExportReport,
    NdjsonTransport,
    configured_client,
    enabled,
    export,
    target_of,
)
from lineage_graph.openlineage.ingest import import_lines, summary
from lineage_graph.openlineage.load import OpenLineageWriter
from lineage_graph.present.formats import to_json
from lineage_graph.present.progress import TerminalProgress
from lineage_graph.settings import Neo4jSettings


@click.group("openlineage")
def openlineage_group() -> None:
    """OpenLineage, the open lineage standard: events in from Spark, Airflow or dbt (`serve` receives them
    over HTTP, `import` from files), SageMaker's lineage out to Marquez, DataZone and the like."""


@openlineage_group.command("import")
@click.argument("file", type=click.File("rb"), metavar="FILE|-")
@neo4j_options
@report_format_option
@verbosity_option
def import_command(file: BinaryIO, neo4j: Neo4jSettings, fmt: str) -> None:
    """Write newline-delimited OpenLineage events (a Kafka dump, a Marquez export, the client's file
    transport) into the graph; `-` reads stdin.

    Each line is one run, dataset or job event, checked as `serve` checks a request. Invalid lines are
    reported with their number and reason and skipped; the others are written in batches. Exit 7 when
    some lines were invalid. Running it again changes nothing.

    \b
    Example:
      lineage-graph openlineage import events.ndjson
      kafka-console-consumer --topic openlineage ... | lineage-graph openlineage import -
    """
    name = getattr(file, "name", "<stdin>")
    source = "stdin" if name == "<stdin>" else str(name)
    progress = TerminalProgress(verb="importing", unit="events")
    with connect(neo4j) as driver:
        writer = OpenLineageWriter(driver, neo4j.database)
        writer.apply_schema()
        try:
            report = import_lines(file, writer, source, progress=lambda n: progress.update(source, "written", n))
        finally:
            progress.close()
    if fmt == "json":
        click.echo(to_json(report.to_dict()))
    else:
        for line in summary(report):
            click.echo(line)
    if report.exit_code:
        raise click.exceptions.Exit(report.exit_code)


@contextlib.contextmanager
def _client(file: str | None) -> Iterator[OpenLineageClient]:
    """The configured client, or with ``--file`` one that appends NDJSON to the file (``-``: stdout)."""
    if file is None:
        yield configured_client()
    elif file == "-":
        yield enabled(OpenLineageClient(transport=NdjsonTransport(sys.stdout, "stdout")))
    else:
        transport = NdjsonTransport(None, f"file:{os.path.abspath(file)}")
        client = enabled(OpenLineageClient(transport=transport))  # refused before the file exists
        try:
            stream = open(file, "a", encoding="utf-8")  # noqa: SIM115 (closed below, after the export)
        except OSError as err:
            raise ConfigurationError(f"cannot write {file}: {err.strerror}") from None
        with stream:
            transport.stream = stream
            yield client


@openlineage_group.command("export")
@neo4j_options
@click.option(
    "--file",
    metavar="PATH",
    default=None,
    help="Append the events to PATH as NDJSON ('-': stdout) instead of sending them with the configured transport.",
)
@click.option(
    "--since",
    type=TIMESTAMP,
    metavar="ISO",
    default=None,
    help="Export what changed at or after this time (trial components, associations, pipeline executions "
    "started), whatever the watermark.",
)
@click.option("--full", is_flag=True, help="Export every trial component, ignoring the watermark.")
@click.option(
    "--target",
    default=None,
    help="Name to keep this export's watermark under  [default: where the transport sends: its URL, "
    "DataZone domain, topic or file]",
)
@click.option(
    "--page-size",
    type=click.IntRange(1, 10_000),
    default=DEFAULT_PAGE_SIZE,
    show_default=True,
    help="Trial components read from Neo4j per query.",
)
@report_format_option
@verbosity_option
def export_command(
    neo4j: Neo4jSettings,
    file: str | None,
    since: str | None,
    full: bool,
    target: str | None,
    page_size: int,
    fmt: str,
) -> None:
    """Send SageMaker's lineage from the graph as OpenLineage run events.

    Each trial component is a run of its job (training, processing, transform) with START and its end
    (COMPLETE, FAIL, ABORT) at their real times, the datasets it read and wrote, and its pipeline execution
    as parent run; each pipeline execution a run of its pipeline. Run IDs are the same at every export. The
    transport is the OpenLineage client's own configuration: OPENLINEAGE_URL, OPENLINEAGE_CONFIG or
    openlineage.yml (HTTP, amazon_datazone_api, kafka, file...). Incremental: each target keeps a watermark
    in Neo4j, moved once the transport took every event; a trial component is sent again when an association
    with an artifact was created since, a pipeline execution sent while running until it has ended.

    \b
    Example:
      OPENLINEAGE_URL=http://localhost:5000 lineage-graph openlineage export
      lineage-graph openlineage export --full --file events.ndjson
    """
    if since is not None and full:
        raise click.UsageError("--since and --full are alternatives: --full exports everything")
    progress = TerminalProgress(verb="exporting to", unit="runs")
    try:
        with connect(neo4j) as driver, _client(file) as client:
            report = export(
                driver,
                neo4j.database,
                client,
                target or target_of(client.transport),
                since=datetime.fromisoformat(since) if since else None,
                full=full,
                page_size=page_size,
                progress=progress.update,
            )
    finally:
        progress.close()
    # With the events on stdout (--file -), the summary goes to stderr.
    to_stderr = file == "-"
    if fmt == "json":
        click.echo(to_json(report.to_dict()), err=to_stderr)
    else:
        click.echo(_summary(report), err=to_stderr)


def _summary(report: ExportReport) -> str:
    data = report.to_dict()
    after = data["watermark_after"]
    moved = "unchanged" if after == data["watermark_before"] else "now"
    where = f"{after['time']} ({after['arn']})" if after else "none"
    held = (
        f" {data['held_back']} trial components changed after {data['until']} wait for their sync to finish."
        if data["held_back"]
        else ""
    )
    again = (
        f" {data['reassociated']} of the trial components were sent again for an association created since."
        if data["reassociated"]
        else ""
    )
    return (
        f"Exported {data['runs']} runs ({data['pipeline_executions']} pipeline executions; {data['events']} events, "
        f"{data['datasets']} datasets) to {data['target']} in {data['seconds']:.1f} s; watermark {moved}: "
        f"{where}.{again}{held}"
    )
