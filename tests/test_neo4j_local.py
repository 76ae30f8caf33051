"""`lineage-graph neo4j start|stop|status|install` against a real Neo4j, through the installed console script.

One server for the module (each cold start costs 10-20 s on 2 cores), started in a subprocess so that the
detached server outliving the CLI process is part of what is tested.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fixtures.neo4j_server import free_port
from neo4j import Driver, GraphDatabase
from neo4j.exceptions import AuthError, ClientError

from lineage_graph.neo4j_local import DEFAULT_NEO4J_VERSION, jar_dir
from lineage_graph.settings import Neo4jSettings

LINEAGE_GRAPH = str(Path(sys.executable).parent / "lineage-graph")


@dataclass(frozen=True)
class Server:
    data_dir: Path
    port: int
    password: str
    env: dict[str, str]

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"


def cli(*args: str, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [LINEAGE_GRAPH, "neo4j", *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def server_env(data_dir: Path, port: int, password: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("NEO4J_", "LINEAGE_GRAPH_"))}
    env.update(
        LINEAGE_GRAPH_NEO4J_DATA_DIR=str(data_dir),
        LINEAGE_GRAPH_NEO4J_BOLT_PORT=str(port),
        NEO4J_PASSWORD=password,
    )
    for key in ("LINEAGE_GRAPH_CACHE_DIR", "XDG_CACHE_HOME"):  # share the jar cache with the rest of the run
        if key in os.environ:
            env[key] = os.environ[key]
    return env


def query_value(uri: str, password: str, cypher: str) -> object:
    with GraphDatabase.driver(uri, auth=("neo4j", password)) as driver:
        records, _, _ = driver.execute_query(cypher, database_="neo4j")
        return records[0][0] if records else None


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    password = "pw-" + secrets.token_hex(10)  # unique, so finding it anywhere means it leaked
    data_dir, port = tmp_path_factory.mktemp("neo4j-cli"), free_port()
    srv = Server(data_dir, port, password, server_env(data_dir, port, password))
    result = cli("start", env=srv.env)
    assert result.returncode == 0, result.stderr
    assert f"is running at {srv.uri}" in result.stdout
    yield srv
    cli("stop", env=srv.env)


def test_start_returns_with_bolt_up_and_auth_on(server: Server) -> None:
    assert query_value(server.uri, server.password, "RETURN 1") == 1
    with pytest.raises(AuthError), GraphDatabase.driver(server.uri, auth=("neo4j", "not-the-password")) as driver:
        driver.verify_connectivity()
    # Only Bolt on 127.0.0.1: no HTTP (7474) connector was configured.
    log = (server.data_dir / "server.log").read_text()
    assert f"Bolt enabled on localhost:{server.port}" in log or f"Bolt enabled on 127.0.0.1:{server.port}" in log
    assert "HTTP enabled" not in log


def test_second_start_says_already_running(server: Server) -> None:
    pid = int((server.data_dir / "server.pid").read_text())
    result = cli("start", env=server.env)
    assert result.returncode == 0, result.stderr
    assert f"already running at {server.uri} (pid {pid})" in result.stdout


def test_start_on_another_port_while_running_says_so(server: Server) -> None:
    other = free_port()
    for args, env in (
        (("--bolt-port", str(other)), server.env),
        ((), {**server.env, "LINEAGE_GRAPH_NEO4J_BOLT_PORT": str(other)}),
    ):
        result = cli("start", *args, env=env)
        assert result.returncode == 3, (result.stdout, result.stderr)
        assert result.stdout == ""
        pid = int((server.data_dir / "server.pid").read_text())
        assert result.stderr.strip() == (
            f"error: Neo4j already runs on this data dir at {server.uri} (pid {pid}), not on port {other}: "
            "stop it first (`lineage-graph neo4j stop`) or use another --data-dir"
        )
    assert query_value(server.uri, server.password, "RETURN 1") == 1  # the running one is untouched


def test_status_running(server: Server) -> None:
    text = cli("status", env=server.env)
    assert text.returncode == 0
    assert f"is running at {server.uri}" in text.stdout
    as_json = cli("status", "--format", "json", env=server.env)
    assert as_json.returncode == 0
    status = json.loads(as_json.stdout)
    assert status["running"] is True
    assert status["uri"] == server.uri
    assert status["version"] == DEFAULT_NEO4J_VERSION
    assert status["data_dir"] == str(server.data_dir)
    assert status["pid"] == int((server.data_dir / "server.pid").read_text())


def test_password_not_in_process_list_environment_or_logs(server: Server) -> None:
    ps = subprocess.run(["ps", "-eww", "-o", "pid=,args="], capture_output=True, text=True, check=True).stdout
    assert "CommunityEntryPoint" in ps
    assert server.password not in ps
    pid = int((server.data_dir / "server.pid").read_text())
    assert server.password.encode() not in Path(f"/proc/{pid}/environ").read_bytes()
    logs = [server.data_dir / "server.log", *(server.data_dir / "logs").glob("*.log")]
    for log in logs:
        assert server.password.encode() not in log.read_bytes(), log


def test_bolt_port_taken_is_one_clear_line(server: Server, tmp_path: Path) -> None:
    other = server_env(tmp_path / "other", server.port, server.password)
    result = cli("start", env=other)
    assert result.returncode == 3
    assert result.stderr.strip() == (
        f"error: port 127.0.0.1:{server.port} is already in use by another process; stop it or choose another port "
        "(--bolt-port / LINEAGE_GRAPH_NEO4J_BOLT_PORT)"
    )
    assert not (tmp_path / "other" / "server.pid").exists()


def test_stop_status_and_data_persists_across_restart(server: Server) -> None:
    with GraphDatabase.driver(server.uri, auth=("neo4j", server.password)) as driver:
        driver.execute_query("CREATE (:PersistCheck {token: $t})", t=server.password, database_="neo4j")

    stopped = cli("stop", env=server.env)
    assert stopped.returncode == 0, stopped.stderr
    assert "Neo4j stopped (pid" in stopped.stdout
    status = cli("status", env=server.env)
    assert status.returncode == 3
    assert "not running" in status.stdout
    assert json.loads(cli("status", "--format", "json", env=server.env).stdout)["running"] is False
    again = cli("stop", env=server.env)
    assert again.returncode == 0
    assert "not running" in again.stdout

    # The password was set on first start; another one is refused, and the server is not left running.
    wrong = cli("start", env={**server.env, "NEO4J_PASSWORD": "another-password"})
    assert wrong.returncode == 3
    assert "refuses the given password" in wrong.stderr
    assert cli("status", env=server.env).returncode == 3

    restarted = cli("start", env=server.env)
    assert restarted.returncode == 0, restarted.stderr
    token = query_value(server.uri, server.password, "MATCH (n:PersistCheck) RETURN n.token")
    assert token == server.password


def test_server_error_is_reported_from_its_log(tmp_path: Path) -> None:
    """Neo4j's own failure (here a bad setting in <data dir>/conf/neo4j.conf) comes back with exit code 1."""
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "neo4j.conf").write_text("db.transaction.timeout=forever\n")
    env = server_env(tmp_path, free_port(), "lineage-graph-dev")
    result = cli("start", env=env)
    if result.returncode == 0:
        cli("stop", env=env)
    assert result.returncode == 1
    assert result.stderr.startswith("error: Neo4j exited with code")
    assert "db.transaction.timeout" in result.stderr
    assert f"full log: {tmp_path / 'server.log'}" in result.stderr
    assert not (tmp_path / "server.pid").exists()


