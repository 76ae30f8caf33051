"""The one Starlette app ``serve`` runs: the OpenLineage receiver's routes, the explorer's API and pages,
and the guard (token, security headers) around all of them."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware

from lineage_graph.openlineage.server import Receiver
from lineage_graph.settings import Neo4jSettings
from lineage_graph.web.explorer import Explorer
from lineage_graph.web.security import Guard


def build_app(neo4j: Neo4jSettings, token: str | None) -> Starlette:
    receiver = Receiver(neo4j)
    explorer = Explorer(neo4j)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with receiver.lifespan(), explorer.lifespan():
            yield

    return Starlette(
        routes=[*receiver.routes(), *explorer.routes()],
        lifespan=lifespan,
        middleware=[Middleware(Guard, token=token)],
    )
