"""`lineage-graph openlineage export`: the synced demo account sent through the official client's HTTP transport
to a receiver, every event checked against the vendored OpenLineage schemas, and what it says checked against
the sandbox's own records (not the graph's)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from click.testing import CliRunner, Result
from fixtures import plans
from fixtures.neo4j_server import free_port
from fixtures.openlineage_receiver import Receiver
from fixtures.sync_cli import sync_json
from fixtures.synced_demo import Account, paginate
from neo4j import Driver

from lineage_graph import cypher_files
from lineage_graph.cli import cli
from lineage_graph.graph import model
from lineage_graph.graph.naming import Location, job_of_arn, location_of_uri
from lineage_graph.openlineage import export as export_module
from lineage_graph.openlineage.events import run_id
from lineage_graph.openlineage.schema import validate
from lineage_graph.sagemaker import kinds as sagemaker_kinds
from lineage_graph.sandbox.seed import DEMO_TRIAL_COMPONENT
from lineage_graph.sync import ASSOCIATIONS

pytestmark = pytest.mark.usefixtures("openlineage_environment")


def run_export(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(cli, ["openlineage", "export", *args], env=env, catch_exceptions=False)


def export_to(receiver: Receiver, env: dict[str, str], *args: str) -> dict[str, Any]:
    result = run_export({**env, "OPENLINEAGE_URL": receiver.url}, "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.stdout))


def watermark_node(driver: Driver, target: str) -> list[dict[str, Any]]:
    records = driver.execute_query(
        "MATCH (e:OpenLineageExport {target: $target}) RETURN e.watermark AS time, e.watermark_arn AS arn",
        target=target,
    ).records
    return [r.data() for r in records]


def sandbox_trial_components(account: Account) -> dict[str, dict[str, Any]]:
    """Every trial component the sandbox has, described (status, times, source), by ARN."""
    summaries = paginate(account.client, "list_trial_components", "TrialComponentSummaries")
    described = (account.client.describe_trial_component(TrialComponentName=s["TrialComponentName"]) for s in summaries)
    return {d["TrialComponentArn"]: d for d in described}


def by_run(events: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    runs: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        runs.setdefault(event["run"]["runId"], []).append(event)
    return runs


def when(event: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(event["eventTime"])


def is_pipeline(event: dict[str, Any]) -> bool:
    """An event of a pipeline execution's run (a run of its pipeline's job), not of a trial component's."""
    return bool(event["job"]["name"].startswith("pipeline/"))


def sandbox_executions(account: Account) -> dict[str, dict[str, Any]]:
    """Every pipeline execution the sandbox has, as listed, with the steps it lists, by ARN."""
    client = account.client
    executions = {}
    for p in paginate(client, "list_pipelines", "PipelineSummaries"):
        for e in paginate(
            client, "list_pipeline_executions", "PipelineExecutionSummaries", PipelineName=p["PipelineName"]
        ):
            arn = e["PipelineExecutionArn"]
            steps = paginate(
                client, "list_pipeline_execution_steps", "PipelineExecutionSteps", PipelineExecutionArn=arn
            )
            executions[arn] = {**e, "Steps": steps}
    return executions


def set_execution_status(arn: str, status: str) -> None:
    """What SageMaker does by itself (no API sets an execution's status), done in place in the in-process
    sandbox's record, as tests/test_execution_steps.py does."""
    from moto.sagemaker.models import sagemaker_backends

    from lineage_graph.sandbox.api import LISTINGS

    pipeline = arn.split(":pipeline/", 1)[1].split("/", 1)[0]
    account, region = arn.split(":")[4], arn.split(":")[3]
    sagemaker_backends[account][region].pipelines[pipeline].pipeline_executions[arn].pipeline_execution_status = status
    LISTINGS.changed()


