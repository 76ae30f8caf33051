"""The demo account's upstream: the OpenLineage events of the nightly ETL that builds its raw datasets.

SageMaker never sees how ``s3://acme-ml-raw/...`` was made. In the demo, an Airflow DAG run starts three
Spark jobs that copy the landing zone into the raw bucket, and they report it as OpenLineage run events,
as the OpenLineage Spark and Airflow integrations would: the S3 prefix each writes holds the file a
SageMaker processing job reads (a ``contains`` join), and the CRM job reads its landing data through a
Glue table (a ``symlinks`` facet). ``lineage-graph demo`` posts these events, so one question crosses both
systems: which ETL run and raw inputs are behind the ``churn-prod`` endpoint.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from openlineage.client import OpenLineageClient
from openlineage.client.event_v2 import InputDataset, Job, OutputDataset, Run, RunEvent, RunState
from openlineage.client.facet_v2 import job_type_job, parent_run, symlinks_dataset
from openlineage.client.generated.base import DatasetFacet
from openlineage.client.transport.http import HttpConfig, HttpTransport

from lineage_graph.graph.naming import Location, glue_table, location_of_uri

PRODUCER = "https://github.com/lineage-graph/lineage-graph/demo"
AIRFLOW_NAMESPACE = "acme-airflow"
SPARK_NAMESPACE = "acme-emr"
DAG = "nightly_landing_to_raw"
# Seconds a post may take: enough for a cold Neo4j's first transaction behind serve.
POST_TIMEOUT = 30.0
LANDING = "s3://acme-landing"
# What each Spark task reads from the landing zone and writes to the raw bucket (seed.py reads files under
# these prefixes: crm/customers/customers.parquet, payments/transactions/..., web/clickstream/...).
TASKS = {
    "crm_customers": (f"{LANDING}/crm/customers/", "s3://acme-ml-raw/crm/customers/"),
    "payments_transactions": (f"{LANDING}/payments/transactions/", "s3://acme-ml-raw/payments/transactions/"),
    "web_clickstream": (f"{LANDING}/web/clickstream/", "s3://acme-ml-raw/web/clickstream/"),
}
# The landing CRM export is also the Glue table landing.crm_customers (how Spark reports a table read by path).
CRM_TABLE = ("landing", "crm_customers")
# The same run IDs on every demo: posting them again updates the runs instead of adding new ones.
_RUN_IDS = uuid.UUID("6f1b0a52-4b7e-4c55-9d8e-6a1f3b2c9e01")


def _named(uri: str) -> Location:
    """An S3 URI as OpenLineage's Spark integration names it (``graph.naming``)."""
    location = location_of_uri(uri)
    if location is None:
        raise ValueError(f"not an S3 URI: {uri}")
    return location


def etl_events(region: str, account: str, finished_at: datetime | None = None) -> list[RunEvent]:
    """START and COMPLETE of the DAG run and of its three Spark tasks, an hour before ``finished_at``."""
    end = finished_at or datetime.now(UTC)
    start = end - timedelta(hours=1)
    dag_run = Run(runId=str(uuid.uuid5(_RUN_IDS, DAG)))
    dag_job = Job(namespace=AIRFLOW_NAMESPACE, name=DAG)
    table = glue_table(region, account, *CRM_TABLE)
    events = [
        RunEvent(eventType=RunState.START, eventTime=start.isoformat(), run=dag_run, job=dag_job, producer=PRODUCER)
    ]
    for offset, (task, (source, target)) in enumerate(TASKS.items()):
        parent = parent_run.ParentRunFacet(
            run=parent_run.Run(runId=dag_run.runId), job=parent_run.Job(namespace=AIRFLOW_NAMESPACE, name=DAG)
        )
        run = Run(runId=str(uuid.uuid5(_RUN_IDS, f"{DAG}.{task}")), facets={"parent": parent})
        job = Job(
            namespace=SPARK_NAMESPACE,
            name=f"{DAG}.{task}",
            facets={
                "jobType": job_type_job.JobTypeJobFacet(processingType="BATCH", integration="SPARK", jobType="JOB")
            },
        )
        input_facets: dict[str, DatasetFacet] = {}
        if task == "crm_customers":
            link = symlinks_dataset.Identifier(namespace=table.namespace, name=table.name, type="TABLE")
            input_facets["symlinks"] = symlinks_dataset.SymlinksDatasetFacet(identifiers=[link])
        read, written = _named(source), _named(target)
        inputs = [InputDataset(namespace=read.namespace, name=read.name, facets=input_facets)]
        outputs = [OutputDataset(namespace=written.namespace, name=written.name)]
        began = start + timedelta(minutes=5 + 15 * offset)
        for state, at in ((RunState.START, began), (RunState.COMPLETE, began + timedelta(minutes=12))):
            events.append(
                RunEvent(
                    eventType=state,
                    eventTime=at.isoformat(),
                    run=run,
                    job=job,
                    inputs=inputs,
                    outputs=outputs,
                    producer=PRODUCER,
                )
            )
    events.append(
        RunEvent(eventType=RunState.COMPLETE, eventTime=end.isoformat(), run=dag_run, job=dag_job, producer=PRODUCER)
    )
    return events


def post(url: str, events: list[RunEvent]) -> None:
    """Send the events as any OpenLineage producer does: the official client's HTTP transport.

    With a timeout of its own: the client's 5 s default can be shorter than serve's first write to a Neo4j
    that has just started (the demo starts one) on a loaded machine."""
    client = OpenLineageClient(transport=HttpTransport(HttpConfig(url=url, timeout=POST_TIMEOUT)))
    for event in events:
        client.emit(event)
