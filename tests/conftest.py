"""Shared fixtures live in tests/fixtures/: a real Neo4j server and the SageMaker sandbox over HTTP."""

pytest_plugins = [
    "fixtures.browser",
    "fixtures.neo4j_server",
    "fixtures.openlineage_receiver",
    "fixtures.sandbox_server",
    "fixtures.sync_cli",
    "fixtures.synced_demo",
    "fixtures.demo_serve",  # last: it imports the plugins above, which must be registered (rewritten) first
]
