// Lineage entities by name, type, source URI prefix, status and creation window; every filter optional
// (null), all given filters must hold. Names match as a case-insensitive substring.
// Parameters:
//   $name_contains               a substring of the name, or null
//   $lineage_type       'Artifact', 'Context', 'Action', 'TrialComponent', or null
//   $type               an entity type ('DataSet', 'Endpoint', 'TrainingJob', ...), or null
//   $source_uri_prefix  a prefix of the source URI (trial components: of the job ARN), or null
//   $status             a status ('Completed', 'Failed', ...), or null
//   $created_after, $created_before   ISO 8601 strings, or null
//   $created_by         who created it: any member of its CreatedBy (a Studio user profile's name or ARN, an
//                       IAM identity's ARN, ...) equal to this, or null
//   $limit              most rows to return
// In Neo4j Browser:
//   :param name_contains => 'churn'
//   :param lineage_type => null
//   :param type => 'Endpoint'
//   :param source_uri_prefix => null
//   :param status => null
//   :param created_after => null
//   :param created_before => null
//   :param created_by => null
//   :param limit => 100
// With a source URI prefix, candidates come from the source_uri / source_arn indexes (a prefix seek per
// kind); without one, from every entity. The filters below decide either way.
CALL () {
  WITH $source_uri_prefix AS prefix
  WHERE prefix IS NULL
  MATCH (n:LineageEntity)
  RETURN n
  UNION
  MATCH (n:Artifact) WHERE n.source_uri STARTS WITH $source_uri_prefix RETURN n
  UNION
  MATCH (n:Context) WHERE n.source_uri STARTS WITH $source_uri_prefix RETURN n
  UNION
  MATCH (n:Action) WHERE n.source_uri STARTS WITH $source_uri_prefix RETURN n
  UNION
  MATCH (n:TrialComponent) WHERE n.source_arn STARTS WITH $source_uri_prefix RETURN n
}
WITH n
WHERE n.lineage_type IN ['Artifact', 'Context', 'Action', 'TrialComponent']
  AND ($name_contains IS NULL OR toLower(n.name) CONTAINS toLower($name_contains))
  AND ($lineage_type IS NULL OR n.lineage_type = $lineage_type)
  AND ($type IS NULL OR n.type = $type)
  AND ($source_uri_prefix IS NULL OR coalesce(n.source_uri, n.source_arn) STARTS WITH $source_uri_prefix)
  AND ($status IS NULL OR n.status = $status)
  AND ($created_after IS NULL OR n.created_at >= datetime($created_after))
  AND ($created_before IS NULL OR n.created_at <= datetime($created_before))
  AND ($created_by IS NULL OR any(k IN keys(n) WHERE k STARTS WITH 'created_by.' AND n[k] = $created_by))
RETURN n.arn AS arn, n.name AS name, n.lineage_type AS lineage_type, n.type AS type,
       coalesce(n.source_uri, n.source_arn) AS source_uri, n.status AS status, n.created_at AS created_at,
       coalesce(n.`created_by.UserProfileName`, n.`created_by.IamIdentity.Arn`, n.`created_by.UserProfileArn`)
         AS created_by,
       n.account AS account, n.region AS region, coalesce(n.placeholder, false) AS placeholder
ORDER BY lineage_type, type, name, arn
LIMIT $limit
