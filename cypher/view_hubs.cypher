// The explorer's lineage view: what each hub hides (a node view_step.cypher did not expand one way, for
// having more neighbours that way than a view draws): its neighbours that way outside the view, counted
// by kind (the node kind's label), the first $sample of them only: a kind is read from each neighbour's
// node, and an image's 30,000 jobs cost 100 ms or more to read, where their count (a degree) is free.
// Ways as in view_step.cypher.
// Parameters:
//   $hubs    list of {id, direction}: a hub's parent by elementId, and the way it is a hub
//   $ids     elementIds of the view's nodes (drawn, so not behind the hub)
//   $sample  the most neighbours counted by kind
// In Neo4j Browser:
//   :param hubs => [{id: '4:0d2c5a8e-0000-0000-0000-000000000000:0', direction: 'downstream'}]
//   :param ids => []
//   :param sample => 1000
UNWIND $hubs AS h
MATCH (n)
WHERE elementId(n) = h.id
CALL (n, h) {
  CALL (n, h) {
    WITH n WHERE h.direction = 'downstream'
    MATCH (n)-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED|READ_BY|WROTE|SAME_OBJECT]->(m)
    RETURN m
    UNION
    WITH n WHERE h.direction = 'downstream'
    MATCH (n)<-[:RUN_OF|CHILD_OF]-(m)
    RETURN m
    UNION
    WITH n WHERE h.direction = 'upstream'
    MATCH (n)<-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED|READ_BY|WROTE]-(m)
    RETURN m
    UNION
    WITH n WHERE h.direction = 'upstream'
    MATCH (n)-[:SAME_OBJECT|RUN_OF|CHILD_OF]->(m)
    RETURN m
  }
  WITH m
  WHERE NOT elementId(m) IN $ids
  LIMIT $sample
  WITH CASE
         WHEN m:OpenLineageDataset THEN 'OpenLineageDataset'
         WHEN m:OpenLineageRun THEN 'OpenLineageRun'
         WHEN m:OpenLineageJob THEN 'OpenLineageJob'
         ELSE m.lineage_type
       END AS kind, count(*) AS count
  RETURN collect({kind: kind, count: count}) AS kinds
}
RETURN h.id AS id, h.direction AS direction, kinds
