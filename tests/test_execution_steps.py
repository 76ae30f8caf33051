"""A repeat full sync keeps the steps of finished, unchanged, fully linked executions without listing them
(no ListPipelineExecutionSteps call), re-lists the others, and its cleanup still removes EXECUTED edges whose
execution or target is gone."""

from __future__ import annotations

import json
from typing import Any

from fixtures.snapshots import lineage_snapshot
from fixtures.sync_cli import sync_json
from neo4j import Driver

from lineage_graph.sandbox.seed import seed_demo
from lineage_graph.sync import TERMINAL_STATUSES

STEPS = "ListPipelineExecutionSteps"


def _execution(arn: str) -> Any:
    """moto's record of a pipeline execution in the in-process sandbox (no API sets an execution's status:
    SageMaker moves it on by itself, so the test does it in place)."""
    from moto.sagemaker.models import sagemaker_backends

    pipeline = arn.split(":pipeline/", 1)[1].split("/", 1)[0]
    return sagemaker_backends["123456789012"]["us-east-1"].pipelines[pipeline].pipeline_executions[arn]


def _set_status(arn: str, status: str) -> None:
    from lineage_graph.sandbox.api import LISTINGS

    _execution(arn).pipeline_execution_status = status
    LISTINGS.changed()


def _executed(driver: Driver) -> list[tuple[str, str, dict[str, Any]]]:
    """Every EXECUTED edge: execution ARN, target ARN, properties without the run's stamp."""
    records = driver.execute_query(
        "MATCH (e:PipelineExecution)-[r:EXECUTED]->(t) RETURN e.arn AS e, t.arn AS t, properties(r) AS p ORDER BY e, t",
        database_="neo4j",
    ).records
    return [(r["e"], r["t"], {k: v for k, v in r["p"].items() if k != "sync_stamp"}) for r in records]


def _executions(driver: Driver) -> dict[str, dict[str, Any]]:
    records = driver.execute_query(
        "MATCH (e:PipelineExecution) RETURN e.arn AS arn, e.status AS status, e.steps_linked AS linked, "
        "e.steps_edges AS edges, COUNT { (e)-[:EXECUTED]->() } AS actual",
        database_="neo4j",
    ).records
    return {r["arn"]: dict(r) for r in records}


def _stamps(driver: Driver) -> set[str | None]:
    records = driver.execute_query("MATCH ()-[r:EXECUTED]->() RETURN DISTINCT r.sync_stamp AS s", database_="neo4j")
    return {r["s"] for r in records.records}


def _entities(report: dict[str, Any]) -> int:
    return sum(sum(counts.values()) for counts in report["nodes"].values())


def test_repeat_full_sync_keeps_finished_linked_executions_without_listing_their_steps(
    sagemaker_client: Any, sync_env: dict[str, str], clean_neo4j: Driver
) -> None:
    seed_demo(sagemaker_client)
    first = sync_json(sync_env, "--full")
    executions = _executions(clean_neo4j)
    assert executions and all(e["status"] in TERMINAL_STATUSES for e in executions.values())
    assert first["api_calls"][STEPS] == len(executions)  # a first sync lists every execution's steps
    assert first["pipeline_steps"]["executions_listed"] == len(executions)
    assert first["pipeline_steps"]["executions_kept"] == 0
    # Marked as listed: every job step found its node, and the edge count is the graph's.
    assert all(e["linked"] is True and e["edges"] == e["actual"] > 0 for e in executions.values()), executions
    edges, snapshot = _executed(clean_neo4j), lineage_snapshot(clean_neo4j)
    first_stamps = _stamps(clean_neo4j)

    second = sync_json(sync_env, "--full")
    assert STEPS not in second["api_calls"]
    assert second["pipeline_steps"] == {
        "linked": 0,
        "unmatched": 0,
        "kept": len(edges),
        "executions_listed": 0,
        "executions_kept": len(executions),
    }
    assert second["cleanup"]["relationships_deleted"] == 0 and second["cleanup"]["nodes_deleted"] == 0
    assert _executed(clean_neo4j) == edges
    assert lineage_snapshot(clean_neo4j) == snapshot
    # The kept edges carry the second run's stamp (so its sweep kept them), not the first's.
    assert len(_stamps(clean_neo4j)) == 1 and _stamps(clean_neo4j).isdisjoint(first_stamps)
    calls = (first["api_calls_total"] / _entities(first), second["api_calls_total"] / _entities(second))
    assert calls[1] < calls[0]

    # A graph synced before steps_linked existed lists every execution's steps once more, then keeps them.
    clean_neo4j.execute_query("MATCH (e:PipelineExecution) REMOVE e.steps_linked, e.steps_edges", database_="neo4j")
    assert sync_json(sync_env, "--full")["api_calls"][STEPS] == len(executions)
    assert STEPS not in sync_json(sync_env, "--full")["api_calls"]
    assert _executed(clean_neo4j) == edges


