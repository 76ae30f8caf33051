"""The lineage explorer: a read-only JSON API under ``/api/v1/`` and one page app for people.

Each feature (``web/kinds.py``, search, entity, lineage, impact, audit) is a module with
``routes(explorer) -> list[BaseRoute]``; its handlers are plain functions, which Starlette runs in its
thread pool, and read Neo4j through the query layer (``lineage_graph.query``) with ``explorer.driver``.
Every page path answers the same ``index.html``; ``static/app.js`` routes by path, so each view has a URL
of its own that can be shared and bookmarked.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from importlib import resources
from typing import Any

import orjson
from neo4j import Driver
from neo4j.exceptions import DriverError, Neo4jError
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from lineage_graph.errors import LineageGraphError, NotFoundError
from lineage_graph.graph.connection import neo4j_failure, open_driver
from lineage_graph.settings import Neo4jSettings

log = logging.getLogger(__name__)

STATIC_DIR = resources.files("lineage_graph.web") / "static"
# The paths app.js draws a view for; each answers index.html.
PAGES = ("/", "/entity", "/lineage", "/impact", "/audit")
# A read the explorer waits for before answering 503: a person is waiting too.
READ_TIMEOUT_S = 15.0


class BadRequestError(LineageGraphError):
    """A request the API cannot answer as asked (a missing or malformed parameter): 400."""

    exit_code = 2


def json_response(data: Any, status_code: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS),
        status_code=status_code,
        media_type="application/json",
        headers=headers,
    )


def answer(handler: Callable[[Request], Any]) -> Callable[[Request], Response]:
    """A handler's return value as JSON (a Response is passed through), and its failures as the status a
    client can act on: 400 for a bad request, 404 for nothing found, 503 while Neo4j does not answer."""

    def endpoint(request: Request) -> Response:
        try:
            result = handler(request)
        except BadRequestError as err:
            return json_response({"error": str(err)}, 400)
        except NotFoundError as err:
            return json_response({"error": str(err)}, 404)
        except (Neo4jError, DriverError) as err:
            failure = neo4j_failure(err)
            if failure is None:
                raise
            return json_response({"error": str(failure)}, 503, {"Retry-After": "5"})
        return result if isinstance(result, Response) else json_response(result)

    return endpoint


def parameter(request: Request, name: str) -> str:
    """A required query parameter, or a 400 naming it."""
    value = request.query_params.get(name)
    if not value:
        raise BadRequestError(f"the query parameter {name!r} is required")
    return value


@dataclass
class Explorer:
    """The explorer's state: a driver of its own, opened and closed with the server."""

    neo4j: Neo4jSettings
    driver_: Driver | None = None

    @property
    def driver(self) -> Driver:
        assert self.driver_ is not None, "used outside the server's lifespan"
        return self.driver_

    @property
    def database(self) -> str:
        return self.neo4j.database

    @contextlib.asynccontextmanager
    async def lifespan(self) -> AsyncIterator[None]:
        self.driver_ = open_driver(replace(self.neo4j, timeout=READ_TIMEOUT_S))
        try:
            yield
        finally:
            self.driver_.close()

    def routes(self) -> list[BaseRoute]:
        from lineage_graph.web import audit, entity, impact, kinds, lineage, search

        features: list[BaseRoute] = [
            *kinds.routes(self),
            *search.routes(self),
            *entity.routes(self),
            *lineage.routes(self),
            *impact.routes(self),
            *audit.routes(self),
        ]
        index = STATIC_DIR / "index.html"
        pages: list[BaseRoute] = [Route(path, _page(str(index)), methods=["GET"]) for path in PAGES]
        return [*features, *pages, Mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")]


def _page(index: str) -> Callable[[Request], Response]:
    def page(request: Request) -> Response:
        return FileResponse(index, headers={"Cache-Control": "no-cache"})

    return page
