"""OpenLineage dataset naming: the spellings producers send meet in one Location, and only those."""

from __future__ import annotations

import pytest

from lineage_graph.graph.naming import (
    Location,
    arn_of_job,
    glue_table,
    job_of_arn,
    location_of_uri,
    locations_named,
    normalised,
)


@pytest.mark.parametrize(
    ("namespace", "name"),
    [
        ("s3://landing", "events"),
        ("s3://landing", "events/"),
        ("s3://landing", "/events"),
        ("s3a://landing", "events/"),
        ("s3n://landing/", "/events/"),
    ],
)
def test_spellings_of_one_s3_prefix_are_one_location(namespace: str, name: str) -> None:
    assert normalised(namespace, name) == Location("s3://landing", "events")


def test_an_s3_uri_names_the_same_location_as_the_pair() -> None:
    assert location_of_uri("s3://landing/events/") == Location("s3://landing", "events")
    assert location_of_uri("s3://landing") == Location("s3://landing", "/")
    assert location_of_uri("s3://landing/").uri == "s3://landing"  # type: ignore[union-attr]
    assert location_of_uri("s3://landing/events/").uri == "s3://landing/events"  # type: ignore[union-attr]


@pytest.mark.parametrize("uri", ["123456789012.dkr.ecr.us-east-1.amazonaws.com/xgb:1", "arn:aws:sagemaker:x", "s3://"])
def test_anything_but_s3_has_no_location(uri: str) -> None:
    assert location_of_uri(uri) is None


def test_ancestors_are_whole_path_segments_nearest_first() -> None:
    location = Location("s3://landing", "events/2026/12")
    assert location.ancestors() == [Location("s3://landing", "events/2026"), Location("s3://landing", "events")]
    assert Location("s3://landing", "events-archive").ancestors() == []
    assert Location("s3://landing", "/").ancestors() == []


def test_other_namespaces_are_kept_as_sent() -> None:
    table = glue_table("us-east-1", "111122223333", "sales", "orders")
    assert table == Location("arn:aws:glue:us-east-1:111122223333", "table/sales/orders")
    assert normalised(table.namespace, table.name) == table
    assert table.ancestors() == []


def test_a_sagemaker_job_arn_splits_like_a_glue_table_and_reads_back_however_sent() -> None:
    arn = "arn:aws:sagemaker:us-east-1:111122223333:training-job/churn-train"
    job = job_of_arn(arn)
    assert (job.namespace, job.name) == ("arn:aws:sagemaker:us-east-1:111122223333", "training-job/churn-train")
    assert arn_of_job(job.namespace, job.name) == arn
    assert arn_of_job("sagemaker", arn) == arn
    assert arn_of_job(arn, arn) == arn
    assert arn_of_job("arn:aws:sagemaker:us-east-1:111122223333:training-job", "churn-train") == arn
    assert arn_of_job(arn, "") == arn
    assert arn_of_job("spark", "etl.build_events") is None
    assert arn_of_job("arn:aws:glue:us-east-1:111122223333", "table/sales/orders") is None


def test_a_person_names_an_openlineage_entity_by_its_uri() -> None:
    assert locations_named("s3://landing/events/") == [Location("s3://landing", "events")]
    assert locations_named("spark/etl.build") == [Location("spark", "etl.build")]
    assert locations_named("a/b/c") == [Location("a", "b/c"), Location("a/b", "c")]
    assert locations_named("run-1") == []
