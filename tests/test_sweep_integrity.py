"""The sweep never loses or invents what SageMaker has: shards sharing one Neo4j leave each other's
placeholders and associations alone, and a record the crawl skips keeps what the graph had of it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest
from fixtures.sync_cli import sync_json
from neo4j import Driver

from lineage_graph.graph import transform
from lineage_graph.graph.load import AssociationWriteError, GraphWriter
from lineage_graph.graph.transform import NodeRow

ACCOUNT = "123456789012"
HERE = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}"
FOREIGN = "arn:aws:sagemaker:eu-west-1:999999999999"
EDGELESS = "MATCH (p:Placeholder) WHERE NOT EXISTS { (p)--() } DETACH DELETE p"


class RacingWriter(GraphWriter):
    """Another shard's sweep deletes the edgeless placeholders, from its own session, right after this
    writer commits its placeholders and before it writes their edges (``rounds`` times)."""

    def __init__(self, driver: Driver, rounds: int) -> None:
        super().__init__(driver, "neo4j")
        self.rounds = rounds

    def write_placeholders(self, rows: Iterable[NodeRow]) -> int:
        created = super().write_placeholders(rows)
        if self.rounds:
            self.rounds -= 1
            self.driver.execute_query(EDGELESS, database_="neo4j")
        return created


def _associations() -> list[transform.Association]:
    local = f"{HERE}:artifact/local"
    shared = f"{FOREIGN}:artifact/shared"
    return [
        transform.association(
            {"SourceArn": local, "DestinationArn": shared, "AssociationType": "SameAs", "DestinationType": "DataSet"}
        ),
        transform.association(
            {"SourceArn": shared, "DestinationArn": local, "AssociationType": "SameAs", "SourceType": "DataSet"}
        ),
    ]


def _with_local_artifact(writer: GraphWriter) -> GraphWriter:
    writer.apply_schema()
    writer.write_nodes([transform.artifact({"ArtifactArn": f"{HERE}:artifact/local", "ArtifactType": "DataSet"})])
    return writer


def _same_as(driver: Driver) -> int:
    return int(driver.execute_query("MATCH ()-[r:SAME_AS]->() RETURN count(r) AS n", database_="neo4j").records[0]["n"])


def test_an_association_whose_placeholder_vanishes_before_its_edge_is_still_written(clean_neo4j: Driver) -> None:
    writer = _with_local_artifact(RacingWriter(clean_neo4j, rounds=1))
    created, _ = writer.write_associations(_associations())
    assert created["SAME_AS"] == 2
    assert _same_as(clean_neo4j) == 2


def test_an_association_whose_ends_keep_vanishing_fails_the_write_instead_of_dropping_it(
    clean_neo4j: Driver,
) -> None:
    writer = _with_local_artifact(RacingWriter(clean_neo4j, rounds=1_000))
    with pytest.raises(AssociationWriteError, match="2 associations could not be written"):
        writer.write_associations(_associations())


def _artifact(client: Any, name: str) -> str:
    return str(
        client.create_artifact(ArtifactName=name, Source={"SourceUri": f"s3://b/{name}"}, ArtifactType="DataSet")[
            "ArtifactArn"
        ]
    )


def test_the_sweep_drops_only_its_own_shards_edgeless_placeholders(
    sagemaker_client: Any, sync_env: dict[str, str], clean_neo4j: Driver
) -> None:
    local = _artifact(sagemaker_client, "local")
    sync_json(sync_env, "--full")
    # Another shard (eu-west-1) has written a placeholder and not yet its edge; this shard has an edgeless
    # placeholder of its own, and an association (gone from SageMaker) to another account's entity.
    writer = GraphWriter(clean_neo4j, "neo4j")
    writer.write_placeholders(
        [
            transform.placeholder(f"{FOREIGN}:artifact/in-flight", "DataSet", None),
            transform.placeholder(f"{HERE}:artifact/orphan", "DataSet", None),
        ]
    )
    writer.shard = f"{ACCOUNT}:us-east-1"
    writer.write_associations(
        [transform.association({"SourceArn": local, "DestinationArn": f"{FOREIGN}:artifact/gone"})]
    )

    cleanup = sync_json(sync_env, "--full", "--force-delete")["cleanup"]

    assert (cleanup["relationships_deleted"], cleanup["placeholders_deleted"]) == (1, 2)
    left = clean_neo4j.execute_query("MATCH (p:Placeholder) RETURN p.arn AS arn", database_="neo4j").records
    assert [r["arn"] for r in left] == [f"{FOREIGN}:artifact/in-flight"]
