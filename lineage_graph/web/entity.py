"""``GET /api/v1/entity?ref=``: one entity's page (properties, parameters, metrics, tags, facets,
neighbours, when last seen); 400 for a ref of no known form, 404 for one that names nothing."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from lineage_graph.query.entity import EntityQueries
from lineage_graph.query.refs import BadRefError
from lineage_graph.web.explorer import BadRequestError, Explorer, answer, parameter


def routes(explorer: Explorer) -> list[BaseRoute]:
    def entity(request: Request) -> dict[str, Any]:
        ref = parameter(request, "ref")
        try:
            page = EntityQueries(explorer.driver, explorer.database).entity(ref)
        except BadRefError as err:
            raise BadRequestError(str(err)) from err
        return page.as_json()

    return [Route("/api/v1/entity", answer(entity), methods=["GET"])]
