"""Group commit: requests queued together share one transaction, hear back only once it committed, and a
full queue or one failing request does not take the others down."""

from __future__ import annotations

import copy
import uuid
from typing import Any

import pytest
from fixtures.openlineage_events import as_dicts, scenario
from neo4j import Driver

from lineage_graph.openlineage.commit import BusyError, GroupCommit
from lineage_graph.openlineage.intake import Event, validate
from lineage_graph.openlineage.load import OpenLineageWriter, WriteCounts
from lineage_graph.openlineage.transform import Rows
from lineage_graph.settings import Neo4jSettings


def _run_event(run_id: str) -> Event:
    event: dict[str, Any] = copy.deepcopy(as_dicts(scenario())[0])
    event["run"]["runId"] = run_id
    del event["run"]["facets"]["parent"]
    return validate(event)


def _runs(driver: Driver) -> set[str]:
    records = driver.execute_query("MATCH (r:OpenLineageRun) RETURN r.run_id AS id", database_="neo4j").records
    return {r["id"] for r in records}


@pytest.fixture
def writer(clean_neo4j: Driver, neo4j_settings: Neo4jSettings) -> OpenLineageWriter:
    return OpenLineageWriter(clean_neo4j, neo4j_settings.database)


def test_requests_waiting_together_share_one_transaction_and_hear_after_it(writer: OpenLineageWriter) -> None:
    committer = GroupCommit(writer)
    ids = [str(uuid.uuid4()) for _ in range(4)]
    futures = [committer.submit([_run_event(i)]) for i in ids[:3]] + [committer.submit([_run_event(ids[3])] * 2)]
    assert not any(f.done() for f in futures)  # nothing is answered before its transaction commits
    committer.start()
    assert [f.result(timeout=60) for f in futures] == [1, 1, 1, 2]
    committer.close()
    assert (committer.stats.transactions, committer.stats.events) == (1, 5)
    assert _runs(writer.driver) == set(ids)


def test_a_full_queue_turns_requests_away_until_it_drains(writer: OpenLineageWriter) -> None:
    committer = GroupCommit(writer, max_pending=3)
    queued = [committer.submit([_run_event(str(uuid.uuid4()))]) for _ in range(3)]
    with pytest.raises(BusyError, match="3 events are already waiting for Neo4j"):
        committer.submit([_run_event(str(uuid.uuid4()))])
    committer.start()
    for future in queued:
        future.result(timeout=60)
    assert committer.submit([_run_event(str(uuid.uuid4()))]).result(timeout=60) == 1
    committer.close()
    assert len(_runs(writer.driver)) == 4


class _RefusesOneRun(OpenLineageWriter):
    """Neo4j's real writer, except that it fails any batch holding one run (as a value Neo4j refused would)."""

    def __init__(self, driver: Driver, database: str, poison: str) -> None:
        super().__init__(driver, database)
        self.poison = poison

    def write(self, rows: Rows) -> WriteCounts:
        if self.poison in rows.runs:
            raise ValueError("refused")
        return super().write(rows)


def test_one_failing_request_does_not_fail_the_others(clean_neo4j: Driver, neo4j_settings: Neo4jSettings) -> None:
    poison, good = str(uuid.uuid4()), [str(uuid.uuid4()) for _ in range(2)]
    committer = GroupCommit(_RefusesOneRun(clean_neo4j, neo4j_settings.database, poison))
    futures = [committer.submit([_run_event(i)]) for i in (good[0], poison, good[1])]
    committer.start()
    assert futures[0].result(timeout=60) == 1 and futures[2].result(timeout=60) == 1
    with pytest.raises(ValueError, match="refused"):
        futures[1].result(timeout=60)
    committer.close()
    assert _runs(clean_neo4j) == set(good)


def test_a_request_given_up_before_its_turn_is_dropped_and_the_writer_goes_on(writer: OpenLineageWriter) -> None:
    committer = GroupCommit(writer)
    dropped, kept = str(uuid.uuid4()), str(uuid.uuid4())
    given_up = committer.submit([_run_event(dropped)])
    waited = committer.submit([_run_event(kept)])
    assert given_up.cancel()
    committer.start()
    assert waited.result(timeout=60) == 1
    assert committer.submit([_run_event(kept)]).result(timeout=60) == 1
    committer.close()
    assert _runs(writer.driver) == {kept}


def test_an_event_the_rows_cannot_take_fails_its_request_alone(writer: OpenLineageWriter) -> None:
    """A batch's rows are built as requests are submitted: an event that breaks them (a bug's stand-in: an Event
    no validation made, without its job) fails its own submit, and the batch it would have joined keeps only the
    other requests' rows."""
    committer = GroupCommit(writer)
    before, after = str(uuid.uuid4()), str(uuid.uuid4())
    first = committer.submit([_run_event(before)])
    broken = Event("run", _run_event(str(uuid.uuid4())).time, {"run": {"runId": str(uuid.uuid4())}})
    with pytest.raises(KeyError):
        committer.submit([_run_event(str(uuid.uuid4())), broken])
    last = committer.submit([_run_event(after)])
    committer.start()
    assert first.result(timeout=60) == 1 and last.result(timeout=60) == 1
    committer.close()
    assert _runs(writer.driver) == {before, after}
    assert committer.stats.transactions == 1 and committer.stats.events == 2
