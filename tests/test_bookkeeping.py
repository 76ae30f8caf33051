"""Sync leases and sync-run records in a real Neo4j; ``lineage-graph status``."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from neo4j import Driver, GraphDatabase

from lineage_graph.cli import cli
from lineage_graph.errors import LeaseHeldError
from lineage_graph.graph.bookkeeping import apply_bookkeeping_schema, leases
from lineage_graph.graph.bookkeeping.leases import LeaseLostError, acquire_lease, all_leases
from lineage_graph.graph.bookkeeping.runs import last_runs, latest_run_per_shard, record_run
from lineage_graph.graph.connection import connect
from lineage_graph.settings import Neo4jSettings

SHARD = "123456789012:us-east-1"


@pytest.fixture
def db(clean_neo4j: Driver, neo4j_settings: Neo4jSettings) -> tuple[Driver, str]:
    apply_bookkeeping_schema(clean_neo4j, neo4j_settings.database)
    return clean_neo4j, neo4j_settings.database


def test_schema_is_idempotent_and_named(db: tuple[Driver, str]) -> None:
    driver, database = db
    apply_bookkeeping_schema(driver, database)
    names = {r["name"] for r in driver.execute_query("SHOW CONSTRAINTS YIELD name", database_=database).records}
    assert {"sync_lease_shard", "sync_run_id"} <= names


def test_acquire_then_held_says_who_and_until_when(db: tuple[Driver, str]) -> None:
    driver, database = db
    lease = acquire_lease(driver, database, SHARD, holder="host-a:1:x", ttl_seconds=60)
    assert lease.expires_at - lease.acquired_at == timedelta(seconds=60)
    with pytest.raises(LeaseHeldError) as caught:
        acquire_lease(driver, database, SHARD, holder="host-b:2:y")
    message = str(caught.value)
    assert "host-a:1:x" in message and lease.acquired_at.isoformat() in message
    assert lease.expires_at.isoformat() in message
    assert caught.value.exit_code == 6
    assert (caught.value.shard, caught.value.holder, caught.value.expires_at) == (SHARD, "host-a:1:x", lease.expires_at)
    # The holder itself may take it again (idempotent), another shard is independent.
    acquire_lease(driver, database, SHARD, holder="host-a:1:x")
    acquire_lease(driver, database, "123456789012:eu-west-1", holder="host-b:2:y")
    nodes = driver.execute_query("MATCH (l:SyncLease) RETURN l", database_=database).records
    assert len(nodes) == 2
    assert not driver.execute_query("MATCH (l:SyncLease) WHERE l.arn IS NOT NULL OR l:LineageEntity RETURN l").records


def test_race_has_exactly_one_winner(db: tuple[Driver, str], neo4j_settings: Neo4jSettings) -> None:
    """Many threads, each with its own driver (its own connections), start together; one wins."""
    _, database = db
    contenders = 12
    barrier = threading.Barrier(contenders)
    winners: list[str] = []
    losers: list[str] = []
    errors: list[BaseException] = []

    def contend(i: int) -> None:
        auth = (neo4j_settings.username, neo4j_settings.password)
        with GraphDatabase.driver(neo4j_settings.uri, auth=auth) as driver:
            driver.verify_connectivity()
            barrier.wait()
            try:
                acquire_lease(driver, database, SHARD, holder=f"contender-{i}", ttl_seconds=60)
                winners.append(f"contender-{i}")
            except LeaseHeldError:
                losers.append(f"contender-{i}")
            except BaseException as err:
                errors.append(err)

    for _round in range(3):
        winners.clear()
        losers.clear()
        db[0].execute_query("MATCH (l:SyncLease) DELETE l", database_=database)
        threads = [threading.Thread(target=contend, args=(i,)) for i in range(contenders)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors
        assert len(winners) == 1 and len(losers) == contenders - 1
        (row,) = all_leases(db[0], database)
        assert row["holder"] == winners[0]


def test_race_on_an_expired_lease_has_exactly_one_winner(db: tuple[Driver, str], neo4j_settings: Neo4jSettings) -> None:
    driver, database = db
    acquire_lease(driver, database, SHARD, holder="dead-holder", ttl_seconds=0.2)
    time.sleep(0.4)
    contenders = 10
    barrier = threading.Barrier(contenders)
    winners: list[int] = []

    def contend(i: int) -> None:
        auth = (neo4j_settings.username, neo4j_settings.password)
        with GraphDatabase.driver(neo4j_settings.uri, auth=auth) as own:
            own.verify_connectivity()
            barrier.wait()
            try:
                acquire_lease(own, database, SHARD, holder=f"c{i}", ttl_seconds=60)
                winners.append(i)
            except LeaseHeldError:
                pass

    threads = [threading.Thread(target=contend, args=(i,)) for i in range(contenders)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(winners) == 1


def test_expiry_lets_a_second_holder_in(db: tuple[Driver, str]) -> None:
    driver, database = db
    first = acquire_lease(driver, database, SHARD, holder="first", ttl_seconds=3)
    with pytest.raises(LeaseHeldError):
        acquire_lease(driver, database, SHARD, holder="second")
    time.sleep(3.5)
    (row,) = all_leases(driver, database)
    assert row["expired"] and row["expires_in_s"] < 0
    second = acquire_lease(driver, database, SHARD, holder="second", ttl_seconds=60)
    assert second.holder == "second"
    # The first holder finds out: renew raises, release does not touch the new holder's lease.
    with pytest.raises(LeaseLostError, match="second"):
        first.renew()
    assert first.release() is False
    assert all_leases(driver, database)[0]["holder"] == "second"


def test_release_only_by_owner_and_context_manager(db: tuple[Driver, str]) -> None:
    driver, database = db
    with acquire_lease(driver, database, SHARD, holder="owner", ttl_seconds=60) as lease:
        impostor = leases.Lease(driver, database, SHARD, "impostor", lease.acquired_at, lease.expires_at)
        assert impostor.release() is False
        assert all_leases(driver, database)[0]["holder"] == "owner"
    assert all_leases(driver, database) == []
    acquire_lease(driver, database, SHARD, holder="next").release()


def test_renew_extends_expiry(db: tuple[Driver, str]) -> None:
    driver, database = db
    lease = acquire_lease(driver, database, SHARD, holder="owner", ttl_seconds=1)
    before = lease.expires_at
    time.sleep(0.2)
    after = lease.renew(ttl_seconds=120)
    assert after > before + timedelta(seconds=100)
    time.sleep(1.0)
    with pytest.raises(LeaseHeldError):  # still held: the renewal outlived the first ttl
        acquire_lease(driver, database, SHARD, holder="other")
    lease.release()
    with pytest.raises(LeaseLostError):
        lease.renew()


def test_heartbeat_keeps_the_lease_and_reports_a_loss(db: tuple[Driver, str]) -> None:
    driver, database = db
    # Times are in seconds, not tenths: under a load of 8 and more a beat came later than a 0.6 s ttl.
    with acquire_lease(driver, database, SHARD, holder="beating", ttl_seconds=2) as lease:
        lease.start_heartbeat(every_seconds=0.25)
        time.sleep(4.5)  # more than twice the ttl: only the heartbeat keeps it
        with pytest.raises(LeaseHeldError, match="beating"):
            acquire_lease(driver, database, SHARD, holder="other")
        lease.check()
        # Someone deletes it (an operator): the next beat notices and check() raises in this thread.
        driver.execute_query("MATCH (l:SyncLease) DELETE l", database_=database)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                lease.check()
            except LeaseLostError:
                break
            time.sleep(0.1)
        with pytest.raises(LeaseLostError):
            lease.check()
    assert lease._heartbeat is None


def test_wait_mode(db: tuple[Driver, str]) -> None:
    driver, database = db
    acquire_lease(driver, database, SHARD, holder="busy", ttl_seconds=3)
    started = time.monotonic()
    lease = acquire_lease(driver, database, SHARD, holder="patient", wait=True, wait_timeout=20, poll_seconds=0.1)
    assert lease.holder == "patient" and 1.5 < time.monotonic() - started < 15
    started = time.monotonic()
    with pytest.raises(LeaseHeldError, match="gave up after waiting"):
        acquire_lease(driver, database, SHARD, holder="late", wait=True, wait_timeout=0.5, poll_seconds=0.1)
    assert time.monotonic() - started < 3
    # A holder that is released early lets a waiter in before expiry.
    threading.Timer(0.3, lease.release).start()
    assert acquire_lease(driver, database, SHARD, holder="waiter", wait=True, wait_timeout=5, poll_seconds=0.1)


def _report(created: int) -> dict[str, object]:
    return {
        "nodes": {"Artifact": {"created": created, "updated": 1, "unchanged": 0}},
        "edges": {"CONTRIBUTED_TO": {"seen": 4, "created": 2}},
        "api_calls": {"ListArtifacts": 3},
        "denied": {},
        "kinds": ["Artifact", "Context"],
        "cleanup": None,
    }


def test_record_run_is_queryable_and_pruned(db: tuple[Driver, str]) -> None:
    driver, database = db
    start = datetime(2026, 1, 1, tzinfo=UTC)
    ids = []
    for i in range(7):
        ids.append(
            record_run(
                driver,
                database,
                SHARD,
                started_at=start + timedelta(minutes=i),
                finished_at=start + timedelta(minutes=i, seconds=12.5),
                outcome="success",
                report=_report(i),
                mode="incremental",
                keep=5,
            )
        )
    record_run(
        driver,
        database,
        "999999999999:eu-west-1",
        started_at=start,
        finished_at=start + timedelta(seconds=1),
        outcome="failed",
        report={},
        mode="full",
        keep=5,
    )
    runs = last_runs(driver, database, SHARD, limit=50)
    assert [r["id"] for r in runs] == ids[::-1][:5]
    newest = runs[0]
    assert newest["duration_s"] == 12.5 and newest["outcome"] == "success" and newest["mode"] == "incremental"
    assert newest["account"] == "123456789012" and newest["region"] == "us-east-1"
    assert newest["report"]["nodes"]["Artifact"]["created"] == 6
    # Flattened counts are plain properties, queryable in Cypher.
    (rec,) = driver.execute_query(
        "MATCH (r:SyncRun {id: $id}) RETURN r.`report.nodes.Artifact.created` AS created, "
        "r.`report.api_calls.ListArtifacts` AS calls, r.`report.kinds` AS kinds",
        id=ids[-1],
        database_=database,
    ).records
    assert (rec["created"], rec["calls"], rec["kinds"]) == (6, 3, ["Artifact", "Context"])
    assert len(last_runs(driver, database)) == 6
    assert [r["shard"] for r in latest_run_per_shard(driver, database)] == [
        "123456789012:us-east-1",
        "999999999999:eu-west-1",
    ]
    with pytest.raises(ValueError):
        record_run(driver, database, SHARD, started_at=start, finished_at=start, outcome="ok", report={}, mode="full")
    with pytest.raises(ValueError):
        record_run(driver, database, SHARD, started_at=start, finished_at=start, outcome="failed", report={}, mode="x")


def _status(neo4j_settings: Neo4jSettings, *args: str) -> tuple[int, str]:
    env = {
        "NEO4J_URI": neo4j_settings.uri,
        "NEO4J_USERNAME": neo4j_settings.username,
        "NEO4J_PASSWORD": neo4j_settings.password,
        "NEO4J_DATABASE": neo4j_settings.database,
    }
    result = CliRunner().invoke(cli, ["status", *args], env=env)
    return result.exit_code, result.output


def test_status_json_and_table(db: tuple[Driver, str], neo4j_settings: Neo4jSettings) -> None:
    driver, database = db
    driver.execute_query(
        "CREATE (:LineageEntity:Artifact {arn: 'a1'})-[:CONTRIBUTED_TO]->(:LineageEntity:TrialComponent {arn: 't1'})",
        database_=database,
    )
    now = datetime.now(UTC)
    record_run(
        driver,
        database,
        SHARD,
        started_at=now - timedelta(seconds=90),
        finished_at=now - timedelta(seconds=60),
        outcome="partial",
        report=_report(3),
        mode="full",
    )
    acquire_lease(driver, database, SHARD, holder="host-a:42:abc", ttl_seconds=300)

    code, output = _status(neo4j_settings, "--format", "json")
    assert code == 0, output
    data = json.loads(output)
    assert data["neo4j"]["version"].startswith("5.")
    (shard,) = data["shards"]
    assert shard["shard"] == SHARD and shard["account"] == "123456789012" and shard["region"] == "us-east-1"
    assert shard["last_run"]["outcome"] == "partial" and shard["last_run"]["mode"] == "full"
    assert shard["last_run"]["duration_s"] == 30.0 and 55 < shard["last_run"]["age_s"] < 600
    assert shard["last_run"]["report"]["nodes"]["Artifact"]["created"] == 3
    assert shard["lease"]["holder"] == "host-a:42:abc" and 200 < shard["lease"]["expires_in_s"] <= 300
    assert data["graph"]["nodes"]["Artifact"] == 1 and data["graph"]["nodes"]["TrialComponent"] == 1
    assert data["graph"]["nodes"]["LineageEntity"] == 2
    assert data["graph"]["relationships"]["CONTRIBUTED_TO"] == 1 and data["graph"]["relationships"]["PRODUCED"] == 0

    code, output = _status(neo4j_settings)
    assert code == 0, output
    assert "Neo4j 5." in output and SHARD in output and "partial" in output and "host-a:42:abc" in output
    assert "CONTRIBUTED_TO" in output and "Artifact" in output


def test_status_on_an_empty_graph(db: tuple[Driver, str], neo4j_settings: Neo4jSettings) -> None:
    code, output = _status(neo4j_settings, "--format", "json")
    assert code == 0, output
    assert json.loads(output)["shards"] == []
    code, output = _status(neo4j_settings)
    assert code == 0 and "no sync has run" in output


def test_status_with_a_wrong_password(neo4j_settings: Neo4jSettings) -> None:
    wrong = Neo4jSettings(neo4j_settings.uri, neo4j_settings.username, "not-the-password-1", neo4j_settings.database)
    try:
        code, output = _status(wrong)
    finally:
        connect(neo4j_settings).close()  # a good login resets Neo4j's count of failed ones
    assert code == 4 and "not-the-password-1" not in output


_CONTENDER = """
import os, sys, time
from neo4j import GraphDatabase
from lineage_graph.errors import LeaseHeldError
from lineage_graph.graph.bookkeeping.leases import acquire_lease
uri, user, database, shard, start = sys.argv[1:6]
with GraphDatabase.driver(uri, auth=(user, os.environ["NEO4J_PASSWORD"])) as driver:
    driver.verify_connectivity()
    time.sleep(max(0.0, float(start) - time.time()))
    try:
        lease = acquire_lease(driver, database, shard, ttl_seconds=60)
        print("won", lease.holder)
    except LeaseHeldError as err:
        print("lost", err.holder)
