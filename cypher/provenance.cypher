// Provenance: everything upstream of an entity (an endpoint's context, a model artifact, a model package),
// back to the raw data, with no depth cap: the tree a model or an endpoint came from. Each entity once,
// at its fewest hops from the start; the start itself is returned at depth 0. One breadth-first search
// walks the edges backwards (typed, directed), so the planner never starts from the data end instead.
// Trial components return their parameters and metrics as [key, value] pairs of the flattened properties
// (`param.<name>`, `metric.<name>.<stat>`); the associations among the answer come from lineage_edges.
// Parameters:
//   $start_arn  ARN of the start entity
//   $max_depth  largest number of association hops, or null for no limit
// In Neo4j Browser:
//   :param start_arn => 'arn:aws:sagemaker:us-east-1:123456789012:context/churn-prod-aws-endpoint'
//   :param max_depth => null
MATCH (s:LineageEntity {arn: $start_arn})
CALL (s) {
  RETURN s AS x, 0 AS depth
  UNION
  MATCH p = ANY SHORTEST (s)<-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED]-+(x)
  RETURN x, length(p) AS depth
}
WITH x, min(depth) AS depth
WHERE $max_depth IS NULL OR depth <= $max_depth
RETURN x.arn AS arn, x.name AS name, x.lineage_type AS lineage_type, x.type AS type,
       x.source_uri AS source_uri, x.source_arn AS job_arn, x.status AS status, x.account AS account,
       x.region AS region, coalesce(x.placeholder, false) AS placeholder, depth
ORDER BY depth, arn
