"""Query the graph with the Cypher files in ``cypher/``."""

from lineage_graph.query.lookups import Direction, LineageEntitySummary, LineageQueries, PipelineExecutionAnswer

__all__ = ["Direction", "LineageEntitySummary", "LineageQueries", "PipelineExecutionAnswer"]
