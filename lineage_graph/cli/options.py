"""Options shared by commands: where Neo4j and SageMaker are, and how to print."""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import boto3
import click

from lineage_graph.present.formats import FORMATS
from lineage_graph.redact import redact
from lineage_graph.settings import (
    DEFAULT_NEO4J_DATABASE,
    DEFAULT_NEO4J_PASSWORD,
    DEFAULT_NEO4J_TIMEOUT,
    DEFAULT_NEO4J_URI,
    DEFAULT_NEO4J_USERNAME,
    AwsSettings,
    Neo4jSettings,
)

F = Callable[..., Any]


def neo4j_options(command: F) -> F:
    """Adds --neo4j-uri/-username/-password/-database (env NEO4J_*) and --neo4j-timeout, and passes
    ``neo4j: Neo4jSettings``."""

    @click.option(
        "--neo4j-uri",
        envvar="NEO4J_URI",
        default=DEFAULT_NEO4J_URI,
        show_default=True,
        help="Bolt URI of Neo4j (neo4j+s://... for Aura or a cluster).  [env NEO4J_URI]",
    )
    @click.option(
        "--neo4j-username",
        envvar="NEO4J_USERNAME",
        default=DEFAULT_NEO4J_USERNAME,
        show_default=True,
        help="Neo4j user  [env NEO4J_USERNAME]",
    )
    @click.option(
        "--neo4j-password",
        envvar="NEO4J_PASSWORD",
        default=DEFAULT_NEO4J_PASSWORD,
        show_default=False,
        help="Neo4j password  [env NEO4J_PASSWORD; default: the local server's development password]",
    )
    @click.option(
        "--neo4j-database",
        envvar="NEO4J_DATABASE",
        default=DEFAULT_NEO4J_DATABASE,
        show_default=True,
        help="Neo4j database  [env NEO4J_DATABASE]",
    )
    @click.option(
        "--neo4j-timeout",
        envvar="LINEAGE_GRAPH_NEO4J_TIMEOUT",
        type=click.FloatRange(min=0, min_open=True),
        default=DEFAULT_NEO4J_TIMEOUT,
        show_default=True,
        help="Seconds to wait for an unreachable Neo4j before exiting 4  [env LINEAGE_GRAPH_NEO4J_TIMEOUT]",
    )
    @functools.wraps(command)
    def wrapper(
        *args: Any,
        neo4j_uri: str,
        neo4j_username: str,
        neo4j_password: str,
        neo4j_database: str,
        neo4j_timeout: float,
        **kwargs: Any,
    ) -> Any:
        settings = Neo4jSettings(neo4j_uri, neo4j_username, neo4j_password, neo4j_database, neo4j_timeout)
        return command(*args, neo4j=settings, **kwargs)

    return wrapper


_profile = click.option("--profile", envvar="AWS_PROFILE", default=None, help="AWS profile  [env AWS_PROFILE]")
_endpoint_url = click.option(
    "--endpoint-url",
    envvar="AWS_ENDPOINT_URL_SAGEMAKER",
    default=None,
    help="SageMaker endpoint, e.g. the local sandbox  [env AWS_ENDPOINT_URL_SAGEMAKER]",
)
_max_rps = click.option(
    "--max-rps",
    envvar="LINEAGE_GRAPH_MAX_RPS",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Cap on SageMaker requests per second, retries included  [env LINEAGE_GRAPH_MAX_RPS; default: none]",
)


def aws_options(command: F) -> F:
    """Adds --region/--profile/--endpoint-url/--max-rps, passes ``aws: AwsSettings``; boto3's chain fills the rest."""

    @click.option("--region", envvar="AWS_REGION", default=None, help="AWS region  [env AWS_REGION]")
    @_profile
    @_endpoint_url
    @_max_rps
    @functools.wraps(command)
    def wrapper(
        *args: Any, region: str | None, profile: str | None, endpoint_url: str | None, max_rps: float | None, **kw: Any
    ) -> Any:
        return command(*args, aws=AwsSettings(region, profile, endpoint_url, max_rps), **kw)

    return wrapper


