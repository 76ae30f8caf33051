"""The queries that start in either source (lineage across, path, provenance) name their start one way."""

from __future__ import annotations

import pytest

from lineage_graph.errors import NotFoundError
from lineage_graph.query.explore import one_named, openlineage_keys

RUN = {"uri": "0190c5e8-1d2b-7c3d-8e4f-5a6b7c8d9e0f", "lineage_type": "OpenLineage", "type": "Run", "id": "4:x:1"}
DATASET = {"uri": "s3://raw/clicks", "lineage_type": "OpenLineage", "type": "Dataset", "id": "4:x:2"}


def test_one_entity_is_the_start() -> None:
    assert one_named("s3://raw/clicks", [DATASET]) is DATASET


def test_none_or_several_is_a_clear_error_naming_each_candidate() -> None:
    with pytest.raises(NotFoundError, match=r"nothing named 'clicks' in the graph \(has `lineage-graph sync` run\?\)"):
        one_named("clicks", [])
    with pytest.raises(NotFoundError) as raised:
        one_named("x", [RUN, DATASET])
    assert str(raised.value) == (
        "'x' names several entities; pass one ARN or URI: "
        "0190c5e8-1d2b-7c3d-8e4f-5a6b7c8d9e0f (OpenLineage Run), s3://raw/clicks (OpenLineage Dataset)"
    )


def test_openlineage_keys_spell_an_s3_uri_as_openlineage_does_and_split_other_names_at_each_slash() -> None:
    assert openlineage_keys("s3://raw/clicks") == [{"namespace": "s3://raw", "name": "clicks"}]
    assert {"namespace": "spark", "name": "etl.build_events"} in openlineage_keys("spark/etl.build_events")