def test_every_event_is_valid_and_says_what_the_sandbox_has(
    synced_demo: Account, sync_env: dict[str, str], openlineage_receiver: Receiver
) -> None:
    summary = export_to(openlineage_receiver, sync_env, "--full")
    everything = openlineage_receiver.events
    sandbox = sandbox_trial_components(synced_demo)

    assert [r.headers["Content-Type"] for r in openlineage_receiver.requests] == ["application/json"] * len(everything)
    assert {e["schemaURL"] for e in everything} == {
        "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"
    }
    for event in everything:
        assert validate(event, strict_facets=True) == [], event
    assert summary["events"] == len(everything)
    events = [e for e in everything if not is_pipeline(e)]
    assert summary["runs"] - summary["pipeline_executions"] == len(sandbox) == len(by_run(events))
    assert summary["target"] == f"{openlineage_receiver.url}/api/v1/lineage"

    jobs = {}
    for arn, tc in sandbox.items():
        source = tc.get("Source", {}).get("SourceArn")
        job = job_of_arn(source or arn)
        jobs[(job.namespace, job.name)] = tc
    seen = {(e["job"]["namespace"], e["job"]["name"]) for e in events}
    assert seen == set(jobs)
    ends = {"Completed": "COMPLETE", "Failed": "FAIL", "Stopped": "ABORT"}
    for run in by_run(events).values():
        tc = jobs[(run[0]["job"]["namespace"], run[0]["job"]["name"])]
        status = tc["Status"]["PrimaryStatus"]
        assert [e["eventType"] for e in run] == ["START"] + ([ends[status]] if status in ends else [])
        assert when(run[0]) == tc.get("StartTime", tc["CreationTime"])
        if status in ends:
            assert when(run[-1]) == tc.get("EndTime", tc["LastModifiedTime"])
        assert UUID(run[0]["run"]["runId"]).version == 7
        job_type = run[0]["job"]["facets"]["jobType"]
        assert (job_type["integration"], job_type["processingType"]) == ("SAGEMAKER", "BATCH")
        expected_type = {
            "SageMakerTrainingJob": "TRAINING",
            "SageMakerProcessingJob": "PROCESSING",
            "SageMakerTransformJob": "TRANSFORM",
        }.get(tc.get("Source", {}).get("SourceType"), "TRIAL_COMPONENT")
        assert job_type["jobType"] == expected_type
        assert run[0]["run"]["facets"]["processing_engine"]["name"] == "SageMaker"


def test_a_training_run_reads_and_writes_its_artifacts_and_names_its_pipeline_execution(
    synced_demo: Account, sync_env: dict[str, str], openlineage_receiver: Receiver
) -> None:
    export_to(openlineage_receiver, sync_env, "--full")
    client = synced_demo.client
    tc = client.describe_trial_component(TrialComponentName=DEMO_TRIAL_COMPONENT)
    job_arn = tc["Source"]["SourceArn"]
    job = job_of_arn(job_arn)
    run = [
        e for e in openlineage_receiver.events if (e["job"]["namespace"], e["job"]["name"]) == (job.namespace, job.name)
    ]
    assert job.name == f"training-job/{job_arn.rsplit('/', 1)[1]}"
    assert [e["eventType"] for e in run] == ["START", "COMPLETE"]

    def uri(arn: str) -> str:
        return str(client.describe_artifact(ArtifactArn=arn)["Source"]["SourceUri"])

    arn = tc["TrialComponentArn"]
    into = [uri(a["SourceArn"]) for a in synced_demo.associations if a["DestinationArn"] == arn]
    out = [uri(a["DestinationArn"]) for a in synced_demo.associations if a["SourceArn"] == arn]
    s3_in = {location_of_uri(u) for u in into if u.startswith("s3://")}
    images = {u for u in into if ".dkr.ecr." in u}
    s3_out = {location_of_uri(u) for u in out}
    assert s3_in and images and s3_out
    inputs = {Location(d["namespace"], d["name"]) for d in run[-1]["inputs"]}
    outputs = {Location(d["namespace"], d["name"]) for d in run[-1]["outputs"]}
    assert s3_in <= inputs and outputs == s3_out
    registry, _, image = next(iter(images)).partition("/")
    assert Location(f"oci://{registry}", image) in inputs
    assert all(loc.namespace.startswith(("s3://", "oci://")) for loc in inputs)

    executions = [
        e
        for p in paginate(client, "list_pipelines", "PipelineSummaries")
        for e in paginate(
            client, "list_pipeline_executions", "PipelineExecutionSummaries", PipelineName=p["PipelineName"]
        )
    ]
    ran = [
        e
        for e in executions
        for step in client.list_pipeline_execution_steps(PipelineExecutionArn=e["PipelineExecutionArn"])[
            "PipelineExecutionSteps"
        ]
        if step.get("Metadata", {}).get("TrainingJob", {}).get("Arn") == job_arn
    ]
    assert len(ran) == 1
    parent = run[0]["run"]["facets"]["parent"]
    execution_arn = ran[0]["PipelineExecutionArn"]
    pipeline = job_of_arn(execution_arn.split("/execution/")[0])
    assert parent["job"] == {"namespace": pipeline.namespace, "name": pipeline.name, "facets": {}}
    assert parent["run"]["runId"] == str(run_id(execution_arn, ran[0]["StartTime"]))
    assert parent["root"]["run"]["runId"] == parent["run"]["runId"]
    # ... and that run is exported as a run of its own, of exactly the job the facet names.
    parent_run = by_run(openlineage_receiver.events)[parent["run"]["runId"]]
    assert {(e["job"]["namespace"], e["job"]["name"]) for e in parent_run} == {(pipeline.namespace, pipeline.name)}
    assert [e["eventType"] for e in parent_run] == ["START", "COMPLETE"]


