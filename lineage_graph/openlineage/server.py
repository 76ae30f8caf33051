"""The OpenLineage receiver ``lineage-graph serve`` mounts (lineage_graph.web.app): producers configured for
Marquez point at it by URL alone.

``POST /api/v1/lineage`` takes one event (what the official client's HTTP transport posts, gzip or not)
or a JSON array of them; the request is validated whole (an invalid event refuses the request, 400 with
each problem's JSON pointer, and nothing is written), then its events join the next group commit and the
answer, 201, comes once that transaction has committed (503 when Neo4j cannot take them, or when
``commit.MAX_PENDING`` events already wait). ``GET /api/v1/health`` asks Neo4j for its version: 200 with
the answer, 503 when it does not answer.

Its lifespan opens Neo4j and the group commit; on shutdown (web.serve: SIGTERM or SIGINT) the requests in
flight finish and their batch commits before Neo4j closes. The token check is the whole server's
(web.security), so it is not repeated here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import zlib
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass, replace
from typing import Any

from neo4j import READ_ACCESS, Driver
from neo4j.exceptions import AuthError, DriverError, Neo4jError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from lineage_graph.graph.connection import neo4j_failure, open_driver
from lineage_graph.openlineage.commit import BusyError, GroupCommit
from lineage_graph.openlineage.intake import Event, InvalidEventError, Problem, parse_body, validate
from lineage_graph.openlineage.load import OpenLineageWriter
from lineage_graph.settings import Neo4jSettings

log = logging.getLogger(__name__)

LINEAGE_PATH = "/api/v1/lineage"
HEALTH_PATH = "/api/v1/health"
# A request's body, decompressed: far above one event (AWS DataZone takes 300,000 bytes) for batches.
MAX_BODY_BYTES = 32 * 1024 * 1024
# How long the health check waits for Neo4j before saying 503.
HEALTH_TIMEOUT_S = 3.0


def _neo4j_reason(err: BaseException, settings: Neo4jSettings) -> str | None:
    """A sentence for Neo4j being away or refusing us; None when the error is something else."""
    if isinstance(err, AuthError):
        return f"Neo4j at {settings.uri} refused the credentials of user {settings.username!r}"
    if isinstance(err, Neo4jError | DriverError):
        failure = neo4j_failure(err, settings.database)
        return None if failure is None else str(failure)
    return None


class _TooLarge(Exception):
    pass


@dataclass
class Receiver:
    """The app's state and its two endpoints."""

    neo4j: Neo4jSettings
    driver: Driver | None = None
    health_driver: Driver | None = None
    committer: GroupCommit | None = None

    def routes(self) -> list[Route]:
        return [
            Route(LINEAGE_PATH, self.lineage, methods=["POST"]),
            Route(HEALTH_PATH, self.health, methods=["GET"]),
        ]

    @contextlib.asynccontextmanager
    async def lifespan(self) -> AsyncIterator[None]:
        self.driver = open_driver(self.neo4j)
        # Health answers within seconds even when Neo4j is gone (the writer's driver waits --neo4j-timeout).
        self.health_driver = open_driver(replace(self.neo4j, timeout=HEALTH_TIMEOUT_S))
        self.committer = GroupCommit(OpenLineageWriter(self.driver, self.neo4j.database))
        self.committer.start()
        try:
            answer = await self._ask_neo4j()
            log.info("Neo4j answers: %s", answer)
            await asyncio.to_thread(self.committer.prepare)
        except Exception as err:  # serve anyway: Neo4j may come up later, and health says so meanwhile
            log.warning("Neo4j does not answer yet: %s", _neo4j_reason(err, self.neo4j) or type(err).__name__)
        try:
            yield
        finally:  # after uvicorn let the requests in flight finish: write what they submitted, then stop
            await asyncio.to_thread(self.committer.close)
            self.driver.close()
            self.health_driver.close()

    async def lineage(self, request: Request) -> Response:
        try:
            documents = parse_body(await _body(request))
        except _TooLarge:
            return JSONResponse({"error": f"the body is over {MAX_BODY_BYTES:,} bytes"}, status_code=413)
        except InvalidEventError as err:
            return _refused([(None, err.problem)])
        events: list[Event] = []
        problems: list[tuple[int | None, Problem]] = []
        for index, document in enumerate(documents):
            try:
                events.append(validate(document))
            except InvalidEventError as err:
                problems.append((index if len(documents) > 1 else None, err.problem))
        if problems:
            log.info("refused %d of %d events: %s", len(problems), len(documents), problems[0][1])
            return _refused(problems)
        assert self.committer is not None
        try:
            written = await asyncio.wrap_future(self.committer.submit(events))
        except BusyError as err:
            return JSONResponse({"error": f"busy: {err}; retry later"}, status_code=503, headers={"Retry-After": "1"})
        except Exception as err:
            reason = _neo4j_reason(err, self.neo4j)
            if reason is None:
                log.exception("writing %d OpenLineage events failed", len(events))
                return JSONResponse({"error": f"writing the events failed: {type(err).__name__}"}, status_code=500)
            return JSONResponse({"error": reason}, status_code=503, headers={"Retry-After": "5"})
        return JSONResponse({"written": written}, status_code=201)

    async def _ask_neo4j(self) -> dict[str, Any]:
        assert self.health_driver is not None
        driver, database = self.health_driver, self.neo4j.database

        def components() -> dict[str, Any]:
            # One attempt (an auto-commit query, not a retried transaction): health reports the present.
            with driver.session(database=database, default_access_mode=READ_ACCESS) as session:
                record = session.run(
                    "CALL dbms.components() YIELD name, versions, edition RETURN name, versions[0] AS version, edition"
                ).single(strict=True)
            return {**record.data(), "database": database}

        return await asyncio.wait_for(asyncio.to_thread(components), HEALTH_TIMEOUT_S * 2)

    async def health(self, request: Request) -> Response:
        assert self.committer is not None
        written = asdict(self.committer.stats)
        try:
            answer = await self._ask_neo4j()
        except Exception as err:
            reason = _neo4j_reason(err, self.neo4j) or f"no answer ({type(err).__name__})"
            return JSONResponse({"status": "unavailable", "neo4j": reason, "written": written}, status_code=503)
        return JSONResponse({"status": "ok", "neo4j": answer, "written": written})


async def _body(request: Request) -> bytes:
    """The request's body, gunzipped if it says so, refused beyond MAX_BODY_BYTES either way."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise _TooLarge
        chunks.append(chunk)
    body = b"".join(chunks)
    encoding = request.headers.get("content-encoding", "identity").strip().lower()
    if encoding == "identity":
        return body
    if encoding != "gzip":
        raise InvalidEventError(Problem("", f"unsupported Content-Encoding {encoding!r} (gzip or none)"))
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        plain = inflater.decompress(body, MAX_BODY_BYTES + 1)
    except zlib.error as err:
        raise InvalidEventError(Problem("", f"the gzip body does not decompress: {err}")) from None
    if len(plain) > MAX_BODY_BYTES:
        raise _TooLarge
    return plain


def _refused(problems: list[tuple[int | None, Problem]]) -> Response:
    """400: the first problem in a sentence, and every problem with its event's index in a batch."""
    index, first = problems[0]
    where = "" if index is None else f"event {index}: "
    return JSONResponse(
        {
            "error": f"invalid OpenLineage event, nothing written: {where}{first}",
            "problems": [
                {**({} if i is None else {"index": i}), "pointer": p.pointer or "/", "message": p.message}
                for i, p in problems
            ],
        },
        status_code=400,
    )
