// How one entity reached another: paths from the entity $from_id to the entity $to_id (elementIds, as
// find_node.cypher finds them), edges in their direction, across both sources: SageMaker's associations,
// OpenLineage's READ_BY and WROTE, and the join (SAME_OBJECT, stored both ways; `rule` says why).
// A path never goes up an S3 prefix and back down into a sibling (lineage_graph.query.reach's module doc):
// no `contains` join after a `within` one with only joins between (the reduce: 1 once up, -1 once down
// after that, 0 after data flow); the shortest paths are those that keep to it.
// Without $all: one shortest path, of any length. With $all: simple paths (no entity twice) of at most $max_length
// hops, shortest first, at most 100 of them and never longer than 30 hops (Cypher takes no parameter in
// a path quantifier, so those caps are literals). Each row is a path: its hops, in order, each end with its
// `uri` (the ARN, or OpenLineage's readable id: s3://bucket/key, a job's namespace/name, a run's id).
// Parameters:
//   $from_id     elementId of the upstream entity
//   $to_id       elementId of the downstream entity
//   $all         false for one shortest path, true for all simple paths up to $max_length
//   $max_length  largest number of hops with $all (at most 30)
// In Neo4j Browser:
//   :param from_id => '4:7d1c...:12'
//   :param to_id => '4:7d1c...:40'
//   :param all => false
//   :param max_length => 10
MATCH (a) WHERE elementId(a) = $from_id
MATCH (b) WHERE elementId(b) = $to_id
CALL (a, b) {
  MATCH p = ANY SHORTEST ((a)-[hops:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED|READ_BY|WROTE|SAME_OBJECT]->+(b)
                          WHERE NOT $all AND reduce(state = 0, r IN hops | CASE
                                   WHEN state = -1 THEN -1
                                   WHEN NOT r:SAME_OBJECT THEN 0
                                   WHEN r.rule = 'within' THEN 1
                                   WHEN r.rule = 'contains' AND state = 1 THEN -1
                                   WHEN r.rule = 'contains' THEN 0
                                   ELSE state
                                 END) >= 0)
  RETURN p
  UNION
  MATCH p = SHORTEST 100 ((a)-[hops:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED|READ_BY|WROTE|SAME_OBJECT]->{1,30}(b)
                          WHERE $all AND reduce(state = 0, r IN hops | CASE
                                   WHEN state = -1 THEN -1
                                   WHEN NOT r:SAME_OBJECT THEN 0
                                   WHEN r.rule = 'within' THEN 1
                                   WHEN r.rule = 'contains' AND state = 1 THEN -1
                                   WHEN r.rule = 'contains' THEN 0
                                   ELSE state
                                 END) >= 0)
  RETURN p
}
WITH p
WHERE (NOT $all OR length(p) <= $max_length)
  AND all(i IN range(0, length(p) - 1) WHERE NOT nodes(p)[i] IN nodes(p)[i + 1..])
RETURN length(p) AS length,
       [r IN relationships(p) | {
          source: coalesce(startNode(r).arn, startNode(r).uri, startNode(r).run_id), source_arn: startNode(r).arn,
          source_name: CASE WHEN startNode(r):OpenLineageRun THEN startNode(r).job_name ELSE startNode(r).name END,
          source_type: CASE WHEN startNode(r):OpenLineageDataset THEN 'Dataset' WHEN startNode(r):OpenLineageRun THEN 'Run'
                            WHEN startNode(r):OpenLineageJob THEN 'Job' ELSE startNode(r).type END,
          relationship: type(r), rule: r.rule,
          destination: coalesce(endNode(r).arn, endNode(r).uri, endNode(r).run_id), destination_arn: endNode(r).arn,
          destination_name: CASE WHEN endNode(r):OpenLineageRun THEN endNode(r).job_name ELSE endNode(r).name END,
          destination_type: CASE WHEN endNode(r):OpenLineageDataset THEN 'Dataset' WHEN endNode(r):OpenLineageRun THEN 'Run'
                                 WHEN endNode(r):OpenLineageJob THEN 'Job' ELSE endNode(r).type END}] AS hops
ORDER BY length, [h IN hops | h.destination]
