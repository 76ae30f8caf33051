// Lineage entities a user named: by ARN, by name, by source URI (an endpoint, model package or model
// package group ARN names its context or artifact this way) or, for $resource_suffix, by the end of the
// source URI (':endpoint/churn-prod' finds the Endpoint context of the endpoint named churn-prod).
// Several rows mean the name is ambiguous (an endpoint's context and its deployment action share a name).
// Parameters:
//   $start            an ARN, an entity name or a source URI
//   $lineage_type     'Artifact', 'Context', 'Action', 'TrialComponent', or null for any kind
//   $entity_type      'Endpoint', 'ModelGroup', 'Approval', 'DataSet', ..., or null for any type
//   $resource_suffix  a case-insensitive source URI ending, or null
// In Neo4j Browser:
//   :param start => 'churn-exec-3-train-aws-training-job'
//   :param lineage_type => null
//   :param entity_type => null
//   :param resource_suffix => null
CALL () {
  MATCH (s:LineageEntity {arn: $start}) RETURN s
  UNION
  MATCH (s:LineageEntity {name: $start}) RETURN s
  UNION
  MATCH (s:Artifact {source_uri: $start}) RETURN s
  UNION
  MATCH (s:Context {source_uri: $start}) RETURN s
  UNION
  // Scans the contexts only when a plain name was given (an ARN never sets $resource_suffix).
  WITH $resource_suffix AS suffix
  WHERE suffix IS NOT NULL
  MATCH (s:Context)
  WHERE toLower(s.source_uri) ENDS WITH toLower(suffix)
  RETURN s
}
WITH s
WHERE s.lineage_type IN ['Artifact', 'Context', 'Action', 'TrialComponent']
  AND ($lineage_type IS NULL OR s.lineage_type = $lineage_type)
  AND ($entity_type IS NULL OR s.type = $entity_type)
RETURN s.arn AS arn, s.name AS name, s.lineage_type AS lineage_type, s.type AS type
ORDER BY arn
