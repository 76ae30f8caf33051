// The pipeline execution behind an endpoint or a model: the SDK's EndpointContext.pipeline_execution_arn()
// and ModelArtifact.pipeline_execution_arn(), which read the sagemaker:pipeline-execution-arn tag of the
// training jobs upstream, nearest first. The graph answers with the execution whose step ran the nearest
// upstream training job (EXECUTED; a step that really ran it before a cache hit), and also returns the
// start's own `property.PipelineExecutionArn` (SageMaker sets it on pipeline-deployed endpoint contexts).
// Parameters:
//   $start_arn  ARN of the endpoint context or model artifact
// In Neo4j Browser:
//   :param start_arn => 'arn:aws:sagemaker:us-east-1:123456789012:context/churn-prod-aws-endpoint'
MATCH (s:LineageEntity {arn: $start_arn})
OPTIONAL CALL (s) {
  MATCH p = ANY SHORTEST (s)<-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED]-+(tc)
  WITH tc, length(p) AS depth
  WHERE tc:TrainingJob
  MATCH (pe:PipelineExecution)-[step:EXECUTED]->(tc)
  RETURN pe, step, tc, depth
  ORDER BY depth, step.cache_hit, pe.start_time, tc.arn
  LIMIT 1
}
RETURN s.arn AS start_arn, pe.arn AS pipeline_execution_arn, pe.pipeline_name AS pipeline_name,
       step.step_name AS step_name, tc.arn AS training_job_trial_component_arn,
       tc.source_arn AS training_job_arn, s.`property.PipelineExecutionArn` AS property_pipeline_execution_arn
