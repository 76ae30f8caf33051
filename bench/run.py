"""lineage-graph benchmarks: sync throughput and API cost, the write ceiling, query latency, and the
SageMaker SDK's own lineage helpers side by side. Not part of the test suite.

    python bench/run.py --scale 10000 --out bench/results/10k.json

Starts its own Neo4j (Maven Central jars, a throwaway data dir) and its own sandbox process filled with a
synthetic account of ``--scale`` lineage entities, then: a full sync, a 1% change made over the API, an
incremental sync, what the properties pass adds, the write ceiling, query latency, and the SDK comparison.
See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import platform
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python bench/run.py` puts bench/, not the project, on the path
    sys.path.insert(0, str(ROOT))

from bench import ceiling, latency, syncs  # noqa: E402
from lineage_graph.graph.connection import connect  # noqa: E402
from lineage_graph.neo4j_local import LocalNeo4j  # noqa: E402
from lineage_graph.settings import Neo4jSettings  # noqa: E402

PASSWORD = "lineage-graph-bench"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_sandbox(stack: ExitStack, entities: int) -> dict[str, Any]:
    """The sandbox in a child process, seeded; returns its first line (url, counts, seed_seconds)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.sandbox_process", "--entities", str(entities)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    stack.callback(_stop, proc)
    line = proc.stdout.readline()  # type: ignore[union-attr]
    if not line:
        raise RuntimeError(f"the sandbox process exited ({proc.wait()}) before serving")
    return dict(json.loads(line))


def _stop(proc: subprocess.Popen[str]) -> None:
    """Close the sandbox's stdin (its signal to stop) and give it 30 s; then kill it: a results file must
    not be lost to a slow exit (at 1M entities it holds gigabytes of objects to free)."""
    proc.stdin.close()  # type: ignore[union-attr]
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def start_neo4j(stack: ExitStack, heap: str, page_cache: str) -> Neo4jSettings:
    home = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="lineage-graph-bench-")))
    server = LocalNeo4j(home, free_port(), heap=heap, page_cache=page_cache)
    uri = server.start(PASSWORD)
    stack.callback(server.stop)
    return Neo4jSettings(uri=uri, username="neo4j", password=PASSWORD, database="neo4j")


def run(args: argparse.Namespace) -> dict[str, Any]:
    result: dict[str, Any] = {
        "scale": args.scale,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": _cpus(), "python": platform.python_version(), "platform": platform.platform()},
        "command": " ".join(["python", "bench/run.py", *sys.argv[1:]]),
    }
    with ExitStack() as stack:
        sandbox = start_sandbox(stack, args.scale)
        counts = sandbox["counts"]
        entities = sum(counts[k] for k in ("trial_components", "artifacts", "contexts", "actions"))
        result["account"] = {**counts, "lineage_entities": entities, "seed_seconds": sandbox["seed_seconds"]}
        print(f"sandbox: {entities} lineage entities, {counts['associations']} associations", flush=True)
        neo4j = start_neo4j(stack, args.neo4j_heap, args.neo4j_page_cache)
        driver = stack.enter_context(connect(neo4j))

        cold = None
        if args.warm_up:
            # Neo4j is a long-running server: a sync meets a JVM that has compiled its hot paths. A fresh one
            # spends most of its first minute compiling (at 10,000 entities, 3x the CPU of a warm one), so
            # the first full sync warms it, is reported apart, and the graph is emptied for the measured one.
            cold = syncs.run_sync(sandbox["url"], neo4j, "--full")
            print(f"warm-up full sync (fresh JVM): {cold.seconds:.1f} s", flush=True)
            syncs.empty_graph(driver, neo4j.database)
        full = syncs.run_sync(sandbox["url"], neo4j, "--full")
        print(f"full sync: {full.seconds:.1f} s, {full.rows()} rows", flush=True)
        change = syncs.change_account(sandbox["url"], max(1, entities // 100))
        incremental = syncs.run_sync(sandbox["url"], neo4j)
        print(f"incremental sync: {incremental.seconds:.1f} s", flush=True)
        result["change"] = change
        result["sync"] = {
            **({"full_fresh_jvm": cold.summary(entities)} if cold else {}),
            "full": full.summary(entities),
            "incremental": {
                **incremental.summary(entities),
                "ratio_to_full": round(incremental.seconds / full.seconds, 4),
            },
        }
        if args.repeat_full:
            # What a scheduled full sync (the one that sweeps deletions) costs once the graph is synced.
            repeat = syncs.run_sync(sandbox["url"], neo4j, "--full")
            print(f"repeat full sync: {repeat.seconds:.1f} s", flush=True)
            result["sync"]["full_repeat"] = repeat.summary(entities)
        save(args.out, result)  # the sync figures survive a later phase failing or being stopped
        if not args.skip_properties:
            from bench import properties

            result["properties"] = properties.measure(
                sandbox["url"], neo4j, driver, entities, latency_ms=args.api_latency_ms
            )
            save(args.out, result)
            print(f"properties pass: {result['properties']}", flush=True)

        if not args.skip_ceiling:
            ceiling_result = ceiling.measure(driver, neo4j.database)
            full_rate = result["sync"]["full"]["rows_per_second"]
            result["write_ceiling"] = {
                **ceiling_result,
                "ratio": round(full_rate / ceiling_result["rows_per_second"], 3),
            }
            runs = ", ".join(str(rate) for rate in ceiling_result["runs_rows_per_second"])
            print(f"write ceiling: {ceiling_result['rows_per_second']} rows/s (the median of {runs})", flush=True)
        if not args.skip_queries:
            result["queries"] = latency.measure(driver, neo4j.database, per_kind=args.query_samples)
            save(args.out, result)
            p99s = ", ".join(f"{k} p99 {v['p99_ms']} ms" for k, v in result["queries"].items())
            print(f"queries: {p99s}", flush=True)
        if not args.skip_sdk:
            from bench import sdk

            result["sdk"] = sdk.compare(
                sandbox["url"], driver, neo4j.database, samples=args.sdk_samples, api_latency_ms=args.api_latency_ms
            )
    return result


def save(out: Path, result: dict[str, Any]) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, required=True, help="lineage entities in the synthetic account")
    parser.add_argument("--out", type=Path, required=True, help="where to write the JSON results")
    parser.add_argument("--api-latency-ms", type=int, default=50, help="per-call latency for the SDK comparison")
    parser.add_argument("--query-samples", type=int, default=100, help="start entities per lookup kind")
    parser.add_argument("--sdk-samples", type=int, default=20, help="questions asked of the SDK per helper")
    parser.add_argument("--neo4j-heap", default="2g", help="Neo4j's -Xmx")
    parser.add_argument("--neo4j-page-cache", default="2g", help="Neo4j's page cache (size it to the graph)")
    parser.add_argument(
        "--warm-up",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="sync once into the fresh Neo4j and empty it before the measured full sync",
    )
    parser.add_argument(
        "--repeat-full",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="after the incremental sync, a full sync again over the synced graph",
    )
    parser.add_argument("--skip-ceiling", action="store_true")
    parser.add_argument(
        "--skip-properties",
        action="store_true",
        help="no measure of what the properties pass adds (bench/properties.py)",
    )
    parser.add_argument("--skip-sdk", action="store_true")
    parser.add_argument(
        "--skip-queries", action="store_true", help="no lookup latency (at 1M entities: seconds per image lookup)"
    )
    args = parser.parse_args()
    started = time.monotonic()
    result = run(args)
    result["bench_seconds"] = round(time.monotonic() - started, 1)
    save(args.out, result)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
