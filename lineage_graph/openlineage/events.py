"""A SageMaker trial component, as the graph holds it, in OpenLineage's words: a run of its job, with events.

Each trial component is one run of one job:

- the job is ``graph.naming.job_of_arn(source_arn)``: ``arn:aws:sagemaker:{region}:{account}`` and
  ``training-job/{name}``, as SageMaker's own OpenLineage events identify a job by its ARN. A trial component
  with no job behind it (logged by hand with the Experiments SDK) is a job of its own ARN, split the same way
  (``experiment-trial-component/{name}``);
- the run ID is ``run_id(arn, created_at)``: a UUIDv7 from the trial component's creation time and its
  ARN, so every export gives the same ID and a receiver sees a second export as the same run;
- facets: ``jobType`` (``jobType`` TRAINING, PROCESSING, TRANSFORM; ``integration`` SAGEMAKER;
  ``processingType`` BATCH), ``processing_engine`` (SageMaker, at the version of its API the records come
  from) and, when a pipeline execution ran the job, ``parent``: that execution as a run of its pipeline's job;
- inputs are the artifacts with an association into the trial component (datasets, images, the model a
  transform applies: ContributedTo in SageMaker's automatic lineage), outputs the artifacts it has one to
  (Produced), named by ``dataset_of``; with them the URIs of its own input and output artifact values
  (``input.*``, ``output.*``), all a trial component logged by hand has; each dataset once;
- events follow the status: START at the start time, then COMPLETE, FAIL or ABORT at the end time for a
  Completed, Failed or Stopped one; a trial component still running (InProgress, Stopping) gets its START.

Each pipeline execution is a run of its own, of its pipeline's job (``job_of_arn`` of the pipeline's ARN,
``pipeline/{name}``), with the run ID its children's ``parent`` facet names (``ParentExecution``: the same
code makes both), so a receiver sees the children's parent as a run with a state and a job type, not only
an ID: ``jobType`` DAG (the spec's name for a run of a graph of tasks, as Airflow's DAG runs say), START at
its start time, then COMPLETE, FAIL or ABORT (Succeeded, Failed, Stopped) when its last step ended: the graph
has no end time for an execution (ListPipelineExecutions gives none), its steps' end times are the nearest.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from openlineage.client.event_v2 import InputDataset, Job, OutputDataset, Run, RunEvent, RunState
from openlineage.client.generated import job_type_job, parent_run, processing_engine_run
from openlineage.client.uuid import generate_static_uuid

from lineage_graph import __version__
from lineage_graph.graph.naming import JobName, Location, job_of_arn, location_of_uri

# The ``producer`` of every event and facet we write: lineage-graph, at this version.
PRODUCER = f"https://pypi.org/project/lineage-graph/{__version__}/"
INTEGRATION = "SAGEMAKER"
ENGINE_NAME = "SageMaker"
# SageMaker has no version a client can read; the API version its records come from is what we know.
ENGINE_VERSION = "2017-07-24"

JOB_TYPES = {
    "SageMakerTrainingJob": "TRAINING",
    "SageMakerProcessingJob": "PROCESSING",
    "SageMakerTransformJob": "TRANSFORM",
}
# A trial component without a job behind it: logged by hand (the Experiments SDK's run).
NO_JOB_TYPE = "TRIAL_COMPONENT"
# A pipeline: the spec's jobType facet names a run of a graph of tasks a DAG (QUERY|COMMAND|DAG|TASK|JOB|MODEL).
PIPELINE_JOB_TYPE = "DAG"

FINISHED: dict[str, RunState] = {
    "Completed": RunState.COMPLETE,
    "Failed": RunState.FAIL,
    "Stopped": RunState.ABORT,
}
# SageMaker's PipelineExecutionStatus: Executing and Stopping are still running (START only).
EXECUTION_FINISHED: dict[str, RunState] = {
    "Succeeded": RunState.COMPLETE,
    "Failed": RunState.FAIL,
    "Stopped": RunState.ABORT,
}
EXECUTION_RUNNING = frozenset({"Executing", "Stopping"})

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# An image reference: registry host (with a dot or a port, as Docker tells it from a Docker Hub path), then
# the repository and its tag or digest: ``683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1``.
_IMAGE = re.compile(r"^(?P<host>[a-z0-9.-]+\.[a-z0-9.-]+(?::\d+)?|[a-z0-9-]+:\d+)/(?P<name>[^\s]+)$", re.IGNORECASE)


def run_id(arn: str, created_at: datetime | None) -> UUID:
    """The run ID of a SageMaker entity: the same for every export, different for every entity.

    ``openlineage.client.uuid.generate_static_uuid``, the client's own deterministic UUIDv7 (48 bits of the
    instant in milliseconds, then a SHA-1 of the instant and the data), as Airflow's OpenLineage provider
    makes its run IDs: time-ordered like the random v7 the spec recommends, and stable. The instant is the
    creation time, not the start time: a trial component can be exported before its job starts, and a
    creation time never changes, so neither does the ID.
    """
    return generate_static_uuid(created_at or _EPOCH, arn.encode("utf-8"))


def _split_arn(arn: str) -> Location | None:
    """An ARN as OpenLineage names a Glue table's: namespace ``arn:{partition}:{service}:{region}:{account}``,
    name the resource (``model-package/churn/3``), so the two read back as the ARN."""
    fields = arn.split(":", 5)
    if len(fields) != 6 or fields[0] != "arn" or not fields[5]:
        return None
    return Location(":".join(fields[:5]), fields[5])


def dataset_of_uri(uri: str) -> Location | None:
    """The OpenLineage dataset a URI names, or None for a value that is no URI we can read.

    - S3: the naming spec's ``s3://{bucket}`` and key (``graph.naming.location_of_uri``), the location the
      join compares, so an exported dataset meets the same object from any other producer;
    - an ARN (a model package, another account's resource): split as OpenLineage splits a Glue table ARN;
    - a container image (ECR or another registry): namespace ``oci://{registry}``, name ``{repository}:{tag}``
      (or ``@digest``), the ``oci://`` scheme Helm and ORAS give images; the spec names no image;
    - any other URI ``scheme://authority/path``: the spec's generic rule, namespace ``scheme://authority``,
      name the path.
    """
    uri = uri.strip()
    location = location_of_uri(uri) or _split_arn(uri)
    if location is not None:
        return location
    image = _IMAGE.match(uri)
    if image and "://" not in uri:
        return Location(f"oci://{image['host'].lower()}", image["name"])
    parts = urlsplit(uri)
    if parts.scheme and parts.netloc:
        return Location(f"{parts.scheme}://{parts.netloc}", parts.path.strip("/") or "/")
    return None


def dataset_of(source_uri: str | None, arn: str) -> Location:
    """The dataset an artifact is: its source URI's (``dataset_of_uri``), else its own ARN, split."""
    return (source_uri and dataset_of_uri(source_uri)) or _split_arn(arn) or Location("sagemaker", arn)


def job_of(source_arn: str | None, trial_component_arn: str) -> JobName:
    """The job a trial component is a run of: its SageMaker job, or itself when it has none."""
    return job_of_arn(source_arn or trial_component_arn)


def pipeline_arn_of(execution_arn: str) -> str:
    """``arn:...:pipeline/churn/execution/abc`` -> ``arn:...:pipeline/churn``."""
    return execution_arn.split("/execution/", 1)[0]


@dataclass(frozen=True)
class ParentExecution:
    """The pipeline execution that ran a trial component's job."""

    arn: str
    start_time: datetime | None

    @property
    def run_id(self) -> UUID:
        return run_id(self.arn, self.start_time)

    @property
    def job(self) -> JobName:
        return job_of_arn(pipeline_arn_of(self.arn))


def parent_of(executions: Iterable[Mapping[str, Any]]) -> ParentExecution | None:
    """The execution a trial component is a child run of: the newest that ran its job (a cached step only
    reused it), as ``pipeline-execution`` answers; the newest of the cached ones when none ran it."""
    ranked = sorted(
        executions,
        key=lambda e: (not e.get("cache_hit"), e.get("start_time") or _EPOCH, e["arn"]),
        reverse=True,
    )
    if not ranked:
        return None
    return ParentExecution(ranked[0]["arn"], ranked[0].get("start_time"))


def _native(value: Any) -> Any:
    return value.to_native() if hasattr(value, "to_native") else value


@dataclass(frozen=True)
class TrialComponentRun:
    """One row of ``cypher/openlineage_export.cypher``, with the times as Python datetimes."""

    arn: str
    status: str | None
    source_arn: str | None
    source_type: str | None
    start_time: datetime | None
    end_time: datetime | None
    created_at: datetime | None
    modified_at: datetime | None
    inputs: tuple[Location, ...]
    outputs: tuple[Location, ...]
    parent: ParentExecution | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> TrialComponentRun:
        def datasets(side: str) -> tuple[Location, ...]:
            found = {dataset_of(a["source_uri"], a["arn"]) for a in row[f"{side}s"]}
            values = (dataset_of_uri(v) for v in row[f"{side}_values"] if isinstance(v, str))
            return tuple(sorted(found | {v for v in values if v is not None}))

        executions = [{**e, "start_time": _native(e.get("start_time"))} for e in row["executions"]]
        return cls(
            arn=row["arn"],
            status=row["status"],
            source_arn=row["source_arn"],
            source_type=row["source_type"],
            start_time=_native(row["start_time"]),
            end_time=_native(row["end_time"]),
            created_at=_native(row["created_at"]),
            modified_at=_native(row["modified_at"]),
            inputs=datasets("input"),
            outputs=datasets("output"),
            parent=parent_of(executions),
        )

    @property
    def run_id(self) -> UUID:
        return run_id(self.arn, self.created_at)

    @property
    def job(self) -> JobName:
        return job_of(self.source_arn, self.arn)

    def events(self) -> list[RunEvent]:
        """START, then the end the status says (none while it runs), each at its real time."""
        started = self.start_time or self.created_at or self.modified_at or _EPOCH
        end = FINISHED.get(self.status or "")
        ended = self.end_time or self.modified_at or started
        parent = self._parent_facet()
        return _run_events(
            str(self.run_id),
            self.job,
            JOB_TYPES.get(self.source_type or "") or _job_type(self.source_type),
            [(RunState.START, started), *([(end, ended)] if end is not None else [])],
            {"processing_engine": _engine_facet()} | ({"parent": parent} if parent else {}),
            inputs=[InputDataset(namespace=d.namespace, name=d.name) for d in self.inputs],
            outputs=[OutputDataset(namespace=d.namespace, name=d.name) for d in self.outputs],
        )

    def _parent_facet(self) -> parent_run.ParentRunFacet | None:
        if self.parent is None:
            return None
        job = self.parent.job
        run_id = str(self.parent.run_id)
        return parent_run.ParentRunFacet(
            run=parent_run.Run(runId=run_id),
            job=parent_run.Job(namespace=job.namespace, name=job.name),
            # A pipeline execution runs from no other: it is its own root.
            root=parent_run.Root(
                run=parent_run.RootRun(runId=run_id),
                job=parent_run.RootJob(namespace=job.namespace, name=job.name),
            ),
            producer=PRODUCER,
        )


@dataclass(frozen=True)
class PipelineExecutionRun:
    """One row of ``cypher/openlineage_export_executions.cypher``: a pipeline execution, a run of its own."""

    arn: str
    status: str | None
    start_time: datetime | None
    # The latest end time of its steps the graph has (EXECUTED relationships): its end, as near as we know.
    steps_ended: datetime | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> PipelineExecutionRun:
        ends = [_native(t) for t in row["step_ends"] if t is not None]
        return cls(
            arn=row["arn"],
            status=row["status"],
            start_time=_native(row["start_time"]),
            steps_ended=max(ends, default=None),
        )

    @property
    def identity(self) -> ParentExecution:
        """What its children's ``parent`` facet names: the same run ID and job, made by the same code."""
        return ParentExecution(self.arn, self.start_time)

    @property
    def running(self) -> bool:
        """Still running: its end is for a later export to send. (No status, an execution not from a listing,
        is not waited for.)"""
        return self.status in EXECUTION_RUNNING

    def events(self) -> list[RunEvent]:
        """START at its start time, then COMPLETE, FAIL or ABORT once it finished (at its last step's end)."""
        started = self.start_time or _EPOCH
        end = EXECUTION_FINISHED.get(self.status or "")
        ended = max(self.steps_ended or started, started)
        return _run_events(
            str(self.identity.run_id),
            self.identity.job,
            PIPELINE_JOB_TYPE,
            [(RunState.START, started), *([(end, ended)] if end is not None else [])],
            {"processing_engine": _engine_facet()},
        )


def _run_events(
    run_id: str,
    job: JobName,
    job_type: str,
    states: list[tuple[RunState, datetime]],
    run_facets: dict[str, Any],
    *,
    inputs: list[InputDataset] | None = None,
    outputs: list[OutputDataset] | None = None,
) -> list[RunEvent]:
    """A run's events, one per state at its time. The events of a run share their facet objects, each in a
    map of its own (the client adds its own facets to an event's map)."""
    return [
        RunEvent(
            eventType=state,
            eventTime=_iso(when),
            run=Run(runId=run_id, facets=dict(run_facets)),
            job=Job(namespace=job.namespace, name=job.name, facets={"jobType": _job_type_facet(job_type)}),
            inputs=inputs or [],
            outputs=outputs or [],
            producer=PRODUCER,
        )
        for state, when in states
    ]


@cache
def _engine_facet() -> processing_engine_run.ProcessingEngineRunFacet:
    return processing_engine_run.ProcessingEngineRunFacet(
        version=ENGINE_VERSION, name=ENGINE_NAME, openlineageAdapterVersion=__version__, producer=PRODUCER
    )


@cache
def _job_type_facet(job_type: str) -> job_type_job.JobTypeJobFacet:
    return job_type_job.JobTypeJobFacet(
        processingType="BATCH", integration=INTEGRATION, jobType=job_type, producer=PRODUCER
    )


def _job_type(source_type: str | None) -> str:
    """The job type of a source we have no name for (``SageMakerAutoMLJob`` -> ``AUTO_ML``): the source type
    without its SageMaker prefix and Job suffix, words in capitals; no source: a trial component alone."""
    if not source_type:
        return NO_JOB_TYPE
    words = re.findall(r"[A-Z]+(?![a-z])|[A-Z][a-z0-9]*", source_type.removeprefix("SageMaker").removesuffix("Job"))
    return "_".join(w.upper() for w in words) or NO_JOB_TYPE


def _iso(moment: datetime) -> str:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC).isoformat()
