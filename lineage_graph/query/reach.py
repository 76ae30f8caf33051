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

Never up a prefix and back down: the join (SAME_OBJECT) pairs an S3 location with those above it
(``within``) and under it (``contains``), both ways, so a walk in Neo4j reaches ``s3://b/events/2023/`` from
``s3://b/events/2024/`` through ``s3://b/events/``: the data written under one is not the data read under
the other. Cypher 5 cannot carry that state through a quantified path pattern without building every path,
so the queries walk everything and list each entity's ``joins`` (its SAME_OBJECT neighbours, by id and
rule: ``within``, the neighbour is above it; ``contains``, under it; the same whichever way a walk goes,
the join being stored both ways), and the search here never takes a ``contains`` hop after a ``within``
hop of the same run of joins (a hop of data flow ends the run). Down then up stays: what is under a
location and then above that is the location, above it or under it, never beside it.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable
from typing import Any

# The containment rules of the join (graph.join), as one walks from the relationship's start to its end.
UP = "within"
DOWN = "contains"


def climbs(climbed: bool, rule: str | None) -> bool:
    """Whether a walk that got to a node (having ``climbed`` a prefix through the join or not) and then took
    a hop by the join ``rule`` (None: data flow or structure) has come up a prefix: a hop up has, another
    join keeps what was (down, from a walk that may go down, has not), data flow ends the run of joins."""
    if rule is None or rule == DOWN:
        return False
    return rule == UP or climbed


def reached_depths(start_ids: Iterable[str], rows: list[dict[str, Any]]) -> dict[str, int]:
    """Hops from the nearest start to each entity a hop of the walk reaches (by id) in one direction's rows
    (a breadth-first search from every start at once, at 0, over the ``away_from_start`` lists, never up a
    prefix and back down: see the module doc). A start is in the answer only when a hop reaches it (another
    start, or a cycle, leads to it); unreached entities are left out."""
    further = {row["id"]: row["away_from_start"] for row in rows}
    joined = {row["id"]: {j["id"]: j["rule"] for j in joins} for row in rows if (joins := row.get("joins"))}
    depths: dict[str, int] = {}
    # A state is an entity and whether the run of joins that led to it went up a prefix.
    seen = {(start, False) for start in start_ids}
    queue = deque((start, False, 0) for start, _ in seen)
    while queue:
        entity, climbed, depth = queue.popleft()
        rules = joined.get(entity, {})
        for next_entity in further.get(entity, ()):
            rule = rules.get(next_entity)
            if rule == DOWN and climbed:
                continue
            depths.setdefault(next_entity, depth + 1)  # the first hop to reach it is the nearest: a start too
            state = climbs(climbed, rule)
            if (next_entity, state) not in seen:
                seen.add((next_entity, state))
                queue.append((next_entity, state, depth + 1))
    return depths


def depths_from(start_ids: Iterable[str], rows: list[dict[str, Any]]) -> dict[str, int]:
    """Hops from the nearest start to each entity (by id) of one direction's rows (``reached_depths``; the
    starts are at 0, unreachable entities are left out)."""
    starts = list(start_ids)
    return {**reached_depths(starts, rows), **dict.fromkeys(starts, 0)}


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
