"""Query latency: every lookup kind, warm, over many start entities, through the Python API users call."""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from neo4j import Driver, RoutingControl

from lineage_graph.query import Direction
from lineage_graph.query.explore import InvestigationQueries


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(samples_ms, n=100, method="inclusive") if len(samples_ms) > 1 else samples_ms * 99
    return {
        "p50_ms": round(cuts[49], 2),
        "p95_ms": round(cuts[94], 2),
        "p99_ms": round(cuts[98], 2),
        "max_ms": round(max(samples_ms), 2),
        "samples": len(samples_ms),
    }


def _arns(driver: Driver, database: str, query: str, limit: int, seed: int) -> list[str]:
    """A random sample (seeded) of the ARNs ``query`` returns; ``query`` is one of ours, no user input."""
    records, _, _ = driver.execute_query(query, database_=database, routing_=RoutingControl.READ)
    arns = [str(r[0]) for r in records]
    return random.Random(seed).sample(arns, min(limit, len(arns)))


def start_entities(driver: Driver, database: str, per_kind: int, seed: int = 5) -> dict[str, list[str]]:
    tc = "MATCH (n:TrialComponent) WHERE n.source_type = 'SageMakerTrainingJob' RETURN n.arn"
    return {
        "training": _arns(driver, database, tc, per_kind, seed),
        "dataset": _arns(driver, database, "MATCH (n:Artifact:DataSet) RETURN n.arn", per_kind, seed),
        "image": _arns(driver, database, "MATCH (n:Artifact:Image) RETURN n.arn", per_kind, seed),
        "model": _arns(driver, database, "MATCH (n:Artifact:Model) RETURN n.arn", per_kind, seed),
        "endpoint": _arns(driver, database, "MATCH (n:Context:Endpoint) RETURN n.arn", per_kind, seed),
        "model_group": _arns(driver, database, "MATCH (n:Context:ModelGroup) RETURN n.arn", per_kind, seed),
        "approval": _arns(driver, database, "MATCH (n:Action:Approval) RETURN n.arn", per_kind, seed),
        "source_uri": [
            str(r)
            for r in _arns(
                driver, database, "MATCH (n:Artifact:DataSet) WHERE n.source_uri STARTS WITH 's3://bench-data/' "
                "RETURN n.source_uri", per_kind, seed,
            )
        ],
    }  # fmt: skip


def lookups(
    queries: InvestigationQueries, starts: dict[str, list[str]]
) -> dict[str, tuple[list[str], Callable[[str], Any]]]:
    """Each lookup kind: its start entities and the call that answers it."""
    return {
        "datasets": (starts["training"], lambda arn: queries.dataset_artifacts(arn, Direction.ASCENDANTS)),
        "models": (starts["training"], lambda arn: queries.models(arn, Direction.DESCENDANTS)),
        "pipeline_execution": (starts["training"], queries.pipeline_execution),
        "lineage_ascendants": (starts["model"], lambda arn: queries.lineage(arn, Direction.ASCENDANTS)),
        "lineage_descendants": (starts["dataset"], lambda arn: queries.lineage(arn, Direction.DESCENDANTS)),
        "artifact_trained_models": (starts["dataset"], queries.artifact_trained_models),
        "artifact_endpoints": (starts["model"], queries.artifact_endpoints),
        "image_datasets": (starts["image"], queries.artifact_datasets),
        "endpoint_models": (starts["endpoint"], queries.endpoint_models),
        "endpoint_dataset_artifacts": (starts["endpoint"], queries.endpoint_dataset_artifacts),
        "endpoint_pipeline_execution": (starts["endpoint"], queries.endpoint_pipeline_execution),
        "model_group_pipeline_executions": (starts["model_group"], queries.model_group_pipeline_executions),
        "approval_model_package": (starts["approval"], queries.approval_model_package),
        "impact": (starts["source_uri"], queries.impact),
        "path": (
            starts["training"],
            lambda arn: queries.path(arn, starts["endpoint"][0]) if starts["endpoint"] else [],
        ),
        "find": (starts["source_uri"], lambda uri: queries.find(source_uri_prefix=uri.rsplit("/", 1)[0])),
    }


def measure(driver: Driver, database: str, per_kind: int = 100, repeat: int = 3) -> dict[str, dict[str, float]]:
    """p50/p95/p99 per lookup kind over ``per_kind`` start entities, each asked ``repeat`` times after a
    warm-up pass (warm page cache and query plans: what a user sees once the graph is in use)."""
    queries = InvestigationQueries(driver, database)
    results: dict[str, dict[str, float]] = {}
    for name, (starts, ask) in lookups(queries, start_entities(driver, database, per_kind)).items():
        if not starts:
            continue
        for start in starts:  # warm-up
            ask(start)
        samples = []
        for _ in range(repeat):
            for start in starts:
                began = time.perf_counter()
                ask(start)
                samples.append((time.perf_counter() - began) * 1000)
        results[name] = percentiles(samples)
    return results
