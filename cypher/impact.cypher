// Impact of data under an S3 URI or prefix: everything downstream of the artifacts whose source_uri
// starts with $prefix, the question to ask before deleting or fixing a dataset. Each entity once, with
// the fewest hops from any matching artifact, and a kind: 'job' (trial components), 'dataset', 'model',
// 'model_package' (a Model artifact whose source is a model-package ARN), 'model_group', 'endpoint',
// 'action', 'artifact', 'context'; plus the 'pipeline_execution's whose steps ran a reached job or
// registered a reached package (EXECUTED) and their 'pipeline's, at the depth of what they ran.
// The matching artifacts themselves are left out unless another matching artifact leads to them.
// Parameters:
//   $prefix  an S3 URI or prefix (any source URI prefix: an ECR image, a model-package ARN)
// In Neo4j Browser:
//   :param prefix => 's3://acme-ml-raw/payments/'
MATCH (d:Artifact)
WHERE d.source_uri STARTS WITH $prefix
CALL (d) {
  MATCH p = ANY SHORTEST (d)-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED]->+(x)
  RETURN x, length(p) AS depth
}
WITH x, min(depth) AS depth
WITH collect({node: x, depth: depth}) AS reached
CALL (reached) {
  UNWIND reached AS r
  RETURN r.node AS node, r.depth AS depth
  UNION ALL
  UNWIND reached AS r
  WITH r.node AS ran, r.depth AS depth
  MATCH (pe:PipelineExecution)-[:EXECUTED]->(ran)
  OPTIONAL MATCH (pipeline:Pipeline)-[:HAS_EXECUTION]->(pe)
  UNWIND [pe, pipeline] AS node
  WITH node, depth
  WHERE node IS NOT NULL
  RETURN node, depth
}
WITH node, min(depth) AS depth
WITH node, depth,
     CASE
       WHEN node:TrialComponent THEN 'job'
       WHEN node:PipelineExecution THEN 'pipeline_execution'
       WHEN node:Pipeline THEN 'pipeline'
       WHEN node:Artifact AND node.type = 'Model' AND node.source_uri CONTAINS ':model-package/' THEN 'model_package'
       WHEN node:Artifact AND node.type = 'Model' THEN 'model'
       WHEN node:Artifact AND node.type = 'DataSet' THEN 'dataset'
       WHEN node:Context AND node.type = 'Endpoint' THEN 'endpoint'
       WHEN node:Context AND node.type = 'ModelGroup' THEN 'model_group'
       ELSE toLower(node.lineage_type)
     END AS kind
RETURN kind, node.arn AS arn, node.name AS name, node.lineage_type AS lineage_type, node.type AS type,
       node.source_uri AS source_uri, node.source_arn AS source_arn, node.status AS status,
       coalesce(node.placeholder, false) AS placeholder, depth
ORDER BY kind, depth, arn
