"""A sync's progress display: rich's bar on a terminal (a forced-terminal console into a buffer), log lines
through the CLI's logging anywhere else (a fake clock instead of waiting)."""

from __future__ import annotations

import io

import click
from click.testing import CliRunner

from lineage_graph.cli.options import verbosity_option
from lineage_graph.present.progress import LOG_INTERVAL_S, TerminalProgress

SHARD = "123456789012:us-east-1"


def test_a_terminal_gets_a_bar_per_shard_cleared_at_the_end() -> None:
    buffer = io.StringIO()
    progress = TerminalProgress(buffer, force_terminal=True)
    progress.update(SHARD, "Artifact", 1000)
    progress.update(SHARD, "Association", 12_345)
    progress.update("210987654321:eu-west-1", "TrialComponent", 7)
    progress.close()
    drawn = buffer.getvalue()
    assert f"syncing {SHARD}: Association" in drawn and "12,345 rows" in drawn
    assert "syncing 210987654321:eu-west-1: TrialComponent" in drawn
    assert "\x1b[" in drawn  # drawn in place with terminal controls, not as lines


def test_elsewhere_a_log_line_per_shard_every_interval_even_without_verbose() -> None:
    now = [0.0]

    @click.command()
    @verbosity_option
    def fake_sync() -> None:
        now[0] = 0.0
        progress = TerminalProgress(io.StringIO(), clock=lambda: now[0])  # a pipe: not a terminal
        for seconds, kind, rows in ((1, "Artifact", 10), (LOG_INTERVAL_S, "Artifact", 2000), (40, "Context", 5)):
            now[0] = seconds
            progress.update(SHARD, kind, rows)
        now[0] = 2 * LOG_INTERVAL_S + 1
        progress.update(SHARD, "Association", 1_000_000)
        progress.close()

    result = CliRunner().invoke(fake_sync, [], catch_exceptions=False)
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert len(lines) == 2, lines
    assert lines[0].endswith(f"INFO syncing {SHARD}: Artifact 2,000 rows, 30 s so far")
    assert lines[1].endswith(f"INFO syncing {SHARD}: Association 1,000,000 rows, 61 s so far")
    as_json = CliRunner().invoke(fake_sync, ["--log-format", "json"], catch_exceptions=False)
    assert '"message": "syncing 123456789012:us-east-1: Artifact 2,000 rows, 30 s so far"' in as_json.stderr


def test_another_task_names_its_verb_and_unit() -> None:
    buffer = io.StringIO()
    progress = TerminalProgress(buffer, force_terminal=True, verb="exporting to", unit="runs")
    progress.update("http://marquez:5000/api/v1/lineage", "trial components", 2_500)
    progress.close()
    assert "exporting to http://marquez:5000/api/v1/lineage: trial components" in buffer.getvalue()
    assert "2,500 runs" in buffer.getvalue()
