"""``lineage-graph serve`` left running in the background, managed as the local Neo4j is: one per state
directory, its pid, state and log kept there, a status, and a clean stop.

The demo leaves the explorer running this way, and ``serve --detach`` does the same for anyone. The server
is a ``lineage-graph serve`` process of its own session (it survives the command that started it and Ctrl-C
in its terminal), its output appended to ``serve.log``. Its command line carries ``--state-dir=<dir>``, so
a stop never signals a process that merely got its pid since. The token and the Neo4j password reach it
through its environment, never its command line, the state file or the log.
"""

from __future__ import annotations

import errno
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from lineage_graph.errors import ConfigurationError, LineageGraphError
from lineage_graph.processes import is_running_as, recorded_pid, terminate
from lineage_graph.settings import Neo4jSettings, data_home
from lineage_graph.web.security import TOKEN_ENVVAR

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5000
STATE_DIR_ENVVAR = "LINEAGE_GRAPH_SERVE_DIR"
# serve's first line on stderr says where it listens (cli/serve_cmd.py).
_LISTENING = "listening on "
START_TIMEOUT_S = 60.0
# serve finishes the requests in flight for up to 30 s (web.serve.GRACEFUL_SHUTDOWN_S) after SIGTERM.
STOP_TIMEOUT_S = 60.0
_LOG_TAIL_LINES = 12


def default_state_dir() -> Path:
    """``${XDG_DATA_HOME:-~/.local/share}/lineage-graph/serve``, beside the local Neo4j's data dir."""
    return data_home("serve")


@dataclass(frozen=True)
class ServeStatus:
    """What ``serve --status`` reports."""

    running: bool
    state_dir: Path
    log_file: Path
    pid: int | None = None
    url: str | None = None


@dataclass(frozen=True)
class Started:
    """A background serve that answers HTTP; ``replaced`` is the pid of the one it took over from, and
    ``port_taken`` the port asked for when another program had it."""

    url: str
    pid: int
    log_file: Path
    replaced: int | None = None
    port_taken: int | None = None


@dataclass(frozen=True)
class Stopped:
    pid: int
    seconds: float
    killed: bool  # True when SIGTERM was not enough within the timeout


