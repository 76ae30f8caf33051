"""Several accounts (assumed roles) and regions: independent shards, synced in parallel into one Neo4j."""

from __future__ import annotations

import gc
import json
from typing import Any

import boto3
from click.testing import CliRunner
from fixtures.sync_cli import sync_json
from neo4j import Driver

from lineage_graph.cli import cli
from lineage_graph.sandbox.seed import seed_demo

ACCOUNTS = ("111111111111", "222222222222")
REGIONS = ("us-east-1", "eu-west-1")


def role(account: str) -> str:
    return f"arn:aws:iam::{account}:role/lineage-graph-reader"


def client_as(sandbox_url: str, account: str, region: str) -> Any:
    """A SageMaker client with the role's credentials: the sandbox (moto) keys its state by that account."""
    sts = boto3.client(
        "sts",
        endpoint_url=sandbox_url,
        region_name=region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    creds = sts.assume_role(RoleArn=role(account), RoleSessionName="seed", ExternalId="xid")["Credentials"]
    return boto3.client(
        "sagemaker",
        endpoint_url=sandbox_url,
        region_name=region,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )


def test_roles_and_regions_are_independent_shards(
    sagemaker_client: Any, sandbox_url: str, sync_env: dict[str, str], clean_neo4j: Driver
) -> None:
    expected: dict[tuple[str, str], int] = {}
    for i, account in enumerate(ACCOUNTS):
        for j, region in enumerate(REGIONS):
            client = client_as(sandbox_url, account, region)
            count = 1 + i + 2 * j  # a different number of artifacts per shard
            for n in range(count):
                client.create_artifact(
                    ArtifactName=f"ds-{n}", Source={"SourceUri": f"s3://{account}/{region}/{n}"}, ArtifactType="DataSet"
                )
            expected[(account, region)] = count

    args = ["sync", "--format", "json", "--external-id", "xid", "--parallel", "3"]
    for account in ACCOUNTS:
        args += ["--role-arn", role(account)]
    for region in REGIONS:
        args += ["--region", region]
    env = {k: v for k, v in sync_env.items() if k != "AWS_REGION"}
    result = CliRunner().invoke(cli, args, env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    reports = json.loads(result.stdout)

    assert sorted(r["shard"] for r in reports) == sorted(f"{a}:{r}" for a in ACCOUNTS for r in REGIONS)
    assert all(r["outcome"] == "success" for r in reports)
    for report in reports:
        account, region = report["shard"].split(":")
        assert report["nodes"]["Artifact"]["created"] == expected[(account, region)]
    rows = clean_neo4j.execute_query(
        "MATCH (a:Artifact) RETURN a.account AS account, a.region AS region, count(*) AS n", database_="neo4j"
    ).records
    assert {(r["account"], r["region"]): r["n"] for r in rows} == expected
    shards = clean_neo4j.execute_query("MATCH (s:SyncState) RETURN DISTINCT s.shard AS shard", database_="neo4j")
    assert len(shards.records) == 4


def test_a_bug_in_one_shard_fails_that_shard_alone(
    sagemaker_client: Any, sync_env: dict[str, str], clean_neo4j: Driver
) -> None:
    """botocore refuses a malformed region name with an error lineage-graph has no message for: that shard
    fails with exit 1 and its error, and the other one still syncs and reports."""
    sagemaker_client.create_artifact(Source={"SourceUri": "s3://one/shard"}, ArtifactType="DataSet")
    result = CliRunner().invoke(
        cli, ["sync", "--format", "json", "--region", "us-east-1", "--region", "not a region!"], env=sync_env
    )
    assert result.exit_code == 1, result.output
    good, bad = sorted(json.loads(result.stdout), key=lambda r: r["region"] != "us-east-1")
    assert (good["outcome"], good["exit_code"], good["nodes"]["Artifact"]["created"]) == ("success", 0, 1)
    assert (bad["outcome"], bad["exit_code"], bad["region"]) == ("failed", 1, "not a region!")
    assert bad["error"].startswith("InvalidRegionError: ")


def test_all_regions_is_one_shard_per_sagemaker_region(
    sagemaker_client: Any, sync_env: dict[str, str], clean_neo4j: Driver
) -> None:
    regions = boto3.Session().get_available_regions("sagemaker")
    assert len(regions) > 10
    env = {k: v for k, v in sync_env.items() if k != "AWS_REGION"}
    result = CliRunner().invoke(
        cli, ["sync", "--all-regions", "--parallel", "8", "--format", "json"], env=env, catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    reports = json.loads(result.stdout)
    assert sorted(r["region"] for r in reports) == sorted(regions)
    assert {r["outcome"] for r in reports} == {"success"}


def test_a_sync_freezes_the_startup_heap_while_it_runs_and_unfreezes_it_after(
    sagemaker_client: Any, sync_env: dict[str, str], clean_neo4j: Driver
) -> None:
    seed_demo(sagemaker_client)
    frozen_during: list[int] = []

    def on_collection(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            frozen_during.append(gc.get_freeze_count())

    gc.callbacks.append(on_collection)
    try:
        report = sync_json(sync_env)
    finally:
        gc.callbacks.remove(on_collection)
    assert report["nodes"]["TrialComponent"]["created"] > 0
    assert max(frozen_during) > 0  # the collector skipped what the sync started with
    assert gc.get_freeze_count() == 0  # and a long-lived process gets it back to collect
