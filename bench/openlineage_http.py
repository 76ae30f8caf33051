"""OpenLineage events per second into `lineage-graph serve`, posted by the official client over HTTP.

    python bench/openlineage_http.py --events 60000 --out bench/results/openlineage/http.json

Starts its own Neo4j (or uses ``--neo4j-uri``) and a ``serve`` process, posts ``--warm-up`` events, then
``--processes`` client processes of ``--threads`` threads each, every thread an ``OpenLineageClient`` with
the HTTP transport posting START and COMPLETE of its runs (one input, one output, fifty jobs and a hundred
input datasets shared, as a scheduler's runs share them). Reports events/s, the server's events per transaction (group
commit), the CPU seconds per event of the server, Neo4j and the clients, and the server's RSS sampled
every half second (flat memory: its last sample against its peak).
"""

from __future__ import annotations

import argparse
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


def _client(url: str, threads: int, runs_per_thread: int, prefix: str) -> None:
    """One client process: ``threads`` clients, each posting START then COMPLETE of its runs."""
    from openlineage.client import OpenLineageClient
    from openlineage.client.event_v2 import InputDataset, Job, OutputDataset, Run, RunEvent, RunState
    from openlineage.client.transport.http import HttpConfig, HttpTransport

    def post(thread: int) -> None:
        client = OpenLineageClient(transport=HttpTransport(HttpConfig(url=url, timeout=60)))
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
                if requests.get(f"{url}/api/v1/health", timeout=5).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.2)
        processes, threads = args.processes, args.threads
        runs = max(1, args.events // (2 * processes * threads))
        total = 2 * runs * processes * threads
        # A warm-up: the write's plan, the client's imports, and the JVM's compilation of its hot paths. A
        # fresh JVM spends 2-6 times the CPU per event of a warm one on its first few thousand events
        # (0.73-2.4 against 0.37 ms at 26 events a transaction), so 40 events left it inside the figure.
        warm_runs = max(1, args.warm_up // (2 * threads))
        _client(url, threads, warm_runs, "warm-up")
        before = requests.get(f"{url}/api/v1/health", timeout=5).json()["written"]
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
        clients = [
            multiprocessing.Process(target=_client, args=(url, threads, runs, f"p{i}")) for i in range(processes)
        ]
        for c in clients:
            c.start()
        for c in clients:
            c.join()
        seconds = time.monotonic() - started
        load_after = [round(x, 2) for x in os.getloadavg()]
        times = os.times()  # the client processes are joined children; serve and Neo4j are not waited for yet
        client_cpu = times.children_user + times.children_system
        done.set()
        sampler.join()
        after = requests.get(f"{url}/api/v1/health", timeout=5).json()["written"]
        events = after["events"] - before["events"]
        transactions = after["transactions"] - before["transactions"]
        per_event = {
            "server_ms": round((_cpu_seconds(server.pid) - cpu["server"]) / events * 1000, 3),
            **({"neo4j_ms": round((_cpu_seconds(neo4j_pid) - cpu["neo4j"]) / events * 1000, 3)} if neo4j_pid else {}),
            "clients_ms": round(client_cpu / events * 1000, 3),
        }
        return {
            "command": " ".join(["python", "bench/openlineage_http.py", *sys.argv[1:]]),
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {"cpus": _cpus()},
            # The 2 cores are shared with other engineers' test runs: the load beside the figure.
            "load_average": {"before": load_before, "after": load_after},
            "clients": {"processes": processes, "threads": threads, "transport": "http (official client)"},
            "warm_up_events": 2 * warm_runs * threads,
            "events": events,
            "expected_events": total,
            "seconds": round(seconds, 2),
            "events_per_second": round(events / seconds),
            "transactions": transactions,
            "events_per_transaction": round(events / max(1, transactions), 1),
            "cpu_per_event": per_event,
            "server_rss_mb": {"first": rss[0], "peak": max(rss), "last": rss[-1]} if rss else None,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--warm-up", type=int, default=10_000, help="events posted before the measured run")
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
