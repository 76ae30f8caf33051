// The explorer's entity page: one entity by its ref (one of $arn, $dataset_uri, $job_uri, $run_id is set,
// the others are null and match nothing), all its properties, and its neighbours each way, counted by
// relationship type and the neighbour's labels (its kind, and its type where the type is a label), $sample of
// each named. A hub (an image feeding 30,000 jobs) costs a read of each relationship and of its neighbour's
// labels, no property: the labels are grouped as they are (lineage_graph.query.refs names them).
// Upstream is what flows in (SageMaker's source -> destination, dataset READ_BY run, run WROTE dataset);
// the join, SAME_OBJECT, stored both ways, is listed once as `joined`. A named neighbour across a READ_BY or
// WROTE comes with that read's or write's properties (`read_or_write`, beside `sample` in its order: its
// input or output facets; collected with the neighbours, so that only the named ones are read).
// Parameters:
//   $arn          a SageMaker entity's ARN, or null
//   $dataset_uri  an OpenLineage dataset's uri (s3://bucket/key, namespace/name), or null
//   $job_uri      an OpenLineage job's uri (namespace/name), or null
//   $run_id       an OpenLineage run's id, or null
//   $same_object  the join's relationship type
//   $sample       how many neighbours of each group to name
// In Neo4j Browser:
//   :param arn => 'arn:aws:sagemaker:us-east-1:123456789012:experiment-trial-component/churn-exec-3-train-aws-training-job'
//   :param dataset_uri => null
//   :param job_uri => null
//   :param run_id => null
//   :param same_object => 'SAME_OBJECT'
//   :param sample => 5
CALL () {
  MATCH (n:LineageEntity {arn: $arn}) RETURN n
  UNION
  MATCH (n:OpenLineageDataset {uri: $dataset_uri}) RETURN n
  UNION
  MATCH (n:OpenLineageJob {uri: $job_uri}) RETURN n
  UNION
  MATCH (n:OpenLineageRun {run_id: $run_id}) RETURN n
}
WITH n ORDER BY elementId(n) LIMIT 1
OPTIONAL CALL (n) {
  MATCH (n)<-[r]-(m) WHERE type(r) <> $same_object
  RETURN 'upstream' AS direction, type(r) AS relationship, m, r
  UNION ALL
  MATCH (n)-[r]->(m)
  RETURN CASE type(r) WHEN $same_object THEN 'joined' ELSE 'downstream' END AS direction,
         type(r) AS relationship, m, r
}
WITH n, direction, relationship, labels(m) AS labels, count(m) AS count, collect(m)[..$sample] AS sample,
     collect(r)[..$sample] AS sampled_by,
     // A dataset has no time of its own: it was last seen by the latest run or job event that read or wrote it.
     max(CASE WHEN n:OpenLineageDataset THEN coalesce(m.event_time, m.last_event_at) END) AS latest
ORDER BY direction, count DESC, relationship
RETURN properties(n) AS properties, labels(n) AS labels,
       [g IN collect({direction: direction, relationship: relationship, labels: labels, count: count, latest: latest,
                      sample: [m IN sample | {node: m {.arn, .name, .type, .uri, .run_id, .job_name, .source_uri},
                                              labels: labels(m)}],
                      read_or_write: [r IN sampled_by | CASE WHEN type(r) IN ['READ_BY', 'WROTE'] THEN properties(r) END]})
        WHERE g.count > 0] AS neighbours
