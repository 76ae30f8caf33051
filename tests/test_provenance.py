"""``provenance`` and ``compare`` against a real sync of the sandbox's demo account plus a small corner.

The corner: a hand-logged training run whose parameter and metric names and values look like Cypher, fed
by raw data both directly and through a preparation job (a diamond), the raw data in a SAME_AS cycle with
a copy, and an unnamed model it produced. The demo's training and evaluation runs have metrics from the
seed. Provenance is checked against a breadth-first search in plain Python over ListAssociations, parameters and metrics
against DescribeTrialComponent.
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from click.testing import CliRunner, Result
from fixtures.synced_demo import Account, paginate
from neo4j import Driver

from lineage_graph.cli import cli
from lineage_graph.errors import NotFoundError
from lineage_graph.present.graph_formats import short_uri
from lineage_graph.query.provenance import METRIC_STATS, Provenance, ProvenanceQueries, significant
from lineage_graph.sandbox.seed import RAW_CUSTOMERS, ROUNDS

EVIL = "x'}) DETACH DELETE n //"
MODEL_URI = "s3://acme-ml-models/churn/churn-exec-3-train/output/model.tar.gz"
CORNER_MODEL_URI = "s3://prov-corner/models/some/deep/prefix/that/makes/it/long/model.tar.gz"
TRAINED = [f"churn-exec-{n}-train-aws-training-job" for n in (1, 2, 3)]
XGBOOST_METRICS = {"train:logloss", "validation:logloss", "validation:auc"}
STATS = dict(zip(("Min", "Max", "Avg", "Last", "Count", "StdDev"), METRIC_STATS, strict=True))


def put_metrics(url: str, trial_component: str, metrics: dict[str, list[float]]) -> None:
    client = boto3.client(
        "sagemaker-metrics",
        region_name="us-east-1",
        endpoint_url=url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    now = time.time()
    data = [
        {"MetricName": name, "Timestamp": now + step, "Step": step, "Value": value}
        for name, values in metrics.items()
        for step, value in enumerate(values)
    ]
    assert client.batch_put_metrics(TrialComponentName=trial_component, MetricData=data)["Errors"] == []


def build_corner(client: Any) -> dict[str, str]:
    url = client.meta.endpoint_url
    arns: dict[str, str] = {}

    def artifact(key: str, uri: str, kind: str = "DataSet") -> None:
        arns[key] = client.create_artifact(Source={"SourceUri": uri}, ArtifactType=kind)["ArtifactArn"]

    def job(key: str, **fields: Any) -> None:
        arns[key] = client.create_trial_component(
            TrialComponentName=key, Status={"PrimaryStatus": "Completed"}, **fields
        )["TrialComponentArn"]

    def link(src: str, dst: str, kind: str = "ContributedTo") -> None:
        client.add_association(SourceArn=arns[src], DestinationArn=arns[dst], AssociationType=kind)

    artifact("raw", f"s3://prov-corner/raw/{EVIL}")
    artifact("raw-copy", "s3://prov-corner-mirror/raw/data.csv")
    artifact("features", "s3://prov-corner/features/")
    artifact("model", CORNER_MODEL_URI, "Model")
    job("prov-prep", Parameters={"sample": {"NumberValue": 0.5}})
    job(
        "prov-train",
        Parameters={EVIL: {"StringValue": EVIL}, "lr": {"NumberValue": 0.1}, "sample": {"NumberValue": 0.5}},
    )
    put_metrics(url, "prov-train", {EVIL: [1.0, 2.0], "validation:auc": [0.6]})
    link("raw", "raw-copy", "SameAs")
    link("raw-copy", "raw", "SameAs")
    link("raw", "prov-prep")
    link("prov-prep", "features", "Produced")
    link("features", "prov-train")
    link("raw", "prov-train")
    link("prov-train", "model", "Produced")
    return arns


@pytest.fixture(scope="module")
def build_extra() -> Callable[[Any], dict[str, str]]:
    return build_corner


@pytest.fixture(scope="module")
def queries(synced_driver: Driver) -> ProvenanceQueries:
    return ProvenanceQueries(synced_driver, "neo4j")


def run_cli(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def only(items: list[dict[str, Any]]) -> dict[str, Any]:
    assert len(items) == 1, items
    return items[0]


def endpoint_context(account: Account, endpoint: str) -> str:
    return only(
        paginate(account.client, "list_contexts", "ContextSummaries", SourceUri=endpoint_arn(account, endpoint))
    )["ContextArn"]


def endpoint_arn(account: Account, endpoint: str) -> str:
    return str(account.client.describe_endpoint(EndpointName=endpoint)["EndpointArn"])


def artifact_by_uri(account: Account, uri: str) -> str:
    return str(only(paginate(account.client, "list_artifacts", "ArtifactSummaries", SourceUri=uri))["ArtifactArn"])


def described(account: Account, arn: str) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """A trial component's parameters and metric summaries, as DescribeTrialComponent gives them."""
    record = account.client.describe_trial_component(TrialComponentName=arn.rsplit("/", 1)[1])
    parameters = {k: v.get("NumberValue", v.get("StringValue")) for k, v in (record.get("Parameters") or {}).items()}
    metrics = {
        m["MetricName"]: {stat: m[field] for field, stat in STATS.items() if m.get(field) is not None}
        for m in record.get("Metrics") or []
    }
    return parameters, metrics


