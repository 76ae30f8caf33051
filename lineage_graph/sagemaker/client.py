"""A SageMaker client that counts its calls, pages fully, retries what AWS asks us to retry and keeps
under a request rate.

botocore's standard retry mode handles throttling and 5xx per request (exponential backoff with jitter,
a retry quota); tenacity adds a slower, jittered backoff on top for throttling storms, 5xx errors and
lost connections, so one bad minute does not end a sync. ``max_rps`` caps every HTTP attempt, botocore's
retries included.
"""

from __future__ import annotations

import collections
import logging
import os
import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import botocore.exceptions
from botocore.config import Config
from botocore.retries import quota, standard
from tenacity import (
    RetryCallState,
    before_sleep_log,
    retry,
    retry_if_exception,
    wait_random_exponential,
)

from lineage_graph import __version__
from lineage_graph.errors import AwsError, ConfigurationError, SageMakerThrottledError
from lineage_graph.sagemaker.session import boto_session
from lineage_graph.settings import AwsSettings

log = logging.getLogger(__name__)
MAX_CONNECTIONS = 16  # kept-alive HTTP connections; botocore's default of 10 is below a sync's concurrency

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
SERVICE_EVENT_NAME = "sagemaker"


class AccessDeniedError(AwsError):
    """The credentials lack one SageMaker permission; ``permission`` names it (``sagemaker:ListActions``)."""

    def __init__(self, operation: str) -> None:
        self.operation = operation
        self.permission = f"sagemaker:{operation}"
        super().__init__(f"access denied: {operation} needs IAM permission {self.permission}")


@dataclass(frozen=True)
class RetryTiming:
    """How long retries wait. ``scale`` multiplies every backoff, botocore's per-request one (1 s base
    for throttling, 50 ms otherwise, doubling, capped at 20 s) and tenacity's (``multiplier`` doubling up
    to ``max_wait``); tests pass a small scale so a throttling storm costs milliseconds, not minutes."""

    scale: float = 1.0
    multiplier: float = 0.5
    max_wait: float = 20.0
    # Throttling is SageMaker asking us to slow down, not a failure: a call keeps backing off until tenacity's
    # waits add up to this (scaled too). A count of attempts would not do: once botocore's retry quota is
    # spent, each attempt is one request, and at a sustained 60 % throttle six of them fail one call in twenty.
    throttle_budget: float = 300.0
    sleep: Callable[[float], None] = time.sleep


DEFAULT_RETRY_TIMING = RetryTiming()
DEFAULT_MAX_ATTEMPTS = 6  # tenacity's, at a server error or a lost connection