"""


def test_race_between_processes_has_exactly_one_winner(db: tuple[Driver, str], neo4j_settings: Neo4jSettings) -> None:
    """Separate processes (default holders hostname:pid:random) start at the same instant; one wins."""
    driver, database = db
    start = str(time.time() + 4)
    args = [neo4j_settings.uri, neo4j_settings.username, database, SHARD, start]
    env = {**os.environ, "NEO4J_PASSWORD": neo4j_settings.password}
    procs = [
        subprocess.Popen([sys.executable, "-c", _CONTENDER, *args], stdout=subprocess.PIPE, text=True, env=env)
        for _ in range(6)
    ]
    outputs = [p.communicate(timeout=60)[0].split() for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    winners = [holder for verdict, holder in outputs if verdict == "won"]
    assert len(winners) == 1, outputs
    assert all(holder == winners[0] for verdict, holder in outputs if verdict == "lost")
    assert all_leases(driver, database)[0]["holder"] == winners[0]


_HOLDER = """
import os, sys, time
from neo4j import GraphDatabase
from lineage_graph.graph.bookkeeping.leases import acquire_lease
uri, user, database, shard = sys.argv[1:5]
with GraphDatabase.driver(uri, auth=(user, os.environ["NEO4J_PASSWORD"])) as driver:
    lease = acquire_lease(driver, database, shard, ttl_seconds=300)
    print(lease.holder, flush=True)
    time.sleep(600)
