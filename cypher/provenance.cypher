// Provenance: everything upstream of an entity (an endpoint's context, a model artifact, a model package),
// back to the raw data, with no depth cap: the tree a model or an endpoint came from.
// The start is named by $start and resolved here, as lineage-graph's `provenance` takes it: an endpoint
// first (its context's ARN or name, the endpoint's ARN, or with $resource_suffix its plain name), and
// when that names no single endpoint, any entity by ARN, name or source URI (a model's S3 URI, a model
// package's ARN). Each entity it names comes as a row with role 'start' (none: not in the graph;
// several: ambiguous, and nothing else is returned).
// For exactly one, one pruning breadth-first expansion walks the edges backwards (typed, directed) from
// the start, each entity once, so the planner never starts from the data end instead. The start and each
// reached entity come with `id` (its elementId) and `away_from_start`: the ids of the entities that fed
// it, one hop further from the start (the edges the walk took). Depths, the fewest hops from the start, are a breadth-first search over those
// lists, done by the caller (lineage_graph.query.reach says why not with a shortest path per entity in
// Cypher), which also applies $max_depth; the start itself is at depth 0. Trial components' parameters
// and metrics come from compare, the associations among the answer from lineage_edges.
// Parameters:
//   $start            an endpoint's name or ARN, or any entity's ARN, name or source URI
//   $resource_suffix  ':endpoint/' + $start when $start is a plain name (not an ARN), else null
//   $max_depth        largest number of association hops, or null for no limit (applied by the caller)
// In Neo4j Browser:
//   :param start => 'arn:aws:sagemaker:us-east-1:123456789012:context/churn-prod-aws-endpoint'
//   :param resource_suffix => null
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
}
WITH s
WHERE s.lineage_type IN ['Artifact', 'Context', 'Action', 'TrialComponent']
WITH collect(s) AS candidates
WITH [s IN candidates WHERE s.lineage_type = 'Context' AND s.type = 'Endpoint'] AS endpoints,
     [s IN candidates WHERE s.arn = $start OR s.name = $start
                            OR ((s:Artifact OR s:Context) AND s.source_uri = $start)] AS entities
WITH CASE WHEN size(endpoints) = 1 THEN endpoints ELSE entities END AS found
CALL (found) {
  UNWIND found AS x
  RETURN x, 'start' AS role
  UNION
  WITH found
  WHERE size(found) = 1
  WITH found[0] AS s
  MATCH (s)<-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED]-+(x)
  WITH DISTINCT x
  RETURN x, 'reached' AS role
}
WITH x, role, found
WHERE role = 'start' OR x <> found[0]
RETURN x.arn AS arn, elementId(x) AS id, x.name AS name, x.lineage_type AS lineage_type, x.type AS type,
       x.source_uri AS source_uri, x.source_arn AS job_arn, x.status AS status, x.account AS account,
       x.region AS region, coalesce(x.placeholder, false) AS placeholder, x.seen_at AS last_seen, role,
       CASE WHEN size(found) = 1 THEN [(n)-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED]->(x) | elementId(n)] ELSE [] END AS away_from_start
