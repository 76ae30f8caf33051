"""``lineage-graph neo4j``: run a local Neo4j from Maven Central jars."""

import click


@click.group("neo4j")
def neo4j_group() -> None:
    """Run a local Neo4j Community server (no Docker needed)."""
