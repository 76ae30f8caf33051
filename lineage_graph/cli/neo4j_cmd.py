"""``lineage-graph neo4j``: run a local Neo4j from Maven Central jars."""

from __future__ import annotations

import functools
import time
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

from lineage_graph.cli.options import F
from lineage_graph.errors import ConfigurationError
from lineage_graph.neo4j_local import (
    DEFAULT_BOLT_PORT,
    DEFAULT_HEAP,
    DEFAULT_HTTP_PORT,
    DEFAULT_NEO4J_VERSION,
    MIN_PASSWORD_LENGTH,
    PAGE_CACHE_SIZE,
    USERNAME,
    LocalNeo4j,
    default_data_dir,
    ensure_browser_jar,
)
from lineage_graph.present.formats import to_json
from lineage_graph.settings import DEFAULT_NEO4J_PASSWORD

# LSB init-script convention for `status`: 0 running, 3 not running.
EXIT_NOT_RUNNING = 3


def version_option(command: F) -> F:
    return click.option(
        "--neo4j-version",
        envvar="LINEAGE_GRAPH_NEO4J_VERSION",
        default=DEFAULT_NEO4J_VERSION,
        show_default=True,
        help="Neo4j Community version (org.neo4j:neo4j on Maven Central).  [env LINEAGE_GRAPH_NEO4J_VERSION]",
    )(command)


def server_options(command: F) -> F:
    """--data-dir, --bolt-port, --neo4j-version; passes ``server: LocalNeo4j``."""

    @click.option(
        "--data-dir",
        envvar="LINEAGE_GRAPH_NEO4J_DATA_DIR",
        type=click.Path(file_okay=False, path_type=Path),
        default=default_data_dir,
        show_default="${XDG_DATA_HOME:-~/.local/share}/lineage-graph/neo4j",
        help="Neo4j home: databases, logs, server.pid, server.log.  [env LINEAGE_GRAPH_NEO4J_DATA_DIR]",
    )
    @click.option(
        "--bolt-port",
        envvar="LINEAGE_GRAPH_NEO4J_BOLT_PORT",
        type=click.IntRange(1, 65535),
        default=DEFAULT_BOLT_PORT,
        show_default=True,
        help="Bolt port on 127.0.0.1.  [env LINEAGE_GRAPH_NEO4J_BOLT_PORT]",
    )
    @version_option
    @functools.wraps(command)
    def wrapper(*args: Any, data_dir: Path, bolt_port: int, neo4j_version: str, **kwargs: Any) -> Any:
        server = LocalNeo4j(
            data_dir,
            bolt_port,
            neo4j_version,
            http_port=kwargs.pop("http_port", None),
            browser=kwargs.pop("browser", False),
            heap=kwargs.pop("heap", None),
            page_cache=kwargs.pop("page_cache", None),
            notify=_to_stderr,
        )
        return command(*args, server=server, **kwargs)

    return wrapper


def _to_stderr(message: str) -> None:
    click.echo(message, err=True)


@click.group("neo4j")
def neo4j_group() -> None:
    """Run a local Neo4j Community server from Maven Central jars (no Docker needed).

    Needs Java 17+ and, once, Maven. The jars are cached in
    ${LINEAGE_GRAPH_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/lineage-graph}/neo4j/<version>/lib.

    \b
    Example:
      lineage-graph neo4j start && lineage-graph neo4j status && lineage-graph neo4j stop
    """


@neo4j_group.command("install")
@version_option
@click.option("--browser", is_flag=True, help="Also download Neo4j Browser's jar (for `start --browser`).")
def install_command(neo4j_version: str, browser: bool) -> None:
    """Only download Neo4j's jars (CI prefetch); `start` does it on first use otherwise.

    \b
    Example:
      lineage-graph neo4j install --browser
    """
    lib = LocalNeo4j(version=neo4j_version, notify=_to_stderr).ensure_jars()
    jars = list(lib.glob("*.jar"))
    size_mb = sum(jar.stat().st_size for jar in jars) / 1e6
    click.echo(f"Neo4j {neo4j_version}: {len(jars)} jars, {size_mb:.0f} MB in {lib}")
    if browser:
        click.echo(f"Neo4j Browser: {ensure_browser_jar(_to_stderr)}")


