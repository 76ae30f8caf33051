"""OpenLineage, lineage-graph's second source: run, dataset and job events in, SageMaker's lineage out.

It shares ``lineage_graph.graph`` with the SageMaker source and never imports ``lineage_graph.sagemaker``.
"""