class TokenBucket:
    """A thread-safe token bucket: ``rate`` tokens a second, at most ``capacity`` saved up.

    ``acquire()`` takes a token, sleeping until one is due. Tokens are reserved under the lock and the
    sleep happens outside it, so concurrent callers queue up in order without holding each other up.
    """

    def __init__(
        self,
        rate: float,
        capacity: float = 1.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("the rate must be positive")
        if capacity < 1:
            raise ValueError("the capacity must be at least one token")
        self.rate = rate
        self.capacity = capacity
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._tokens = capacity
        self._last = clock()

    def acquire(self) -> float:
        """Take one token; returns the seconds slept for it."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self.capacity, self._tokens + (now - self._last) * self.rate)
            self._last = now
            self._tokens -= 1
            wait = -self._tokens / self.rate if self._tokens < 0 else 0.0
        if wait > 0:
            self._sleep(wait)
        return wait


def _is_throttling(err: BaseException) -> bool:
    if not isinstance(err, botocore.exceptions.ClientError):
        return False
    code = err.response.get("Error", {}).get("Code", "")
    return code in THROTTLING_CODES and err.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) < 500


def _is_retryable(err: BaseException) -> bool:
    """Throttling, server errors and lost connections that outlasted botocore's own retries: a minute
    of trouble must not end a scheduled sync."""
    if isinstance(err, botocore.exceptions.ClientError):
        code = err.response.get("Error", {}).get("Code", "")
        status = err.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        return code in THROTTLING_CODES or status >= 500
    return isinstance(
        err,
        botocore.exceptions.ConnectionError  # connection refused or reset, DNS, endpoint unreachable
        | botocore.exceptions.ReadTimeoutError
        | botocore.exceptions.ConnectTimeoutError,
    )


class SageMakerApi:
    """The only door to SageMaker: every call is counted per operation and retried on throttling.

    ``calls`` counts API calls per operation, ``attempts`` HTTP requests (retries included) and
    ``throttles`` the responses botocore classified as throttling.
    """

    def __init__(
        self,
        settings: AwsSettings,
        *,
        max_attempts: int | None = None,
        retry_timing: RetryTiming | None = None,
    ) -> None:
        """``max_attempts`` caps tenacity's attempts at any error; by default a call gives up after six at a
        server error or lost connection, and after ``retry_timing.throttle_budget`` of throttling."""
        self.settings = settings
        self.retry_timing = retry_timing or DEFAULT_RETRY_TIMING
        session = boto_session(settings)
        if session.region_name is None:
            raise ConfigurationError("no AWS region: pass --region or set AWS_REGION")
        self.region: str = session.region_name
        botocore_attempts = int(os.environ.get("AWS_MAX_ATTEMPTS", "8"))
        self.client = session.client(
            "sagemaker",
            endpoint_url=settings.endpoint_url,
            config=Config(
                retries={"mode": "standard", "total_max_attempts": botocore_attempts},
                # A sync's calls at once: a listing, the pipelines' listing and its step readers.
                max_pool_connections=MAX_CONNECTIONS,
                user_agent_extra=f"lineage-graph/{__version__}",
            ),
        )
        self.calls: collections.Counter[str] = collections.Counter()
        self.attempts: collections.Counter[str] = collections.Counter()
        self.throttles: collections.Counter[str] = collections.Counter()
        self._counts_lock = threading.Lock()
        self.rate_limiter = TokenBucket(settings.max_rps) if settings.max_rps else None
        self._throttling = standard.ThrottlingErrorDetector(standard.RetryEventAdapter())
        events = self.client.meta.events
        events.register(f"provide-client-params.{SERVICE_EVENT_NAME}", self._count)
        events.register(f"before-send.{SERVICE_EVENT_NAME}", self._before_send)
        # First, so it sees every attempt's outcome before the retry handler decides; it returns None.
        events.register_first(f"needs-retry.{SERVICE_EVENT_NAME}", self._count_throttle)
        if self.retry_timing.scale != 1.0:
            self._scale_botocore_backoff(botocore_attempts)
        self._max_attempts = max_attempts

    def _scale_botocore_backoff(self, max_attempts: int) -> None:
        """botocore's standard retry handler again, with its backoff's jitter scaled: the same
        classification, quota and attempts, shorter sleeps."""
        events = self.client.meta.events
        events.unregister(f"needs-retry.{SERVICE_EVENT_NAME}", unique_id=f"retry-config-{SERVICE_EVENT_NAME}")
        adapter = standard.RetryEventAdapter()
        detector = standard.ThrottlingErrorDetector(adapter)
        retry_quota = standard.RetryQuotaChecker(quota.RetryQuota(), detector)
        scale = self.retry_timing.scale
        handler = standard.RetryHandler(
            retry_policy=standard.RetryPolicy(
                retry_checker=standard.StandardRetryConditions(max_attempts=max_attempts),
                retry_backoff=standard.ExponentialBackoff(
                    service_name=SERVICE_EVENT_NAME,
                    throttling_detector=detector,
                    random=lambda: scale * random.random(),
                ),
            ),
            retry_event_adapter=adapter,
            retry_quota=retry_quota,
            service_name=SERVICE_EVENT_NAME,
        )
        events.register(f"after-call.{SERVICE_EVENT_NAME}", retry_quota.release_retry_quota)
        events.register(
            f"needs-retry.{SERVICE_EVENT_NAME}", handler.needs_retry, unique_id="lineage-graph-scaled-retry"
        )

    def _count(self, model: Any, **_: Any) -> None:
        with self._counts_lock:
            self.calls[model.name] += 1

    def _before_send(self, event_name: str, **_: Any) -> None:
        """Every HTTP attempt, botocore's retries included: counted, then held to ``max_rps``."""
        with self._counts_lock:
            self.attempts[event_name.rsplit(".", 1)[-1]] += 1
        if self.rate_limiter is not None:
            self.rate_limiter.acquire()
        return None

    def _count_throttle(self, **kwargs: Any) -> None:
        if self._throttling.is_throttling_error(**kwargs):
            operation = kwargs.get("operation")
            with self._counts_lock:
                self.throttles[getattr(operation, "name", "?")] += 1
        return None

    def call(self, operation: str, **params: Any) -> dict[str, Any]:
        """One API call by operation name (``ListArtifacts``), with retries and readable errors."""
        method = getattr(self.client, _snake(operation))
        timing = self.retry_timing

        @retry(
            retry=retry_if_exception(_is_retryable),
            wait=wait_random_exponential(
                multiplier=timing.multiplier * timing.scale, max=timing.max_wait * timing.scale
            ),
            stop=self._stop_rule(),
            before_sleep=before_sleep_log(log, logging.INFO),
            sleep=timing.sleep,
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
                raise AccessDeniedError(operation) from None
            if code in CREDENTIAL_CODES:
                raise AwsError(f"AWS rejected the credentials ({code})") from None
            if _is_retryable(err):
                raise self._gave_up(operation, err) from None
            raise
        except botocore.exceptions.BotoCoreError as err:
            if _is_retryable(err):
                raise AwsError(f"SageMaker {operation} kept failing after every retry: {err}") from None
            raise

    def _stop_rule(self) -> Callable[[RetryCallState], bool]:
        """When one call gives up: after ``max_attempts`` of anything if set; otherwise after six server
        errors or lost connections (throttles between them do not count), or once the waits reach the
        throttling budget with the last attempt throttled."""
        if self._max_attempts is not None:
            limit = self._max_attempts
            return lambda state: state.attempt_number >= limit
        failures = 0
        budget = self.retry_timing.throttle_budget * self.retry_timing.scale

        def stop(state: RetryCallState) -> bool:
            nonlocal failures
            err = state.outcome.exception() if state.outcome is not None else None
            if err is not None and _is_throttling(err):
                return state.idle_for >= budget
            failures += 1
            return failures >= DEFAULT_MAX_ATTEMPTS

        return stop

    def _gave_up(self, operation: str, err: botocore.exceptions.ClientError) -> AwsError:
        """The error for a throttling or server error that outlasted botocore's and tenacity's retries."""
        code = err.response.get("Error", {}).get("Code", "")
        status = err.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        with self._counts_lock:
            attempts, throttles = self.attempts[operation], self.throttles[operation]
        if _is_throttling(err):  # 500/503 codes in THROTTLING_CODES are server errors
            return SageMakerThrottledError(
                f"SageMaker kept throttling {operation}: {throttles} throttled responses in {attempts} requests, "
                "and the last retry was throttled too; lower --max-rps, or run the sync again later"
            )
        return AwsError(
            f"SageMaker kept failing {operation} with {code} (HTTP {status}) after {attempts} requests; "
            "run the sync again later"
        )

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
        with self._counts_lock:
            return dict(self.calls)

    def api_throttles(self) -> Mapping[str, int]:
        """Throttling responses per operation (each one botocore or tenacity then retried, or gave up on)."""
        with self._counts_lock:
            return dict(self.throttles)


def _snake(operation: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in operation).lstrip("_")