def test_running_and_changed_executions_are_listed_again(
    sagemaker_client: Any, sync_env: dict[str, str], clean_neo4j: Driver
) -> None:
    from moto.sagemaker.models import sagemaker_backends

    from lineage_graph.sandbox.lineage_store import store_for

    seed_demo(sagemaker_client)
    summaries = sagemaker_client.list_pipeline_executions(PipelineName="churn")["PipelineExecutionSummaries"]
    running, finished = summaries[0]["PipelineExecutionArn"], summaries[1]["PipelineExecutionArn"]
    _set_status(running, "Executing")
    sync_json(sync_env, "--full")

    again = sync_json(sync_env, "--full")
    assert again["api_calls"][STEPS] == 1  # the running one: its steps may still grow
    assert again["pipeline_steps"]["executions_listed"] == 1

    # It runs one more step (a job the graph already has), then stops: the next full run lists it, and
    # links the new step; a finished execution whose status changed is listed again too.
    other_job = clean_neo4j.execute_query(
        "MATCH (t:TrainingJob) WHERE NOT EXISTS { (:PipelineExecution {arn: $e})-[:EXECUTED]->(t) } "
        "RETURN t.arn AS arn, t.source_arn AS job LIMIT 1",
        e=running,
        database_="neo4j",
    ).records[0]
    store = store_for(sagemaker_backends["123456789012"]["us-east-1"])
    step = {"StepName": "Retrain", "StepStatus": "Succeeded", "Metadata": {"TrainingJob": {"Arn": other_job["job"]}}}
    store.pipeline_steps[running].append(step)
    _set_status(running, "Stopped")
    _set_status(finished, "Failed")
    before = _executed(clean_neo4j)

    changed = sync_json(sync_env, "--full")
    assert changed["api_calls"][STEPS] == 2
    assert changed["pipeline_steps"]["executions_listed"] == 2
    assert changed["pipeline_steps"]["executions_kept"] == len(_executions(clean_neo4j)) - 2
    after = _executed(clean_neo4j)
    assert (running, other_job["arn"]) in {(e, t) for e, t, _ in after}
    assert len(after) == len(before) + 1
    stored = _executions(clean_neo4j)
    assert stored[running]["status"] == "Stopped" and stored[running]["edges"] == stored[running]["actual"]

    settled = sync_json(sync_env, "--full")
    assert STEPS not in settled["api_calls"]
    assert _executed(clean_neo4j) == after


def test_full_sync_still_removes_executed_edges_whose_target_or_execution_is_gone(
    sagemaker_client: Any, sync_env: dict[str, str], clean_neo4j: Driver
) -> None:
    seed_demo(sagemaker_client)
    sync_json(sync_env, "--full")
    target = clean_neo4j.execute_query(
        "MATCH (e:PipelineExecution)-[:EXECUTED]->(t:TrainingJob) "
        "RETURN e.arn AS execution, t.arn AS arn, t.name AS name, COUNT { (e)-[:EXECUTED]->() } AS edges "
        "ORDER BY e.arn LIMIT 1",
        database_="neo4j",
    ).records[0]
    executions = _executions(clean_neo4j)

    # The job's trial component leaves SageMaker (its associations stay: it becomes a placeholder).
    sagemaker_client.delete_trial_component(TrialComponentName=target["name"])
    report = sync_json(sync_env, "--full", "--force-delete")
    assert report["api_calls"][STEPS] == 1  # only the execution whose target is gone is listed again
    assert report["pipeline_steps"]["unmatched"] == 1
    assert report["pipeline_steps"]["executions_kept"] == len(executions) - 1
    assert not clean_neo4j.execute_query(
        "MATCH (:PipelineExecution)-[r:EXECUTED]->({arn: $t}) RETURN r", t=target["arn"], database_="neo4j"
    ).records
    stored = _executions(clean_neo4j)[target["execution"]]
    assert stored["linked"] is False and stored["actual"] == target["edges"] - 1
    # Not fully linked: listed on every full run (the step still names the job), and nothing comes back.
    assert sync_json(sync_env, "--full")["api_calls"][STEPS] == 1
    assert _executions(clean_neo4j)[target["execution"]]["actual"] == target["edges"] - 1

    # A whole pipeline leaves SageMaker: its executions and their EXECUTED edges go with it.
    gone = [
        s["PipelineExecutionArn"]
        for s in sagemaker_client.list_pipeline_executions(PipelineName="recommendations")["PipelineExecutionSummaries"]
    ]
    assert gone and all(arn in executions for arn in gone)
    sagemaker_client.delete_pipeline(PipelineName="recommendations", ClientRequestToken="d" * 32)
    report = sync_json(sync_env, "--full", "--force-delete")
    assert report["cleanup"]["relationships_deleted"] >= sum(executions[a]["actual"] for a in gone)
    assert not clean_neo4j.execute_query(
        "UNWIND $arns AS a MATCH (e:LineageEntity {arn: a}) RETURN e.arn AS x "
        "UNION MATCH (e:PipelineExecution)-[:EXECUTED]->() WHERE e.arn IN $arns RETURN e.arn AS x",
        arns=gone,
        database_="neo4j",
    ).records


