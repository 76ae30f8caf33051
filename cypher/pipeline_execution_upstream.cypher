// The pipeline execution behind an endpoint or a model: the SDK's EndpointContext.pipeline_execution_arn()
// and ModelArtifact.pipeline_execution_arn(), which read the sagemaker:pipeline-execution-arn tag of the
// training jobs upstream, nearest first. The graph answers with the execution whose step ran the nearest
// upstream training job (EXECUTED; a step that really ran it before a cache hit), and also returns the
// start's own `property.PipelineExecutionArn` (SageMaker sets it on pipeline-deployed endpoint contexts).
// Every upstream entity comes in `reached` with `toward_start` (the ARNs one hop nearer the start) and, for
// training jobs some execution ran, those `executions`; the caller finds the nearest by breadth-first
// search over `toward_start` (lineage_graph.query.reach says why not with a shortest path in Cypher) and
// picks a step that really ran it before a cache hit, then the earliest execution.
// Parameters:
//   $start_arn  ARN of the endpoint context or model artifact
// In Neo4j Browser:
//   :param start_arn => 'arn:aws:sagemaker:us-east-1:123456789012:context/churn-prod-aws-endpoint'
MATCH (s:LineageEntity {arn: $start_arn})
OPTIONAL CALL (s) {
  MATCH (s)<-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED]-+(x)
  WITH DISTINCT x
  WITH x, [(pe:PipelineExecution)-[step:EXECUTED]->(x) WHERE x:TrainingJob |
           {arn: pe.arn, pipeline_name: pe.pipeline_name, step_name: step.step_name,
            cache_hit: coalesce(step.cache_hit, false), start_time: pe.start_time}] AS executions
  RETURN collect({
    arn: x.arn, way: 'ascendants', matches: size(executions) > 0, executions: executions,
    source_arn: x.source_arn,
    toward_start: [(x)-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED]->(n) | n.arn]
  }) AS reached
}
RETURN s.arn AS start_arn, s.`property.PipelineExecutionArn` AS property_pipeline_execution_arn, reached
