// The explorer's lineage view (lineage_graph.query.lineage_view): the node a `ref` names (docs/explorer.md),
// found by its kind's key: a SageMaker entity by ARN, an OpenLineage dataset or job by (namespace, name)
// among the splits its URI allows, a run by id. At most one row; none when the graph has no such node.
// The node comes as the map every view query returns: the properties a view node is made of, its labels
// (OpenLineage's kinds have no lineage_type) and its elementId, by which the walk goes on.
// Parameters:
//   $arn       a SageMaker entity's ARN, or null
//   $datasets  list of {namespace, name}: the OpenLineage dataset the ref may name
//   $jobs      list of {namespace, name}: the OpenLineage job the ref may name
//   $run_id    an OpenLineage run's id, or null
// In Neo4j Browser:
//   :param arn => 'arn:aws:sagemaker:us-east-1:123456789012:context/churn-prod-aws-endpoint'
//   :param datasets => []
//   :param jobs => []
//   :param run_id => null
CALL () {
  MATCH (n:LineageEntity {arn: $arn}) RETURN n
  UNION
  UNWIND $datasets AS key
  MATCH (n:OpenLineageDataset {namespace: key.namespace, name: key.name}) RETURN n
  UNION
  UNWIND $jobs AS key
  MATCH (n:OpenLineageJob {namespace: key.namespace, name: key.name}) RETURN n
  UNION
  MATCH (n:OpenLineageRun {run_id: $run_id}) RETURN n
}
RETURN n {.arn, .lineage_type, .type, .name, .source_uri, .source_arn, .uri, .run_id, .job_name,
          id: elementId(n), labels: labels(n)} AS node
LIMIT 1
