"""The explorer's search (``GET /api/v1/search``) and entity page latency on a big graph (goal: search p95
under 100 ms at 1M entities).

    python bench/explorer_search.py --uri bolt://127.0.0.1:7781 --out bench/results/explorer/search_1m.json

It reads a graph that is already there (``bench/openlineage_impact.py --home ... --port ...`` builds one
of N SageMaker entities plus N OpenLineage datasets, and leaves its Neo4j running) and never writes data:
it creates only the indexes the explorer reads with and the graph lacks (``cypher/schema.cypher``, as
``serve`` does on start: IF NOT EXISTS, so a rerun changes nothing) and waits until they are online.

Queries are drawn from the graph's own entities (Neo4j's ``rand()`` picks them, so each run asks others
of the same shapes; the cuts and words taken from them are seeded), in the shapes people type: a pasted ARN, a
whole name, a name's first characters, an S3 URI prefix, an OpenLineage dataset's uri, a job's name, a
run id's first characters, two words from inside a name or URI, one or two letters (the first keystrokes,
the widest prefixes), and text that matches nothing. Each query is asked once to warm up (and count its
answer), then ``--repeats`` times timed, all shapes shuffled together, through ``SearchQueries.search``
(both of its reads, as the API handler calls it), then the same over HTTP: ``GET /api/v1/search`` of a
``lineage-graph serve`` started against the graph (one keep-alive session, as the search box asks): the
goal's figure. The entity page (``EntityQueries.entity``) is timed the same way for ordinary entities and
for the graph's widest hubs. Reports p50/p95/p99 overall and by shape, and the load average beside each
figure (the machine is shared), and Neo4j's db hits (PROFILE) of the exact and prefix read for each
shape's first question: its work, which the load does not change.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from bench.explorer_api import Serve  # noqa: E402
from bench.latency import percentiles  # noqa: E402
from bench.openlineage_impact import load_average  # noqa: E402
from bench.run import PASSWORD, _cpus, save  # noqa: E402
from lineage_graph import cypher_files  # noqa: E402
from lineage_graph.graph import schema  # noqa: E402
from lineage_graph.graph.connection import connect  # noqa: E402
from lineage_graph.query.entity import EntityQueries  # noqa: E402
from lineage_graph.query.search import DEFAULT_LIMIT, SearchQueries  # noqa: E402
from lineage_graph.settings import Neo4jSettings  # noqa: E402

GOAL_P95_MS = 100.0
LETTERS = "abcdefghijklmnopqrstuvwxyz"
INDEX_WAIT_S = 3600  # a full-text index over 2M nodes populates in minutes on a loaded machine
# Entities sampled from each label: a label scan each, once, with rand() choosing (no sort of millions).
SAMPLE_QUERY = """
    MATCH (n:{label}) WHERE rand() < $fraction
    RETURN n {{.arn, .name, .source_uri, .uri, .run_id}} AS n LIMIT $limit
"""


def sample(driver: Any, database: str, label: str, fraction: float, limit: int) -> list[dict[str, Any]]:
    """Up to ``limit`` entities of ``label`` (one of the declared labels below, never user input)."""
    records, _, _ = driver.execute_query(
        SAMPLE_QUERY.format(label=label), fraction=fraction, limit=limit, database_=database
    )
    return [dict(r["n"]) for r in records]


def words_of(text: str, rng: random.Random) -> str:
    """Two words from inside ``text`` as the full-text analyzer splits it (``s3://lake/features/d1/u5`` ->
    ``features u5``), the second one cut short as if still being typed."""
    words = re.findall(r"[A-Za-z0-9]+", text)
    first, second = sorted(rng.sample(range(len(words)), 2)) if len(words) > 1 else (0, 0)
    tail = words[second]
    return f"{words[first]} {tail[: max(2, len(tail) - 1)]}" if first != second else tail


def sampled_fraction(driver: Any, database: str, per_shape: int) -> float:
    """What share of a label's nodes to draw so that even a small label gives ``per_shape`` or so."""
    total = driver.execute_query("MATCH (n) RETURN count(n) AS n", database_=database).records[0]["n"]
    return min(1.0, 50 * per_shape / max(total, 1))


