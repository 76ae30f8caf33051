"""A SageMaker client that counts its calls, pages fully and retries what AWS asks us to retry.

botocore's standard retry mode handles throttling per request; tenacity adds a slower, jittered
backoff on top for throttling storms and 5xx errors, so one bad minute does not end a sync.
"""

from __future__ import annotations

import collections
import logging
import os
from collections.abc import Iterator, Mapping
from typing import Any

import boto3
import botocore.exceptions
from botocore.config import Config
from tenacity import (
    before_sleep_log,
    retry,
    retry_if_exception,
    stop_after_attempt,
    wait_random_exponential,
)

from lineage_graph import __version__
from lineage_graph.errors import AwsError
from lineage_graph.settings import AwsSettings

log = logging.getLogger(__name__)

THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "SlowDown",
        "ServiceUnavailable",
        "InternalFailure",
        "InternalServerError",
    }
)
ACCESS_DENIED_CODES = frozenset({"AccessDeniedException", "AccessDenied", "UnauthorizedOperation"})
CREDENTIAL_CODES = frozenset(
    {"UnrecognizedClientException", "InvalidClientTokenId", "ExpiredTokenException", "InvalidSignatureException"}
)


def _is_retryable(err: BaseException) -> bool:
    """Throttling and server errors that outlasted botocore's own retries (connection errors do not:
    botocore already retried them, and a wrong endpoint should fail in seconds, not minutes)."""
    if isinstance(err, botocore.exceptions.ClientError):
        code = err.response.get("Error", {}).get("Code", "")
        status = err.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        return code in THROTTLING_CODES or status >= 500
    return False


class SageMakerApi:
    """The only door to SageMaker: every call is counted per operation and retried on throttling."""

    def __init__(self, settings: AwsSettings, *, max_attempts: int = 6) -> None:
        self.settings = settings
        try:
            session = boto3.Session(profile_name=settings.profile, region_name=settings.region)
        except botocore.exceptions.ProfileNotFound as err:
            raise AwsError(str(err)) from None
        if session.region_name is None:
            raise AwsError("no AWS region: pass --region or set AWS_REGION")
        self.region: str = session.region_name
        self.client = session.client(
            "sagemaker",
            endpoint_url=settings.endpoint_url,
            config=Config(
                retries={"mode": "standard", "max_attempts": int(os.environ.get("AWS_MAX_ATTEMPTS", "8"))},
                user_agent_extra=f"lineage-graph/{__version__}",
            ),
        )
        self.calls: collections.Counter[str] = collections.Counter()
        self.client.meta.events.register("provide-client-params.sagemaker", self._count)
        self._max_attempts = max_attempts

    def _count(self, model: Any, **_: Any) -> None:
        self.calls[model.name] += 1

    def call(self, operation: str, **params: Any) -> dict[str, Any]:
        """One API call by operation name (``ListArtifacts``), with retries and readable errors."""
        method = getattr(self.client, _snake(operation))

        @retry(
            retry=retry_if_exception(_is_retryable),
            wait=wait_random_exponential(multiplier=0.5, max=20),
            stop=stop_after_attempt(self._max_attempts),
            before_sleep=before_sleep_log(log, logging.INFO),
            reraise=True,
        )
        def attempt() -> dict[str, Any]:
            return dict(method(**params))

        try:
            return attempt()
        except botocore.exceptions.NoCredentialsError:
            raise AwsError("no AWS credentials found: configure a profile, env variables or a role") from None
        except botocore.exceptions.EndpointConnectionError as err:
            raise AwsError(f"cannot reach SageMaker at {err.kwargs.get('endpoint_url')}") from None
        except botocore.exceptions.ClientError as err:
            code = err.response.get("Error", {}).get("Code", "")
            if code in ACCESS_DENIED_CODES:
                raise AwsError(f"access denied: {operation} needs IAM permission sagemaker:{operation}") from None
            if code in CREDENTIAL_CODES:
                raise AwsError(f"AWS rejected the credentials ({code})") from None
            raise

    def paginate(self, operation: str, items_key: str, **params: Any) -> Iterator[dict[str, Any]]:
        """Every item of a list operation, page by page, following NextToken to the end."""
        params = {k: v for k, v in params.items() if v is not None}
        while True:
            page = self.call(operation, **params)
            yield from page.get(items_key, [])
            token = page.get("NextToken")
            if not token:
                return
            params["NextToken"] = token

    def api_calls(self) -> Mapping[str, int]:
        return dict(self.calls)


def _snake(operation: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in operation).lstrip("_")