"""


def test_lease_of_a_killed_process_on_this_host_is_taken_over_at_once(
    db: tuple[Driver, str], neo4j_settings: Neo4jSettings, caplog: pytest.LogCaptureFixture
) -> None:
    """A holder SIGKILLed mid-sync leaves a lease with 300 s to run; on its host the next sync takes it."""
    driver, database = db
    args = [neo4j_settings.uri, neo4j_settings.username, database, SHARD]
    env = {**os.environ, "NEO4J_PASSWORD": neo4j_settings.password}
    child = subprocess.Popen([sys.executable, "-c", _HOLDER, *args], stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert child.stdout is not None
        holder = child.stdout.readline().strip()
        assert holder.split(":")[1] == str(child.pid)
        with pytest.raises(LeaseHeldError):  # alive: its lease stands
            acquire_lease(driver, database, SHARD)
    finally:
        child.kill()
        child.wait(timeout=30)
    with caplog.at_level(logging.WARNING, logger="lineage_graph.graph.bookkeeping.leases"):
        started = time.monotonic()
        lease = acquire_lease(driver, database, SHARD)
    assert time.monotonic() - started < 10
    assert all_leases(driver, database)[0]["holder"] == lease.holder != holder
    assert f"took over the lease of shard {SHARD} from {holder}" in caplog.text
    assert str(child.pid) in caplog.text
    lease.release()


def _plant_lease(driver: Driver, database: str, process: dict[str, Any]) -> None:
    driver.execute_query(
        "MERGE (l:SyncLease {shard: $shard}) SET l.holder = 'planted:1:x', l.acquired_at = datetime(), "
        "l.expires_at = datetime() + duration('PT300S'), l.host = $process.host, l.pid = $process.pid, "
        "l.pid_started = $process.pid_started",
        {"shard": SHARD, "process": process},
        database_=database,
    )


def test_takeover_only_when_the_holder_is_certainly_gone(db: tuple[Driver, str]) -> None:
    """Another host's pid means nothing here; a live pid stands unless it started at another time (reused)."""
    driver, database = db
    here = leases.host_identity()
    parent = os.getppid()
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # a pid nobody has (for now)
    for process, taken in (
        ({"host": "elsewhere|boot|pid:[1]", "pid": gone.pid, "pid_started": None}, False),
        ({"host": here, "pid": parent, "pid_started": leases.process_started(parent)}, False),
        ({"host": here, "pid": parent, "pid_started": None}, False),  # alive, start time unknown
        ({"host": here, "pid": parent, "pid_started": "1"}, True),  # the pid was reused
        ({"host": here, "pid": gone.pid, "pid_started": None}, True),
    ):
        _plant_lease(driver, database, process)
        outcome = leases.try_acquire_lease(driver, database, SHARD, "me:2:y")
        assert isinstance(outcome, leases.Lease) == taken, process
        driver.execute_query("MATCH (l:SyncLease) DELETE l", database_=database)
