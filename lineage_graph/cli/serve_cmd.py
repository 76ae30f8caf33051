"""``lineage-graph serve``: the OpenLineage receiver and the lineage explorer (lineage_graph.web)."""

from __future__ import annotations

import click

from lineage_graph.cli.options import neo4j_options, verbosity_option
from lineage_graph.graph.connection import open_driver
from lineage_graph.openlineage.server import HEALTH_PATH, LINEAGE_PATH
from lineage_graph.settings import Neo4jSettings
from lineage_graph.web import security, serve


@click.command("serve")
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to listen on; off loopback a token is required."
)
@click.option("--port", type=click.IntRange(0, 65535), default=5000, show_default=True, help="Port to listen on.")
@click.option(
    "--token",
    envvar=security.TOKEN_ENVVAR,
    default=None,
    help=f"Token every request must carry: producers as the OpenLineage client's api_key sends it, a browser "
    f"once as ?token=...; prefer the variable, "
    f"a command line is visible to other users  [env {security.TOKEN_ENVVAR}]",
)
@neo4j_options
@verbosity_option
def serve_command(host: str, port: int, token: str | None, neo4j: Neo4jSettings) -> None:
    """Serve the lineage explorer, and receive OpenLineage events over HTTP, as Marquez does, into the graph.

    The explorer is at / (search, an entity's page, its lineage, impact and audit views), read-only.

    POST /api/v1/lineage takes run, dataset and job events (one JSON object, or an array); the answer
    (201) comes once they are committed; an invalid event gets 400 with the failing field, and nothing of
    the request is written. GET /api/v1/health says whether Neo4j answers (200, or 503). SIGTERM or
    Ctrl-C finishes the requests in flight, then exits 0.

    \b
    Point a producer at it by URL alone, e.g. OPENLINEAGE_URL=http://127.0.0.1:5000
    (and OPENLINEAGE_API_KEY=<token> when the server has one).
    """
    security.check_exposure(host, token)
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