@neo4j_group.command("start")
@server_options
@click.option(
    "--password",
    envvar="NEO4J_PASSWORD",
    default=DEFAULT_NEO4J_PASSWORD,
    show_default=False,
    help=f"Password of user {USERNAME}, set on first start (min. {MIN_PASSWORD_LENGTH} characters).  "
    "[env NEO4J_PASSWORD; default: the development password lineage-graph-dev]",
)
@click.option(
    "--heap",
    envvar="LINEAGE_GRAPH_NEO4J_HEAP",
    default=DEFAULT_HEAP,
    show_default=True,
    help="JVM maximum heap (-Xmx).  [env LINEAGE_GRAPH_NEO4J_HEAP]",
)
@click.option(
    "--page-cache",
    envvar="LINEAGE_GRAPH_NEO4J_PAGE_CACHE",
    default=PAGE_CACHE_SIZE,
    show_default=True,
    help="Memory for the store's pages; size it to the graph (about 1g per 250,000 lineage entities).  "
    "[env LINEAGE_GRAPH_NEO4J_PAGE_CACHE]",
)
@click.option(
    "--browser",
    is_flag=True,
    help="Also serve Neo4j Browser over HTTP on 127.0.0.1 (fetches org.neo4j.client:neo4j-browser once, ~15 MB).",
)
@click.option(
    "--http-port",
    type=click.IntRange(1, 65535),
    default=None,
    help=f"HTTP port of Neo4j Browser, with --browser.  [default: {DEFAULT_HTTP_PORT}]",
)
def start_command(server: LocalNeo4j, password: str) -> None:
    """Start Neo4j in the background on 127.0.0.1; return once Bolt answers with the password.

    The first start downloads the jars (~120 MB) and sets the password of user neo4j; later starts keep it.
    Starting a running server only reports it; asking for another --bolt-port then is an error (exit 3).
    With --browser it also serves Neo4j Browser and prints its URL (docs/neo4j-browser.md is the guide);
    the password is typed into Browser's connect form, never in a URL.

    \b
    Examples:
      NEO4J_PASSWORD='my-secret-pw' lineage-graph neo4j start --bolt-port 7688
      lineage-graph neo4j start --browser --http-port 7474
    """
    if server.http_port is not None and not server.browser:
        raise click.UsageError("--http-port is the port of Neo4j Browser: it needs --browser")
    current = server.status()
    asked_port = click.get_current_context().get_parameter_source("bolt_port") != ParameterSource.DEFAULT
    if current.running and asked_port and current.bolt_port != server.bolt_port:
        raise ConfigurationError(
            f"Neo4j already runs on this data dir at {current.uri} (pid {current.pid}), not on port "
            f"{server.bolt_port}: stop it first (`lineage-graph neo4j stop`) or use another --data-dir"
        )
    if current.running:
        click.echo(f"Neo4j is already running at {current.uri} (pid {current.pid})")
        if current.browser_url:
            click.echo(f"Neo4j Browser: {current.browser_url}")
        elif server.browser:
            click.echo("It runs without Neo4j Browser: `lineage-graph neo4j stop`, then start again with --browser.")
        return
    started = time.monotonic()
    uri = server.start(password)
    status = server.status()
    click.echo(
        f"Neo4j {server.version} is running at {uri} (pid {status.pid}, "
        f"started in {time.monotonic() - started:.1f} s); user {USERNAME}, data in {server.data_dir}"
    )
    if status.browser_url:
        click.echo(f"Neo4j Browser: {status.browser_url}")


@neo4j_group.command("stop")
@server_options
@click.option(
    "--timeout",
    type=click.FloatRange(1),
    default=60,
    show_default=True,
    help="Seconds to wait after SIGTERM before SIGKILL.",
)
def stop_command(server: LocalNeo4j, timeout: float) -> None:
    """Stop the local Neo4j cleanly (SIGTERM, then SIGKILL after --timeout). Stopping a stopped one is fine.

    \b
    Example:
      lineage-graph neo4j stop
    """
    result = server.stop(timeout)
    if result is None:
        click.echo(f"Neo4j is not running (data dir {server.data_dir})")
    elif result.killed:
        click.echo(f"Neo4j (pid {result.pid}) did not stop within {timeout:.0f} s; killed it")
    else:
        click.echo(f"Neo4j stopped (pid {result.pid}, {result.seconds:.1f} s)")


@neo4j_group.command("status")
@server_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for programs.",
)
@click.pass_context
def status_command(ctx: click.Context, server: LocalNeo4j, fmt: str) -> None:
    """Say whether the local Neo4j runs, and where. Exit code 0 if it runs, 3 if not.

    \b
    Example:
      lineage-graph neo4j status --format json
    """
    status = server.status()
    if fmt == "json":
        click.echo(to_json(status.to_dict()))
    elif status.running:
        click.echo(
            f"Neo4j {status.version} is running at {status.uri} (pid {status.pid})\n"
            f"data dir: {status.data_dir}\nlog:      {status.log_file}"
        )
        if status.browser_url:
            click.echo(f"browser:  {status.browser_url}")
    else:
        click.echo(f"Neo4j is not running (data dir {status.data_dir})")
    if not status.running:
        ctx.exit(EXIT_NOT_RUNNING)
