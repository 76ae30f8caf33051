"""The sync report's bookkeeping when a run counts in two threads (pipelines beside associations)."""

from __future__ import annotations

import collections
import dataclasses

import pytest

from lineage_graph.graph.load import WriteCounts
from lineage_graph.sagemaker.client import SageMakerApi
from lineage_graph.sagemaker.crawl import Crawler, Skip
from lineage_graph.settings import AwsSettings
from lineage_graph.sync import SyncReport, crawl_gaps

# Set once for the whole run by run_sync, not counted by its parts.
RUN_WIDE = {"region", "account", "modes", "cleanup", "api_calls", "throttles", "denied", "properties", "seconds"}


def test_absorb_adds_every_count_of_a_part() -> None:
    whole, part = SyncReport("us-east-1", "1"), SyncReport("us-east-1", "1")
    whole.nodes["Artifact"] = WriteCounts(created=2)
    part.nodes.update({"Artifact": WriteCounts(created=1, updated=1), "PipelineExecution": WriteCounts(unchanged=3)})
    counted = [f.name for f in dataclasses.fields(SyncReport) if f.name not in RUN_WIDE | {"nodes"}]
    for number, name in enumerate(counted, start=1):
        value = getattr(part, name)
        if isinstance(value, collections.Counter):
            value[f"kind-{number}"] = number
        elif isinstance(value, list):
            value.append(number)
        else:
            setattr(part, name, number)
    whole.edges_seen["CONTRIBUTED_TO"] = 5
    whole.absorb(part)
    assert whole.nodes["Artifact"] == WriteCounts(created=3, updated=1)
    assert whole.nodes["PipelineExecution"] == WriteCounts(unchanged=3)
    for number, name in enumerate(counted, start=1):
        value = getattr(whole, name)
        if isinstance(value, list):
            assert value == [number], name
        else:
            assert (value[f"kind-{number}"] if isinstance(value, collections.Counter) else value) == number, name
    assert whole.edges_seen["CONTRIBUTED_TO"] == 5


def test_crawl_gaps_adds_skips_of_every_part_and_the_denied_listings(
    sandbox_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(key, value)
    crawler = Crawler(SageMakerApi(AwsSettings(region="us-east-1", endpoint_url=sandbox_url)))
    main, pipelines = SyncReport("us-east-1", "1"), SyncReport("us-east-1", "1")
    assert crawl_gaps(main, pipelines, crawler=crawler) == {}
    # Skips that name their ARN are no gap: the run keeps what the graph has of them.
    main.skip(Skip("Trial", "arn:aws:sagemaker:us-east-1:1:experiment-trial/t", "missing ExperimentName"))
    crawler.skipped.append(Skip("Context", "arn:aws:sagemaker:us-east-1:1:context/c", "gone before DescribeContext"))
    assert crawl_gaps(main, pipelines, crawler=crawler) == {}
    main.skip(Skip("Association", None, "missing SourceArn"))
    main.skip(Skip("Association", None, "missing DestinationArn"))
    pipelines.skip(Skip("PipelineExecution", None, "missing PipelineExecutionArn"))
    crawler.skipped.append(Skip("Context", None, "gone before DescribeContext"))
    crawler.denied["ListActions"] = "sagemaker:ListActions"
    assert crawl_gaps(main, pipelines, crawler=crawler) == {
        "Association": "2 without an ARN",
        "PipelineExecution": "1 without an ARN",
        "Context": "1 without an ARN",
        "ListActions": "sagemaker:ListActions",
    }


def test_the_table_report_names_each_skipped_record_and_why() -> None:
    from lineage_graph.cli.sync_cmd import format_report

    report = SyncReport("us-east-1", "1")
    report.skip(Skip("Trial", "arn:aws:sagemaker:us-east-1:1:experiment-trial/t", "missing ExperimentName"))
    report.skip(Skip("Association", None, "missing SourceArn"))
    assert (
        "skipped: Trial 1, Association 1\n"
        "  Trial arn:aws:sagemaker:us-east-1:1:experiment-trial/t: missing ExperimentName\n"
        "  Association (no ARN): missing SourceArn"
    ) in format_report(report)
