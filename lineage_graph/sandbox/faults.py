"""Fault injection for the sandbox: SageMaker's throttling, server errors, latency and access denied.

``FaultInjector`` is WSGI middleware in front of moto's app. For each SageMaker request (an
``X-Amz-Target: SageMaker.<Operation>`` JSON call; never ``/moto-api/*``, STS or the control endpoint)
it waits ``latency_ms``, then answers, as AWS does:

- ``AccessDeniedException`` (HTTP 400) when the operation is in ``deny_operations``;
- with probability ``throttle_rate``, HTTP 400 ``ThrottlingException`` "Rate exceeded";
- with probability ``error_rate``, HTTP 500 ``InternalFailure`` or HTTP 503 ``ServiceUnavailable``;
- otherwise moto's answer.

Errors carry ``x-amzn-ErrorType``, ``x-amzn-RequestId`` and a JSON body with ``__type`` and ``message``, so
botocore parses them into ``ClientError`` codes and its retry handler classifies them as it would AWS's.
Draws come from one ``random.Random(seed)``: a seeded run injects the same faults into the same sequence
of requests.

The control endpoint ``/lineage-graph/faults`` reads (``GET``) and changes (``POST`` a JSON object with any
of the fields; ``"reset_counters": true`` zeroes the counters) the faults while the sandbox runs, and
``DELETE`` turns them all off. Every answer is ``{"faults": {...}, "counters": {...}}``.
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

CONTROL_PATH = "/lineage-graph/faults"
TARGET_PREFIX = "SageMaker."
DEFAULT_ACCOUNT = "123456789012"  # moto's

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


@dataclass(frozen=True)
class FaultConfig:
    """What to inject. Rates are probabilities per SageMaker request; their sum is at most 1."""

    throttle_rate: float = 0.0
    error_rate: float = 0.0
    latency_ms: float = 0.0
    deny_operations: frozenset[str] = field(default_factory=frozenset)
    seed: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "deny_operations", frozenset(self.deny_operations))
        for name in ("throttle_rate", "error_rate"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, not {value}")
        if self.throttle_rate + self.error_rate > 1.0:
            raise ValueError("throttle_rate + error_rate must be at most 1")
        if self.latency_ms < 0:
            raise ValueError(f"latency_ms must not be negative, not {self.latency_ms}")

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["deny_operations"] = sorted(self.deny_operations)
        return data

    def updated(self, changes: Mapping[str, Any]) -> FaultConfig:
        """A copy with ``changes`` (field names as in ``to_dict``) applied; unknown names raise ValueError."""
        unknown = set(changes) - set(FaultConfig.__dataclass_fields__)
        if unknown:
            raise ValueError(f"unknown fault settings: {', '.join(sorted(unknown))}")
        values: dict[str, Any] = {}
        for name, value in changes.items():
            if name in ("throttle_rate", "error_rate", "latency_ms"):
                if isinstance(value, bool) or not isinstance(value, int | float):
                    raise ValueError(f"{name} must be a number")
                values[name] = float(value)
            elif name == "deny_operations":
                if not isinstance(value, list | tuple | set | frozenset) or not all(isinstance(v, str) for v in value):
                    raise ValueError("deny_operations must be a list of operation names")
                values[name] = frozenset(value)
            elif name == "seed":
                if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                    raise ValueError("seed must be an integer or null")
                values[name] = value
        return replace(self, **values)


@dataclass
class FaultCounters:
    """What was injected since the start (or the last reset)."""

    requests: int = 0  # SageMaker requests seen
    throttled: int = 0
    errors: int = 0
    denied: int = 0
    by_operation: dict[str, dict[str, int]] = field(default_factory=dict)

    def count(self, operation: str, outcome: str | None) -> None:
        self.requests += 1
        if outcome is None:
            return
        setattr(self, outcome, getattr(self, outcome) + 1)
        per = self.by_operation.setdefault(operation, {})
        per[outcome] = per.get(outcome, 0) + 1

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class FaultInjector:
    """WSGI middleware injecting ``FaultConfig``'s faults into the SageMaker requests ``app`` serves."""

    def __init__(self, app: WsgiApp | None = None, config: FaultConfig | None = None) -> None:
        self.app = app
        self._lock = threading.Lock()
        self._config = FaultConfig()
        self._rng = random.Random()
        self._counters = FaultCounters()
        self.configure(config or FaultConfig())

    @property
    def config(self) -> FaultConfig:
        return self._config

    def configure(self, config: FaultConfig) -> None:
        """Replace the faults; a seed restarts the random sequence."""
        with self._lock:
            self._config = config
            self._rng = random.Random(config.seed)

    def update(self, **changes: Any) -> FaultConfig:
        """Change some fields; the random sequence restarts only when ``seed`` is among them."""
        with self._lock:
            self._config = self._config.updated(changes)
            if "seed" in changes:
                self._rng = random.Random(self._config.seed)
            return self._config

    def counters(self) -> dict[str, Any]:
        with self._lock:
            return self._counters.to_dict()

    def reset_counters(self) -> None:
        with self._lock:
            self._counters = FaultCounters()

    def state(self) -> dict[str, Any]:
        with self._lock:
            return {"faults": self._config.to_dict(), "counters": self._counters.to_dict()}

    def _decide(self, operation: str) -> tuple[str | None, float, bool]:
        """(outcome, latency seconds, 503 rather than 500) for one request, drawn under the lock."""
        with self._lock:
            config = self._config
            outcome: str | None = None
            unavailable = False
            if operation in config.deny_operations:
                outcome = "denied"
            elif config.throttle_rate or config.error_rate:
                draw = self._rng.random()
                if draw < config.throttle_rate:
                    outcome = "throttled"
                elif draw < config.throttle_rate + config.error_rate:
                    outcome = "errors"
                    unavailable = self._rng.random() < 0.5
            self._counters.count(operation, outcome)
            return outcome, config.latency_ms / 1000.0, unavailable

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == CONTROL_PATH:
            return self._control(environ, start_response)
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if path.startswith("/moto-api") or not target.startswith(TARGET_PREFIX):
            return self._pass(environ, start_response)
        operation = target[len(TARGET_PREFIX) :]
        outcome, latency, unavailable = self._decide(operation)
        if latency > 0:
            time.sleep(latency)
        if outcome is None:
            return self._pass(environ, start_response)
        _drain(environ)
        if outcome == "denied":
            region = _region(environ)
            status, code, type_, message = (
                400,
                "AccessDeniedException",
                "AccessDeniedException",
                f"User: arn:aws:iam::{DEFAULT_ACCOUNT}:user/sandbox is not authorized to perform: "
                f"sagemaker:{operation} on resource: arn:aws:sagemaker:{region}:{DEFAULT_ACCOUNT}:* "
                f"because no identity-based policy allows the sagemaker:{operation} action",
            )
            namespace = "com.amazon.coral.service"
        elif outcome == "throttled":
            status, code, message = 400, "ThrottlingException", "Rate exceeded"
            type_ = f"com.amazon.coral.availability#{code}"
            namespace = "com.amazon.coral.availability"
        elif unavailable:
            status, code, message = 503, "ServiceUnavailable", "Service is unavailable. Please try again later."
            type_ = f"com.amazon.coral.service#{code}"
            namespace = "com.amazon.coral.service"
        else:
            status, code, message = 500, "InternalFailure", "An internal error occurred. Please try again."
            type_ = f"com.amazon.coral.service#{code}"
            namespace = "com.amazon.coral.service"
        body = json.dumps({"__type": type_, "message": message}).encode()
        start_response(
            f"{status} {_REASONS[status]}",
            [
                ("Content-Type", "application/x-amz-json-1.1"),
                ("Content-Length", str(len(body))),
                ("x-amzn-RequestId", str(uuid.uuid4())),
                ("x-amzn-ErrorType", f"{code}:http://internal.amazon.com/coral/{namespace}/"),
            ],
        )
        return [body]

    def _pass(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if self.app is None:
            raise RuntimeError("FaultInjector has no application to pass requests to")
        return self.app(environ, start_response)

    def _control(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        status = 200
        try:
            if method == "POST":
                changes = json.loads(_drain(environ) or b"{}")
                if not isinstance(changes, dict):
                    raise ValueError("the body must be a JSON object")
                reset = bool(changes.pop("reset_counters", False))
                self.update(**changes)
                if reset:
                    self.reset_counters()
            elif method == "DELETE":
                _drain(environ)
                self.configure(FaultConfig())
            elif method != "GET":
                status = 405
            payload: dict[str, Any] = self.state() if status == 200 else {"error": f"{method} is not allowed"}
        except ValueError as err:  # json.JSONDecodeError included
            status, payload = 400, {"error": str(err)}
        body = json.dumps(payload).encode()
        start_response(
            f"{status} {_REASONS[status]}",
            [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
        )
        return [body]


_REASONS = {
    200: "OK",
    400: "Bad Request",
    405: "Method Not Allowed",
    500: "Internal Server Error",
    503: "Service Unavailable",
}
_CREDENTIAL_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/([^/]+)/")


def _drain(environ: dict[str, Any]) -> bytes:
    """Read the request body, so a kept-alive connection is ready for the next request."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    return environ["wsgi.input"].read(length) if length > 0 else b""


def _region(environ: dict[str, Any]) -> str:
    match = _CREDENTIAL_SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
    return match.group(1) if match else "us-east-1"


def get_faults(url: str) -> dict[str, Any]:
    """The faults and counters of the sandbox at ``url``."""
    return _request(url, "GET")


def set_faults(url: str, *, reset_counters: bool = False, **changes: Any) -> dict[str, Any]:
    """Change some faults of the sandbox at ``url`` while it runs, e.g. ``set_faults(url, throttle_rate=0.3)``."""
    body = {**changes, **({"reset_counters": True} if reset_counters else {})}
    if "deny_operations" in body:
        body["deny_operations"] = sorted(body["deny_operations"])
    return _request(url, "POST", body)


def clear_faults(url: str) -> dict[str, Any]:
    """Turn every fault of the sandbox at ``url`` off."""
    return _request(url, "DELETE")


def _request(url: str, method: str, body: Mapping[str, Any] | None = None) -> dict[str, Any]:
    data = json.dumps(body).encode() if body is not None else (b"" if method != "GET" else None)
    request = urllib.request.Request(
        f"{url}{CONTROL_PATH}", data=data, method=method, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        result: dict[str, Any] = json.loads(response.read())
        return result
