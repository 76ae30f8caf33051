// The explorer's search by words inside names and URIs (churn train finds churn-exec-3-train-...): the
// full-text index search_words (cypher/schema.cypher), best scored first. The query is Lucene's syntax,
// built from the user's words by lineage_graph.query.search.words_query (so no operator of theirs reaches it).
// Parameters:
//   $words  a Lucene query: each word required, the last one also as a prefix
//   $limit  the most results wanted
// In Neo4j Browser:
//   :param words => '+churn +train*'
//   :param limit => 20
// The index is eventually consistent (a write's commit queues its update): first wait for what is queued, so
// the search finds everything committed before it.
CALL db.index.fulltext.awaitEventuallyConsistentIndexRefresh()
CALL db.index.fulltext.queryNodes('search_words', $words, {limit: $limit}) YIELD node AS n, score
RETURN n {.arn, .name, .type, .uri, .run_id, .job_name, .source_uri} AS node,
       labels(n) AS labels,
       'text' AS match
ORDER BY score DESC
