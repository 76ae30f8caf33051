"""The schema files are applied where the database lacks them, and only there."""

from __future__ import annotations

import pytest
from neo4j import Driver

from lineage_graph.graph import derived, schema
from lineage_graph.graph.bookkeeping import apply_bookkeeping_schema
from lineage_graph.graph.load import GraphWriter
from lineage_graph.settings import Neo4jSettings


def test_every_statement_of_both_files_is_named() -> None:
    for file in ("schema", "bookkeeping_schema"):
        named = schema.statements(file)
        assert named and all(name in statement for name, statement in named.items())


def test_a_dropped_index_is_created_again_and_nothing_else_is_touched(
    clean_neo4j: Driver, neo4j_settings: Neo4jSettings
) -> None:
    database = neo4j_settings.database
    GraphWriter(clean_neo4j, database).apply_schema()
    apply_bookkeeping_schema(clean_neo4j, database)
    wanted = schema.statements("schema").keys() | schema.statements("bookkeeping_schema").keys()
    assert wanted <= schema.existing(clean_neo4j, database)
    assert schema.apply(clean_neo4j, database, "schema") == []  # all in place: nothing run

    clean_neo4j.execute_query("DROP INDEX trial_component_name", database_=database)
    clean_neo4j.execute_query("DROP CONSTRAINT sync_run_id", database_=database)
    assert schema.apply(clean_neo4j, database, "schema") == ["trial_component_name"]
    assert schema.apply(clean_neo4j, database, "bookkeeping_schema") == ["sync_run_id"]
    assert wanted <= schema.existing(clean_neo4j, database)


def test_a_schema_file_with_an_unnamed_statement_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from lineage_graph import cypher_files

    monkeypatch.setattr(cypher_files, "statements", lambda name: ["CREATE INDEX FOR (n:X) ON (n.y)"])
    with pytest.raises(ValueError, match="not a named CREATE"):
        schema.statements("schema")


def test_the_words_index_of_an_older_version_is_made_again_with_the_declared_settings(
    clean_neo4j: Driver, neo4j_settings: Neo4jSettings
) -> None:
    """Before it was eventually consistent, the words index updated Lucene inside each commit: a graph from
    then gets the declared index, and a search that works, on its next schema apply."""
    database = neo4j_settings.database
    GraphWriter(clean_neo4j, database).apply_schema()
    clean_neo4j.execute_query(f"DROP INDEX {derived.WORDS_INDEX}", database_=database)
    clean_neo4j.execute_query(
        f"CREATE FULLTEXT INDEX {derived.WORDS_INDEX} FOR (n:Artifact) ON EACH [n.name] "
        "OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-no-stop-words'}}",
        database_=database,
    )
    clean_neo4j.execute_query("CALL db.awaitIndexes(60)", database_=database)
    assert derived.WORDS_INDEX not in schema.existing(clean_neo4j, database)

    assert schema.apply(clean_neo4j, database, "schema") == [derived.WORDS_INDEX]
    record = clean_neo4j.execute_query(
        "SHOW FULLTEXT INDEXES YIELD name, state, options, labelsOrTypes WHERE name = $name RETURN *",
        name=derived.WORDS_INDEX,
        database_=database,
    ).records[0]
    assert record["state"] == "ONLINE"  # apply waited for it
    assert record["options"]["indexConfig"]["fulltext.eventually_consistent"] is True
    assert "OpenLineageDataset" in record["labelsOrTypes"]
    assert schema.apply(clean_neo4j, database, "schema") == []
