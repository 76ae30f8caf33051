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

import orjson
from neo4j import READ_ACCESS, Driver
from neo4j.exceptions import AuthError, DriverError, Neo4jError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

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
    """A body over MAX_BODY_BYTES."""


class _Disconnected(Exception):
    """The client went away before its body arrived."""


Headers = list[tuple[bytes, bytes]]
# An answer: its status, its JSON body, its headers besides the content's.
Answer = tuple[int, dict[str, Any], Headers]


@dataclass
class Receiver:
    """The app's state and its two endpoints."""

    neo4j: Neo4jSettings
    driver: Driver | None = None
    health_driver: Driver | None = None
    committer: GroupCommit | None = None

    def routes(self) -> list[Route]:
        """The routes the app's router serves; ``lineage`` is mounted before the router (``web.app``)."""
        return [Route(HEALTH_PATH, self.health, methods=["GET"])]

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

    async def lineage(self, scope: Scope, receive: Receive, send: Send) -> None:
        """``POST /api/v1/lineage`` as a plain ASGI app (``web.app`` sends it only that): producers hit it once
        an event, so it skips the router, request and response objects the explorer's reads go through
        (profiled under 256 clients: a fifth of the event loop's time)."""
        try:
            documents = parse_body(await _body(scope, receive))
        except _Disconnected:
            return
        except _TooLarge:
            answer: Answer = (413, {"error": f"the body is over {MAX_BODY_BYTES:,} bytes"}, [])
        except InvalidEventError as err:
            answer = _refused([(None, err.problem)])
        else:
            answer = await self._ingest(documents)
        await _respond(send, *answer)

    async def _ingest(self, documents: list[Any]) -> Answer:
        """The answer to a body's documents: 201 once written, 400 and every problem when one is invalid
        (nothing written), 503 when Neo4j cannot take them now."""
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
            return 503, {"error": f"busy: {err}; retry later"}, [(b"retry-after", b"1")]
        except Exception as err:
            reason = _neo4j_reason(err, self.neo4j)
            if reason is None:
                log.exception("writing %d OpenLineage events failed", len(events))
                return 500, {"error": f"writing the events failed: {type(err).__name__}"}, []
            return 503, {"error": reason}, [(b"retry-after", b"5")]
        return 201, {"written": written}, []

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


async def _body(scope: Scope, receive: Receive) -> bytes:
    """The request's body, gunzipped if it says so, refused beyond MAX_BODY_BYTES either way (_TooLarge: the
    rest is not read) or in an encoding it cannot read (InvalidEventError); _Disconnected when the client
    went away first."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _Disconnected
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise _TooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    body = b"".join(chunks)
    encoding = dict(scope["headers"]).get(b"content-encoding", b"identity").decode("latin-1").strip().lower()
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


async def _respond(send: Send, status: int, answer: dict[str, Any], headers: Headers) -> None:
    body = orjson.dumps(answer)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body)), *headers],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _refused(problems: list[tuple[int | None, Problem]]) -> Answer:
    """400: the first problem in a sentence, and every problem with its event's index in a batch."""
    index, first = problems[0]
    where = "" if index is None else f"event {index}: "
    answer = {
        "error": f"invalid OpenLineage event, nothing written: {where}{first}",
        "problems": [
            {**({} if i is None else {"index": i}), "pointer": p.pointer or "/", "message": p.message}
            for i, p in problems
        ],
    }
    return 400, answer, []
