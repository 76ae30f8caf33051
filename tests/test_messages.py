"""Messages and exit codes that point at the real cause, and output without noise: the CLI through click
against the sandbox's demo account synced into the test Neo4j."""

from __future__ import annotations

import json

from click.testing import CliRunner, Result
from fixtures.synced_demo import Account

from lineage_graph.cli import cli

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
