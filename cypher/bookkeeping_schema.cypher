// lineage-graph bookkeeping schema: sync leases and sync-run records, kept apart from lineage (no arn,
// no LineageEntity label). Applied idempotently (IF NOT EXISTS) before leases or run records are written.
// Runnable as is in Neo4j Browser. A shard is "<account>:<region>".

// One lease per shard: MERGE on this constraint gives exactly one lease node even when syncs race.
CREATE CONSTRAINT sync_lease_shard IF NOT EXISTS FOR (l:SyncLease) REQUIRE l.shard IS UNIQUE;

// One node per sync run, found by id, and per shard newest first (status, pruning to the last N).
CREATE CONSTRAINT sync_run_id IF NOT EXISTS FOR (r:SyncRun) REQUIRE r.id IS UNIQUE;
CREATE INDEX sync_run_shard_started IF NOT EXISTS FOR (r:SyncRun) ON (r.shard, r.started_at);

// At most one pending cleanup per shard (a full run that did not clean up MERGEs it; one that did deletes it).
CREATE CONSTRAINT pending_cleanup_shard IF NOT EXISTS FOR (p:PendingCleanup) REQUIRE p.shard IS UNIQUE;

// One watermark per OpenLineage export target (a receiver's URL, a DataZone domain, a file): MERGE on it.
CREATE CONSTRAINT openlineage_export_target IF NOT EXISTS FOR (e:OpenLineageExport) REQUIRE e.target IS UNIQUE;
