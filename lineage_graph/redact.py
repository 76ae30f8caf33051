"""Credentials in URIs (``bolt://neo4j:PASSWORD@host``) kept out of every message, report and log line."""

from __future__ import annotations

import re

# scheme://user:password@ ; the password runs to the last "@" before a "/" or a blank, as a URI parser reads it.
_URI_CREDENTIALS = re.compile(r"(?P<head>\b[A-Za-z][A-Za-z0-9+.-]*://[^\s:/@]*):[^\s/]*@")


def redact(text: str) -> str:
    """``text`` with the password of every URI in it replaced by ``***`` (the user name stays: it is no secret
    and says which account was tried)."""
    return _URI_CREDENTIALS.sub(r"\g<head>:***@", text)
