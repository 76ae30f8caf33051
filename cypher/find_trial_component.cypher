// Trial components with this name or ARN (a name can repeat across accounts and regions).
// Parameters:
//   $trial_component  name or ARN of a trial component
// In Neo4j Browser:
//   :param trial_component => 'churn-exec-1-train-aws-training-job'
MATCH (tc:TrialComponent)
WHERE tc.name = $trial_component OR tc.arn = $trial_component
RETURN tc.arn AS arn, tc.name AS name, tc.account AS account, tc.region AS region
ORDER BY arn
