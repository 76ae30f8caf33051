"""A local Neo4j Community server run straight from Maven Central jars: no Docker, no tarball, no neo4j.conf.

The JVM runs ``org.neo4j.server.CommunityEntryPoint`` with ``--home-dir=<data dir>``; everything it writes
(``data/``, ``logs/``) stays there, next to our own ``server.pid``, ``server.json`` and ``server.log``.
An optional ``<data dir>/conf/neo4j.conf`` is read by Neo4j too; our ``-c`` settings win over it.

The password never goes on the java command line or into its environment: a fresh server starts with the
expired ``neo4j``/``neo4j`` credentials, and we change them over Bolt on first start.
"""

from __future__ import annotations

import errno
import json
import os
import re
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, DriverError, Neo4jError, ServiceUnavailable

from lineage_graph.errors import ConfigurationError, LineageGraphError
from lineage_graph.neo4j_local.jars import (
    DEFAULT_NEO4J_VERSION,
    Notify,
    check_java,
    ensure_browser_jar,
    ensure_jars,
    find_java,
    to_stderr,
    validate_version,
)
from lineage_graph.processes import is_running_as, recorded_pid, terminate
from lineage_graph.settings import data_home

HOST = "127.0.0.1"
USERNAME = "neo4j"
DEFAULT_BOLT_PORT = 7687
DEFAULT_HTTP_PORT = 7474
# A line of Neo4j Browser's index.html: what tells its page apart from an error page or a directory listing.
_BROWSER_MARKER = b"<title>Neo4j Browser</title>"
DEFAULT_HEAP = "1g"
PAGE_CACHE_SIZE = "256m"
MIN_PASSWORD_LENGTH = 8  # dbms.security.auth_minimum_password_length
START_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 60.0  # a clean shutdown checkpoints the stores: ~10 s on 2 cores
ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
_INITIAL_PASSWORD = "neo4j"  # Neo4j's built-in first-start credentials, expired until changed
_HEAP_RE = re.compile(r"^[1-9][0-9]*[kKmMgG]?$")
# Secrets the JVM does not need; `ps e` would show them otherwise.
_SCRUBBED_ENV = ("NEO4J_PASSWORD", "NEO4J_AUTH")
# From the neo4j.conf that ships with 5.26: `server.jvm.additional` is applied only by bin/neo4j.
JVM_FLAGS = (
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Dlog4j2.disable.jmx=true",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+ExitOnOutOfMemoryError",
)


def default_data_dir() -> Path:
    """``${XDG_DATA_HOME:-~/.local/share}/lineage-graph/neo4j``: data that survives reboots and cache purges."""
    return data_home("neo4j")


@dataclass(frozen=True)
class Neo4jStatus:
    """What ``lineage-graph neo4j status`` reports; port and version are the running server's own."""

    running: bool
    data_dir: Path
    version: str
    bolt_port: int
    pid: int | None
    log_file: Path
    http_port: int | None = None
    browser: bool = False

    @property
    def uri(self) -> str:
        return f"bolt://{HOST}:{self.bolt_port}"

    @property
    def browser_url(self) -> str | None:
        """Neo4j Browser's page, told to connect to our Bolt port as user neo4j; never carries the password."""
        if not (self.running and self.browser and self.http_port):
            return None
        return browser_url(self.http_port, self.bolt_port)

    def to_dict(self) -> dict[str, Any]:
        return {
            "running": self.running,
            "uri": self.uri if self.running else None,
            "pid": self.pid,
            "bolt_port": self.bolt_port,
            "browser_url": self.browser_url,
            "version": self.version,
            "data_dir": str(self.data_dir),
            "log_file": str(self.log_file),
        }


@dataclass(frozen=True)
class StopResult:
    pid: int
    seconds: float
    killed: bool  # True when SIGTERM was not enough within the timeout


