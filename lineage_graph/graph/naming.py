"""Where a dataset lives, named as OpenLineage names it: the key on which both sources meet in the graph.

A SageMaker artifact is named by its source URI, an OpenLineage dataset by a ``(namespace, name)`` pair;
both become the same ``Location`` when they name the same object, so the join needs no knowledge of
either source. The rules are OpenLineage's naming conventions (https://openlineage.io/docs/spec/naming)
as the official clients implement them:

- S3: namespace ``s3://{bucket}``, name the object key without a leading or trailing slash, ``/`` for the
  bucket itself; ``s3a://`` and ``s3n://`` are ``s3://`` (openlineage-java ``FilesystemDatasetUtils``
  and its test ``FilesystemDatasetUtilsTestForS3``; openlineage-python ``naming.dataset.S3``).
- Glue Data Catalog tables: namespace ``arn:aws:glue:{region}:{account}``, name ``table/{db}/{table}``
  (openlineage-python ``naming.dataset.AWSGlue``); a Spark job reading a table by its path pairs the two
  names with the ``symlinks`` dataset facet.
"""

from __future__ import annotations

from dataclasses import dataclass

from lineage_graph.arn import Arn, MalformedArnError

_S3_SCHEMES = ("s3://", "s3a://", "s3n://")
_BUCKET_ROOT = "/"


@dataclass(frozen=True, order=True)
class Location:
    """A dataset's OpenLineage identity: ``namespace`` (where: a bucket, a catalog) and ``name`` (what)."""

    namespace: str
    name: str

    @property
    def uri(self) -> str:
        """One string for people: ``s3://bucket/key`` for S3, ``namespace/name`` otherwise."""
        if self.name == _BUCKET_ROOT:
            return self.namespace
        return f"{self.namespace}/{self.name}"

    def ancestors(self) -> list[Location]:
        """The prefixes that contain this location, nearest first (``a/b/c`` -> ``a/b``, ``a``).

        Only S3 nests: a Spark job that writes ``s3://b/events`` wrote what a training job reads from
        ``s3://b/events/2026/12``. Path segments, not characters: ``events-archive`` is not under ``events``.
        """
        if not self.namespace.startswith("s3://") or self.name == _BUCKET_ROOT:
            return []
        parts = self.name.split("/")
        return [Location(self.namespace, "/".join(parts[:i])) for i in range(len(parts) - 1, 0, -1)]


def normalised(namespace: str, name: str) -> Location:
    """A ``(namespace, name)`` pair as a producer sent it, in the one spelling the join compares.

    Producers differ in small ways the spec does not forbid: ``s3a://`` for ``s3://``, a leading slash
    (AWS's Glue lineage pages show ``/sales/orders``), a trailing slash on a prefix.
    """
    for scheme in _S3_SCHEMES:
        if namespace.startswith(scheme):
            bucket = namespace[len(scheme) :].strip("/")
            key = name.strip("/")
            return Location(f"s3://{bucket}", key or _BUCKET_ROOT)
    return Location(namespace, name)


def location_of_uri(uri: str) -> Location | None:
    """The location an S3 URI names (``s3://bucket/key/``), or None for anything else (an ECR image, an ARN)."""
    for scheme in _S3_SCHEMES:
        if uri.startswith(scheme):
            bucket, _, key = uri[len(scheme) :].partition("/")
            if not bucket:
                return None
            return normalised(f"s3://{bucket}", key)
    return None


def locations_named(text: str) -> list[Location]:
    """The ``(namespace, name)`` pairs whose ``Location.uri`` is ``text``: an S3 URI's one location, else
    every split at a ``/`` (``spark/etl.build_events`` is namespace ``spark``, name ``etl.build_events``;
    a namespace may hold slashes too). How a person names an OpenLineage dataset or job they cannot name by
    ARN."""
    location = location_of_uri(text)
    if location is not None:
        return [location]
    return [Location(text[:i], text[i + 1 :]) for i, ch in enumerate(text) if ch == "/" and 0 < i < len(text) - 1]


def glue_table(region: str, account: str, database: str, table: str) -> Location:
    """A Glue Data Catalog table, as OpenLineage names it."""
    return Location(f"arn:aws:glue:{region}:{account}", f"table/{database}/{table}")


@dataclass(frozen=True)
class JobName:
    """An OpenLineage job's identity: ``namespace`` and ``name``."""

    namespace: str
    name: str


def job_of_arn(arn: str) -> JobName:
    """The OpenLineage job name we give a SageMaker job (a training, processing or transform job's ARN).

    SageMaker AI sends its lineage to the Glue Data Catalog as OpenLineage events whose jobs are its training,
    processing and transform jobs and endpoints (https://docs.aws.amazon.com/sagemaker/latest/dg/lineage-tracking-ol-facets.md,
    producer ``https://aws.amazon.com/sagemaker/``), and Glue identifies a SageMaker AI resource in that graph
    by its resource ARN, ``arn:aws:sagemaker:us-west-2:111122223333:training-job/my-job``
    (https://docs.aws.amazon.com/glue/latest/dg/catalog-lineage-support-matrix.html, "Datasets"). Neither page
    says how the ARN is split into namespace and name. We split it as OpenLineage splits a Glue table's ARN
    (namespace ``arn:aws:glue:{region}:{account}``, name ``table/{db}/{table}``): namespace
    ``arn:aws:sagemaker:{region}:{account}``, name ``{resource}/{name}`` (``training-job/churn-train``), so that
    ``namespace + ":" + name`` is the ARN, the way Google's Data Lineage API shows a job
    (``Job.namespace + ":" + Job.name``, https://docs.cloud.google.com/dataplex/docs/openlineage-mapping).
    """
    prefix, sep, resource = arn.rpartition(":")
    if not sep or "/" not in resource:
        return JobName(arn, arn)
    return JobName(prefix, resource)


def is_endpoint_arn(arn: str) -> bool:
    """A SageMaker endpoint's ARN (``arn:aws:sagemaker:{region}:{account}:endpoint/{name}``)."""
    try:
        return Arn.parse(arn).resource_type == "endpoint"
    except MalformedArnError:
        return False


def arn_of_job(namespace: str, name: str) -> str | None:
    """The SageMaker resource ARN an OpenLineage job names, however the producer split it, else None.

    Since the split SageMaker AI's own events use is not documented (see ``job_of_arn``), every split that
    keeps the ARN whole is accepted: ours (``namespace:name``), the whole ARN as the name (any namespace), the
    whole ARN as the namespace, and the ARN cut at its last ``/`` (namespace ``...:training-job``, name
    ``churn-train``). Airflow's SageMaker operators name their job after the Airflow task instead
    (apache/airflow#31816); those join through the S3 datasets they read and write, not here.
    """
    for candidate in (f"{namespace}:{name}", name, namespace, f"{namespace}/{name}"):
        fields = candidate.split(":")
        if len(fields) == 6 and fields[0] == "arn" and fields[2] == "sagemaker" and "/" in fields[5]:
            return candidate
    return None
