// lineage-graph schema: constraints and indexes. Applied idempotently by every sync
// (`lineage-graph sync` runs each statement; IF NOT EXISTS makes reruns no-ops).
// Runnable as is in Neo4j Browser.

// Generated from the kinds' declarations by `python -m lineage_graph.kinds`: keys and indexes.
// The identity of a SageMaker node, whatever its kind: arn.
CREATE CONSTRAINT lineage_entity_arn IF NOT EXISTS FOR (n:LineageEntity) REQUIRE n.arn IS UNIQUE;
// The identity of a job: (namespace, name).
CREATE CONSTRAINT open_lineage_job_namespace_name IF NOT EXISTS FOR (n:OpenLineageJob) REQUIRE (n.namespace, n.name) IS UNIQUE;
// The identity of a run: run_id.
CREATE CONSTRAINT open_lineage_run_run_id IF NOT EXISTS FOR (n:OpenLineageRun) REQUIRE n.run_id IS UNIQUE;
// The identity of a dataset: (namespace, name).
CREATE CONSTRAINT open_lineage_dataset_namespace_name IF NOT EXISTS FOR (n:OpenLineageDataset) REQUIRE (n.namespace, n.name) IS UNIQUE;
// Lookups start from a trial component's name or ARN.
CREATE INDEX trial_component_arn IF NOT EXISTS FOR (n:TrialComponent) ON (n.arn);
CREATE INDEX trial_component_name IF NOT EXISTS FOR (n:TrialComponent) ON (n.name);
// Pipeline steps name the job they ran; the job's trial component carries it as source_arn.
CREATE INDEX trial_component_source_arn IF NOT EXISTS FOR (n:TrialComponent) ON (n.source_arn);
// `openlineage export` pages through trial components in the order they last changed.
CREATE INDEX trial_component_modified_at IF NOT EXISTS FOR (n:TrialComponent) ON (n.modified_at);
// Datasets and model packages are found by URI (RegisterModel steps name the package ARN).
CREATE INDEX artifact_source_uri IF NOT EXISTS FOR (n:Artifact) ON (n.source_uri);
// The join (graph.join): an artifact's S3 location as OpenLineage names it, sought exactly and by prefix (a dataset finds the artifacts under it).
CREATE INDEX artifact_location_namespace_location_name IF NOT EXISTS FOR (n:Artifact) ON (n.location_namespace, n.location_name);
// Endpoints and model groups are found by URI.
CREATE INDEX context_source_uri IF NOT EXISTS FOR (n:Context) ON (n.source_uri);
// An approval action's source URI is its model package's ARN.
CREATE INDEX action_source_uri IF NOT EXISTS FOR (n:Action) ON (n.source_uri);
// `openlineage export` pages through pipeline executions in the order they started.
CREATE INDEX pipeline_execution_start_time_arn IF NOT EXISTS FOR (n:PipelineExecution) ON (n.start_time, n.arn);
// The join (graph.join): a trial component finds the OpenLineage job that names its job's ARN.
CREATE INDEX open_lineage_job_sagemaker_job_arn IF NOT EXISTS FOR (n:OpenLineageJob) ON (n.sagemaker_job_arn);
// The explorer names a job by its uri (namespace/name), and finds it by name.
CREATE INDEX open_lineage_job_uri IF NOT EXISTS FOR (n:OpenLineageJob) ON (n.uri);
CREATE INDEX open_lineage_job_name IF NOT EXISTS FOR (n:OpenLineageJob) ON (n.name);
// Lookups name an OpenLineage dataset by its URI (s3://bucket/key).
CREATE INDEX open_lineage_dataset_uri IF NOT EXISTS FOR (n:OpenLineageDataset) ON (n.uri);
// The explorer's search finds a dataset by its name, exactly and by prefix.
CREATE INDEX open_lineage_dataset_name IF NOT EXISTS FOR (n:OpenLineageDataset) ON (n.name);
// Lookups by name or type span every kind.
CREATE INDEX lineage_entity_name IF NOT EXISTS FOR (n:LineageEntity) ON (n.name);
CREATE INDEX lineage_entity_type IF NOT EXISTS FOR (n:LineageEntity) ON (n.type);
// Syncs and clean-ups are scoped to one account.
CREATE INDEX lineage_entity_account IF NOT EXISTS FOR (n:LineageEntity) ON (n.account);
// The explorer's search finds words inside names and URIs (search_words.cypher).
CREATE FULLTEXT INDEX search_words IF NOT EXISTS FOR (n:TrialComponent|Artifact|Context|Action|Experiment|Trial|Pipeline|PipelineExecution|OpenLineageJob|OpenLineageDataset) ON EACH [n.name, n.source_uri, n.pipeline_name, n.uri] OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-no-stop-words', `fulltext.eventually_consistent`: true}};
// End of the generated keys and indexes.

// Sync bookkeeping (no arn, no LineageEntity label): one watermark per (shard, entity kind), where a
// shard is "<account>:<region>". A watermark moves only after the data behind it is committed.
CREATE CONSTRAINT sync_state_key IF NOT EXISTS FOR (s:SyncState) REQUIRE (s.shard, s.kind) IS UNIQUE;

// A full run's cleanup finds the relationships its shard's listings wrote by their `shard` property.
CREATE INDEX contributed_to_shard IF NOT EXISTS FOR ()-[r:CONTRIBUTED_TO]-() ON (r.shard);
CREATE INDEX associated_with_shard IF NOT EXISTS FOR ()-[r:ASSOCIATED_WITH]-() ON (r.shard);
CREATE INDEX derived_from_shard IF NOT EXISTS FOR ()-[r:DERIVED_FROM]-() ON (r.shard);
CREATE INDEX produced_shard IF NOT EXISTS FOR ()-[r:PRODUCED]-() ON (r.shard);
CREATE INDEX same_as_shard IF NOT EXISTS FOR ()-[r:SAME_AS]-() ON (r.shard);
CREATE INDEX associated_shard IF NOT EXISTS FOR ()-[r:ASSOCIATED]-() ON (r.shard);
CREATE INDEX in_trial_shard IF NOT EXISTS FOR ()-[r:IN_TRIAL]-() ON (r.shard);
CREATE INDEX in_experiment_shard IF NOT EXISTS FOR ()-[r:IN_EXPERIMENT]-() ON (r.shard);
CREATE INDEX has_execution_shard IF NOT EXISTS FOR ()-[r:HAS_EXECUTION]-() ON (r.shard);
CREATE INDEX executed_shard IF NOT EXISTS FOR ()-[r:EXECUTED]-() ON (r.shard);

// `openlineage export` sends a trial component again when an association with an artifact was created after
// its last export (SageMaker's CreationTime of the association): it seeks them by that time, type by type.
CREATE INDEX contributed_to_created_at IF NOT EXISTS FOR ()-[r:CONTRIBUTED_TO]-() ON (r.created_at);
CREATE INDEX associated_with_created_at IF NOT EXISTS FOR ()-[r:ASSOCIATED_WITH]-() ON (r.created_at);
CREATE INDEX derived_from_created_at IF NOT EXISTS FOR ()-[r:DERIVED_FROM]-() ON (r.created_at);
CREATE INDEX produced_created_at IF NOT EXISTS FOR ()-[r:PRODUCED]-() ON (r.created_at);
CREATE INDEX same_as_created_at IF NOT EXISTS FOR ()-[r:SAME_AS]-() ON (r.created_at);
CREATE INDEX associated_created_at IF NOT EXISTS FOR ()-[r:ASSOCIATED]-() ON (r.created_at);
