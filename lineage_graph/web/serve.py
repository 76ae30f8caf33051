"""Run the app under uvicorn on a socket bound beforehand, and exit 0 after a graceful shutdown."""

from __future__ import annotations

import contextlib
import logging
import signal
import socket
from collections.abc import Iterator

import uvicorn

from lineage_graph.errors import ConfigurationError
from lineage_graph.settings import Neo4jSettings
from lineage_graph.web.app import build_app
from lineage_graph.web.security import TokenlessAccessLog

# How long a SIGTERM waits for requests in flight (their Neo4j transaction included) before cancelling them.
GRACEFUL_SHUTDOWN_S = 30


class _Server(uvicorn.Server):
    """uvicorn's server, except that after a graceful shutdown on SIGTERM/SIGINT the process exits 0
    (uvicorn raises the signal again once shut down, which would end it as killed)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        handled = (signal.SIGINT, signal.SIGTERM)
        originals = {sig: signal.signal(sig, self.handle_exit) for sig in handled}
        try:
            yield
        finally:
            for sig, handler in originals.items():
                signal.signal(sig, handler)


def listen(host: str, port: int) -> socket.socket:
    """The listening socket, bound before the server starts so a taken port is one clear error."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as err:
        sock.close()
        raise ConfigurationError(f"cannot listen on {host}:{port}: {err.strerror or err}") from None
    sock.listen(2048)
    return sock


def serve(sock: socket.socket, neo4j: Neo4jSettings, token: str | None) -> None:
    """Run until SIGTERM/SIGINT on an already listening socket (see ``listen``)."""
    access = logging.getLogger("uvicorn.access")
    access.addFilter(TokenlessAccessLog())
    config = uvicorn.Config(
        build_app(neo4j, token),
        log_config=None,  # the CLI's logging (and its redaction) applies; access lines at -v
        # Without -v no access line is shown, so none is made: uvicorn formats each one's client address
        # and quoted path before the logger drops it, a few percent of a small post's CPU.
        access_log=access.isEnabledFor(logging.INFO),
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
        server_header=False,
        backlog=2048,
    )
    _Server(config).run(sockets=[sock])
