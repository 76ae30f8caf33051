"""`lineage-graph openlineage import`: a file of events (the official client's file transport) or stdin."""

from __future__ import annotations

import codecs
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from fixtures.openlineage_events import (
    EXPECTED_EDGES,
    EXPECTED_NODES,
    as_dicts,
    edge_triples,
    node_keys,
    openlineage_snapshot,
    scenario,
)
from neo4j import Driver
from openlineage.client import OpenLineageClient
from openlineage.client.transport.file import FileConfig, FileTransport

from lineage_graph.cli import cli
from lineage_graph.openlineage.ingest import import_lines
from lineage_graph.openlineage.load import OpenLineageWriter
from lineage_graph.present.progress import TerminalProgress
from lineage_graph.settings import Neo4jSettings

BROKEN = b'{"eventTime": "2026-12-07T08:00:00Z", "producer": "p", "schemaURL": "s", "job": {"namespace": "x"}}\n'


@pytest.fixture
def events_file(tmp_path: Path) -> Path:
    """The scenario as the client's file transport writes it, with a broken line and a blank one inserted."""
    path = tmp_path / "events.ndjson"
    transport = FileTransport(FileConfig(log_file_path=str(path), append=True))
    ol = OpenLineageClient(transport=transport)
    for event in scenario()[:2]:
        ol.emit(event)
    with path.open("ab") as file:
        file.write(BROKEN + b"\n")
    for event in scenario()[2:]:
        ol.emit(event)
    return path


def _import(neo4j_settings: Neo4jSettings, *args: str, stdin: bytes | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(
        cli, ["openlineage", "import", *args], env=neo4j_settings.environment(), input=stdin, catch_exceptions=False
    )
    return result.exit_code, result.stdout


def test_a_file_with_an_invalid_line_writes_the_rest_and_exits_7(
    events_file: Path, clean_neo4j: Driver, neo4j_settings: Neo4jSettings
) -> None:
    code, out = _import(neo4j_settings, str(events_file), "--format", "json")
    report = json.loads(out)
    assert code == 7, out
    assert {k: report[k] for k in ("outcome", "exit_code", "read", "written", "invalid")} == {
        "outcome": "partial",
        "exit_code": 7,
        "read": 6,
        "written": 5,
        "invalid": 1,
    }
    assert report["invalid_lines"] == [{"line": 3, "pointer": "/job", "message": "'name' is a required property"}]
    snapshot = openlineage_snapshot(clean_neo4j)
    assert node_keys(snapshot) == EXPECTED_NODES
    assert edge_triples(snapshot) == EXPECTED_EDGES

    # Again: nothing new, the same graph.
    code, out = _import(neo4j_settings, str(events_file), "--format", "json")
    assert (code, json.loads(out)["nodes_created"], json.loads(out)["relationships_created"]) == (7, 0, 0)
    assert openlineage_snapshot(clean_neo4j) == snapshot


def test_stdin_in_any_order_with_invalid_lines_gives_the_same_graph(
    events_file: Path, clean_neo4j: Driver, neo4j_settings: Neo4jSettings
) -> None:
    _import(neo4j_settings, str(events_file))
    expected = openlineage_snapshot(clean_neo4j)
    clean_neo4j.execute_query("MATCH (n:OpenLineage) DETACH DELETE n")
    lines = [line for line in events_file.read_bytes().splitlines() if line.strip() and line != BROKEN.strip()]
    code, out = _import(neo4j_settings, "-", stdin=b"\n".join([*reversed(lines), b"[1, 2]", b"{oops"]) + b"\n")
    assert code == 7, out
    assert out.splitlines()[1] == "line 6: /: an event is a JSON object, not list"
    assert out.splitlines()[2].startswith("line 7: /: not JSON: ")  # and orjson's words for what is wrong
    assert len(out.splitlines()) == 3
    assert out.splitlines()[0].startswith("stdin: 7 events read, 5 written, 2 invalid (8 nodes and 7 relationships")
    assert openlineage_snapshot(clean_neo4j) == expected

    clean_neo4j.execute_query("MATCH (n:OpenLineage) DETACH DELETE n")
    code, out = _import(neo4j_settings, "-", stdin=b"\n".join(lines))  # all valid, no newline at the end
    assert code == 0, out
    assert openlineage_snapshot(clean_neo4j) == expected


def test_small_batches_write_what_one_batch_writes(clean_neo4j: Driver, neo4j_settings: Neo4jSettings) -> None:
    writer = OpenLineageWriter(clean_neo4j, neo4j_settings.database)
    writer.apply_schema()
    lines = [json.dumps(e).encode() for e in as_dicts(scenario())]
    lines[0] = codecs.BOM_UTF8 + lines[0]  # as a Windows editor saves a file
    committed: list[int] = []
    report = import_lines(lines, writer, "test", batch_events=2, progress=committed.append)
    assert committed == [2, 4, 5]
    assert report.written.events == 5 and report.exit_code == 0
    snapshot = openlineage_snapshot(clean_neo4j)
    clean_neo4j.execute_query("MATCH (n:OpenLineage) DETACH DELETE n")
    import_lines(lines, writer, "test")
    assert openlineage_snapshot(clean_neo4j) == snapshot


def test_an_import_on_a_terminal_shows_a_bar_of_events_written() -> None:
    buffer = io.StringIO()
    progress = TerminalProgress(buffer, force_terminal=True, verb="importing", unit="events")
    progress.update("events.ndjson", "written", 12_000)
    progress.close()
    assert "importing events.ndjson: written" in buffer.getvalue()
    assert "12,000 events" in buffer.getvalue()
