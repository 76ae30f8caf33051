// One page of the trial components `lineage-graph openlineage export` sends again because an association
// between them and an artifact was created since the last export, though they did not change themselves:
// SageMaker's LastModifiedTime of a trial component stays when an artifact is associated with it later (a
// model registered, a dataset linked by hand), and so would the export's cursor, which pages by it.
// An association's `created_at` is SageMaker's CreationTime of it, and a sync brings in every association
// created up to its association watermark (`$until`, as in openlineage_export.cypher); so the window is
// [$created_after, $until], where $created_after is the last export's `until` (or --since). Only trial
// components the export's cursor has already passed ($sent_time, $sent_arn) are sent here: those after it
// are sent in the export's order anyway. Each relationship type is sought in its own `created_at` index
// (hinted: the plan does not depend on the statistics), so a page costs the window's associations, not the
// graph's. Pages follow the trial components' ARNs ($after_arn). The rows are openlineage_export.cypher's.
// Parameters:
//   $created_after  associations created at or after this time
//   $until          ... and at or before this time
//   $sent_time      the export's cursor: trial components changed before it (or at it, with an ARN
//   $sent_arn         not after $sent_arn) were sent by an earlier export
//   $after_arn      the page's cursor: trial components with a greater ARN ('' for the first page)
//   $page_size      rows in the page
// In Neo4j Browser:
//   :param created_after => datetime('2024-01-01T00:00:00Z')
//   :param until => datetime('9999-12-31T23:59:59Z')
//   :param sent_time => datetime('9999-12-31T23:59:59Z')
//   :param sent_arn => ''
//   :param after_arn => ''
//   :param page_size => 500
CALL () {
  MATCH (:Artifact)-[r:CONTRIBUTED_TO]-(tc:TrialComponent)
  USING INDEX SEEK r:CONTRIBUTED_TO(created_at)
  WHERE r.created_at >= $created_after AND r.created_at <= $until
  RETURN tc
  UNION
  MATCH (:Artifact)-[r:ASSOCIATED_WITH]-(tc:TrialComponent)
  USING INDEX SEEK r:ASSOCIATED_WITH(created_at)
  WHERE r.created_at >= $created_after AND r.created_at <= $until
  RETURN tc
  UNION
  MATCH (:Artifact)-[r:DERIVED_FROM]-(tc:TrialComponent)
  USING INDEX SEEK r:DERIVED_FROM(created_at)
  WHERE r.created_at >= $created_after AND r.created_at <= $until
  RETURN tc
  UNION
  MATCH (:Artifact)-[r:PRODUCED]-(tc:TrialComponent)
  USING INDEX SEEK r:PRODUCED(created_at)
  WHERE r.created_at >= $created_after AND r.created_at <= $until
  RETURN tc
  UNION
  MATCH (:Artifact)-[r:SAME_AS]-(tc:TrialComponent)
  USING INDEX SEEK r:SAME_AS(created_at)
  WHERE r.created_at >= $created_after AND r.created_at <= $until
  RETURN tc
  UNION
  MATCH (:Artifact)-[r:ASSOCIATED]-(tc:TrialComponent)
  USING INDEX SEEK r:ASSOCIATED(created_at)
  WHERE r.created_at >= $created_after AND r.created_at <= $until
  RETURN tc
}
WITH tc
WHERE tc.arn > $after_arn AND NOT tc:Placeholder
  AND (tc.modified_at < $sent_time OR (tc.modified_at = $sent_time AND tc.arn <= $sent_arn))
WITH tc
ORDER BY tc.arn
LIMIT $page_size
RETURN tc.arn AS arn, tc.status AS status, tc.source_arn AS source_arn, tc.source_type AS source_type,
       tc.start_time AS start_time, tc.end_time AS end_time, tc.created_at AS created_at,
       tc.modified_at AS modified_at,
       [(a:Artifact)-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED]->(tc)
        | {arn: a.arn, source_uri: a.source_uri}] AS inputs,
       [(tc)-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED]->(a:Artifact)
        | {arn: a.arn, source_uri: a.source_uri}] AS outputs,
       [key IN keys(tc) WHERE key STARTS WITH 'input.' | tc[key]] AS input_values,
       [key IN keys(tc) WHERE key STARTS WITH 'output.' | tc[key]] AS output_values,
       [(pe:PipelineExecution)-[step:EXECUTED]->(tc)
        | {arn: pe.arn, start_time: pe.start_time, cache_hit: coalesce(step.cache_hit, false)}] AS executions
