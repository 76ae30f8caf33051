// The explorer's search, as you type: entities whose ARN, name, source URI, OpenLineage uri or run id is the
// text exactly (rank 0) or starts with it (rank 1), each branch an index seek (cypher/schema.cypher): a
// branch reads at most $limit entries (in the index's own order for a prefix), so a one-letter prefix, or
// a name thousands of entities share, costs what a unique name does. search_words.cypher finds words
// inside names and URIs when these leave room.
// Parameters:
//   $query  the text as typed (case matters: ARNs and URIs are case-sensitive)
//   $limit  the most results wanted
// In Neo4j Browser:
//   :param query => 's3://acme-ml-raw/'
//   :param limit => 20
CALL () {
  MATCH (n:LineageEntity {arn: $query}) RETURN n, n.arn AS matched, 0 AS rank LIMIT $limit
  UNION
  MATCH (n:LineageEntity {name: $query}) RETURN n, n.name AS matched, 0 AS rank LIMIT $limit
  UNION
  MATCH (n:TrialComponent {source_arn: $query}) RETURN n, n.source_arn AS matched, 0 AS rank LIMIT $limit
  UNION
  MATCH (n:Artifact {source_uri: $query}) RETURN n, n.source_uri AS matched, 0 AS rank LIMIT $limit
  UNION
  MATCH (n:Context {source_uri: $query}) RETURN n, n.source_uri AS matched, 0 AS rank LIMIT $limit
  UNION
  MATCH (n:Action {source_uri: $query}) RETURN n, n.source_uri AS matched, 0 AS rank LIMIT $limit
  UNION
  MATCH (n:OpenLineageDataset {uri: $query}) RETURN n, n.uri AS matched, 0 AS rank LIMIT $limit
  UNION
  MATCH (n:OpenLineageDataset {name: $query}) RETURN n, n.name AS matched, 0 AS rank LIMIT $limit
  UNION
  MATCH (n:OpenLineageJob {uri: $query}) RETURN n, n.uri AS matched, 0 AS rank LIMIT $limit
  UNION
  MATCH (n:OpenLineageJob {name: $query}) RETURN n, n.name AS matched, 0 AS rank LIMIT $limit
  UNION
  MATCH (n:OpenLineageRun {run_id: $query}) RETURN n, n.run_id AS matched, 0 AS rank LIMIT $limit
  UNION
  MATCH (n:LineageEntity) WHERE n.arn STARTS WITH $query
  RETURN n, n.arn AS matched, 1 AS rank ORDER BY n.arn LIMIT $limit
  UNION
  MATCH (n:LineageEntity) WHERE n.name STARTS WITH $query
  RETURN n, n.name AS matched, 1 AS rank ORDER BY n.name LIMIT $limit
  UNION
  MATCH (n:TrialComponent) WHERE n.source_arn STARTS WITH $query
  RETURN n, n.source_arn AS matched, 1 AS rank ORDER BY n.source_arn LIMIT $limit
  UNION
  MATCH (n:Artifact) WHERE n.source_uri STARTS WITH $query
  RETURN n, n.source_uri AS matched, 1 AS rank ORDER BY n.source_uri LIMIT $limit
  UNION
  MATCH (n:Context) WHERE n.source_uri STARTS WITH $query
  RETURN n, n.source_uri AS matched, 1 AS rank ORDER BY n.source_uri LIMIT $limit
  UNION
  MATCH (n:Action) WHERE n.source_uri STARTS WITH $query
  RETURN n, n.source_uri AS matched, 1 AS rank ORDER BY n.source_uri LIMIT $limit
  UNION
  MATCH (n:OpenLineageDataset) WHERE n.uri STARTS WITH $query
  RETURN n, n.uri AS matched, 1 AS rank ORDER BY n.uri LIMIT $limit
  UNION
  MATCH (n:OpenLineageDataset) WHERE n.name STARTS WITH $query
  RETURN n, n.name AS matched, 1 AS rank ORDER BY n.name LIMIT $limit
  UNION
  MATCH (n:OpenLineageJob) WHERE n.uri STARTS WITH $query
  RETURN n, n.uri AS matched, 1 AS rank ORDER BY n.uri LIMIT $limit
  UNION
  MATCH (n:OpenLineageJob) WHERE n.name STARTS WITH $query
  RETURN n, n.name AS matched, 1 AS rank ORDER BY n.name LIMIT $limit
  UNION
  MATCH (n:OpenLineageRun) WHERE n.run_id STARTS WITH $query
  RETURN n, n.run_id AS matched, 1 AS rank ORDER BY n.run_id LIMIT $limit
}
// An entity found several ways is listed once, by its best match: exact first, then the shortest value
// that starts with the text (the nearest completion), then in the value's order.
WITH n, rank, matched ORDER BY rank, size(matched), matched
WITH n, head(collect({rank: rank, matched: matched})) AS best
ORDER BY best.rank, size(best.matched), best.matched, elementId(n)
LIMIT $limit
RETURN n {.arn, .name, .type, .uri, .run_id, .job_name, .source_uri} AS node,
       labels(n) AS labels,
       CASE best.rank WHEN 0 THEN 'exact' ELSE 'prefix' END AS match
