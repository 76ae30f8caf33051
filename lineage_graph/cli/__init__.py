"""The ``lineage-graph`` command: thin click wrappers, no Cypher and no boto3 here."""

from __future__ import annotations

import click
from neo4j.exceptions import DriverError, Neo4jError

from lineage_graph import __version__
from lineage_graph.cli.demo_cmd import demo_command
from lineage_graph.cli.doctor_cmd import doctor_command
from lineage_graph.cli.investigate import COMMANDS as INVESTIGATION_COMMANDS
from lineage_graph.cli.lookups import datasets_command, models_command, pipeline_execution_command
from lineage_graph.cli.neo4j_cmd import neo4j_group
from lineage_graph.cli.openlineage_cmd import openlineage_group
from lineage_graph.cli.provenance_cmd import COMMANDS as PROVENANCE_COMMANDS
from lineage_graph.cli.queries import COMMANDS as QUERY_COMMANDS
from lineage_graph.cli.sandbox_cmd import sandbox_group
from lineage_graph.cli.serve_cmd import serve_command
from lineage_graph.cli.status_cmd import status_command
from lineage_graph.cli.sync_cmd import sync_command
from lineage_graph.errors import LineageGraphError
from lineage_graph.graph.connection import neo4j_failure


class _Cli(click.Group):
    """Turns user-facing errors into one line on stderr and their exit code, also under CliRunner."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except LineageGraphError as err:
            click.echo(f"error: {err}", err=True)
            ctx.exit(err.exit_code)
        except (Neo4jError, DriverError) as err:  # Neo4j gone or refusing the database, in any command
            failure = neo4j_failure(err)
            if failure is None:
                raise
            click.echo(f"error: {failure}", err=True)
            ctx.exit(failure.exit_code)


@click.group(cls=_Cli, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.version_option(__version__, prog_name="lineage-graph")
def cli() -> None:
    """Mirror SageMaker ML lineage into Neo4j and answer lineage lookups from it.

    \b
    Example:
      lineage-graph neo4j start && lineage-graph sync && lineage-graph datasets my-job-aws-training-job
    """


for command in (
    sync_command,
    datasets_command,
    models_command,
    pipeline_execution_command,
    *QUERY_COMMANDS,
    *INVESTIGATION_COMMANDS,
    *PROVENANCE_COMMANDS,
    neo4j_group,
    openlineage_group,
    sandbox_group,
    serve_command,
    openlineage_group,
    demo_command,
    status_command,
    doctor_command,
):
    cli.add_command(command)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="lineage-graph")
