"""bench/peak_rss.py reports a command's own peak memory, not that of the process that started it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

PEAK_RSS = Path(__file__).parents[1] / "bench" / "peak_rss.py"
MB = 1024 * 1024


def _touch(size: int) -> bytearray:
    """``size`` bytes, every page written so that they count in RSS."""
    block = bytearray(size)
    for i in range(0, size, 4096):
        block[i] = 1
    return block


def _measure(tmp_path: Path, code: str) -> dict[str, float]:
    out = tmp_path / "measured.json"
    returncode = subprocess.call([sys.executable, "-S", str(PEAK_RSS), str(out), sys.executable, "-c", code])
    assert returncode == 0
    return json.loads(out.read_text())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the inherited high-water mark is Linux's")
def test_a_small_command_started_from_a_large_process_reports_its_own_peak(tmp_path: Path) -> None:
    ballast = _touch(400 * MB)  # the bench's state by the 1M incremental sync, and then some
    measured = _measure(tmp_path, "pass")
    assert len(ballast) == 400 * MB
    assert measured["peak_rss_kb"] * 1024 < 100 * MB
    assert measured["seconds"] > 0


def test_a_command_that_allocates_reports_what_it_allocated(tmp_path: Path) -> None:
    code = "b = bytearray(200 * 1024 * 1024)\nfor i in range(0, len(b), 4096): b[i] = 1"
    assert _measure(tmp_path, code)["peak_rss_kb"] * 1024 >= 200 * MB


def test_the_commands_exit_code_is_passed_on(tmp_path: Path) -> None:
    out = tmp_path / "measured.json"
    cmd = [sys.executable, "-S", str(PEAK_RSS), str(out), sys.executable, "-c", "raise SystemExit(3)"]
    assert subprocess.call(cmd) == 3
    assert json.loads(out.read_text())["peak_rss_kb"] > 0
