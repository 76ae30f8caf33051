"""`make test` installs Chromium with apt-get when it is missing: the README says so and what that needs,
and without root the script says so in one line instead of failing inside apt-get."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "install-chromium.sh"


def test_readme_quick_start_says_make_test_installs_chromium_as_root() -> None:
    readme = (REPO / "README.md").read_text()
    quick_start = readme[readme.index("## Quick start") : readme.index("## How it works")]
    after_make_test = quick_start[quick_start.index("make test") :]
    for words in ("Chromium", "apt-get", "root", "scripts/install-chromium.sh"):
        assert words in after_make_test, words
    assert "scripts/install-chromium.sh" in (REPO / "Makefile").read_text()


def test_without_root_it_says_what_it_needs_in_one_line() -> None:
    as_nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.geteuid() == 0 else []
    result = subprocess.run(
        [*as_nobody, "sh", "-s"],
        input=SCRIPT.read_text(),
        env={"PATH": os.environ["PATH"], "CHROMIUM": "/nonexistent/chromium"},
        cwd="/",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        "install-chromium.sh: /nonexistent/chromium is missing and installing it takes apt-get as root: "
        "run 'sudo apt-get install chromium' (Debian, Ubuntu), or make test as root\n"
    )
