// The model package an approval action is about: the SDK's ModelPackageApprovalAction.model_package().
// The SDK takes source_uri.split("/")[1] of arn:...:model-package/<group>/<version>, which is the GROUP
// name, and describes that; the user meant the versioned package, whose full ARN is the action's
// source_uri. Returned with the package's artifact in the graph and the group name parsed from the ARN.
// Parameters:
//   $start_arn  ARN of the Approval action
// In Neo4j Browser:
//   :param start_arn => 'arn:aws:sagemaker:us-east-1:123456789012:action/churn-models-1-aws-model-package'
MATCH (a:LineageEntity {arn: $start_arn})
OPTIONAL MATCH (pkg:Artifact {source_uri: a.source_uri})
WITH a, collect(pkg.arn) AS artifacts
RETURN a.arn AS action_arn, a.source_uri AS model_package_arn,
       CASE WHEN a.source_uri CONTAINS ':model-package/'
            THEN split(split(a.source_uri, ':model-package/')[1], '/')[0] END AS model_package_group_name,
       artifacts[0] AS model_package_artifact_arn, a.status AS status,
       a.`property.ModelApprovalStatus` AS approval_status
