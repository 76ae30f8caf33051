// The pipeline execution that ran a trial component's job: the SDK's
// LineageTrialComponent.pipeline_execution_arn(), which reads the job's sagemaker:pipeline-execution-arn
// tag. The graph links an execution to the trial components of the jobs its steps ran (EXECUTED); when a
// cached step points at a job again, the execution that really ran it comes first. One row per trial
// component $trial_component names (none: not in the graph; several: a name shared across accounts or
// regions), by ARN.
// Parameters:
//   $trial_component  name or ARN of the trial component
// In Neo4j Browser:
//   :param trial_component => 'churn-exec-1-train-aws-training-job'
MATCH (tc:TrialComponent)
WHERE tc.name = $trial_component OR tc.arn = $trial_component
OPTIONAL MATCH (pe:PipelineExecution)-[step:EXECUTED]->(tc)
WITH tc, pe, step
ORDER BY step.cache_hit, pe.start_time
WITH tc, collect({execution: pe, step: step})[0] AS first
RETURN tc.arn AS trial_component_arn, first.execution.arn AS pipeline_execution_arn,
       first.execution.pipeline_name AS pipeline_name, first.step.step_name AS step_name
ORDER BY trial_component_arn
