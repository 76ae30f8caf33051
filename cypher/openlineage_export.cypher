// One page of the trial components `lineage-graph openlineage export` sends as OpenLineage runs, in the
// order they last changed (SageMaker's LastModifiedTime, else their creation: `changed_at`), then by ARN.
// A page starts after the cursor ($after_time, $after_arn), the last row of the page before or the export's
// watermark; $after_time null starts from the first. Each row has what the run's events need: status, job
// source, times, the artifacts with an association into the trial component (`inputs`) and out of it
// (`outputs`), the values of its input and output artifacts as SageMaker records them on it (`input_values`,
// `output_values`: URIs, the only trace of a trial component logged by hand) and the pipeline executions
// whose steps ran or reused its job (`executions`). Placeholders
// (another account's trial components, known only from an association) have no run to tell and are left out.
// Parameters:
//   $after_time  the cursor's time: only trial components changed after it (or at it, with a greater ARN)
//   $after_arn   the cursor's ARN ('' with a time from --since: everything changed at that time too)
//   $page_size   rows in the page
// In Neo4j Browser:
//   :param after_time => null
//   :param after_arn => ''
//   :param page_size => 500
MATCH (tc:TrialComponent)
WHERE NOT tc:Placeholder
WITH tc, coalesce(tc.modified_at, tc.created_at) AS changed_at
WHERE changed_at IS NOT NULL
  AND ($after_time IS NULL OR changed_at > $after_time OR (changed_at = $after_time AND tc.arn > $after_arn))
WITH tc, changed_at
ORDER BY changed_at, tc.arn
LIMIT $page_size
RETURN tc.arn AS arn, tc.status AS status, tc.source_arn AS source_arn, tc.source_type AS source_type,
       tc.start_time AS start_time, tc.end_time AS end_time, tc.created_at AS created_at,
       tc.modified_at AS modified_at, changed_at,
       [(a:Artifact)-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED]->(tc)
        | {arn: a.arn, source_uri: a.source_uri}] AS inputs,
       [(tc)-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED]->(a:Artifact)
        | {arn: a.arn, source_uri: a.source_uri}] AS outputs,
       [key IN keys(tc) WHERE key STARTS WITH 'input.' | tc[key]] AS input_values,
       [key IN keys(tc) WHERE key STARTS WITH 'output.' | tc[key]] AS output_values,
       [(pe:PipelineExecution)-[step:EXECUTED]->(tc)
        | {arn: pe.arn, start_time: pe.start_time, cache_hit: coalesce(step.cache_hit, false)}] AS executions
ORDER BY changed_at, arn
