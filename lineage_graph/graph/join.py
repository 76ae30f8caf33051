"""The join: an OpenLineage dataset or job and a SageMaker entity that name the same object become one place.

``(a)-[:SAME_OBJECT {rule}]->(b)`` is stored in both directions, so a directed walk (upstream or downstream)
crosses it whichever source the data came from (docs/openlineage.md). The rules, all on
``graph.naming``'s spelling of a location:

- ``location``: an OpenLineage dataset and an artifact whose ``source_uri`` is the same location;
- ``contains`` / ``within``: one S3 location is a whole-segment path prefix of the other (``a contains b``,
  ``b within a``), between an OpenLineage dataset and an artifact, never from a bucket root;
- ``symlink``: two OpenLineage datasets a ``symlinks`` facet pairs (an S3 path and its Glue table);
- ``job_arn``: an OpenLineage job whose name is a SageMaker job's ARN (``naming.arn_of_job``) and the trial
  component whose ``source_arn`` is that ARN;
- ``endpoint_arn``: an OpenLineage job whose name is a SageMaker endpoint's ARN (SageMaker AI reports its
  endpoints as jobs) and the endpoint's context, whose ``source_uri`` is that ARN (not the deployment
  actions, which carry the same source URI).

Each side's load calls the function for what it just wrote, and each function looks for the other side
already in the graph: whichever arrives first, the later load makes the edge, and rerunning changes
nothing (MERGE). An artifact keeps its location as ``location_namespace`` / ``location_name`` (indexed), so
a dataset finds its artifacts, prefixes included, by index seeks. Source-neutral: it takes ARNs, URIs and
``(namespace, name)`` pairs, never a SageMaker record or an OpenLineage event.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from lineage_graph.graph import model
from lineage_graph.graph.naming import Location, arn_of_job, is_endpoint_arn, location_of_uri, normalised

# A write statement as GraphWriter runs it: ``run(query, **params)`` -> the driver's EagerResult.
Run = Callable[..., Any]
BATCH = 1000

_SAME = f"`{model.SAME_OBJECT}`"
_ARTIFACT = model.ARTIFACT.label
_CONTEXT = model.CONTEXT.label
_ENDPOINT_TYPE = model.ENDPOINT_TYPE
_DATASET = model.OPENLINEAGE_DATASET
_BUCKET_ROOT = "/"

# Both directions of each match: the rule from the first node to the second, and back.
_MERGE_BOTH = f"""
    MERGE (x)-[:{_SAME} {{rule: rule}}]->(y)
    MERGE (y)-[:{_SAME} {{rule: back}}]->(x)
"""


def _join_locations(label: str, namespace: str, name: str) -> str:
    """The location rules from ``x`` at ``row``'s location to the ``label`` nodes whose location is in their
    properties ``namespace`` / ``name``: the same place, a place above it, a place under it (not from a
    bucket root: ``row.contains``). One text for both directions, so the rules cannot drift apart; the
    label and property names are the declared ones above, never input."""
    return f"""
    CALL (x, row) {{
        MATCH (y:{label} {{{namespace}: row.namespace, {name}: row.name}})
        RETURN y, 'location' AS rule, 'location' AS back
        UNION
        UNWIND row.ancestors AS ancestor
        MATCH (y:{label} {{{namespace}: row.namespace, {name}: ancestor}})
        RETURN y, 'within' AS rule, 'contains' AS back
        UNION
        WITH row
        WHERE row.contains
        MATCH (y:{label})
        WHERE y.{namespace} = row.namespace AND y.{name} STARTS WITH row.name + '/'
        RETURN y, 'contains' AS rule, 'within' AS back
    }}
    {_MERGE_BOTH}"""


_ARTIFACTS = f"""
    UNWIND $rows AS row
    MATCH (x:{model.ENTITY_LABEL} {{arn: row.arn}})
    WHERE x:{_ARTIFACT} AND NOT x:{model.PLACEHOLDER_LABEL}
    // A location that moved (or went: no longer S3) takes its old edges with it.
    CALL (x, row) {{
        WITH x, row
        WHERE NOT coalesce(x.location_namespace = row.namespace AND x.location_name = row.name,
                           x.location_namespace IS NULL AND row.namespace IS NULL)
        CALL (x) {{ MATCH (x)-[old:{_SAME}]-() DELETE old }}
        SET x.location_namespace = row.namespace, x.location_name = row.name
    }}
    WITH x, row
    WHERE row.namespace IS NOT NULL
    {_join_locations(_DATASET, "namespace", "name")}