def test_each_pipeline_execution_is_a_run_of_its_pipeline_with_its_state_and_times(
    synced_demo: Account, sync_env: dict[str, str], openlineage_receiver: Receiver
) -> None:
    """The run its children's parent facet names, with the sandbox's own status, start and last step's end."""
    summary = export_to(openlineage_receiver, sync_env, "--full")
    sandbox = sandbox_executions(synced_demo)
    runs = by_run([e for e in openlineage_receiver.events if is_pipeline(e)])
    assert summary["pipeline_executions"] == len(sandbox) == len(runs) > 0
    for arn, execution in sandbox.items():
        run = runs[str(run_id(arn, execution["StartTime"]))]
        pipeline = job_of_arn(arn.split("/execution/", 1)[0])
        assert pipeline.name == f"pipeline/{arn.split(':pipeline/', 1)[1].split('/', 1)[0]}"
        assert {(e["job"]["namespace"], e["job"]["name"]) for e in run} == {(pipeline.namespace, pipeline.name)}
        assert [e["eventType"] for e in run] == ["START", "COMPLETE"]  # the demo's executions all succeeded
        assert when(run[0]) == execution["StartTime"]
        ends = [step["EndTime"] for step in execution["Steps"]]
        assert ends and when(run[-1]) == max(ends)
        job_type = run[0]["job"]["facets"]["jobType"]
        assert (job_type["jobType"], job_type["integration"], job_type["processingType"]) == (
            "DAG",
            "SAGEMAKER",
            "BATCH",
        )
        facets = run[0]["run"]["facets"]
        assert "parent" not in facets and facets["processing_engine"]["name"] == "SageMaker"  # its own root
        assert run[0]["inputs"] == run[0]["outputs"] == []
    # Every child's parent facet names one of these runs, by the job it is a run of.
    parents = {
        (e["run"]["facets"]["parent"]["run"]["runId"], e["run"]["facets"]["parent"]["job"]["name"])
        for e in openlineage_receiver.events
        if "parent" in e["run"]["facets"]
    }
    assert parents and parents <= {(run_id, events[0]["job"]["name"]) for run_id, events in runs.items()}


