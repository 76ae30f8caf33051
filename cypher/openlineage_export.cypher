// One page of the trial components `lineage-graph openlineage export` sends as OpenLineage runs, in the
// order they last changed (`modified_at`, SageMaker's LastModifiedTime), then by ARN: the index on
// `modified_at` gives that order, so a page costs its own rows whatever the graph's size. A page starts
// after the cursor ($after_time, $after_arn), the last row of the page before or the export's watermark;
// the first page of a full export starts at the year 1. Each row has what the run's events need: status, job
// source, times, the artifacts with an association into the trial component (`inputs`) and out of it
// (`outputs`), the values of its input and output artifacts as SageMaker records them on it (`input_values`,
// `output_values`: URIs, the only trace of a trial component logged by hand) and the pipeline executions
// whose steps ran or reused its job (`executions`). Placeholders
// (another account's trial components, known only from an association) have no run to tell and are left out.
// Parameters:
//   $after_time  the cursor's time: only trial components changed after it (or at it, with a greater ARN)
//   $after_arn   the cursor's ARN ('' for everything changed at that time too: --since, a full export)
//   $until       the last time the syncs have brought everything in for: associations and pipeline
//                executions land after their trial components, which wait for them
//   $page_size   rows in the page
// In Neo4j Browser:
//   :param after_time => datetime('0001-01-01T00:00:00Z')
//   :param after_arn => ''
//   :param until => datetime('9999-12-31T23:59:59Z')
//   :param page_size => 500
// The keyset condition is a CASE, not NOT (a AND b): that is an OR, and with stale index samples (an
// empty modified_at index, many arns) the planner sought both indexes, took their union and sorted every
// trial component, hint or not. The hint keeps a seek on modified_at, in its order: a plain USING INDEX
// also let it scan the whole index and filter (seen once the samples said the index was empty), which would
// make an incremental export read every trial component before its cursor.
MATCH (tc:TrialComponent)
USING INDEX SEEK tc:TrialComponent(modified_at)
WHERE tc.modified_at >= $after_time AND tc.modified_at <= $until
  AND CASE WHEN tc.modified_at = $after_time THEN tc.arn > $after_arn ELSE true END
  AND NOT tc:Placeholder
WITH tc
ORDER BY tc.modified_at, tc.arn
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
