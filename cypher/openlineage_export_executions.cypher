// One page of the pipeline executions `lineage-graph openlineage export` sends as OpenLineage runs of their
// pipelines' jobs, in the order they started, then by ARN: the composite index on (start_time, arn) gives
// exactly that order, so a page costs its own rows whatever the graph's size, and the hint keeps the plan
// on that index whatever the statistics say (the keyset condition is a CASE, not an OR a planner could split
// into a union of seeks, as openlineage_export.cypher's once was). A page starts after the cursor ($after_time, $after_arn): the
// export's window starts at the last export's `until` (executions started since) or at --since. Each row
// has what the run's events need: status, start time and the end times of its steps (`step_ends`: SageMaker
// lists no end time for an execution; its last step's is the nearest). A placeholder has no start_time.
// Parameters:
//   $after_time  the cursor's time: only executions started after it (or at it, with a greater ARN)
//   $after_arn   the cursor's ARN ('' for every execution started at that time too)
//   $until       the last time the syncs have brought everything in for (as in openlineage_export.cypher)
//   $page_size   rows in the page
// In Neo4j Browser:
//   :param after_time => datetime('0001-01-01T00:00:00Z')
//   :param after_arn => ''
//   :param until => datetime('9999-12-31T23:59:59Z')
//   :param page_size => 500
MATCH (pe:PipelineExecution)
USING INDEX SEEK pe:PipelineExecution(start_time, arn)
WHERE pe.start_time >= $after_time AND pe.start_time <= $until AND pe.arn IS NOT NULL
  AND CASE WHEN pe.start_time = $after_time THEN pe.arn > $after_arn ELSE true END
WITH pe
ORDER BY pe.start_time, pe.arn
LIMIT $page_size
RETURN pe.arn AS arn, pe.status AS status, pe.start_time AS start_time,
       [(pe)-[step:EXECUTED]->() | step.end_time] AS step_ends
