"""Artifact and action properties: read by a Describe only for new or changed entities, after the lineage,
stored verbatim as ``property.<key>``, returned by the Python API, and resumed by the next run."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from click.testing import CliRunner
from fixtures import plans
from fixtures.sync_cli import sync_json
from neo4j import Driver

from lineage_graph import api
from lineage_graph.cli import cli
from lineage_graph.graph import properties as graph_properties
from lineage_graph.graph.load import GraphWriter
from lineage_graph.sagemaker.client import SageMakerApi
from lineage_graph.sagemaker.crawl import Crawler
from lineage_graph.sandbox.faults import clear_faults, set_faults
from lineage_graph.sandbox.seed import studio_client
from lineage_graph.settings import AwsSettings
from lineage_graph.sync_properties import PROPERTY_KINDS, PROPERTY_READERS, sync_properties

ACCOUNT = "123456789012"
ODD = {
    "owner": "équipe-données ✓ 数据",
    "quote": 'it\'s "quoted" `backticked`',
    "cypher": "'}) MATCH (n) DETACH DELETE n //",
    "key with spaces and 'quotes'": "x",
    "dotted.key": "$param {a: 1}",
    "empty": "",
}
MANY = {f"k{i:03}": f"v{i}" for i in range(300)}
PROFILE = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:user-profile/d-acme0demo01/{{}}"


def artifact(client: Any, name: str, properties: dict[str, str] | None = None) -> str:
    extra = {"Properties": properties} if properties is not None else {}
    return str(
        client.create_artifact(
            ArtifactName=name, Source={"SourceUri": f"s3://bucket/{name}"}, ArtifactType="DataSet", **extra
        )["ArtifactArn"]
    )


def stored(driver: Driver, arn: str, prefix: str = "property.") -> dict[str, Any]:
    """The node's keys under ``prefix``, prefix dropped."""
    record = driver.execute_query(
        "MATCH (n:LineageEntity {arn: $arn}) RETURN properties(n) AS p", {"arn": arn}, database_="neo4j"
    ).records[0]
    return {k.removeprefix(prefix): v for k, v in record["p"].items() if k.startswith(prefix)}


def model_package(client: Any, group: str, status: str) -> str:
    """A model package version (the sandbox makes its artifact and its approval action, as SageMaker does)."""
    if not client.list_model_package_groups(NameContains=group)["ModelPackageGroupSummaryList"]:
        client.create_model_package_group(ModelPackageGroupName=group)
    return str(
        client.create_model_package(
            ModelPackageGroupName=group,
            ModelApprovalStatus=status,
            InferenceSpecification={
                "Containers": [{"Image": "1.dkr.ecr.us-east-1.amazonaws.com/xgb:1", "ModelDataUrl": "s3://m/a.tar.gz"}],
                "SupportedContentTypes": ["text/csv"],
                "SupportedResponseMIMETypes": ["text/csv"],
            },
        )["ModelPackageArn"]
    )


def arns_with_source(client: Any, uri: str) -> tuple[str, str]:
    """The package's artifact and its approval action (both have the package's ARN as source URI)."""
    (artifact_summary,) = client.list_artifacts(SourceUri=uri)["ArtifactSummaries"]
    (action_summary,) = client.list_actions(SourceUri=uri)["ActionSummaries"]
    return artifact_summary["ArtifactArn"], action_summary["ActionArn"]


@pytest.fixture
def sagemaker(sync_env: dict[str, str], sandbox_url: str, monkeypatch: pytest.MonkeyPatch) -> SageMakerApi:
    """A client of the sandbox for calling the pass directly (its dummy credentials from the environment)."""
    for key, value in sync_env.items():
        monkeypatch.setenv(key, value)
    return SageMakerApi(AwsSettings(region="us-east-1", endpoint_url=sandbox_url))


def describes(report: dict[str, Any]) -> int:
    return int(report["api_calls"].get("DescribeArtifact", 0) + report["api_calls"].get("DescribeAction", 0))


