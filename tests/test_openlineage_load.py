"""OpenLineage events become the graph of docs/openlineage.md, whatever their order and however often sent."""

from __future__ import annotations

import json
import random
from typing import Any, cast

import pytest
from fixtures import plans
from fixtures.openlineage_events import (
    DAG_RUN,
    EXPECTED_EDGES,
    EXPECTED_NODES,
    GLUE,
    PRODUCER,
    SPARK_RUN,
    as_dicts,
    edge_triples,
    node_keys,
    openlineage_snapshot,
    scenario,
)
from neo4j import Driver
from openlineage.client.event_v2 import InputDataset, Job, OutputDataset, Run, RunEvent, RunState
from openlineage.client.generated.input_statistics_input_dataset import InputStatisticsInputDatasetFacet
from openlineage.client.generated.output_statistics_output_dataset import OutputStatisticsOutputDatasetFacet
from openlineage.client.serde import Serde

from lineage_graph.graph.naming import Location
from lineage_graph.openlineage import kinds, load
from lineage_graph.openlineage.intake import validate
from lineage_graph.openlineage.load import OpenLineageWriter, WriteCounts
from lineage_graph.openlineage.transform import Rows
from lineage_graph.query.explore import GraphQueries
from lineage_graph.settings import Neo4jSettings


def _rows(events: list[dict[str, Any]]) -> Rows:
    rows = Rows()
    for event in events:
        rows.add(validate(event))
    return rows


def _write(writer: OpenLineageWriter, events: list[dict[str, Any]]) -> WriteCounts:
    return writer.write(_rows(events))


@pytest.fixture
def writer(clean_neo4j: Driver, neo4j_settings: Neo4jSettings) -> OpenLineageWriter:
    writer = OpenLineageWriter(clean_neo4j, neo4j_settings.database)
    writer.apply_schema()
    return writer


def test_the_scenario_writes_the_documented_nodes_and_relationships(writer: OpenLineageWriter) -> None:
    counts = _write(writer, as_dicts(scenario()))
    snapshot = openlineage_snapshot(writer.driver)
    assert node_keys(snapshot) == EXPECTED_NODES
    assert edge_triples(snapshot) == EXPECTED_EDGES
    assert (counts.events, counts.nodes_created, counts.relationships_created) == (5, 8, 7)

    props = {key: dict(p) for key, _, p in snapshot[0]}
    run = props[("OpenLineageRun", (SPARK_RUN,))]
    assert run["state"] == "COMPLETE"
    assert (run["started_at"].iso_format(), run["ended_at"].iso_format(), run["event_time"].iso_format()) == (
        "2026-12-07T08:00:01.000000000+00:00",
        "2026-12-07T08:05:00.000000000+00:00",
        "2026-12-07T08:05:00.000000000+00:00",
    )
    assert (run["job_namespace"], run["job_name"]) == ("spark", "clean_events")
    assert run["facet.parent.run.runId"] == DAG_RUN
    assert run["facet.nominalTime.nominalStartTime"] == "2026-12-07T08:00:00Z"
    assert not any(k.endswith(("_producer", "_schemaURL")) for k in run)
    # The parent run exists from the facet alone: its job, no state or times.
    parent = props[("OpenLineageRun", (DAG_RUN,))]
    assert parent == {"run_id": DAG_RUN, "job_namespace": "airflow", "job_name": "etl_dag"}

    raw = props[("OpenLineageDataset", ("s3://landing", "raw/events"))]
    assert _rows(as_dicts(scenario())).datasets[("s3://landing", "raw/events")].symlinks == {
        Location(GLUE, "table/raw/events")
    }  # for the join
    assert raw["uri"] == "s3://landing/raw/events"
    assert raw["facet.symlinks.identifiers.namespace"] == [GLUE]
    assert raw["facet.symlinks.identifiers.name"] == ["table/raw/events"]
    clean = props[("OpenLineageDataset", ("s3://landing", "events"))]
    assert clean["facet.schema.fields.name"] == ["user_id", "amount"]
    assert "facet.schema.fields.description" not in clean  # one field has none: the columns would not align
    assert clean["facet.documentation.description"] == "clean events"  # from the dataset event
    job = props[("OpenLineageJob", ("spark", "clean_events"))]
    assert job["uri"] == "spark/clean_events"
    assert job["facet.jobType.integration"] == "SPARK"
    assert (job["first_event_at"].iso_format(), job["last_event_at"].iso_format()) == (
        "2026-12-07T08:00:01.000000000+00:00",
        "2026-12-07T08:05:00.000000000+00:00",
    )