def test_exporting_twice_sends_the_same_events(
    synced_demo: Account, sync_env: dict[str, str], openlineage_receiver: Receiver, tmp_path: Path
) -> None:
    export_to(openlineage_receiver, sync_env, "--full")
    first = openlineage_receiver.events
    openlineage_receiver.clear()
    export_to(openlineage_receiver, sync_env, "--full")
    assert openlineage_receiver.events == first
    ids = by_run(first)
    tc_events = [e for e in first if not is_pipeline(e)]
    assert len(by_run(tc_events)) == len({e["job"]["name"] for e in tc_events})  # one run per job, each its own ID

    table = run_export({**sync_env, "OPENLINEAGE_URL": openlineage_receiver.url}, "--full")
    assert table.exit_code == 0, table.output
    executions = len(by_run([e for e in first if is_pipeline(e)]))
    assert table.stdout.startswith(f"Exported {len(ids)} runs ({executions} pipeline executions; {len(first)} events, ")

    # --file writes the same events as NDJSON, one per line.
    path = tmp_path / "events.ndjson"
    result = run_export(sync_env, "--full", "--file", str(path), "--format", "json")
    assert result.exit_code == 0, result.output
    lines = path.read_text().splitlines()
    assert [json.loads(line) for line in lines] == first
    assert json.loads(result.stdout)["target"] == f"file:{path}"
    # '-': the events on stdout, the summary on stderr.
    result = run_export(sync_env, "--full", "--file", "-", "--format", "json")
    assert result.exit_code == 0, result.output
    assert [json.loads(line) for line in result.stdout.splitlines()] == first
    assert json.loads(result.stderr)["events"] == len(first)


def test_an_unreachable_receiver_is_an_error_and_leaves_the_watermark(
    synced_demo: Account, sync_env: dict[str, str], synced_driver: Driver, tmp_path: Path
) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    config = tmp_path / "openlineage.yml"
    config.write_text(f"transport:\n  type: http\n  url: {url}\n  retry:\n    total: 0\n")
    result = run_export({**sync_env, "OPENLINEAGE_CONFIG": str(config)})
    assert result.exit_code == 12, result.output
    assert f"the OpenLineage receiver {url}/api/v1/lineage did not take event 1 (ConnectionError" in result.stderr
    assert "the watermark stays (none)" in result.stderr
    assert watermark_node(synced_driver, f"{url}/api/v1/lineage") == []


def test_a_receiver_failing_midway_leaves_the_watermark_and_the_next_export_resends(
    synced_demo: Account,
    sync_env: dict[str, str],
    synced_driver: Driver,
    openlineage_receiver: Receiver,
    tmp_path: Path,
) -> None:
    config = tmp_path / "openlineage.yml"
    config.write_text(f"transport:\n  type: http\n  url: {openlineage_receiver.url}\n  retry:\n    total: 0\n")
    env = {**sync_env, "OPENLINEAGE_CONFIG": str(config)}
    openlineage_receiver.refuse_after = 5
    result = run_export(env)
    assert result.exit_code == 12, result.output
    assert "did not take event 6 (RetryError: " in result.stderr and "too many 500 error responses" in result.stderr
    target = f"{openlineage_receiver.url}/api/v1/lineage"
    assert watermark_node(synced_driver, target) == []
    partial = openlineage_receiver.events
    assert len(partial) == 5

    openlineage_receiver.refuse_after = None
    result = run_export(env, "--format", "json")
    assert result.exit_code == 0, result.output
    assert openlineage_receiver.events[5:10] == partial  # the same events again, not new runs
    assert len(watermark_node(synced_driver, target)) == 1


def test_no_transport_configured_is_a_configuration_error(sync_env: dict[str, str], tmp_path: Path) -> None:
    env = {k: v for k, v in sync_env.items() if not k.startswith("OPENLINEAGE")}
    result = CliRunner().invoke(cli, ["openlineage", "export"], env={**env, "HOME": str(tmp_path)})
    assert result.exit_code == 3, result.output
    assert "no OpenLineage transport is configured" in result.stderr
    result = run_export(sync_env, "--full", "--since", "2024-01-01")
    assert result.exit_code == 2 and "--since and --full are alternatives" in result.stderr
    # The client turns any transport into a no-op when OpenLineage is disabled: refused, not a silent export.
    path = tmp_path / "events.ndjson"
    result = run_export({**sync_env, "OPENLINEAGE_DISABLED": "true"}, "--file", str(path))
    assert result.exit_code == 3 and "OpenLineage is disabled" in result.stderr
    result = run_export(sync_env, "--file", str(tmp_path / "missing" / "events.ndjson"))
    assert result.exit_code == 3 and "cannot write" in result.stderr
    assert not path.exists()


