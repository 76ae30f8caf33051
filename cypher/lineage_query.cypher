// The SDK's LineageQuery.query() (QueryLineage) from the graph: entities reachable from a start entity
// along association edges, filtered like QueryLineage's Filters, with no depth cap and no page limit.
// 'ascendants' walks edges backwards (upstream), 'descendants' forwards; 'both' is ascendants plus
// descendants (QueryLineage's Both instead turns at every visited node and reaches most of an account).
// The start entity itself is not returned (a SAME_AS cycle would otherwise bring it back).
// Each reached entity comes once per direction with `toward_start`: the ARNs one hop nearer the start
// (what it feeds, walking upstream; what feeds it, walking downstream). Its depth, the number of hops on
// a shortest path from the start, is a breadth-first search over those lists, done by the caller
// (lineage_graph.query.reach): asking Neo4j for a shortest path to every reached entity builds each path,
// which costs the sum of all depths, seconds where a chain of retrained models runs thousands deep.
// `matches` says whether the entity passes the filters; $max_depth is applied with the depth.
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
//   $max_depth        largest number of association hops, or null for no limit (applied by the caller)
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
  // Everything reachable, each entity once (a pruning breadth-first expansion, no paths built).
  MATCH (s)<-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED]-+(x)
  WHERE $direction IN ['ascendants', 'both']
  WITH DISTINCT x
  RETURN x, 'ascendants' AS way,
         [(x)-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED]->(n) | n.arn] AS toward_start
  UNION
  MATCH (s)-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED]->+(x)
  WHERE $direction IN ['descendants', 'both']
  WITH DISTINCT x
  RETURN x, 'descendants' AS way,
         [(n)-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED]->(x) | n.arn] AS toward_start
}
RETURN x.arn AS arn, x.name AS name, x.lineage_type AS lineage_type, x.type AS type,
       x.source_uri AS source_uri, x.source_arn AS source_arn, x.status AS status, x.account AS account,
       x.region AS region, coalesce(x.placeholder, false) AS placeholder, way, toward_start,
       x <> s
       AND ($lineage_types IS NULL OR x.lineage_type IN $lineage_types)
       AND ($types IS NULL OR x.type IN $types)
       AND ($created_after IS NULL OR x.created_at >= datetime($created_after))
       AND ($created_before IS NULL OR x.created_at <= datetime($created_before))
       AND ($modified_after IS NULL OR x.modified_at >= datetime($modified_after))
       AND ($modified_before IS NULL OR x.modified_at <= datetime($modified_before))
       AND ($properties IS NULL OR any(k IN keys($properties) WHERE toString(x['property.' + k]) = $properties[k]))
       AS matches
ORDER BY matches DESC, name, arn