def test_any_order_and_any_replay_give_the_same_graph(writer: OpenLineageWriter) -> None:
    events = as_dicts(scenario())
    _write(writer, events)
    expected = openlineage_snapshot(writer.driver)
    replay = _write(writer, events)  # everything again: nothing changes
    assert (replay.nodes_created, replay.relationships_created) == (0, 0)
    assert openlineage_snapshot(writer.driver) == expected

    orders = [list(reversed(events))] + [random.Random(seed).sample(events, len(events)) for seed in range(6)]
    for order in orders:
        writer.driver.execute_query("MATCH (n:OpenLineage) DETACH DELETE n")
        for event in order + order[:2]:  # one transaction each, the first two retried at the end
            _write(writer, [event])
        assert openlineage_snapshot(writer.driver) == expected, order


def _documented(description: str, at: str, *, deleted: bool = False) -> dict[str, Any]:
    facet: dict[str, Any] = {"_producer": PRODUCER, "_schemaURL": "https://example.com/doc.json"}
    facet.update({"_deleted": True} if deleted else {"description": description, f"only_{description}": 1})
    return {
        "eventTime": at,
        "producer": PRODUCER,
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
        "dataset": {"namespace": "s3://b", "name": "d", "facets": {"documentation": facet}},
    }


def test_the_newest_facet_replaces_the_whole_facet_and_an_older_one_never_does(writer: OpenLineageWriter) -> None:
    def documentation() -> dict[str, Any]:
        (record,) = writer.driver.execute_query(
            "MATCH (d:OpenLineageDataset {namespace: 's3://b', name: 'd'}) RETURN properties(d) AS p"
        ).records
        return {k: v for k, v in record["p"].items() if k.startswith("facet.")}

    _write(writer, [_documented("new", "2026-12-07T10:00:00Z")])
    _write(writer, [_documented("old", "2026-12-07T09:00:00Z")])
    assert documentation() == {"facet.documentation.description": "new", "facet.documentation.only_new": 1}
    _write(writer, [_documented("newer", "2026-12-07T11:00:00Z")])
    assert documentation() == {"facet.documentation.description": "newer", "facet.documentation.only_newer": 1}
    _write(writer, [_documented("", "2026-12-07T12:00:00Z", deleted=True)])
    _write(writer, [_documented("new", "2026-12-07T10:00:00Z")])
    assert documentation() == {}


def test_each_kind_has_a_uniqueness_constraint_on_its_declared_key(writer: OpenLineageWriter) -> None:
    records = writer.driver.execute_query(
        "SHOW CONSTRAINTS YIELD type, labelsOrTypes, properties WHERE type = 'UNIQUENESS' "
        "RETURN labelsOrTypes[0] AS label, properties"
    ).records
    constraints = {r["label"]: tuple(r["properties"]) for r in records}
    for kind in kinds.NODE_KINDS:
        assert constraints[kind.label] == kind.key


SCANS = ("NodeIndexScan", "NodeByLabelScan", "AllNodesScan", "UndirectedRelationshipTypeScan")


def _write_plan(writer: OpenLineageWriter, rows: Rows) -> list[str]:
    """The write's operators, planned afresh for this batch under the graph's present statistics (``replan=skip``
    would otherwise keep the plan an earlier batch made)."""
    query = load.WRITE.replace("CYPHER replan=skip", "CYPHER replan=force", 1)
    return plans.explain(writer.driver, query, load.parameters(rows)).operators


