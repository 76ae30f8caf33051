// The entities a user named, in either source, for the answers that cross them (path, provenance): a
// SageMaker entity by ARN, name or source URI (as find_entity.cypher, and with $resource_suffix by the end of
// a context's source URI), or an OpenLineage run by its id, a dataset or job among $openlineage_keys (the
// caller spells an S3 URI as OpenLineage does). A SageMaker entity a name or URI finds wins over the
// OpenLineage dataset joined to it. Several rows mean the name is ambiguous. `id` is the elementId the
// crossing queries start from, `uri` the id people read (the ARN, or OpenLineage's readable id).
// Parameters:
//   $start            an ARN, a name, a source URI, or an OpenLineage run id
//   $openlineage_keys list of {namespace, name}: the OpenLineage datasets or jobs $start may name
//   $resource_suffix  a case-insensitive source URI ending, or null
// In Neo4j Browser:
//   :param start => 's3://landing/events'
//   :param openlineage_keys => [{namespace: 's3://landing', name: 'events'}]
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
  UNION
  MATCH (s:OpenLineageRun {run_id: $start}) RETURN s
  UNION
  UNWIND $openlineage_keys AS key
  MATCH (s:OpenLineageDataset {namespace: key.namespace, name: key.name}) RETURN s
  UNION
  UNWIND $openlineage_keys AS key
  MATCH (s:OpenLineageJob {namespace: key.namespace, name: key.name}) RETURN s
}
WITH s
WHERE s.lineage_type IN ['Artifact', 'Context', 'Action', 'TrialComponent'] OR s:OpenLineage
WITH collect(s) AS candidates
UNWIND CASE WHEN any(c IN candidates WHERE NOT c:OpenLineage) THEN [c IN candidates WHERE NOT c:OpenLineage]
            ELSE candidates END AS s
RETURN elementId(s) AS id, coalesce(s.arn, s.uri, s.run_id) AS uri, s.arn AS arn,
       CASE WHEN s:OpenLineage THEN 'OpenLineage' ELSE s.lineage_type END AS lineage_type,
       CASE WHEN s:OpenLineageDataset THEN 'Dataset' WHEN s:OpenLineageRun THEN 'Run'
            WHEN s:OpenLineageJob THEN 'Job' ELSE s.type END AS type
ORDER BY uri
