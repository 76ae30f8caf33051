"""``GET /api/v1/search?q=&limit=``: entities as the search box suggests them while a person types."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from lineage_graph.query.search import DEFAULT_LIMIT, MAX_LIMIT, MAX_QUERY_CHARS, SearchQueries, as_json
from lineage_graph.web.explorer import BadRequestError, Explorer, answer, parameter


def limit_of(request: Request) -> int:
    """``limit``: a whole number from 1 to MAX_LIMIT, DEFAULT_LIMIT when absent; a 400 otherwise."""
    text = request.query_params.get("limit")
    if text is None:
        return DEFAULT_LIMIT
    if not text.isdigit() or not 1 <= int(text) <= MAX_LIMIT:
        raise BadRequestError(f"limit must be a whole number from 1 to {MAX_LIMIT}, not {text!r}")
    return int(text)


def routes(explorer: Explorer) -> list[BaseRoute]:
    def search(request: Request) -> dict[str, Any]:
        text = parameter(request, "q").strip()
        if not text:
            raise BadRequestError("the query parameter 'q' is blank: type a name, an ARN, a URI or a run id")
        if len(text) > MAX_QUERY_CHARS:
            raise BadRequestError(f"the query parameter 'q' is longer than {MAX_QUERY_CHARS} characters")
        queries = SearchQueries(explorer.driver, explorer.database)
        return as_json(queries.search(text, limit_of(request)), text)

    return [Route("/api/v1/search", answer(search), methods=["GET"])]
