"""Render answers for people (aligned tables) and for programs (JSON, CSV)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

FORMATS = ("table", "json", "csv")


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "iso_format"):  # neo4j.time.DateTime
        return value.iso_format()
    return str(value)


def to_json(data: Any) -> str:
    return json.dumps(data, indent=2, default=_jsonable, ensure_ascii=False)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):  # found_by: "property, step", not a Python list
        return ", ".join(_cell(item) for item in value)
    return str(value)


def table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], empty: str = "(none)") -> str:
    """A plain aligned table with upper-case headers; ``empty`` when there are no rows."""
    if not rows:
        return empty
    cells = [[_cell(row.get(col)) for col in columns] for row in rows]
    widths = [max(len(col), *(len(r[i]) for r in cells)) for i, col in enumerate(columns)]
    lines = ["  ".join(col.upper().ljust(w) for col, w in zip(columns, widths, strict=True)).rstrip()]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return "\n".join(lines)


def _csv_cell(value: Any) -> Any:
    """Booleans as True/False, lists as JSON text (a program splits them back), the rest as in a table."""
    if isinstance(value, bool):
        return value
    if isinstance(value, list | tuple):
        return json.dumps(value, default=_jsonable, ensure_ascii=False)
    return _cell(value)


def to_csv(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({col: _csv_cell(row.get(col)) for col in columns})
    return buffer.getvalue().rstrip("\n")


def render(rows: Sequence[Mapping[str, Any]], fmt: str, columns: Sequence[str], table_columns: Sequence[str]) -> str:
    """One answer in the chosen format: all ``columns`` for programs, ``table_columns`` for people."""
    if fmt == "json":
        return to_json([{col: row.get(col) for col in columns} for row in rows])
    if fmt == "csv":
        return to_csv(rows, columns)
    return table(rows, table_columns)


def tree_labels(rows: Sequence[Mapping[str, Any]], labels: Sequence[str]) -> list[str]:
    """``labels`` drawn as a tree (``├─``, ``└─``, ``│``) for rows in depth-first order, each with ``uri``
    and ``parent`` (the parent's uri, null for a root), so a table shows what hangs under what."""
    last_child: dict[Any, int] = {}
    for index, row in enumerate(rows):
        last_child[row["parent"]] = index
    parent = {row["uri"]: row["parent"] for row in rows}
    is_last = {row["uri"]: last_child[row["parent"]] == index for index, row in enumerate(rows)}
    drawn = []
    for row, label in zip(rows, labels, strict=True):
        if row["parent"] is None:
            drawn.append(label)
            continue
        parts = ["└─ " if is_last[row["uri"]] else "├─ "]
        ancestor = row["parent"]
        while parent.get(ancestor) is not None:
            parts.append("   " if is_last[ancestor] else "│  ")
            ancestor = parent[ancestor]
        drawn.append("".join(reversed(parts)) + label)
    return drawn
