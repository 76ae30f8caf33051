"""The SageMaker SDK's own lineage helpers (``sagemaker-core``'s ``sagemaker.core.lineage``) against the
sandbox, with a per-call latency like AWS's, side by side with lineage-graph answering from the graph.

Each question is asked from a name, as a user would: the SDK loads the entity (a Describe) and runs its
helper (QueryLineage, then a Describe per vertex, or ListTags); lineage-graph sends the name to Neo4j,
which resolves it in the lookup's own query (one round trip). API calls are counted by the sandbox
itself, for both sides.

An SDK answer that differs from ours is classified: ``truncated`` when it equals our answer cut at depth
10 (QueryLineage's MaxDepth) or is a subset of it (QueryLineage's one page), ``disagree`` otherwise.
"""

from __future__ import annotations

import random
import statistics
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3
from neo4j import Driver, RoutingControl

from lineage_graph.query import Direction
from lineage_graph.query.explore import InvestigationQueries
from lineage_graph.sandbox.faults import get_faults, set_faults
from lineage_graph.sandbox.server import client_for

Answer = frozenset[str]
OURS_REPEATS = 3  # asks of our side per start, after the SDK's; the median is kept


@dataclass
class Question:
    """One SDK helper and our equivalent: each maps a start name to a set of ARNs (empty: no answer)."""

    sdk: Callable[[str], Answer]
    ours: Callable[[str, int | None], Answer]  # (start, max_depth)
    starts: list[str]


def _arns(items: Any) -> Answer:
    out = set()
    for item in items or []:
        if isinstance(item, str):
            out.add(item)
        else:
            out.add(getattr(item, "artifact_arn", None) or getattr(item, "arn", None) or str(item))
    return frozenset(out)


def _one(value: str | None) -> Answer:
    return frozenset([value]) if value else frozenset()


def questions(url: str, driver: Driver, database: str, samples: int, seed: int = 3) -> dict[str, Question]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from sagemaker.core.helper.session_helper import Session
        from sagemaker.core.lineage.context import EndpointContext
        from sagemaker.core.lineage.lineage_trial_component import LineageTrialComponent

    client = client_for(url, retries={"mode": "standard", "max_attempts": 3})
    boto_session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1")
    session = Session(boto_session=boto_session, sagemaker_client=client)
    queries = InvestigationQueries(driver, database)
    rng = random.Random(seed)

    def names(query: str) -> list[str]:
        records, _, _ = driver.execute_query(query, database_=database, routing_=RoutingControl.READ)
        found = [str(r[0]) for r in records]
        return rng.sample(found, min(samples, len(found)))

    trainings = names("MATCH (n:TrialComponent) WHERE n.source_type = 'SageMakerTrainingJob' RETURN n.name")
    endpoints = names("MATCH (n:Context:Endpoint) RETURN n.name")

    def tc(name: str) -> Any:
        return LineageTrialComponent.load(trial_component_name=name, sagemaker_session=session)

    def endpoint(name: str) -> Any:
        return EndpointContext.load(context_name=name, sagemaker_session=session)

    return {
        "tc_dataset_artifacts": Question(
            lambda n: _arns(tc(n).dataset_artifacts()),
            lambda n, d: _arns(a.arn for a in queries.dataset_artifacts(n, Direction.ASCENDANTS, d)),
            trainings,
        ),
        "tc_models": Question(
            lambda n: _arns(tc(n).models()),
            lambda n, d: _arns(a.arn for a in queries.models(n, Direction.DESCENDANTS, d)),
            trainings,
        ),
        "tc_pipeline_execution_arn": Question(
            lambda n: _one(tc(n).pipeline_execution_arn()),
            lambda n, d: _one(queries.pipeline_execution(n).pipeline_execution_arn),
            trainings,
        ),
        "endpoint_dataset_artifacts": Question(
            lambda n: _arns(endpoint(n).dataset_artifacts()),
            lambda n, d: _arns(a.arn for a in queries.endpoint_dataset_artifacts(n, d)),
            endpoints,
        ),
        "endpoint_training_job_arns": Question(
            lambda n: _arns(endpoint(n).training_job_arns()),
            lambda n, d: _arns(j.job_arn for j in queries.endpoint_training_jobs(n, d) if j.job_arn),
            endpoints,
        ),
        "endpoint_pipeline_execution_arn": Question(
            lambda n: _one(endpoint(n).pipeline_execution_arn()),
            lambda n, d: _one(queries.endpoint_pipeline_execution(n).pipeline_execution_arn),
            endpoints,
        ),
    }


def _requests(url: str) -> int:
    return int(get_faults(url)["counters"]["requests"])


def compare(url: str, driver: Driver, database: str, *, samples: int, api_latency_ms: int) -> dict[str, Any]:
    results: dict[str, Any] = {"api_latency_ms": api_latency_ms}
    asked = questions(url, driver, database, samples)
    set_faults(url, latency_ms=api_latency_ms)
    try:
        for name, question in asked.items():
            if not question.starts:
                continue
            sdk_ms, ours_ms, sdk_calls, ours_calls = [], [], [], []
            verdicts = {"agree": 0, "truncated": 0, "disagree": 0}
            for start in question.starts:
                question.ours(start, None)  # warm
                before = _requests(url)
                began = time.perf_counter()
                sdk_answer = question.sdk(start)
                sdk_ms.append((time.perf_counter() - began) * 1000)
                middle = _requests(url)
                # Ours is timed as the median of a few asks: once, right after the SDK's second of the
                # sandbox's CPU, it measured the machine's recovery more than the lookup.
                times = []
                for ask in range(OURS_REPEATS):
                    began = time.perf_counter()
                    ours = question.ours(start, None)
                    times.append((time.perf_counter() - began) * 1000)
                    if ask == 0:
                        ours_calls.append(_requests(url) - middle)
                ours_ms.append(statistics.median(times))
                sdk_calls.append(middle - before)
                if sdk_answer == ours:
                    verdicts["agree"] += 1
                elif sdk_answer == question.ours(start, 10) or sdk_answer < question.ours(start, 10):
                    verdicts["truncated"] += 1
                else:
                    verdicts["disagree"] += 1
            sdk_median, ours_median = statistics.median(sdk_ms), statistics.median(ours_ms)
            results[name] = {
                "questions": len(question.starts),
                "sdk_ms_median": round(sdk_median, 1),
                "ours_ms_median": round(ours_median, 2),
                "speedup": round(sdk_median / ours_median, 1),
                "sdk_api_calls": round(statistics.mean(sdk_calls), 1),
                "ours_api_calls": max(ours_calls),
                "answers_agree": verdicts["agree"],
                "sdk_truncated": verdicts["truncated"],
                "disagree": verdicts["disagree"],
            }
    finally:
        set_faults(url, latency_ms=0)
    return results
