"""The demo's upstream: the nightly ETL's OpenLineage events (sandbox/upstream.py), posted with the official
client to `serve` over the synced demo account, join the SageMaker side where `make demo` says they do."""

from __future__ import annotations

from fixtures.serve_process import ServeProcess
from neo4j import Driver
from openlineage.client.serde import Serde

from lineage_graph.openlineage.schema import validate
from lineage_graph.query.explore import GraphQueries, InvestigationQueries
from lineage_graph.query.lookups import Direction
from lineage_graph.sandbox.upstream import etl_events
from lineage_graph.settings import Neo4jSettings

REGION, ACCOUNT = "us-east-1", "123456789012"
CHURN_ENDPOINT = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:context/churn-prod-aws-endpoint"
FRAUD_ENDPOINT = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:context/fraud-prod-aws-endpoint"


def test_every_demo_event_is_valid_openlineage() -> None:
    for event in etl_events(REGION, ACCOUNT):
        assert validate(Serde.to_dict(event), strict_facets=True) == []


def test_the_churn_endpoint_reaches_the_etl_runs_and_their_landing_data(
    serve: ServeProcess, synced_driver: Driver, neo4j_settings: Neo4jSettings
) -> None:
    upstream = GraphQueries(synced_driver, neo4j_settings.database).lineage_across(CHURN_ENDPOINT, Direction.ASCENDANTS)
    reached = {(v.type, v.job or v.uri) for v in upstream.vertices if v.lineage_type == "OpenLineage"}
    assert reached == {
        ("Dataset", "s3://acme-ml-raw/crm/customers"),  # contains the customers.parquet the job reads
        ("Dataset", "s3://acme-ml-raw/web/clickstream"),
        ("Run", "acme-emr/nightly_landing_to_raw.crm_customers"),
        ("Run", "acme-emr/nightly_landing_to_raw.web_clickstream"),
        ("Dataset", "s3://acme-landing/crm/customers"),
        ("Dataset", "s3://acme-landing/web/clickstream"),
        ("Dataset", f"arn:aws:glue:{REGION}:{ACCOUNT}/table/landing/crm_customers"),  # the symlinks facet
    }  # and not the payments ETL: churn trains on no transactions


def test_the_landing_zones_impact_reaches_only_the_models_built_on_it(
    serve: ServeProcess, synced_driver: Driver, neo4j_settings: Neo4jSettings
) -> None:
    impact = InvestigationQueries(synced_driver, neo4j_settings.database).impact("s3://acme-landing/payments/")
    uris = {entity.uri for entity in impact}
    assert FRAUD_ENDPOINT in uris
    assert CHURN_ENDPOINT not in uris
    assert "s3://acme-ml-raw/payments/transactions" in uris
