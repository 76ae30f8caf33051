"""What the kinds' declarations make of the files that span them: the Neo4j Browser stylesheet, the
README's model table and the node constraints and indexes of ``cypher/schema.cypher``.

Each function takes the kinds of every source (``lineage_graph.kinds`` composes them, writes the files and
says how to regenerate them). The README and the schema file are only partly generated, between two
marker lines (a ``Region``), so their prose stays hand-written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from lineage_graph.graph import model
from lineage_graph.graph.model import NodeKind, Style


@dataclass(frozen=True)
class Region:
    """The generated part of a hand-written file: between a begin and an end marker line."""

    path: Path
    begin: str
    end: str

    def replace(self, text: str, body: str) -> str:
        head, found, rest = text.partition(self.begin + "\n")
        if not found or self.end not in rest:
            raise ValueError(f"{self.path.name}: the markers {self.begin!r} and {self.end!r} are missing")
        return head + self.begin + "\n" + body + self.end + rest.split(self.end, 1)[1]


def _block(selector: str, declarations: Iterable[tuple[str, str | int | None]]) -> str:
    lines = [f"  {name}: {value};" for name, value in declarations if value is not None]
    return f"{selector} {{\n" + "\n".join(lines) + "\n}\n" if lines else ""


def _drawn(style: Style) -> list[tuple[str, str | int | None]]:
    return [
        ("color", style.colour),
        ("border-color", style.border),
        ("diameter", f"{style.diameter}px" if style.diameter else None),
        ("text-color-internal", style.text),
        ("caption", f'"{style.caption}"' if style.caption else None),
    ]


def stylesheet(kinds: Iterable[NodeKind], relationships: Mapping[str, Style]) -> str:
    """Neo4j Browser's stylesheet (``:style`` takes it): a colour per kind, its well-known types' own look,
    each source's caption, placeholders, and the relationship types that have a look of their own."""
    kinds = tuple(kinds)
    other = model.OTHER_STYLE
    blocks = [
        _block(
            "node",
            [
                ("diameter", f"{other.diameter}px"),
                ("color", other.colour),
                ("border-color", other.border),
                ("border-width", "2px"),
                ("text-color-internal", other.text),
                ("font-size", "10px"),
            ],
        ),
        _block(
            "relationship",
            [
                ("color", "#a5abb6"),
                ("shaft-width", "2px"),
                ("font-size", "8px"),
                ("padding", "3px"),
                ("text-color-external", "#000000"),
                ("text-color-internal", "#ffffff"),
                ("caption", '"<type>"'),
            ],
        ),
    ]
    sources = {kind.source.label: kind.source for kind in kinds}
    blocks += [_block(f"node.{source.label}", _drawn(source.style)) for source in sources.values()]
    for kind in kinds:
        blocks.append(_block(f"node.{kind.label}", _drawn(kind.style)))
        blocks += [_block(f"node.{t.name}", _drawn(t.style)) for t in kind.types]
    blocks.append(_block(f"node.{model.PLACEHOLDER_LABEL}", _drawn(model.PLACEHOLDER_STYLE)))
    blocks += [_block(f"relationship.{rel}", _drawn(style)) for rel, style in relationships.items()]
    return "\n".join(block for block in blocks if block)


def _key(kind: NodeKind) -> str:
    return kind.key[0] if len(kind.key) == 1 else "(" + ", ".join(kind.key) + ")"


def model_table(kinds: Iterable[NodeKind]) -> str:
    """The README's table of node kinds, one row per kind of every source."""
    kinds = tuple(kinds)
    rows = ["| source | kind | labels | key | properties |", "|---|---|---|---|---|"]
    for kind in kinds:
        labels = f"`{kind.source.label}:{kind.label}`"
        if kind.types:
            labels += " (+ " + ", ".join(f"`{t.name}`" for t in kind.types) + ")"
        rows.append(f"| {kind.source.name} | {kind.noun} | {labels} | {_key(kind)} | {kind.properties} |")
    return "\n".join(rows) + "\n"


def _snake(label: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", label).lower()


def node_schema(kinds: Iterable[NodeKind]) -> str:
    """The constraints and indexes the kinds declare: a uniqueness constraint per key (on the source's label
    where its kinds share one key space, every SageMaker ARN; on the kind's label otherwise), then each
    kind's indexes and each source's."""
    kinds = tuple(kinds)
    keys: dict[tuple[str, tuple[str, ...]], NodeKind] = {}
    for kind in kinds:
        keys.setdefault(kind.unique, kind)
    lines: list[str] = []
    for (label, key), kind in keys.items():
        props = ", ".join(f"n.{p}" for p in key)
        required = props if len(key) == 1 else f"({props})"
        whose = f"a {kind.source.name} node, whatever its kind" if kind.source.shared_key else f"a {kind.noun}"
        lines.append(f"// The identity of {whose}: {_key(kind)}.")
        name = f"{_snake(label)}_{'_'.join(key)}"
        lines.append(f"CREATE CONSTRAINT {name} IF NOT EXISTS FOR (n:{label}) REQUIRE {required} IS UNIQUE;")
    sources = {kind.source.label: kind.source for kind in kinds}
    indexed = [(k.label, i) for k in kinds for i in k.indexed] + [
        (s.label, i) for s in sources.values() for i in s.indexed
    ]
    for label, index in indexed:
        lines.append(f"// {index.why}")
        groups = [index.properties] if index.composite else [(p,) for p in index.properties]
        lines += [
            f"CREATE INDEX {_snake(label)}_{'_'.join(g)} IF NOT EXISTS FOR (n:{label}) "
            f"ON ({', '.join(f'n.{p}' for p in g)});"
            for g in groups
        ]
    lines += words_index(kinds)
    return "\n".join(lines) + "\n"


# The one full-text index of the explorer's search, and how it splits text into words: at spaces and
# punctuation (s3://bucket/churn-train -> s3, bucket, churn, train), lowercased, no word left out as a stop word.
# Eventually consistent: a commit leaves the index's update to a background thread instead of updating Lucene
# itself (half of an OpenLineage batch's commit, profiled); a search waits for what is queued
# (search_words.cypher), so it still finds what was written before it.
WORDS_INDEX = "search_words"
WORDS_CONFIG: dict[str, str | bool] = {
    "fulltext.analyzer": "standard-no-stop-words",
    "fulltext.eventually_consistent": True,
}
# The indexes declared with settings: schema.apply makes one again when the database has other settings.
INDEX_CONFIGS = {WORDS_INDEX: WORDS_CONFIG}


def _config(config: Mapping[str, str | bool]) -> str:
    """An index's settings as a Cypher map literal (they come from the declarations above, never input)."""
    return ", ".join(f"`{k}`: {str(v).lower() if isinstance(v, bool) else repr(v)}" for k, v in config.items())


def words_index(kinds: Iterable[NodeKind]) -> list[str]:
    """The full-text index over every kind that declares ``searched`` properties, on all of them (a kind
    lacking one of them simply has no words there); none when no kind declares any."""
    searched = [kind for kind in kinds if kind.searched]
    if not searched:
        return []
    labels = "|".join(kind.label for kind in searched)
    properties = ", ".join(f"n.{p}" for p in dict.fromkeys(p for kind in searched for p in kind.searched))
    return [
        "// The explorer's search finds words inside names and URIs (search_words.cypher).",
        f"CREATE FULLTEXT INDEX {WORDS_INDEX} IF NOT EXISTS FOR (n:{labels}) ON EACH [{properties}] "
        f"OPTIONS {{indexConfig: {{{_config(WORDS_CONFIG)}}}}};",
    ]
