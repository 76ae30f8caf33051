"""The explorer's search as you type (``GET /api/v1/search``): entities by ARN, name, S3 URI or prefix,
OpenLineage uri or run id, then by words inside names and URIs.

Two reads, each served by the graph's indexes: ``cypher/search.cypher`` (exact values, then values that
start with the text: range indexes), and only when those leave room, ``cypher/search_words.cypher`` (the
full-text index ``search_words``), so the common case of a pasted ARN or a typed prefix never scores words.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any, Literal

from lineage_graph.query.lookups import LineageQueries
from lineage_graph.query.refs import EntitySummary, summary

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_QUERY_CHARS = 500
# Words past these are dropped: each is one more posting list for Lucene to intersect.
MAX_WORDS = 12
# A word as the full-text index's analyzer (Unicode's word boundaries) mostly sees one: letters, digits and
# underscores, with dots inside (it splits at spaces, / : - and the rest, but keeps raw.crm_customers and
# 1.2 whole; such a word is found by its start, not by a part after an underscore or a dot). Lucene's
# operators (+ - && || ! ( ) { } [ ] ^ " ~ * ? : \ /) are all outside it, so splitting the user's text at
# them is what escapes them; AND, OR and NOT are operators only in capitals, and the words are lowercased,
# as the analyzer lowercases what it indexes.
_WORD = re.compile(r"\w+(?:\.\w+)*")

Match = Literal["exact", "prefix", "text"]


@dataclass(frozen=True)
class SearchResult(EntitySummary):
    match: Match  # exact: a value is the text; prefix: starts with it; text: has its words


def words_query(text: str) -> str | None:
    """The full-text index's query for the words of ``text``: each word required, the last one as a prefix
    too (it may be half typed); None when ``text`` has no word."""
    words = [word.lower() for word in _WORD.findall(text)][:MAX_WORDS]
    if not words:
        return None
    return " ".join([*(f"+{word}" for word in words[:-1]), f"+{words[-1]}*"])


class SearchQueries(LineageQueries):
    def search(self, text: str, limit: int = DEFAULT_LIMIT) -> list[SearchResult]:
        """At most ``limit`` entities for ``text``: exact matches, then prefixes (nearest completion first),
        then entities with its words (best scored first), each entity once."""
        rows = self.run("search", query=text, limit=limit)
        words = words_query(text)
        if len(rows) < limit and words is not None:
            # As many more as the first read found: those may come again, and are listed once.
            rows += self.run("search_words", words=words, limit=limit + len(rows))
        results: dict[str, SearchResult] = {}
        for row in rows:
            found = SearchResult(**asdict(summary(row["node"], row["labels"])), match=row["match"])
            results.setdefault(found.ref, found)
        return list(results.values())[:limit]


def as_json(results: list[SearchResult], text: str) -> dict[str, Any]:
    return {"query": text, "results": [asdict(result) for result in results]}
