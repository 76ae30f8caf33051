// How one entity reached another: association paths from $from_arn to $to_arn, edges in their direction.
// Without $all: one shortest path, of any length. With $all: simple paths (no entity twice) of at most $max_length
// hops, shortest first, at most 100 of them and never longer than 30 hops (Cypher takes no parameter in
// a path quantifier, so those caps are literals). Each row is a path: its hops, in order.
// Parameters:
//   $from_arn    ARN of the upstream entity
//   $to_arn      ARN of the downstream entity
//   $all         false for one shortest path, true for all simple paths up to $max_length
//   $max_length  largest number of hops with $all (at most 30)
// In Neo4j Browser:
//   :param from_arn => 'arn:aws:sagemaker:us-east-1:123456789012:artifact/...'
//   :param to_arn => 'arn:aws:sagemaker:us-east-1:123456789012:context/churn-prod-aws-endpoint'
//   :param all => false
//   :param max_length => 10
MATCH (a:LineageEntity {arn: $from_arn}), (b:LineageEntity {arn: $to_arn})
CALL (a, b) {
  MATCH p = ANY SHORTEST (a)-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED]->+(b)
  WHERE NOT $all
  RETURN p
  UNION
  MATCH p = SHORTEST 100 (a)-[:CONTRIBUTED_TO|ASSOCIATED_WITH|DERIVED_FROM|PRODUCED|SAME_AS|ASSOCIATED]->{1,30}(b)
  WHERE $all
  RETURN p
}
WITH p
WHERE (NOT $all OR length(p) <= $max_length)
  AND all(i IN range(0, length(p) - 1) WHERE NOT nodes(p)[i] IN nodes(p)[i + 1..])
RETURN length(p) AS length,
       [r IN relationships(p) | {source_arn: startNode(r).arn, source_name: startNode(r).name,
        source_type: startNode(r).type, relationship: type(r), destination_arn: endNode(r).arn,
        destination_name: endNode(r).name, destination_type: endNode(r).type}] AS hops
ORDER BY length, [h IN hops | h.destination_arn]
