"""``GET /api/v1/impact`` (everything downstream of a dataset or S3 prefix, grouped) and
``GET /api/v1/impact.csv`` (the same as a download): docs/explorer.md has the shapes."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from lineage_graph.query.impact_view import Impact, ImpactViews
from lineage_graph.query.refs import BadRefError
from lineage_graph.web.explorer import BadRequestError, Explorer, answer, parameter


def routes(explorer: Explorer) -> list[BaseRoute]:
    def impact_of(request: Request) -> Impact:
        try:
            return ImpactViews(explorer.driver, explorer.database).impact(parameter(request, "ref"))
        except BadRefError as err:
            raise BadRequestError(str(err)) from err

    def impact(request: Request) -> dict[str, Any]:
        return impact_of(request).as_json()

    def impact_csv(request: Request) -> Response:
        return Response(
            impact_of(request).as_csv(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="impact.csv"'},
        )

    return [
        Route("/api/v1/impact", answer(impact), methods=["GET"]),
        Route("/api/v1/impact.csv", answer(impact_csv), methods=["GET"]),
    ]
