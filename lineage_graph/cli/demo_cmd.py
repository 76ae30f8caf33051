"""``lineage-graph demo``: the whole flow on a laptop, with no AWS account and no Docker."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import select
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

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

DEMO_REGION = "us-east-1"
# The endpoint context whose ancestry crosses into the ETL (sandbox/upstream.py) in the demo's last answer
# (by ARN: its deployment action has the same name).
DEMO_ENDPOINT_CONTEXT = "context/churn-prod-aws-endpoint"
# How long serve may take to stop once told to: its graceful shutdown (web.serve.GRACEFUL_SHUTDOWN_S) and some.
SERVE_START_TIMEOUT_S = 120
SERVE_STOP_TIMEOUT_S = 60


@contextlib.contextmanager
def serving(neo4j: Neo4jSettings) -> Iterator[str]:
    """``lineage-graph serve`` on a free loopback port while the block runs; yields its URL.

    A process of its own, as a producer would find it, stopped with SIGTERM (its graceful shutdown)."""
    command = Path(sys.executable).with_name("lineage-graph")
    env = {**os.environ, **neo4j.environment()}
    env.pop("LINEAGE_GRAPH_TOKEN", None)  # loopback: no token, whatever the shell has
    with subprocess.Popen(
        [str(command), "serve", "--port", "0"], env=env, stderr=subprocess.PIPE, text=True
    ) as process:
        try:
            assert process.stderr is not None
            # Its first line says where it listens; a serve that says nothing in time is not waited for forever.
            ready, _, _ = select.select([process.stderr], [], [], SERVE_START_TIMEOUT_S)
            line = process.stderr.readline() if ready else ""
            if "listening on " not in line:
                raise click.ClickException(f"lineage-graph serve did not start: {line.strip() or 'no output'}")
            yield line.split("listening on ", 1)[1].split(" ", 1)[0]
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(SERVE_STOP_TIMEOUT_S)


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
def demo_command(bolt_port: int, data_dir: Path | None, password: str) -> None:
    """Start the local Neo4j and a sandbox seeded with a demo account, sync it, and answer three lookups.

    Neo4j keeps running afterwards (stop it with `lineage-graph neo4j stop`); the sandbox ends with the
    command. The demo account's nodes (account 123456789012) are replaced on each run.

    \b
    Example:
      lineage-graph demo && lineage-graph models churn-exec-3-train-aws-training-job
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
        with serving(neo4j) as url:
            post(url, events)
        click.echo(
            f"Posted {len(events)} OpenLineage events of the nightly ETL that builds the raw data to "
            f"lineage-graph serve ({url}), as Spark and Airflow would.\n"
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
        "--format json`, or `lineage-graph neo4j stop` when done."
    )
