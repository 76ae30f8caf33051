"""The sync report's bookkeeping when a run counts in two threads (pipelines beside associations)."""

from __future__ import annotations

import collections
import dataclasses

import pytest

from lineage_graph.graph.load import WriteCounts
from lineage_graph.sagemaker.client import SageMakerApi
from lineage_graph.sagemaker.crawl import Crawler
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
        else:
            setattr(part, name, number)
    whole.edges_seen["CONTRIBUTED_TO"] = 5
    whole.absorb(part)
    assert whole.nodes["Artifact"] == WriteCounts(created=3, updated=1)
    assert whole.nodes["PipelineExecution"] == WriteCounts(unchanged=3)
    for number, name in enumerate(counted, start=1):
        value = getattr(whole, name)
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
    main.skipped["Association"] += 2
    pipelines.skipped["PipelineExecution"] += 1
    crawler.skipped["Context"] += 1  # vanished between ListContexts and DescribeContext
    crawler.denied["ListActions"] = "sagemaker:ListActions"
    assert crawl_gaps(main, pipelines, crawler=crawler) == {
        "Association": "2",
        "PipelineExecution": "1",
        "Context": "1",
        "ListActions": "sagemaker:ListActions",
    }
