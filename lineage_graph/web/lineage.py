"""``GET /api/v1/lineage`` (a view of an entity's lineage) and ``GET /api/v1/neighbours`` (one page of a
hub's neighbours, a view to merge): docs/explorer.md has their parameters and the view's shape."""

from __future__ import annotations

from typing import Any, cast

from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from lineage_graph.kinds import kind_styles
from lineage_graph.query.lineage_view import MAX_DEPTH, MAX_PAGE, WAYS, LineageViews, Ways
from lineage_graph.query.refs import BadRefError
from lineage_graph.query.view import Direction
from lineage_graph.web.explorer import BadRequestError, Explorer, answer, parameter


def integer(request: Request, name: str, default: int, low: int, high: int) -> int:
    """An optional whole-number query parameter within [low, high], or a 400 saying what it must be."""
    text = request.query_params.get(name)
    if text is None or text == "":
        return default
    try:
        value = int(text)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise BadRequestError(f"{name} must be a whole number from {low} to {high}, not {text!r}")
    return value


def choice(request: Request, name: str, default: str | None, choices: tuple[str, ...]) -> str:
    """An optional query parameter among ``choices`` (required when there is no default)."""
    value = request.query_params.get(name) or default
    if value is None:
        raise BadRequestError(f"the query parameter {name!r} is required: one of {', '.join(choices)}")
    if value not in choices:
        raise BadRequestError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


def kinds_parameter(request: Request, known: dict[str, Any]) -> frozenset[str] | None:
    """``kinds=A,B``: node kinds' labels, each one /api/v1/kinds lists; None when absent."""
    text = request.query_params.get("kinds")
    if not text:
        return None
    kinds = frozenset(k.strip() for k in text.split(",") if k.strip())
    unknown = sorted(kinds - set(known))
    if unknown:
        raise BadRequestError(f"unknown kinds {', '.join(unknown)}: kinds are {', '.join(known)}")
    return kinds


def routes(explorer: Explorer) -> list[BaseRoute]:
    def views() -> LineageViews:
        return LineageViews(explorer.driver, explorer.database)

    def lineage(request: Request) -> dict[str, Any]:
        ref = parameter(request, "ref")
        ways = cast(Ways, choice(request, "direction", "both", ("both", *WAYS)))
        depth = integer(request, "depth", 1, 1, MAX_DEPTH)
        styles = kind_styles()
        kinds = kinds_parameter(request, styles)
        try:
            return views().lineage(ref, ways, depth, kinds).as_json(styles)
        except BadRefError as err:
            raise BadRequestError(str(err)) from err

    def neighbours(request: Request) -> dict[str, Any]:
        ref = parameter(request, "ref")
        direction = cast(Direction, choice(request, "direction", None, WAYS))
        offset = integer(request, "offset", 0, 0, 10**9)
        limit = integer(request, "limit", 50, 1, MAX_PAGE)
        try:
            return views().neighbours(ref, direction, offset, limit).as_json(kind_styles())
        except BadRefError as err:
            raise BadRequestError(str(err)) from err

    return [
        Route("/api/v1/lineage", answer(lineage), methods=["GET"]),
        Route("/api/v1/neighbours", answer(neighbours), methods=["GET"]),
    ]