def check_tree(account: Account, found: Provenance, start_arn: str, max_depth: int | None = None) -> None:
    """The answer is the start plus everything upstream of it (at the fewest hops), as a tree in
    depth-first order, with every association among it, and each job's values as SageMaker describes them."""
    expected = {start_arn: 0} | account.bfs(start_arn, "ascendants")
    if max_depth is not None:
        expected = {a: d for a, d in expected.items() if d <= max_depth}
    assert found.start == start_arn
    assert {n.arn: n.depth for n in found.nodes} == expected
    assert len(found.nodes) == len(expected)
    assert found.nodes[0].arn == start_arn and found.nodes[0].parent is None
    typed = {(a["SourceArn"], a["DestinationArn"]): a["AssociationType"] for a in account.associations}
    among = {pair: kind for pair, kind in typed.items() if pair[0] in expected and pair[1] in expected}
    assert {(e.source, e.destination): e.relationship for e in found.edges} == among
    position = {n.arn: i for i, n in enumerate(found.nodes)}
    for node in found.nodes[1:]:
        assert node.parent is not None
        assert (node.arn, node.parent) in typed  # it fed its parent
        assert expected[node.parent] == node.depth - 1
        assert position[node.parent] < position[node.arn]
        assert node.downstream == sorted(d for s, d in among if s == node.arn)
    for node in found.nodes:
        if node.lineage_type == "TrialComponent" and not node.placeholder:
            parameters, metrics = described(account, node.arn)
            assert node.parameters == parameters, node.name
            assert node.metrics == metrics, node.name
        else:
            assert node.parameters == {} and node.metrics == {}


def test_endpoint_provenance_back_to_raw_data(synced_demo: Account, queries: ProvenanceQueries) -> None:
    for endpoint in ("churn-prod", "fraud-prod"):
        ctx = endpoint_context(synced_demo, endpoint)
        found = queries.provenance(endpoint)
        check_tree(synced_demo, found, ctx)
        assert queries.provenance(endpoint_arn(synced_demo, endpoint)) == found
        assert queries.provenance(ctx) == found
        # Back to raw data: the shared customers table, with its source URI; jobs with their values.
        raw = [n for n in found.nodes if n.source_uri == RAW_CUSTOMERS]
        assert raw and raw[0].type == "DataSet"
        training = [n for n in found.nodes if n.type == "TrainingJob"]
        assert training and all(n.parameters.get("max_depth") for n in training)
        assert all(n.job_arn and ":training-job/" in n.job_arn for n in training)
    churn = queries.provenance("churn-prod")
    train = next(n for n in churn.nodes if n.name == TRAINED[2])
    assert set(train.metrics) == XGBOOST_METRICS
    assert list(train.metrics["train:logloss"]) == list(METRIC_STATS)
    assert train.metrics["validation:auc"]["count"] == ROUNDS
    assert train.metrics["validation:auc"]["last"] == pytest.approx(0.786)  # churn, third month


def test_model_and_package_provenance(synced_demo: Account, queries: ProvenanceQueries) -> None:
    model = artifact_by_uri(synced_demo, MODEL_URI)
    check_tree(synced_demo, queries.provenance(MODEL_URI), model)
    packages = paginate(
        synced_demo.client, "list_model_packages", "ModelPackageSummaryList", ModelPackageGroupName="churn-models"
    )
    package_arn = packages[0]["ModelPackageArn"]
    found = queries.provenance(package_arn)
    check_tree(synced_demo, found, artifact_by_uri(synced_demo, package_arn))
    assert any(n.name and n.name.endswith("-train-aws-training-job") for n in found.nodes)


