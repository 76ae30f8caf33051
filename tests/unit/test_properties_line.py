"""The sync table's one line on the properties pass: what it read, what is missing, and the model packages."""

from __future__ import annotations

from typing import Any

from lineage_graph.cli.sync_cmd import _format_properties


def report(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "enabled": True,
        "read": 12,
        "vanished": 0,
        "missing": 0,
        "denied": {},
        "model_packages": {"read": 0, "gone": 0, "denied": 0},
    }
    return base | changes


def test_no_model_package_says_nothing_of_them() -> None:
    assert _format_properties(report()) == "artifact and action properties: read for 12; still missing for 0"


def test_model_packages_read_gone_and_denied_elsewhere_are_counted() -> None:
    line = _format_properties(report(model_packages={"read": 22, "gone": 1, "denied": 2}))
    assert line.endswith("; model package approvals read for 22 (packages unread: 1 gone, 2 of other accounts denied)")
    assert _format_properties(report(model_packages={"read": 22, "gone": 0, "denied": 0})).endswith(
        "; model package approvals read for 22"
    )
    denied = report(missing=4, denied={"DescribeModelPackage": "sagemaker:DescribeModelPackage"})
    assert _format_properties(denied) == (
        "artifact and action properties: read for 12; still missing for 4; denied (missing IAM permission): "
        "sagemaker:DescribeModelPackage"
    )
