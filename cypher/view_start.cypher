// The explorer's lineage view (lineage_graph.query.lineage_view): the node a `ref` names (docs/explorer.md),
// found by its kind's key (lineage_graph.query.refs): a SageMaker entity by ARN, an OpenLineage dataset or
// job by its uri, a run by id. At most one row; none when the graph has no such node.
// The node comes as the map every view query returns: the properties a view node is made of, its labels
// (OpenLineage's kinds have no lineage_type) and its elementId, by which the walk goes on.
// Parameters:
//   $arn       a SageMaker entity's ARN, or null
//   $dataset_uri  an OpenLineage dataset's uri, or null
//   $job_uri      an OpenLineage job's uri (namespace/name), or null
//   $run_id       an OpenLineage run's id, or null
// In Neo4j Browser:
//   :param arn => 'arn:aws:sagemaker:us-east-1:123456789012:context/churn-prod-aws-endpoint'
//   :param dataset_uri => null
//   :param job_uri => null
//   :param run_id => null
CALL () {
  MATCH (n:LineageEntity {arn: $arn}) RETURN n
  UNION
  MATCH (n:OpenLineageDataset {uri: $dataset_uri}) RETURN n
  UNION
  MATCH (n:OpenLineageJob {uri: $job_uri}) RETURN n
  UNION
  MATCH (n:OpenLineageRun {run_id: $run_id}) RETURN n
}
RETURN n {.arn, .lineage_type, .type, .name, .source_uri, .source_arn, .uri, .run_id, .job_name,
          id: elementId(n), labels: labels(n)} AS node
LIMIT 1
