"""Servers the CLI leaves running in the background (the local Neo4j, a detached ``serve``): telling one of
ours from whatever process got its pid since, and stopping it the way it shuts down cleanly."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from lineage_graph.errors import LineageGraphError


def command_line(pid: int) -> str | None:
    """The process's arguments, or None if it is gone or a zombie (whose cmdline is empty)."""
    proc = Path("/proc")
    if proc.is_dir():
        try:
            raw = (proc / str(pid) / "cmdline").read_bytes()
        except OSError:
            return None
        return raw.replace(b"\0", b" ").decode(errors="replace") or None
    result = subprocess.run(["ps", "-p", str(pid), "-o", "command="], capture_output=True, text=True, check=False)
    return result.stdout.strip() or None if result.returncode == 0 else None


def reap(pid: int) -> None:
    """Collects the exit of ``pid`` if it is an exited child of ours, so it does not linger as a zombie."""
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)


def recorded_pid(pid_file: Path) -> int | None:
    """The pid a server's pid file holds, or None when there is no readable one."""
    try:
        return int(pid_file.read_text().strip())
    except (OSError, ValueError):
        return None


def is_running_as(pid: int, child: subprocess.Popen[bytes] | None, matches: Callable[[str], bool]) -> bool:
    """Whether ``pid`` is alive and its command line ``matches`` ours (pids get reused). It is reaped first if
    it is our exited child (``child``, a test session's server) or lingers as a zombie."""
    if child is not None and child.pid == pid:
        child.poll()
    else:
        reap(pid)
    arguments = command_line(pid)
    return arguments is not None and matches(arguments)


def terminate(pid: int, is_running: Callable[[int], bool], timeout: float, name: str) -> bool:
    """SIGTERM (the server's clean shutdown), SIGKILL after ``timeout`` seconds; True if SIGKILL was needed.

    ``is_running`` says whether ``pid`` is still the server (pids get reused): polled, since the server is
    usually not our child and cannot be waited for."""
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 10.0)):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if not is_running(pid):
                return sig == signal.SIGKILL
            time.sleep(0.1)
    raise LineageGraphError(f"{name} (pid {pid}) did not exit even after SIGKILL")
