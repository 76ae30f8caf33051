"""What SageMaker does on its own: trial components and lineage for jobs, model packages and endpoints."""


def install() -> None:
    """Hook moto's job, model package and endpoint creation. Idempotent."""
