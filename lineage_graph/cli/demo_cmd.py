"""``lineage-graph demo``: the whole flow on a laptop, with no AWS account and no Docker."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from urllib.parse import quote

import click
from neo4j import Driver

from lineage_graph.cli.sync_cmd import ShardFailedError, format_report
from lineage_graph.graph.connection import connect
from lineage_graph.graph.load import GraphWriter
from lineage_graph.graph.model import OPENLINEAGE_LABEL
from lineage_graph.present.formats import table
from lineage_graph.query import LineageQueries
from lineage_graph.query.explore import GraphQueries
from lineage_graph.query.lookups import Direction
from lineage_graph.settings import DEFAULT_NEO4J_PASSWORD, AwsSettings, Neo4jSettings
from lineage_graph.shards import SyncOptions, sync_shard
from lineage_graph.sync import SyncReport
from lineage_graph.web.background import DEFAULT_HOST, DEFAULT_PORT, STATE_DIR_ENVVAR, BackgroundServe, Started

DEMO_REGION = "us-east-1"
# The endpoint context whose ancestry crosses into the ETL (sandbox/upstream.py) in the demo's last answer
# (by ARN: its deployment action has the same name).
DEMO_ENDPOINT_CONTEXT = "context/churn-prod-aws-endpoint"


def sync_demo(driver: Driver, database: str, sandbox_url: str, account: str) -> SyncReport:
    """The demo account's nodes replaced by a full sync of the sandbox, through the path every
    ``lineage-graph sync`` takes: under the shard's lease, and recorded as a ``SyncRun``."""
    GraphWriter(driver, database).delete_account(account)
    outcome = sync_shard(
        AwsSettings(region=DEMO_REGION, endpoint_url=sandbox_url), driver, database, SyncOptions(full=True)
    )
    if outcome.report is None:
        raise ShardFailedError(outcome.error or "the demo's sync failed", outcome.exit_code)
    return outcome.report


