"""``lineage-graph doctor``: is everything a sync needs in place?

Neo4j: reachable with these credentials, version 5 or newer, the constraints and indexes of
``cypher/schema.cypher`` present. AWS: the credentials resolve (STS GetCallerIdentity), and each SageMaker
operation the sync calls is allowed, probed with the cheapest request there is: one item of a listing, or
a name that does not exist for a Describe (ResourceNotFound or ValidationException then means the call was
allowed, AccessDenied that it was not).

``SAGEMAKER_OPERATIONS`` is the one list of what the sync needs, derived from the kinds' declarations
(``lineage_graph.sagemaker.kinds``): the checks probe it and ``iam_policy()`` grants exactly it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

import botocore.exceptions
from neo4j.exceptions import DriverError, Neo4jError

from lineage_graph.errors import (
    AwsError,
    AwsUnreachableError,
    ConfigurationError,
    LineageGraphError,
    Neo4jUnavailableError,
)
from lineage_graph.graph import schema
from lineage_graph.graph.bookkeeping.status import server_info
from lineage_graph.graph.connection import connect
from lineage_graph.redact import redact
from lineage_graph.sagemaker import kinds
from lineage_graph.sagemaker.client import AccessDeniedError, SageMakerApi
from lineage_graph.sagemaker.identity import caller_account
from lineage_graph.sagemaker.kinds import Operation
from lineage_graph.settings import AwsSettings, Neo4jSettings

MIN_NEO4J_MAJOR = 5
# Errors that prove a probe got past IAM: the (nonexistent) resource was looked for.
ALLOWED_ERROR_CODES = frozenset({"ResourceNotFound", "ValidationException"})
# Doctor's exit codes reuse the documented ones: 4 a Neo4j check failed, 5 an AWS check failed.
EXIT_NEO4J = Neo4jUnavailableError.exit_code
EXIT_AWS = AwsError.exit_code
CREDENTIALS_FIX = "configure credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or a role)"

# What the sync needs, from the kinds' declarations: the checks probe it and ``iam_policy()`` grants exactly it.
SAGEMAKER_OPERATIONS: tuple[Operation, ...] = kinds.operations()


def iam_policy() -> dict[str, Any]:
    """The least-privilege IAM policy of a sync: read-only SageMaker actions, nothing else
    (STS GetCallerIdentity needs no permission)."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "LineageGraphSyncReadOnly",
                "Effect": "Allow",
                "Action": [f"sagemaker:{op.name}" for op in SAGEMAKER_OPERATIONS],
                "Resource": "*",
            }
        ],
    }


Status = Literal["pass", "fail", "skip"]


@dataclass(frozen=True)
class Check:
    group: Literal["neo4j", "aws"]
    name: str
    status: Status
    detail: str
    fix: str = ""

    def __post_init__(self) -> None:  # a detail may quote NEO4J_URI, userinfo and all
        object.__setattr__(self, "detail", redact(self.detail))

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class DoctorReport:
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return all(c.status != "fail" for c in self.checks)

    @property
    def exit_code(self) -> int:
        """0 all passed; 4 a Neo4j check failed; 5 only AWS checks failed."""
        failed = {c.group for c in self.checks if c.status == "fail"}
        return EXIT_NEO4J if "neo4j" in failed else EXIT_AWS if "aws" in failed else 0

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "exit_code": self.exit_code, "checks": [c.to_dict() for c in self.checks]}


