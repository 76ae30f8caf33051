"""The audit view through time, against a real sync of the demo account plus its ETL's OpenLineage events.

The demo deploys churn v3 to ``churn-prod``, approves v4 a second later and rolls ``churn-prod`` out to it
(``UpdateEndpoint``: a second ModelDeployment action, docs/audit.md). A reviewer approved both versions
from Studio, so SageMaker names them as each package's LastModifiedBy (read by the sync's properties
pass). Between the two deployments the endpoint served v3 and its training job; after the second, v4;
before the first, nothing. The same answer
is checked from the query layer, the CLI (``provenance --at``), the API and the page in Chromium, and the
HTML report is printed to PDF.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner, Result
from fixtures.browser import RecordedPage
from fixtures.serve_process import ServeProcess
from neo4j import Driver
from playwright.sync_api import expect

from lineage_graph.cli import cli
from lineage_graph.errors import NotFoundError
from lineage_graph.query.audit import Audit, AuditQueries
from lineage_graph.sandbox.seed import RAW_CUSTOMERS
from lineage_graph.settings import Neo4jSettings

REGION, ACCOUNT = "us-east-1", "123456789012"
CHURN_ENDPOINT = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:context/churn-prod-aws-endpoint"
PACKAGE = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package/churn-models/{{}}"
TRAINING = "churn-exec-{}-train-aws-training-job"
LANDING_CUSTOMERS = "s3://acme-landing/crm/customers"
APPROVER = "amara.okafor"  # the demo's reviewer (sandbox.seed.DEMO_APPROVER)
ROLLOUT_APPROVAL = "Evaluation AUC above the production model's; approved for production"


@pytest.fixture(scope="module")
def queries(serve: ServeProcess, synced_driver: Driver, neo4j_settings: Neo4jSettings) -> AuditQueries:
    return AuditQueries(synced_driver, neo4j_settings.database)


@pytest.fixture(scope="module")
def times(queries: AuditQueries) -> dict[str, datetime]:
    """Before the first deployment, between the two, and after the second."""
    first, second = (d.deployed_at for d in queries.audit("churn-prod").deployments)
    assert first is not None and second is not None and second - first > timedelta(milliseconds=500)
    return {"before": first - timedelta(seconds=1), "between": first + (second - first) / 2, "after": second}


def run_cli(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env=env)


def live_package(audit: Audit) -> str:
    (live,) = audit.live
    (package,) = live.deployment.model_packages
    return package.arn


# -- the query ---------------------------------------------------------------------------------------------
def test_deployments_in_order_with_their_packages_and_approvals(queries: AuditQueries) -> None:
    audit = queries.audit(CHURN_ENDPOINT)
    assert (
        audit.subject_type == "Endpoint"
        and audit.subject_source_uri
        and audit.subject_source_uri.endswith(":endpoint/churn-prod")
    )
    first, second = audit.deployments
    assert first.name == "churn-prod-aws-endpoint"
    assert second.name and re.fullmatch(r"churn-prod-\d{10}-2-aws-endpoint", second.name)
    assert [p.arn for p in first.model_packages] == [PACKAGE.format(3)]
    assert [(p.group, p.version) for p in second.model_packages] == [("churn-models", 4)]
    assert first.models == ["s3://acme-ml-models/churn/churn-exec-3-train/output/model.tar.gz"]
    assert all(d.endpoint_context_arn == CHURN_ENDPOINT for d in audit.deployments)
    (approval,) = second.approvals
    assert approval.model_package_arn == PACKAGE.format(4) and approval.approval_status == "Approved"
    assert approval.approved_at is not None and first.deployed_at is not None and second.deployed_at is not None
    assert first.deployed_at < approval.approved_at <= second.deployed_at  # approved after v3 went live
    assert (approval.approved_by, approval.approved_by_note) == (APPROVER, None)
    assert approval.description == ROLLOUT_APPROVAL
    (earlier,) = first.approvals  # v3: registered pending, approved before it went live
    assert earlier.approved_by == APPROVER and earlier.approved_at is not None
    assert earlier.approved_at <= first.deployed_at and earlier.description


def test_between_the_deployments_the_older_model_and_its_training_job(
    queries: AuditQueries, times: dict[str, datetime]
) -> None:
    audit = queries.audit("churn-prod", times["between"])
    assert live_package(audit) == PACKAGE.format(3)
    (live,) = audit.live
    assert [j.name for j in live.training_jobs] == [TRAINING.format(3)]
    job = live.training_jobs[0]
    assert job.parameters["max_depth"] == "5" and job.parameters["objective"] == "binary:logistic"
    assert {"train:logloss", "validation:auc"} <= set(job.metrics)
    assert live.pipeline_execution.pipeline_name == "churn" and live.pipeline_execution.step_name == "TrainModel"
    data = {n.source_uri for n in live.data}
    assert RAW_CUSTOMERS in data  # the raw input SageMaker saw
    assert LANDING_CUSTOMERS in data  # and, across the join, the landing data the ETL copied it from


def test_after_the_second_deployment_the_newer_model(queries: AuditQueries, times: dict[str, datetime]) -> None:
    audit = queries.audit("churn-prod", times["after"])
    assert live_package(audit) == PACKAGE.format(4)
    assert [j.name for j in audit.live[0].training_jobs] == [TRAINING.format(4)]
    assert audit.live[0].pipeline_execution.pipeline_execution_arn != (
        queries.audit("churn-prod", times["between"]).live[0].pipeline_execution.pipeline_execution_arn
    )


def test_before_the_first_deployment_nothing_was_live(queries: AuditQueries, times: dict[str, datetime]) -> None:
    audit = queries.audit("churn-prod", times["before"])
    assert audit.live == [] and len(audit.deployments) == 2


def test_a_model_package_group_lists_the_deployments_of_its_versions(
    queries: AuditQueries, times: dict[str, datetime]
) -> None:
    audit = queries.audit("churn-models", times["after"])
    assert audit.subject_type == "ModelGroup"
    assert [p.version for d in audit.deployments for p in d.model_packages] == [3, 4]
    assert live_package(audit) == PACKAGE.format(4)
    (fraud,) = queries.audit("fraud-models").deployments
    assert (fraud.endpoint_arn or "").endswith(":endpoint/fraud-prod")
    # Registered approved by the pipeline's IAM caller, not from Studio: its IAM identity is the approver.
    (pipeline_approval,) = fraud.approvals
    assert pipeline_approval.approved_by == f"arn:aws:sts::{ACCOUNT}:user/moto"


def test_an_unknown_or_wrong_subject_is_not_found(queries: AuditQueries) -> None:
    with pytest.raises(NotFoundError, match="no Endpoint Context named 'nowhere'"):
        queries.audit("nowhere")
    with pytest.raises(NotFoundError, match="is not an Endpoint Context"):
        queries.audit(TRAINING.format(3))


# -- the CLI -----------------------------------------------------------------------------------------------
def test_cli_at_a_time_gives_that_deployment(sync_env: dict[str, str], times: dict[str, datetime]) -> None:
    between = run_cli(sync_env, "provenance", "churn-prod", "--at", times["between"].isoformat(), "--format", "json")
    assert between.exit_code == 0, between.output
    answer = json.loads(between.output)
    (live,) = answer["live"]
    assert [p["version"] for p in live["deployment"]["model_packages"]] == [3]
    assert live["training_jobs"][0]["name"] == TRAINING.format(3)
    assert {n["uri"] for n in live["provenance"]["nodes"]} >= {CHURN_ENDPOINT.replace("context", "action")}
    table = run_cli(sync_env, "provenance", "churn-prod", "--at", times["after"].isoformat())
    assert table.exit_code == 0, table.output
    assert "churn-models v4" in table.output and TRAINING.format(4) in table.output
    assert re.search(r"^Live at .* on churn-prod: deployed ", table.output, re.M)
    assert APPROVER in table.output and "Evaluation AUC above" in table.output
    assert "not recorded by SageMaker" not in table.output and "not read" not in table.output  # approvals


def test_cli_before_the_first_deployment_exits_13(sync_env: dict[str, str], times: dict[str, datetime]) -> None:
    result = run_cli(sync_env, "provenance", "churn-prod", "--at", times["before"].isoformat())
    assert result.exit_code == 13
    assert "nothing was deployed to endpoint churn-prod at" in result.output
    assert "the first deployment was at" in result.output


def test_cli_bad_time_and_formats_are_usage_errors(sync_env: dict[str, str]) -> None:
    bad = run_cli(sync_env, "provenance", "churn-prod", "--at", "last tuesday")
    assert bad.exit_code == 2 and "is not an ISO 8601 date or time" in bad.output
    csv = run_cli(sync_env, "provenance", "churn-prod", "--at", "2026-01-01", "--format", "csv")
    assert csv.exit_code == 2 and "--at answers as table, json, html" in csv.output
    unknown = run_cli(sync_env, "provenance", "nowhere", "--at", "2026-01-01")
    assert unknown.exit_code == 2 and "nowhere" in unknown.output


def test_cli_html_report_is_self_contained(
    sync_env: dict[str, str], times: dict[str, datetime], tmp_path: Path
) -> None:
    out = tmp_path / "audit.html"
    result = run_cli(
        sync_env,
        "provenance",
        "churn-prod",
        "--at",
        times["between"].isoformat(),
        "--format",
        "html",
        "--output",
        str(out),
    )
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and "@media print" in html
    # Loads nothing: no linked file, and a policy that forbids any source but what the file carries.
    assert not re.search(r"<link|<img|<iframe|<script[^>]*\bsrc=|@import", html)
    assert 'Content-Security-Policy" content="default-src &#x27;none&#x27;' in html
    assert "churn-models" in html and TRAINING.format(3) in html and LANDING_CUSTOMERS in html
    assert APPROVER in html


# -- the API -----------------------------------------------------------------------------------------------
def test_api_answers_and_refuses(serve: ServeProcess, times: dict[str, datetime]) -> None:
    api = f"{serve.url}/api/v1/audit"
    between = requests.get(api, params={"ref": "churn-prod", "at": times["between"].isoformat()}, timeout=30)
    assert between.status_code == 200
    assert [p["version"] for p in between.json()["live"][0]["deployment"]["model_packages"]] == [3]
    (approval,) = between.json()["live"][0]["deployment"]["approvals"]
    assert approval["approved_by"] == APPROVER and approval["approval_status"] == "Approved"
    assert requests.get(api, params={"ref": "churn-prod", "at": "soon"}, timeout=30).status_code == 400
    assert "'at' is not an ISO 8601" in requests.get(api, params={"ref": "churn-prod", "at": "soon"}, timeout=30).text
    assert requests.get(api, timeout=30).status_code == 400
    missing = requests.get(api, params={"ref": "nowhere"}, timeout=30)
    assert missing.status_code == 404 and "nowhere" in missing.json()["error"]
    before = requests.get(api, params={"ref": "churn-prod", "at": times["before"].isoformat()}, timeout=30)
    assert before.status_code == 200 and before.json()["live"] == []


def test_api_report_is_an_attachment(serve: ServeProcess, times: dict[str, datetime]) -> None:
    answer = requests.get(
        f"{serve.url}/api/v1/audit.html", params={"ref": "churn-prod", "at": times["after"].isoformat()}, timeout=30
    )
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    assert re.fullmatch(
        r'attachment; filename="audit-churn-prod-\d{8}T\d{6}Z\.html"', answer.headers["content-disposition"]
    )
    assert "churn-models" in answer.text and TRAINING.format(4) in answer.text


# -- the page and the printed report -----------------------------------------------------------------------
def page_url(serve: ServeProcess, at: datetime) -> str:
    return f"{serve.url}/audit?" + requests.compat.urlencode({"ref": "churn-prod", "at": at.isoformat()})


def test_the_page_at_two_times_shows_two_versions(
    serve: ServeProcess, times: dict[str, datetime], recorded_page: RecordedPage
) -> None:
    page = recorded_page.page
    page.goto(page_url(serve, times["between"]))
    live = page.locator("section.live-deployment")
    expect(live).to_contain_text("churn-models")
    expect(live.locator("table").first).to_contain_text(PACKAGE.format(3))
    expect(live).to_contain_text(TRAINING.format(3))
    expect(page.locator("ol.timeline li.deployment")).to_have_count(2)
    expect(page.locator("ol.timeline li.live")).to_have_count(1)
    expect(page.locator("ol.timeline li.chosen")).to_contain_text(times["between"].isoformat())
    # The chosen time sits between the two deployments on the timeline.
    classes = [c.split()[0] for c in page.locator("ol.timeline li").evaluate_all("els => els.map(e => e.className)")]
    assert classes == ["deployment", "chosen", "deployment"]

    later = times["after"].astimezone(UTC).isoformat()
    page.fill("#audit-at", later)
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(
        re.compile(r"/audit\?ref=churn-prod&at=" + re.escape(requests.utils.quote(later, safe="")))
    )
    expect(live.locator("table").first).to_contain_text(PACKAGE.format(4))
    expect(live).to_contain_text(TRAINING.format(4))
    expect(live.get_by_role("table", name="Approval")).to_contain_text(APPROVER)
    expect(live.get_by_role("table", name="Approval")).to_contain_text(ROLLOUT_APPROVAL)
    page.go_back()
    expect(live.locator("table").first).to_contain_text(PACKAGE.format(3))
    assert recorded_page.foreign(serve.url) == []


def test_the_page_before_the_first_deployment(
    serve: ServeProcess, times: dict[str, datetime], recorded_page: RecordedPage
) -> None:
    page = recorded_page.page
    page.goto(page_url(serve, times["before"]))
    expect(page.locator("main").get_by_role("status")).to_contain_text("Nothing was deployed at")
    expect(page.locator("section.live-deployment")).to_have_count(0)
    assert recorded_page.foreign(serve.url) == []


def test_the_report_prints_to_pdf_without_its_controls(
    serve: ServeProcess, times: dict[str, datetime], recorded_page: RecordedPage, tmp_path: Path
) -> None:
    page = recorded_page.page
    page.goto(page_url(serve, times["between"]))
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Report").click()
    report = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(report)
    assert report.name.startswith("audit-churn-prod-")
    recorded_page.requests.clear()
    page.goto(report.as_uri())
    # The provenance is drawn by the explorer's renderer, inlined in the file.
    expect(page.locator("#lineage[data-state=drawn]")).to_have_count(1, timeout=30_000)
    expect(page.locator("#lineage svg .lv-node")).not_to_have_count(0)
    controls = page.get_by_role("navigation", name="Report controls")
    exports = page.get_by_role("button", name="Export SVG")
    expect(controls).to_be_visible()
    expect(exports).to_be_visible()
    page.emulate_media(media="print")
    expect(controls).to_be_hidden()
    expect(exports).to_be_hidden()
    expect(page.locator("section.live-deployment")).to_be_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 5_000
    # The report loaded nothing but itself (and the worker it makes from a blob: URL).
    assert [url for url in recorded_page.requests if not url.startswith("blob:")] == [report.as_uri()]
