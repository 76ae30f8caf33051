// The edges among the entities of an answer that crosses the sources (lineage_across.cypher's `id`s, the
// start's included): SageMaker's associations, OpenLineage's READ_BY and WROTE, and the join. A join is
// stored both ways; it comes back once: `contains` (the whole to the part), else from the SageMaker side.
// A READ_BY or WROTE comes with its `properties`: the facets of that read or write (`facet.<facet>.<field>`,
// `facet_version.<facet>`: docs/openlineage.md).
// Parameters:
//   $ids  list of elementIds
// In Neo4j Browser:
//   :param ids => ['4:7d1c...:12', '4:7d1c...:40']
MATCH (a)
WHERE elementId(a) IN $ids
MATCH (a)-[r:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED|READ_BY|WROTE|SAME_OBJECT]->(b)
WHERE elementId(b) IN $ids
  AND NOT (r:SAME_OBJECT AND (r.rule = 'within' OR (r.rule <> 'contains' AND a:OpenLineage AND NOT b:OpenLineage)
                              OR (r.rule = 'symlink' AND a.uri > b.uri)))
RETURN elementId(a) AS source_id, elementId(b) AS destination_id, type(r) AS relationship, r.rule AS rule,
       CASE WHEN r:READ_BY OR r:WROTE THEN properties(r) END AS properties
ORDER BY source_id, destination_id, relationship
