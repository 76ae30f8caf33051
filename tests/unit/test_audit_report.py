"""The audit's pure parts: which deployment is live at T, a package version from its ARN, and a report in
which values that look like markup stay text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lineage_graph.present.audit_report import audit_html, nothing_deployed
from lineage_graph.query.audit import Audit, Deployment, Live, ModelPackageVersion, live_at
from lineage_graph.query.explore import UpstreamPipelineExecution
from lineage_graph.query.provenance import Provenance, ProvenanceNode

EVIL = "<script>alert('x')</script>"
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ENDPOINT = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/e"
CONTEXT = "arn:aws:sagemaker:us-east-1:123456789012:context/e-aws-endpoint"
PACKAGE = "arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-models/4"


def deployment(name: str, at: datetime, endpoint: str = ENDPOINT) -> Deployment:
    return Deployment(
        arn=f"arn:aws:sagemaker:us-east-1:123456789012:action/{name}",
        name=name,
        type="ModelDeployment",
        status="Completed",
        deployed_at=at,
        deployed_by=None,
        endpoint_arn=endpoint,
        endpoint_context_arn=endpoint.replace(":endpoint/", ":context/") + "-aws-endpoint",
        model_packages=[ModelPackageVersion.from_arn(PACKAGE, "arn:aws:sagemaker:us-east-1:123456789012:artifact/p")],
        models=[f"s3://m/{EVIL}/model.tar.gz"],
        images=[],
        approvals=[],
    )


def test_the_latest_deployment_at_or_before_t_on_each_endpoint() -> None:
    first, second = deployment("a", T0), deployment("b", T0 + timedelta(hours=1))
    other = deployment("c", T0 + timedelta(minutes=30), "arn:aws:sagemaker:us-east-1:123456789012:endpoint/f")
    ordered = [first, other, second]
    assert live_at(ordered, T0 - timedelta(seconds=1)) == []
    assert live_at(ordered, T0) == [first]
    assert live_at(ordered, T0 + timedelta(minutes=45)) == [first, other]
    assert live_at(ordered, T0 + timedelta(hours=2)) == [second, other]


def test_a_package_version_from_its_arn() -> None:
    version = ModelPackageVersion.from_arn(PACKAGE, "artifact")
    assert (version.group, version.version) == ("churn-models", 4)


def test_markup_in_values_is_text_in_the_report() -> None:
    node = ProvenanceNode(
        uri=deployment("a", T0).arn, arn=None, name=EVIL, lineage_type="Action", type="ModelDeployment",
        source_uri=ENDPOINT, account=None, region=None, depth=0, placeholder=False, last_seen=None, job_arn=None,
        job=None, status=None, parent=None, downstream=[],
    )  # fmt: skip
    live = Live(
        deployment=deployment(EVIL, T0),
        training_jobs=[],
        data=[],
        pipeline_execution=UpstreamPipelineExecution(CONTEXT, None, None, None, None, None),
        provenance=Provenance(node.uri, [node], []),
    )
    audit = Audit(CONTEXT, "Endpoint", "e-aws-endpoint", ENDPOINT, T0, [live.deployment], [live])
    page = audit_html(audit, links={EVIL: "/audit?ref=e"})
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    before = Audit(CONTEXT, "Endpoint", "e-aws-endpoint", ENDPOINT, T0 - timedelta(days=1), [live.deployment], [])
    assert nothing_deployed(before) == (
        "nothing was deployed to endpoint e at 2026-02-28T12:00:00+00:00; "
        "the first deployment was at 2026-03-01T12:00:00+00:00"
    )
    assert "<script" not in audit_html(before)  # no drawing, so no script at all
