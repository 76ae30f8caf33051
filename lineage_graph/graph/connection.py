"""Open a Neo4j driver and turn connection failures into one actionable line."""

from __future__ import annotations

from neo4j import Driver, GraphDatabase
from neo4j.exceptions import AuthError, ClientError, ConfigurationError, ServiceUnavailable

from lineage_graph.errors import Neo4jUnavailableError
from lineage_graph.settings import Neo4jSettings


def connect(settings: Neo4jSettings) -> Driver:
    """A verified driver; raises Neo4jUnavailableError (never with the password) when it can't connect."""
    try:
        driver = GraphDatabase.driver(
            settings.uri,
            auth=(settings.username, settings.password),
            # A relationship type no sync has written yet (say SAME_AS) is normal here, not a typo.
            notifications_disabled_classifications=["UNRECOGNIZED"],
            # Managed transactions retry transient errors and lost connections this long: long enough to
            # ride out a Neo4j restart in the middle of a sync.
            max_transaction_retry_time=120.0,
        )
    except (ValueError, ConfigurationError) as err:
        raise Neo4jUnavailableError(f"invalid Neo4j URI {settings.uri!r}: {err}") from None
    try:
        driver.verify_connectivity()
    except AuthError:
        driver.close()
        raise Neo4jUnavailableError(
            f"Neo4j at {settings.uri} refused the credentials of user {settings.username!r}; "
            "check NEO4J_USERNAME and NEO4J_PASSWORD"
        ) from None
    except ClientError as err:
        driver.close()
        if "AuthenticationRateLimit" in (err.code or ""):
            raise Neo4jUnavailableError(
                f"Neo4j at {settings.uri} is refusing logins for user {settings.username!r} for a while "
                "after repeated failures; check NEO4J_PASSWORD and retry in a few seconds"
            ) from None
        raise Neo4jUnavailableError(f"Neo4j at {settings.uri} refused the connection ({err.code})") from None
    except (ServiceUnavailable, OSError) as err:
        driver.close()
        raise Neo4jUnavailableError(
            f"Neo4j is not reachable at {settings.uri} ({type(err).__name__}); "
            "start the local one with `lineage-graph neo4j start` or set NEO4J_URI"
        ) from None
    return driver
