"""reach.reached_depths: the breadth-first depths of a walk that never goes up an S3 prefix and back down."""

from __future__ import annotations

from typing import Any

from lineage_graph.query.reach import depths_from, reached_depths


def rows(edges: dict[str, list[str]], joins: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
    """A reach query's rows: each entity's ``away_from_start`` and its join neighbours with their rules."""
    ids = set(edges) | {n for ns in edges.values() for n in ns}
    return [
        {
            "id": i,
            "away_from_start": edges.get(i, []),
            "joins": [{"id": n, "rule": r} for n, r in joins.get(i, {}).items()],
        }
        for i in sorted(ids)
    ]


def test_up_then_down_is_not_a_walk_and_up_then_data_flow_then_down_is() -> None:
    # write -> part2024 -within-> whole -contains-> part2023 -> reader2023; whole -> reader_whole.
    walk = rows(
        {
            "write": ["part2024"],
            "part2024": ["whole"],
            "whole": ["part2023", "reader_whole", "part2024"],
            "part2023": ["reader2023"],
            "reader_whole": ["out"],
        },
        {
            "part2024": {"whole": "within"},
            "whole": {"part2023": "contains", "part2024": "contains"},
            "part2023": {"whole": "within"},
        },
    )
    assert reached_depths(["write"], walk) == {"part2024": 1, "whole": 2, "reader_whole": 3, "out": 4}
    # From the whole, down is a walk: reading part2023 reads what was written to the whole.
    assert depths_from(["whole"], walk) == {
        "whole": 0,
        "part2023": 1,
        "reader_whole": 1,
        "part2024": 1,
        "reader2023": 2,
        "out": 2,
    }


def test_another_join_between_keeps_the_walk_up_and_down_then_up_is_a_walk() -> None:
    # up, then the same place in the other source (location), then down: still a sibling.
    sibling = rows(
        {"a": ["up"], "up": ["twin"], "twin": ["b"], "b": ["reader"]},
        {"a": {"up": "within"}, "up": {"twin": "location"}, "twin": {"b": "contains"}},
    )
    assert reached_depths(["a"], sibling) == {"up": 1, "twin": 2}
    # down, then up: under the start and back above that part, never beside the start.
    inside = rows(
        {"a": ["part"], "part": ["above"], "above": ["reader"]},
        {"a": {"part": "contains"}, "part": {"above": "within"}},
    )
    assert reached_depths(["a"], inside) == {"part": 1, "above": 2, "reader": 3}


def test_a_start_is_reached_only_by_a_hop_and_the_nearest_state_wins() -> None:
    # Two starts, the second fed by the first: at 1, not 0; an entity reached up at 1 and by flow at 2 is at
    # 1, and still walked down from its flow state.
    walk = rows(
        {"s1": ["s2", "p"], "s2": ["q"], "q": ["whole"], "p": ["whole"], "whole": ["part"]},
        {"p": {"whole": "within"}, "whole": {"part": "contains"}},
    )
    assert reached_depths(["s1", "s2"], walk) == {"s2": 1, "p": 1, "q": 1, "whole": 2, "part": 3}
