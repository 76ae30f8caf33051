"""``GET /api/v1/kinds``: every kind of node and relationship, as their declarations draw and describe them,
so pages colour and name them as the Browser stylesheet and the README do."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from lineage_graph.kinds import kind_styles
from lineage_graph.web.explorer import Explorer, answer


def routes(explorer: Explorer) -> list[BaseRoute]:
    def kinds(request: Request) -> dict[str, Any]:
        return {"kinds": kind_styles()}

    return [Route("/api/v1/kinds", answer(kinds), methods=["GET"])]
