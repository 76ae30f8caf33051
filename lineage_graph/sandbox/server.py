"""The sandbox over HTTP: moto's server app with the lineage APIs, on 127.0.0.1.

Client side, any boto3 SageMaker client reaches it with dummy credentials and any region::

    boto3.client("sagemaker", endpoint_url=url, region_name="us-east-1",
                 aws_access_key_id="testing", aws_secret_access_key="testing")

or, without code changes, ``export AWS_ENDPOINT_URL_SAGEMAKER=<url>`` (botocore ≥ 1.31 reads it).
State is per account and region, in memory; ``POST <url>/moto-api/reset`` empties it (lineage included).
Faults (throttling, 5xx, latency, access denied) are injected by ``lineage_graph.sandbox.faults``, set at
start (``faults=FaultConfig(...)``), from Python (``set_faults``) or over HTTP (``<url>/lineage-graph/faults``).
"""

from __future__ import annotations

import errno
import socket
import sys
import threading
from typing import Any

from lineage_graph.errors import ConfigurationError
from lineage_graph.sandbox.faults import FaultConfig, FaultInjector

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5005
ENDPOINT_ENV = "AWS_ENDPOINT_URL_SAGEMAKER"
# Requests served at once. Idle keep-alive connections wait in cheroot's selector, not in a thread.
SERVER_THREADS = 16


_READ_PREFIXES = ("List", "Describe", "Search", "Query", "Get", "BatchGet", "BatchDescribe")


class ChangeTracker:
    """WSGI middleware telling the sandbox's listing cache that state changed: after every SageMaker
    operation that may write, and every ``/moto-api`` call (reset)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        from lineage_graph.sandbox.api import LISTINGS

        operation = environ.get("HTTP_X_AMZ_TARGET", "").rpartition(".")[2]
        writes = environ.get("PATH_INFO", "").startswith("/moto-api") or not operation.startswith(_READ_PREFIXES)
        try:
            return self.app(environ, start_response)
        finally:
            if writes:
                LISTINGS.changed()


class RequestLog:
    """WSGI middleware for ``--log-requests``: one line per request on stderr, with the SageMaker operation."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        target = environ.get("HTTP_X_AMZ_TARGET") or environ.get("PATH_INFO", "")
        where = f"{environ.get('REMOTE_ADDR', '-')} {environ.get('REQUEST_METHOD', '-')} {target}"

        def logged(status: str, headers: Any, exc_info: Any = None) -> Any:
            print(f"{where} -> {status}", file=sys.stderr, flush=True)
            return start_response(status, headers, exc_info)

        return self.app(environ, logged)


class _SageMakerFirst:
    """Sends SageMaker requests (JSON protocol, ``X-Amz-Target: SageMaker.<Operation>``) straight to the
    SageMaker app; anything else (STS, ``/moto-api``) goes through moto's dispatcher, which infers the
    service from each request at a cost that dominated the sandbox's CPU on listings."""

    def __init__(self, dispatcher: Any) -> None:
        self.dispatcher = dispatcher
        self._sagemaker: Any = None

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("HTTP_X_AMZ_TARGET", "").startswith("SageMaker."):
            if self._sagemaker is None:
                self._sagemaker = self.dispatcher.get_application(environ)
            return self._sagemaker(environ, start_response)
        return self.dispatcher(environ, start_response)


