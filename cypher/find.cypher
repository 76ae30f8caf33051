// Lineage entities by name, type, source URI prefix, status and creation window; every filter optional
// (null), all given filters must hold. Names match as a case-insensitive substring. OpenLineage's entities
// too (lineage_type 'OpenLineage', type 'Dataset', 'Job' or 'Run'; a run by its job's name and its state as
// status; a run was created when it started (or ended, if no start was told), a job at its first event,
// datasets have no creation time and none has a creator): a dataset is under an S3 prefix as impact.cypher
// says.
// Every row has a `uri`: the ARN, or an OpenLineage dataset's s3://bucket/key, job's namespace/name, run's id.
// Parameters:
//   $name_contains               a substring of the name, or null
//   $lineage_type       'Artifact', 'Context', 'Action', 'TrialComponent', or null
//   $type               an entity type ('DataSet', 'Endpoint', 'TrainingJob', ...), or null
//   $source_uri_prefix  a prefix of the source URI (trial components: of the job ARN), or null
//   $status             a status ('Completed', 'Failed', ...), or null
//   $created_after, $created_before   ISO 8601 strings, or null
//   $created_by         who created it: any member of its CreatedBy (a Studio user profile's name or ARN, an
//                       IAM identity's ARN, ...) equal to this, or null
//   $openlineage_namespace, $openlineage_name, $openlineage_name_prefix   the S3 prefix as OpenLineage names
//                       datasets (see impact.cypher), or null
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
//   :param openlineage_namespace => null
//   :param openlineage_name => null
//   :param openlineage_name_prefix => null
//   :param limit => 100
// With a source URI prefix, candidates come from the source_uri / source_arn indexes (a prefix seek per
// kind); without one, from every entity. The filters below decide either way.
CALL () {
  WITH $source_uri_prefix AS prefix
  WHERE prefix IS NULL
  MATCH (n:LineageEntity)
  RETURN n
  UNION
  WITH $source_uri_prefix AS prefix
  WHERE prefix IS NULL
  MATCH (n:OpenLineage)
  RETURN n
  UNION
  MATCH (n:OpenLineageDataset {namespace: $openlineage_namespace, name: $openlineage_name}) RETURN n
  UNION
  MATCH (n:OpenLineageDataset)
  WHERE n.namespace = $openlineage_namespace AND n.name STARTS WITH $openlineage_name_prefix
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
// OpenLineage's entities have no ARN: only they pay for the label checks that tell their kind.
WITH n, n.arn AS arn
WITH n, arn,
     CASE
       WHEN arn IS NOT NULL THEN null
       WHEN n:OpenLineageDataset THEN 'Dataset'
       WHEN n:OpenLineageRun THEN 'Run'
       WHEN n:OpenLineageJob THEN 'Job'
     END AS openlineage
WITH n, arn, openlineage,
     CASE WHEN openlineage = 'Run' THEN n.job_name ELSE n.name END AS name,
     CASE WHEN openlineage IS NULL THEN n.lineage_type ELSE 'OpenLineage' END AS lineage_type,
     coalesce(openlineage, n.type) AS type,
     CASE WHEN openlineage = 'Dataset' THEN n.uri ELSE coalesce(n.source_uri, n.source_arn) END AS source_uri,
     CASE openlineage WHEN 'Run' THEN coalesce(n.started_at, n.ended_at) WHEN 'Job' THEN n.first_event_at ELSE n.created_at END
       AS created_at
WHERE lineage_type IN ['Artifact', 'Context', 'Action', 'TrialComponent', 'OpenLineage']
  AND ($name_contains IS NULL OR toLower(name) CONTAINS toLower($name_contains))
  AND ($lineage_type IS NULL OR lineage_type = $lineage_type)
  AND ($type IS NULL OR type = $type)
  AND ($source_uri_prefix IS NULL
       OR CASE WHEN openlineage IS NULL THEN source_uri STARTS WITH $source_uri_prefix
               ELSE openlineage = 'Dataset' AND n.namespace = $openlineage_namespace
                    AND (n.name = $openlineage_name OR n.name STARTS WITH $openlineage_name_prefix) END)
  AND ($status IS NULL OR CASE WHEN openlineage = 'Run' THEN n.state ELSE n.status END = $status)
  AND ($created_after IS NULL OR created_at >= datetime($created_after))
  AND ($created_before IS NULL OR created_at <= datetime($created_before))
  AND ($created_by IS NULL OR any(k IN keys(n) WHERE k STARTS WITH 'created_by.' AND n[k] = $created_by))
RETURN coalesce(arn, n.uri, n.run_id) AS uri, arn, name, lineage_type, type, source_uri,
       CASE WHEN openlineage = 'Run' THEN n.state ELSE n.status END AS status, created_at,
       coalesce(n.`created_by.UserProfileName`, n.`created_by.IamIdentity.Arn`, n.`created_by.UserProfileArn`)
         AS created_by,
       n.account AS account, n.region AS region, coalesce(n.placeholder, false) AS placeholder
ORDER BY lineage_type, type, name, uri
LIMIT $limit
