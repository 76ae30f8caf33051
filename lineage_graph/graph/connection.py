"""Open a Neo4j driver and turn connection failures into one actionable line."""

from __future__ import annotations

from neo4j import Driver, GraphDatabase
from neo4j.exceptions import (
    AuthError,
    ClientError,
    ConfigurationError,
    ConnectionAcquisitionTimeoutError,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)

from lineage_graph.errors import DatabaseRefusesWritesError, LineageGraphError, Neo4jUnavailableError
from lineage_graph.settings import Neo4jSettings

CONNECTION_TIMEOUT = 30.0  # the driver's default: one attempt to open a connection
# Server errors that mean the database takes no writes (or no queries) from us, whatever we send it.
REFUSES_WRITES = {
    "Neo.ClientError.General.WriteOnReadOnlyAccessDatabase": "is read-only",
    "Neo.ClientError.General.ForbiddenOnReadOnlyDatabase": "is read-only",
    "Neo.ClientError.Database.DatabaseNotFound": "does not exist",
    "Neo.TransientError.General.DatabaseUnavailable": "is unavailable (stopped, or still starting)",
    "Neo.ClientError.Security.Forbidden": "forbids this user what it asked (a read-only user?)",
}


def neo4j_failure(err: Neo4jError | DriverError, database: str | None = None) -> LineageGraphError | None:
    """The user-facing error for a Neo4j failure an operator can act on; None for any other (a bug).
    Without ``database`` the server's own message names it."""
    if isinstance(err, ServiceUnavailable | SessionExpired | ConnectionAcquisitionTimeoutError):
        return Neo4jUnavailableError(
            f"Neo4j stopped answering and did not come back within the timeout ({type(err).__name__}); "
            "check the server, raise --neo4j-timeout (LINEAGE_GRAPH_NEO4J_TIMEOUT) to wait longer, and "
            "run again: a rerun converges"
        )
    code = getattr(err, "code", None) or ""
    reason = REFUSES_WRITES.get(code)
    if reason is None:
        return None
    if database is None:
        return DatabaseRefusesWritesError(f"the Neo4j database {reason}: {code} ({getattr(err, 'message', '')})")
    return DatabaseRefusesWritesError(f"Neo4j database {database!r} {reason}: {code}")


def open_driver(settings: Neo4jSettings) -> Driver:
    """A driver, not yet connected: a long-lived server opens it before Neo4j may be up. Raises
    Neo4jUnavailableError for a URI it cannot use."""
    try:
        return GraphDatabase.driver(
            settings.uri,
            auth=(settings.username, settings.password),
            # A relationship type no sync has written yet (say SAME_AS) is normal here, not a typo.
            notifications_disabled_classifications=["UNRECOGNIZED"],
            # Managed transactions retry transient errors and lost connections this long (by default long
            # enough to ride out a Neo4j restart in the middle of a sync), then the sync ends with exit 4.
            max_transaction_retry_time=settings.timeout,
            connection_timeout=min(settings.timeout, CONNECTION_TIMEOUT),
            connection_acquisition_timeout=settings.timeout,
        )
    except (ValueError, ConfigurationError) as err:
        raise Neo4jUnavailableError(f"invalid Neo4j URI {settings.uri!r}: {err}") from None


def connect(settings: Neo4jSettings) -> Driver:
    """A verified driver; raises Neo4jUnavailableError (never with the password) when it can't connect."""
    driver = open_driver(settings)
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
