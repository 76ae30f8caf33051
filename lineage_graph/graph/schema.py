"""Constraints and indexes from ``cypher/*.cypher`` schema files, created where the database lacks them.

Every sync and every lease needs the schema, but it is nearly always in place already: one ``SHOW INDEXES``
(a uniqueness constraint owns an index of its own name) replaces a round trip per statement, which was a
sixth of a small incremental sync (0.24 s of 1.5 s, profiled).
"""

from __future__ import annotations

import re

from neo4j import Driver
from neo4j.exceptions import ClientError

from lineage_graph import cypher_files
from lineage_graph.graph import derived
from lineage_graph.graph.database import Database

# How long a new index may take to come online before the first query plans without it.
INDEX_ONLINE_TIMEOUT_S = 300

_NAMED = re.compile(r"CREATE\s+(?:FULLTEXT\s+)?(?:CONSTRAINT|INDEX)\s+(\w+)\s+IF\s+NOT\s+EXISTS", re.IGNORECASE)


def statements(file: str) -> dict[str, str]:
    """A schema file's statements by the name each creates."""
    named = {}
    for statement in cypher_files.statements(file):
        match = _NAMED.search(statement)
        if match is None:  # a file of ours, so a bug: every schema statement must be named and idempotent
            raise ValueError(f"cypher/{file}.cypher: not a named CREATE ... IF NOT EXISTS: {statement[:80]}")
        named[match.group(1)] = statement
    return named


def _present(db: Database) -> dict[str, bool]:
    """Every index in the database (constraints' own included) by name: whether its settings are the declared
    ones (``derived.INDEX_CONFIGS``; an index declared without settings always is)."""
    present = {}
    for record in db.read("SHOW INDEXES YIELD name, options").records:
        declared = derived.INDEX_CONFIGS.get(record["name"], {})
        config = (record["options"] or {}).get("indexConfig") or {}
        present[record["name"]] = all(config.get(k) == v for k, v in declared.items())
    return present


def existing(driver: Driver, database: str) -> set[str]:
    """Names of the indexes in the database as declared: one with other settings (made by an older version)
    is left out, as ``apply`` makes it again."""
    return {name for name, as_declared in _present(Database(driver, database)).items() if as_declared}


def apply(driver: Driver, database: str, file: str) -> list[str]:
    """Create what ``file`` declares and the database lacks, or has with other settings (dropped first: a
    search finds nothing until the new index is online, which this waits for); returns the names created."""
    wanted = statements(file)
    db = Database(driver, database)
    present = _present(db)
    missing = [name for name in wanted if not present.get(name, False)]
    for name in missing:
        if name in present:
            db.write(f"DROP INDEX {name} IF EXISTS")  # a name from our own schema file (_NAMED), never input
        try:
            db.write(wanted[name])
        except ClientError as err:
            # Two processes creating the same constraint at the same moment: the other one won, fine.
            if "AlreadyExists" not in (err.code or ""):
                raise
    if missing:
        # A query planned while an index is still populating plans without it (a scan, under a filter), and a
        # plan is cached: the MERGEs that follow would read every node of their kind once a row.
        db.write("CALL db.awaitIndexes($seconds)", seconds=INDEX_ONLINE_TIMEOUT_S)
    return missing
