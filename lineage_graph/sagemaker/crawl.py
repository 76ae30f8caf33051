"""Walk one SageMaker account and region, yielding API records as SageMaker returns them.

One generator per listing, each paging to the end at the largest page size. Records stay plain
dicts in SageMaker's own field names; turning them into graph rows is ``lineage_graph.graph``'s job.
Knows nothing of Neo4j.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import botocore.exceptions

from lineage_graph.sagemaker import kinds
from lineage_graph.sagemaker.client import AccessDeniedError, SageMakerApi
from lineage_graph.sagemaker.kinds import Listing, SageMakerKind

log = logging.getLogger(__name__)

PAGE = 100  # the largest MaxResults every list API here accepts
Record = dict[str, Any]
# Error codes of a Describe whose entity was deleted since its listing.
_VANISHED_CODES = frozenset({"ResourceNotFound", "ValidationException"})


@dataclass(frozen=True)
class Skip:
    """A record the crawl could not use: its kind, the ARN it names (None when it names none: then nothing
    says which node of the graph it stands for) and why."""

    kind: str
    arn: str | None
    reason: str

    def to_dict(self) -> dict[str, str | None]:
        return {"kind": self.kind, "arn": self.arn, "reason": self.reason}


def _reported(listing: Callable[..., Iterator[Record]]) -> Callable[..., Iterator[Record]]:
    """A listing the credentials may not be allowed: access denied is recorded in ``denied`` and the
    listing yields nothing more, so the rest of the sync goes on."""

    @functools.wraps(listing)
    def guarded(self: Crawler, *args: Any, **kwargs: Any) -> Iterator[Record]:
        try:
            yield from listing(self, *args, **kwargs)
        except AccessDeniedError as err:
            log.warning("%s; skipping what it lists", err)
            self.denied[err.operation] = err.permission

    return guarded


class Crawler:
    """The listings of one account and region, as ``kinds`` declares them. ``skipped`` holds records that
    vanished mid-crawl; ``denied`` maps each operation the credentials may not call to the missing IAM permission."""

    def __init__(self, api: SageMakerApi) -> None:
        self.api = api
        self.skipped: list[Skip] = []
        self.denied: dict[str, str] = {}

    def _describe(self, kind: str, arn: str | None, operation: str, **params: Any) -> Record | None:
        """A Describe call, or None when the entity (``arn``, as its listing gave it) was deleted between
        list and describe."""
        try:
            return self.api.call(operation, **params)
        except botocore.exceptions.ClientError as err:
            code = err.response.get("Error", {}).get("Code")
            if code in _VANISHED_CODES:
                log.info("%s vanished before it could be described: %s", kind, params)
                self.skipped.append(Skip(kind, arn, f"gone before {operation} ({code})"))
                return None
            raise

    def properties(self, kind: str, arn: str, name: str | None) -> Record | None:
        """An artifact's or an action's Describe record (its listing lacks Properties, CreatedBy and
        LastModifiedBy), or None when it was deleted since it was listed. Not counted in ``skipped``: the
        crawl has the entity, only its properties are missing. Access denied is raised (``AccessDeniedError``)
        for the caller to stop asking."""
        describe = kinds.BY_NAME[kind].properties
        if describe is None:
            raise ValueError(f"{kind} has no properties to describe")
        entity = arn if describe.param.endswith("Arn") else name or arn  # DescribeAction takes the name
        return self._described_or_gone(describe.operation.name, kind, arn, **{describe.param: entity})

    def model_package(self, arn: str) -> Record | None:
        """A model package version's DescribeModelPackage record, or None when it is gone (deleted, or never
        in this account: lineage entities outlive what they describe). Access denied is raised."""
        return self._described_or_gone(kinds.DESCRIBE_MODEL_PACKAGE.name, "model package", arn, ModelPackageName=arn)

    def _described_or_gone(self, operation: str, what: str, arn: str, **params: Any) -> Record | None:
        try:
            return self.api.call(operation, **params)
        except botocore.exceptions.ClientError as err:
            if err.response.get("Error", {}).get("Code") in _VANISHED_CODES:
                log.info("%s vanished before %s could read it: %s", what, operation, arn)
                return None
            raise

    @_reported
    def records(self, kind: SageMakerKind, since: datetime | None = None) -> Iterator[Record]:
        """A kind's records, each listing paged to its end: oldest first on the kind's time field, and only
        those since ``since`` when given (Search filters on the time field itself, a List operation on
        creation); a kind with a Describe is described record by record."""
        listing, window = kind.listing, kind.time_field
        if listing.search is not None and window is not None:
            yield from self._search(listing, *listing.search, window, since)
            return
        params: dict[str, Any] = {"MaxResults": PAGE}
        if window is not None:
            params |= {"SortBy": window, "SortOrder": "Ascending", "CreatedAfter": since}
        summaries = self.api.paginate(listing.operation.name, listing.result_key, **params)
        if kind.describe is None:
            yield from summaries
            return
        describe = kind.describe
        for summary in summaries:
            arn, entity = summary.get(f"{kind.name}Arn"), summary[describe.param]
            described = self._describe(kind.name, arn, describe.operation.name, **{describe.param: entity})
            if described is not None:
                yield described

    def _search(
        self, listing: Listing, resource: str, member: str, time_key: str, since: datetime | None
    ) -> Iterator[Record]:
        """Search's records of ``resource`` (each under ``member``), oldest ``time_key`` first, only those
        at or after ``since`` when given."""
        expression = None
        if since is not None:
            newer = {"Name": time_key, "Operator": "GreaterThanOrEqualTo", "Value": since.isoformat()}
            expression = {"Filters": [newer]}
        for result in self.api.paginate(
            listing.operation.name,
            listing.result_key,
            Resource=resource,
            SearchExpression=expression,
            SortBy=time_key,
            SortOrder="Ascending",
            MaxResults=PAGE,
        ):
            if member in result:
                yield result[member]

    @_reported
    def pipeline_executions(self, pipeline_name: str, created_after: datetime | None = None) -> Iterator[Record]:
        listing = kinds.PIPELINE_EXECUTION.listing
        return self.api.paginate(
            listing.operation.name,
            listing.result_key,
            PipelineName=pipeline_name,
            MaxResults=PAGE,
            CreatedAfter=created_after,
        )

    @_reported
    def described_executions(self, executions: list[Record]) -> Iterator[Record]:
        """Executions described again (their status moves on after they are listed), in the shape of a
        ListPipelineExecutions summary. ``executions`` are {arn, start_time} as the graph has them:
        DescribePipelineExecution has no StartTime."""
        for known in executions:
            described = self._describe(
                "PipelineExecution", known["arn"], kinds.DESCRIBE_EXECUTION.name, PipelineExecutionArn=known["arn"]
            )
            if described is not None:
                yield {
                    "PipelineExecutionArn": described["PipelineExecutionArn"],
                    "PipelineExecutionDisplayName": described.get("PipelineExecutionDisplayName"),
                    "PipelineExecutionStatus": described.get("PipelineExecutionStatus"),
                    "PipelineExecutionDescription": described.get("PipelineExecutionDescription"),
                    "PipelineExecutionFailureReason": described.get("FailureReason"),
                    "StartTime": known.get("start_time"),
                }

    @_reported
    def execution_steps(self, execution_arn: str) -> Iterator[Record]:
        return self.api.paginate(
            kinds.LIST_STEPS.name,
            "PipelineExecutionSteps",
            PipelineExecutionArn=execution_arn,
            MaxResults=PAGE,
        )
