// The trials that trial components belong to: the SDK's Artifact.downstream_trials() and
// upstream_trials(), which Search the trial components for their Parents and return the trial names.
// Parameters:
//   $arns  list of trial component ARNs
// In Neo4j Browser:
//   :param arns => ['arn:aws:sagemaker:us-east-1:123456789012:experiment-trial-component/churn-exec-3-train-aws-training-job']
MATCH (tc:TrialComponent)-[:IN_TRIAL]->(t:Trial)
WHERE tc.arn IN $arns
RETURN DISTINCT t.name AS trial_name, t.arn AS trial_arn, t.experiment_name AS experiment_name
ORDER BY trial_name
