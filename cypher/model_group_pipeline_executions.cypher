// Pipeline executions of a model package group: the SDK's ModelPackageGroup.pipeline_execution_arn()
// reads only the group context's `property.PipelineExecutionArn` (the latest execution that registered a
// version). The graph also knows every execution whose RegisterModel step registered a package of the group
// (PipelineExecution -[:EXECUTED]-> package artifact -[:ASSOCIATED_WITH]-> group context), so all of them
// are returned, each with the packages it registered and how it was found ('step', 'property').
// Parameters:
//   $start_arn  ARN of the ModelGroup context
// In Neo4j Browser:
//   :param start_arn => 'arn:aws:sagemaker:us-east-1:123456789012:context/churn-models-aws-model-package-group'
MATCH (g:LineageEntity {arn: $start_arn})
CALL (g) {
  MATCH (pkg:Artifact)-[:ASSOCIATED_WITH]->(g)
  MATCH (pe:PipelineExecution)-[:EXECUTED]->(pkg)
  RETURN pe.arn AS execution_arn, pkg.source_uri AS package_arn, 'step' AS via
  UNION
  WITH g
  WHERE g.`property.PipelineExecutionArn` IS NOT NULL
  RETURN g.`property.PipelineExecutionArn` AS execution_arn, null AS package_arn, 'property' AS via
}
WITH g, execution_arn, collect(DISTINCT package_arn) AS model_package_arns, collect(DISTINCT via) AS found_by
OPTIONAL MATCH (pe:LineageEntity {arn: execution_arn})
RETURN g.arn AS model_group_arn, execution_arn AS pipeline_execution_arn, pe.pipeline_name AS pipeline_name,
       pe.status AS status, pe.start_time AS start_time, model_package_arns, found_by
ORDER BY start_time, pipeline_execution_arn
