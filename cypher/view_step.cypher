// The explorer's lineage view: one level of its breadth-first walk, over the whole frontier at once. Each
// frontier node is walked one way: its neighbours' count that way first (degrees, not walks), and only a
// node with at most $hub_limit of them has them returned; a busier one is a hub, drawn "+N" (the caller
// asks view_hubs.cypher what it hides). Ways, as the data flows across both sources:
//   downstream  SageMaker associations out, READ_BY out (dataset -> run), WROTE out (run -> dataset), the
//               join (SAME_OBJECT, stored both ways), and the structure below: a job's runs (RUN_OF in),
//               a parent run's children (CHILD_OF in);
//   upstream    the same flow in, the join, a run's job (RUN_OF out) and its parent (CHILD_OF out).
// The walk never goes up an S3 prefix and back down into a sibling (lineage_graph.query.reach's module doc):
// a frontier node the join led to up a prefix (`climbed`, optional) is not walked to the locations under
// it, and each neighbour says the join `rule` that led to it (null: data flow or structure), whence the
// caller knows the next level's `climbed`.
// One row, `rows`, a map per frontier node (a client pays per row: at a few hundred nodes, rows cost more
// than the walk). A neighbour comes as view_start.cypher's map.
// Parameters:
//   $frontier   list of {id, direction, climbed}: elementIds to walk, 'upstream' or 'downstream' each,
//               climbed true when the join led up a prefix to it (absent: false)
//   $hub_limit  the most neighbours one way a node has returned
// In Neo4j Browser:
//   :param frontier => [{id: '4:0d2c5a8e-0000-0000-0000-000000000000:0', direction: 'upstream'}]
//   :param hub_limit => 25
UNWIND $frontier AS f
MATCH (n)
WHERE elementId(n) = f.id
WITH n, f.id AS id, f.direction AS direction, coalesce(f.climbed, false) AS climbed
WITH n, id, direction, climbed,
     CASE direction
       WHEN 'downstream'
         THEN COUNT { (n)-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED|READ_BY|WROTE|SAME_OBJECT]->() }
              + COUNT { (n)<-[:RUN_OF|CHILD_OF]-() }
       ELSE COUNT { (n)<-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED|READ_BY|WROTE]-() }
            + COUNT { (n)-[:SAME_OBJECT|RUN_OF|CHILD_OF]->() }
     END AS degree
CALL (n, direction, degree, climbed) {
  CALL (n, direction, degree, climbed) {
    WITH n WHERE direction = 'downstream' AND degree <= $hub_limit
    MATCH (n)-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED|READ_BY|WROTE]->(m)
    RETURN m, null AS rule
    UNION
    WITH n WHERE direction = 'downstream' AND degree <= $hub_limit
    MATCH (n)<-[:RUN_OF|CHILD_OF]-(m)
    RETURN m, null AS rule
    UNION
    WITH n WHERE direction = 'upstream' AND degree <= $hub_limit
    MATCH (n)<-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED|READ_BY|WROTE]-(m)
    RETURN m, null AS rule
    UNION
    WITH n WHERE direction = 'upstream' AND degree <= $hub_limit
    MATCH (n)-[:RUN_OF|CHILD_OF]->(m)
    RETURN m, null AS rule
    UNION
    // The join, either way; never back down a prefix the walk came up (climbed).
    WITH n, climbed WHERE degree <= $hub_limit
    MATCH (n)-[r:SAME_OBJECT]->(m)
    WHERE NOT (climbed AND r.rule = 'contains')
    RETURN m, r.rule AS rule
  }
  RETURN collect(m {.arn, .lineage_type, .type, .name, .source_uri, .source_arn, .uri, .run_id, .job_name,
                    id: elementId(m), labels: labels(m), rule: rule}) AS neighbours
}
RETURN collect({id: id, direction: direction, degree: degree, neighbours: neighbours}) AS rows
