// The explorer's lineage view, once its nodes are chosen: every relationship among them (what the walk took
// and any other: a shortcut between two nodes it reached by different ways), and each node's neighbour
// count each way (view_step.cypher's ways), so that the caller can say how many it does not draw.
// Relationships come as stored (SAME_OBJECT once each way), each found from whichever end has at most
// $scan_limit relationships that way: a hub's ten thousand are never walked for the few drawn. One row,
// `rows`, a map per node (a client pays per row).
// Parameters:
//   $ids         elementIds of the view's nodes
//   $scan_limit  the most relationships one way a node has looked through
// In Neo4j Browser:
//   :param ids => ['4:0d2c5a8e-0000-0000-0000-000000000000:0', '4:0d2c5a8e-0000-0000-0000-000000000000:1']
//   :param scan_limit => 500
UNWIND $ids AS id
MATCH (n)
WHERE elementId(n) = id
WITH n, id,
     COUNT { (n)-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED|READ_BY|WROTE]->() } AS flow_out,
     COUNT { (n)<-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED|READ_BY|WROTE]-() } AS flow_in,
     COUNT { (n)-[:SAME_OBJECT]->() } AS same,
     COUNT { (n)-[:RUN_OF|CHILD_OF]->() } AS parents,
     COUNT { (n)<-[:RUN_OF|CHILD_OF]-() } AS children
RETURN collect({
  id: id, upstream: flow_in + same + parents, downstream: flow_out + same + children,
  outgoing: CASE WHEN flow_out + same + parents <= $scan_limit
    THEN [(n)-[r:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED|READ_BY|WROTE|SAME_OBJECT|RUN_OF|CHILD_OF]->(m)
          WHERE elementId(m) IN $ids | {id: elementId(r), type: type(r), rule: r.rule, source: id, target: elementId(m)}]
    ELSE [] END,
  incoming: CASE WHEN flow_in + same + children <= $scan_limit
    THEN [(n)<-[r:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED|READ_BY|WROTE|SAME_OBJECT|RUN_OF|CHILD_OF]-(m)
          WHERE elementId(m) IN $ids | {id: elementId(r), type: type(r), rule: r.rule, source: elementId(m), target: id}]
    ELSE [] END
}) AS rows
