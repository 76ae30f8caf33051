"""The one ASGI app ``serve`` runs: the guard (token, security headers) around the OpenLineage receiver's
``POST /api/v1/lineage`` and a Starlette app with everything else (the receiver's health, the explorer's
API and pages)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.types import ASGIApp, Receive, Scope, Send

from lineage_graph.openlineage.server import LINEAGE_PATH, Receiver
from lineage_graph.settings import Neo4jSettings
from lineage_graph.web.explorer import Explorer
from lineage_graph.web.security import Guard


class _IngestFirst:
    """Sends the receiver's POST straight to its ASGI handler, and every other request to the router (a GET
    of the same path is the explorer's lineage view): the producers' posts are nearly all of a busy
    server's requests."""

    def __init__(self, receiver: Receiver, app: ASGIApp) -> None:
        self.receiver = receiver
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and scope["path"] == LINEAGE_PATH:
            await self.receiver.lineage(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def build_app(neo4j: Neo4jSettings, token: str | None) -> ASGIApp:
    receiver = Receiver(neo4j)
    explorer = Explorer(neo4j)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with receiver.lifespan(), explorer.lifespan():
            yield

    routed = Starlette(routes=[*receiver.routes(), *explorer.routes()], lifespan=lifespan)
    return Guard(_IngestFirst(receiver, routed), token=token)
