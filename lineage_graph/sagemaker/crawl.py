"""Walk one SageMaker account and region, yielding API records as SageMaker returns them.

One generator per listing, each paging to the end at the largest page size. Records stay plain
dicts in SageMaker's own field names; turning them into graph rows is ``lineage_graph.graph``'s job.
Knows nothing of Neo4j.
"""

from __future__ import annotations

import collections
import logging
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import botocore.exceptions

from lineage_graph.sagemaker.client import SageMakerApi

log = logging.getLogger(__name__)

PAGE = 100  # the largest MaxResults every list API here accepts
Record = dict[str, Any]


class Crawler:
    """The listings of one account and region. ``skipped`` counts records that vanished mid-crawl."""

    def __init__(self, api: SageMakerApi) -> None:
        self.api = api
        self.skipped: collections.Counter[str] = collections.Counter()

    def _describe(self, kind: str, operation: str, **params: Any) -> Record | None:
        """A Describe call, or None when the entity was deleted between list and describe."""
        try:
            return self.api.call(operation, **params)
        except botocore.exceptions.ClientError as err:
            if err.response.get("Error", {}).get("Code") in {"ResourceNotFound", "ValidationException"}:
                log.info("%s vanished before it could be described: %s", kind, params)
                self.skipped[kind] += 1
                return None
            raise

    def trial_components(self, modified_since: datetime | None = None) -> Iterator[Record]:
        """Full trial components (parameters, metrics, artifacts, tags, parents) through Search: one call
        per 100, where ListTrialComponents would need a Describe per trial component."""
        expression = None
        if modified_since is not None:
            expression = {
                "Filters": [
                    {
                        "Name": "LastModifiedTime",
                        "Operator": "GreaterThanOrEqualTo",
                        "Value": modified_since.isoformat(),
                    }
                ]
            }
        for result in self.api.paginate(
            "Search",
            "Results",
            Resource="ExperimentTrialComponent",
            SearchExpression=expression,
            SortBy="LastModifiedTime",
            SortOrder="Ascending",
            MaxResults=PAGE,
        ):
            if "TrialComponent" in result:
                yield result["TrialComponent"]

    def artifacts(self, created_after: datetime | None = None) -> Iterator[Record]:
        return self.api.paginate(
            "ListArtifacts",
            "ArtifactSummaries",
            MaxResults=PAGE,
            SortBy="CreationTime",
            SortOrder="Ascending",
            CreatedAfter=created_after,
        )

    def contexts(self, created_after: datetime | None = None) -> Iterator[Record]:
        """Described, because a model group's pipeline execution lives in its Properties."""
        for summary in self.api.paginate(
            "ListContexts",
            "ContextSummaries",
            MaxResults=PAGE,
            SortBy="CreationTime",
            SortOrder="Ascending",
            CreatedAfter=created_after,
        ):
            described = self._describe("Context", "DescribeContext", ContextName=summary["ContextName"])
            if described is not None:
                yield described

    def actions(self, created_after: datetime | None = None) -> Iterator[Record]:
        return self.api.paginate(
            "ListActions",
            "ActionSummaries",
            MaxResults=PAGE,
            SortBy="CreationTime",
            SortOrder="Ascending",
            CreatedAfter=created_after,
        )

    def associations(self, created_after: datetime | None = None) -> Iterator[Record]:
        """Every edge of the account (or those created since) in one scan, not a call per entity."""
        return self.api.paginate(
            "ListAssociations",
            "AssociationSummaries",
            MaxResults=PAGE,
            SortBy="CreationTime",
            SortOrder="Ascending",
            CreatedAfter=created_after,
        )

    def experiments(self) -> Iterator[Record]:
        return self.api.paginate("ListExperiments", "ExperimentSummaries", MaxResults=PAGE)

    def trials(self, experiment_name: str) -> Iterator[Record]:
        """A trial summary does not name its experiment, so trials are listed per experiment."""
        return self.api.paginate("ListTrials", "TrialSummaries", ExperimentName=experiment_name, MaxResults=PAGE)

    def pipelines(self) -> Iterator[Record]:
        return self.api.paginate("ListPipelines", "PipelineSummaries", MaxResults=PAGE)

    def pipeline_executions(self, pipeline_name: str) -> Iterator[Record]:
        return self.api.paginate(
            "ListPipelineExecutions", "PipelineExecutionSummaries", PipelineName=pipeline_name, MaxResults=PAGE
        )

    def execution_steps(self, execution_arn: str) -> Iterator[Record]:
        return self.api.paginate(
            "ListPipelineExecutionSteps",
            "PipelineExecutionSteps",
            PipelineExecutionArn=execution_arn,
            MaxResults=PAGE,
        )