def test_properties_are_stored_verbatim_and_returned_by_the_api(
    sagemaker_client: Any, sync_env: dict[str, str], clean_neo4j: Driver, neo4j_settings: Any
) -> None:
    odd = artifact(sagemaker_client, "odd", ODD)
    many = artifact(sagemaker_client, "many")
    keys = sorted(MANY)
    for start in range(0, len(keys), 30):  # SageMaker takes at most 30 properties a request
        sagemaker_client.update_artifact(ArtifactArn=many, Properties={k: MANY[k] for k in keys[start : start + 30]})
    bare = artifact(sagemaker_client, "bare")
    action = sagemaker_client.create_action(
        ActionName="deploy-1",
        Source={"SourceUri": "arn:aws:sagemaker:us-east-1:123456789012:endpoint/x"},
        ActionType="ModelDeployment",
        Properties={"git_commit": "1a07898", "owner": "ml-platform"},
    )["ActionArn"]

    report = sync_json(sync_env)

    assert report["properties"].pop("seconds") > 0
    assert report["properties"] == {
        "enabled": True,
        "read": 4,
        "vanished": 0,
        "missing": 0,
        "denied": {},
        "model_packages": {"read": 0, "gone": 0, "denied": 0},
    }
    assert report["api_calls"]["DescribeArtifact"] == 3 and report["api_calls"]["DescribeAction"] == 1
    assert stored(clean_neo4j, odd) == ODD
    assert stored(clean_neo4j, many) == MANY
    assert stored(clean_neo4j, bare) == {}
    assert clean_neo4j.execute_query("MATCH (n) RETURN count(n) AS n", database_="neo4j").records[0]["n"] > 4
    with api.LineageGraph.connect(neo4j_settings) as graph:
        assert api.Artifact.load(odd, graph).properties == ODD
        assert api.Artifact.load(many, graph).properties == MANY
        assert api.Action.load("deploy-1", graph).properties == {"git_commit": "1a07898", "owner": "ml-platform"}
        assert api.Action.load(action, graph).properties == {"git_commit": "1a07898", "owner": "ml-platform"}


def test_a_repeat_sync_describes_nothing_and_a_changed_entity_is_read_again(
    sagemaker_client: Any, sync_env: dict[str, str], clean_neo4j: Driver
) -> None:
    first = artifact(sagemaker_client, "first", {"owner": "ds", "stage": "raw"})
    artifact(sagemaker_client, "second", {"owner": "ds"})
    sync_json(sync_env)

    assert describes(sync_json(sync_env)) == 0  # incremental, nothing new
    assert describes(sync_json(sync_env, "--full")) == 0  # every summary listed again, none changed

    before = sagemaker_client.describe_artifact(ArtifactArn=first)["LastModifiedTime"]
    time.sleep(0.01)
    sagemaker_client.update_artifact(ArtifactArn=first, Properties={"stage": "clean"}, PropertiesToRemove=["owner"])
    assert sagemaker_client.describe_artifact(ArtifactArn=first)["LastModifiedTime"] > before
    # An incremental run lists only artifacts created since its watermark (ListArtifacts cannot filter on
    # LastModifiedTime); a full run sees the summary's new LastModifiedTime and reads that one artifact.
    full = sync_json(sync_env, "--full")
    assert full["api_calls"]["DescribeArtifact"] == 1
    assert full["properties"]["read"] == 1 and full["properties"]["missing"] == 0
    assert stored(clean_neo4j, first) == {"stage": "clean"}  # the removed key is gone
    assert describes(sync_json(sync_env, "--full")) == 0


def test_no_properties_skips_the_pass_and_the_next_run_catches_up(
    sagemaker_client: Any, sync_env: dict[str, str], clean_neo4j: Driver
) -> None:
    arns = [artifact(sagemaker_client, f"a{i}", {"i": str(i)}) for i in range(3)]
    skipped = sync_json(sync_env, "--no-properties")
    assert describes(skipped) == 0
    assert skipped["properties"] | {"seconds": 0} == {
        "enabled": False,
        "read": 0,
        "vanished": 0,
        "missing": 3,
        "denied": {},
        "model_packages": {"read": 0, "gone": 0, "denied": 0},
        "seconds": 0,
    }
    assert all(stored(clean_neo4j, arn) == {} for arn in arns)

    dry = sync_json(sync_env, "--dry-run")
    assert describes(dry) == 0 and dry["properties"]["missing"] == 3

    caught_up = sync_json(sync_env)  # incremental: nothing new listed, the pass still reads what is missing
    assert caught_up["api_calls"]["DescribeArtifact"] == 3
    assert caught_up["properties"]["missing"] == 0
    assert [stored(clean_neo4j, arn) for arn in arns] == [{"i": str(i)} for i in range(3)]