def test_trial_components_newer_than_the_syncs_complete_time_wait_for_a_later_export(
    synced_demo: Account, sync_env: dict[str, str], synced_driver: Driver, openlineage_receiver: Receiver
) -> None:
    """A sync that has written trial components but not yet their associations (its association watermark
    behind them): those trial components are held back, not sent without inputs and passed for good."""
    assert (ASSOCIATIONS, sagemaker_kinds.PIPELINE_EXECUTION.name) == export_module.SETTLING_KINDS
    times = sorted(t["LastModifiedTime"] for t in sandbox_trial_components(synced_demo).values())
    cut = times[-4] - timedelta(microseconds=1)
    waiting = sum(t > cut for t in times)
    state = "MATCH (s:SyncState {kind: 'Association'}) "
    synced = synced_driver.execute_query(state + "RETURN s.shard AS shard, s.watermark AS w").records
    assert len(synced) == 1
    synced_driver.execute_query(state + "SET s.watermark = $cut", cut=cut)
    try:
        held = export_to(openlineage_receiver, sync_env)
    finally:
        synced_driver.execute_query(state + "SET s.watermark = $w", w=synced[0]["w"])
    assert (held["runs"] - held["pipeline_executions"], held["held_back"]) == (len(times) - waiting, waiting)
    assert held["until"] == cut.isoformat()
    assert datetime.fromisoformat(held["watermark_after"]["time"]) <= cut
    openlineage_receiver.clear()
    rest = export_to(openlineage_receiver, sync_env)
    assert (rest["runs"] - rest["pipeline_executions"], rest["held_back"]) == (waiting, 0)
    assert held["pipeline_executions"] + rest["pipeline_executions"] == len(sandbox_executions(synced_demo))
    assert rest["until"] == synced[0]["w"].to_native().isoformat()


def test_a_pipeline_execution_sent_while_running_is_sent_again_once_it_ended(
    synced_demo: Account, sync_env: dict[str, str], openlineage_receiver: Receiver
) -> None:
    """Changes three executions' statuses and starts a fourth: after the tests that count the demo's runs."""
    sandbox = sandbox_executions(synced_demo)
    running, failed, stopped = sorted(sandbox)[:3]
    for arn, status in ((running, "Executing"), (failed, "Failed"), (stopped, "Stopped")):
        set_execution_status(arn, status)
    sync_json(sync_env, "--full")  # an incremental sync describes again only what the graph has as running
    first = export_to(openlineage_receiver, sync_env)
    assert first["pipeline_executions"] == len(sandbox)

    def states(arn: str, start: datetime) -> list[str]:
        return [e["eventType"] for e in by_run(openlineage_receiver.events).get(str(run_id(arn, start)), [])]

    assert [states(arn, sandbox[arn]["StartTime"]) for arn in (running, failed, stopped)] == [
        ["START"],
        ["START", "FAIL"],
        ["START", "ABORT"],
    ]

    # It ends, and its pipeline runs again: the next export sends those two runs and nothing else.
    set_execution_status(running, "Succeeded")
    pipeline = running.split(":pipeline/", 1)[1].split("/", 1)[0]
    new = synced_demo.client.start_pipeline_execution(PipelineName=pipeline)["PipelineExecutionArn"]
    new_start = sandbox_executions(synced_demo)[new]["StartTime"]
    sync_json(sync_env)
    openlineage_receiver.clear()
    second = export_to(openlineage_receiver, sync_env)
    assert (second["runs"], second["pipeline_executions"]) == (2, 2)
    assert states(running, sandbox[running]["StartTime"]) == ["START", "COMPLETE"]
    assert states(new, new_start) == ["START", "COMPLETE"]
    for event in openlineage_receiver.events:
        assert validate(event, strict_facets=True) == [], event

    # Nothing sent is still running: the next export sends nothing.
    openlineage_receiver.clear()
    third = export_to(openlineage_receiver, sync_env)
    assert (third["runs"], openlineage_receiver.events) == (0, [])


