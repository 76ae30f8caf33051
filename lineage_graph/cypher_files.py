"""Where the ``.cypher`` files live: inside the installed package, or at the top of a checkout."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def cypher_dir() -> Path:
    for candidate in (_PACKAGE_DIR / "cypher", _PACKAGE_DIR.parent / "cypher"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("the cypher/ directory is missing from this installation")


@cache
def read(name: str) -> str:
    """The text of ``cypher/<name>.cypher``; names come from code, never from users."""
    return (cypher_dir() / f"{name}.cypher").read_text(encoding="utf-8")


def statements(name: str) -> list[str]:
    """The ``;``-separated statements of a file, without ``//`` comment lines."""
    text = "\n".join(line for line in read(name).splitlines() if not line.lstrip().startswith("//"))
    return [s.strip() for s in re.split(r";\s*(?:\n|$)", text) if s.strip()]