def query_shapes(driver: Any, database: str, per_shape: int, seed: int) -> dict[str, list[str]]:
    """Search texts by shape, drawn from the graph's entities."""
    rng = random.Random(seed)
    fraction = sampled_fraction(driver, database, per_shape)
    jobs = sample(driver, database, "TrialComponent", fraction * 4, per_shape * 4)
    artifacts = [a for a in sample(driver, database, "Artifact", fraction * 4, per_shape * 4) if a.get("source_uri")]
    datasets = sample(driver, database, "OpenLineageDataset", fraction * 2, per_shape * 4)
    ol_jobs = sample(driver, database, "OpenLineageJob", min(1.0, fraction * 40), per_shape * 4)
    runs = sample(driver, database, "OpenLineageRun", fraction * 2, per_shape * 4)

    def some(items: list[dict[str, Any]], make: Callable[[dict[str, Any]], str]) -> list[str]:
        return [make(item) for item in rng.sample(items, min(per_shape, len(items)))]

    def cut(text: str) -> str:
        return text[: rng.randint(min(3, len(text)), max(3, len(text) - 1))]

    def uri_prefix(uri: str) -> str:
        return uri[: uri.rfind("/", 0, len(uri) - 1) + 1] or cut(uri)

    return {
        "arn": some(jobs, lambda j: str(j["arn"])),
        "name": some(jobs, lambda j: str(j["name"])),
        "name_prefix": some(jobs, lambda j: cut(str(j["name"]))),
        "s3_prefix": some(artifacts, lambda a: uri_prefix(str(a["source_uri"]))),
        "openlineage_dataset_uri": some(datasets, lambda d: str(d["uri"])),
        "openlineage_job_name": some(ol_jobs, lambda j: str(j["name"])),
        "run_id_prefix": some(runs, lambda r: str(r["run_id"])[: rng.randint(8, 30)]),
        "words": some(datasets + jobs, lambda n: words_of(str(n.get("uri") or n.get("name")), rng)),
        "first_keystrokes": [rng.choice(LETTERS) + rng.choice(["", "a", "e", "r"]) for _ in range(per_shape)],
        "no_match": [f"zq{rng.randrange(10**6)}x nothing" for _ in range(per_shape)],
    }


def mean(values: list[int]) -> float:
    return round(sum(values) / max(len(values), 1), 1)


def timed(asks: dict[str, list[str]], ask: Callable[[str], int], repeats: int, seed: int) -> dict[str, Any]:
    """Warm each question up once (and keep its answer's size: results found, or an entity's neighbours),
    then time ``repeats`` asks of each, shuffled."""
    sizes = {shape: [ask(text) for text in texts] for shape, texts in asks.items()}
    order = [(shape, text) for shape, texts in asks.items() for text in texts] * repeats
    random.Random(seed).shuffle(order)
    samples: dict[str, list[float]] = {shape: [] for shape in asks}
    load_before = load_average()
    for shape, text in order:
        began = time.perf_counter()
        ask(text)
        samples[shape].append((time.perf_counter() - began) * 1000)
    everything = [s for shape in samples.values() for s in shape]
    return {
        "all": percentiles(everything),
        "by_shape": {
            shape: percentiles(s) | {"questions": len(asks[shape]), "mean_size": mean(sizes[shape])}
            for shape, s in samples.items()
            if s
        },
        "examples": {shape: texts[:3] for shape, texts in asks.items()},
        "load_average": {"before": load_before, "after": load_average()},
    }


def timed_over_http(settings: Neo4jSettings, asks: dict[str, list[str]], repeats: int, seed: int) -> dict[str, Any]:
    """``timed`` through ``GET /api/v1/search`` of a serve of its own, stopped afterwards."""
    server = Serve(settings, Path("/tmp/explorer_search_serve.log"))
    session = requests.Session()

    def ask(text: str) -> int:
        answer = session.get(f"{server.url}/api/v1/search", params={"q": text}, timeout=30)
        answer.raise_for_status()
        return len(answer.json()["results"])

    try:
        return timed(asks, ask, repeats, seed)
    finally:
        server.stop()


def db_hits(driver: Any, database: str, name: str, **params: Any) -> int:
    """Neo4j's db hits for ``cypher/<name>.cypher`` (PROFILE): its work, whatever the machine's load."""
    summary = driver.execute_query("PROFILE " + cypher_files.read(name), params, database_=database).summary

    def total(plan: dict[str, Any]) -> int:
        return int(plan.get("dbHits", 0)) + sum(total(child) for child in plan.get("children", []))

    return total(summary.profile)


