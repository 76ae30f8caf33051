// Audit: every deployment of an endpoint, or of a model package group's versions, in the order they were
// made. SageMaker records one ModelDeployment action per deployment, CreateEndpoint's and each
// UpdateEndpoint's, associated with the endpoint's one context, and leaves the earlier ones in place
// (docs/audit.md, "What SageMaker records on UpdateEndpoint"), so the deployment live at a time T is the
// latest one created at or before T: the caller picks it from these rows.
// The subject is a context: an Endpoint (its deployment actions point at it: action -ASSOCIATED_WITH->
// context) or a ModelGroup (its versions' package artifacts point at it, and each deployment of a version
// has the package artifact CONTRIBUTED_TO it). Each row is one deployment action with the artifacts that
// contributed to it (the model package's, the model data's, the image's), the approval actions
// associated with it, and the endpoint context it is associated with; `deployed_by` is the CreatedBy
// SageMaker gave that association, else the deployment action's own CreatedBy (DescribeAction, read by the
// sync's properties pass): the Studio user profile's name, else the IAM identity's ARN. Approvals and
// package artifacts carry `package`, the `model_package.*` keys the properties pass read from
// DescribeModelPackage (approval status and description, who created and last changed the version, when)
// as [key, value] pairs. One row: the subject, its `deployments` oldest first (none for an endpoint nothing
// was ever deployed to).
// Parameters:
//   $subject_arn       ARN of the Endpoint or ModelGroup context
//   $deployment_types  the action types that deploy: ['ModelDeployment', 'ModelReplaced']
// In Neo4j Browser:
//   :param subject_arn => 'arn:aws:sagemaker:us-east-1:123456789012:context/churn-prod-aws-endpoint'
//   :param deployment_types => ['ModelDeployment', 'ModelReplaced']
MATCH (subject:LineageEntity {arn: $subject_arn})
WHERE subject:Context
OPTIONAL CALL (subject) {
  MATCH (d:Action)-[:ASSOCIATED_WITH]->(subject)
  WHERE subject.type = 'Endpoint' AND d.type IN $deployment_types
  RETURN d
  UNION
  MATCH (pkg:Artifact)-[:ASSOCIATED_WITH]->(subject)
  WHERE subject.type = 'ModelGroup'
  MATCH (pkg)-[:CONTRIBUTED_TO]->(d:Action)
  WHERE d.type IN $deployment_types
  RETURN d
}
WITH DISTINCT subject, d
OPTIONAL MATCH (d)-[to:ASSOCIATED_WITH]->(endpoint:Context {type: 'Endpoint'})
WITH subject, d, endpoint, to
ORDER BY endpoint.arn
WITH subject, d, collect(endpoint.arn)[0] AS endpoint_context_arn,
     coalesce(collect(to.created_by)[0], d.`created_by.UserProfileName`, d.`created_by.IamIdentity.Arn`) AS deployed_by
ORDER BY d.created_at, d.arn
WITH subject, collect(CASE WHEN d IS NOT NULL THEN {
       arn: d.arn, name: d.name, type: d.type, status: d.status, deployed_at: d.created_at,
       endpoint_arn: d.source_uri, endpoint_context_arn: endpoint_context_arn, deployed_by: deployed_by,
       inputs: [(a:Artifact)-[:CONTRIBUTED_TO]->(d) |
                {arn: a.arn, type: a.type, source_uri: a.source_uri,
                 package: [k IN keys(a) WHERE k STARTS WITH 'model_package.' | [k, a[k]]]}],
       approvals: [(ap:Action)-[:ASSOCIATED_WITH]->(d) WHERE ap.type = 'Approval' |
                   {arn: ap.arn, name: ap.name, status: ap.status,
                    approval_status: ap.`property.ModelApprovalStatus`, package_arn: ap.source_uri,
                    created_at: ap.created_at, modified_at: ap.modified_at,
                    package: [k IN keys(ap) WHERE k STARTS WITH 'model_package.' | [k, ap[k]]]}]
     } END) AS deployments
RETURN subject.arn AS subject_arn, subject.type AS subject_type, subject.name AS subject_name,
       subject.source_uri AS subject_source_uri, deployments