class Killed(Exception):
    """Stands for the process dying after a committed page."""


def test_a_killed_pass_resumes_where_it_stopped(
    sagemaker_client: Any, sync_env: dict[str, str], sagemaker: SageMakerApi, clean_neo4j: Driver
) -> None:
    expected = {artifact(sagemaker_client, f"r{i}", {"i": str(i)}): {"i": str(i)} for i in range(7)}
    arns = sorted(expected)  # the pass walks them in ARN order
    sync_json(sync_env, "--no-properties")

    def die(kind: str, rows: int) -> None:
        raise Killed

    writer = GraphWriter(clean_neo4j, "neo4j")
    with pytest.raises(Killed):
        sync_properties(Crawler(sagemaker), writer, ACCOUNT, "us-east-1", page_size=3, on_page=die)
    assert sagemaker.api_calls() == {"DescribeArtifact": 3}
    assert [bool(stored(clean_neo4j, arn)) for arn in arns] == [True] * 3 + [False] * 4

    resumed = sync_json(sync_env)
    assert resumed["api_calls"]["DescribeArtifact"] == 4  # only those the killed pass had not written
    assert {arn: stored(clean_neo4j, arn) for arn in arns} == expected


def test_an_entity_deleted_before_its_describe_is_counted_and_stays_missing(
    sagemaker_client: Any, sync_env: dict[str, str], sagemaker: SageMakerApi, clean_neo4j: Driver
) -> None:
    kept, gone = artifact(sagemaker_client, "kept", {"a": "1"}), artifact(sagemaker_client, "gone", {"b": "2"})
    sync_json(sync_env, "--no-properties")
    sagemaker_client.delete_artifact(ArtifactArn=gone)

    report = sync_properties(Crawler(sagemaker), GraphWriter(clean_neo4j, "neo4j"), ACCOUNT, "us-east-1")

    assert (report.read, report.vanished, report.missing) == (1, 1, 1)
    assert stored(clean_neo4j, kept) == {"a": "1"} and stored(clean_neo4j, gone) == {}


def test_a_denied_describe_is_reported_and_the_other_kind_still_read(
    sagemaker_client: Any, sync_env: dict[str, str], sandbox_url: str, clean_neo4j: Driver
) -> None:
    for i in range(20):
        artifact(sagemaker_client, f"d{i}", {"a": str(i)})
    sagemaker_client.create_action(
        ActionName="act", Source={"SourceUri": "s3://x"}, ActionType="ModelDeployment", Properties={"b": "1"}
    )
    set_faults(sandbox_url, deny_operations=["DescribeArtifact"])
    try:
        report = sync_json(sync_env)
    finally:
        clear_faults(sandbox_url)
    assert report["properties"]["denied"] == {"DescribeArtifact": "sagemaker:DescribeArtifact"}
    # Denied once, then not asked again: at most the calls already under way then.
    assert report["api_calls"]["DescribeArtifact"] <= PROPERTY_READERS
    assert report["properties"]["read"] == 1 and report["properties"]["missing"] == 20
    assert report["outcome"] == "success"  # the lineage is whole; only properties are missing


