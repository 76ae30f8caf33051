// Impact of data under an S3 URI or prefix: everything downstream of the artifacts whose source_uri
// starts with $prefix, and of the OpenLineage datasets there, the question to ask before deleting or fixing
// a dataset. The walk crosses the sources: SageMaker's associations, OpenLineage's READ_BY and WROTE (a
// Spark run's outputs, the runs that read them), and the join (SAME_OBJECT: the artifact a training job
// read is the dataset the run wrote), so a Spark output's impact reaches the models and endpoints built on it.
// One row, `rows`: a list of maps, one per entity and role, not a row each (a client pays per row: at a
// domain's 900 entities one row took half the time). Maps by `role`:
//   'start'     each matching artifact: where the walk begins, at depth 0 (its ARN, id and `away_from_start`);
//   'reached'   each entity downstream of some matching artifact, once, with a kind: 'job' (trial
//               components), 'dataset', 'model', 'model_package' (a Model artifact whose source is a
//               model-package ARN), 'model_group', 'endpoint', 'action', 'artifact', 'context'; and
//               OpenLineage's 'openlineage_dataset', 'openlineage_run' (with its `job`, by RUN_OF),
//               'openlineage_job' (a job a 2.0 job event says reads or writes);
//   'pipeline_execution'  each execution whose steps ran a reached job or registered a reached package
//               (EXECUTED), `ran` the ids of the reached entities it ran;
//   'pipeline'  the pipelines of those executions, `ran` their executions' ids.
// Every map has `id`, the entity's elementId, and `uri`, its id people read: the ARN, or an OpenLineage
// dataset's s3://bucket/key (namespace/name), job's namespace/name, run's id (they have no ARN). Starts
// and reached entities come with `away_from_start`: the ids of the entities each feeds (the edges the walk
// took), and `joins`: their SAME_OBJECT neighbours ({id, rule}), by which the caller keeps a walk from going
// up a prefix and back down into a sibling (lineage_graph.query.reach): the walk here reaches those, the
// answer leaves them out.
// Depths, the fewest hops from any matching artifact, are a breadth-first search from all the starts at
// once over those lists, done by the caller (lineage_graph.query.reach says why not with a shortest path
// per entity in Cypher); an execution and its pipeline get the depth of the nearest thing they ran.
// A matching artifact or dataset itself is in the answer only when another one (or a cycle) leads to it by
// data flow: one the join alone reaches (its twin in the other source, under the prefix too) is left out.
// Parameters:
//   $prefix  an S3 URI or prefix (any source URI prefix: an ECR image, a model-package ARN)
//   $openlineage_namespace   the prefix's bucket as OpenLineage names it ('s3://bucket'), or null
//   $openlineage_name        the prefix as an OpenLineage dataset name (no leading or trailing slash)
//   $openlineage_name_prefix the prefix's key as given, without a leading slash: names that start with it
// In Neo4j Browser:
//   :param prefix => 's3://acme-ml-raw/payments/'
//   :param openlineage_namespace => 's3://acme-ml-raw'
//   :param openlineage_name => 'payments'
//   :param openlineage_name_prefix => 'payments/'
CALL () {
  MATCH (d:Artifact)
  WHERE d.source_uri STARTS WITH $prefix
  RETURN d
  UNION
  MATCH (d:OpenLineageDataset {namespace: $openlineage_namespace, name: $openlineage_name})
  RETURN d
  UNION
  MATCH (d:OpenLineageDataset)
  WHERE d.namespace = $openlineage_namespace AND d.name STARTS WITH $openlineage_name_prefix
  RETURN d
}
WITH collect(d) AS starts
CALL (starts) {
  // Everything reachable from each start, each entity once (a pruning breadth-first expansion, no paths built).
  UNWIND starts AS d
  MATCH (d)-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED|READ_BY|WROTE|SAME_OBJECT]->+(x)
  WITH DISTINCT x
  WITH collect(x) AS walked
  // A start the walk reaches only through the join is the same data as another start, not downstream of it.
  RETURN [x IN walked WHERE NOT x IN starts
          OR EXISTS { (y)-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED|READ_BY|WROTE]->(x)
                      WHERE y IN starts OR y IN walked }] AS reached
}
CALL (reached) {
  UNWIND reached AS ran
  MATCH (pe:PipelineExecution)-[:EXECUTED]->(ran)
  WITH pe, collect(elementId(ran)) AS ran_ids
  RETURN collect({execution: pe, ran: ran_ids}) AS executions
}
CALL (starts, reached, executions) {
  UNWIND starts AS node
  WITH node, [(node)-[r:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED|READ_BY|WROTE|SAME_OBJECT]->(n) | {id: elementId(n), rule: CASE type(r) WHEN 'SAME_OBJECT' THEN r.rule END}] AS next
  RETURN node, 'start' AS role, [] AS ran, [e IN next | e.id] AS away_from_start, [e IN next WHERE e.rule IS NOT NULL] AS joins
  UNION ALL
  UNWIND reached AS node
  WITH node, [(node)-[r:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED|READ_BY|WROTE|SAME_OBJECT]->(n) | {id: elementId(n), rule: CASE type(r) WHEN 'SAME_OBJECT' THEN r.rule END}] AS next
  RETURN node, 'reached' AS role, [] AS ran, [e IN next | e.id] AS away_from_start, [e IN next WHERE e.rule IS NOT NULL] AS joins
  UNION ALL
  UNWIND executions AS e
  RETURN e.execution AS node, 'pipeline_execution' AS role, e.ran AS ran, [] AS away_from_start, [] AS joins
  UNION ALL
  UNWIND executions AS e
  WITH e.execution AS pe
  MATCH (pipeline:Pipeline)-[:HAS_EXECUTION]->(pe)
  RETURN pipeline AS node, 'pipeline' AS role, collect(elementId(pe)) AS ran, [] AS away_from_start, [] AS joins
}
// OpenLineage's entities have no ARN: only they pay for the label checks that tell their kind.
WITH node, role, ran, away_from_start, joins, role = 'start' AS start, node.arn AS arn
WITH node, role, ran, away_from_start, joins, start, arn,
     CASE
       WHEN arn IS NOT NULL OR start THEN null
       WHEN node:OpenLineageDataset THEN 'Dataset'
       WHEN node:OpenLineageRun THEN 'Run'
       WHEN node:OpenLineageJob THEN 'Job'
     END AS openlineage
