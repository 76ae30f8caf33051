// The explorer's neighbours API: one page of a node's neighbours one way (a hub's expansion), their total
// (a degree: no neighbour is read for it), and the kinds of the next $sample after the page. The order is
// the store's own (how Neo4j walks a node's relationships), the same on every ask while the node's
// relationships do not change; sorting an image's 30,000 jobs by a key would read every one of them.
// Ways as in view_step.cypher; a neighbour comes as view_start.cypher's map.
// Parameters:
//   $id         the node's elementId
//   $direction  'upstream' or 'downstream'
//   $offset     neighbours skipped
//   $limit      neighbours in the page
//   $sample     the most neighbours after the page counted by kind
// In Neo4j Browser:
//   :param id => '4:0d2c5a8e-0000-0000-0000-000000000000:0'
//   :param direction => 'downstream'
//   :param offset => 0
//   :param limit => 50
//   :param sample => 1000
MATCH (n)
WHERE elementId(n) = $id
WITH n,
     CASE $direction
       WHEN 'downstream'
         THEN COUNT { (n)-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED|READ_BY|WROTE|SAME_OBJECT]->() }
              + COUNT { (n)<-[:RUN_OF|CHILD_OF]-() }
       ELSE COUNT { (n)<-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED|READ_BY|WROTE]-() }
            + COUNT { (n)-[:SAME_OBJECT|RUN_OF|CHILD_OF]->() }
     END AS total
CALL (n) {
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
  SKIP $offset
  LIMIT $limit + $sample
  RETURN collect(m) AS neighbours
}
CALL (neighbours) {
  UNWIND neighbours[$limit..] AS m
  WITH CASE
         WHEN m:OpenLineageDataset THEN 'OpenLineageDataset'
         WHEN m:OpenLineageRun THEN 'OpenLineageRun'
         WHEN m:OpenLineageJob THEN 'OpenLineageJob'
         ELSE m.lineage_type
       END AS kind, count(*) AS count
  RETURN collect({kind: kind, count: count}) AS rest
}
RETURN total, rest,
       [m IN neighbours[..$limit] |
        m {.arn, .lineage_type, .type, .name, .source_uri, .source_arn, .uri, .run_id, .job_name,
           id: elementId(m), labels: labels(m)}] AS page
