// Every stored property of some lineage entities, by ARN: what the Python API's Artifact, Context, Action
// and LineageTrialComponent objects are built from (the SDK's Describe* answers, with no SageMaker call).
// Flattened maps come back under their prefixed keys (`property.<key>`, `param.<name>`, ...).
// Parameters:
//   $arns  list of entity ARNs (unknown ARNs are left out)
// In Neo4j Browser:
//   :param arns => ['arn:aws:sagemaker:us-east-1:123456789012:context/churn-prod-aws-endpoint']
MATCH (n:LineageEntity)
WHERE n.arn IN $arns AND n.lineage_type IN ['Artifact', 'Context', 'Action', 'TrialComponent']
RETURN n.arn AS arn, properties(n) AS properties
ORDER BY arn
