"""OpenLineage's three kinds and four relationship types, declared once (docs/openlineage.md).

The loader takes every label, key and relationship type it writes from here, so Cypher never names one
that is not declared; the schema file (``cypher/schema.cypher``) holds a uniqueness constraint per kind
on exactly the key declared here, which a test checks.
"""

from __future__ import annotations

from dataclasses import dataclass

from lineage_graph.graph.model import NodeKind

# Every OpenLineage node carries this label beside its kind's, as every SageMaker one carries LineageEntity.
SOURCE_LABEL = "OpenLineage"


@dataclass(frozen=True)
class OpenLineageKind:
    """A kind of OpenLineage node: its graph kind (label) and the properties that identify it."""

    kind: NodeKind
    key: tuple[str, ...]

    @property
    def label(self) -> str:
        return self.kind.label

    @property
    def labels(self) -> tuple[str, str]:
        return (SOURCE_LABEL, self.kind.label)


# ``lineage=False``: SageMaker's association APIs know nothing of these kinds.
JOB = OpenLineageKind(NodeKind("OpenLineageJob", lineage=False), ("namespace", "name"))
RUN = OpenLineageKind(NodeKind("OpenLineageRun", lineage=False), ("run_id",))
DATASET = OpenLineageKind(NodeKind("OpenLineageDataset", lineage=False), ("namespace", "name"))
KINDS: tuple[OpenLineageKind, ...] = (JOB, RUN, DATASET)

# OpenLineage's own vocabulary, apart from SageMaker's association types: data flows along READ_BY and WROTE.
RUN_OF = "RUN_OF"  # (run)-[:RUN_OF]->(job)
READ_BY = "READ_BY"  # (dataset)-[:READ_BY]->(run | job): an input
WROTE = "WROTE"  # (run | job)-[:WROTE]->(dataset): an output
CHILD_OF = "CHILD_OF"  # (run)-[:CHILD_OF]->(run): the parent run facet
RELATIONSHIP_TYPES: tuple[str, ...] = (RUN_OF, READ_BY, WROTE, CHILD_OF)