def test_a_model_package_s_approval_and_approver_are_stored_on_its_artifact_and_approval_action(
    sagemaker_client: Any, sync_env: dict[str, str], clean_neo4j: Driver, neo4j_settings: Any
) -> None:
    """DescribeModelPackage is where SageMaker keeps the approval and who made it; the approver here calls
    from Studio (a session naming their user profile), the registration came from a plain IAM caller."""
    package = model_package(sagemaker_client, "churn-models", "PendingManualApproval")
    reviewer = studio_client(sagemaker_client, ACCOUNT, "amara.okafor")
    reviewer.update_model_package(
        ModelPackageArn=package, ModelApprovalStatus="Approved", ApprovalDescription="AUC 0.91"
    )
    reviewer.create_action(ActionName="manual-deploy", Source={"SourceUri": "s3://x"}, ActionType="ModelDeployment")
    described = sagemaker_client.describe_model_package(ModelPackageName=package)

    report = sync_json(sync_env)

    assert report["properties"]["model_packages"] == {"read": 2, "gone": 0, "denied": 0}
    assert report["api_calls"]["DescribeModelPackage"] == 2 and report["properties"]["missing"] == 0
    for arn in arns_with_source(sagemaker_client, package):
        stored_package = stored(clean_neo4j, arn, "model_package.")
        assert stored_package.pop("modified_at").to_native() == described["LastModifiedTime"]
        assert stored_package.pop("created_at").to_native() == described["CreationTime"]
        assert stored_package.pop("last_modified_by.IamIdentity.PrincipalId").endswith(":SageMaker")
        assert stored_package == {
            "arn": package,
            "approval_status": "Approved",
            "approval_description": "AUC 0.91",
            "created_by.IamIdentity.Arn": "arn:aws:sts::123456789012:user/moto",
            "created_by.IamIdentity.PrincipalId": "AKIAIOSFODNN7EXAMPLE",
            "last_modified_by.UserProfileName": "amara.okafor",
            "last_modified_by.UserProfileArn": PROFILE.format("amara.okafor"),
            "last_modified_by.DomainId": "d-acme0demo01",
            "last_modified_by.IamIdentity.Arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/SageMakerExecutionRole/SageMaker",
            "last_modified_by.IamIdentity.SourceIdentity": "amara.okafor",
        }
    # An action's own CreatedBy/LastModifiedBy (DescribeAction; ListActions has neither), no IamIdentity.
    manual = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:action/manual-deploy"
    assert (
        stored(clean_neo4j, manual, "created_by.")
        == stored(clean_neo4j, manual, "last_modified_by.")
        == {
            "UserProfileName": "amara.okafor",
            "UserProfileArn": PROFILE.format("amara.okafor"),
            "DomainId": "d-acme0demo01",
        }
    )
    found = CliRunner().invoke(cli, ["find", "--created-by", "amara.okafor", "--format", "json"], env=sync_env)
    assert found.exit_code == 0, found.output
    assert [(f["arn"], f["created_by"]) for f in json.loads(found.stdout)] == [(manual, "amara.okafor")]
    again = sync_json(sync_env, "--full")
    assert describes(again) == 0 and "DescribeModelPackage" not in again["api_calls"]  # nothing changed


def test_a_later_approval_is_read_again_from_the_approval_action(
    sagemaker_client: Any, sync_env: dict[str, str], clean_neo4j: Driver
) -> None:
    package = model_package(sagemaker_client, "fraud-models", "PendingManualApproval")
    sync_json(sync_env)
    _, approval = arns_with_source(sagemaker_client, package)
    assert stored(clean_neo4j, approval, "model_package.")["approval_status"] == "PendingManualApproval"
    assert "last_modified_by.UserProfileName" not in stored(clean_neo4j, approval, "model_package.")

    time.sleep(0.01)
    studio_client(sagemaker_client, ACCOUNT, "wei.chen").update_model_package(
        ModelPackageArn=package, ModelApprovalStatus="Rejected", ApprovalDescription="drift"
    )
    full = sync_json(sync_env, "--full")  # the approval action's summary changed (its status and time moved)

    assert full["api_calls"]["DescribeAction"] == 1 and full["api_calls"]["DescribeModelPackage"] == 1
    now = stored(clean_neo4j, approval, "model_package.")
    assert (now["approval_status"], now["approval_description"]) == ("Rejected", "drift")
    assert now["last_modified_by.UserProfileName"] == "wei.chen"


