"""boto3 sessions for a shard: a profile or the default chain, optionally an assumed role per account."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

import boto3
import botocore.exceptions
import botocore.session
import botocore.utils
from botocore.credentials import RefreshableCredentials

from lineage_graph.errors import AwsError
from lineage_graph.settings import AwsSettings


def sts_endpoints(settings: AwsSettings) -> list[str | None]:
    """Where to ask STS, in order. boto3 honours AWS_ENDPOINT_URL_STS itself; where only SageMaker's
    endpoint is overridden, that endpoint is tried first, since the local sandbox serves STS beside it."""
    endpoints: list[str | None] = [None]
    if settings.endpoint_url and not os.environ.get("AWS_ENDPOINT_URL_STS"):
        endpoints.insert(0, settings.endpoint_url)
    return endpoints


def parse_timestamp(value: str | float) -> datetime:
    """SageMaker's JSON timestamps (epoch seconds) as UTC datetimes.

    botocore's default parser builds a dateutil ``tzlocal()`` for every value and converts through it:
    with four or five timestamps per record it was a sixth of a sync's Python CPU. Same instants; other
    forms go to botocore's parser."""
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    return botocore.utils.parse_timestamp(value)


def _core_session() -> botocore.session.Session:
    core = botocore.session.get_session()
    core.get_component("response_parser_factory").set_parser_defaults(timestamp_parser=parse_timestamp)
    return core


def boto_session(settings: AwsSettings) -> boto3.Session:
    """The session a shard's clients use; with ``role_arn``, credentials of that role, refreshed before
    they expire (a long sync outlives one AssumeRole)."""
    try:
        base = boto3.Session(
            botocore_session=_core_session(), profile_name=settings.profile, region_name=settings.region
        )
    except botocore.exceptions.ProfileNotFound as err:
        raise AwsError(str(err)) from None
    if not settings.role_arn:
        return base
    sts = base.client("sts", endpoint_url=sts_endpoints(settings)[0])
    params: dict[str, Any] = {"RoleArn": settings.role_arn, "RoleSessionName": "lineage-graph"}
    if settings.external_id:
        params["ExternalId"] = settings.external_id

    def assume() -> dict[str, str]:
        try:
            credentials = sts.assume_role(**params)["Credentials"]
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as err:
            raise AwsError(f"cannot assume role {settings.role_arn}: {err}") from None
        return {
            "access_key": credentials["AccessKeyId"],
            "secret_key": credentials["SecretAccessKey"],
            "token": credentials["SessionToken"],
            "expiry_time": credentials["Expiration"].isoformat(),
        }

    core = _core_session()
    core._credentials = RefreshableCredentials.create_from_metadata(  # botocore's documented refresh hook
        metadata=assume(), refresh_using=assume, method="sts-assume-role"
    )
    return boto3.Session(botocore_session=core, region_name=base.region_name)
