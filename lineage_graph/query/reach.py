"""Depths of the entities a reach query returned: breadth-first search over their ``away_from_start`` lists.

Neo4j finds everything reachable from an entity quickly (a pruning breadth-first expansion), but asking it
for a shortest path to each reached entity (``ANY SHORTEST``) builds every path: the cost is the sum of
all depths, seconds where a chain of models retrained from their predecessors runs thousands of hops
deep. So the reach queries (cypher/lineage_query.cypher, cypher/trial_component_artifacts.cypher,
cypher/provenance.cypher, cypher/impact.cypher, cypher/pipeline_execution_upstream.cypher) return the
start and each reached entity with the ARNs one hop further from the start (walking upstream, what feeds
it; downstream, what it feeds), and the depths are counted here, in time linear in the rows.

Further, not nearer: the entities one hop further are all reached themselves, so those lists hold exactly
the edges the expansion walked. The entities one hop nearer are not: a dataset upstream of one job feeds
thousands of others, none of them reached, and listing them cost more than the walk.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable
from typing import Any


def depths_from(start_arns: Iterable[str], rows: list[dict[str, Any]]) -> dict[str, int]:
    """Hops from the nearest start to each entity of one direction's rows (a breadth-first search from
    every start at once; the starts are at 0, unreachable entities are left out)."""
    further = {row["arn"]: row["away_from_start"] for row in rows}
    depths = dict.fromkeys(start_arns, 0)
    queue = deque(depths)
    while queue:
        arn = queue.popleft()
        for next_arn in further.get(arn, ()):
            if next_arn not in depths:
                depths[next_arn] = depths[arn] + 1
                queue.append(next_arn)
    return depths


def with_depths(start_arn: str, rows: list[dict[str, Any]], max_depth: int | None) -> list[dict[str, Any]]:
    """The matching rows, one per entity with its smallest depth over the directions walked, within
    ``max_depth``, ordered by depth then ARN; ``way``, ``away_from_start`` and ``matches`` dropped. The rows
    of each direction include the start's own (its ``away_from_start`` is where the walk begins)."""
    by_way: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_way[row["way"]].append(row)
    best: dict[str, dict[str, Any]] = {}
    for way_rows in by_way.values():
        depths = depths_from([start_arn], way_rows)
        for row in way_rows:
            depth = depths.get(row["arn"])
            if not row["matches"] or depth is None or (max_depth is not None and depth > max_depth):
                continue
            if row["arn"] not in best or depth < best[row["arn"]]["depth"]:
                kept = {k: v for k, v in row.items() if k not in ("way", "away_from_start", "matches")}
                best[row["arn"]] = {**kept, "depth": depth}
    return sorted(best.values(), key=lambda row: (row["depth"], row["arn"]))
