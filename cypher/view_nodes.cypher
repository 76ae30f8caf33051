// "Open in Neo4j Browser" of an explorer view (docs/explorer.md): the view's nodes, by their keys, so the
// Browser draws the same picture (its "connect result nodes" adds the relationships among them). The
// lineage API answers this text with the parameters of each view as `cypher` and `cypher_params`.
// Parameters:
//   $arns      SageMaker entities' ARNs
//   $datasets  OpenLineage datasets' uris (s3://bucket/key, or namespace/name)
//   $jobs      OpenLineage jobs' uris (namespace/name)
//   $runs      OpenLineage runs' ids
// In Neo4j Browser:
//   :param arns => ['arn:aws:sagemaker:us-east-1:123456789012:context/churn-prod-aws-endpoint']
//   :param datasets => ['s3://acme-ml-raw/crm/customers']
//   :param jobs => ['acme-emr/nightly_landing_to_raw.crm_customers']
//   :param runs => []
MATCH (n:LineageEntity) WHERE n.arn IN $arns RETURN n
UNION
MATCH (n:OpenLineageDataset) WHERE n.uri IN $datasets RETURN n
UNION
MATCH (n:OpenLineageJob) WHERE n.uri IN $jobs RETURN n
UNION
MATCH (n:OpenLineageRun) WHERE n.run_id IN $runs RETURN n