def test_missing_java_is_one_clear_line(tmp_path: Path) -> None:
    env = {**server_env(tmp_path, free_port(), "lineage-graph-dev"), "PATH": str(tmp_path / "empty")}
    env.pop("JAVA_HOME", None)
    result = cli("start", env=env)
    assert result.returncode == 3
    assert result.stderr.startswith("error: Java 17 or 21 is needed to run Neo4j")
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_maven_and_failed_resolution(tmp_path: Path) -> None:
    java = shutil.which("java")
    assert java
    only_java = tmp_path / "bin"
    only_java.mkdir()
    (only_java / "java").symlink_to(java)
    env = {**server_env(tmp_path / "home", free_port(), "lineage-graph-dev"), "PATH": str(only_java)}
    env["LINEAGE_GRAPH_CACHE_DIR"] = str(tmp_path / "cache")
    env.pop("JAVA_HOME", None)
    no_maven = cli("install", env=env)
    assert no_maven.returncode == 3
    assert "Maven (`mvn`) is needed once" in no_maven.stderr

    env["PATH"] = os.environ["PATH"]
    unknown = cli("install", "--neo4j-version", "5.26.999", env=env)
    assert unknown.returncode == 1
    assert "downloading Neo4j 5.26.999 jars from Maven Central (once, ~120 MB)..." in unknown.stderr
    assert "error: Maven could not resolve Neo4j 5.26.999: " in unknown.stderr
    assert "org.neo4j:neo4j:jar:5.26.999" in unknown.stderr
    assert not (tmp_path / "cache" / "neo4j" / "5.26.999" / "lib").exists()


def test_install_uses_the_cache_outside_the_repository() -> None:
    result = cli("install", env=server_env(Path("unused"), free_port(), "unused-password"))
    assert result.returncode == 0, result.stderr
    lib = jar_dir(DEFAULT_NEO4J_VERSION)
    assert f"in {lib}" in result.stdout
    assert not lib.is_relative_to(Path(__file__).resolve().parents[1])
    assert any(lib.glob("neo4j-5.26.30.jar"))


def test_clean_neo4j_deletes_data_only(request: pytest.FixtureRequest, neo4j_driver: Driver) -> None:
    settings: Neo4jSettings = request.getfixturevalue("neo4j_settings")
    assert settings.username == "neo4j"
    assert settings.database == "neo4j"
    neo4j_driver.execute_query(
        "CREATE INDEX clean_check_idx IF NOT EXISTS FOR (n:CleanCheck) ON (n.key)", database_="neo4j"
    )
    neo4j_driver.execute_query(
        "UNWIND range(1, 50) AS i CREATE (:CleanCheck {key: i})-[:NEXT]->(:CleanCheck {key: -i})",
        database_="neo4j",
    )
    driver: Driver = request.getfixturevalue("clean_neo4j")
    records, _, _ = driver.execute_query("MATCH (n) RETURN count(n) AS n", database_="neo4j")
    assert records[0]["n"] == 0
    indexes, _, _ = driver.execute_query("SHOW INDEXES YIELD name RETURN collect(name) AS names", database_="neo4j")
    assert "clean_check_idx" in indexes[0]["names"]
    driver.execute_query("DROP INDEX clean_check_idx", database_="neo4j")


def test_the_server_refuses_load_csv_from_file_urls(neo4j_driver: Driver) -> None:
    """Even a query that skips lineage-graph's own check (straight through the driver) cannot read the
    server's files: the server starts with file-URL CSV import off."""
    with pytest.raises(ClientError, match=r"allow_csv_import_from_file_urls. is false") as refused:
        neo4j_driver.execute_query("LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l", database_="neo4j")
    assert refused.value.code == "Neo.ClientError.Statement.ExternalResourceFailed"
