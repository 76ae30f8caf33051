// The association edges among a set of entities: QueryLineage's IncludeEdges for a lineage answer
// (pass the returned ARNs plus the start's). relationship is the graph's type (CONTRIBUTED_TO, ...).
// Parameters:
//   $arns  list of entity ARNs
// In Neo4j Browser:
//   :param arns => ['arn:...:artifact/a', 'arn:...:experiment-trial-component/b']
// The hint pins the plan to a seek of the ARN constraint's index: left to the statistics of a small or
// freshly emptied graph, the planner once started from a scan instead (seen in a CI run of the test suite).
// SEEK, because a plain USING INDEX is also met by a scan of the whole index under a filter.
MATCH (a:LineageEntity)-[r:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED]->(b:LineageEntity)
USING INDEX SEEK a:LineageEntity(arn)
WHERE a.arn IN $arns AND b.arn IN $arns
RETURN a.arn AS source_arn, b.arn AS destination_arn, type(r) AS relationship
ORDER BY source_arn, destination_arn, relationship
