// Impact of data under an S3 URI or prefix: everything downstream of the artifacts whose source_uri
// starts with $prefix, the question to ask before deleting or fixing a dataset.
// Rows by `role`:
//   'start'     each matching artifact: where the walk begins, at depth 0 (its ARN, id and `away_from_start`);
//   'reached'   each entity downstream of some matching artifact, once, with a kind: 'job' (trial
//               components), 'dataset', 'model', 'model_package' (a Model artifact whose source is a
//               model-package ARN), 'model_group', 'endpoint', 'action', 'artifact', 'context';
//   'pipeline_execution'  each execution whose steps ran a reached job or registered a reached package
//               (EXECUTED), `ran` the ids of the reached entities it ran;
//   'pipeline'  the pipelines of those executions, `ran` their executions' ids.
// Every row has `id`, the entity's elementId. Starts and reached entities come with `away_from_start`: the
// ids of the entities each feeds (the edges the walk took).
// Depths, the fewest hops from any matching artifact, are a breadth-first search from all the starts at
// once over those lists, done by the caller (lineage_graph.query.reach says why not with a shortest path
// per entity in Cypher); an execution and its pipeline get the depth of the nearest thing they ran.
// A matching artifact itself is in the answer only when another matching artifact (or a cycle) leads to it.
// Parameters:
//   $prefix  an S3 URI or prefix (any source URI prefix: an ECR image, a model-package ARN)
// In Neo4j Browser:
//   :param prefix => 's3://acme-ml-raw/payments/'
MATCH (d:Artifact)
WHERE d.source_uri STARTS WITH $prefix
WITH collect(d) AS starts
CALL (starts) {
  // Everything reachable from each start, each entity once (a pruning breadth-first expansion, no paths built).
  UNWIND starts AS d
  MATCH (d)-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED]->+(x)
  WITH DISTINCT x
  RETURN collect(x) AS reached
}
CALL (reached) {
  UNWIND reached AS ran
  MATCH (pe:PipelineExecution)-[:EXECUTED]->(ran)
  WITH pe, collect(elementId(ran)) AS ran_ids
  RETURN collect({execution: pe, ran: ran_ids}) AS executions
}
CALL (starts, reached, executions) {
  UNWIND starts AS node
  RETURN node, 'start' AS role, [] AS ran, [(node)-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED]->(n) | elementId(n)] AS away_from_start
  UNION ALL
  UNWIND reached AS node
  RETURN node, 'reached' AS role, [] AS ran, [(node)-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED]->(n) | elementId(n)] AS away_from_start
  UNION ALL
  UNWIND executions AS e
  RETURN e.execution AS node, 'pipeline_execution' AS role, e.ran AS ran, [] AS away_from_start
  UNION ALL
  UNWIND executions AS e
  WITH e.execution AS pe
  MATCH (pipeline:Pipeline)-[:HAS_EXECUTION]->(pe)
  RETURN pipeline AS node, 'pipeline' AS role, collect(elementId(pe)) AS ran, [] AS away_from_start
}
WITH node, role, ran, away_from_start, role = 'start' AS start
RETURN role, node.arn AS arn, elementId(node) AS id, ran, away_from_start,
       CASE
         WHEN start THEN null
         WHEN node:TrialComponent THEN 'job'
         WHEN node:PipelineExecution THEN 'pipeline_execution'
         WHEN node:Pipeline THEN 'pipeline'
         WHEN node:Artifact AND node.type = 'Model' AND node.source_uri CONTAINS ':model-package/' THEN 'model_package'
         WHEN node:Artifact AND node.type = 'Model' THEN 'model'
         WHEN node:Artifact AND node.type = 'DataSet' THEN 'dataset'
         WHEN node:Context AND node.type = 'Endpoint' THEN 'endpoint'
         WHEN node:Context AND node.type = 'ModelGroup' THEN 'model_group'
         ELSE toLower(node.lineage_type)
       END AS kind,
       CASE WHEN NOT start THEN node.name END AS name,
       CASE WHEN NOT start THEN node.lineage_type END AS lineage_type,
       CASE WHEN NOT start THEN node.type END AS type,
       CASE WHEN NOT start THEN node.source_uri END AS source_uri,
       CASE WHEN NOT start THEN node.source_arn END AS source_arn,
       CASE WHEN NOT start THEN node.status END AS status,
       coalesce(node.placeholder, false) AS placeholder
