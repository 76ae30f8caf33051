// The pipeline executions that ran a trial component's job: the SDK's
// LineageTrialComponent.pipeline_execution_arn(), which reads the job's sagemaker:pipeline-execution-arn
// tag. The graph links an execution to the trial components of the jobs its steps ran (EXECUTED). A job
// has one such execution, but the graph may link several: a cached step points at the job another
// execution ran, and an execution SageMaker no longer has stays until a full run's cleanup removes it
// (refused or skipped, it stays). Every one comes back, newest first, for the caller to choose from and
// say so. One row per trial component $trial_component names (none: not in the graph; several: a name
// shared across accounts or regions), by ARN.
// Parameters:
//   $trial_component  name or ARN of the trial component
// In Neo4j Browser:
//   :param trial_component => 'churn-exec-1-train-aws-training-job'
MATCH (tc:TrialComponent)
WHERE tc.name = $trial_component OR tc.arn = $trial_component
OPTIONAL MATCH (pe:PipelineExecution)-[step:EXECUTED]->(tc)
WITH tc, pe, step
ORDER BY pe.start_time IS NULL, pe.start_time DESC, pe.arn
WITH tc, collect(CASE WHEN pe IS NOT NULL THEN {arn: pe.arn, pipeline_name: pe.pipeline_name, status: pe.status,
                      start_time: pe.start_time, step_name: step.step_name,
                      cache_hit: coalesce(step.cache_hit, false)} END) AS executions
RETURN tc.arn AS trial_component_arn, executions
ORDER BY trial_component_arn
