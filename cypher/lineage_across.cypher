// `lineage-graph lineage`: entities reachable from a start across both sources: SageMaker's associations,
// OpenLineage's READ_BY and WROTE (data flows dataset -> run -> dataset), and the join between them
// (SAME_OBJECT, stored both ways, so either direction crosses it; docs/openlineage.md). The SDK's
// LineageQuery is lineage_query.cypher, which never leaves SageMaker.
// The start is a SageMaker entity's ARN, name or source URI; or an OpenLineage run's id, or a dataset's or
// job's (namespace, name) among $openlineage_keys (the caller spells an S3 URI as OpenLineage does). A
// SageMaker entity a URI names wins over the OpenLineage dataset joined to it. Each entity the start names
// is a row (none: not in the graph; several: ambiguous, and `reached` is empty).
// For exactly one, `reached` lists the start and each reached entity once per direction (`way`), with `id`
// (its elementId) and `away_from_start` (the ids one hop further from the start: the edges the walk took),
// for the caller's breadth-first depths (lineage_graph.query.reach), as in lineage_query.cypher, and `joins`
// (its SAME_OBJECT neighbours, {id, rule}): the caller's search never goes up a prefix and back down into a
// sibling (reach's module doc), so an entity only such a walk reaches here is not in the answer.
// Every entity has a `uri` people can read: a SageMaker entity's ARN, an OpenLineage dataset's
// s3://bucket/key (or namespace/name), a job's namespace/name, a run's id. OpenLineage entities have
// lineage_type 'OpenLineage' and type 'Dataset', 'Job' or 'Run'; a run names its job (`job`, by RUN_OF).
// Filters combine with AND. An OpenLineage run was created when it started (or ended, if no start was
// told) and modified at its latest event; a job at its first and latest event; a dataset has no times (a
// time filter leaves it out). OpenLineage entities have no SageMaker properties: a property filter leaves
// them out.
// Parameters:
//   $start            ARN, name or source URI of a SageMaker entity, or an OpenLineage run id
//   $openlineage_keys list of {namespace, name}: the OpenLineage datasets or jobs $start may name
//   $direction        'ascendants', 'descendants' or 'both'
//   $lineage_types    list of 'Artifact', 'Context', 'Action', 'TrialComponent', 'OpenLineage', or null
//   $types            list of entity types ('DataSet', 'Endpoint', 'Dataset', 'Run', ...), or null
//   $created_after, $created_before, $modified_after, $modified_before   ISO 8601 strings, or null
//   $properties       a map of property key to value, or null
// In Neo4j Browser:
//   :param start => 'churn-prod-aws-endpoint'
//   :param openlineage_keys => []
//   :param direction => 'ascendants'
//   :param lineage_types => null
//   :param types => null
//   :param created_after => null
//   :param created_before => null
//   :param modified_after => null
//   :param modified_before => null
//   :param properties => null
CALL () {
  MATCH (s:LineageEntity {arn: $start}) RETURN s
  UNION
  MATCH (s:LineageEntity {name: $start}) RETURN s
  UNION
  MATCH (s:Artifact {source_uri: $start}) RETURN s
  UNION
  MATCH (s:Context {source_uri: $start}) RETURN s
  UNION
  MATCH (s:OpenLineageRun {run_id: $start}) RETURN s
  UNION
  UNWIND $openlineage_keys AS key
  MATCH (s:OpenLineageDataset {namespace: key.namespace, name: key.name}) RETURN s
  UNION
  UNWIND $openlineage_keys AS key
  MATCH (s:OpenLineageJob {namespace: key.namespace, name: key.name}) RETURN s
}
WITH s
WHERE s.lineage_type IN ['Artifact', 'Context', 'Action', 'TrialComponent'] OR s:OpenLineage
WITH collect(s) AS candidates
WITH CASE WHEN any(c IN candidates WHERE NOT c:OpenLineage) THEN [c IN candidates WHERE NOT c:OpenLineage]
          ELSE candidates END AS found
