// The SDK's LineageQuery.query() (QueryLineage) from the graph: entities reachable from a start entity
// along association edges, filtered like QueryLineage's Filters, with no depth cap and no page limit.
// 'ascendants' walks edges backwards (upstream), 'descendants' forwards; 'both' is ascendants plus
// descendants (QueryLineage's Both instead turns at every visited node and reaches most of an account).
// The start entity itself is not returned (a SAME_AS cycle would otherwise bring it back).
// depth is the number of hops on a shortest path from the start.
// Filters combine with AND; inside $lineage_types and $types any value matches; $properties matches an
// entity when ANY pair matches its `property.<key>` (as QueryLineage does). Times compare created_at and
// modified_at; an entity without them (a placeholder) fails every time filter.
// Parameters:
//   $start_arn        ARN of the start entity
//   $direction        'ascendants', 'descendants' or 'both'
//   $lineage_types    list of 'Artifact', 'Context', 'Action', 'TrialComponent', or null for all
//   $types            list of entity types ('DataSet', 'Model', 'Endpoint', 'TrainingJob', ...), or null
//   $created_after, $created_before, $modified_after, $modified_before   ISO 8601 strings, or null
//   $properties       a map of property key to value, or null
//   $max_depth        largest number of association hops, or null for no limit
// In Neo4j Browser:
//   :param start_arn => 'arn:aws:sagemaker:us-east-1:123456789012:experiment-trial-component/churn-exec-3-train-aws-training-job'
//   :param direction => 'ascendants'
//   :param lineage_types => ['Artifact']
//   :param types => ['DataSet']
//   :param created_after => null
//   :param created_before => null
//   :param modified_after => null
//   :param modified_before => null
//   :param properties => null
//   :param max_depth => null
MATCH (s:LineageEntity {arn: $start_arn})
CALL (s) {
  // One breadth-first search from s per direction; the end node is filtered after the search, so the
  // planner cannot start from every candidate instead.
  MATCH p = ANY SHORTEST (s)<-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED]-+(x)
  WHERE $direction IN ['ascendants', 'both']
  RETURN x, length(p) AS depth
  UNION
  MATCH p = ANY SHORTEST (s)-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED]->+(x)
  WHERE $direction IN ['descendants', 'both']
  RETURN x, length(p) AS depth
}
WITH s, x, min(depth) AS depth
WHERE x <> s
  AND ($max_depth IS NULL OR depth <= $max_depth)
  AND ($lineage_types IS NULL OR x.lineage_type IN $lineage_types)
  AND ($types IS NULL OR x.type IN $types)
  AND ($created_after IS NULL OR x.created_at >= datetime($created_after))
  AND ($created_before IS NULL OR x.created_at <= datetime($created_before))
  AND ($modified_after IS NULL OR x.modified_at >= datetime($modified_after))
  AND ($modified_before IS NULL OR x.modified_at <= datetime($modified_before))
  AND ($properties IS NULL OR any(k IN keys($properties) WHERE toString(x['property.' + k]) = $properties[k]))
RETURN x.arn AS arn, x.name AS name, x.lineage_type AS lineage_type, x.type AS type,
       x.source_uri AS source_uri, x.source_arn AS source_arn, x.status AS status, x.account AS account,
       x.region AS region, coalesce(x.placeholder, false) AS placeholder, depth
ORDER BY depth, arn
