// The SDK's LineageQuery.query() (QueryLineage) from the graph: entities reachable from a start entity
// along association edges, filtered like QueryLineage's Filters, with no depth cap and no page limit.
// 'ascendants' walks edges backwards (upstream), 'descendants' forwards; 'both' is ascendants plus
// descendants (QueryLineage's Both instead turns at every visited node and reaches most of an account).
// The start is named by $start (an ARN, a name or a source URI, as find_entity.cypher takes it, narrowed by
// $start_lineage_type, $start_entity_type and $resource_suffix) and resolved here: each entity it names
// is a row (none: not in the graph; several: ambiguous, and `reached` is empty). The start never matches
// (a SAME_AS cycle would otherwise bring it back).
// For exactly one, `reached` lists the start and each reached entity once per direction (`way`), with
// `id` (its elementId) and `away_from_start`: the ids of the entities one hop further from the start
// (what feeds it, walking upstream; what it feeds, walking downstream), which are the edges the walk took.
// The depth of an entity, the number of hops on a shortest path from the start, is a breadth-first search
// over those lists, done by the caller (lineage_graph.query.reach): asking Neo4j for a shortest path to
// every reached entity builds each path, which costs the sum of all depths, seconds where a chain of
// retrained models runs thousands deep. `matches` says whether the entity passes the filters; the
// entity's fields (arn, name, type, source_uri, ...; account and region are in the ARN, a property read
// less each) come only with the matches, in no particular order;
// $max_depth is applied with the depth. One row, not one per entity: a client pays per row, and at
// thousands of entities that cost more than the walk.
// Filters combine with AND; inside $lineage_types and $types any value matches; $properties matches an
// entity when ANY pair matches its `property.<key>` (as QueryLineage does). Times compare created_at and
// modified_at; an entity without them (a placeholder) fails every time filter.
// Parameters:
//   $start            ARN, name or source URI of the start entity
//   $start_lineage_type   the start's kind ('Artifact', 'Context', ...), or null for any
//   $start_entity_type    the start's type ('Endpoint', 'ModelGroup', ...), or null for any
//   $resource_suffix  a case-insensitive source URI ending that also names the start (':endpoint/churn-prod'
//                     for the Endpoint context of the endpoint named churn-prod), or null
//   $direction        'ascendants', 'descendants' or 'both'
//   $lineage_types    list of 'Artifact', 'Context', 'Action', 'TrialComponent', or null for all
//   $types            list of entity types ('DataSet', 'Model', 'Endpoint', 'TrainingJob', ...), or null
//   $created_after, $created_before, $modified_after, $modified_before   ISO 8601 strings, or null
//   $properties       a map of property key to value, or null
//   $max_depth        largest number of association hops, or null for no limit (applied by the caller)
// In Neo4j Browser:
//   :param start => 'churn-exec-3-train-aws-training-job'
//   :param start_lineage_type => null
//   :param start_entity_type => null
//   :param resource_suffix => null
//   :param direction => 'ascendants'
//   :param lineage_types => ['Artifact']
//   :param types => ['DataSet']
//   :param created_after => null
//   :param created_before => null
//   :param modified_after => null
//   :param modified_before => null
//   :param properties => null
//   :param max_depth => null
CALL () {
  // The start, as find_entity.cypher finds it: by ARN, name, source URI or (given) source URI ending.
  MATCH (s:LineageEntity {arn: $start}) RETURN s
  UNION
  MATCH (s:LineageEntity {name: $start}) RETURN s
  UNION
  MATCH (s:Artifact {source_uri: $start}) RETURN s
  UNION
  MATCH (s:Context {source_uri: $start}) RETURN s
  UNION
  WITH $resource_suffix AS suffix
  WHERE suffix IS NOT NULL
  MATCH (s:Context)
  WHERE toLower(s.source_uri) ENDS WITH toLower(suffix)
  RETURN s
}
WITH s
WHERE s.lineage_type IN ['Artifact', 'Context', 'Action', 'TrialComponent']
  AND ($start_lineage_type IS NULL OR s.lineage_type = $start_lineage_type)
  AND ($start_entity_type IS NULL OR s.type = $start_entity_type)
WITH collect(s) AS found
UNWIND found AS s
CALL (s, found) {
  CALL (s, found) {
    // Everything reachable, each entity once (a pruning breadth-first expansion, no paths built), and the
    // start itself: each with the entities one hop further from the start, the edges the expansion walked.
    WITH s
    WHERE size(found) = 1 AND $direction IN ['ascendants', 'both']
    CALL (s) {
      RETURN s AS x
      UNION
      MATCH (s)<-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED]-+(x)
      WITH DISTINCT x
      RETURN x
    }
    RETURN x, 'ascendants' AS way,
           [(n)-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED]->(x) | elementId(n)] AS away_from_start
    UNION
    WITH s
    WHERE size(found) = 1 AND $direction IN ['descendants', 'both']
    CALL (s) {
      RETURN s AS x
      UNION
      MATCH (s)-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED]->+(x)
      WITH DISTINCT x
      RETURN x
    }
    RETURN x, 'descendants' AS way,
           [(x)-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED]->(n) | elementId(n)] AS away_from_start
  }
  WITH x, way, away_from_start,
       x <> s
       AND ($lineage_types IS NULL OR x.lineage_type IN $lineage_types)
       AND ($types IS NULL OR x.type IN $types)
       AND ($created_after IS NULL OR x.created_at >= datetime($created_after))
       AND ($created_before IS NULL OR x.created_at <= datetime($created_before))
       AND ($modified_after IS NULL OR x.modified_at >= datetime($modified_after))
       AND ($modified_before IS NULL OR x.modified_at <= datetime($modified_before))
       AND ($properties IS NULL OR any(k IN keys($properties) WHERE toString(x['property.' + k]) = $properties[k]))
       AS matches
  RETURN collect(
    CASE
      WHEN matches THEN {id: elementId(x), arn: x.arn, name: x.name, lineage_type: x.lineage_type, type: x.type,
                         source_uri: x.source_uri, source_arn: x.source_arn, status: x.status,
                         placeholder: x:Placeholder, last_seen: x.seen_at, matches: true, way: way,
                         away_from_start: away_from_start}
      ELSE {id: elementId(x), matches: false, way: way, away_from_start: away_from_start}
    END) AS reached
}
RETURN s.arn AS arn, elementId(s) AS id, s.name AS name, s.lineage_type AS lineage_type, s.type AS type, reached
ORDER BY arn
