"""The explorer's lineage API at 1M entities: p95 of ``GET /api/v1/lineage`` through a real ``serve``.

    python bench/explorer_api.py --out bench/results/explorer/api_1m.json

Reads the graph ``bench/openlineage_impact.py --scale 1000000 --home /tmp/explorer1m --port 7781`` built
and left running (1M SageMaker entities in chains, 1M OpenLineage datasets of an ETL, 40% of its units
joined to a chain; that script's docstring has the shape) and writes no data to it: the view's queries
seek a start by its ref's key (an ARN, a run id: uniqueness constraints; an OpenLineage dataset's or job's
uri: indexes) and walk by elementId. The one index a graph built before the explorer may lack, on a job's
uri, is created first (``IF NOT EXISTS``, from ``cypher/schema.cypher``). ``lineage-graph serve`` is started
against it on a free port and asked over HTTP, with one keep-alive session, as a page would.

Starts of several shapes, each at depth 1, 3 and 5 (``both`` ways unless said), several starts a shape:

- ``chain_job``: a training job of a chain OpenLineage never names (its data, image, model, endpoint);
- ``joined_dataset``: a chain's input dataset joined to an ETL unit's features: upstream crosses the join
  into OpenLineage (featurise run, clean data, ingest run, raw events), downstream reaches the model;
- ``image_hub``: one of six images, each feeding ~31,000 training jobs: a hub downstream;
- ``endpoint``: an endpoint context, upstream;
- ``openlineage_dataset``: a unit's clean dataset (read by two runs, written by one; their jobs are hubs
  of up to 100 runs);
- ``openlineage_job_hub``: a domain's ingest job, its runs a hub (the domain has more than 25 units);
- ``openlineage_job_wide``: the ingest job of a domain of 20-25 units, its runs drawn, each run's output
  and what reads it: the widest views this graph has (about 100-215 nodes), also at depth 10.

Each (start, depth) is asked once to warm up and count its view, then ``--repeats`` times timed, in
shuffled order. Also a hub's pages (``/api/v1/neighbours``, 50 at a time, at offsets up to 30,000).

No view of the API reaches its 500-node cap in this graph (a job's runs past 25 are a hub), so the cap is
timed in-process too (``at_the_cap``): ``LineageViews`` with a hub limit of 100, the ingest job of a
domain of 90-100 units at depth 3 (360-400 nodes) and 5 (500, truncated), made into the API's JSON.
Reports p50/p95/p99 overall and by shape and depth, the nodes per view, and the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import requests

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.latency import percentiles  # noqa: E402
from bench.openlineage_impact import ACCOUNT, IMAGES, Shape  # noqa: E402
from bench.run import PASSWORD, _cpus, free_port, save  # noqa: E402
from lineage_graph import cypher_files  # noqa: E402
from lineage_graph.graph.connection import connect  # noqa: E402
from lineage_graph.kinds import kind_styles  # noqa: E402
from lineage_graph.query.lineage_view import HUB_LIMIT, MAX_NODES, LineageViews  # noqa: E402
from lineage_graph.settings import Neo4jSettings  # noqa: E402

CLI = Path(sys.executable).with_name("lineage-graph")
GOAL_P95_MS = 100.0


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


INDEXES = ("open_lineage_job_uri",)  # of cypher/schema.cypher: what the view's start seeks that may be missing


def create_indexes(settings: Neo4jSettings) -> None:
    """The indexes the view needs that the graph may lack, from the schema file, and wait until online."""
    with connect(settings) as driver:
        for statement in cypher_files.statements("schema"):
            if any(f"INDEX {name} IF NOT EXISTS" in statement for name in INDEXES):
                driver.execute_query(statement, database_=settings.database)
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:  # only these: another bench may be building an index of its own
            records, _, _ = driver.execute_query(
                "SHOW INDEXES YIELD name, state WHERE name IN $names RETURN collect(state) AS states",
                names=list(INDEXES),
                database_=settings.database,
            )
            if records[0]["states"] == ["ONLINE"] * len(INDEXES):
                return
            time.sleep(1)
        raise TimeoutError(f"indexes {INDEXES} not online after 600 s")


def chains(settings: Neo4jSettings) -> tuple[int, int]:
    """How many chains the graph has, and how many of them are joined (their input is under s3://lake/)."""
    with connect(settings) as driver:
        records, _, _ = driver.execute_query(
            "MATCH (t:TrialComponent) WHERE t.name STARTS WITH 'train-' RETURN count(t) AS chains",
            database_=settings.database,
        )
        total = int(records[0]["chains"])
        low, high = 0, total  # joined chains come first: the first chain on the bench's own bucket
        while low < high:
            middle = (low + high) // 2
            records, _, _ = driver.execute_query(
                "MATCH (a:LineageEntity {arn: $arn}) RETURN a.source_uri AS uri",
                arn=f"{ACCOUNT}:artifact/data-{middle}",
                database_=settings.database,
            )
            if records[0]["uri"].startswith("s3://lake/"):
                low = middle + 1
            else:
                high = middle
        return total, low


def starts(shape: Shape, total: int, joined: int, per_shape: int, seed: int = 11) -> dict[str, list[dict[str, Any]]]:
    """The views asked, by shape: (ref, direction, depth) each."""
    rng = random.Random(seed)
    own = rng.sample(range(joined, total), per_shape)
    joined_chains = rng.sample(range(joined), per_shape)
    endpoints = rng.sample([n for n in range(joined, total) if n % 3 == 0][:100_000], per_shape)
    units = list(shape.units())
    busy = [d for d, size in enumerate(shape.domains) if size > HUB_LIMIT]
    wide = [d for d, size in enumerate(shape.domains) if HUB_LIMIT - 5 <= size <= HUB_LIMIT]
    chosen: dict[str, list[tuple[str, str]]] = {
        "chain_job": [(f"{ACCOUNT}:experiment-trial-component/train-{n}", "both") for n in own],
        "joined_dataset": [(f"{ACCOUNT}:artifact/data-{n}", "both") for n in joined_chains],
        "image_hub": [(f"{ACCOUNT}:artifact/image-{i}", "both") for i in range(min(per_shape, IMAGES))],
        "endpoint": [(f"{ACCOUNT}:context/endpoint-{n}", "upstream") for n in endpoints],
        "openlineage_dataset": [
            (f"openlineage:dataset:s3://lake/clean/d{d}/u{u}", "both") for d, u in rng.sample(units, per_shape)
        ],
        "openlineage_job_hub": [(f"openlineage:job:etl/d{d}.ingest", "both") for d in rng.sample(busy, per_shape)],
        "openlineage_job_wide": [(f"openlineage:job:etl/d{d}.ingest", "both") for d in rng.sample(wide, per_shape)],
    }
    depths = {"openlineage_job_wide": (3, 5, 10)}
    return {
        name: [
            {"ref": ref, "direction": way, "depth": depth} for ref, way in refs for depth in depths.get(name, (1, 3, 5))
        ]
        for name, refs in chosen.items()
    }


class Serve:
    """``lineage-graph serve`` against the bench's Neo4j, on a free port, its output in a log file."""

    def __init__(self, settings: Neo4jSettings, log: Path) -> None:
        self.url = f"http://127.0.0.1:{free_port()}"
        self.log = log.open("wb")
        env = {**os.environ, **settings.environment()}
        env.pop("LINEAGE_GRAPH_TOKEN", None)
        port = self.url.rsplit(":", 1)[1]
        self.process = subprocess.Popen([str(CLI), "serve", "--port", port], env=env, stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                requests.get(f"{self.url}/api/v1/kinds", timeout=5)
                return
            except requests.ConnectionError:
                time.sleep(0.2)
        self.stop()
        raise TimeoutError(f"serve did not answer; see {log}")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)
        self.log.close()


def measure(url: str, views: dict[str, list[dict[str, Any]]], repeats: int) -> dict[str, Any]:
    session = requests.Session()
    sizes: dict[str, list[int]] = defaultdict(list)
    hubs: dict[str, int] = defaultdict(int)
    truncated: dict[str, int] = defaultdict(int)
    asks: list[tuple[str, dict[str, Any]]] = []
    load_before = load_average()
    for shape, params_list in views.items():
        for params in params_list:
            response = session.get(f"{url}/api/v1/lineage", params=params, timeout=60)
            response.raise_for_status()
            view = response.json()
            key = f"{shape}/depth {params['depth']}"
            sizes[key].append(len(view["nodes"]))
            hubs[key] += len(view["hubs"])
            truncated[key] += bool(view["truncated"])
            asks += [(key, params)] * repeats
    random.Random(3).shuffle(asks)
    samples: dict[str, list[float]] = defaultdict(list)
    for key, params in asks:
        began = time.perf_counter()
        response = session.get(f"{url}/api/v1/lineage", params=params, timeout=60)
        elapsed = (time.perf_counter() - began) * 1000
        response.raise_for_status()
        samples[key].append(elapsed)
    everything = [s for values in samples.values() for s in values]
    return {
        "all": percentiles(everything),
        "by_shape_and_depth": {
            key: percentiles(samples[key])
            | {
                "nodes": {"min": min(sizes[key]), "max": max(sizes[key]), "each_start": sizes[key]},
                "hubs": hubs[key],
                "truncated_views": truncated[key],
            }
            for key in sorted(samples)
        },
        "nodes_per_view": {"min": min(min(s) for s in sizes.values()), "max": max(max(s) for s in sizes.values())},
        "load_average": {"before": load_before, "after": load_average()},
    }


def measure_cap(settings: Neo4jSettings, shape: Shape, per_shape: int, repeats: int) -> dict[str, Any]:
    """Views at the cap, in-process (the handler's work without HTTP): a 90-100 run job, hub limit 100."""
    rng = random.Random(13)
    large = [d for d, size in enumerate(shape.domains) if size >= 90]
    asks = [(f"openlineage:job:etl/d{d}.ingest", depth) for d in rng.sample(large, per_shape) for depth in (3, 5)]
    samples: dict[int, list[float]] = defaultdict(list)
    sizes: dict[int, list[int]] = defaultdict(list)
    styles = kind_styles()
    with connect(settings) as driver:
        views = LineageViews(driver, settings.database, hub_limit=100)
        for ref, depth in asks:
            sizes[depth].append(len(views.lineage(ref, "both", depth).nodes))
        order = asks * repeats
        random.Random(3).shuffle(order)
        for ref, depth in order:
            began = time.perf_counter()
            orjson.dumps(views.lineage(ref, "both", depth).as_json(styles))
            samples[depth].append((time.perf_counter() - began) * 1000)
    return {f"depth {depth}": percentiles(samples[depth]) | {"nodes": sizes[depth]} for depth in sorted(samples)} | {
        "hub_limit": 100,
        "load_average": load_average(),
    }


def measure_pages(url: str, ref: str, offsets: list[int], repeats: int) -> dict[str, Any]:
    """A hub's pages: /api/v1/neighbours 50 at a time at each offset."""
    session = requests.Session()
    samples: list[float] = []
    total = None
    for offset in offsets:
        params: dict[str, str | int] = {"ref": ref, "direction": "downstream", "offset": offset, "limit": 50}
        session.get(f"{url}/api/v1/neighbours", params=params, timeout=60).raise_for_status()
        for _ in range(repeats):
            began = time.perf_counter()
            response = session.get(f"{url}/api/v1/neighbours", params=params, timeout=60)
            samples.append((time.perf_counter() - began) * 1000)
            response.raise_for_status()
        hub = response.json()["hubs"]
        total = total or (offset + 50 + (hub[0]["count"] if hub else 0))
    return {"ref": ref, "neighbours": total, "offsets": offsets, **percentiles(samples)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--uri", default="bolt://127.0.0.1:7781", help="the bench graph's Neo4j (Bolt)")
    parser.add_argument("--password", default=PASSWORD)
    parser.add_argument("--scale", type=int, default=1_000_000, help="the --scale the graph was built with")
    parser.add_argument("--joined", type=float, default=0.4, help="the --joined the graph was built with")
    parser.add_argument("--per-shape", type=int, default=5, help="starts of each shape")
    parser.add_argument("--repeats", type=int, default=10, help="timed asks of each view")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    settings = Neo4jSettings(uri=args.uri, username="neo4j", password=args.password, database="neo4j")
    create_indexes(settings)
    total, joined = chains(settings)
    shape = Shape(args.scale, args.joined)
    views = starts(shape, total, joined, args.per_shape)
    result: dict[str, Any] = {
        "scale": args.scale,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": _cpus()},
        "command": " ".join(["python", "bench/explorer_api.py", *sys.argv[1:]]),
        "graph": {"chains": total, "joined_chains": joined},
        "limits": {"hub_limit": HUB_LIMIT, "max_nodes": MAX_NODES},
        "goal_p95_ms": GOAL_P95_MS,
        "views": {shape: len(v) for shape, v in views.items()},
    }
    server = Serve(settings, Path("/tmp/explorer_api_serve.log"))
    try:
        result["lineage"] = measure(server.url, views, args.repeats)
        image = f"{ACCOUNT}:artifact/image-0"
        result["neighbours"] = measure_pages(server.url, image, [0, 1000, 10_000, 30_000], args.repeats)
    finally:
        server.stop()
    result["at_the_cap"] = measure_cap(settings, shape, args.per_shape, args.repeats)
    print(json.dumps(result, indent=2))
    if args.out:
        save(args.out, result)


if __name__ == "__main__":
    main()
