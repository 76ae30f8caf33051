"""graph/ imports no source, so graph.model names the OpenLineage labels the join meets; they must be the
labels the OpenLineage loader writes."""

from __future__ import annotations

from lineage_graph.graph import model
from lineage_graph.openlineage import kinds


def test_the_joins_openlineage_labels_are_the_loaders() -> None:
    assert kinds.OPENLINEAGE.label == model.OPENLINEAGE_LABEL
    assert kinds.JOB.label == model.OPENLINEAGE_JOB
    assert kinds.DATASET.label == model.OPENLINEAGE_DATASET
    assert model.SAME_OBJECT not in kinds.RELATIONSHIP_TYPES  # the join's own, not OpenLineage's
