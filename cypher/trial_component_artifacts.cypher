// Artifacts of one type reachable from a trial component along association edges, in their direction.
// The trial component is named by $trial_component (its name or ARN) and resolved here: each trial
// component it names is a row (none: not in the graph; several: a name shared across accounts or regions,
// and `reached` is empty). For exactly one, `reached` lists the trial component and every entity reached,
// once per direction (`way`), each with `id` (its elementId), `away_from_start` (the ids of the entities
// one hop further from the trial component: the edges the walk took) and `matches` (an artifact of
// $artifact_type, in no particular order); arn, name, type, source_uri and placeholder come only with the
// matches (account and region are in the ARN: a property read less each). One row, not one per entity: a client pays per row, and at thousands of
// entities that cost more than the walk. The caller computes depths by breadth-first search over
// `away_from_start` and applies $max_depth (lineage_graph.query.reach says why not in Cypher).
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
UNWIND found AS tc
CALL (tc, found) {
  CALL (tc, found) {
    // Everything reachable, each entity once (a pruning breadth-first expansion, no paths built), and the
    // start itself: each with the entities one hop further from the start, the edges the expansion walked.
    WITH tc
    WHERE size(found) = 1 AND $direction IN ['ascendants', 'both']
    CALL (tc) {
      RETURN tc AS a
      UNION
      MATCH (tc)<-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED]-+(a)
      WITH DISTINCT a
      RETURN a
    }
    RETURN a, 'ascendants' AS way,
           [(n)-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED]->(a) | elementId(n)] AS away_from_start
    UNION
    WITH tc
    WHERE size(found) = 1 AND $direction IN ['descendants', 'both']
    CALL (tc) {
      RETURN tc AS a
      UNION
      MATCH (tc)-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED]->+(a)
      WITH DISTINCT a
      RETURN a
    }
    RETURN a, 'descendants' AS way,
           [(a)-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED]->(n) | elementId(n)] AS away_from_start
  }
  WITH a, way, away_from_start, a <> tc AND a:Artifact AND a.type = $artifact_type AS matches
  RETURN collect(
    CASE
      WHEN matches THEN {id: elementId(a), arn: a.arn, name: a.name, lineage_type: a.lineage_type, type: a.type,
                         source_uri: a.source_uri, placeholder: a:Placeholder, last_seen: a.seen_at,
                         matches: true, way: way,
                         away_from_start: away_from_start}
      ELSE {id: elementId(a), matches: false, way: way, away_from_start: away_from_start}
    END) AS reached
}
RETURN tc.arn AS arn, elementId(tc) AS id, tc.name AS name, reached
ORDER BY arn
