// Artifacts of one type reachable from a trial component along association edges, in their direction.
// Answers the SDK's LineageTrialComponent.dataset_artifacts() ($artifact_type 'DataSet', ascendants)
// and models() ($artifact_type 'Model', descendants), through entities of every kind, without
// QueryLineage's depth-10 cap or its one-page limit. 'both' is ascendants plus descendants: it does not
// turn at every visited node the way QueryLineage's Both does (which reaches the whole connected account).
// Parameters:
//   $trial_component  name or ARN of the trial component
//   $artifact_type    the ArtifactType to return: 'DataSet', 'Model', 'Image', ...
//   $direction        'ascendants' (upstream), 'descendants' (downstream) or 'both'
//   $max_depth        largest number of association hops, or null for no limit
// In Neo4j Browser:
//   :param trial_component => 'churn-exec-1-train-aws-training-job'
//   :param artifact_type => 'DataSet'
//   :param direction => 'ascendants'
//   :param max_depth => null
MATCH (tc:TrialComponent)
WHERE tc.name = $trial_component OR tc.arn = $trial_component
CALL (tc) {
  // One breadth-first search from tc per direction; the shortest path to each node reached is its depth.
  // The end node is filtered after the search, so the planner cannot start from every artifact instead.
  MATCH p = ANY SHORTEST (tc)<-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED]-+(a)
  WHERE $direction IN ['ascendants', 'both']
  RETURN a, length(p) AS depth
  UNION
  MATCH p = ANY SHORTEST (tc)-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED]->+(a)
  WHERE $direction IN ['descendants', 'both']
  RETURN a, length(p) AS depth
}
WITH tc, a, depth
WHERE a:Artifact AND a.type = $artifact_type
WITH tc, a, min(depth) AS depth
WHERE $max_depth IS NULL OR depth <= $max_depth
RETURN a.arn AS arn, a.name AS name, a.lineage_type AS lineage_type, a.type AS type,
       a.source_uri AS source_uri, a.account AS account, a.region AS region, a.created_at AS created_at,
       a.placeholder AS placeholder, depth, tc.arn AS trial_component_arn
ORDER BY depth, arn
