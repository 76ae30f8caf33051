"""SageMaker's lineage out and back in: `openlineage export` posts the synced demo account to our own
`serve` through the official client's HTTP transport, and the runs come back as OpenLineage nodes, the same
run for the same trial component however often it is exported."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from fixtures.serve_process import ServeProcess
from fixtures.synced_demo import Account
from neo4j import Driver

from lineage_graph.cli import cli
from lineage_graph.settings import Neo4jSettings

pytestmark = pytest.mark.usefixtures("openlineage_environment")


@pytest.fixture(scope="module")
def serve(
    synced_demo: Account, neo4j_settings: Neo4jSettings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServeProcess]:
    with ServeProcess.running(neo4j_settings, tmp_path_factory.mktemp("serve") / "serve.log") as process:
        yield process


def test_exported_runs_come_back_through_serve_as_the_same_runs(
    serve: ServeProcess, sync_env: dict[str, str], synced_driver: Driver, tmp_path: Path
) -> None:
    env = {**sync_env, "OPENLINEAGE_URL": serve.url}
    path = tmp_path / "events.ndjson"
    result = CliRunner().invoke(cli, ["openlineage", "export", "--full", "--file", str(path)], env=sync_env)
    assert result.exit_code == 0, result.output
    sent = [json.loads(line) for line in path.read_text().splitlines()]
    for _ in range(2):  # twice: the second export changes nothing in the receiver
        result = CliRunner().invoke(cli, ["openlineage", "export", "--full", "--format", "json"], env=env)
        assert result.exit_code == 0, result.output + serve.log
        assert json.loads(result.stdout)["events"] == len(sent)

    runs = synced_driver.execute_query(
        "MATCH (r:OpenLineageRun)-[:RUN_OF]->(j:OpenLineageJob) "
        "RETURN r.run_id AS run_id, r.state AS state, j.namespace AS namespace, j.name AS name"
    ).records
    final = {e["run"]["runId"]: e for e in sent}  # each run's last event: its end, or its START while running
    exported = {run_id: (e["eventType"], e["job"]["namespace"], e["job"]["name"]) for run_id, e in final.items()}
    received = {r["run_id"]: (r["state"], r["namespace"], r["name"]) for r in runs}
    # Every run came with its events, the pipeline executions' too: none is known from a parent facet alone.
    assert received == exported

    # A child's CHILD_OF lands on its pipeline execution's exported run: the run of the job its parent facet
    # names, with the state that execution's own events gave it.
    children = synced_driver.execute_query(
        "MATCH (r:OpenLineageRun)-[:CHILD_OF]->(p:OpenLineageRun)-[:RUN_OF]->(j:OpenLineageJob) "
        "RETURN r.run_id AS run_id, p.run_id AS parent, p.state AS state, j.namespace AS namespace, j.name AS name"
    ).records
    parents = {run_id: e["run"]["facets"]["parent"] for run_id, e in final.items() if "parent" in e["run"]["facets"]}
    assert parents and {r["run_id"]: r["parent"] for r in children} == {
        k: f["run"]["runId"] for k, f in parents.items()
    }
    for r in children:
        facet = parents[r["run_id"]]
        assert (r["namespace"], r["name"]) == (facet["job"]["namespace"], facet["job"]["name"])
        execution = final[r["parent"]]  # the execution's own last event, as exported
        assert execution["job"]["name"].startswith("pipeline/")
        assert r["state"] == execution["eventType"] == "COMPLETE"

    datasets = synced_driver.execute_query(
        "MATCH (d:OpenLineageDataset) RETURN d.namespace AS namespace, d.name AS name"
    ).records
    named = {(d["namespace"], d["name"]) for e in sent for d in (*e["inputs"], *e["outputs"])}
    assert {(d["namespace"], d["name"]) for d in datasets} == named
