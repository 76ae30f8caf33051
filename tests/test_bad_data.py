"""Odd but valid SageMaker data is stored faithfully; malformed records are refused with a reason."""

from __future__ import annotations

from typing import Any

import pytest
from fixtures.sync_cli import sync_json
from neo4j import Driver

from lineage_graph.arn import MalformedArnError
from lineage_graph.sagemaker import transform

CYPHERISH = "x'}) MATCH (n) DETACH DELETE n // `backtick` $param"


def test_unicode_huge_parameter_maps_unknown_types_and_missing_fields_are_stored_faithfully(
    sagemaker_client: Any, sync_env: dict[str, str], clean_neo4j: Driver
) -> None:
    parameters = {f"p{i:03d}": {"StringValue": f"välue-{i} ✓ {CYPHERISH}"} for i in range(299)}
    parameters["lr"] = {"NumberValue": 0.001}
    sagemaker_client.create_trial_component(TrialComponentName="bare-tc")  # no source, status, times
    sagemaker_client.create_trial_component(TrialComponentName="wide-tc", Parameters=parameters)
    odd = sagemaker_client.create_artifact(
        Source={"SourceUri": "s3://bücket/データ/" + CYPHERISH},
        ArtifactType="MyCustomType",
    )["ArtifactArn"]

    report = sync_json(sync_env)
    assert report["skipped"] == {}
    assert report["nodes"]["TrialComponent"]["created"] == 2

    wide = clean_neo4j.execute_query(
        "MATCH (tc:TrialComponent {name: 'wide-tc'}) RETURN properties(tc) AS p", database_="neo4j"
    ).records[0]["p"]
    assert {k: v for k, v in wide.items() if k.startswith("param.")} == {
        f"param.{k}": v.get("StringValue", v.get("NumberValue")) for k, v in parameters.items()
    }
    bare = clean_neo4j.execute_query(
        "MATCH (tc:TrialComponent {name: 'bare-tc'}) RETURN tc.status AS s, tc.source_arn AS a, labels(tc) AS l",
        database_="neo4j",
    ).records[0]
    assert (bare["s"], bare["a"], sorted(bare["l"])) == (None, None, ["LineageEntity", "TrialComponent"])
    row = clean_neo4j.execute_query(
        "MATCH (a:Artifact {arn: $arn}) RETURN a.source_uri AS uri, a.type AS type, labels(a) AS l",
        arn=odd,
        database_="neo4j",
    ).records[0]
    assert row["uri"] == "s3://bücket/データ/" + CYPHERISH
    assert (row["type"], sorted(row["l"])) == ("MyCustomType", ["Artifact", "LineageEntity"])  # no label from data
    assert clean_neo4j.execute_query("MATCH (n) RETURN count(n) AS n", database_="neo4j").records[0]["n"] > 3


@pytest.mark.parametrize(
    "record",
    [
        {"ArtifactArn": "not-an-arn", "ArtifactType": "DataSet"},
        {"ArtifactArn": "arn:aws:s3:::bucket/key", "ArtifactType": "DataSet"},
        {"ArtifactType": "DataSet"},
    ],
)
def test_malformed_records_are_refused_with_a_reason(record: dict[str, Any]) -> None:
    with pytest.raises((MalformedArnError, KeyError)):
        transform.artifact(record)


def test_association_to_a_non_lineage_arn_is_refused() -> None:
    record = {
        "SourceArn": "arn:aws:sagemaker:us-east-1:123456789012:training-job/x",
        "DestinationArn": "arn:aws:sagemaker:us-east-1:123456789012:artifact/y",
        "AssociationType": "Produced",
    }
    with pytest.raises(MalformedArnError, match="not a lineage entity"):
        transform.association(record)
