"""Cross-system ``impact`` latency: N SageMaker entities plus N OpenLineage datasets, joined, in one Neo4j.

    python bench/openlineage_impact.py --scale 1000000 --out bench/results/openlineage/impact_1m.json

The graph is written straight into a fresh local Neo4j through the project's own writers, in UNWIND
batches, not through the sandbox and a sync (which take about 9 minutes for 1M SageMaker entities alone):

- OpenLineage: events validated by ``intake.validate``, merged by ``transform.Rows`` and written by
  ``OpenLineageWriter`` (what ``serve`` and ``openlineage import`` do), 2,000 events a transaction. An ETL
  of ``scale / 4`` units in domains of 1-100 units (``s3://landing/<domain>/<unit>/events`` ingested into
  ``s3://lake/clean/<domain>/<unit>``, featurised into ``s3://lake/features/<domain>/<unit>``, reported into
  ``s3://reports/<domain>/<unit>``): four datasets and three runs (one COMPLETE event each) a unit.
- SageMaker: records shaped as the API returns them, through ``sagemaker.transform`` and ``GraphWriter``
  (what a sync does): chains of an input dataset artifact, a processing job, its output, a training job
  (with one of six shared images), a model and, one chain in three, an endpoint. A fraction
  (``--joined``) of the ETL units feed a chain: its input artifact's source URI is the unit's features
  location, or a prefix under it (so the join makes ``location`` and ``within`` edges); the rest of the
  SageMaker entities are chains on a bucket OpenLineage never names.

Wherever the writers join the two sources (``graph.join``, once it is on this branch), they do so here.
Then ``InvestigationQueries.impact`` (what ``lineage-graph impact`` calls) is timed warm from start
prefixes at three levels (a unit's raw data, a domain's raw data, a domain's features, the last matching
both sources' datasets), keeping the prefixes that reach 1 to ``--max-reached`` entities: each is asked
once to warm up and count its answer, then ``--repeats`` times timed. Reports p50/p95/p99, the reached
counts' distribution, build times and the load average beside each figure.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.latency import percentiles  # noqa: E402
from bench.run import PASSWORD, _cpus, free_port, save  # noqa: E402
from lineage_graph.graph.connection import connect  # noqa: E402
from lineage_graph.graph.load import GraphWriter  # noqa: E402
from lineage_graph.graph.rows import EdgeRow, NodeRow  # noqa: E402
from lineage_graph.neo4j_local import LocalNeo4j  # noqa: E402
from lineage_graph.openlineage.intake import validate  # noqa: E402
from lineage_graph.openlineage.load import OpenLineageWriter  # noqa: E402
from lineage_graph.openlineage.transform import Rows  # noqa: E402
from lineage_graph.query.explore import InvestigationQueries  # noqa: E402
from lineage_graph.sagemaker import transform  # noqa: E402
from lineage_graph.settings import Neo4jSettings  # noqa: E402

ACCOUNT = "arn:aws:sagemaker:us-east-1:123456789012"
PRODUCER = "https://github.com/example/lineage-graph-bench"
EVENTS_PER_TRANSACTION = 2000  # serve's group commit takes at most as many (commit.MAX_EVENTS)
SAGEMAKER_BATCH = 5000  # rows handed to GraphWriter at a time (it writes them 1,000 a statement)
IMAGES = 6
START = datetime(2026, 9, 1, tzinfo=UTC)


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


@dataclass
class Shape:
    """The two sources' sizes, derived from ``scale`` and ``joined`` (deterministic from ``seed``)."""

    scale: int
    joined: float
    seed: int = 7
    rng: random.Random = field(init=False)
    domains: list[int] = field(default_factory=list)  # units per domain

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        units = max(1, self.scale // 4)  # four OpenLineage datasets a unit
        while sum(self.domains) < units:
            self.domains.append(min(self.rng.randint(1, 100), units - sum(self.domains)))

    def units(self) -> Iterator[tuple[int, int]]:
        """(domain, unit) for every unit; unit numbers are global."""
        unit = 0
        for domain, size in enumerate(self.domains):
            for _ in range(size):
                yield domain, unit
                unit += 1


def _progress(what: str, done: int, started: float, every: int = 50_000) -> None:
    """A line every ``every`` (roughly: at batch boundaries) so that a long build shows its rate."""
    if done // every != (done - EVENTS_PER_TRANSACTION) // every:
        seconds = time.monotonic() - started
        print(f"  {what}: {done:,} in {seconds:.0f} s ({done / seconds:.0f}/s), load {load_average()}", flush=True)


# -- OpenLineage -----------------------------------------------------------------------------------------


def _dataset(namespace: str, name: str) -> dict[str, Any]:
    return {"namespace": namespace, "name": name}


def unit_events(domain: int, unit: int) -> list[dict[str, Any]]:
    """A unit's three runs, one COMPLETE event each."""
    raw = _dataset("s3://landing", f"d{domain}/u{unit}/events")
    clean = _dataset("s3://lake", f"clean/d{domain}/u{unit}")
    features = _dataset("s3://lake", f"features/d{domain}/u{unit}")
    report = _dataset("s3://reports", f"d{domain}/u{unit}")
    at = (START + timedelta(seconds=unit)).isoformat().replace("+00:00", "Z")
    steps = (("ingest", [raw], [clean]), ("featurize", [clean], [features]), ("report", [clean, features], [report]))
    return [
        {
            "eventType": "COMPLETE",
            "eventTime": at,
            "run": {"runId": f"00000000-0000-4000-8000-{unit * 3 + i:012x}"},
            "job": {"namespace": "etl", "name": f"d{domain}.{step}"},
            "inputs": inputs,
            "outputs": outputs,
            "producer": PRODUCER,
            "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
        }
        for i, (step, inputs, outputs) in enumerate(steps)
    ]


def write_openlineage(writer: OpenLineageWriter, shape: Shape) -> dict[str, Any]:
    started, events, datasets = time.monotonic(), 0, 0
    rows = Rows()
    for domain, unit in shape.units():
        for document in unit_events(domain, unit):
            rows.add(validate(document))
        if rows.events >= EVENTS_PER_TRANSACTION:
            writer.write(rows)
            events, datasets, rows = events + rows.events, datasets + len(rows.datasets), Rows()
            _progress("openlineage events", events, started)
    if rows.events:
        writer.write(rows)
        events, datasets = events + rows.events, datasets + len(rows.datasets)
    seconds = time.monotonic() - started
    return {"events": events, "datasets": datasets, "seconds": round(seconds, 1), "load_average": load_average()}


# -- SageMaker --------------------------------------------------------------------------------------------


@dataclass
class SageMakerSide:
    """SageMaker records for ``sagemaker.transform``, as its listings return them."""

    counts: Counter[str] = field(default_factory=Counter)
    nodes: list[NodeRow] = field(default_factory=list)
    edges: list[EdgeRow] = field(default_factory=list)

    def artifact(self, name: str, uri: str, artifact_type: str) -> str:
        arn = f"{ACCOUNT}:artifact/{name}"
        record = {"ArtifactArn": arn, "ArtifactName": name, "ArtifactType": artifact_type}
        self.nodes.append(transform.artifact(record | {"Source": {"SourceUri": uri}, "CreationTime": START}))
        self.counts["artifacts"] += 1
        return arn

    def job(self, name: str, source_type: str, job: str) -> str:
        arn = f"{ACCOUNT}:experiment-trial-component/{name}"
        record = {
            "TrialComponentArn": arn,
            "TrialComponentName": name,
            "Source": {"SourceArn": f"{ACCOUNT}:{job}/{name}", "SourceType": source_type},
            "Status": {"PrimaryStatus": "Completed"},
            "CreationTime": START,
        }
        self.nodes.append(transform.trial_component(record))
        self.counts["trial_components"] += 1
        return arn

    def endpoint(self, name: str) -> str:
        arn = f"{ACCOUNT}:context/{name}"
        record = {"ContextArn": arn, "ContextName": name, "ContextType": "Endpoint", "CreationTime": START}
        self.nodes.append(transform.context(record | {"Source": {"SourceUri": f"{ACCOUNT}:endpoint/{name}"}}))
        self.counts["contexts"] += 1
        return arn

    def edge(self, source: str, destination: str, association_type: str) -> None:
        record = {"SourceArn": source, "DestinationArn": destination, "AssociationType": association_type}
        self.edges.append(transform.association(record)[0])
        self.counts["associations"] += 1

    def chain(self, number: int, source_uri: str, images: list[str]) -> None:
        """dataset -> processing job -> processed data -> training job (+ image) -> model (-> endpoint)."""
        data = self.artifact(f"data-{number}", source_uri, "DataSet")
        process = self.job(f"process-{number}", "SageMakerProcessingJob", "processing-job")
        processed = self.artifact(f"processed-{number}", f"s3://sagemaker-ml/chain-{number}/processed/", "DataSet")
        train = self.job(f"train-{number}", "SageMakerTrainingJob", "training-job")
        model = self.artifact(f"model-{number}", f"s3://sagemaker-ml/chain-{number}/model.tar.gz", "Model")
        self.edge(data, process, "ContributedTo")
        self.edge(process, processed, "Produced")
        self.edge(processed, train, "ContributedTo")
        self.edge(images[number % len(images)], train, "ContributedTo")
        self.edge(train, model, "Produced")
        if number % 3 == 0:
            self.edge(model, self.endpoint(f"endpoint-{number}"), "ContributedTo")

    @property
    def entities(self) -> int:
        return sum(self.counts[k] for k in ("artifacts", "trial_components", "contexts"))


def write_sagemaker(writer: GraphWriter, shape: Shape) -> dict[str, Any]:
    """Joined chains (one per joined ETL unit, fed by its features), then chains on a bucket of their own
    until ``scale`` entities; nodes before edges, as a sync writes them."""
    started = time.monotonic()
    side = SageMakerSide()
    images = [
        side.artifact(f"image-{i}", f"123456789012.dkr.ecr.us-east-1.amazonaws.com/train:{i}", "Image")
        for i in range(IMAGES)
    ]
    picker = random.Random(shape.seed)
    number, joined = 0, Counter[str]()

    def flush(final: bool = False) -> None:
        # Nodes whenever edges go too: write_edges leaves out an edge whose end is not in the graph yet.
        if final or len(side.nodes) >= SAGEMAKER_BATCH or len(side.edges) >= SAGEMAKER_BATCH:
            writer.write_nodes(side.nodes)
            side.nodes.clear()
        if final or len(side.edges) >= SAGEMAKER_BATCH:
            writer.write_edges(side.edges)
            side.edges.clear()
            _progress("sagemaker entities", side.entities, started)

    for domain, unit in shape.units():
        if picker.random() >= shape.joined:
            continue
        features = f"s3://lake/features/d{domain}/u{unit}"
        # The exact location, the same with a trailing slash, or a part of it (the join's within/contains).
        uri = (features, f"{features}/", f"{features}/train/")[number % 3]
        joined[("location", "location", "within")[number % 3]] += 1
        side.chain(number, uri, images)
        number += 1
        flush()
    joined_chains = number
    while side.entities < shape.scale:
        side.chain(number, f"s3://sagemaker-raw/chain-{number}/input/", images)
        number += 1
        flush()
    flush(final=True)
    return {
        **dict(side.counts),
        "entities": side.entities,
        "chains": number,
        "joined_chains": joined_chains,
        "joined_by_rule": dict(joined),
        "seconds": round(time.monotonic() - started, 1),
        "load_average": load_average(),
    }


# -- impact ------------------------------------------------------------------------------------------------


def candidate_prefixes(shape: Shape, per_level: int) -> dict[str, list[str]]:
    """Start prefixes at three levels, sampled (seeded) from the ETL's domains and units."""
    rng = random.Random(shape.seed + 1)
    units = list(shape.units())
    unit_sample = rng.sample(units, min(per_level, len(units)))
    domain_sample = rng.sample(range(len(shape.domains)), min(per_level, len(shape.domains)))
    return {
        "unit_raw": [f"s3://landing/d{d}/u{u}/" for d, u in unit_sample],
        "domain_raw": [f"s3://landing/d{d}/" for d in domain_sample],
        "domain_features": [f"s3://lake/features/d{d}/" for d in domain_sample],
    }


def measure(
    queries: InvestigationQueries, prefixes: dict[str, list[str]], max_reached: int, repeats: int
) -> dict[str, Any]:
    kept: dict[str, int] = {}
    level_of: dict[str, str] = {}
    too_many = crossing = empty = 0
    load_before = load_average()
    for level, starts in prefixes.items():
        for prefix in starts:
            answer = queries.impact(prefix)  # the warm-up ask, and the answer's size
            reached = len(answer)
            if reached == 0:  # nothing downstream (nothing there, or a source impact does not start from)
                empty += 1
            elif reached <= max_reached:
                kept[prefix], level_of[prefix] = reached, level
                kinds = {entity.kind.startswith("openlineage_") for entity in answer}
                crossing += kinds == {True, False}  # both sources in the answer: the walk crossed the join
            else:
                too_many += 1
    samples: dict[str, list[float]] = {level: [] for level in prefixes}
    order = list(kept) * repeats
    random.Random(3).shuffle(order)
    for prefix in order:
        began = time.perf_counter()
        queries.impact(prefix)
        samples[level_of[prefix]].append((time.perf_counter() - began) * 1000)
    everything = [s for level in samples.values() for s in level]
    counts = sorted(kept.values())
    cuts = statistics.quantiles(counts, n=100, method="inclusive") if len(counts) > 1 else counts * 99
    return {
        "starts": len(kept),
        "starts_over_max_reached": too_many,
        "starts_reaching_nothing": empty,
        "starts_answering_from_both_sources": crossing,
        "repeats": repeats,
        "all": percentiles(everything) if everything else None,
        "by_level": {level: percentiles(s) | {"starts": len(s) // repeats} for level, s in samples.items() if s},
        "reached": {
            "min": counts[0] if counts else None,
            "p50": round(cuts[49]),
            "p95": round(cuts[94]),
            "max": counts[-1] if counts else None,
            "mean": round(statistics.fmean(counts), 1) if counts else None,
        },
        "load_average": {"before": load_before, "after": load_average()},
    }


def graph_counts(driver: Any, database: str) -> dict[str, int]:
    query = """
        CALL () { MATCH (n:LineageEntity) RETURN count(n) AS sagemaker }
        CALL () { MATCH (n:OpenLineageDataset) RETURN count(n) AS datasets }
        CALL () { MATCH (n:OpenLineageRun) RETURN count(n) AS runs }
        CALL () { MATCH ()-[r:SAME_OBJECT]->() RETURN count(r) AS same_object }
        RETURN sagemaker, datasets, runs, same_object
    """
    records, _, _ = driver.execute_query(query, database_=database)
    return dict(records[0].data())


def run(args: argparse.Namespace) -> dict[str, Any]:
    shape = Shape(args.scale, args.joined)
    result: dict[str, Any] = {
        "scale": args.scale,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": _cpus()},
        "command": " ".join(["python", "bench/openlineage_impact.py", *sys.argv[1:]]),
        "neo4j": {"heap": args.neo4j_heap, "page_cache": args.neo4j_page_cache},
        "shape": {"units": sum(shape.domains), "domains": len(shape.domains), "joined_fraction": args.joined},
    }
    with ExitStack() as stack:
        if args.home:  # kept, and left running, for --skip-build runs against the same graph
            home, port = args.home, args.port
        else:
            home, port = (
                Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="lineage-graph-bench-"))),
                free_port(),
            )
        server = LocalNeo4j(home, port, heap=args.neo4j_heap, page_cache=args.neo4j_page_cache)
        settings = Neo4jSettings(uri=server.start(PASSWORD), username="neo4j", password=PASSWORD, database="neo4j")
        if not args.home:
            stack.callback(server.stop)
        driver = stack.enter_context(connect(settings))
        if not args.skip_build:
            graph_writer = GraphWriter(driver, settings.database)
            graph_writer.apply_schema()
            ol_writer = OpenLineageWriter(driver, settings.database)
            ol_writer.apply_schema()
            # OpenLineage first, as an ETL runs before the training it feeds; the later load joins either way.
            result["build"] = {"openlineage": write_openlineage(ol_writer, shape)}
            print(f"openlineage: {result['build']['openlineage']}", flush=True)
            result["build"]["sagemaker"] = write_sagemaker(graph_writer, shape)
            print(f"sagemaker: {result['build']['sagemaker']}", flush=True)
        result["graph"] = graph_counts(driver, settings.database)
        print(f"graph: {result['graph']}", flush=True)
        queries = InvestigationQueries(driver, settings.database)
        result["impact"] = measure(queries, candidate_prefixes(shape, args.per_level), args.max_reached, args.repeats)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, required=True, help="SageMaker entities, and OpenLineage datasets")
    parser.add_argument("--joined", type=float, default=0.4, help="fraction of ETL units feeding a SageMaker chain")
    parser.add_argument("--per-level", type=int, default=100, help="start prefixes sampled at each level")
    parser.add_argument("--max-reached", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3, help="timed asks of each start prefix")
    parser.add_argument("--neo4j-heap", default="2g")
    parser.add_argument("--neo4j-page-cache", default="2g")
    parser.add_argument("--home", type=Path, help="Neo4j home to keep (and leave running) instead of a temporary one")
    parser.add_argument("--port", type=int, default=7699, help="Bolt port with --home")
    parser.add_argument("--skip-build", action="store_true", help="measure the graph already in --home")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    result = run(args)
    print(json.dumps(result, indent=2))
    if args.out:
        save(args.out, result)


if __name__ == "__main__":
    main()
