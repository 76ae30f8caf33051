"""The loader and the lookups against a real Neo4j, on a hand-built lineage graph.

The graph has what real accounts have and what breaks naive traversals: a diamond, a SAME_AS cycle
to another account (a placeholder), a chain longer than SageMaker's depth cap of 10, and values that
look like Cypher.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

import pytest
from fixtures import plans
from neo4j import Driver

from lineage_graph.graph.load import DryRunWriter, GraphWriter
from lineage_graph.query import Direction, LineageQueries
from lineage_graph.sagemaker import transform

ACCOUNT = "arn:aws:sagemaker:us-east-1:123456789012"
FOREIGN = "arn:aws:sagemaker:us-east-1:999999999999"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def artifact_arn(n: int) -> str:
    return f"{ACCOUNT}:artifact/{n:032x}"


def tc_arn(name: str) -> str:
    return f"{ACCOUNT}:experiment-trial-component/{name}"


def artifact(n: int, artifact_type: str = "DataSet") -> dict[str, Any]:
    return {
        "ArtifactArn": artifact_arn(n),
        "ArtifactName": f"artifact-{n}",
        "ArtifactType": artifact_type,
        "Source": {"SourceUri": f"s3://bucket/{n}"},
        "CreationTime": NOW,
    }


def trial_component(name: str, **extra: Any) -> dict[str, Any]:
    return {
        "TrialComponentArn": tc_arn(name),
        "TrialComponentName": name,
        "Source": {"SourceArn": f"{ACCOUNT}:training-job/{name}", "SourceType": "SageMakerTrainingJob"},
        "Status": {"PrimaryStatus": "Completed"},
        "CreationTime": NOW,
        **extra,
    }


def assoc(source: str, destination: str, kind: str, **extra: Any) -> dict[str, Any]:
    return {"SourceArn": source, "DestinationArn": destination, "AssociationType": kind, "CreationTime": NOW, **extra}


# raw(1) -> prep(2) and raw(1) -> alt(3): a diamond into "train"; train produces model(9);
# prep(2) SameAs a foreign artifact both ways; a chain of 12 DerivedFrom datasets ends in raw(1).
CHAIN = list(range(100, 112))
ASSOCIATIONS = [
    assoc(artifact_arn(1), artifact_arn(2), "ContributedTo"),
    assoc(artifact_arn(1), artifact_arn(3), "ContributedTo"),
    assoc(artifact_arn(2), tc_arn("train"), "ContributedTo"),
    assoc(artifact_arn(3), tc_arn("train"), "ContributedTo"),
    assoc(tc_arn("train"), artifact_arn(9), "Produced"),
    assoc(artifact_arn(2), f"{FOREIGN}:artifact/shared", "SameAs", DestinationType="DataSet"),
    assoc(f"{FOREIGN}:artifact/shared", artifact_arn(2), "SameAs", SourceType="DataSet"),
    *(assoc(artifact_arn(a), artifact_arn(b), "DerivedFrom") for a, b in itertools.pairwise(CHAIN)),
    assoc(artifact_arn(CHAIN[-1]), artifact_arn(1), "DerivedFrom"),
]


def load(driver: Driver) -> GraphWriter:
    writer = GraphWriter(driver, "neo4j", batch_size=5)
    writer.apply_schema()
    nodes = [
        transform.trial_component(
            trial_component(
                "train",
                Parameters={"lr": {"NumberValue": 0.1}, "note": {"StringValue": "MATCH (n) DETACH DELETE n"}},
                Metrics=[{"MetricName": "auc", "Last": 0.9, "Max": 0.95}],
                InputArtifacts={"train": {"Value": "s3://bucket/2"}},
            )
        ),
        *(transform.artifact(artifact(n)) for n in (1, 2, 3, *CHAIN)),
        transform.artifact(artifact(9, "Model")),
    ]
    writer.write_nodes(nodes)
    # Edges whose ends are missing (the foreign artifact) get placeholders, then are written too.
    created, placeholders = writer.write_associations([transform.association(a) for a in ASSOCIATIONS])
    assert (sum(created.values()), placeholders) == (len(ASSOCIATIONS), 1)
    return writer


@pytest.fixture
def graph(clean_neo4j: Driver) -> Driver:
    load(clean_neo4j)
    return clean_neo4j


def snapshot(driver: Driver) -> tuple[list[Any], list[Any]]:
    nodes = driver.execute_query(
        "MATCH (n) RETURN n.arn AS arn, labels(n) AS labels, properties(n) AS props ORDER BY arn",
        database_="neo4j",
    ).records
    rels = driver.execute_query(
        "MATCH (s)-[r]->(d) RETURN s.arn AS s, type(r) AS t, d.arn AS d, properties(r) AS p ORDER BY s, t, d",
        database_="neo4j",
    ).records
    return [(r["arn"], sorted(r["labels"]), r["props"]) for r in nodes], [tuple(r.values()) for r in rels]


def test_reloading_changes_nothing(graph: Driver) -> None:
    before = snapshot(graph)
    writer = GraphWriter(graph, "neo4j")
    counts = writer.write_nodes([transform.artifact(artifact(n)) for n in (1, 2, 3)])
    created, placeholders = writer.write_associations([transform.association(a) for a in ASSOCIATIONS])
    assert (sum(created.values()), placeholders) == (0, 0)
    assert (counts.created, counts.updated, counts.unchanged) == (0, 0, 3)
    assert snapshot(graph) == before


def test_every_association_is_one_typed_relationship(graph: Driver) -> None:
    _, rels = snapshot(graph)
    expected = {(a["SourceArn"], transform.association(a)[0].rel_type, a["DestinationArn"]) for a in ASSOCIATIONS}
    assert {(s, t, d) for s, t, d, _ in rels} == expected
    assert len(rels) == len(ASSOCIATIONS)


def test_placeholder_keeps_listassociations_type_and_becomes_real_when_listed(graph: Driver) -> None:
    foreign = f"{FOREIGN}:artifact/shared"
    row = graph.execute_query(
        "MATCH (n:LineageEntity {arn: $arn}) RETURN labels(n) AS labels, n.type AS type, n.placeholder AS p",
        arn=foreign,
        database_="neo4j",
    ).records[0]
    assert set(row["labels"]) == {"LineageEntity", "Artifact", "DataSet", "Placeholder"}
    assert (row["type"], row["p"]) == ("DataSet", True)

    listed = artifact(0) | {"ArtifactArn": foreign, "ArtifactType": "DataSet"}
    counts = GraphWriter(graph, "neo4j").write_nodes([transform.artifact(listed)])
    assert counts.created == 1
    row = graph.execute_query(
        "MATCH (n:LineageEntity {arn: $arn}) RETURN labels(n) AS labels, n.placeholder AS p, COUNT { (n)--() } AS deg",
        arn=foreign,
        database_="neo4j",
    ).records[0]
    assert "Placeholder" not in row["labels"]
    assert (row["p"], row["deg"]) == (False, 2)


def test_maps_are_flattened_and_cypher_looking_values_are_stored_verbatim(graph: Driver) -> None:
    row = graph.execute_query(
        "MATCH (tc:TrialComponent {name: 'train'}) "
        "RETURN tc.`param.lr` AS lr, tc.`param.note` AS note, tc.`metric.auc.last` AS auc, "
        "tc.`input.train` AS train, tc.type AS type, labels(tc) AS labels",
        database_="neo4j",
    ).records[0]
    assert (row["lr"], row["note"], row["auc"], row["train"]) == (
        0.1,
        "MATCH (n) DETACH DELETE n",
        0.9,
        "s3://bucket/2",
    )
    assert row["type"] == "TrainingJob"
    assert set(row["labels"]) == {"LineageEntity", "TrialComponent", "TrainingJob"}
    assert graph.execute_query("MATCH (n) RETURN count(n) AS n", database_="neo4j").records[0]["n"] > 10


def test_datasets_follow_every_path_with_no_depth_cap(graph: Driver) -> None:
    queries = LineageQueries(graph, "neo4j")
    found = {e.arn: e.depth for e in queries.dataset_artifacts("train")}
    expected = {artifact_arn(2): 1, artifact_arn(3): 1, artifact_arn(1): 2, f"{FOREIGN}:artifact/shared": 2}
    # the chain: raw(1) is at depth 2, so CHAIN[-1] is at 3 and CHAIN[0] at 2 + len(CHAIN)
    expected |= {artifact_arn(n): 2 + len(CHAIN) - i for i, n in enumerate(CHAIN)}
    assert found == expected
    assert max(found.values()) > 10


def test_max_depth_bounds_the_traversal(graph: Driver) -> None:
    queries = LineageQueries(graph, "neo4j")
    assert {e.arn for e in queries.dataset_artifacts("train", max_depth=1)} == {artifact_arn(2), artifact_arn(3)}
    assert all(e.depth <= 10 for e in queries.dataset_artifacts("train", max_depth=10))
    assert len(queries.dataset_artifacts("train", max_depth=10)) == 4 + 10 - 2


def test_directions(graph: Driver) -> None:
    queries = LineageQueries(graph, "neo4j")
    assert [m.arn for m in queries.models(tc_arn("train"))] == [artifact_arn(9)]
    assert queries.models("train", Direction.ASCENDANTS) == []
    assert queries.dataset_artifacts("train", Direction.DESCENDANTS) == []
    both = {e.arn for e in queries.dataset_artifacts("train", Direction.BOTH)}
    assert both == {e.arn for e in queries.dataset_artifacts("train")}


def test_lookup_plan_searches_from_the_start_node(graph: Driver) -> None:
    from lineage_graph import cypher_files

    operators = plans.explain(
        graph,
        cypher_files.read("trial_component_artifacts"),
        {"trial_component": "train", "artifact_type": "DataSet", "direction": "ascendants", "max_depth": None},
    ).operators
    # A pruning breadth-first expansion (each entity once), not a shortest path built to every entity.
    assert any(op.startswith("VarLengthExpand(Pruning,BFS") for op in operators), operators
    assert not any(op.startswith("StatefulShortestPath") for op in operators), operators
    assert not any(op.startswith(("NodeByLabelScan", "AllNodesScan")) for op in operators), operators


def test_a_dry_run_writer_cannot_write_through_a_path_it_does_not_override(clean_neo4j: Driver) -> None:
    """GraphWriter's own write_placeholders, as if DryRunWriter had forgotten its override: it fails, not writes."""
    writer = DryRunWriter(clean_neo4j, "neo4j")
    row = transform.placeholder("arn:aws:sagemaker:us-east-1:123456789012:artifact/abc", "DataSet", None)
    with pytest.raises(RuntimeError, match="a dry run writes nothing"):
        GraphWriter.write_placeholders(writer, [row])
    assert not clean_neo4j.execute_query("MATCH (n) RETURN n LIMIT 1", database_="neo4j").records
