"""Depths of the entities a reach query returned: breadth-first search over their ``away_from_start`` lists.

Neo4j finds everything reachable from an entity quickly (a pruning breadth-first expansion), but asking it
for a shortest path to each reached entity (``ANY SHORTEST``) builds every path: the cost is the sum of
all depths, seconds where a chain of models retrained from their predecessors runs thousands of hops
deep. So the reach queries (cypher/lineage_query.cypher, cypher/lineage_across.cypher,
cypher/trial_component_artifacts.cypher, cypher/provenance.cypher, cypher/impact.cypher,
cypher/pipeline_execution_upstream.cypher) return the start and each reached entity with its ``id``
(elementId) and the ids of the entities one hop further from the start (walking upstream, what feeds it;
downstream, what it feeds), and the depths are counted here, in time linear in the rows. Ids, not ARNs: an
elementId needs no property read, and the walk's entities outnumber the answer's.

Further, not nearer: the entities one hop further are all reached themselves, so those lists hold exactly
the edges the expansion walked. The entities one hop nearer are not: a dataset upstream of one job feeds
thousands of others, none of them reached, and listing them cost more than the walk.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable
from typing import Any


def depths_from(start_ids: Iterable[str], rows: list[dict[str, Any]]) -> dict[str, int]:
    """Hops from the nearest start to each entity (by id) of one direction's rows (a breadth-first search
    from every start at once; the starts are at 0, unreachable entities are left out)."""
    further = {row["id"]: row["away_from_start"] for row in rows}
    depths = dict.fromkeys(start_ids, 0)
    queue = deque(depths)
    while queue:
        entity = queue.popleft()
        for next_entity in further.get(entity, ()):
            if next_entity not in depths:
                depths[next_entity] = depths[entity] + 1
                queue.append(next_entity)
    return depths


def with_depths(
    start_id: str, rows: list[dict[str, Any]], max_depth: int | None, order_by: str = "arn"
) -> list[dict[str, Any]]:
    """The matching rows, one per entity with its smallest depth over the directions walked (set as the
    row's ``depth``), within ``max_depth``, ordered by depth then ``order_by`` (the ARN; ``uri`` for an
    answer with OpenLineage's entities, which have none). The rows of each direction include the start's own
    (its ``away_from_start`` is where the walk begins)."""
    by_way: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_way[row["way"]].append(row)
    best: dict[str, dict[str, Any]] = {}
    for way_rows in by_way.values():
        depths = depths_from([start_id], way_rows)
        for row in way_rows:
            depth = depths.get(row["id"])
            if not row["matches"] or depth is None or (max_depth is not None and depth > max_depth):
                continue
            if row["id"] not in best or depth < best[row["id"]]["depth"]:
                row["depth"] = depth  # the rows are the query's own: no copy (thousands per lookup)
                best[row["id"]] = row
    return sorted(best.values(), key=lambda row: (row["depth"], row[order_by]))