def neo4j_checks(settings: Neo4jSettings) -> list[Check]:
    where = f"{settings.uri} as {settings.username!r}, database {settings.database!r}"
    try:
        driver = connect(settings)
    except Neo4jUnavailableError as err:
        return [
            Check("neo4j", "Neo4j connection", "fail", str(err), "check NEO4J_URI, NEO4J_USERNAME and NEO4J_PASSWORD")
        ]
    except (Neo4jError, DriverError) as err:  # e.g. AuthenticationRateLimit after repeated wrong passwords
        return [
            Check(
                "neo4j",
                "Neo4j connection",
                "fail",
                f"Neo4j at {settings.uri} refused the connection: "
                f"{getattr(err, 'message', None) or type(err).__name__}",
                "check NEO4J_URI, NEO4J_USERNAME and NEO4J_PASSWORD; after repeated wrong passwords wait a few seconds",
            )
        ]
    checks = [Check("neo4j", "Neo4j connection", "pass", where)]
    with driver:
        try:
            server = server_info(driver, settings.database)
            major = int(server["version"].split(".")[0])
            label = f"Neo4j {server['version']} {server['edition']}"
            if major >= MIN_NEO4J_MAJOR:
                checks.append(Check("neo4j", "Neo4j version", "pass", label))
            else:
                checks.append(
                    Check("neo4j", "Neo4j version", "fail", label, f"upgrade to Neo4j {MIN_NEO4J_MAJOR}.x or newer")
                )
            expected = schema.statements("schema").keys()
            missing = sorted(expected - schema.existing(driver, settings.database))
            if missing:
                checks.append(
                    Check(
                        "neo4j",
                        "graph schema",
                        "fail",
                        f"{len(missing)} of {len(expected)} constraints/indexes missing or from an older version: "
                        f"{', '.join(missing)}",
                        "run `lineage-graph sync` (it applies cypher/schema.cypher) or run that file in Neo4j Browser",
                    )
                )
            else:
                checks.append(
                    Check("neo4j", "graph schema", "pass", f"all {len(expected)} constraints/indexes of schema.cypher")
                )
        except (LineageGraphError, ValueError, IndexError) as err:
            checks.append(Check("neo4j", "Neo4j version", "fail", str(err), "check the Neo4j server"))
        except Exception as err:  # a Neo4j error on SHOW/dbms.components, e.g. missing privileges
            checks.append(
                Check(
                    "neo4j",
                    "Neo4j queries",
                    "fail",
                    f"{type(err).__name__}: {getattr(err, 'message', None) or err}",
                    "grant the user read access to the database and to SHOW CONSTRAINTS/INDEXES",
                )
            )
    return checks


def _probe(api: SageMakerApi, operation: Operation, account: str) -> Check:
    name = f"sagemaker:{operation.name}"
    fix = f"grant IAM permission {name} (see `lineage-graph doctor --print-policy`)"
    try:
        api.call(operation.name, **operation.probe(api.region, account))
    except AccessDeniedError:
        return Check("aws", name, "fail", f"access denied: the sync cannot {operation.purpose}", fix)
    except AwsError as err:
        return Check("aws", name, "fail", str(err), "check the SageMaker endpoint and the credentials")
    except botocore.exceptions.ClientError as err:
        code = err.response.get("Error", {}).get("Code", "")
        if code not in ALLOWED_ERROR_CODES:
            return Check("aws", name, "fail", f"{code}: {err}", fix)
    return Check("aws", name, "pass", f"allowed ({operation.purpose})")


def _skipped(detail: str) -> list[Check]:
    return [Check("aws", f"sagemaker:{op.name}", "skip", detail) for op in SAGEMAKER_OPERATIONS]


def aws_checks(settings: AwsSettings) -> list[Check]:
    """The region first (without one, STS fails for a reason that is not the credentials), then the
    account, then each operation."""
    try:
        api = SageMakerApi(settings, max_attempts=2)
    except ConfigurationError as err:
        return [
            Check("aws", "AWS region", "fail", str(err), "pass --region or set AWS_REGION"),
            *_skipped("not checked without a region"),
        ]
    except AwsError as err:  # a profile that does not exist
        return [
            Check("aws", "AWS credentials", "fail", str(err), CREDENTIALS_FIX),
            *_skipped("not checked without credentials"),
        ]
    try:
        account = caller_account(settings)
    except AwsUnreachableError as err:
        fix = "start the service there or correct the URL"
        return [
            Check("aws", "SageMaker endpoint", "fail", str(err), fix),
            *_skipped("not checked: the endpoint does not answer"),
        ]
    except AwsError as err:
        return [
            Check("aws", "AWS credentials", "fail", str(err), CREDENTIALS_FIX),
            *_skipped("not checked without credentials"),
        ]
    checks = [Check("aws", "AWS credentials", "pass", f"account {account}, region {api.region}")]
    checks += [_probe(api, op, account) for op in SAGEMAKER_OPERATIONS]
    return checks


def run_doctor(neo4j: Neo4jSettings, aws: AwsSettings) -> DoctorReport:
    return DoctorReport(tuple(neo4j_checks(neo4j) + aws_checks(aws)))
