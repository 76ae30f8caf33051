"""A sync's progress: a live line per shard for people at a terminal, a log line now and then elsewhere."""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

log = logging.getLogger("lineage_graph.progress")

# Off a terminal, a line per shard at most this often, the first after this long: a scheduler's log of a
# long sync shows it moving, and a short one logs nothing.
LOG_INTERVAL_S = 30.0


class TerminalProgress:
    """``update(shard, kind, rows)`` after each committed page (from several threads). On a terminal, rich
    draws a pulsing bar per shard with the kind being loaded, its rows and the time so far, cleared at the
    end; anywhere else, a log record of ``lineage_graph.progress`` every LOG_INTERVAL_S per shard."""

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        force_terminal: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
        verb: str = "syncing",
        unit: str = "rows",
    ) -> None:
        self.verb = verb  # what is happening to each "shard": "syncing", "importing FILE", "exporting to"
        self.unit = unit
        self.console = Console(file=stream or sys.stderr, force_terminal=force_terminal)
        self._clock = clock
        self._started = clock()
        self._lock = threading.Lock()
        self._logged: dict[str, float] = {}
        self._tasks: dict[str, TaskID] = {}
        self._bar: Progress | None = None
        if self.console.is_terminal:
            self._bar = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.completed:,} " + unit),
                TimeElapsedColumn(),
                console=self.console,
                transient=True,
            )

    def update(self, shard: str, kind: str, rows: int) -> None:
        with self._lock:
            if self._bar is not None:
                if not self._tasks:  # drawn from the first page on: before it there is nothing to show
                    self._bar.start()
                if shard not in self._tasks:
                    self._tasks[shard] = self._bar.add_task("", total=None)
                self._bar.update(self._tasks[shard], description=f"{self.verb} {shard}: {kind}", completed=rows)
                return
            now = self._clock()
            if now - self._logged.get(shard, self._started) >= LOG_INTERVAL_S:
                self._logged[shard] = now
                elapsed = now - self._started
                log.info("%s %s: %s %s %s, %.0f s so far", self.verb, shard, kind, f"{rows:,}", self.unit, elapsed)

    def close(self) -> None:
        if self._bar is not None and self._tasks:
            self._bar.stop()
