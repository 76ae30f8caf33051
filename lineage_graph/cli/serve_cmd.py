"""``lineage-graph serve``: the OpenLineage receiver and the lineage explorer (lineage_graph.web)."""

from __future__ import annotations

from pathlib import Path

import click
from click.core import ParameterSource

from lineage_graph.cli.neo4j_cmd import EXIT_NOT_RUNNING
from lineage_graph.cli.options import neo4j_options, verbosity_option
from lineage_graph.graph.connection import open_driver
from lineage_graph.openlineage.server import HEALTH_PATH, LINEAGE_PATH
from lineage_graph.settings import Neo4jSettings
from lineage_graph.web import security, serve
from lineage_graph.web.background import (
    DEFAULT_HOST,
    DEFAULT_PORT,
    STATE_DIR_ENVVAR,
    BackgroundServe,
    ServeStatus,
    default_state_dir,
)


@click.command("serve")
@click.option(
    "--host", default=DEFAULT_HOST, show_default=True, help="Address to listen on; off loopback a token is required."
)
@click.option(
    "--port", type=click.IntRange(0, 65535), default=DEFAULT_PORT, show_default=True, help="Port to listen on."
)
@click.option(
    "--token",
    envvar=security.TOKEN_ENVVAR,
    default=None,
    help=f"Token every request must carry: producers as the OpenLineage client's api_key sends it, a browser "
    f"once as ?token=...; prefer the variable, "
    f"a command line is visible to other users  [env {security.TOKEN_ENVVAR}]",
)
@click.option(
    "--detach",
    "action",
    flag_value="detach",
    help="Run in the background (as `make demo` leaves it): return once it answers, print its URL.",
)
@click.option("--stop", "action", flag_value="stop", help="Stop the background server (SIGTERM: a clean shutdown).")
@click.option(
    "--status", "action", flag_value="status", help="Say whether a background server runs, and where (exit 3 if not)."
)
@click.option(
    "--state-dir",
    envvar=STATE_DIR_ENVVAR,
    type=click.Path(file_okay=False, path_type=Path),
    default=default_state_dir,
    show_default="${XDG_DATA_HOME:-~/.local/share}/lineage-graph/serve",
    help=f"Where the background server keeps serve.pid, serve.json and serve.log.  [env {STATE_DIR_ENVVAR}]",
)
@neo4j_options
@verbosity_option
def serve_command(
    host: str, port: int, token: str | None, action: str | None, state_dir: Path, neo4j: Neo4jSettings
) -> None:
    """Serve the lineage explorer, and receive OpenLineage events over HTTP, as Marquez does, into the graph.

    The explorer is at / (search, an entity's page, its lineage, impact and audit views), read-only.

    POST /api/v1/lineage takes run, dataset and job events (one JSON object, or an array); the answer
    (201) comes once they are committed; an invalid event gets 400 with the failing field, and nothing of
    the request is written. GET /api/v1/health says whether Neo4j answers (200, or 503). SIGTERM or
    Ctrl-C finishes the requests in flight, then exits 0.

    With --detach it runs in the background instead, as `lineage-graph demo` leaves it: one per --state-dir,
    its output in serve.log there; a second --detach replaces the first. --stop stops it and exits 0, also
    when none runs (it says so); --status exits 0 when one runs, 3 when none does.

    \b
    Point a producer at it by URL alone, e.g. OPENLINEAGE_URL=http://127.0.0.1:5000
    (and OPENLINEAGE_API_KEY=<token> when the server has one).

    \b
    Examples:
      lineage-graph serve --detach && lineage-graph serve --status
      lineage-graph serve --stop
    """
    background = BackgroundServe(state_dir)
    if action in ("stop", "status"):
        context = click.get_current_context()
        given = [f"--{name}" for name in ("host", "port", "token") if _on_command_line(context, name)]
        if given:
            raise click.UsageError(f"--{action} takes no {', '.join(given)}: it acts on the background server")
        if action == "stop":
            _stop(background)
        else:
            _status(background.status())
        return
    security.check_exposure(host, token)
    if action == "detach":
        open_driver(neo4j).close()  # a URI the driver cannot use is exit 4 here, not a line in a log
        started = background.start(neo4j, host, port, token=token)
        if started.replaced:
            click.echo(f"Stopped the previous background server (pid {started.replaced}).")
        click.echo(
            f"lineage-graph serve is running in the background at {started.url} (pid {started.pid}, "
            f"log {started.log_file}); `lineage-graph serve --stop{_state_dir_option(state_dir)}` stops it."
        )
        return
    # A URI the driver cannot use is exit 4 now (a Neo4j that is down is not: health says 503 until it is up).
    open_driver(neo4j).close()
    sock = serve.listen(host, port)
    bound_port = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    click.echo(
        f"lineage-graph serve: listening on http://{shown}:{bound_port} "
        f"(explorer at /, POST {LINEAGE_PATH}, GET {HEALTH_PATH}); Neo4j {neo4j.uri}, database {neo4j.database}"
        + ("; a token is required" if token else ""),
        err=True,
    )
    serve.serve(sock, neo4j, token)
    click.echo("lineage-graph serve: stopped", err=True)


def _on_command_line(context: click.Context, name: str) -> bool:
    return context.get_parameter_source(name) == ParameterSource.COMMANDLINE


def _state_dir_option(state_dir: Path) -> str:
    """`` --state-dir DIR`` when the command line named one, for the stop command the user is told."""
    return f" --state-dir {state_dir}" if _on_command_line(click.get_current_context(), "state_dir") else ""


def _stop(background: BackgroundServe) -> None:
    stopped = background.stop()
    if stopped is None:
        click.echo(f"No background lineage-graph serve is running (state dir {background.state_dir}).")
    elif stopped.killed:
        click.echo(f"lineage-graph serve (pid {stopped.pid}) did not stop in time; killed it")
    else:
        click.echo(f"lineage-graph serve stopped (pid {stopped.pid}, {stopped.seconds:.1f} s)")


def _status(status: ServeStatus) -> None:
    if not status.running:
        click.echo(f"No background lineage-graph serve is running (state dir {status.state_dir}).")
        click.get_current_context().exit(EXIT_NOT_RUNNING)
    click.echo(f"lineage-graph serve is running at {status.url} (pid {status.pid}, log {status.log_file})")
