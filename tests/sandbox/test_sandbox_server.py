"""The sandbox server's Python API and CLI edges: a taken port is a clear ConfigurationError."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from click.testing import CliRunner

from lineage_graph.cli import cli
from lineage_graph.errors import ConfigurationError
from lineage_graph.sandbox.server import SandboxServer, client_for


def test_start_stop_and_env_recipe(monkeypatch: pytest.MonkeyPatch) -> None:
    import boto3

    with SandboxServer(port=0) as server:
        monkeypatch.setenv("AWS_ENDPOINT_URL_SAGEMAKER", server.url)
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        sm: Any = boto3.client("sagemaker", region_name="ap-southeast-2")
        assert sm.list_artifacts()["ArtifactSummaries"] == []
        assert client_for(server.url).list_contexts()["ContextSummaries"] == []


def test_taken_port_is_a_configuration_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ConfigurationError, match="in use"):
            SandboxServer(port=port).start()
        result = CliRunner().invoke(cli, ["sandbox", "serve", "--port", str(port)])
        assert result.exit_code == ConfigurationError.exit_code
        assert "in use" in result.output


def test_connections_are_kept_alive_as_aws_keeps_them(capfd: pytest.CaptureFixture[str]) -> None:
    """One TCP connection serves many calls: a server that closes after every response (werkzeug's
    development server does) made each boto3 call pay a connect and a server thread."""
    import http.client
    import json

    with SandboxServer(port=0, log_requests=True) as server:
        connection = http.client.HTTPConnection(server.url.removeprefix("http://"))
        headers = {
            "X-Amz-Target": "SageMaker.ListContexts",
            "Content-Type": "application/x-amz-json-1.1",
            "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20261203/us-east-1/sagemaker/aws4_request",
        }
        for _ in range(3):
            connection.request("POST", "/", body=json.dumps({"MaxResults": 1}), headers=headers)
            response = connection.getresponse()
            assert json.loads(response.read()) == {"ContextSummaries": []}
            assert not response.will_close
        connection.close()
    assert capfd.readouterr().err.count("SageMaker.ListContexts -> 200") == 3  # --log-requests
