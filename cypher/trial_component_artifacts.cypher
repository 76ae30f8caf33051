// Artifacts of one type reachable from a trial component along association edges, in their direction.
// Every reached entity comes once per direction with `toward_start` (the ARNs one hop nearer the trial
// component) and `matches` (an artifact of $artifact_type); the caller computes depths by breadth-first
// search over `toward_start` and applies $max_depth (lineage_graph.query.reach says why not in Cypher).
// Answers the SDK's LineageTrialComponent.dataset_artifacts() ($artifact_type 'DataSet', ascendants)
// and models() ($artifact_type 'Model', descendants), through entities of every kind, without
// QueryLineage's depth-10 cap or its one-page limit. 'both' is ascendants plus descendants: it does not
// turn at every visited node the way QueryLineage's Both does (which reaches the whole connected account).
// Parameters:
//   $trial_component  name or ARN of the trial component
//   $artifact_type    the ArtifactType to return: 'DataSet', 'Model', 'Image', ...
//   $direction        'ascendants' (upstream), 'descendants' (downstream) or 'both'
//   $max_depth        largest number of association hops, or null for no limit (applied by the caller)
// In Neo4j Browser:
//   :param trial_component => 'churn-exec-1-train-aws-training-job'
//   :param artifact_type => 'DataSet'
//   :param direction => 'ascendants'
//   :param max_depth => null
MATCH (tc:TrialComponent)
WHERE tc.name = $trial_component OR tc.arn = $trial_component
CALL (tc) {
  // Everything reachable, each entity once (a pruning breadth-first expansion, no paths built); the end
  // node is filtered afterwards, so the planner cannot start from every artifact instead.
  MATCH (tc)<-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED]-+(a)
  WHERE $direction IN ['ascendants', 'both']
  WITH DISTINCT a
  RETURN a, 'ascendants' AS way,
         [(a)-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED]->(n) | n.arn] AS toward_start
  UNION
  MATCH (tc)-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED]->+(a)
  WHERE $direction IN ['descendants', 'both']
  WITH DISTINCT a
  RETURN a, 'descendants' AS way,
         [(n)-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED]->(a) | n.arn] AS toward_start
}
RETURN a.arn AS arn, a.name AS name, a.lineage_type AS lineage_type, a.type AS type,
       a.source_uri AS source_uri, a.account AS account, a.region AS region, a.created_at AS created_at,
       a.placeholder AS placeholder, way, toward_start, a:Artifact AND a.type = $artifact_type AS matches,
       tc.arn AS trial_component_arn
ORDER BY matches DESC, name, arn
