// The explorer's neighbours API: one page of a node's neighbours one way (a hub's expansion), in a stable
// order (by ARN, else OpenLineage's uri or run id), their total, and the kinds of those after the page.
// Ways as in view_step.cypher; a neighbour comes as view_start.cypher's map.
// Parameters:
//   $id         the node's elementId
//   $direction  'upstream' or 'downstream'
//   $offset     neighbours skipped
//   $limit      neighbours in the page
// In Neo4j Browser:
//   :param id => '4:0d2c5a8e-0000-0000-0000-000000000000:0'
//   :param direction => 'downstream'
//   :param offset => 0
//   :param limit => 50
MATCH (n)
WHERE elementId(n) = $id
CALL (n) {
  WITH n WHERE $direction = 'downstream'
  MATCH (n)-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED|READ_BY|WROTE|SAME_OBJECT]->(m)
  RETURN m
  UNION
  WITH n WHERE $direction = 'downstream'
  MATCH (n)<-[:RUN_OF|CHILD_OF]-(m)
  RETURN m
  UNION
  WITH n WHERE $direction = 'upstream'
  MATCH (n)<-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED|READ_BY|WROTE]-(m)
  RETURN m
  UNION
  WITH n WHERE $direction = 'upstream'
  MATCH (n)-[:SAME_OBJECT|RUN_OF|CHILD_OF]->(m)
  RETURN m
}
WITH m
ORDER BY coalesce(m.arn, m.uri, m.run_id), elementId(m)
WITH collect(m) AS neighbours
CALL (neighbours) {
  UNWIND neighbours[$offset + $limit..] AS m
  WITH CASE
         WHEN m:OpenLineageDataset THEN 'OpenLineageDataset'
         WHEN m:OpenLineageRun THEN 'OpenLineageRun'
         WHEN m:OpenLineageJob THEN 'OpenLineageJob'
         ELSE m.lineage_type
       END AS kind, count(*) AS count
  RETURN collect({kind: kind, count: count}) AS rest
}
RETURN size(neighbours) AS total, rest,
       [m IN neighbours[$offset..$offset + $limit] |
        m {.arn, .lineage_type, .type, .name, .source_uri, .source_arn, .uri, .run_id, .job_name,
           id: elementId(m), labels: labels(m)}] AS page