class BackgroundServe:
    """The background serve of one state directory: at most one runs per directory."""

    def __init__(self, state_dir: Path | str | None = None) -> None:
        self.state_dir = Path(state_dir or default_state_dir()).expanduser().resolve()
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def pid_file(self) -> Path:
        return self.state_dir / "serve.pid"

    @property
    def state_file(self) -> Path:
        return self.state_dir / "serve.json"

    @property
    def log_file(self) -> Path:
        return self.state_dir / "serve.log"

    @property
    def marker(self) -> str:
        """The argument that tells this directory's server apart from any other process."""
        return f"--state-dir={self.state_dir}"

    # -- status ---------------------------------------------------------------------------------------------

    def status(self) -> ServeStatus:
        pid = self._running_pid()
        url = self._read_state().get("url") if pid is not None else None
        return ServeStatus(
            running=pid is not None,
            state_dir=self.state_dir,
            log_file=self.log_file,
            pid=pid,
            url=url if isinstance(url, str) else None,
        )

    def _running_pid(self) -> int | None:
        pid = recorded_pid(self.pid_file)
        return pid if pid is not None and self._is_ours(pid) else None

    def _is_ours(self, pid: int) -> bool:
        return is_running_as(pid, self._process, lambda args: " serve " in f" {args} " and self.marker in args)

    def _read_state(self) -> dict[str, Any]:
        try:
            state = json.loads(self.state_file.read_text())
        except (OSError, ValueError):
            return {}
        return state if isinstance(state, dict) else {}

    def _clear_state(self) -> None:
        for path in (self.pid_file, self.state_file):
            path.unlink(missing_ok=True)

    # -- start ----------------------------------------------------------------------------------------------

    def start(
        self,
        neo4j: Neo4jSettings,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        *,
        token: str | None = None,
        any_port_if_taken: bool = False,
        timeout: float = START_TIMEOUT_S,
    ) -> Started:
        """Starts serve detached and returns once it answers HTTP.

        A server already running from this directory is stopped first (it may serve an older version, or
        another Neo4j), so it is replaced, on the same port if that was asked again. A port another program
        holds is an error, or with ``any_port_if_taken`` a free one instead (the demo's case)."""
        current = self.status()
        holds_port = current.url is not None and urlsplit(current.url).port == port
        port_taken = None
        if port != 0 and not holds_port and not _port_free(host, port):
            if not any_port_if_taken:
                raise ConfigurationError(
                    f"port {host}:{port} is already in use by another program; stop it or choose another --port"
                )
            port_taken, port = port, 0
        previous = self.stop()
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self._clear_state()  # files of a server that died
        command = [str(Path(sys.executable).with_name("lineage-graph")), "serve", "--host", host]
        command += ["--port", str(port), self.marker]
        env = {**os.environ, **neo4j.environment()}
        env.pop(TOKEN_ENVVAR, None)
        if token:
            env[TOKEN_ENVVAR] = token
        with self.log_file.open("ab") as log:
            log.write(f"\n=== lineage-graph: starting serve at {time.ctime()} ===\n".encode())
            log.flush()
            log_offset = log.tell()
            self._process = subprocess.Popen(
                command,
                cwd=self.state_dir,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # survives the command that started it and Ctrl-C in its terminal
            )
        pid = self._process.pid
        self.pid_file.write_text(f"{pid}\n")
        try:
            url = self._wait_until_ready(log_offset, timeout)
        except BaseException:
            terminate(pid, self._is_ours, STOP_TIMEOUT_S, "lineage-graph serve")
            self._clear_state()
            raise
        self.state_file.write_text(json.dumps({"pid": pid, "url": url, "started_at": time.time()}))
        return Started(
            url=url,
            pid=pid,
            log_file=self.log_file,
            replaced=previous.pid if previous else None,
            port_taken=port_taken,
        )

    def _wait_until_ready(self, log_offset: int, timeout: float) -> str:
        """The URL serve said it listens on, once it answers there: its home page, which needs no Neo4j (any
        status: with a token it is 401)."""
        assert self._process is not None
        deadline = time.monotonic() + timeout
        url = None
        while True:
            returncode = self._process.poll()
            if returncode is not None:
                raise LineageGraphError(self._failure(f"exited with code {returncode}", log_offset))
            if time.monotonic() > deadline:
                raise LineageGraphError(self._failure(f"did not answer within {timeout:.0f} s", log_offset))
            url = url or self._listening_url(log_offset)
            if url is not None and _answers(url + "/"):
                return url
            time.sleep(0.1)

    def _log_since(self, log_offset: int) -> str:
        try:
            with self.log_file.open("rb") as log:
                log.seek(log_offset)
                return log.read().decode(errors="replace")
        except OSError:
            return ""

    def _listening_url(self, log_offset: int) -> str | None:
        for line in self._log_since(log_offset).splitlines():
            if _LISTENING in line:
                return line.split(_LISTENING, 1)[1].split(" ", 1)[0]
        return None

    def _failure(self, what: str, log_offset: int) -> str:
        lines = [line for line in self._log_since(log_offset).splitlines() if line.strip()][-_LOG_TAIL_LINES:]
        tail = "\n".join(f"  | {line}" for line in lines) or "  | (no output)"
        return f"lineage-graph serve {what}:\n{tail}\nfull log: {self.log_file}"

    # -- stop -----------------------------------------------------------------------------------------------

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> Stopped | None:
        """SIGTERM (serve finishes its requests and exits 0), SIGKILL after ``timeout``; None if none ran."""
        pid = self._running_pid()
        if pid is None:
            self._clear_state()
            return None
        started = time.monotonic()
        killed = terminate(pid, self._is_ours, timeout, "lineage-graph serve")
        self._clear_state()
        return Stopped(pid=pid, seconds=time.monotonic() - started, killed=killed)


def _port_free(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as serve binds: TIME_WAIT is fine
        try:
            sock.bind((host.strip("[]"), port))
        except OSError as err:
            if err.errno == errno.EADDRINUSE:
                return False
            raise ConfigurationError(f"cannot listen on {host}:{port}: {err.strerror}") from None
    return True


def _answers(url: str) -> bool:
    """Whether anything answers HTTP at ``url``, whatever the status."""
    # No proxy: a configured http_proxy must not be asked for our own server.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=5):
            return True
    except urllib.error.HTTPError:
        return True
    except (urllib.error.URLError, OSError):
        return False
