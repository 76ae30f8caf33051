"""docs/neo4j-browser.md keeps up with cypher/: every saved query is in the guide, with its own :param lines."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
GUIDE = REPO / "docs" / "neo4j-browser.md"
SAVED = sorted((REPO / "cypher").glob("*.cypher"))


@pytest.mark.parametrize("query", SAVED, ids=[path.name for path in SAVED])
def test_saved_query_is_in_the_guide_with_its_param_lines(query: Path) -> None:
    guide = GUIDE.read_text()
    assert f"`{query.name}`" in guide, f"{query.name} is missing from {GUIDE.name}"
    for line in re.findall(r"^//   (:param .*)$", query.read_text(), re.M):
        assert f"\n{line}\n" in guide, f"{GUIDE.name} does not have {query.name}'s `{line}`"


def test_readme_links_the_guide() -> None:
    assert "(docs/neo4j-browser.md)" in (REPO / "README.md").read_text()