def test_max_depth_bounds_the_tree(synced_demo: Account, queries: ProvenanceQueries) -> None:
    ctx = endpoint_context(synced_demo, "churn-prod")
    for depth in (1, 2, 4):
        check_tree(synced_demo, queries.provenance("churn-prod", max_depth=depth), ctx, depth)


def test_corner_diamond_cycle_and_cypher_looking_values(
    synced_demo: Account, queries: ProvenanceQueries, synced_driver: Driver
) -> None:
    b = synced_demo.built
    before = synced_driver.execute_query("MATCH (n) RETURN count(n) AS n", database_="neo4j").records[0]["n"]
    found = queries.provenance(CORNER_MODEL_URI)
    check_tree(synced_demo, found, b["model"])
    nodes = {n.arn: n for n in found.nodes}
    assert nodes[b["raw"]].depth == 2  # raw fed the training run directly, and through prep
    assert nodes[b["raw"]].downstream == sorted([b["prov-prep"], b["prov-train"], b["raw-copy"]])
    assert nodes[b["raw-copy"]].parent == b["raw"]  # through the SAME_AS cycle, once
    train = nodes[b["prov-train"]]
    assert train.parameters == {EVIL: EVIL, "lr": 0.1, "sample": 0.5}
    assert train.metrics[EVIL]["max"] == 2.0 and train.metrics[EVIL]["count"] == 2
    with pytest.raises(NotFoundError):
        queries.provenance(EVIL)
    with pytest.raises(NotFoundError):
        queries.compare([EVIL])
    after = synced_driver.execute_query("MATCH (n) RETURN count(n) AS n", database_="neo4j").records[0]["n"]
    assert before == after


def test_compare_side_by_side(synced_demo: Account, queries: ProvenanceQueries) -> None:
    fraud = synced_demo.client.describe_trial_component(TrialComponentName="fraud-exec-4-train-aws-training-job")
    names = [TRAINED[0], TRAINED[2], fraud["TrialComponentArn"]]  # names and an ARN
    found = queries.compare(names)
    assert [tc.name for tc in found.trial_components] == [TRAINED[0], TRAINED[2], fraud["TrialComponentName"]]
    described_values = [described(synced_demo, tc.arn) for tc in found.trial_components]
    expected: dict[tuple[str, str, str | None], list[Any]] = {}
    for i, (parameters, metrics) in enumerate(described_values):
        for name, value in parameters.items():
            expected.setdefault(("parameter", name, None), [None] * 3)[i] = value
        for name, stats in metrics.items():
            for stat, value in stats.items():
                expected.setdefault(("metric", name, stat), [None] * 3)[i] = value
    got = {(r.kind, r.name, r.stat): r.values for r in found.rows}
    assert got.keys() == expected.keys()
    for key, values in expected.items():  # floats to 12 significant digits: a double's noise left out
        assert got[key] == [significant(v) for v in values], key
    kinds = [r.kind for r in found.rows]
    assert kinds == sorted(kinds, key=lambda k: k != "parameter")  # parameters first
    by_key = {(r.kind, r.name, r.stat): r for r in found.rows}
    assert by_key[("parameter", "max_depth", None)].values == ["5", "5", "8"]
    assert by_key[("parameter", "max_depth", None)].differs
    assert not by_key[("parameter", "objective", None)].differs
    assert by_key[("metric", "validation:auc", "max")].differs  # later months and fraud score higher
    diff = queries.compare(names, diff_only=True)
    assert diff.rows == [r for r in found.rows if r.differs] and diff.rows
    # One trial component: nothing differs; the same one twice counts once.
    assert queries.compare([TRAINED[0], TRAINED[0]]).trial_components == found.trial_components[:1]
    assert queries.compare([TRAINED[0]], diff_only=True).rows == []


