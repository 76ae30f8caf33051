"""OpenLineage events per second into `lineage-graph serve`, posted by an official client over HTTP.

    python bench/openlineage_http.py --events 60000 --out bench/results/openlineage/http.json
    python bench/openlineage_http.py --client java --events 60000 --out bench/results/openlineage/http_java.json

Starts its own Neo4j (or uses ``--neo4j-uri``) and a ``serve`` process, then ``--processes`` client
processes of ``--threads`` threads each, every thread an ``OpenLineageClient`` with the HTTP transport
posting START and COMPLETE of its runs (one input, one output, fifty jobs and a hundred input datasets
shared, as a scheduler's runs share them), after ``--warm-up`` events. ``--client``:

- ``python``: openlineage-python. Its transport's ``requests`` session reads proxy settings from the
  environment for every post (``trust_env``); ``--python-session no-env`` gives each client a session with
  ``trust_env = False``, as a producer that needs no proxy may (the default is the client's own session).
- ``java``: openlineage-java, what Spark, Flink and other JVM producers post with (``bench/java/``: Maven
  resolves the pom's classpath once, cached in ``~/.cache/lineage-graph``); each process is a JVM that
  warms up on its own (the JIT compiles the client) before the measured run.

Reports events/s, the server's events per transaction (group commit), the CPU seconds per event of the
server, Neo4j and the clients, and the server's RSS sampled every half second (flat memory: its last sample
against its peak).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.run import PASSWORD, _cpus, free_port, save  # noqa: E402
from lineage_graph.neo4j_local import LocalNeo4j  # noqa: E402
from lineage_graph.settings import Neo4jSettings  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


JAVA = ROOT / "bench" / "java"
JAVA_MAIN = JAVA / "OpenLineageHttpBench.java"


def _python_client(url: str, threads: int, runs_per_thread: int, prefix: str, trust_env: bool) -> None:
    """One client process: ``threads`` clients, each posting START then COMPLETE of its runs."""
    from openlineage.client import OpenLineageClient
    from openlineage.client.event_v2 import InputDataset, Job, OutputDataset, Run, RunEvent, RunState
    from openlineage.client.transport.http import HttpConfig, HttpTransport

    def post(thread: int) -> None:
        session = None
        if not trust_env:  # no scan of os.environ for proxies on each post (requests' merge_environment_settings)
            session = requests.Session()
            session.trust_env = False
        client = OpenLineageClient(transport=HttpTransport(HttpConfig(url=url, timeout=60, session=session)))
        for k in range(runs_per_thread):
            run_id = str(uuid.uuid4())
            for state, at in ((RunState.START, "2026-12-07T08:00:00Z"), (RunState.COMPLETE, "2026-12-07T08:05:00Z")):
                client.emit(
                    RunEvent(
                        eventType=state,
                        eventTime=at,
                        run=Run(runId=run_id),
                        job=Job(namespace="bench", name=f"job-{k % 50}"),
                        producer="https://github.com/example/lineage-graph-bench",
                        inputs=[InputDataset(namespace="s3://raw", name=f"events/{k % 100}")],
                        outputs=[OutputDataset(namespace="s3://clean", name=f"{prefix}/{thread}/{k}")],
                    )
                )

    workers = [threading.Thread(target=post, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()


def _java_classpath() -> str:
    """The Java client's classpath from ``bench/java/pom.xml``, resolved by Maven once per pom and cached."""
    pom = JAVA / "pom.xml"
    digest = hashlib.sha256(pom.read_bytes()).hexdigest()[:16]
    cached = Path.home() / ".cache" / "lineage-graph" / f"openlineage-java-{digest}.classpath"
    if not cached.exists() or not all(Path(jar).exists() for jar in cached.read_text().strip().split(os.pathsep)):
        cached.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["mvn", "-q", "-f", str(pom), "dependency:build-classpath", f"-Dmdep.outputFile={cached}"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return cached.read_text().strip()


class _PythonClients:
    """openlineage-python: warmed up in this process, measured in forked ones (their CPU: os.times' children)."""

    def __init__(self, url: str, processes: int, threads: int, runs: int, warm_runs: int, trust_env: bool) -> None:
        self.url, self.processes, self.threads, self.runs, self.trust_env = url, processes, threads, runs, trust_env
        self.warm_runs = warm_runs
        self._children_cpu = 0.0

    def warm_up(self) -> int:
        _python_client(self.url, self.threads, self.warm_runs, "warm-up", self.trust_env)
        return 2 * self.warm_runs * self.threads

    def measure(self) -> float:
        """Post the measured runs; the clients' CPU seconds."""
        before = os.times()
        clients = [
            multiprocessing.Process(
                target=_python_client, args=(self.url, self.threads, self.runs, f"p{i}", self.trust_env)
            )
            for i in range(self.processes)
        ]
        for c in clients:
            c.start()
        for c in clients:
            c.join()
        after = os.times()  # the clients are joined children; serve and Neo4j are not waited for yet
        return after.children_user + after.children_system - before.children_user - before.children_system

    def close(self) -> None:
        pass


class _JavaClients:
    """openlineage-java: each process a JVM that warms up, then posts its measured runs when told (stdin)."""

    def __init__(
        self, url: str, processes: int, threads: int, runs: int, warm_runs: int, jvm_options: list[str]
    ) -> None:
        classpath = _java_classpath()
        self.procs = [
            subprocess.Popen(
                [
                    "java",
                    *jvm_options,
                    "-cp",
                    classpath,
                    str(JAVA_MAIN),
                    url,
                    str(threads),
                    str(warm_runs),
                    str(runs),
                    f"p{i}",
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            for i in range(processes)
        ]
        self.warm_events = 2 * warm_runs * threads * processes
        self.failed = 0

    def _all(self, expected: str) -> int:
        """Each JVM's next line, which must be ``expected N`` (N: events it failed to post); the sum of N."""
        failed = 0
        for proc in self.procs:
            assert proc.stdout is not None
            word, _, count = proc.stdout.readline().strip().partition(" ")
            if word != expected:
                raise RuntimeError(f"the Java client said {word!r} instead of {expected!r} (exit {proc.poll()})")
            failed += int(count)
        return failed

    def _tell_all(self) -> None:
        for proc in self.procs:
            assert proc.stdin is not None
            proc.stdin.write("\n")
            proc.stdin.flush()

    def warm_up(self) -> int:
        self._all("warm")
        return self.warm_events

    def measure(self) -> float:
        before = sum(_cpu_seconds(p.pid) for p in self.procs)
        self._tell_all()
        self.failed = self._all("done")
        return sum(_cpu_seconds(p.pid) for p in self.procs) - before  # before the JVMs' shutdown

    def close(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                assert proc.stdin is not None
                proc.stdin.close()  # end of input: a JVM waiting for its next line exits
        for proc in self.procs:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def run(args: argparse.Namespace) -> dict[str, Any]:
    with ExitStack() as stack:
        if args.neo4j_uri:
            neo4j = Neo4jSettings(uri=args.neo4j_uri, password=os.environ.get("NEO4J_PASSWORD", "lineage-graph-dev"))
            neo4j_pid = args.neo4j_pid
        else:
            home = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="lineage-graph-bench-")))
            local = LocalNeo4j(home, free_port(), heap=args.neo4j_heap, page_cache=args.neo4j_page_cache)
            neo4j = Neo4jSettings(uri=local.start(PASSWORD), password=PASSWORD)
            stack.callback(local.stop)
            neo4j_pid = local.status().pid
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        log = stack.enter_context(tempfile.TemporaryFile())
        server = subprocess.Popen(
            [str(Path(sys.executable).with_name("lineage-graph")), "serve", "--port", str(port)],
            env={**os.environ, **neo4j.environment()},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        stack.callback(server.wait, 60)
        stack.callback(server.terminate)
        while True:
            try:
                if requests.get(f"{url}/api/v1/health", timeout=30).status_code == 200:
                    break
            except requests.ConnectionError:  # not listening yet (its lifespan plans the write first)
                time.sleep(0.2)
        processes, threads = args.processes, args.threads
        runs = max(1, args.events // (2 * processes * threads))
        total = 2 * runs * processes * threads
        # A warm-up: the write's plan, the client's imports, and the JVMs' compilation of their hot paths (the
        # Java client's, and Neo4j's). A fresh Neo4j spends 2-5 times the CPU per event of a warm one on its
        # first tens of thousands of events: `OpenLineageWriter` alone at 30 events a transaction, the 10,000
        # after a 30,000-event warm-up still cost Neo4j 0.71-0.86 ms an event, the next 10,000 0.31-0.36 ms
        # (its JIT, and the join's statements replanned as a young graph's counts move). A long-running serve
        # lives in the warm state, so the measured run starts there: 40,000 events by default.
        clients: _PythonClients | _JavaClients
        if args.client == "java":
            warm_runs = max(1, args.warm_up // (2 * processes * threads))
            clients = _JavaClients(url, processes, threads, runs, warm_runs, args.jvm_option)
        else:
            warm_runs = max(1, args.warm_up // (2 * threads))
            clients = _PythonClients(url, processes, threads, runs, warm_runs, args.python_session == "default")
        stack.callback(clients.close)
        warm_events = clients.warm_up()
        before = requests.get(f"{url}/api/v1/health", timeout=30).json()["written"]
        cpu = {"server": _cpu_seconds(server.pid), **({"neo4j": _cpu_seconds(neo4j_pid)} if neo4j_pid else {})}
        rss: list[float] = []
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.5):
                rss.append(_rss_mb(server.pid))

        sampler = threading.Thread(target=sample)
        sampler.start()
        load_before = [round(x, 2) for x in os.getloadavg()]
        started = time.monotonic()
        client_cpu = clients.measure()
        seconds = time.monotonic() - started
        load_after = [round(x, 2) for x in os.getloadavg()]
        cpu_after = {"server": _cpu_seconds(server.pid), **({"neo4j": _cpu_seconds(neo4j_pid)} if neo4j_pid else {})}
        done.set()
        sampler.join()
        after = requests.get(f"{url}/api/v1/health", timeout=30).json()["written"]
        events = after["events"] - before["events"]
        transactions = after["transactions"] - before["transactions"]
        per_event = {f"{part}_ms": round((cpu_after[part] - cpu[part]) / events * 1000, 3) for part in cpu}
        per_event["clients_ms"] = round(client_cpu / events * 1000, 3)
        if args.client == "java":
            client = {"client": "openlineage-java 1.55.0 (bench/java/pom.xml)", "jvm_options": args.jvm_option}
        else:
            client = {"client": f"openlineage-python {_version('openlineage-python')}", "session": args.python_session}
        return {
            "command": " ".join(["python", "bench/openlineage_http.py", *sys.argv[1:]]),
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {"cpus": _cpus()},
            # The 2 cores are shared with other engineers' test runs: the load beside the figure.
            "load_average": {"before": load_before, "after": load_after},
            "clients": {"processes": processes, "threads": threads, "transport": "http", **client},
            "warm_up_events": warm_events,
            "events": events,
            "expected_events": total,
            **({"client_failures": clients.failed} if isinstance(clients, _JavaClients) else {}),
            "seconds": round(seconds, 2),
            "events_per_second": round(events / seconds),
            "transactions": transactions,
            "events_per_transaction": round(events / max(1, transactions), 1),
            "cpu_per_event": per_event,
            "server_rss_mb": {"first": rss[0], "peak": max(rss), "last": rss[-1]} if rss else None,
        }


def _version(distribution: str) -> str:
    from importlib.metadata import version

    return version(distribution)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--client", choices=["python", "java"], default="python", help="which official client posts")
    parser.add_argument(
        "--python-session",
        choices=["default", "no-env"],
        default="default",
        help="python: the client's own requests session, or one with trust_env = False (no proxy scan a post)",
    )
    parser.add_argument(
        "--jvm-option", action="append", default=[], help="java: an option for each client JVM (repeatable)"
    )
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--warm-up", type=int, default=40_000, help="events posted before the measured run")
    parser.add_argument("--processes", type=int, default=2, help="client processes")
    parser.add_argument("--threads", type=int, default=32, help="client threads per process")
    parser.add_argument("--neo4j-uri", help="use this Neo4j (NEO4J_PASSWORD) instead of starting one")
    parser.add_argument("--neo4j-pid", type=int, help="its process, to measure its CPU")
    parser.add_argument("--neo4j-heap", default="1g")
    parser.add_argument("--neo4j-page-cache", default="512m")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    result = run(args)
    print(json.dumps(result, indent=2))
    if args.out:
        save(args.out, result)


if __name__ == "__main__":
    main()