@click.command("demo")
@click.option(
    "--bolt-port",
    type=click.IntRange(1, 65535),
    default=7687,
    show_default=True,
    envvar="LINEAGE_GRAPH_NEO4J_BOLT_PORT",
    help="Bolt port of the local Neo4j.  [env LINEAGE_GRAPH_NEO4J_BOLT_PORT]",
)
@click.option(
    "--data-dir",
    type=click.Path(path_type=Path),
    default=None,
    envvar="LINEAGE_GRAPH_NEO4J_DATA_DIR",
    help="Data directory of the local Neo4j  "
    "[env LINEAGE_GRAPH_NEO4J_DATA_DIR; default: ~/.local/share/lineage-graph/neo4j]",
)
@click.option(
    "--password",
    envvar="NEO4J_PASSWORD",
    default=DEFAULT_NEO4J_PASSWORD,
    show_default=False,
    help="Password of the local Neo4j  [env NEO4J_PASSWORD; default: the development password]",
)
@click.option(
    "--explorer-port",
    type=click.IntRange(1, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="Port of the explorer (lineage-graph serve) on 127.0.0.1; when another program has it, a free one.",
)
@click.option(
    "--serve-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    envvar=STATE_DIR_ENVVAR,
    help="State directory of the background serve (serve.pid, serve.json, serve.log)  "
    f"[env {STATE_DIR_ENVVAR}; default: ~/.local/share/lineage-graph/serve]",
)
def demo_command(
    bolt_port: int, data_dir: Path | None, password: str, explorer_port: int, serve_dir: Path | None
) -> None:
    """Start the local Neo4j and a sandbox seeded with a demo account, sync it, answer three lookups, and
    leave the lineage explorer running.

    Neo4j and the explorer (`lineage-graph serve` in the background, on 127.0.0.1) keep running afterwards:
    `lineage-graph neo4j stop` and `lineage-graph serve --stop` stop them. The explorer's URL is printed
    last. A second run replaces the explorer of the first. The sandbox ends with the command. The demo
    account's nodes (account 123456789012) are replaced on each run.

    \b
    Examples:
      lineage-graph demo && lineage-graph models churn-exec-3-train-aws-training-job
      lineage-graph serve --stop && lineage-graph neo4j stop
    """
    from moto.core import DEFAULT_ACCOUNT_ID

    from lineage_graph.neo4j_local import LocalNeo4j
    from lineage_graph.sandbox.seed import DEMO_TRIAL_COMPONENT, seed_demo
    from lineage_graph.sandbox.server import SandboxServer, client_for
    from lineage_graph.sandbox.upstream import etl_events, post

    uri = LocalNeo4j(data_dir, bolt_port).start(password)
    neo4j = Neo4jSettings(uri=uri, password=password)
    with SandboxServer(port=0) as sandbox, connect(neo4j) as driver:
        summary = seed_demo(client_for(sandbox.url, DEMO_REGION))
        click.echo(
            f"Seeded the sandbox at {sandbox.url} with a demo account: {summary.trial_components} trial "
            f"components, {summary.pipeline_executions} pipeline executions, {summary.endpoints} endpoints.\n"
        )
        # The sandbox takes any credentials; give boto3 some if the machine has none.
        os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
        report = sync_demo(driver, neo4j.database, sandbox.url, DEFAULT_ACCOUNT_ID)
        click.echo(format_report(report) + "\n")
        events = etl_events(DEMO_REGION, DEFAULT_ACCOUNT_ID)
        explorer = BackgroundServe(serve_dir)
        started = explorer.start(neo4j, DEFAULT_HOST, explorer_port, any_port_if_taken=True)
        try:
            post(started.url, events)
        except BaseException:
            explorer.stop()  # no explorer left over a demo whose events did not go in
            raise
        click.echo(
            f"Posted {len(events)} OpenLineage events of the nightly ETL that builds the raw data to "
            f"lineage-graph serve ({started.url}), as Spark and Airflow would.\n"
        )

        queries = LineageQueries(driver, neo4j.database)
        for title, entities in (
            ("lineage-graph datasets", queries.dataset_artifacts(DEMO_TRIAL_COMPONENT)),
            ("lineage-graph models", queries.models(DEMO_TRIAL_COMPONENT)),
        ):
            click.echo(f"$ {title} {DEMO_TRIAL_COMPONENT}")
            columns = ["type", "source_uri", "depth", "arn"]
            click.echo(table([dataclasses.asdict(e) for e in entities], columns) + "\n")
        answer = queries.pipeline_execution(DEMO_TRIAL_COMPONENT)
        click.echo(f"$ lineage-graph pipeline-execution {DEMO_TRIAL_COMPONENT}")
        click.echo(f"{answer.pipeline_execution_arn or '(none)'}\n")
        endpoint = f"arn:aws:sagemaker:{DEMO_REGION}:{DEFAULT_ACCOUNT_ID}:{DEMO_ENDPOINT_CONTEXT}"
        upstream = GraphQueries(driver, neo4j.database).lineage_across(endpoint, Direction.ASCENDANTS)
        etl = [dataclasses.asdict(v) for v in upstream.vertices if v.lineage_type == OPENLINEAGE_LABEL]
        click.echo(f"$ lineage-graph lineage {endpoint} --direction ascendants   # its OpenLineage rows")
        click.echo(table(etl, ["type", "uri", "job", "depth"]) + "\n")
    click.echo(
        f"Neo4j is running at {uri} (user neo4j). Try `lineage-graph datasets {DEMO_TRIAL_COMPONENT} "
        f"--format json`, or `{_stop_command('neo4j stop', '--data-dir', data_dir)}` when done."
    )
    click.echo(_explorer_lines(started, endpoint, explorer, serve_dir, explorer_port))


def _stop_command(command: str, option: str, directory: Path | None) -> str:
    """The stop command as the user types it: with the directory only when it is not the default one."""
    return f"lineage-graph {command}" + (f" {option} {directory}" if directory is not None else "")


def _explorer_lines(
    started: Started, endpoint: str, explorer: BackgroundServe, serve_dir: Path | None, asked_port: int
) -> str:
    """The demo's last lines: where the explorer runs and how to stop it, then its two URLs."""
    lines = []
    if started.replaced:
        lines.append(f"Replaced the explorer of a previous demo (pid {started.replaced}).")
    if started.port_taken:
        lines.append(f"Port {asked_port} is taken by another program; the explorer listens on another one.")
    lines.append(
        f"The explorer (lineage-graph serve) is running in the background (pid {started.pid}, log "
        f"{explorer.log_file}); `{_stop_command('serve --stop', '--state-dir', serve_dir)}` stops it."
    )
    lines.append(f"Explorer: {started.url}/entity?ref={quote(endpoint, safe=':/')}")
    lines.append(f"          {started.url}/  (search)")
    return "\n".join(lines)