RETURN collect({
  role: role, uri: coalesce(arn, node.uri, node.run_id), arn: arn, id: elementId(node), ran: ran,
  away_from_start: away_from_start, joins: joins,
  kind: CASE
          WHEN start THEN null
          WHEN openlineage IS NOT NULL THEN 'openlineage_' + toLower(openlineage)
          WHEN node:TrialComponent THEN 'job'
          WHEN node:PipelineExecution THEN 'pipeline_execution'
          WHEN node:Pipeline THEN 'pipeline'
          WHEN node:Artifact AND node.type = 'Model' AND node.source_uri CONTAINS ':model-package/' THEN 'model_package'
          WHEN node:Artifact AND node.type = 'Model' THEN 'model'
          WHEN node:Artifact AND node.type = 'DataSet' THEN 'dataset'
          WHEN node:Context AND node.type = 'Endpoint' THEN 'endpoint'
          WHEN node:Context AND node.type = 'ModelGroup' THEN 'model_group'
          ELSE toLower(node.lineage_type)
        END,
  name: CASE WHEN start THEN null WHEN openlineage = 'Run' THEN node.job_name ELSE node.name END,
  lineage_type: CASE WHEN start THEN null WHEN openlineage IS NOT NULL THEN 'OpenLineage' ELSE node.lineage_type END,
  type: CASE WHEN start THEN null ELSE coalesce(openlineage, node.type) END,
  source_uri: CASE WHEN start THEN null WHEN openlineage = 'Dataset' THEN node.uri ELSE node.source_uri END,
  source_arn: CASE WHEN NOT start THEN node.source_arn END,
  job: CASE WHEN openlineage = 'Run' THEN [(node)-[:RUN_OF]->(j) | coalesce(j.uri, j.namespace + '/' + j.name)][0] END,
  status: CASE WHEN start THEN null WHEN openlineage = 'Run' THEN node.state ELSE node.status END,
  placeholder: coalesce(node.placeholder, false)
}) AS rows
