"""HTTP handlers moto's SageMakerResponse lacks: artifacts, contexts, actions, associations, QueryLineage."""


def install() -> None:
    """Add the handlers to moto's SageMakerResponse. Idempotent."""