def test_the_write_seeks_every_node_by_its_key_whatever_the_statistics(writer: OpenLineageWriter) -> None:
    """Each node MERGE of the batch seeks its kind's uniqueness constraint, and nothing else is sought or
    scanned, on an empty graph and on one of thousands of datasets sharing names across namespaces with the
    indexes sampled again: a scan (even of the right index, which a plain USING INDEX allows) reads every
    node of the kind once a row."""
    batch = _rows(as_dicts(scenario()))
    empty = _write_plan(writer, batch)
    writer.driver.execute_query(
        "UNWIND range(1, 3000) AS i "
        "MERGE (d:OpenLineage:OpenLineageDataset {namespace: 's3://ns' + (i % 30), name: 'shared/' + (i % 100)}) "
        "MERGE (j:OpenLineage:OpenLineageJob {namespace: 'plans', name: 'job-' + (i % 7)}) "
        "MERGE (r:OpenLineage:OpenLineageRun {run_id: 'run-' + i}) MERGE (d)-[:READ_BY]->(r)-[:RUN_OF]->(j)"
    )
    writer.driver.execute_query("CALL db.resampleOutdatedIndexes()")
    grown = _write_plan(writer, batch)
    for operators in (empty, grown):
        assert not [op for op in operators if op.startswith(SCANS)], operators
        # The 3 MERGEs of nodes seek their keys; a relationship's ends are those nodes, never sought again.
        assert sum(op.startswith("NodeUniqueIndexSeek") for op in operators) == 3, operators


def _read_and_wrote(at: str, rows_read: int, rows_written: int, size: int) -> dict[str, Any]:
    """A run event whose input and output carry the statistics of that read and that write."""
    event = RunEvent(
        eventType=RunState.COMPLETE if rows_read > 1 else RunState.RUNNING,
        eventTime=at,
        run=Run(runId=SPARK_RUN),
        job=Job(namespace="spark", name="clean_events"),
        producer=PRODUCER,
        inputs=[
            InputDataset(
                namespace="s3://landing",
                name="raw/events",
                inputFacets={"inputStatistics": InputStatisticsInputDatasetFacet(rowCount=rows_read)},
            )
        ],
        outputs=[
            OutputDataset(
                namespace="s3://landing",
                name="events",
                outputFacets={"outputStatistics": OutputStatisticsOutputDatasetFacet(rowCount=rows_written, size=size)},
            )
        ],
    )
    return cast(dict[str, Any], json.loads(Serde.to_json(event)))


def test_a_reads_and_a_writes_facets_are_kept_on_its_relationship_newest_version_each(
    writer: OpenLineageWriter,
) -> None:
    def statistics() -> dict[str, dict[str, Any]]:
        records = writer.driver.execute_query(
            "MATCH ()-[r:READ_BY|WROTE]->() RETURN type(r) AS type, properties(r) AS p"
        ).records
        return {r["type"]: r["p"] for r in records}

    newest = _read_and_wrote("2026-12-07T08:05:00Z", 1000, 990, 52_000)
    _write(writer, [newest])
    _write(writer, [_read_and_wrote("2026-12-07T08:01:00Z", 1, 0, 0)])  # an older one, arriving later
    read, wrote = statistics()["READ_BY"], statistics()["WROTE"]
    assert read["facet.inputStatistics.rowCount"] == 1000
    assert (wrote["facet.outputStatistics.rowCount"], wrote["facet.outputStatistics.size"]) == (990, 52_000)
    assert wrote["facet_version.outputStatistics"].startswith("2026-12-07T08:05:00")
    assert not any(k.endswith(("_producer", "_schemaURL")) for k in {**read, **wrote})

    # lineage's edges give each read and write its facets, grouped by facet.
    edges = GraphQueries(writer.driver, writer.database).lineage_across(SPARK_RUN, include_edges=True).edges or []
    by_type = {e.relationship: e.facets for e in edges}
    assert by_type["READ_BY"] == {"inputStatistics": {"rowCount": 1000}}
    assert by_type["WROTE"] == {"outputStatistics": {"rowCount": 990, "size": 52_000}}
