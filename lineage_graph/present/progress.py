"""A one-line progress display for people at a terminal; silent anywhere else (logs serve there)."""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO


class TerminalProgress:
    """``update(shard, kind, rows)`` rewrites one status line on a TTY, at most ten times a second."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self._lock = threading.Lock()
        self._last = 0.0
        self._width = 0

    def update(self, shard: str, kind: str, rows: int) -> None:
        if not self.enabled:
            return
        with self._lock:
            now = time.monotonic()
            if now - self._last < 0.1:
                return
            self._last = now
            line = f"syncing {shard}: {kind} {rows:,}"
            self.stream.write("\r" + line.ljust(self._width))
            self.stream.flush()
            self._width = len(line)

    def close(self) -> None:
        if self.enabled and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
