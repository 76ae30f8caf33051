"""The explorer's impact view (``GET /api/v1/impact``): everything downstream of a dataset or an S3 prefix,
across both sources, grouped as a person deciding whether to delete or fix data reads it.

The walk is ``InvestigationQueries.impact`` (``cypher/impact.cypher``, what ``lineage-graph impact``
asks), which starts from a prefix: an S3 URI or prefix as given, an OpenLineage dataset's S3 location, or
an artifact's source URI (so an artifact's impact is also that of the data under its location).
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass

from lineage_graph.graph.naming import location_of_uri
from lineage_graph.query.explore import ImpactedEntity, InvestigationQueries
from lineage_graph.query.lineage_view import LineageViews
from lineage_graph.query.refs import DATASET, JOB, RUN, BadRefError, kind_of

# Groups in the order the page shows them, by impact.cypher's kinds; a kind not named here is "other".
GROUPS: dict[str, tuple[str, ...]] = {
    "jobs": ("job", "openlineage_run", "openlineage_job"),
    "models": ("model", "model_package", "model_group"),
    "endpoints": ("endpoint",),
    "datasets": ("dataset", "openlineage_dataset"),
    "other": (),
}
_GROUP_OF = {kind: group for group, kinds in GROUPS.items() for kind in kinds}
_OPENLINEAGE_REF = {"openlineage_dataset": DATASET, "openlineage_job": JOB, "openlineage_run": RUN}
CSV_COLUMNS = ("group", "name", "kind", "type", "depth", "source_uri", "ref")
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP's CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ImpactRow:
    """One entity downstream, as a table row: ``kind`` is the node kind's label (TrialComponent,
    OpenLineageRun, ...), ``source_uri`` where it is (an artifact's S3 URI, a job's ARN, a run's job)."""

    ref: str
    name: str
    kind: str
    type: str | None
    depth: int
    source_uri: str | None
    source: str


@dataclass(frozen=True)
class Impact:
    ref: str
    prefix: str
    groups: dict[str, list[ImpactRow]]

    def as_json(self) -> dict[str, object]:
        return {
            "ref": self.ref,
            "prefix": self.prefix,
            "count": sum(len(rows) for rows in self.groups.values()),
            "groups": [
                {"group": group, "count": len(rows), "entities": [asdict(row) for row in rows]}
                for group, rows in self.groups.items()
            ],
        }

    def as_csv(self) -> str:
        """One line per entity, with its group; a text cell a spreadsheet would run as a formula starts
        with a ``'``, which makes it text."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        for group, rows in self.groups.items():
            for row in rows:
                cells = (group, row.name, row.kind, row.type, row.depth, row.source_uri, row.ref)
                writer.writerow([_inert(cell) for cell in cells])
        return out.getvalue()


def _inert(cell: object) -> object:
    if isinstance(cell, str) and cell.startswith(_FORMULA_STARTS):
        return "'" + cell
    return "" if cell is None else cell


def impact_row(entity: ImpactedEntity) -> ImpactRow:
    if entity.arn is not None:
        kind, source = entity.lineage_type or "LineageEntity", "SageMaker"
        ref, source_uri = entity.arn, entity.source_uri or entity.source_arn
    else:
        kind, source = f"OpenLineage{entity.type}", "OpenLineage"
        ref, source_uri = _OPENLINEAGE_REF[entity.kind] + entity.uri, entity.source_uri or entity.job
    return ImpactRow(ref, entity.name or entity.uri, kind, entity.type, entity.depth, source_uri, source)


class ImpactViews(LineageViews):
    def prefix(self, ref: str) -> str:
        """The prefix whose impact ``ref`` asks for: an S3 URI as given, else the S3 location of the
        OpenLineage dataset or the source URI of the artifact it names."""
        if ref.startswith("s3://"):
            return ref
        node = self.start(ref)
        kind = kind_of(node)
        if kind == "OpenLineageDataset":
            uri = str(node["uri"])
            if location_of_uri(uri) is None:
                raise BadRefError(f"impact starts from data in S3; {uri!r} is not")
            return uri
        if kind == "Artifact" and node["source_uri"]:
            return str(node["source_uri"])
        raise BadRefError(f"impact starts from a dataset or an S3 prefix; {ref!r} is {kind} {node.get('type')}")

    def impact(self, ref: str) -> Impact:
        prefix = self.prefix(ref)
        reached = InvestigationQueries(self.db.driver, self.db.name).impact(prefix)
        groups: dict[str, list[ImpactRow]] = {group: [] for group in GROUPS}
        for entity in reached:
            groups[_GROUP_OF.get(entity.kind, "other")].append(impact_row(entity))
        for rows in groups.values():
            rows.sort(key=lambda row: (row.depth, row.name, row.ref))
        return Impact(ref, prefix, groups)
