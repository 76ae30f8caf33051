"""The explorer's pure parts: a ref parsed into the key it seeks by, the full-text query made of a user's
words (nothing of Lucene's syntax gets through), and a node's properties grouped as its page shows them."""

from __future__ import annotations

import pytest

from lineage_graph.graph import derived
from lineage_graph.kinds import NODE_KINDS
from lineage_graph.query.entity import grouped
from lineage_graph.query.refs import BadRefError, parse_ref, summary
from lineage_graph.query.search import MAX_WORDS, words_query

ARN = "arn:aws:sagemaker:us-east-1:123456789012:artifact/abc"


@pytest.mark.parametrize(
    ("ref", "param", "value"),
    [
        (ARN, "arn", ARN),
        ("openlineage:dataset:s3://bucket/key/part", "dataset_uri", "s3://bucket/key/part"),
        # S3 spelt as the join spells locations (graph.naming): the scheme, slashes leading or trailing the key.
        ("openlineage:dataset:s3a://bucket//key/part/", "dataset_uri", "s3://bucket/key/part"),
        ("openlineage:dataset:s3n://bucket/", "dataset_uri", "s3://bucket"),
        ("openlineage:dataset:postgres://db:5432/public.orders", "dataset_uri", "postgres://db:5432/public.orders"),
        ("openlineage:job:acme-emr/nightly.crm", "job_uri", "acme-emr/nightly.crm"),
        ("openlineage:run:6f1b0a52-4b7e-4c55-9d8e-6a1f3b2c9e01", "run_id", "6f1b0a52-4b7e-4c55-9d8e-6a1f3b2c9e01"),
    ],
)
def test_a_ref_names_one_key(ref: str, param: str, value: str) -> None:
    params = parse_ref(ref).params()
    assert params[param] == value
    assert [k for k, v in params.items() if v is not None] == [param]


@pytest.mark.parametrize("ref", ["", "churn", "arn:", "openlineage:", "openlineage:dataset:", "openlineage:table:x"])
def test_a_malformed_ref_says_what_a_ref_is(ref: str) -> None:
    with pytest.raises(BadRefError, match="openlineage:dataset:<uri>"):
        parse_ref(ref)


def test_a_summary_makes_the_ref_parse_ref_reads() -> None:
    nodes = [
        ({"arn": ARN, "name": None, "source_uri": "s3://b/k", "type": "DataSet"}, ["Artifact"]),
        ({"uri": "s3://b/k", "name": "k"}, ["OpenLineageDataset"]),
        ({"uri": "ns/job", "name": "job"}, ["OpenLineageJob"]),
        ({"run_id": "r-1", "job_name": "job"}, ["OpenLineageRun"]),
    ]
    made = [summary(node, kinds) for node, kinds in nodes]
    assert [parse_ref(s.ref).value for s in made] == [ARN, "s3://b/k", "ns/job", "r-1"]
    assert [s.name for s in made] == ["s3://b/k", "s3://b/k", "job", "job"]  # what people call each
    assert [s.source for s in made] == ["SageMaker", "OpenLineage", "OpenLineage", "OpenLineage"]


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("churn", "+churn*"),
        ("Churn Train", "+churn +train*"),
        ("s3://acme-ml-raw/crm/", "+s3 +acme +ml +raw +crm*"),
        ('churn AND (train OR "x~2^3', "+churn +and +train +or +x +2 +3*"),
        ("nightly_landing_to_raw.crm", "+nightly_landing_to_raw.crm*"),
        ("\\ / ^ * ? { } [ ] ! : - + && ||", None),
        ("", None),
    ],
)
def test_the_words_query_holds_only_words(text: str, query: str | None) -> None:
    assert words_query(text) == query


def test_the_words_query_is_bounded() -> None:
    query = words_query(" ".join(f"w{i}" for i in range(50)))
    assert query is not None and query.count("+") == MAX_WORDS


def test_the_full_text_index_covers_every_kind_that_declares_words() -> None:
    statement = "\n".join(derived.words_index(NODE_KINDS))
    searched = [kind.label for kind in NODE_KINDS if kind.searched]
    assert f"FOR (n:{'|'.join(searched)})" in statement
    assert "OpenLineageRun" not in statement  # a run is found by its id, not by words
    assert derived.words_index([kind for kind in NODE_KINDS if not kind.searched]) == []


def test_a_nodes_properties_are_grouped_as_its_page_shows_them() -> None:
    groups = grouped(
        {
            "arn": ARN,
            "param.eta": 0.2,
            "metric.validation:auc.avg": 0.32239999999999996,
            "metric.validation:auc.last": 0.31,
            "tag.team": "<b>ml</b>",
            "facet_version.documentation": "v1",
            "facet_version.spark.logicalPlan": "v1",
            "facet.documentation.description": "docs",
            "facet.spark.logicalPlan.plan.0.class": "Project",
            "facet.orphan.field": 1,
        }
    )
    assert groups == {
        "properties": {
            "arn": ARN,
            "facet.orphan.field": 1,
            "facet_version.documentation": "v1",
            "facet_version.spark.logicalPlan": "v1",
        },
        "parameters": {"eta": 0.2},
        "metrics": {"validation:auc": {"avg": 0.3224, "last": 0.31}},
        "tags": {"team": "<b>ml</b>"},
        "facets": {"documentation": {"description": "docs"}, "spark.logicalPlan": {"plan.0.class": "Project"}},
    }
