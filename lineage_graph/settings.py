"""Connection settings. The password is kept out of ``repr`` so it never reaches logs or tracebacks."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_NEO4J_URI = "bolt://127.0.0.1:7687"
DEFAULT_NEO4J_USERNAME = "neo4j"
# The local development server's documented default; real deployments set NEO4J_PASSWORD.
DEFAULT_NEO4J_PASSWORD = "lineage-graph-dev"
DEFAULT_NEO4J_DATABASE = "neo4j"
# Seconds a command waits for an unreachable Neo4j (its transactions' retries, a connection from the pool).
DEFAULT_NEO4J_TIMEOUT = 120.0


@dataclass(frozen=True)
class Neo4jSettings:
    uri: str = DEFAULT_NEO4J_URI
    username: str = DEFAULT_NEO4J_USERNAME
    password: str = field(default=DEFAULT_NEO4J_PASSWORD, repr=False)
    database: str = DEFAULT_NEO4J_DATABASE
    timeout: float = DEFAULT_NEO4J_TIMEOUT

    def environment(self) -> dict[str, str]:
        """The variables the CLI reads these settings from, for a child process (never printed)."""
        return {
            "NEO4J_URI": self.uri,
            "NEO4J_USERNAME": self.username,
            "NEO4J_PASSWORD": self.password,
            "NEO4J_DATABASE": self.database,
        }


@dataclass(frozen=True)
class AwsSettings:
    """Where to crawl. ``None`` means boto3's normal chain (env, profile, instance role)."""

    region: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None  # also read by boto3 from AWS_ENDPOINT_URL_SAGEMAKER
    max_rps: float | None = None  # cap on SageMaker HTTP requests per second, retries included
    role_arn: str | None = None  # assume this role (another account) for the shard
    external_id: str | None = None  # the role's external id, where its trust policy asks for one


def data_home(part: str) -> Path:
    """``${XDG_DATA_HOME:-~/.local/share}/lineage-graph/<part>``: what survives reboots and cache purges
    (the local Neo4j's data, the background serve's state)."""
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(xdg).expanduser() / "lineage-graph" / part
