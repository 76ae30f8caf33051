"""``lineage-graph doctor``: check Neo4j and AWS before syncing; print the IAM policy a sync needs."""

from __future__ import annotations

import click

from lineage_graph.cli.options import aws_options, neo4j_options, report_format_option, verbosity_option
from lineage_graph.doctor import DoctorReport, iam_policy, run_doctor
from lineage_graph.present.formats import to_json
from lineage_graph.settings import AwsSettings, Neo4jSettings


def format_report(report: DoctorReport) -> str:
    width = max(len(c.name) for c in report.checks)
    lines = []
    for check in report.checks:
        lines.append(f"{check.status.upper():4}  {check.name.ljust(width)}  {check.detail}")
        if check.status == "fail" and check.fix:
            lines.append(f"{'':4}  {'':{width}}  fix: {check.fix}")
    failed = sum(c.status == "fail" for c in report.checks)
    lines.append("")
    lines.append("All checks passed." if report.ok else f"{failed} check(s) failed.")
    return "\n".join(lines)


@click.command("doctor")
@aws_options
@neo4j_options
@click.option(
    "--print-policy", is_flag=True, help="Only print the least-privilege IAM policy a sync needs (JSON) and exit."
)
@report_format_option
@verbosity_option
def doctor_command(aws: AwsSettings, neo4j: Neo4jSettings, print_policy: bool, fmt: str) -> None:
    """Check that a sync can run: Neo4j (connection, version 5+, schema) and AWS (credentials and every
    SageMaker permission the sync needs, each probed with the cheapest request).

    Exits 0 when every check passes, 4 when a Neo4j check fails, 5 when an AWS check fails.

    \b
    Examples:
      lineage-graph doctor --region us-east-1
      lineage-graph doctor --print-policy > lineage-graph-policy.json
    """
    if print_policy:
        click.echo(to_json(iam_policy()))
        return
    report = run_doctor(neo4j, aws)
    click.echo(to_json(report.to_dict()) if fmt == "json" else format_report(report))
    if not report.ok:
        raise click.exceptions.Exit(report.exit_code)