def test_a_model_package_gone_or_denied_is_counted_not_fatal(
    sagemaker_client: Any, sync_env: dict[str, str], sandbox_url: str, clean_neo4j: Driver
) -> None:
    """Lineage entities outlive what they describe: an artifact of a deleted package is read without it. A
    denied DescribeModelPackage leaves the package's nodes unread (missing, for a run that is allowed)."""
    gone_uri = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:model-package/retired-models/7"
    gone = sagemaker_client.create_artifact(
        ArtifactName="retired", Source={"SourceUri": gone_uri}, ArtifactType="Model", Properties={"a": "1"}
    )["ArtifactArn"]
    report = sync_json(sync_env)
    assert report["properties"]["model_packages"] == {"read": 0, "gone": 1, "denied": 0}
    assert report["properties"]["missing"] == 0
    assert stored(clean_neo4j, gone) == {"a": "1"} and stored(clean_neo4j, gone, "model_package.") == {}

    package = model_package(sagemaker_client, "churn-models", "Approved")
    plain = artifact(sagemaker_client, "plain", {"b": "2"})
    # Another account's package (a shared registry): its denial is its own, the pass goes on asking for others.
    shared = sagemaker_client.create_artifact(
        ArtifactName="shared",
        Source={"SourceUri": "arn:aws:sagemaker:us-east-1:210987654321:model-package/shared-models/2"},
        ArtifactType="Model",
        Properties={"c": "3"},
    )["ArtifactArn"]
    set_faults(sandbox_url, deny_operations=["DescribeModelPackage"])
    try:
        denied = sync_json(sync_env)
    finally:
        clear_faults(sandbox_url)
    assert denied["properties"]["denied"] == {"DescribeModelPackage": "sagemaker:DescribeModelPackage"}
    assert denied["properties"]["missing"] == 2  # the package's artifact and approval action
    assert denied["properties"]["model_packages"] == {"read": 0, "gone": 0, "denied": 1}
    assert stored(clean_neo4j, plain) == {"b": "2"} and stored(clean_neo4j, shared) == {"c": "3"}
    assert denied["outcome"] == "success"

    allowed = sync_json(sync_env)
    assert allowed["properties"]["model_packages"] == {"read": 2, "gone": 0, "denied": 0}
    assert allowed["properties"]["missing"] == 0
    assert all(
        stored(clean_neo4j, arn, "model_package.")["approval_status"] == "Approved"
        for arn in arns_with_source(sagemaker_client, package)
    )


def test_nodes_an_older_pass_read_are_read_once_more_for_what_it_did_not(
    sagemaker_client: Any, sync_env: dict[str, str], clean_neo4j: Driver
) -> None:
    """A graph whose marks an older pass wrote (the bare content hash: properties only) is read again once, so
    an upgrade fills in who created each entity and its model package's approval without a rebuild."""
    package = model_package(sagemaker_client, "churn-models", "Approved")
    sync_json(sync_env)
    clean_neo4j.execute_query(  # as the pass before READS left the graph
        "MATCH (n:LineageEntity) WHERE n.properties_synced IS NOT NULL "
        "SET n.properties_synced = n.content_hash "
        "WITH n UNWIND [k IN keys(n) WHERE k STARTS WITH 'model_package.'] AS k SET n[k] = null",
        database_="neo4j",
    )
    upgraded = sync_json(sync_env)
    assert upgraded["api_calls"]["DescribeModelPackage"] == 2 and upgraded["properties"]["missing"] == 0
    assert all(stored(clean_neo4j, arn, "model_package.") for arn in arns_with_source(sagemaker_client, package))
    assert describes(sync_json(sync_env)) == 0  # once


def test_sync_table_says_how_many_still_lack_properties(
    sagemaker_client: Any, sync_env: dict[str, str], clean_neo4j: Driver
) -> None:
    artifact(sagemaker_client, "t", {"a": "1"})
    result = CliRunner().invoke(cli, ["sync", "--no-properties"], env=sync_env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "artifact and action properties: not read (--no-properties or dry run); still missing for 1" in (
        result.output
    )


def test_the_selection_walks_the_arn_index_in_order(clean_neo4j: Driver) -> None:
    """Each page starts at the last ARN by a range seek on the unique index, which also gives the order:
    no label scan and no sort, so the whole pass reads each node once however many pages it takes."""
    GraphWriter(clean_neo4j, "neo4j").apply_schema()
    ops = plans.explain(
        clean_neo4j,
        graph_properties._NEEDING,
        {
            "kinds": list(PROPERTY_KINDS),
            "account": ACCOUNT,
            "region": "us-east-1",
            "after": "",
            "limit": 10,
            "reads": graph_properties.READS,
        },
    ).operators
    assert any("IndexSeekByRange" in op for op in ops), ops
    assert not any(op.startswith(("NodeByLabelScan", "AllNodesScan", "Sort", "Top")) for op in ops), ops
