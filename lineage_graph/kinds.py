"""Every source's node kinds, composed for what spans sources: the Browser stylesheet, the README's model
table, the schema file's node constraints and indexes (``graph.derived`` renders them), and the pictures'
colours (``present.graph_formats``).

A source declares the graph side of its kinds (``graph.model.NodeKind``) in its own package beside how it
reads them, and is listed here once. ``python -m lineage_graph.kinds`` writes the derived files again
after a declaration changes; ``tests/unit/test_derived.py`` fails while one differs.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from lineage_graph.graph import derived, model
from lineage_graph.graph.derived import Region
from lineage_graph.graph.model import NodeKind, Style
from lineage_graph.openlineage import kinds as openlineage_kinds

# SageMaker's graph kinds live in graph/model.py: graph/'s loader and sweep are SageMaker's.
NODE_KINDS: tuple[NodeKind, ...] = (*model.NODE_KINDS.values(), *openlineage_kinds.NODE_KINDS)
# The join spans the sources: drawn strong, captioned with the rule that made it (location, symlink, ...).
JOIN_STYLE = Style("#e15759", caption="{rule}")
RELATIONSHIP_STYLES: dict[str, Style] = {
    **model.RELATIONSHIP_STYLES,
    **openlineage_kinds.RELATIONSHIP_STYLES,
    model.SAME_OBJECT: JOIN_STYLE,
}


def kind_styles() -> dict[str, dict[str, Any]]:
    """Each node kind's label: its source, its noun and colours, and its well-known types' colours, as the
    explorer and the pictures draw them (the Browser stylesheet has the same)."""
    return {
        kind.label: {
            "source": kind.source.name,
            "noun": kind.noun,
            "colour": kind.style.colour,
            "border": kind.style.border,
            "text": kind.style.text,
            "types": {t.name: {"colour": t.style.colour, "border": t.style.border} for t in kind.types},
        }
        for kind in NODE_KINDS
    }


REPO = Path(__file__).resolve().parents[1]  # the derived files are a checkout's, not an installation's
_REGENERATE = "python -m lineage_graph.kinds"
STYLESHEET = REPO / "cypher" / "style.grass"
README_MODEL = Region(
    REPO / "README.md",
    f"<!-- generated from the kinds' declarations by `{_REGENERATE}` -->",
    "<!-- end of the generated model table -->",
)
SCHEMA_NODES = Region(
    REPO / "cypher" / "schema.cypher",
    f"// Generated from the kinds' declarations by `{_REGENERATE}`: keys and indexes.",
    "// End of the generated keys and indexes.",
)


def generated() -> dict[Path, str]:
    """Every derived file's text as the declarations make it."""
    return {
        STYLESHEET: derived.stylesheet(NODE_KINDS, RELATIONSHIP_STYLES),
        README_MODEL.path: README_MODEL.replace(README_MODEL.path.read_text("utf-8"), derived.model_table(NODE_KINDS)),
        SCHEMA_NODES.path: SCHEMA_NODES.replace(SCHEMA_NODES.path.read_text("utf-8"), derived.node_schema(NODE_KINDS)),
    }


def main() -> int:
    """Write the derived files that differ from the declarations; name each one written."""
    for path, text in generated().items():
        if path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