class SandboxServer:
    """A moto server with ``lineage_graph.sandbox.install()`` applied, serving in a background thread.

    ``SandboxServer(port=0).start()`` picks a free port and returns the URL; ``stop()`` shuts it down.
    A port already in use raises ``ConfigurationError`` at ``start()``. ``faults`` are injected into
    SageMaker requests from the start; ``set_faults`` changes them at any time.
    """

    def __init__(
        self,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        *,
        log_requests: bool = False,
        faults: FaultConfig | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.log_requests = log_requests
        self.fault_injector = FaultInjector(config=faults)
        self._server: Any = None
        self._thread: threading.Thread | None = None

    @property
    def faults(self) -> FaultConfig:
        return self.fault_injector.config

    def set_faults(self, config: FaultConfig | None = None, /, **changes: Any) -> FaultConfig:
        """Replace the faults with ``config``, or change some fields (``set_faults(throttle_rate=0.3)``)."""
        if config is not None:
            self.fault_injector.configure(config)
        if changes or config is None:
            self.fault_injector.update(**changes)
        return self.fault_injector.config

    def fault_counters(self) -> dict[str, Any]:
        """Requests seen and faults injected so far: requests, throttled, errors, denied, by_operation."""
        return self.fault_injector.counters()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the sandbox server is not running")
        host, port = self._server.bind_addr[:2]
        return f"http://{host}:{port}"

    def start(self) -> str:
        from cheroot.wsgi import Server
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

        from lineage_graph.sandbox import install

        install()
        self.fault_injector.app = ChangeTracker(_SageMakerFirst(DomainDispatcherApplication(create_backend_app)))
        app: Any = RequestLog(self.fault_injector) if self.log_requests else self.fault_injector
        self._check_port()
        # cheroot, not werkzeug's development server: werkzeug closes the connection after every response,
        # so each boto3 call paid a TCP connect and a new server thread, which AWS's keep-alive never does.
        server = Server((self.host, self.port), app, numthreads=SERVER_THREADS)
        try:
            server.prepare()
        except OSError as err:
            if err.errno in (errno.EADDRINUSE, errno.EACCES):
                raise ConfigurationError(self._port_in_use()) from None
            raise ConfigurationError(f"cannot serve the SageMaker sandbox on {self.host}:{self.port}: {err}") from None
        self._server = server
        self._thread = threading.Thread(target=server.serve, name="sagemaker-sandbox", daemon=True)
        self._thread.start()
        return self.url

    def _port_in_use(self) -> str:
        return (
            f"cannot serve the SageMaker sandbox on {self.host}:{self.port}: the port is in use "
            "(pick another with --port or LINEAGE_GRAPH_SANDBOX_PORT)"
        )

    def _check_port(self) -> None:
        """Fail with a clear message before the server would raise its own."""
        if self.port == 0:
            return
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind((self.host, self.port))
            except OSError as err:
                if err.errno in (errno.EADDRINUSE, errno.EACCES):
                    raise ConfigurationError(self._port_in_use()) from None
                raise ConfigurationError(
                    f"cannot serve the SageMaker sandbox on {self.host}:{self.port}: {err}"
                ) from None

    def serve_forever(self) -> None:
        """Block until the server stops (Ctrl-C raises KeyboardInterrupt in the caller)."""
        if self._thread is not None:
            while self._thread.is_alive():
                self._thread.join(0.5)

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
        if self._thread is not None:
            self._thread.join()
        self._server = None
        self._thread = None

    def __enter__(self) -> SandboxServer:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


def client_for(url: str, region: str = "us-east-1", **config: Any) -> Any:
    """A boto3 SageMaker client for the sandbox at ``url`` (dummy credentials, one attempt per call unless
    ``retries`` says otherwise; other ``config`` goes to botocore's ``Config``)."""
    import boto3
    from botocore.config import Config

    return boto3.client(
        "sagemaker",
        endpoint_url=url,
        region_name=region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(**{"retries": {"mode": "standard", "total_max_attempts": 1}, **config}),
    )


def client_environment(url: str, region: str = "us-east-1") -> dict[str, str]:
    """What a process needs to reach the sandbox at ``url`` through boto3: the endpoint, dummy
    credentials and a region."""
    return {
        ENDPOINT_ENV: url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": region,
    }


def reset(url: str) -> None:
    """Empty every account and region of the sandbox at ``url`` (moto's reset API)."""
    import urllib.request

    request = urllib.request.Request(f"{url}/moto-api/reset", data=b"", method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()
