// Provenance: everything upstream of an entity (an endpoint's context, a model artifact, a model package),
// back to the raw data, with no depth cap: the tree a model or an endpoint came from. Across the sources:
// through the join (SAME_OBJECT) to the OpenLineage dataset a training input is, the ETL run that wrote it
// (WROTE), what that run read (READ_BY), and so on upstream; a run names its `job` (RUN_OF).
// The start is named by $start and resolved here, as lineage-graph's `provenance` takes it: an endpoint
// first (its context's ARN or name, the endpoint's ARN, or with $resource_suffix its plain name), and
// when that names no single endpoint, any entity by ARN, name or source URI (a model's S3 URI, a model
// package's ARN), or an OpenLineage run's id, dataset or job among $openlineage_keys. Each entity it names
// comes as a row with role 'start' (none: not in the graph; several: ambiguous, and nothing else is returned).
// Every row has a `uri`: the ARN, or an OpenLineage dataset's s3://bucket/key, job's namespace/name, run's id.
// For exactly one, one pruning breadth-first expansion walks the edges backwards (typed, directed) from
// the start, each entity once, so the planner never starts from the data end instead. The start and each
// reached entity come with `id` (its elementId) and `away_from_start`: the ids of the entities that fed
// it, one hop further from the start (the edges the walk took), and `joins`, its SAME_OBJECT neighbours
// ({id, rule}): the caller's search never goes up a prefix and back down into a sibling (reach's module doc). Depths, the fewest hops from the start, are a breadth-first search over those
// lists, done by the caller (lineage_graph.query.reach says why not with a shortest path per entity in
// Cypher), which also applies $max_depth; the start itself is at depth 0. Trial components' parameters
// and metrics come from compare, the associations among the answer from lineage_edges.
// Parameters:
//   $start            an endpoint's name or ARN, or any entity's ARN, name or source URI
//   $resource_suffix  ':endpoint/' + $start when $start is a plain name (not an ARN), else null
//   $openlineage_keys list of {namespace, name}: the OpenLineage datasets or jobs $start may name
//   $max_depth        largest number of association hops, or null for no limit (applied by the caller)
// In Neo4j Browser:
//   :param start => 'arn:aws:sagemaker:us-east-1:123456789012:context/churn-prod-aws-endpoint'
//   :param resource_suffix => null
//   :param openlineage_keys => []
//   :param max_depth => null
CALL () {
  MATCH (s:LineageEntity {arn: $start}) RETURN s
  UNION
  MATCH (s:LineageEntity {name: $start}) RETURN s
  UNION
  MATCH (s:Artifact {source_uri: $start}) RETURN s
  UNION
  MATCH (s:Context {source_uri: $start}) RETURN s
  UNION
  // Scans the contexts only when a plain name was given (an ARN never sets $resource_suffix).
  WITH $resource_suffix AS suffix
  WHERE suffix IS NOT NULL
  MATCH (s:Context)
  WHERE toLower(s.source_uri) ENDS WITH toLower(suffix)
  RETURN s
  UNION
  MATCH (s:OpenLineageRun {run_id: $start}) RETURN s
  UNION
  UNWIND $openlineage_keys AS key
  MATCH (s:OpenLineageDataset {namespace: key.namespace, name: key.name}) RETURN s
  UNION
  UNWIND $openlineage_keys AS key
  MATCH (s:OpenLineageJob {namespace: key.namespace, name: key.name}) RETURN s
}
WITH s
WHERE s.lineage_type IN ['Artifact', 'Context', 'Action', 'TrialComponent'] OR s:OpenLineage
WITH collect(s) AS candidates
WITH [s IN candidates WHERE s.lineage_type = 'Context' AND s.type = 'Endpoint'] AS endpoints,
     [s IN candidates WHERE s.arn = $start OR s.name = $start
                            OR ((s:Artifact OR s:Context) AND s.source_uri = $start)] AS entities,
     [s IN candidates WHERE s:OpenLineage] AS openlineage
// A SageMaker entity a name or URI finds wins over the OpenLineage dataset joined to it.
WITH CASE WHEN size(endpoints) = 1 THEN endpoints WHEN size(entities) > 0 THEN entities ELSE openlineage END AS found
CALL (found) {
  UNWIND found AS x
  RETURN x, 'start' AS role
  UNION
  WITH found
  WHERE size(found) = 1
  WITH found[0] AS s
  MATCH (s)<-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED|READ_BY|WROTE|SAME_OBJECT]-+(x)
  WITH DISTINCT x
  RETURN x, 'reached' AS role
}
WITH x, role, found
WHERE role = 'start' OR x <> found[0]
RETURN coalesce(x.arn, x.uri, x.run_id) AS uri, x.arn AS arn, elementId(x) AS id,
       CASE WHEN x:OpenLineageRun THEN x.job_name ELSE x.name END AS name,
       CASE WHEN x:OpenLineage THEN 'OpenLineage' ELSE x.lineage_type END AS lineage_type,
       CASE WHEN x:OpenLineageDataset THEN 'Dataset' WHEN x:OpenLineageRun THEN 'Run'
            WHEN x:OpenLineageJob THEN 'Job' ELSE x.type END AS type,
       CASE WHEN x:OpenLineageDataset THEN x.uri ELSE x.source_uri END AS source_uri, x.source_arn AS job_arn,
       CASE WHEN x:OpenLineageRun THEN [(x)-[:RUN_OF]->(j) | coalesce(j.uri, j.namespace + '/' + j.name)][0] END AS job,
       CASE WHEN x:OpenLineageRun THEN x.state ELSE x.status END AS status, x.account AS account,
       x.region AS region, coalesce(x.placeholder, false) AS placeholder, x.seen_at AS last_seen, role,
       CASE WHEN size(found) = 1 THEN [(n)-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED|READ_BY|WROTE|SAME_OBJECT]->(x) | elementId(n)] ELSE [] END AS away_from_start,
       CASE WHEN size(found) = 1 THEN [(x)-[r:SAME_OBJECT]->(n) | {id: elementId(n), rule: r.rule}] ELSE [] END AS joins