"""

_DATASETS = f"""
    UNWIND $rows AS row
    MATCH (x:{_DATASET} {{namespace: row.namespace, name: row.name}})
    {_join_locations(_ARTIFACT, "location_namespace", "location_name")}
"""

# A dataset's symlinks are its newest ``symlinks`` facet's (the loader wrote its version just before): only
# the batch that carries that version pairs and unpairs, so an older event replayed later changes nothing.
# The dataset keeps their uris (``symlink_uris``); a pair stays joined while either side's newest facet
# names the other. A name any version gives is a dataset (the facet names one), made here when it has not
# arrived as one of its own, whichever version is newest, so that arrival order does not decide which
# datasets exist; the caller joins them to artifacts like any other.
_SYMLINKS = f"""
    UNWIND $rows AS row
    MATCH (x:{_DATASET} {{namespace: row.namespace, name: row.name}})
    CALL (row) {{
        UNWIND row.others AS other
        MERGE (y:{_DATASET} {{namespace: other.namespace, name: other.name}})
        ON CREATE SET y:{model.OPENLINEAGE_LABEL}, y.uri = other.uri
    }}
    WITH x, row
    WHERE x.`{model.FACET_VERSION_PREFIX}symlinks` = row.version
    SET x.{model.SYMLINK_URIS} = row.other_uris
    WITH x, row
    CALL (x, row) {{
        MATCH (x)-[old:{_SAME} {{rule: 'symlink'}}]-(y)
        WHERE NOT y.uri IN row.other_uris AND NOT x.uri IN coalesce(y.{model.SYMLINK_URIS}, [])
        DELETE old
    }}
    UNWIND row.others AS other
    MATCH (y:{_DATASET} {{namespace: other.namespace, name: other.name}})
    WITH x, y, 'symlink' AS rule, 'symlink' AS back
    WHERE x <> y
    {_MERGE_BOTH}
"""

_JOBS = f"""
    UNWIND $rows AS row
    MATCH (x:{model.OPENLINEAGE_JOB} {{namespace: row.namespace, name: row.name}})
    SET x.sagemaker_job_arn = row.arn
    WITH x, row
    CALL (row) {{
        MATCH (y:{model.TRIAL_COMPONENT.label} {{source_arn: row.arn}})
        RETURN y, 'job_arn' AS rule
        UNION
        WITH row
        WHERE row.endpoint
        MATCH (y:{_CONTEXT} {{source_uri: row.arn}})
        WHERE y.type = '{_ENDPOINT_TYPE}'
        RETURN y, 'endpoint_arn' AS rule
    }}
    WITH x, y, rule, rule AS back
    {_MERGE_BOTH}
"""

_ENDPOINTS = f"""
    UNWIND $rows AS row
    MATCH (x:{model.OPENLINEAGE_JOB} {{sagemaker_job_arn: row.source_uri}})
    MATCH (y:{model.ENTITY_LABEL} {{arn: row.arn}})
    WHERE y:{_CONTEXT} AND y.type = '{_ENDPOINT_TYPE}' AND y.source_uri = row.source_uri
    WITH x, y, 'endpoint_arn' AS rule, 'endpoint_arn' AS back
    {_MERGE_BOTH}
"""

_TRIAL_COMPONENTS = f"""
    UNWIND $rows AS row
    MATCH (x:{model.OPENLINEAGE_JOB} {{sagemaker_job_arn: row.source_arn}})
    MATCH (y:{model.ENTITY_LABEL} {{arn: row.arn}})
    WHERE y:{model.TRIAL_COMPONENT.label} AND y.source_arn = row.source_arn
    WITH x, y, 'job_arn' AS rule, 'job_arn' AS back
    {_MERGE_BOTH}
