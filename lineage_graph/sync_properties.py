"""The properties pass of a sync: artifacts' and actions' Properties, read after the lineage is in.

ListArtifacts and ListActions leave Properties (and CreatedBy, LastModifiedBy) out, so each entity needs a
Describe of its own; one whose source URI is a model package version's ARN (the package's artifact, its
approval action) also needs a DescribeModelPackage, where SageMaker keeps the approval and who made it. On a
first sync of a large account that is hours of calls, and the lineage should not wait for them. The pass
runs once the lineage is committed, reads only the entities the graph marks as new or changed since their
properties were last read (``graph.properties``), several at a time within ``--max-rps``, and writes a
page at a time: a repeat sync of an unchanged account makes no Describe call, and a killed one resumes
with what it had not written.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from lineage_graph.arn import Arn
from lineage_graph.graph import properties
from lineage_graph.graph.load import GraphWriter
from lineage_graph.graph.properties import PREFIXES, Needing, Read
from lineage_graph.sagemaker import kinds, transform
from lineage_graph.sagemaker.client import AccessDeniedError
from lineage_graph.sagemaker.crawl import Crawler

log = logging.getLogger(__name__)

PROPERTY_READERS = 8  # Describe calls at once (each is a round trip; the client's rate limit still holds)
PAGE = 200  # entities selected, described and written at a time: what a killed run reads again
_DENIED = object()
# The kinds whose properties come in this pass: those declared with a properties Describe.
PROPERTY_KINDS = tuple(kind.name for kind in kinds.KINDS if kind.properties is not None)
_DESCRIBES = {kind.properties.operation.name for kind in kinds.KINDS if kind.properties is not None}
_PACKAGE = kinds.DESCRIBE_MODEL_PACKAGE.name
# A model package that is gone leaves what was read of it while it existed (its approval stays history).
_PACKAGE_GONE_OWNS = tuple(p for p in PREFIXES if p != transform.MODEL_PACKAGE_PREFIX)


@dataclass(frozen=True)
class _Described:
    read: Read
    package: str | None  # "read", "gone" or "denied" when the node's source URI is a model package's ARN


@dataclass
class PropertiesReport:
    enabled: bool = True  # False with --no-properties (and on a dry run, which reads nothing it would write)
    read: int = 0  # entities described and written
    vanished: int = 0  # deleted in SageMaker between their listing and their Describe
    missing: int = 0  # the shard's artifacts and actions still without their current properties
    denied: dict[str, str] = field(default_factory=dict)  # Describe operation -> the IAM permission it lacks
    packages_read: int = 0  # model package versions described for the nodes written (their approval)
    packages_gone: int = 0  # ... that no longer exist (or never did in this account): no approval read
    packages_denied: int = 0  # ... of another account that the credentials may not describe (a shared registry)
    seconds: float = 0.0  # the pass's own time, its count of what is missing included

    def to_dict(self) -> dict[str, Any]:
        return {
            "enabled": self.enabled,
            "read": self.read,
            "vanished": self.vanished,
            "missing": self.missing,
            "denied": dict(sorted(self.denied.items())),
            "model_packages": {"read": self.packages_read, "gone": self.packages_gone, "denied": self.packages_denied},
            "seconds": round(self.seconds, 3),
        }


def sync_properties(
    crawler: Crawler,
    writer: GraphWriter,
    account: str,
    region: str,
    *,
    enabled: bool = True,
    page_size: int = PAGE,
    on_page: Callable[[str, int], object] = lambda kind, rows: None,
) -> PropertiesReport:
    """Read and store the properties the shard's artifacts and actions lack; say how many still do."""
    started = time.monotonic()
    report = PropertiesReport(enabled=enabled)

    def read(node: Needing) -> _Described | object | None:
        describe = kinds.BY_NAME[node.kind].properties
        package = node.source_uri if transform.is_model_package(node.source_uri) else None
        # Another account's package (a shared registry) may be denied on its own: that denial is the node's.
        elsewhere = package is not None and Arn.parse(package).account != account
        needs = [op for op in (describe.operation.name if describe else None, _PACKAGE if package else None) if op]
        if any(op in report.denied for op in needs if not (elsewhere and op == _PACKAGE)):
            return _DENIED  # left unwritten: counted missing, and read by a later run that is allowed
        try:
            record = crawler.properties(node.kind, node.arn, node.name)
            if record is None:
                return None
            props = transform.described(record)
            if package is None:
                return _Described(Read(props), None)
            found = crawler.model_package(package)
        except AccessDeniedError as err:
            if elsewhere and err.operation == _PACKAGE:
                log.info("%s for %s, another account's model package: its approval is not read", err, package)
                return _Described(Read(props, _PACKAGE_GONE_OWNS), "denied")
            log.warning("%s; the artifacts and actions that need it are left unread", err)
            report.denied[err.operation] = err.permission
            return _DENIED
        if found is None:
            return _Described(Read(props, _PACKAGE_GONE_OWNS), "gone")
        return _Described(Read(props | transform.model_package(found)), "read")

    if enabled:
        after = ""
        with ThreadPoolExecutor(PROPERTY_READERS, thread_name_prefix="properties") as pool:
            while not report.denied.keys() >= _DESCRIBES and (
                page := properties.needing(writer, PROPERTY_KINDS, account, region, after, page_size)
            ):
                after = page[-1].arn
                described = list(pool.map(read, page))
                report.vanished += sum(1 for found in described if found is None)
                found = [(node, d) for node, d in zip(page, described, strict=True) if isinstance(d, _Described)]
                written = properties.write(writer, [(node, d.read) for node, d in found])
                report.read += written
                report.packages_read += sum(1 for _, d in found if d.package == "read")
                report.packages_gone += sum(1 for _, d in found if d.package == "gone")
                report.packages_denied += sum(1 for _, d in found if d.package == "denied")
                on_page("Properties", written)
    report.missing = properties.missing(writer, PROPERTY_KINDS, account, region)
    report.seconds = time.monotonic() - started
    return report