def shard_options(command: F) -> F:
    """Adds the shard choice (--region repeatable, --all-regions, --role-arn repeatable, --external-id) to
    the AWS options and passes ``shards: list[AwsSettings]``, one per (role, region)."""

    @click.option(
        "--region",
        "regions",
        multiple=True,
        envvar="AWS_REGION",
        help="Region to sync; repeat for several  [env AWS_REGION; default: boto3's region]",
    )
    @click.option("--all-regions", is_flag=True, help="Every region where SageMaker is offered.")
    @click.option(
        "--role-arn",
        "role_arns",
        multiple=True,
        envvar="LINEAGE_GRAPH_ROLE_ARNS",
        help="Assume this role to sync its account; repeat for several accounts.  [env LINEAGE_GRAPH_ROLE_ARNS]",
    )
    @click.option(
        "--external-id",
        envvar="LINEAGE_GRAPH_EXTERNAL_ID",
        default=None,
        help="External id the roles' trust policies ask for.  [env LINEAGE_GRAPH_EXTERNAL_ID]",
    )
    @_profile
    @_endpoint_url
    @_max_rps
    @functools.wraps(command)
    def wrapper(
        *args: Any,
        regions: tuple[str, ...],
        all_regions: bool,
        role_arns: tuple[str, ...],
        external_id: str | None,
        profile: str | None,
        endpoint_url: str | None,
        max_rps: float | None,
        **kw: Any,
    ) -> Any:
        chosen: list[str | None] = list(regions)
        if all_regions:
            chosen = list(boto3.Session(profile_name=profile).get_available_regions("sagemaker"))
        shards = [
            AwsSettings(region, profile, endpoint_url, max_rps, role_arn, external_id)
            for role_arn in (role_arns or (None,))
            for region in (chosen or [None])
        ]
        return command(*args, shards=shards, **kw)

    return wrapper


class Timestamp(click.ParamType):
    """An ISO 8601 date or time (``2024-05-01``, ``2024-05-01T12:00:00Z``), checked here so a bad value is a
    usage error (exit 2) instead of a Neo4j error; passed on as a full ISO string, UTC when no zone is given."""

    name = "timestamp"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError:
            self.fail(
                f"{value!r} is not an ISO 8601 date or time (such as 2024-05-01 or 2024-05-01T12:00:00Z)", param, ctx
            )
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


TIMESTAMP = Timestamp()


def time_option(name: str) -> Callable[[F], F]:
    """A time-window bound (``--created-after`` ...): every one is a TIMESTAMP."""
    return click.option(name, type=TIMESTAMP, metavar="ISO", help="ISO 8601 date or time; UTC without a zone.")


def report_format_option(command: F) -> F:
    """--format table|json, for reports (sync, status, doctor) that have no rows to put in CSV."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["table", "json"]),
        default="table",
        show_default=True,
        help="table for people, json for programs.",
    )(command)


def format_option(command: F) -> F:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="table",
        show_default=True,
        help="table for people, json or csv for programs.",
    )(command)


class RedactingFormatter(logging.Formatter):
    """Log lines with URIs' passwords redacted (a driver or boto3 message may quote a URI)."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(self.render(record))

    def render(self, record: logging.LogRecord) -> str:
        return super().format(record)


class JsonLogFormatter(RedactingFormatter):
    """One JSON object per line, for schedulers and log pipelines."""

    def render(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def verbosity_option(command: F) -> F:
    """Adds -v/--verbose and --log-format text|json, and configures logging before the command runs."""

    @click.option("-v", "--verbose", count=True, help="-v for progress lines, -vv for debugging.")
    @click.option(
        "--log-format",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        envvar="LINEAGE_GRAPH_LOG_FORMAT",
        help="json: one JSON object per log line, for schedulers  [env LINEAGE_GRAPH_LOG_FORMAT]",
    )
    @functools.wraps(command)
    def wrapper(*args: Any, verbose: int, log_format: str, **kwargs: Any) -> Any:
        handler = logging.StreamHandler()
        handler.setFormatter(
            JsonLogFormatter() if log_format == "json" else RedactingFormatter("%(asctime)s %(levelname)s %(message)s")
        )
        root = logging.getLogger()
        root.handlers[:] = [handler]
        root.setLevel(logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG)
        # A long sync's progress off a terminal (lineage_graph.present.progress): one line per 30 s, even at -v 0.
        logging.getLogger("lineage_graph.progress").setLevel(logging.INFO)
        if verbose < 2:  # the drivers' own chatter only when debugging
            for noisy in ("neo4j", "botocore", "urllib3"):
                logging.getLogger(noisy).setLevel(logging.WARNING)
        return command(*args, **kwargs)

    return wrapper
