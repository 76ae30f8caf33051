"""``lineage-graph openlineage import``: newline-delimited events (a Kafka dump, a Marquez export, the client's
file transport) into the graph, in batches.

Every line is checked as ``serve`` checks a request; an invalid line is reported with its number and
reason and skipped, and the valid ones are still written, so one bad producer does not hold back a dump.
A batch is one transaction; a run killed half-way is simply run again (events merge order-free).
"""

from __future__ import annotations

import codecs
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from lineage_graph.openlineage.intake import InvalidEventError, parse_line, validate
from lineage_graph.openlineage.load import OpenLineageWriter, WriteCounts
from lineage_graph.openlineage.transform import Rows
from lineage_graph.outcomes import PARTIAL_EXIT_CODE, SUCCESS_EXIT_CODE

BATCH_EVENTS = 1000
# Invalid lines named in the report; beyond, only counted (a wholly wrong file would flood the report).
INVALID_LINES_KEPT = 100


@dataclass(frozen=True)
class InvalidLine:
    line: int
    pointer: str
    message: str


@dataclass
class ImportReport:
    source: str
    read: int = 0  # events read: the lines that are not blank
    written: WriteCounts = field(default_factory=WriteCounts)
    invalid: int = 0
    invalid_lines: list[InvalidLine] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def outcome(self) -> str:
        return "partial" if self.invalid else "success"

    @property
    def exit_code(self) -> int:
        """7, as a sync that could not read everything, when some lines were invalid (the rest is written)."""
        return PARTIAL_EXIT_CODE if self.invalid else SUCCESS_EXIT_CODE

    def to_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "exit_code": self.exit_code,
            "source": self.source,
            "read": self.read,
            "written": self.written.events,
            "invalid": self.invalid,
            "invalid_lines": [vars(i) for i in self.invalid_lines],
            "nodes_created": self.written.nodes_created,
            "relationships_created": self.written.relationships_created,
            "seconds": round(self.seconds, 2),
        }


def import_lines(
    lines: Iterable[bytes],
    writer: OpenLineageWriter,
    source: str,
    *,
    batch_events: int = BATCH_EVENTS,
    progress: Callable[[int], object] = lambda _: None,
) -> ImportReport:
    """Read, check and write every line; ``progress(written)`` after each committed batch."""
    started = time.monotonic()
    report = ImportReport(source)
    rows = Rows()

    def flush() -> None:
        nonlocal rows
        if rows.events:
            report.written.add(writer.write(rows))
            rows = Rows()
            progress(report.written.events)

    for number, line in enumerate(lines, start=1):
        if number == 1:  # a file saved by a Windows editor may start with a byte order mark
            line = line.removeprefix(codecs.BOM_UTF8)
        if not line.strip():
            continue
        report.read += 1
        try:
            rows.add(validate(parse_line(line)))
        except InvalidEventError as err:
            report.invalid += 1
            if len(report.invalid_lines) < INVALID_LINES_KEPT:
                problem = err.problem
                report.invalid_lines.append(InvalidLine(number, problem.pointer or "/", problem.message))
            continue
        if rows.events >= batch_events:
            flush()
    flush()
    report.seconds = time.monotonic() - started
    return report


def summary(report: ImportReport) -> list[str]:
    """The report for people: one line, then each invalid line's number and reason."""
    written = report.written
    lines = [
        f"{report.source}: {report.read:,} events read, {written.events:,} written, {report.invalid:,} invalid "
        f"({written.nodes_created:,} nodes and {written.relationships_created:,} relationships created, "
        f"{report.seconds:.1f} s)"
    ]
    lines += [f"line {i.line}: {i.pointer}: {i.message}" for i in report.invalid_lines]
    if report.invalid > len(report.invalid_lines):
        lines.append(f"... and {report.invalid - len(report.invalid_lines):,} more invalid lines")
    return lines
