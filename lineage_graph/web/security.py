"""Who may talk to ``serve``, and what a page it serves may load.

Off loopback the server refuses to start without a token (anyone on the network could write lineage and
read the whole graph). With a token, every request carries it: a producer as the OpenLineage client's
``api_key`` sends it (``Authorization: Bearer <token>``), a browser as a cookie. The cookie is set by
opening any page once with ``?token=<token>``: the answer sets it (HttpOnly, SameSite=Strict) and redirects
to the same URL without the token, so the token leaves the address bar and the history. The token is
never logged.

Every answer forbids what the explorer never needs: scripts, styles, fonts, images and connections from
anywhere but the server itself (a Content-Security-Policy), framing, and MIME sniffing.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import re
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lineage_graph.errors import ConfigurationError

TOKEN_ENVVAR = "LINEAGE_GRAPH_TOKEN"
TOKEN_COOKIE = "lineage_graph_token"
TOKEN_QUERY = "token"
# blob: for workers and exported pictures made in the page; data: for images drawn into a PNG.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


_TOKEN_IN_QUERY = re.compile(rf"([?&]{TOKEN_QUERY}=)[^&\s\"]*")


class TokenlessAccessLog(logging.Filter):
    """Keeps ``?token=`` out of uvicorn's access lines (``serve -v``), which log each path with its query."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                _TOKEN_IN_QUERY.sub(r"\1***", arg) if isinstance(arg, str) else arg for arg in record.args
            )
        return True


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a host name: it may resolve anywhere
        return False


def check_exposure(host: str, token: str | None) -> None:
    """Off loopback, anyone on the network could write and read lineage: refuse to start without a token."""
    if not token and not is_loopback(host):
        raise ConfigurationError(
            f"refusing to serve on {host} without a token: anyone who can reach it could write and read lineage. "
            f"Set {TOKEN_ENVVAR} (producers send it as their OpenLineage api_key; a browser opens the explorer "
            "once with ?token=...), or serve on 127.0.0.1"
        )


class Guard:
    """ASGI middleware: the token check (when there is a token) and the security headers on every answer."""

    def __init__(self, app: ASGIApp, token: str | None) -> None:
        self.app = app
        self._token = token.encode() if token else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self._token is not None:
            query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
            offered = dict(query).get(TOKEN_QUERY)
            if offered is not None and scope["method"] == "GET":
                await self._log_in(scope, send, offered, [(k, v) for k, v in query if k != TOKEN_QUERY])
                return
            if not self._carries_token(scope):
                await _unauthorized(send)
                return
        await self.app(scope, receive, _with_headers(send, SECURITY_HEADERS))

    def _matches(self, offered: str) -> bool:
        assert self._token is not None
        return hmac.compare_digest(offered.strip().encode(), self._token)

    def _carries_token(self, scope: Scope) -> bool:
        headers = dict(scope["headers"])
        scheme, _, credentials = headers.get(b"authorization", b"").decode("latin-1").partition(" ")
        if scheme.lower() == "bearer" and self._matches(credentials):
            return True
        cookie = SimpleCookie(headers.get(b"cookie", b"").decode("latin-1")).get(TOKEN_COOKIE)
        return cookie is not None and self._matches(cookie.value)

    async def _log_in(self, scope: Scope, send: Send, offered: str, rest: list[tuple[str, str]]) -> None:
        """``?token=``: a right one sets the cookie and redirects to the URL without it; a wrong one is 401."""
        if not self._matches(offered):
            await _unauthorized(send)
            return
        location = scope["path"] + (f"?{urlencode(rest)}" if rest else "")
        cookie = f"{TOKEN_COOKIE}={offered.strip()}; Path=/; HttpOnly; SameSite=Strict"
        headers = [(b"location", location.encode()), (b"set-cookie", cookie.encode()), (b"cache-control", b"no-store")]
        await send({"type": "http.response.start", "status": 303, "headers": headers + SECURITY_HEADERS})
        await send({"type": "http.response.body", "body": b""})


async def _unauthorized(send: Send) -> None:
    body = (
        b'{"error": "missing or wrong token: send Authorization: Bearer <token> (the OpenLineage api_key), '
        b'or open the explorer once with ?token=<token>"}'
    )
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"www-authenticate", b"Bearer"),
    ]
    await send({"type": "http.response.start", "status": 401, "headers": headers + SECURITY_HEADERS})
    await send({"type": "http.response.body", "body": body})


def _with_headers(send: Send, extra: list[tuple[bytes, bytes]]) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", []), *extra]}
        await send(message)

    return sending
