// Artifacts of one type reachable from a trial component along association edges, in their direction.
// The trial component is named by $trial_component (its name or ARN) and resolved here: each trial
// component it names comes as a row with way 'start' (none: not in the graph; several: a name shared
// across accounts or regions, and nothing else is returned). For exactly one, the trial component and
// every entity reached come once per direction with `away_from_start` (the ARNs one hop further from the
// trial component: the edges the walk took) and `matches` (an artifact of $artifact_type); name, type,
// source_uri, account, region and placeholder are returned only for the matches and the start (null
// otherwise). The caller computes depths by breadth-first search over `away_from_start` and applies
// $max_depth (lineage_graph.query.reach says why not in Cypher).
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
WITH collect(tc) AS found
CALL (found) {
  UNWIND found AS a
  RETURN a, 'start' AS way, [] AS away_from_start
  UNION
  // Everything reachable, each entity once (a pruning breadth-first expansion, no paths built), and the
  // start itself: each with the ARNs one hop further from the start, the edges the expansion walked.
  WITH found
  WHERE size(found) = 1 AND $direction IN ['ascendants', 'both']
  WITH found[0] AS tc
  CALL (tc) {
    RETURN tc AS a
    UNION
    MATCH (tc)<-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED]-+(a)
    WITH DISTINCT a
    RETURN a
  }
  RETURN a, 'ascendants' AS way,
         [(n)-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED]->(a) | n.arn] AS away_from_start
  UNION
  WITH found
  WHERE size(found) = 1 AND $direction IN ['descendants', 'both']
  WITH found[0] AS tc
  CALL (tc) {
    RETURN tc AS a
    UNION
    MATCH (tc)-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED]->+(a)
    WITH DISTINCT a
    RETURN a
  }
  RETURN a, 'descendants' AS way,
         [(a)-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED]->(n) | n.arn] AS away_from_start
}
WITH a, way, away_from_start, way <> 'start' AND a:Artifact AND a.type = $artifact_type AS matches
WITH a, way, away_from_start, matches, CASE WHEN matches OR way = 'start' THEN a END AS m
RETURN a.arn AS arn, m.name AS name, m.lineage_type AS lineage_type, m.type AS type, m.source_uri AS source_uri,
       m.account AS account, m.region AS region, m.placeholder AS placeholder, way, away_from_start, matches
ORDER BY matches DESC, name, arn
