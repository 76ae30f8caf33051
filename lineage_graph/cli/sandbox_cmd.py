"""``lineage-graph sandbox``: a local SageMaker API for demos and tests."""

import click


@click.group("sandbox")
def sandbox_group() -> None:
    """Serve a local SageMaker API (moto plus lineage) for demos and tests."""