def test_a_partial_full_sync_still_links_steps_and_the_next_whole_one_keeps_them(
    sagemaker_client: Any, sandbox_url: str, sync_env: dict[str, str], clean_neo4j: Driver
) -> None:
    from click.testing import CliRunner

    from lineage_graph.cli import cli
    from lineage_graph.sandbox.faults import clear_faults, set_faults

    seed_demo(sagemaker_client)
    sync_json(sync_env, "--full")
    edges, executions = _executed(clean_neo4j), _executions(clean_neo4j)

    # Trial components cannot be read: no job is stamped, so no execution is kept, but with no sweep to come
    # its steps still link to the jobs the graph has, and it is marked linked.
    set_faults(sandbox_url, deny_operations=["Search"])
    try:
        result = CliRunner().invoke(cli, ["sync", "--full", "--format", "json"], env=sync_env)
    finally:
        clear_faults(sandbox_url)
    assert result.exit_code == 9, result.output  # finished, but could not read everything: no cleanup
    partial = json.loads(result.stdout)
    assert partial["cleanup"]["skipped"].startswith("partial crawl")
    assert partial["api_calls"][STEPS] == len(executions)
    assert partial["pipeline_steps"]["unmatched"] == 0
    assert _executed(clean_neo4j) == edges
    assert all(e["linked"] is True and e["edges"] == e["actual"] for e in _executions(clean_neo4j).values())

    whole = sync_json(sync_env, "--full")
    assert STEPS not in whole["api_calls"]
    assert whole["pipeline_steps"]["executions_kept"] == len(executions)
    assert _executed(clean_neo4j) == edges


class _Killed(Exception):
    pass


def test_a_full_sync_killed_after_keeping_some_executions_resumes_cleanly(
    sagemaker_client: Any,
    sandbox_url: str,
    sync_env: dict[str, str],
    clean_neo4j: Driver,
    monkeypatch: Any,
) -> None:
    from lineage_graph.graph.load import GraphWriter
    from lineage_graph.sagemaker.client import SageMakerApi
    from lineage_graph.settings import AwsSettings
    from lineage_graph.sync import run_sync

    seed_demo(sagemaker_client)
    sync_json(sync_env, "--full")
    edges, snapshot = _executed(clean_neo4j), lineage_snapshot(clean_neo4j)
    first_stamps = _stamps(clean_neo4j)

    def die_after_one_page(kind: str, rows: int) -> None:
        if kind == "PipelineExecutionSteps":
            raise _Killed

    for key, value in sync_env.items():
        monkeypatch.setenv(key, value)
    api = SageMakerApi(AwsSettings(region="us-east-1", endpoint_url=sandbox_url))
    try:
        run_sync(api, GraphWriter(clean_neo4j, "neo4j"), "123456789012", full=True, on_page=die_after_one_page)
    except _Killed:
        pass
    else:
        raise AssertionError("the sync was not interrupted")
    assert len(_stamps(clean_neo4j) - first_stamps) == 1  # one pipeline's edges re-stamped, then it died
    assert _stamps(clean_neo4j) & first_stamps

    resumed = sync_json(sync_env, "--full")
    assert STEPS not in resumed["api_calls"]
    assert resumed["cleanup"]["relationships_deleted"] == 0 and resumed["cleanup"]["nodes_deleted"] == 0
    assert _executed(clean_neo4j) == edges and lineage_snapshot(clean_neo4j) == snapshot
    assert len(_stamps(clean_neo4j)) == 1
