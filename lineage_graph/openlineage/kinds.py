"""OpenLineage's three kinds and four relationship types, declared once (docs/openlineage.md).

The graph side of each kind is a ``graph.model.NodeKind`` (label, key, looks, the README's words), as every
source declares its kinds; the loader takes every label, key and relationship type it writes from here,
so Cypher never names one that is not declared.
"""

from __future__ import annotations

from lineage_graph.graph.model import Indexed, NodeKind, Source, Style

OPENLINEAGE = Source("OpenLineage", "OpenLineage", style=Style(caption="{name}"))

JOB = NodeKind(
    "OpenLineageJob",
    OPENLINEAGE,
    ("namespace", "name"),
    "job",
    "namespace, name, uri (`namespace/name`), first_event_at, last_event_at (its events' earliest and latest "
    "`eventTime`), `facet.<facet>.<field>` (job facets), `facet_version.<facet>`",
    Style("#9c755f", "#6f5243"),
    indexed=(
        Indexed(
            ("sagemaker_job_arn",),
            "The join (graph.join): a trial component finds the OpenLineage job that names its job's ARN.",
        ),
        Indexed(("uri", "name"), "The explorer names a job by its uri (namespace/name), and finds it by name."),
    ),
    searched=("uri",),
)
RUN = NodeKind(
    "OpenLineageRun",
    OPENLINEAGE,
    ("run_id",),
    "run",
    "run_id, state (by precedence, not arrival: COMPLETE, FAIL, ABORT over RUNNING over START over OTHER), "
    "started_at, ended_at, event_time (the latest event), job_namespace, job_name, `facet.<facet>.<field>` "
    "(run facets), `facet_version.<facet>`",
    Style("#d7b5a6", "#9c755f", text="#000000", caption="{job_name}"),
)
DATASET = NodeKind(
    "OpenLineageDataset",
    OPENLINEAGE,
    ("namespace", "name"),
    "dataset",
    "namespace, name (as `graph.naming.normalised` spells them), uri, `facet.<facet>.<field>` (dataset facets: "
    "`facet.symlinks.identifiers.name`, `facet.schema.fields.name`, ...), `facet_version.<facet>`, symlink_uris "
    "(the uris its newest `symlinks` facet names, for the join)",
    Style("#8cd17d", "#59a14f", text="#000000", caption="{uri}"),
    indexed=(
        Indexed(("uri",), "Lookups name an OpenLineage dataset by its URI (s3://bucket/key)."),
        Indexed(("name",), "The explorer's search finds a dataset by its name, exactly and by prefix."),
    ),
    searched=("uri",),
)
NODE_KINDS: tuple[NodeKind, ...] = (JOB, RUN, DATASET)

# OpenLineage's own vocabulary, apart from SageMaker's association types: data flows along READ_BY and WROTE.
RUN_OF = "RUN_OF"  # (run)-[:RUN_OF]->(job)
READ_BY = "READ_BY"  # (dataset)-[:READ_BY]->(run | job): an input
WROTE = "WROTE"  # (run | job)-[:WROTE]->(dataset): an output
CHILD_OF = "CHILD_OF"  # (run)-[:CHILD_OF]->(run): the parent run facet
RELATIONSHIP_TYPES: tuple[str, ...] = (RUN_OF, READ_BY, WROTE, CHILD_OF)
# The facets of one read or write (statistics of that input or output: rowCount, size, ...), which an event
# gives a dataset beside its own facets: kept on the READ_BY or WROTE relationship, flattened as a run's
# facets are (``facet.<facet>.<field>``, ``facet_version.<facet>``, the newest version of each).
IO_FACETS: dict[str, str] = {READ_BY: "inputFacets", WROTE: "outputFacets"}
# Structure beside the data flow is drawn faint, as SageMaker's trials and experiments are.
RELATIONSHIP_STYLES: dict[str, Style] = {RUN_OF: Style("#d9d4c7"), CHILD_OF: Style("#d9d4c7")}


def labels(kind: NodeKind) -> tuple[str, str]:
    """A node's labels: its source's, then its kind's."""
    return (kind.source.label, kind.label)