def test_a_trial_component_is_sent_again_when_an_artifact_is_associated_with_it_later(
    synced_demo: Account, sync_env: dict[str, str], openlineage_receiver: Receiver
) -> None:
    """Its LastModifiedTime stays, so the watermark alone would pass it for good. Adds an association."""
    first = export_to(openlineage_receiver, sync_env)
    sandbox = sandbox_trial_components(synced_demo)
    old = sandbox[min(sandbox, key=lambda arn: (sandbox[arn]["LastModifiedTime"], arn))]
    client = synced_demo.client
    artifact = client.create_artifact(
        ArtifactName="late-labels",
        Source={"SourceUri": "s3://acme-ml-curated/late/labels.parquet"},
        ArtifactType="DataSet",
    )["ArtifactArn"]
    client.add_association(SourceArn=artifact, DestinationArn=old["TrialComponentArn"], AssociationType="ContributedTo")
    described = client.describe_trial_component(TrialComponentName=old["TrialComponentName"])
    assert described["LastModifiedTime"] == old["LastModifiedTime"]
    sync_json(sync_env)

    openlineage_receiver.clear()
    again = export_to(openlineage_receiver, sync_env)
    assert (again["runs"], again["reassociated"], again["pipeline_executions"]) == (1, 1, 0)
    assert again["watermark_after"] == first["watermark_after"]  # the cursor stays where it was
    runs = by_run(openlineage_receiver.events)
    assert set(runs) == {str(run_id(old["TrialComponentArn"], old["CreationTime"]))}
    late = {"namespace": "s3://acme-ml-curated", "name": "late/labels.parquet", "facets": {}, "inputFacets": {}}
    for event in openlineage_receiver.events:
        assert late in event["inputs"]
        assert validate(event, strict_facets=True) == [], event

    # Sent once: the next export has nothing new.
    openlineage_receiver.clear()
    assert export_to(openlineage_receiver, sync_env)["runs"] == 0
    # --since a time before the association was created sends it again.
    created = paginate(client, "list_associations", "AssociationSummaries", SourceArn=artifact)[0]["CreationTime"]
    since = export_to(openlineage_receiver, sync_env, "--since", (created - timedelta(seconds=1)).isoformat())
    assert (since["runs"], since["reassociated"]) == (1, 1)