def test_provenance_command_formats(synced_demo: Account, sync_env: dict[str, str]) -> None:
    result = run_cli(sync_env, "provenance", "churn-prod", "--format", "json")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert set(answer) == {"start", "nodes", "edges"}
    assert set(answer["nodes"][0]) == {
        "uri", "arn", "name", "lineage_type", "type", "source_uri", "account", "region", "depth", "placeholder",
        "last_seen", "job_arn", "job", "status", "parent", "downstream", "parameters", "metrics",
    }  # fmt: skip
    assert set(answer["edges"][0]) == {"source", "destination", "relationship", "rule", "facets"}
    ctx = endpoint_context(synced_demo, "churn-prod")
    assert answer["start"] == ctx
    assert {n["arn"]: n["depth"] for n in answer["nodes"]} == {ctx: 0} | synced_demo.bfs(ctx, "ascendants")
    train = next(n for n in answer["nodes"] if n["name"] == TRAINED[2])
    assert train["metrics"]["validation:auc"]["count"] == ROUNDS and train["parameters"]["eta"] == "0.2"

    result = run_cli(sync_env, "provenance", "churn-prod", "--max-depth", "2", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and all(int(r["depth"]) <= 2 for r in rows)
    assert rows[0]["parent"] == "" and json.loads(rows[0]["parameters"]) == {}

    result = run_cli(sync_env, "provenance", CORNER_MODEL_URI)
    assert result.exit_code == 0, result.output
    tree, values = result.stdout.split("\n\n")
    lines = tree.splitlines()
    assert lines[0].split()[:4] == ["ENTITY", "TYPE", "DEPTH", "STATUS"]
    assert lines[1].startswith(short_uri(CORNER_MODEL_URI))  # an unnamed artifact: its URI, shortened
    assert any(line.startswith("└─ prov-train") for line in lines)
    assert any(line.startswith("   ├─ ") or line.startswith("   └─ ") for line in lines)
    assert f"param.{EVIL}" in values and f"metric.{EVIL}.max" in values

    result = run_cli(sync_env, "provenance", CORNER_MODEL_URI, "--format", "mermaid")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("graph LR")
    assert "s3://prov-corner/#8230;/model.tar.gz (Model)" in result.stdout
    assert "arn:aws:sagemaker" not in result.stdout  # every artifact labelled by its URI, not its ARN
    for fmt in ("dot", "html"):
        result = run_cli(sync_env, "provenance", "churn-prod", "--format", fmt)
        assert result.exit_code == 0 and ctx in result.stdout


def test_compare_command_formats(synced_demo: Account, sync_env: dict[str, str]) -> None:
    result = run_cli(sync_env, "compare", *TRAINED, "--format", "json")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert set(answer) == {"trial_components", "rows"}
    assert set(answer["trial_components"][0]) == {"arn", "name", "type", "status", "job_arn"}
    assert set(answer["rows"][0]) == {"kind", "name", "stat", "values", "differs"}
    assert [tc["name"] for tc in answer["trial_components"]] == TRAINED
    result = run_cli(sync_env, "compare", *TRAINED, "--diff-only", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and list(rows[0]) == ["kind", "name", "stat", *TRAINED]
    assert {r["name"] for r in rows} == XGBOOST_METRICS  # same parameters, other metrics
    result = run_cli(sync_env, "compare", *TRAINED[:2], "prov-train")
    assert result.exit_code == 0 and EVIL in result.stdout


def test_unknown_entities_exit_2(synced_demo: Account, sync_env: dict[str, str]) -> None:
    for args in (
        ("provenance", "no-such-endpoint"),
        ("provenance", EVIL),
        ("compare", TRAINED[0], "no-such-trial-component"),
        ("compare", EVIL),
    ):
        result = CliRunner().invoke(cli, list(args), env=sync_env)
        assert result.exit_code == 2, (args, result.output)
        assert result.stderr.startswith("error: ") and args[-1] in result.stderr
    assert CliRunner().invoke(cli, ["compare"], env=sync_env).exit_code == 2  # usage: none given


def test_short_uri() -> None:
    assert short_uri(RAW_CUSTOMERS) == RAW_CUSTOMERS  # short enough already
    assert short_uri(MODEL_URI) == "s3://acme-ml-models/…/model.tar.gz"
    assert short_uri("s3://b/a/very/long/prefix/that/goes/on/and/on/features/") == "s3://b/…/features/"
    assert short_uri("arn:aws:sagemaker:us-east-1:1:model-package/churn-models/3") == "model-package/churn-models/3"
    assert (
        short_uri("123456789012.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1") == "…/sagemaker-xgboost:1.7-1"
    )
