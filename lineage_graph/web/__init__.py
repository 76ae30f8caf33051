"""``lineage-graph serve``: one HTTP process for the OpenLineage receiver (its only write path) and the
read-only lineage explorer, with the token check and security headers of ``security`` around both."""
