"""The files derived from the kinds' declarations match them, and the derivation covers any source's kinds."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from lineage_graph import cypher_files, kinds
from lineage_graph.graph import derived, model, schema
from lineage_graph.graph.model import Indexed, NodeKind, Source, Style, TypeLabel
from lineage_graph.present.graph_formats import KIND_COLOURS

REPO = Path(__file__).resolve().parents[2]
# A kind as a second source declares its own: a composite key of its own, not a shared ARN.
LAKE = Source("Lake", "LakeEntity", style=Style(caption="{name}"))
TABLE = NodeKind(
    "LakeTable", LAKE, ("namespace", "name"), "table", "namespace, name, uri", Style("#123456", "#000000"),
    (TypeLabel("Iceberg", Style(diameter=70)),), (Indexed(("uri",), "Tables are found by URI."),),
)  # fmt: skip


@pytest.mark.parametrize("path", sorted(kinds.generated()), ids=lambda p: str(p.relative_to(REPO)))
def test_each_derived_file_matches_the_declarations(path: Path) -> None:
    assert path.read_text(encoding="utf-8") == kinds.generated()[path], (
        f"{path.relative_to(REPO)} differs from the kinds' declarations: run `python -m lineage_graph.kinds`"
    )


def test_the_stylesheet_colours_every_kind_as_the_pictures_do() -> None:
    text = kinds.STYLESHEET.read_text(encoding="utf-8")
    colours = dict(re.findall(r"node\.(\w+) \{\n  color: (#[0-9a-f]{6});", text))
    assert {kind.label: colours[kind.label] for kind in kinds.NODE_KINDS} == KIND_COLOURS
    assert len(set(KIND_COLOURS.values())) == len(KIND_COLOURS)  # no two kinds look alike


def test_the_stylesheet_draws_the_join_with_its_rule() -> None:
    text = kinds.STYLESHEET.read_text(encoding="utf-8")
    assert 'relationship.SAME_OBJECT {\n  color: #e15759;\n  caption: "{rule}";\n}' in text


def test_the_schema_file_holds_a_uniqueness_constraint_per_declared_key_and_the_declared_indexes() -> None:
    statements = cypher_files.statements("schema")
    assert "CREATE CONSTRAINT lineage_entity_arn IF NOT EXISTS FOR (n:LineageEntity) REQUIRE n.arn IS UNIQUE" in (
        statements
    )
    keys = {kind.unique for kind in kinds.NODE_KINDS}
    assert sum(s.startswith("CREATE CONSTRAINT") for s in statements) == len(keys) + 1  # + SyncState's
    named = schema.statements("schema")
    assert (
        named["artifact_source_uri"]
        == "CREATE INDEX artifact_source_uri IF NOT EXISTS FOR (n:Artifact) ON (n.source_uri)"
    )
    assert {"trial_component_name", "trial_component_source_arn", "lineage_entity_account"} <= named.keys()


def test_another_source_gets_its_own_key_constraint_style_and_table_row() -> None:
    constraints = derived.node_schema([model.ARTIFACT, model.CONTEXT, TABLE])
    assert constraints.count("CREATE CONSTRAINT") == 2  # SageMaker's kinds share one key: the ARN
    assert (
        "CREATE CONSTRAINT lake_table_namespace_name IF NOT EXISTS FOR (n:LakeTable) "
        "REQUIRE (n.namespace, n.name) IS UNIQUE;" in constraints
    )
    assert "// Tables are found by URI.\nCREATE INDEX lake_table_uri IF NOT EXISTS FOR (n:LakeTable) ON (n.uri);" in (
        constraints
    )
    style = derived.stylesheet([TABLE], {"FEEDS": Style("#abcdef", caption="{rows}")})
    assert 'node.LakeEntity {\n  caption: "{name}";\n}' in style
    assert "node.LakeTable {\n  color: #123456;\n  border-color: #000000;\n}" in style
    assert "node.Iceberg {\n  diameter: 70px;\n}" in style
    assert 'relationship.FEEDS {\n  color: #abcdef;\n  caption: "{rows}";\n}' in style
    assert "| Lake | table | `LakeEntity:LakeTable` (+ `Iceberg`) | (namespace, name) | namespace, name, uri |" in (
        derived.model_table([TABLE])
    )


def test_a_file_without_its_markers_is_refused() -> None:
    with pytest.raises(ValueError, match="markers"):
        kinds.README_MODEL.replace("no markers here\n", "| table |\n")


def test_the_graph_package_never_imports_a_source() -> None:
    """Data flows one way: a source's package hands rows to graph/, which knows no source."""
    for path in sorted((REPO / "lineage_graph" / "graph").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        sources = {m for m in imported if m.startswith(("lineage_graph.sagemaker", "lineage_graph.openlineage"))}
        assert not sources, f"{path.name} imports {sources}"
