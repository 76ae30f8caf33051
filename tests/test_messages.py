"""Messages and exit codes that point at the real cause, and output without noise: the CLI through click
against the sandbox's demo account synced into the test Neo4j."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner, Result
from fixtures.neo4j_server import free_port
from fixtures.synced_demo import Account
from neo4j import Driver

from lineage_graph.cli import cli
from lineage_graph.graph.load import GraphWriter
from lineage_graph.settings import Neo4jSettings

TRAINED = [f"churn-exec-{n}-train-aws-training-job" for n in (1, 2, 3)]


def run_cli(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env=env)


def test_a_bad_time_is_a_usage_error_and_a_good_one_filters(synced_demo: Account, sync_env: dict[str, str]) -> None:
    for args in (
        ("lineage", TRAINED[2], "--created-after", "2020'x"),
        ("lineage", TRAINED[2], "--modified-before", "yesterday"),
        ("find", "--created-before", "2020-13-01"),
    ):
        result = run_cli(sync_env, *args)
        assert result.exit_code == 2, (args, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert "is not an ISO 8601 date or time" in result.output and "Traceback" not in result.output
    every = run_cli(sync_env, "lineage", TRAINED[2], "--format", "json")
    since_2000 = run_cli(sync_env, "lineage", TRAINED[2], "--created-after", "2000-01-01", "--format", "json")
    future = run_cli(
        sync_env, "lineage", TRAINED[2], "--created-after", "2999-01-01T00:00:00+02:00", "--format", "json"
    )
    assert every.exit_code == since_2000.exit_code == future.exit_code == 0, future.output
    assert json.loads(every.stdout) and json.loads(since_2000.stdout) == json.loads(every.stdout)
    assert json.loads(future.stdout) == []
    found = run_cli(sync_env, "find", "--name", "churn", "--created-after", "2000-01-01T00:00:00", "--format", "json")
    assert found.exit_code == 0 and json.loads(found.stdout)


def test_compare_prints_no_float_noise_and_diff_only_ignores_it(synced_demo: Account, sync_env: dict[str, str]) -> None:
    """The demo's averages and standard deviations carry a double's noise (0.32239999999999996, and
    std_dev 0.017408044117591146 against 0.01740804411759115 for the same spread)."""
    table = run_cli(sync_env, "compare", *TRAINED)
    assert table.exit_code == 0, table.output
    assert not re.search(r"\d\.\d{15,}", table.output), table.output  # 12 significant digits at most
    assert re.search(r"^metric\s+train:logloss\s+avg\s+0\.3324\s+0\.3274\s+0\.3224$", table.output, re.MULTILINE)
    answer = json.loads(run_cli(sync_env, "compare", *TRAINED, "--format", "json").stdout)
    rows = {(r["name"], r["stat"]): r for r in answer["rows"]}
    assert rows[("train:logloss", "avg")]["values"] == [0.3324, 0.3274, 0.3224]
    assert rows[("train:logloss", "std_dev")]["differs"] is False  # the same five-point spread in each
    diff = json.loads(run_cli(sync_env, "compare", *TRAINED, "--diff-only", "--format", "json").stdout)
    stats = {(r["name"], r["stat"]) for r in diff["rows"]}
    assert ("train:logloss", "avg") in stats and ("train:logloss", "std_dev") not in stats
    assert not any(stat == "std_dev" for _, stat in stats)


def test_found_by_prints_words_not_a_python_list(synced_demo: Account, sync_env: dict[str, str]) -> None:
    result = run_cli(sync_env, "model-group", "pipeline-executions", "churn-models")
    assert result.exit_code == 0, result.output
    assert "[" not in result.output and "'" not in result.output
    assert re.search(r"\sproperty, step\s", result.output)
    csv_out = run_cli(sync_env, "model-group", "pipeline-executions", "churn-models", "--format", "csv")
    assert '"[""property"", ""step""]"' in csv_out.stdout  # a list in CSV is JSON text


SECRET = "pw-do-not-print-7f3a"


def test_a_password_in_neo4j_uri_is_redacted_in_errors_and_doctor(sync_env: dict[str, str]) -> None:
    env = {**sync_env, "NEO4J_URI": f"bolt://neo4j:{SECRET}@127.0.0.1:7687"}
    status = run_cli(env, "status")
    assert status.exit_code == 4, status.output
    assert SECRET not in status.output and "bolt://neo4j:***@127.0.0.1:7687" in status.output
    assert "Traceback" not in status.output
    for args in (("doctor",), ("doctor", "--format", "json"), ("sync",), ("sync", "--format", "json")):
        result = run_cli(env, *args)
        assert result.exit_code == 4, (args, result.output)
        assert SECRET not in result.output and "neo4j:***@" in result.output, args


def test_an_unreachable_endpoint_is_named_not_blamed_on_credentials(
    sync_env: dict[str, str], neo4j_settings: Neo4jSettings, clean_neo4j: Driver
) -> None:
    GraphWriter(clean_neo4j, neo4j_settings.database).apply_schema()  # doctor's Neo4j checks pass
    nowhere = f"http://127.0.0.1:{free_port()}"
    by_env = {**sync_env, "AWS_ENDPOINT_URL_SAGEMAKER": nowhere}
    for env, args in ((by_env, ("sync",)), (sync_env, ("sync", "--endpoint-url", nowhere))):
        result = run_cli(env, *args)
        assert result.exit_code == 5, result.output
        assert f"error: the SageMaker endpoint {nowhere} is not reachable" in result.output
        assert "credentials" not in result.output and "STS at AWS" not in result.output
    doctor = run_cli(by_env, "doctor", "--format", "json")
    assert doctor.exit_code == 5, doctor.output
    checks = {c["name"]: c for c in json.loads(doctor.stdout)["checks"]}
    assert checks["SageMaker endpoint"]["status"] == "fail" and nowhere in checks["SageMaker endpoint"]["detail"]
    assert "AWS credentials" not in checks
    assert checks["sagemaker:ListArtifacts"]["status"] == "skip"


def test_a_missing_region_is_a_configuration_error(sync_env: dict[str, str], tmp_path: Path) -> None:
    env = {**sync_env, "AWS_REGION": None, "AWS_DEFAULT_REGION": None, "AWS_CONFIG_FILE": str(tmp_path / "none")}
    result = run_cli(env, "sync")
    assert result.exit_code == 3, result.output
    assert result.output.strip() == "error: no AWS region: pass --region or set AWS_REGION"
    doctor = run_cli(env, "doctor", "--format", "json")
    checks = {c["name"]: c for c in json.loads(doctor.stdout)["checks"]}
    assert checks["AWS region"]["status"] == "fail"
    assert checks["sagemaker:ListArtifacts"]["detail"] == "not checked without a region"