def profiled(driver: Any, database: str, asks: dict[str, list[str]]) -> dict[str, int]:
    """The exact and prefix read's db hits for each shape's first question (the full-text read's Lucene work
    is not counted in db hits, so it has none worth reporting)."""
    return {
        shape: db_hits(driver, database, "search", query=texts[0], limit=DEFAULT_LIMIT) for shape, texts in asks.items()
    }


def neighbours(pages: EntityQueries, ref: str) -> int:
    """Ask for an entity's page; how many neighbours it counted."""
    return sum(group.count for groups in pages.entity(ref).neighbours.values() for group in groups)


def hubs(driver: Any, database: str, count: int) -> list[str]:
    """The ARNs of the widest images (the graph's hubs: each feeds thousands of training jobs)."""
    records, _, _ = driver.execute_query(
        "MATCH (n:Image) RETURN n.arn AS arn, COUNT { (n)--() } AS degree ORDER BY degree DESC LIMIT $count",
        count=count,
        database_=database,
    )
    return [str(r["arn"]) for r in records]


def run(args: argparse.Namespace) -> dict[str, Any]:
    settings = Neo4jSettings(uri=args.uri, username="neo4j", password=args.password, database="neo4j")
    result: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": _cpus()},
        "command": " ".join(["python", "bench/explorer_search.py", *sys.argv[1:]]),
        "goal": {"search_p95_ms": GOAL_P95_MS},
        "limit": DEFAULT_LIMIT,
    }
    with connect(settings) as driver:
        began = time.monotonic()
        created = schema.apply(driver, settings.database, "schema")
        driver.execute_query("CALL db.awaitIndexes($seconds)", seconds=INDEX_WAIT_S, database_=settings.database)
        result["indexes"] = {"created": created, "online_after_s": round(time.monotonic() - began, 1)}
        print(f"indexes: {result['indexes']}", flush=True)
        records, _, _ = driver.execute_query(
            "CALL () { MATCH (n:LineageEntity) RETURN count(n) AS sagemaker } "
            "CALL () { MATCH (n:OpenLineage) RETURN count(n) AS openlineage } RETURN sagemaker, openlineage",
            database_=settings.database,
        )
        result["graph"] = dict(records[0].data())
        print(f"graph: {result['graph']}", flush=True)
        asks = query_shapes(driver, settings.database, args.per_shape, args.seed)
        result["db_hits"] = profiled(driver, settings.database, asks)
        print(f"db hits: {json.dumps(result['db_hits'])}", flush=True)
        search = SearchQueries(driver, settings.database)
        result["search"] = timed(asks, lambda text: len(search.search(text, DEFAULT_LIMIT)), args.repeats, args.seed)
        print(f"search: {json.dumps(result['search']['all'])}", flush=True)
        result["search_http"] = timed_over_http(settings, asks, args.repeats, args.seed)
        print(f"search over HTTP: {json.dumps(result['search_http']['all'])}", flush=True)
        pages = EntityQueries(driver, settings.database)
        refs = {
            "hub": hubs(driver, settings.database, 3),
            "ordinary": [
                str(tc["arn"])
                for tc in sample(
                    driver,
                    settings.database,
                    "TrialComponent",
                    sampled_fraction(driver, settings.database, args.per_shape),
                    args.per_shape,
                )
            ],
        }
        result["entity"] = timed(refs, lambda ref: neighbours(pages, ref), args.repeats, args.seed)
        print(f"entity: {json.dumps(result['entity']['by_shape'])}", flush=True)
    result["goal"]["met"] = result["search_http"]["all"]["p95_ms"] < GOAL_P95_MS
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--uri", default="bolt://127.0.0.1:7781", help="the Bolt URI of the graph to read")
    parser.add_argument("--password", default=PASSWORD, help="the neo4j user's password (the benches' own)")
    parser.add_argument("--per-shape", type=int, default=40, help="questions of each shape")
    parser.add_argument("--repeats", type=int, default=5, help="timed asks of each question")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    result = run(args)
    print(json.dumps(result, indent=2))
    if args.out:
        save(args.out, result)


if __name__ == "__main__":
    main()
