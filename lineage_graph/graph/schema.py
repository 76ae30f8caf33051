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


def existing(driver: Driver, database: str) -> set[str]:
    """Names of the indexes in the database, constraints' own indexes included."""
    records = Database(driver, database).read("SHOW INDEXES YIELD name").records
    return {r["name"] for r in records}


def apply(driver: Driver, database: str, file: str) -> list[str]:
    """Create what ``file`` declares and the database lacks; returns the names created."""
    wanted = statements(file)
    present = existing(driver, database)
    missing = [name for name in wanted if name not in present]
    db = Database(driver, database)
    for name in missing:
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
