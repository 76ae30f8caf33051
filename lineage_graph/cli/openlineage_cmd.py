"""``lineage-graph openlineage ...``: OpenLineage files in (``import``)."""

from __future__ import annotations

from typing import BinaryIO

import click

from lineage_graph.cli.options import neo4j_options, report_format_option, verbosity_option
from lineage_graph.graph.connection import connect
from lineage_graph.openlineage.ingest import import_lines, summary
from lineage_graph.openlineage.load import OpenLineageWriter
from lineage_graph.present.formats import to_json
from lineage_graph.present.progress import TerminalProgress
from lineage_graph.settings import Neo4jSettings


@click.group("openlineage")
def openlineage_group() -> None:
    """OpenLineage events in and out (`serve` receives them over HTTP)."""


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
