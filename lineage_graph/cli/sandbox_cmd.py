"""``lineage-graph sandbox``: a local SageMaker API for demos and tests."""

from __future__ import annotations

import click

from lineage_graph.errors import ConfigurationError

DEFAULT_SANDBOX_PORT = 5005


@click.group("sandbox")
def sandbox_group() -> None:
    """Serve a local SageMaker API (moto plus lineage) for demos and tests."""


@sandbox_group.command("serve")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=DEFAULT_SANDBOX_PORT,
    show_default=True,
    envvar="LINEAGE_GRAPH_SANDBOX_PORT",
    show_envvar=True,
    help="Port on 127.0.0.1 (0 picks a free one).",
)
@click.option(
    "--seed",
    type=click.Choice(["none", "demo"]),
    default="none",
    show_default=True,
    help="Fill the sandbox first: 'demo' is a small account (pipelines, jobs, models, endpoints).",
)
@click.option("--region", default="us-east-1", show_default=True, help="Region the demo seed goes into.")
@click.option("--log-requests", is_flag=True, help="Log every HTTP request to stderr.")
@click.option(
    "--throttle-rate",
    type=click.FloatRange(0, 1),
    default=0.0,
    show_default=True,
    help="Probability that a SageMaker request is answered ThrottlingException (HTTP 400).",
)
@click.option(
    "--error-rate",
    type=click.FloatRange(0, 1),
    default=0.0,
    show_default=True,
    help="Probability that a SageMaker request is answered InternalFailure (500) or ServiceUnavailable (503).",
)
@click.option(
    "--latency-ms", type=click.FloatRange(min=0), default=0.0, show_default=True, help="Delay before every answer."
)
@click.option("--fault-seed", type=int, default=None, help="Seed of the fault draws (the same faults every run).")
@click.option(
    "--deny-operation",
    "deny_operations",
    multiple=True,
    metavar="OPERATION",
    help="Answer this operation (e.g. ListActions) AccessDeniedException; repeatable.",
)
def serve_command(
    port: int,
    seed: str,
    region: str,
    log_requests: bool,
    throttle_rate: float,
    error_rate: float,
    latency_ms: float,
    fault_seed: int | None,
    deny_operations: tuple[str, ...],
) -> None:
    """Run the SageMaker sandbox in the foreground until Ctrl-C.

    \b
    Point boto3 (and lineage-graph sync) at it with:
      export AWS_ENDPOINT_URL_SAGEMAKER=http://127.0.0.1:5005
      export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1

    \b
    Faults can be changed while it runs:
      curl -X POST http://127.0.0.1:5005/lineage-graph/faults -d '{"throttle_rate": 0.3}'
      curl http://127.0.0.1:5005/lineage-graph/faults     # faults and counters of injected faults
    """
    from lineage_graph.sandbox.faults import CONTROL_PATH, FaultConfig
    from lineage_graph.sandbox.server import ENDPOINT_ENV, SandboxServer, client_for

    try:
        faults = FaultConfig(throttle_rate, error_rate, latency_ms, frozenset(deny_operations), fault_seed)
    except ValueError as err:
        raise click.UsageError(str(err)) from None
    # The demo seed goes in before the faults, which apply only once it is in.
    server = SandboxServer(port=port, log_requests=log_requests)
    url = server.start()
    try:
        if seed == "demo":
            try:
                from lineage_graph.sandbox.seed import seed_demo
            except ImportError as err:  # the seed is an optional part of the sandbox
                raise ConfigurationError(f"the demo seed is not available: {err}") from None
            summary = seed_demo(client_for(url, region))
            click.echo(f"seeded the demo account in {region}: {summary}", err=True)
        server.set_faults(faults)
        server.fault_injector.reset_counters()  # count what the faults do to clients, not the seed
        if faults != FaultConfig():
            click.echo(f"injecting faults: {faults.to_dict()}  (change them at {url}{CONTROL_PATH})", err=True)
        click.echo(f"SageMaker sandbox listening on {url}  (Ctrl-C to stop)", err=True)
        click.echo(f"export {ENDPOINT_ENV}={url}")
        click.echo("export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing")
        click.echo(f"export AWS_DEFAULT_REGION={region} AWS_REGION={region}")
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopping the sandbox", err=True)
    finally:
        server.stop()
