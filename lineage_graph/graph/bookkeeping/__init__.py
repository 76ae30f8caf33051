"""Sync bookkeeping in Neo4j, one module per job: ``leases`` (who may sync a shard), ``runs`` (a record per
sync run, and the cleanups full runs left pending) and ``status`` (what ``lineage-graph status`` adds: the
graph's size, the server).

A shard is one (account, region), keyed ``"<account>:<region>"``. Bookkeeping nodes carry no ``arn`` and
no ``LineageEntity`` label, so lineage queries and cleanups never see them. Their constraints
(``cypher/bookkeeping_schema.cypher``) are applied once per driver and database, by the first lease or
record that needs them.
"""

from __future__ import annotations

import weakref
from typing import Any

from neo4j import Driver

from lineage_graph.graph import schema


def shard_key(account: str, region: str) -> str:
    return f"{account}:{region}"


def split_shard(shard: str) -> tuple[str, str]:
    """``"<account>:<region>"`` -> (account, region)."""
    account, _, region = shard.partition(":")
    return account, region


def native(value: Any) -> Any:
    """A driver value as Python has it (a Neo4j DateTime as a datetime)."""
    return value.to_native() if hasattr(value, "to_native") else value


def apply_bookkeeping_schema(driver: Driver, database: str) -> None:
    """Create the constraints and indexes of ``cypher/bookkeeping_schema.cypher`` that are missing."""
    schema.apply(driver, database, "bookkeeping_schema")


# Databases each live driver has applied the bookkeeping schema to (once per driver and database).
_schema_applied: weakref.WeakKeyDictionary[Driver, set[str]] = weakref.WeakKeyDictionary()


def ensure_schema(driver: Driver, database: str) -> None:
    """``apply_bookkeeping_schema`` the first time this driver and database need it."""
    applied = _schema_applied.setdefault(driver, set())
    if database not in applied:
        apply_bookkeeping_schema(driver, database)
        applied.add(database)
