"""A local SageMaker: moto's server plus the lineage APIs and automatic lineage that moto lacks.

An optional extra (``pip install lineage-graph[sandbox]``); the crawler never imports it.
"""


def install() -> None:
    """Teach moto's SageMaker the lineage APIs and SageMaker's automatic lineage. Idempotent."""
    from lineage_graph.sandbox import api, auto_lineage, identity

    api.install()
    auto_lineage.install()
    identity.install()
