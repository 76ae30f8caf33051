// The pipeline execution behind an endpoint or a model: the SDK's EndpointContext.pipeline_execution_arn()
// and ModelArtifact.pipeline_execution_arn(), which read the sagemaker:pipeline-execution-arn tag of the
// training jobs upstream, nearest first. The graph answers with the execution whose step ran the nearest
// upstream training job (EXECUTED; a step that really ran it before a cache hit), and also returns the
// start's own `property.PipelineExecutionArn` (SageMaker sets it on pipeline-deployed endpoint contexts).
// Behind an Endpoint context with several deployment actions (rolled out to another model), the walk
// starts from the latest deployment instead (the model the endpoint serves now), and `id` is that action's.
// The start and every upstream entity come in `reached` with `id` (its elementId) and `away_from_start`
// (the ids of the entities that feed it, one hop further from the start: the edges the walk took) and, for training jobs some execution ran, those
// `executions`; the caller finds the nearest by breadth-first search over `away_from_start`
// (lineage_graph.query.reach says why not with a shortest path in Cypher) and picks a step that really ran
// it before a cache hit, then the earliest execution.
// The start is named by $start (an ARN, a name or a source URI, as find_entity.cypher takes it, narrowed by
// $start_lineage_type, $start_entity_type and $resource_suffix) and resolved here: one row per entity it
// names (none: not in the graph; several: ambiguous, and `reached` is computed for none of them).
// Parameters:
//   $start               ARN, name or source URI of the endpoint context or model artifact
//   $start_lineage_type  the start's kind ('Context', 'Artifact'), or null for any
//   $start_entity_type   the start's type ('Endpoint', 'Model'), or null for any
//   $resource_suffix     a case-insensitive source URI ending that also names the start (':endpoint/churn-prod'
//                        for the Endpoint context of the endpoint named churn-prod), or null
//   $deployment_types    the action types that deploy a model to an endpoint: ['ModelDeployment', 'ModelReplaced']
// In Neo4j Browser:
//   :param start => 'arn:aws:sagemaker:us-east-1:123456789012:context/churn-prod-aws-endpoint'
//   :param start_lineage_type => null
//   :param start_entity_type => null
//   :param resource_suffix => null
//   :param deployment_types => ['ModelDeployment', 'ModelReplaced']
CALL () {
  // The start, as find_entity.cypher finds it: by ARN, name, source URI or (given) source URI ending.
  MATCH (s:LineageEntity {arn: $start}) RETURN s
  UNION
  MATCH (s:LineageEntity {name: $start}) RETURN s
  UNION
  MATCH (s:Artifact {source_uri: $start}) RETURN s
  UNION
  MATCH (s:Context {source_uri: $start}) RETURN s
  UNION
  WITH $resource_suffix AS suffix
  WHERE suffix IS NOT NULL
  MATCH (s:Context)
  WHERE toLower(s.source_uri) ENDS WITH toLower(suffix)
  RETURN s
}
WITH s
WHERE s.lineage_type IN ['Artifact', 'Context', 'Action', 'TrialComponent']
  AND ($start_lineage_type IS NULL OR s.lineage_type = $start_lineage_type)
  AND ($start_entity_type IS NULL OR s.type = $start_entity_type)
WITH collect(s) AS found
UNWIND found AS s
// An endpoint rolled out to another model keeps one deployment action per deployment (docs/audit.md): the
// walk starts from its latest, the model it serves now; from the context itself when it has one or none.
WITH s, found, COLLECT {
  MATCH (d:Action)-[:ASSOCIATED_WITH]->(s)
  WHERE s.type = 'Endpoint' AND d.type IN $deployment_types
  RETURN d ORDER BY d.created_at DESC, d.arn DESC
} AS deployments
WITH s, found, CASE WHEN size(deployments) > 1 THEN deployments[0] ELSE s END AS walk_from
OPTIONAL CALL (walk_from, found) {
  WITH walk_from
  WHERE size(found) = 1
  CALL (walk_from) {
    RETURN walk_from AS x
    UNION
    MATCH (walk_from)<-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED]-+(x)
    WITH DISTINCT x
    RETURN x
  }
  WITH walk_from, x, [(pe:PipelineExecution)-[step:EXECUTED]->(x) WHERE x:TrainingJob |
           {arn: pe.arn, pipeline_name: pe.pipeline_name, step_name: step.step_name,
            cache_hit: coalesce(step.cache_hit, false), start_time: pe.start_time}] AS executions
  RETURN collect({
    id: elementId(x), arn: x.arn, way: 'ascendants', matches: size(executions) > 0 AND x <> walk_from,
    executions: executions, source_arn: x.source_arn,
    away_from_start: [(n)-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED]->(x) | elementId(n)]
  }) AS reached
}
RETURN s.arn AS arn, elementId(walk_from) AS id, s.lineage_type AS lineage_type, s.type AS type,
       s.`property.PipelineExecutionArn` AS property_pipeline_execution_arn, reached
ORDER BY arn
