"""``GET /api/v1/audit?ref=&at=`` and ``GET /api/v1/audit.html?ref=&at=``: an endpoint's or a model package
group's deployments through time and what was live at ``at`` (docs/audit.md), as JSON for the page and as
the self-contained HTML report, downloaded as an attachment to keep with an audit ticket."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from lineage_graph.present.audit_report import audit_html, audit_json
from lineage_graph.query.audit import Audit, AuditQueries
from lineage_graph.web.explorer import BadRequestError, Explorer, answer, parameter

_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def moment(request: Request) -> datetime | None:
    """The ``at`` parameter: an ISO 8601 date or time (UTC without a zone), or None for now; 400 otherwise."""
    text = request.query_params.get("at")
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise BadRequestError(
            f"'at' is not an ISO 8601 date or time (such as 2024-05-01 or 2024-05-01T12:00:00Z): {text!r}"
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def report_filename(audit: Audit) -> str:
    resource = (audit.subject_source_uri or audit.subject_arn).rsplit("/", 1)[-1]
    stamp = audit.at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return _UNSAFE_FILENAME.sub("-", f"audit-{resource}-{stamp}") + ".html"


def routes(explorer: Explorer) -> list[BaseRoute]:
    def find(request: Request) -> Audit:
        ref = parameter(request, "ref")
        return AuditQueries(explorer.driver, explorer.database).audit(ref, moment(request))

    def audit(request: Request) -> dict[str, Any]:
        return audit_json(find(request))

    def report(request: Request) -> Response:
        found = find(request)
        view = "/audit?" + urlencode({"ref": request.query_params["ref"], "at": found.at.isoformat()})
        return Response(
            audit_html(found, links={"Open the live audit view": view}),
            media_type="text/html; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{report_filename(found)}"'},
        )

    return [
        Route("/api/v1/audit", answer(audit), methods=["GET"]),
        Route("/api/v1/audit.html", answer(report), methods=["GET"]),
    ]