def test_an_export_on_a_graph_synced_before_its_indexes_makes_them_and_waits_for_them(
    synced_demo: Account, sync_env: dict[str, str], synced_driver: Driver, tmp_path: Path
) -> None:
    """The pages' hints name the indexes: an export creates the ones missing and reads once they are online."""
    dropped = ("pipeline_execution_start_time_arn", "contributed_to_created_at")
    for name in dropped:
        synced_driver.execute_query(f"DROP INDEX {name}")
    result = run_export(sync_env, "--full", "--file", str(tmp_path / "events.ndjson"), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["pipeline_executions"] == len(sandbox_executions(synced_demo))
    states = synced_driver.execute_query(
        "SHOW INDEXES YIELD name, state WHERE name IN $names RETURN collect(state) AS states", names=list(dropped)
    ).records[0]["states"]
    assert states == ["ONLINE", "ONLINE"]


def test_the_watermark_sends_only_what_changed_since_the_last_export(
    synced_demo: Account,
    sync_env: dict[str, str],
    synced_driver: Driver,
    openlineage_receiver: Receiver,
) -> None:
    """Last in the module: it adds a trial component to the sandbox and the graph."""
    first = export_to(openlineage_receiver, sync_env)
    assert first["watermark_before"] is None and first["runs"] > 0 and first["held_back"] == 0
    newest = max(
        sandbox_trial_components(synced_demo).values(), key=lambda t: (t["LastModifiedTime"], t["TrialComponentArn"])
    )
    assert first["watermark_after"] == {
        "time": newest["LastModifiedTime"].isoformat(),
        "arn": newest["TrialComponentArn"],
    }
    target = first["target"]
    assert len(watermark_node(synced_driver, target)) == 1

    openlineage_receiver.clear()
    again = export_to(openlineage_receiver, sync_env)
    assert (again["runs"], again["events"], openlineage_receiver.events) == (0, 0, [])
    assert again["watermark_after"] == again["watermark_before"] == first["watermark_after"]

    # A trial component logged by hand after the export, synced: the next export sends it alone.
    client = synced_demo.client
    started = datetime.now(newest["LastModifiedTime"].tzinfo) - timedelta(minutes=5)
    created = client.create_trial_component(
        TrialComponentName="export-watermark-late-review",
        Status={"PrimaryStatus": "Failed", "Message": "reviewer left"},
        StartTime=started,
        EndTime=started + timedelta(minutes=2),
        InputArtifacts={"customers": {"Value": "s3://acme-ml-raw/crm/customers/customers.parquet"}},
    )
    sync_json(sync_env)
    late = export_to(openlineage_receiver, sync_env)
    assert (late["runs"], late["events"]) == (1, 2)
    start, fail = openlineage_receiver.events
    job = job_of_arn(created["TrialComponentArn"])
    assert (start["job"]["namespace"], start["job"]["name"]) == (job.namespace, job.name)
    assert job.name == "experiment-trial-component/export-watermark-late-review"
    assert start["job"]["facets"]["jobType"]["jobType"] == "TRIAL_COMPONENT"
    assert [e["eventType"] for e in (start, fail)] == ["START", "FAIL"]
    assert when(fail) - when(start) == timedelta(minutes=2)
    assert start["inputs"] == [
        {"namespace": "s3://acme-ml-raw", "name": "crm/customers/customers.parquet", "facets": {}, "inputFacets": {}}
    ]
    assert late["watermark_after"]["arn"] == created["TrialComponentArn"]

    # --since exports what changed at or after a time, whatever the watermark, and never moves it back.
    openlineage_receiver.clear()
    everything = export_to(openlineage_receiver, sync_env, "--since", "2000-01-01")
    assert everything["runs"] == first["runs"] + 1
    assert everything["watermark_after"] == late["watermark_after"]
    described = client.describe_trial_component(TrialComponentName="export-watermark-late-review")
    openlineage_receiver.clear()
    newer = export_to(openlineage_receiver, sync_env, "--since", described["LastModifiedTime"].isoformat())
    assert newer["runs"] == 1
    assert {e["run"]["runId"] for e in openlineage_receiver.events} == {start["run"]["runId"]}


def test_a_page_is_read_in_index_order_without_scanning_every_trial_component(
    synced_demo: Account, synced_driver: Driver
) -> None:
    """The plan seeks the modified_at index and stops after the page: no label scan, no sort of everything,
    whatever statistics earlier writes left. Index samples taken while the modified_at index was empty and
    20,000 placeholders (an arn, no modified_at) were there made the planner seek both indexes for the keyset
    condition, take their union and sort: this test failed CI at random after other modules' writes, until
    the condition stopped being an OR. The test makes those statistics, then puts the graph back."""
    placeholders = "arn:aws:sagemaker:us-east-1:999999999999:experiment-trial-component/plan-stats-"
    synced_driver.execute_query(
        "MATCH (tc:TrialComponent) WHERE tc.modified_at IS NOT NULL"
        " SET tc.plan_test_modified_at = tc.modified_at REMOVE tc.modified_at"
    )
    synced_driver.execute_query(
        "UNWIND range(1, 20000) AS i CREATE (:TrialComponent:Placeholder {arn: $prefix + toString(i)})",
        {"prefix": placeholders},
    )
    for index in ("trial_component_arn", "trial_component_modified_at"):
        synced_driver.execute_query("CALL db.resampleIndex($index)", {"index": index})
    synced_driver.execute_query("CALL db.awaitIndexes(60)")
    synced_driver.execute_query(
        "MATCH (tc:TrialComponent) WHERE tc.plan_test_modified_at IS NOT NULL"
        " SET tc.modified_at = tc.plan_test_modified_at REMOVE tc.plan_test_modified_at"
    )
    synced_driver.execute_query(
        "MATCH (tc:TrialComponent:Placeholder) WHERE tc.arn STARTS WITH $prefix DETACH DELETE tc",
        {"prefix": placeholders},
    )
    params = {
        "after_time": datetime(1, 1, 1, tzinfo=UTC),
        "after_arn": "",
        "until": datetime(9999, 1, 1, tzinfo=UTC),
        "page_size": 3,
    }
    operators, rows = operators_of(synced_driver, cypher_files.read("openlineage_export"), params)
    assert rows == 3
    assert "NodeIndexSeekByRange" in operators, str(operators)
    assert not {"NodeByLabelScan", "AllNodesScan", "Sort", "Top", "Union", "Distinct"} & set(operators), operators


def operators_of(driver: Driver, query: str, params: dict[str, Any]) -> tuple[list[str], int]:
    """A query's plan, as the operators it ran (without their runtime suffix), and the rows it returned, planned
    afresh (the plan cache emptied first)."""
    plan = plans.profile(driver, query, params, afresh=True)
    return plan.operators, plan.rows


def plans_under_other_statistics(driver: Driver, query: str, params: dict[str, Any], decoys: str) -> list[Any]:
    """The query's plan on the graph as it is, and again after ``decoys`` (Cypher) added 2,000 nodes or
    relationships of its kinds and the indexes were sampled again: the statistics another module's data
    would leave."""
    first = operators_of(driver, query, params)
    try:
        driver.execute_query(decoys)
        driver.execute_query("CALL db.resampleOutdatedIndexes()")
        return [first, operators_of(driver, query, params)]
    finally:
        driver.execute_query("MATCH (n:LineageEntity {account: 'plan-decoys'}) DETACH DELETE n")


def test_a_page_of_executions_is_read_in_index_order_whatever_the_statistics(
    synced_demo: Account, synced_driver: Driver
) -> None:
    """Its own plan test: the composite index on (start_time, arn) gives the page's whole order, and the hint
    keeps the plan on it, with or without other data in the graph."""
    params = {
        "after_time": datetime(1, 1, 1, tzinfo=UTC),
        "after_arn": "",
        "until": datetime(9999, 1, 1, tzinfo=UTC),
        "page_size": 3,
    }
    # Half with a start time, half without (placeholders: an ARN only, outside the index), as the statistics
    # that once turned openlineage_export.cypher's plan into a union and a sort.
    decoys = (
        "UNWIND range(1, 2000) AS i CREATE (pe:LineageEntity:PipelineExecution {account: 'plan-decoys', "
        "arn: 'arn:aws:sagemaker:us-east-1:000000000000:pipeline/decoy/execution/' + i}) "
        "SET pe.start_time = CASE WHEN i % 2 = 0 THEN datetime('2020-01-01T00:00:00Z') + duration({seconds: i}) END"
    )
    query = cypher_files.read("openlineage_export_executions")
    for operators, rows in plans_under_other_statistics(synced_driver, query, params, decoys):
        assert rows == 3
        # A composite index's range seek is a NodeIndexSeek; the Limit stops it after the page.
        assert {"NodeIndexSeek", "Limit"} <= set(operators), str(operators)
        assert not {"NodeByLabelScan", "AllNodesScan", "Sort", "Top", "PartialSort", "PartialTop"} & set(operators), (
            operators
        )


def test_trial_components_with_new_associations_are_found_by_the_associations_created_at_index(
    synced_demo: Account, synced_driver: Driver
) -> None:
    """Each association type is sought in its created_at index (hinted), never scanned, whatever the statistics."""
    params = {
        "created_after": datetime(2000, 1, 1, tzinfo=UTC),
        "until": datetime(9999, 1, 1, tzinfo=UTC),
        "sent_time": datetime(9999, 1, 1, tzinfo=UTC),
        "sent_arn": "",
        "after_arn": "",
        "page_size": 3,
    }
    decoys = (
        "CREATE (a:LineageEntity:Artifact {account: 'plan-decoys', arn: 'decoy-artifact'}), "
        "(t:LineageEntity:TrialComponent {account: 'plan-decoys', arn: 'decoy-trial-component'}) "
        "WITH a, t UNWIND range(1, 2000) AS i "
        "CREATE (a)-[:CONTRIBUTED_TO {created_at: datetime('2020-01-01T00:00:00Z') + duration({seconds: i})}]->(t)"
    )
    query = cypher_files.read("openlineage_export_associated")
    for operators, rows in plans_under_other_statistics(synced_driver, query, params, decoys):
        assert rows == 3
        seeks = [op for op in operators if "RelationshipIndexSeekByRange" in op]
        assert len(seeks) == len(model.LINEAGE_RELATIONSHIPS), str(operators)
        assert not {op for op in operators if "Scan" in op}, str(operators)
