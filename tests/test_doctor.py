"""``lineage-graph doctor`` against the sandbox and the test Neo4j: all green, then each kind of red."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from fixtures.neo4j_server import free_port
from fixtures.sync_cli import sync_json
from neo4j import Driver

from lineage_graph import doctor
from lineage_graph.cli import cli
from lineage_graph.graph.connection import connect
from lineage_graph.graph.load import GraphWriter
from lineage_graph.sandbox.faults import clear_faults, set_faults
from lineage_graph.sandbox.seed import seed_demo
from lineage_graph.settings import Neo4jSettings

OPERATIONS = [op.name for op in doctor.SAGEMAKER_OPERATIONS]


@pytest.fixture
def env(
    sync_env: dict[str, str], sagemaker_client: Any, neo4j_settings: Neo4jSettings, clean_neo4j: Driver
) -> dict[str, str]:
    """The shared CLI environment, on an empty sandbox and a Neo4j with the schema applied."""
    GraphWriter(clean_neo4j, neo4j_settings.database).apply_schema()
    return dict(sync_env)


def run(env: dict[str, Any], *args: str) -> Result:
    return CliRunner().invoke(cli, ["doctor", *args], env=env, catch_exceptions=False)


def by_name(result: Result) -> dict[str, dict[str, str]]:
    return {c["name"]: c for c in json.loads(result.stdout)["checks"]}


def test_all_green(env: dict[str, str]) -> None:
    result = run(env, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["ok"] is True and data["exit_code"] == 0
    checks = by_name(result)
    assert {"Neo4j connection", "Neo4j version", "graph schema", "AWS credentials"} <= set(checks)
    assert {f"sagemaker:{op}" for op in OPERATIONS} <= set(checks)
    assert all(c["status"] == "pass" for c in checks.values()), checks
    assert "123456789012" in checks["AWS credentials"]["detail"]
    assert checks["Neo4j version"]["detail"].startswith("Neo4j 5.")

    table = run(env)
    assert table.exit_code == 0, table.output
    assert "All checks passed." in table.output
    assert re.search(r"^PASS\s+sagemaker:ListAssociations\s", table.output, re.MULTILINE)


def forget_failed_logins(settings: Neo4jSettings) -> None:
    """A successful login resets Neo4j's count of failed ones (3 in a row lock the user for a while)."""
    connect(settings).close()


def test_wrong_neo4j_password_fails_without_showing_it(env: dict[str, str], neo4j_settings: Neo4jSettings) -> None:
    wrong = {**env, "NEO4J_PASSWORD": "wrong-password-do-not-print"}
    try:
        result = run(wrong, "--format", "json")
        forget_failed_logins(neo4j_settings)
        table = run(wrong)
    finally:
        forget_failed_logins(neo4j_settings)
    assert result.exit_code == 4 and table.exit_code == 4, (result.output, table.output)
    assert "wrong-password-do-not-print" not in result.output + table.output
    checks = by_name(result)
    assert checks["Neo4j connection"]["status"] == "fail"
    assert "refused the credentials" in checks["Neo4j connection"]["detail"]
    assert checks["sagemaker:ListArtifacts"]["status"] == "pass"  # AWS is still checked
    assert re.search(r"^FAIL\s+Neo4j connection", table.output, re.MULTILINE)
    assert "fix: check NEO4J_URI, NEO4J_USERNAME and NEO4J_PASSWORD" in table.output


def test_missing_schema_fails(env: dict[str, str], clean_neo4j: Driver, neo4j_settings: Neo4jSettings) -> None:
    clean_neo4j.execute_query("DROP INDEX artifact_source_uri IF EXISTS", database_=neo4j_settings.database)
    result = run(env, "--format", "json")
    assert result.exit_code == 4
    schema = by_name(result)["graph schema"]
    assert schema["status"] == "fail" and "artifact_source_uri" in schema["detail"] and "sync" in schema["fix"]


def test_denied_operations_fail_with_the_permission_to_grant(env: dict[str, str], sandbox_url: str) -> None:
    set_faults(sandbox_url, deny_operations=["ListActions", "DescribeContext", "ListPipelineExecutionSteps"])
    try:
        result = run(env, "--format", "json")
        table = run(env)
    finally:
        clear_faults(sandbox_url)
    assert result.exit_code == 5, result.output
    checks = by_name(result)
    failed = {name for name, c in checks.items() if c["status"] == "fail"}
    assert failed == {"sagemaker:ListActions", "sagemaker:DescribeContext", "sagemaker:ListPipelineExecutionSteps"}
    assert "grant IAM permission sagemaker:ListActions" in checks["sagemaker:ListActions"]["fix"]
    assert table.exit_code == 5
    assert re.search(r"^FAIL\s+sagemaker:DescribeContext\s+access denied", table.output, re.MULTILINE)
    assert "fix: grant IAM permission sagemaker:DescribeContext" in table.output
    assert "3 check(s) failed." in table.output


def test_no_aws_credentials(env: dict[str, str], tmp_path: Path) -> None:
    bare = {
        **env,
        "AWS_ACCESS_KEY_ID": None,
        "AWS_SECRET_ACCESS_KEY": None,
        "AWS_SESSION_TOKEN": None,
        "AWS_PROFILE": None,
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI": None,
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": None,
        "AWS_WEB_IDENTITY_TOKEN_FILE": None,
    }
    result = run(bare, "--format", "json")
    assert result.exit_code == 5, result.output
    checks = by_name(result)
    assert checks["AWS credentials"]["status"] == "fail" and "credentials" in checks["AWS credentials"]["detail"]
    assert checks["sagemaker:ListArtifacts"]["status"] == "skip"
    assert checks["Neo4j connection"]["status"] == "pass"


def test_print_policy_lists_every_operation() -> None:
    result = CliRunner().invoke(cli, ["doctor", "--print-policy"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    policy = json.loads(result.stdout)
    (statement,) = policy["Statement"]
    assert policy["Version"] == "2012-10-17"
    assert statement["Effect"] == "Allow" and statement["Resource"] == "*"
    assert statement["Action"] == [f"sagemaker:{op}" for op in OPERATIONS]
    assert len(set(statement["Action"])) == len(OPERATIONS) == 14
    assert "sagemaker:DescribeModelPackage" in statement["Action"]  # who approved a model package version


def test_the_readme_shows_the_policy_doctor_prints() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    block = readme.split("`doctor --print-policy` prints", 1)[1].split("```json", 1)[1].split("```", 1)[0]
    assert json.loads(block) == doctor.iam_policy()


def test_every_operation_a_sync_calls_is_checked(env: dict[str, str], sagemaker_client: Any) -> None:
    """The policy cannot fall behind the crawler: a full sync of the demo account (every kind, its describes,
    the pipelines' steps and the properties pass) calls only operations the checks probe and the policy grants."""
    seed_demo(sagemaker_client)
    report = sync_json(env, "--full")
    called = set(report["api_calls"])
    assert {
        "Search",
        "ListAssociations",
        "DescribeContext",
        "DescribeArtifact",
        "ListPipelineExecutionSteps",
        "DescribeModelPackage",
    } <= called
    assert called <= set(OPERATIONS), called - set(OPERATIONS)
    assert report["denied"] == {}


def test_neo4j_not_running(env: dict[str, str]) -> None:
    result = run({**env, "NEO4J_URI": f"bolt://127.0.0.1:{free_port()}"}, "--format", "json")
    assert result.exit_code == 4, result.output
    connection = by_name(result)["Neo4j connection"]
    assert connection["status"] == "fail" and "not reachable" in connection["detail"]
    assert "Neo4j version" not in by_name(result)