"""


def _batched(rows: list[dict[str, Any]]) -> Iterable[list[dict[str, Any]]]:
    return (rows[i : i + BATCH] for i in range(0, len(rows), BATCH))


def _write(run: Run, query: str, rows: list[dict[str, Any]]) -> int:
    """Run ``query`` over ``rows`` a batch at a time; the SAME_OBJECT relationships it created."""
    return sum(int(run(query, rows=batch).summary.counters.relationships_created) for batch in _batched(rows))


def _location_row(location: Location) -> dict[str, Any]:
    return {
        "namespace": location.namespace,
        "name": location.name,
        "ancestors": [a.name for a in location.ancestors()],
        "contains": location.namespace.startswith("s3://") and location.name != _BUCKET_ROOT,
    }


def join_artifacts(run: Run, artifacts: Iterable[tuple[str, str | None]]) -> int:
    """After artifacts ``(arn, source_uri)`` are written: store each one's location (none for a URI that is
    not S3) and join it to the OpenLineage datasets at, above or under it. Returns relationships created."""
    rows: list[dict[str, Any]] = []
    for arn, source_uri in artifacts:
        location = location_of_uri(source_uri) if source_uri else None
        if location is None:
            rows.append({"arn": arn, "namespace": None, "name": None, "ancestors": []})
        else:
            rows.append({"arn": arn, **_location_row(location)})
    return _write(run, _ARTIFACTS, rows)


def join_datasets(run: Run, datasets: Iterable[tuple[str, str]]) -> int:
    """After OpenLineage datasets ``(namespace, name)`` are written (spelt by ``naming.normalised``): join
    each one to the artifacts at, above or under it. Returns relationships created."""
    rows = [_location_row(normalised(namespace, name)) for namespace, name in datasets]
    return _write(run, _DATASETS, rows)


def join_symlinks(run: Run, datasets: Iterable[tuple[Location, str, Iterable[Location]]]) -> int:
    """After datasets are written with a ``symlinks`` facet: ``(dataset, facet version, other names)``, the
    names of that version of the facet. Where that version is the dataset's newest, its pairs become those
    names: each other name becomes a dataset when it is not one yet, joined to the artifacts at its location,
    and a pair neither side's newest facet names any more is unjoined. Returns relationships created."""
    rows: list[dict[str, Any]] = []
    others: dict[Location, None] = {}
    for dataset, version, names in datasets:
        named = sorted(set(names))
        rows.append(
            {
                "namespace": dataset.namespace,
                "name": dataset.name,
                "version": version,
                "others": [{"namespace": o.namespace, "name": o.name, "uri": o.uri} for o in named],
                "other_uris": [o.uri for o in named],
            }
        )
        others.update(dict.fromkeys(named))
    created = _write(run, _SYMLINKS, rows)
    return created + join_datasets(run, ((o.namespace, o.name) for o in others))


def join_jobs(run: Run, jobs: Iterable[tuple[str, str]]) -> int:
    """After OpenLineage jobs ``(namespace, name)`` are written: a job that names a SageMaker job's ARN keeps
    it (``sagemaker_job_arn``, indexed) and joins that job's trial component, or the endpoint's context.
    Returns relationships created."""
    rows = [
        {"namespace": ns, "name": name, "arn": arn, "endpoint": is_endpoint_arn(arn)}
        for ns, name in jobs
        if (arn := arn_of_job(ns, name))
    ]
    return _write(run, _JOBS, rows)


def plan_openlineage_joins(run: Run) -> None:
    """Plan the statements an OpenLineage load joins with, on empty batches (``OpenLineageWriter.prepare``)."""
    for query in (_DATASETS, _SYMLINKS, _JOBS):
        run(query, rows=[])


def join_trial_components(run: Run, trial_components: Iterable[tuple[str, str | None]]) -> int:
    """After trial components ``(arn, source_arn)`` are written: join each to the OpenLineage job that names
    its job's ARN. Returns relationships created."""
    rows = [{"arn": arn, "source_arn": source} for arn, source in trial_components if source]
    return _write(run, _TRIAL_COMPONENTS, rows)


def join_endpoints(run: Run, contexts: Iterable[tuple[str, str | None]]) -> int:
    """After contexts ``(arn, source_uri)`` are written: join each endpoint's context to the OpenLineage job
    that names the endpoint's ARN. Returns relationships created."""
    rows = [{"arn": arn, "source_uri": uri} for arn, uri in contexts if uri and is_endpoint_arn(uri)]
    return _write(run, _ENDPOINTS, rows)
