"""The audit's pure parts: which deployment is live at T, a package version from its ARN, and a report in
which values that look like markup stay text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lineage_graph.present.audit_report import audit_html, nothing_deployed
from lineage_graph.query.audit import (
    NOT_READ,
    NOT_RECORDED,
    Approval,
    Audit,
    Deployment,
    Live,
    ModelPackageVersion,
    live_at,
)
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


APPROVAL_ROW = {
    "arn": "arn:aws:sagemaker:us-east-1:123456789012:action/churn-models-4-aws-model-package",
    "name": "churn-models-4-aws-model-package",
    "status": "Completed",
    "approval_status": "PendingManualApproval",  # the action's property, older than the package's status
    "package_arn": PACKAGE,
    "created_at": T0,
    "modified_at": T0 + timedelta(minutes=1),
}


def test_the_approver_is_who_last_changed_the_package_else_who_created_it() -> None:
    """LastModifiedBy first (an approval is a change), then CreatedBy (a version registered approved); a
    Studio user by profile name, an IAM caller by ARN; the package's status and time over the action's."""
    role = "arn:aws:sts::123456789012:assumed-role/Reviewer/jane"
    studio = {
        "approval_status": "Approved",
        "approval_description": "AUC 0.91",
        "modified_at": T0 + timedelta(hours=2),
        "created_by.IamIdentity.Arn": "arn:aws:sts::123456789012:assumed-role/Pipeline/run",
        "last_modified_by.UserProfileName": "amara.okafor",
        "last_modified_by.IamIdentity.Arn": role,
    }
    approval = Approval.from_row(APPROVAL_ROW, studio)
    assert (approval.approved_by, approval.approved_by_note, approval.description) == ("amara.okafor", None, "AUC 0.91")
    assert (approval.approval_status, approval.approved_at) == ("Approved", T0 + timedelta(hours=2))
    iam_only = {k: v for k, v in studio.items() if k != "last_modified_by.UserProfileName"}
    assert Approval.from_row(APPROVAL_ROW, iam_only).approved_by == role
    registered_approved = {"approval_status": "Approved", "created_at": T0, "created_by.UserProfileName": "wei.chen"}
    at_creation = Approval.from_row(APPROVAL_ROW, registered_approved)
    assert (at_creation.approved_by, at_creation.approved_at) == ("wei.chen", T0)


def test_no_approver_says_whether_sagemaker_recorded_none_or_the_package_was_not_read() -> None:
    nobody = Approval.from_row(APPROVAL_ROW, {"approval_status": "Approved", "modified_at": T0})
    assert (nobody.approved_by, nobody.approved_by_note) == (None, NOT_RECORDED)
    unread = Approval.from_row(APPROVAL_ROW, {})
    assert (unread.approved_by, unread.approved_by_note) == (None, NOT_READ)
    assert (unread.approval_status, unread.approved_at) == ("PendingManualApproval", T0 + timedelta(minutes=1))


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
