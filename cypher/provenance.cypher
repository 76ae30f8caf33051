// Provenance: everything upstream of an entity (an endpoint's context, a model artifact, a model package),
// back to the raw data, with no depth cap: the tree a model or an endpoint came from. One pruning
// breadth-first expansion walks the edges backwards (typed, directed) from the start, each entity once, so
// the planner never starts from the data end instead. Every row comes with `toward_start`: the ARNs it fed,
// one hop nearer the start (the start's own row has none). Its depth, the fewest hops from the start, is a
// breadth-first search over those lists, done by the caller (lineage_graph.query.reach says why not with a
// shortest path per entity in Cypher), which also applies $max_depth. The start itself is at depth 0.
// Trial components' parameters and metrics come from compare, the associations among the answer from
// lineage_edges.
// Parameters:
//   $start_arn  ARN of the start entity
//   $max_depth  largest number of association hops, or null for no limit (applied by the caller)
// In Neo4j Browser:
//   :param start_arn => 'arn:aws:sagemaker:us-east-1:123456789012:context/churn-prod-aws-endpoint'
//   :param max_depth => null
MATCH (s:LineageEntity {arn: $start_arn})
CALL (s) {
  RETURN s AS x, [] AS toward_start
  UNION
  MATCH (s)<-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED]-+(x)
  WITH DISTINCT x
  WHERE x <> s
  RETURN x, [(x)-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED]->(n) | n.arn] AS toward_start
}
RETURN x.arn AS arn, x.name AS name, x.lineage_type AS lineage_type, x.type AS type,
       x.source_uri AS source_uri, x.source_arn AS job_arn, x.status AS status, x.account AS account,
       x.region AS region, coalesce(x.placeholder, false) AS placeholder, toward_start
