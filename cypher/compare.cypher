// Parameters and metrics of trial components, for `compare` (side by side) and `provenance` (each job of
// the tree): the flattened properties `param.<name>` (a number or a string) and `metric.<name>.<stat>`
// (stat min, max, avg, last, count or std_dev, as DescribeTrialComponent summarises each metric), as
// {key, value} pairs, since Cypher builds no map with keys taken from data. ARNs not in the graph (or not
// trial components) return no row.
// Parameters:
//   $arns  list of trial component ARNs
// In Neo4j Browser:
//   :param arns => ['arn:aws:sagemaker:us-east-1:123456789012:experiment-trial-component/churn-exec-3-train-aws-training-job']
UNWIND $arns AS wanted
MATCH (tc:TrialComponent {arn: wanted})
WITH DISTINCT tc
RETURN tc.arn AS arn, tc.name AS name, tc.type AS type, tc.status AS status, tc.source_arn AS job_arn,
       [k IN keys(tc) WHERE k STARTS WITH 'param.' OR k STARTS WITH 'metric.' | {key: k, value: tc[k]}] AS values
ORDER BY arn