class LocalNeo4j:
    """One local server, identified by its data dir: at most one runs per data dir (Neo4j locks the store)."""

    def __init__(
        self,
        data_dir: Path | str | None = None,
        bolt_port: int = DEFAULT_BOLT_PORT,
        version: str = DEFAULT_NEO4J_VERSION,
        *,
        http_port: int | None = None,
        browser: bool = False,
        heap: str | None = None,
        page_cache: str | None = None,
        notify: Notify = to_stderr,
    ) -> None:
        self.data_dir = Path(data_dir or default_data_dir()).expanduser().resolve()
        self.bolt_port = bolt_port
        self.version = validate_version(version)
        # None: no HTTP connector at all. The Browser needs one (it is served at /browser/).
        self.http_port = DEFAULT_HTTP_PORT if browser and http_port is None else http_port
        self.browser = browser
        self.heap = heap or os.environ.get("LINEAGE_GRAPH_NEO4J_HEAP") or DEFAULT_HEAP
        if not _HEAP_RE.match(self.heap):
            raise ConfigurationError(f"invalid heap size {self.heap!r} (a -Xmx value such as 1g or 768m)")
        # Store pages held in memory: a graph larger than this is read from disk at every lookup.
        self.page_cache = page_cache or os.environ.get("LINEAGE_GRAPH_NEO4J_PAGE_CACHE") or PAGE_CACHE_SIZE
        if not _HEAP_RE.match(self.page_cache):
            raise ConfigurationError(f"invalid page cache size {self.page_cache!r} (such as 256m or 2g)")
        self.notify = notify
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def uri(self) -> str:
        return f"bolt://{HOST}:{self.bolt_port}"

    @property
    def pid_file(self) -> Path:
        return self.data_dir / "server.pid"

    @property
    def state_file(self) -> Path:
        return self.data_dir / "server.json"

    @property
    def log_file(self) -> Path:
        return self.data_dir / "server.log"

    def ensure_jars(self) -> Path:
        """Resolves the jars now (``lineage-graph neo4j install``), so a later start is offline and fast."""
        return ensure_jars(self.version, self.notify)

    # -- status ---------------------------------------------------------------------------------------------

    def status(self) -> Neo4jStatus:
        pid = self._running_pid()
        state = self._read_state() if pid is not None else {}
        return Neo4jStatus(
            running=pid is not None,
            data_dir=self.data_dir,
            version=str(state.get("version", self.version)),
            bolt_port=int(state.get("bolt_port", self.bolt_port)),
            pid=pid,
            log_file=self.log_file,
            http_port=state.get("http_port"),
            browser=bool(state.get("browser", False)),
        )

    def _running_pid(self) -> int | None:
        """The pid in server.pid if that process is alive *and* is our Neo4j on this data dir (pids get reused)."""
        pid = recorded_pid(self.pid_file)
        return pid if pid is not None and self._is_our_server(pid) else None

    def _is_our_server(self, pid: int) -> bool:
        home = f"--home-dir={self.data_dir}"
        return is_running_as(pid, self._process, lambda args: ENTRY_POINT in args and home in args)

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

    def start(self, password: str, timeout: float = START_TIMEOUT_S) -> str:
        """Starts the server detached and returns its Bolt URI once a query succeeds with ``password``.

        Idempotent: if it already runs on this data dir, returns that server's URI.
        """
        if len(password) < MIN_PASSWORD_LENGTH:
            raise ConfigurationError(f"the Neo4j password must have at least {MIN_PASSWORD_LENGTH} characters")
        current = self.status()
        if current.running:
            return current.uri
        self._clear_state()  # stale files of a server that died
        java = find_java()
        check_java(java, self.version)
        classpath = f"{self.ensure_jars()}/*"
        if self.browser:
            classpath += f"{os.pathsep}{ensure_browser_jar(self.notify)}"
        for port in (self.bolt_port, self.http_port):
            if port is not None:
                _check_port_free(port)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        command = [java, f"-Xmx{self.heap}", *JVM_FLAGS, "-cp", classpath, ENTRY_POINT, *self._server_args()]
        env = {key: value for key, value in os.environ.items() if key not in _SCRUBBED_ENV}
        with self.log_file.open("ab") as log:
            log.write(f"\n=== lineage-graph: starting Neo4j {self.version} at {time.ctime()} ===\n".encode())
            log.flush()
            log_offset = log.tell()
            self._process = subprocess.Popen(
                command,
                cwd=self.data_dir,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # survives the CLI and Ctrl-C in its terminal
            )
        pid = self._process.pid
        self.pid_file.write_text(f"{pid}\n")
        state = {
            "pid": pid,
            "bolt_port": self.bolt_port,
            "http_port": self.http_port,
            "browser": self.browser,
            "version": self.version,
        }
        self.state_file.write_text(json.dumps(state))
        try:
            self._wait_until_ready(password, timeout, log_offset)
            if self.browser:
                self._check_browser(log_offset)
        except BaseException:
            self._terminate(pid, STOP_TIMEOUT_S)
            self._clear_state()
            raise
        return self.uri

    def _server_args(self) -> list[str]:
        settings = {
            "server.default_listen_address": HOST,
            "server.bolt.enabled": "true",
            "server.bolt.listen_address": f"{HOST}:{self.bolt_port}",
            "server.bolt.advertised_address": f"{HOST}:{self.bolt_port}",
            "server.http.enabled": "false",
            "server.https.enabled": "false",
            "dbms.security.auth_enabled": "true",
            "server.memory.pagecache.size": self.page_cache,
            "dbms.usage_report.enabled": "false",
            # LOAD CSV may not read the server's files (file:///etc/passwd); see README, "Shared servers".
            "dbms.security.allow_csv_import_from_file_urls": "false",
        }
        if self.version.startswith("5."):
            # Bolt's shutdown otherwise idles 2 x 5 s: `stop` takes 1 s instead of 11 s. Internal names, so 5.x
            # only (strict config validation rejects unknown keys).
            settings["internal.dbms.bolt.netty_server_shutdown_quiet_period"] = "0"
            settings["internal.server.bolt.thread_pool_shutdown_wait_time"] = "0s"
        if self.http_port is not None:
            settings["server.http.enabled"] = "true"
            settings["server.http.listen_address"] = f"{HOST}:{self.http_port}"
            settings["server.http.advertised_address"] = f"{HOST}:{self.http_port}"  # logged as the interface URL
        if self.browser:
            # A local tool: the Browser sends no product analytics (it reads this setting on connect).
            settings["client.allow_telemetry"] = "false"
        # Without --config-dir no neo4j.conf is read at all; with it, a missing file is fine.
        args = [f"--home-dir={self.data_dir}", f"--config-dir={self.data_dir / 'conf'}", "--console-mode"]
        for key, value in settings.items():
            args += ["-c", f"{key}={value}"]
        return args

    def _wait_until_ready(self, password: str, timeout: float, log_offset: int) -> None:
        assert self._process is not None
        deadline = time.monotonic() + timeout
        while True:
            returncode = self._process.poll()
            if returncode is not None:
                raise LineageGraphError(self._startup_failure(f"exited with code {returncode}", log_offset))
            if time.monotonic() > deadline:
                raise LineageGraphError(
                    self._startup_failure(f"did not answer on Bolt within {timeout:.0f} s", log_offset)
                )
            try:
                try:
                    _query(self.uri, password, "neo4j")
                    return
                except AuthError:
                    self._set_initial_password(password)  # then query again
            except (ServiceUnavailable, DriverError, Neo4jError, OSError):
                time.sleep(0.5)  # not listening yet, or the databases are still starting

    def _check_browser(self, log_offset: int) -> None:
        """Bolt answering does not prove the Browser is served: the jar must be on the classpath and the module on."""
        assert self.http_port is not None
        url = f"http://{HOST}:{self.http_port}/browser/"
        try:
            # No proxy: a configured http_proxy must not be asked for our own loopback server.
            with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(url, timeout=10) as response:
                page = response.read()
        except (urllib.error.URLError, OSError) as err:
            failure = self._startup_failure(f"does not serve Neo4j Browser at {url} ({err})", log_offset)
            raise LineageGraphError(failure) from None
        if _BROWSER_MARKER not in page:
            raise LineageGraphError(self._startup_failure(f"answers {url} without Neo4j Browser's page", log_offset))

    def _set_initial_password(self, password: str) -> None:
        """First start: Neo4j only accepts ``neo4j``/``neo4j``, expired, until the password is changed."""
        try:
            with GraphDatabase.driver(self.uri, auth=(USERNAME, _INITIAL_PASSWORD)) as driver:
                driver.execute_query(
                    "ALTER CURRENT USER SET PASSWORD FROM $old TO $new",
                    parameters_={"old": _INITIAL_PASSWORD, "new": password},
                    database_="system",
                )
        except AuthError:
            raise ConfigurationError(
                f"the Neo4j in {self.data_dir} refuses the given password: it keeps the one set on its first start; "
                "pass that one (NEO4J_PASSWORD / --password) or use a new --data-dir"
            ) from None

    def _startup_failure(self, what: str, log_offset: int) -> str:
        """Neo4j's own explanation: the innermost cause plus the log tail without stack frames."""
        try:
            with self.log_file.open("rb") as log:
                log.seek(log_offset)
                text = log.read().decode(errors="replace")
        except OSError:
            text = ""
        lines = [line.rstrip() for line in text.splitlines() if line.strip()]
        # An uncaught exception (bad config) says it best on its first line; a failed start (port in use) logs
        # a generic ERROR whose innermost "Caused by" is the real reason.
        uncaught = [line.split(": ", 1)[-1] for line in lines if line.startswith("Exception in thread")]
        causes = [line.split(": ", 1)[-1] for line in lines if line.startswith("Caused by:")]
        errors = [line for line in lines if " ERROR " in line or line.startswith("Error")]
        candidates = uncaught[:1] or causes[-1:] or errors[-1:] or lines[-1:] or ["no output"]
        summary = candidates[0]
        tail = [line for line in lines if not line.startswith(("\tat ", "\t...", "    at "))][-12:]
        return f"Neo4j {what}: {summary}\n" + "\n".join(f"  | {line}" for line in tail) + f"\nfull log: {self.log_file}"

    # -- stop -----------------------------------------------------------------------------------------------

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> StopResult | None:
        """SIGTERM (Neo4j checkpoints and exits), SIGKILL after ``timeout``; None if it was not running."""
        pid = self._running_pid()
        if pid is None:
            self._clear_state()
            return None
        started = time.monotonic()
        killed = self._terminate(pid, timeout)
        self._clear_state()
        return StopResult(pid=pid, seconds=time.monotonic() - started, killed=killed)

    def _terminate(self, pid: int, timeout: float) -> bool:
        """Returns True if SIGKILL was needed."""
        return terminate(pid, self._is_our_server, timeout, "Neo4j")


def browser_url(http_port: int, bolt_port: int) -> str:
    """The Browser page with ``dbms`` set, so its connect form points at our Bolt port (not its 7687 default)."""
    return f"http://{HOST}:{http_port}/browser/?dbms=bolt://{USERNAME}@{HOST}:{bolt_port}"


def _query(uri: str, password: str, database: str) -> None:
    with GraphDatabase.driver(uri, auth=(USERNAME, password), connection_timeout=5.0) as driver:
        driver.verify_connectivity()
        driver.execute_query("RETURN 1", database_=database)


def _check_port_free(port: int) -> None:
    """Fails in a second with one clear line instead of Neo4j's 20 s start and stack trace."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as a server socket would: TIME_WAIT is fine
        try:
            sock.bind((HOST, port))
        except OSError as err:
            if err.errno == errno.EADDRINUSE:
                raise ConfigurationError(
                    f"port {HOST}:{port} is already in use by another process; stop it or choose another port "
                    "(--bolt-port / LINEAGE_GRAPH_NEO4J_BOLT_PORT)"
                ) from None
            raise ConfigurationError(f"cannot listen on {HOST}:{port}: {err.strerror}") from None