UNWIND found AS s
CALL (s, found) {
  CALL (s, found) {
    WITH s
    WHERE size(found) = 1 AND $direction IN ['ascendants', 'both']
    CALL (s) {
      RETURN s AS x
      UNION
      MATCH (s)<-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED|READ_BY|WROTE|SAME_OBJECT]-+(x)
      WITH DISTINCT x
      RETURN x
    }
    RETURN x, 'ascendants' AS way,
           [(n)-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED|READ_BY|WROTE|SAME_OBJECT]->(x) | elementId(n)] AS away_from_start
    UNION
    WITH s
    WHERE size(found) = 1 AND $direction IN ['descendants', 'both']
    CALL (s) {
      RETURN s AS x
      UNION
      MATCH (s)-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED|READ_BY|WROTE|SAME_OBJECT]->+(x)
      WITH DISTINCT x
      RETURN x
    }
    RETURN x, 'descendants' AS way,
           [(x)-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED|READ_BY|WROTE|SAME_OBJECT]->(n) | elementId(n)] AS away_from_start
  }
  WITH x, way, away_from_start, [(x)-[r:SAME_OBJECT]->(n) | {id: elementId(n), rule: r.rule}] AS joins,
       CASE WHEN x:OpenLineage THEN 'OpenLineage' ELSE x.lineage_type END AS lineage_type,
       CASE WHEN x:OpenLineageDataset THEN 'Dataset' WHEN x:OpenLineageRun THEN 'Run'
            WHEN x:OpenLineageJob THEN 'Job' ELSE x.type END AS type
  WITH x, way, away_from_start, joins, lineage_type, type,
       CASE WHEN x:OpenLineageRun THEN coalesce(x.started_at, x.ended_at) WHEN x:OpenLineageJob THEN x.first_event_at
            ELSE x.created_at END AS created,
       CASE WHEN x:OpenLineageRun THEN x.event_time WHEN x:OpenLineageJob THEN x.last_event_at
            ELSE x.modified_at END AS modified
  WITH x, way, away_from_start, joins, lineage_type, type,
       x <> s
       AND ($lineage_types IS NULL OR lineage_type IN $lineage_types)
       AND ($types IS NULL OR type IN $types)
       AND ($created_after IS NULL OR created >= datetime($created_after))
       AND ($created_before IS NULL OR created <= datetime($created_before))
       AND ($modified_after IS NULL OR modified >= datetime($modified_after))
       AND ($modified_before IS NULL OR modified <= datetime($modified_before))
       AND ($properties IS NULL OR any(k IN keys($properties) WHERE toString(x['property.' + k]) = $properties[k]))
       AS matches
  RETURN collect(
    CASE
      WHEN matches THEN {id: elementId(x), uri: coalesce(x.arn, x.uri, x.run_id), arn: x.arn,
                         name: CASE WHEN x:OpenLineageRun THEN x.job_name ELSE x.name END,
                         lineage_type: lineage_type, type: type,
                         source_uri: CASE WHEN x:OpenLineageDataset THEN x.uri ELSE x.source_uri END,
                         job_arn: x.source_arn,
                         job: CASE WHEN x:OpenLineageRun THEN [(x)-[:RUN_OF]->(j) | coalesce(j.uri, j.namespace + '/' + j.name)][0] END,
                         status: CASE WHEN x:OpenLineageRun THEN x.state ELSE x.status END, placeholder: x:Placeholder, last_seen: x.seen_at,
                         matches: true, way: way, away_from_start: away_from_start, joins: joins}
      ELSE {id: elementId(x), matches: false, way: way, away_from_start: away_from_start, joins: joins}
    END) AS reached
}
RETURN coalesce(s.arn, s.uri, s.run_id) AS uri, s.arn AS arn, elementId(s) AS id,
       CASE WHEN s:OpenLineage THEN 'OpenLineage' ELSE s.lineage_type END AS lineage_type,
       CASE WHEN s:OpenLineageDataset THEN 'Dataset' WHEN s:OpenLineageRun THEN 'Run'
            WHEN s:OpenLineageJob THEN 'Job' ELSE s.type END AS type,
       reached
ORDER BY uri
