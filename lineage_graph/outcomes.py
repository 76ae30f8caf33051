"""A shard's outcome when its sync ran to the end, and the sentences that explain a cleanup to a person.

A full run whose cleanup was refused (over ``--max-delete-fraction``) or skipped (the crawl was partial)
left the graph holding what SageMaker no longer has: that is never a success, and it stays pending, in
every later run's report, until a full run cleans up (``bookkeeping.runs.set_cleanup_pending``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

SUCCESS_EXIT_CODE = 0
PARTIAL_EXIT_CODE = 7
CLEANUP_REFUSED_EXIT_CODE = 8
CLEANUP_SKIPPED_EXIT_CODE = 9

REVIEW_COMMAND = "lineage-graph sync --full --dry-run"
APPLY_COMMAND = "lineage-graph sync --full --force-delete"


@dataclass(frozen=True)
class Verdict:
    outcome: str  # success | partial | cleanup_refused | cleanup_skipped
    exit_code: int
    reason: str | None = None


def judge(report: dict[str, Any], *, dry_run: bool, max_delete_fraction: float) -> Verdict:
    """The outcome of a sync that ran to the end, from its report (``SyncReport.to_dict``). A dry run
    deletes nothing, so its cleanup only says what a real run would do."""
    cleanup = report.get("cleanup")
    if cleanup and not dry_run:
        if "skipped" in cleanup:
            return Verdict("cleanup_skipped", CLEANUP_SKIPPED_EXIT_CODE, skipped_sentence(cleanup))
        if cleanup.get("refused"):
            return Verdict("cleanup_refused", CLEANUP_REFUSED_EXIT_CODE, refused_sentence(cleanup, max_delete_fraction))
    missed = {**report.get("skipped", {}), **report.get("denied", {})}
    if missed:
        reason = "the crawl was partial: " + ", ".join(f"{k} {v}" for k, v in missed.items())
        return Verdict("partial", PARTIAL_EXIT_CODE, reason)
    return Verdict("success", SUCCESS_EXIT_CODE)


def _share(fraction: float) -> str:
    return f"{fraction:.1%}"


def refused_sentence(cleanup: dict[str, Any], max_delete_fraction: float) -> str:
    """Why a full run's cleanup deleted nothing, and what to run about it."""
    return (
        f"cleanup refused: it would delete {_share(cleanup['fraction'])} of the shard "
        f"({cleanup['stale_nodes']} of {cleanup['total_nodes']} entities, {cleanup['stale_relationships']} of "
        f"{cleanup['total_relationships']} relationships), over the limit of {_share(max_delete_fraction)} "
        f"(--max-delete-fraction {max_delete_fraction:g}); review: `{REVIEW_COMMAND}`, apply: `{APPLY_COMMAND}`"
    )


def skipped_sentence(cleanup: dict[str, Any]) -> str:
    return (
        f"cleanup skipped: {cleanup['skipped']}; what the crawl missed would have looked deleted. The next full "
        f"run that crawls everything cleans up (review: `{REVIEW_COMMAND}`)"
    )


def cleanup_sentence(cleanup: dict[str, Any], max_delete_fraction: float, *, dry_run: bool) -> str:
    """The sync report's cleanup line."""
    if "skipped" in cleanup:
        return skipped_sentence(cleanup)
    share = (
        f"{cleanup['stale_nodes']} of {cleanup['total_nodes']} entities and {cleanup['stale_relationships']} of "
        f"{cleanup['total_relationships']} relationships are gone from SageMaker ({_share(cleanup['fraction'])} "
        f"of the shard; limit {_share(max_delete_fraction)})"
    )
    if dry_run:
        verdict = "a real run would refuse to delete them" if cleanup["refused"] else "a real run would remove them"
        sample = cleanup.get("stale_sample") or []
        return f"cleanup: {share}; {verdict}." + ("" if not sample else " Entities: " + ", ".join(sample))
    if cleanup["refused"]:
        return refused_sentence(cleanup, max_delete_fraction)
    return (
        f"cleanup: {share}: deleted {cleanup['relationships_deleted']} relationships and "
        f"{cleanup['nodes_deleted']} entities, kept {cleanup['nodes_made_placeholders']} as placeholders "
        f"(still linked), dropped {cleanup['placeholders_deleted']} unlinked placeholders."
    )


def pending_sentence(pending: dict[str, Any]) -> str:
    """A shard's pending cleanup, as every later run's report and ``status`` say it."""
    since = pending["since"]
    when = since.isoformat(timespec="seconds") if isinstance(since, datetime) else str(since)
    return f"cleanup pending since {when}: {pending['reason']}"
