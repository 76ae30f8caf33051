"""Errors a user can act on, each with the exit code the CLI returns for it."""

from __future__ import annotations

from datetime import datetime

from lineage_graph.redact import redact


class LineageGraphError(Exception):
    """An error whose message is meant for the user as is: no traceback is shown. A URI's password in the
    message (a NEO4J_URI with userinfo, quoted back by the driver) is redacted here, once for every caller."""

    exit_code = 1

    def __init__(self, message: str = "") -> None:
        super().__init__(redact(message))


class ConfigurationError(LineageGraphError):
    """Bad settings or a missing prerequisite (Java, Maven, a free port)."""

    exit_code = 3


class Neo4jUnavailableError(LineageGraphError):
    """Neo4j cannot be reached or refuses our credentials."""

    exit_code = 4


class AwsError(LineageGraphError):
    """SageMaker cannot be reached or refuses our credentials."""

    exit_code = 5


class AwsUnreachableError(AwsError):
    """Nothing answers at the SageMaker endpoint: a wrong --endpoint-url, a sandbox not running, a network."""


class SageMakerThrottledError(AwsError):
    """SageMaker kept throttling one operation after every retry; the message names it and how often."""

    exit_code = 10


class DatabaseRefusesWritesError(LineageGraphError):
    """Neo4j is up but its database takes no writes: read-only, or missing."""

    exit_code = 11


class OpenLineageTransportError(LineageGraphError):
    """The OpenLineage receiver (the client's configured transport) did not take an event: unreachable,
    refusing, failing. An export stops there and its watermark stays where it was."""

    exit_code = 12


class NothingDeployedError(LineageGraphError):
    """An audit at a time before an endpoint's first deployment: the answer is printed, and says so."""

    exit_code = 13


class NotFoundError(LineageGraphError):
    """The entity asked about is not in the graph."""

    exit_code = 2


class LeaseHeldError(LineageGraphError):
    """Another process holds the sync lease of this shard (account, region); the message says who and until when."""

    exit_code = 6

    def __init__(
        self,
        message: str,
        *,
        shard: str | None = None,
        holder: str | None = None,
        acquired_at: datetime | None = None,
        expires_at: datetime | None = None,
    ) -> None:
        super().__init__(message)
        self.shard = shard
        self.holder = holder
        self.acquired_at = acquired_at
        self.expires_at = expires_at
