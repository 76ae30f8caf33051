"""lineage-graph: SageMaker ML lineage mirrored into Neo4j, answered with Cypher.

Data flows one way: ``sagemaker`` (crawl) -> ``graph`` (model, load) -> Neo4j -> ``query`` -> ``present``
-> ``cli`` / ``api``. ``neo4j_local`` and ``sandbox`` are local infrastructure for demos and tests.
"""

__version__ = "0.1.0"
