"""A local Neo4j Community server from Maven Central jars, for development, demos and tests (no Docker)."""

from lineage_graph.neo4j_local.jars import (
    DEFAULT_NEO4J_VERSION,
    browser_jar,
    cache_root,
    ensure_browser_jar,
    ensure_jars,
    jar_dir,
)
from lineage_graph.neo4j_local.server import (
    DEFAULT_BOLT_PORT,
    DEFAULT_HEAP,
    DEFAULT_HTTP_PORT,
    MIN_PASSWORD_LENGTH,
    PAGE_CACHE_SIZE,
    USERNAME,
    LocalNeo4j,
    Neo4jStatus,
    StopResult,
    browser_url,
    default_data_dir,
)

__all__ = [
    "DEFAULT_BOLT_PORT",
    "DEFAULT_HEAP",
    "DEFAULT_HTTP_PORT",
    "DEFAULT_NEO4J_VERSION",
    "MIN_PASSWORD_LENGTH",
    "PAGE_CACHE_SIZE",
    "USERNAME",
    "LocalNeo4j",
    "Neo4jStatus",
    "StopResult",
    "browser_jar",
    "browser_url",
    "cache_root",
    "default_data_dir",
    "ensure_browser_jar",
    "ensure_jars",
    "jar_dir",
]
