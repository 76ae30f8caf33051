"""How `lineage-graph openlineage export` scales: wall time and peak memory for N trial components (and the
N/4 pipeline executions that ran them, each a run of its own too).

Builds N trial components straight into a fresh local Neo4j (UNWIND, no sync: the export reads only the
graph), each a training or processing job in one of N/4 pipeline executions, reading one of 200 shared raw
datasets, an image and a dataset of its own and producing one, then runs the CLI under ``peak_rss.py``,
writing NDJSON to /dev/null (and with ``--http`` again through the client's HTTP transport to a receiver
in this process that answers 201 as Marquez does). Flat memory means the peak does not grow with N.

Usage: python -m bench.openlineage_export [--http] 10000 100000
"""

from __future__ import annotations

import itertools
import json
import socket
import subprocess
import sys
import tempfile
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from neo4j import Driver, GraphDatabase

from lineage_graph.graph import schema
from lineage_graph.neo4j_local import LocalNeo4j
from lineage_graph.settings import Neo4jSettings

ACCOUNT = "arn:aws:sagemaker:us-east-1:123456789012"
PASSWORD = "bench-openlineage-export"
BATCH = 5000
START = datetime(2026, 9, 1, tzinfo=UTC)
IMAGE = f"{ACCOUNT}:artifact/image"
REASSOCIATED = 100  # trial components an incremental export finds by their new association

_BUILD = """
UNWIND $rows AS row
CREATE (tc:LineageEntity:TrialComponent {arn: row.arn, name: row.name, status: 'Completed',
        source_arn: row.job, source_type: row.source_type, type: row.type, start_time: row.start,
        end_time: row.end, created_at: row.start, modified_at: row.end, placeholder: false})
CREATE (own:LineageEntity:Artifact {arn: row.arn + '-in', type: 'DataSet', source_uri: row.in_uri})
CREATE (out:LineageEntity:Artifact {arn: row.arn + '-out', type: 'DataSet', source_uri: row.out_uri})
CREATE (own)-[:CONTRIBUTED_TO]->(tc)-[:PRODUCED]->(out)
WITH tc, row
MATCH (raw:LineageEntity {arn: row.raw}), (image:LineageEntity {arn: $image})
CREATE (raw)-[:CONTRIBUTED_TO]->(tc), (image)-[:CONTRIBUTED_TO]->(tc)
MERGE (pe:LineageEntity:PipelineExecution {arn: row.execution})
  ON CREATE SET pe.start_time = row.start, pe.status = 'Succeeded'
CREATE (pe)-[:EXECUTED {step_name: 'Train', cache_hit: false}]->(tc)
"""


def build(settings: Neo4jSettings, first: int, last: int) -> None:
    """Trial components ``first`` to ``last - 1`` (and, the first time, the shared artifacts)."""
    with GraphDatabase.driver(settings.uri, auth=(settings.username, settings.password)) as driver:
        if first == 0:
            _shared(driver)
        for page in range(first, last, BATCH):
            driver.execute_query(_BUILD, rows=[_row(i) for i in range(page, min(last, page + BATCH))], image=IMAGE)


def _row(i: int) -> dict[str, Any]:
    job, source_type = (
        ("training-job", "SageMakerTrainingJob") if i % 2 else ("processing-job", "SageMakerProcessingJob")
    )
    began = START + timedelta(seconds=30 * i)
    return {
        "arn": f"{ACCOUNT}:experiment-trial-component/tc-{i}",
        "name": f"tc-{i}",
        "job": f"{ACCOUNT}:{job}/job-{i}",
        "source_type": source_type,
        "type": source_type.removeprefix("SageMaker"),
        "start": began,
        "end": began + timedelta(minutes=20),
        "in_uri": f"s3://features/run-{i}/train/",
        "out_uri": f"s3://models/run-{i}/model.tar.gz",
        "raw": f"{ACCOUNT}:artifact/raw-{i % 200}",
        "execution": f"{ACCOUNT}:pipeline/p-{i // 4 % 50}/execution/e-{i // 4}",
    }


def _shared(driver: Driver) -> None:
    """The schema a sync applies (the export pages by its modified_at index), and the shared artifacts."""
    schema.apply(driver, "neo4j", "schema")
    driver.execute_query("CALL db.awaitIndexes(300)")
    driver.execute_query(
        "UNWIND range(0, 199) AS i CREATE (:LineageEntity:Artifact {arn: $account + ':artifact/raw-' + i, "
        "type: 'DataSet', source_uri: 's3://raw/table-' + i + '/'})",
        account=ACCOUNT,
    )
    driver.execute_query(
        "CREATE (:LineageEntity:Artifact {arn: $arn, type: 'Image', "
        "source_uri: '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1'})",
        arn=IMAGE,
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Receiver(BaseHTTPRequestHandler):
    """Takes every event with a 201, as Marquez does, and counts them."""

    received = itertools.count()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        next(self.received)
        self.send_response(201)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def reassociate(settings: Neo4jSettings, n: int, count: int) -> None:
    """A new dataset associated now with ``count`` of the first ``n`` trial components, long exported: what an
    incremental export must find (by the associations' created_at) without paging through the rest."""
    with GraphDatabase.driver(settings.uri, auth=(settings.username, settings.password)) as driver:
        driver.execute_query(
            "CREATE (late:LineageEntity:Artifact {arn: $account + ':artifact/late-' + $n, type: 'DataSet', "
            "source_uri: 's3://late/labels-' + $n + '/'}) WITH late UNWIND range(0, $count - 1) AS i "
            "MATCH (tc:LineageEntity {arn: $account + ':experiment-trial-component/tc-' + (i * ($n / $count))}) "
            "CREATE (late)-[:CONTRIBUTED_TO {created_at: datetime()}]->(tc)",
            account=ACCOUNT,
            n=n,
            count=count,
        )


def measure(settings: Neo4jSettings, out: Path, url: str | None = None, *, full: bool = True) -> dict[str, Any]:
    """The export to /dev/null, or with ``url`` to that receiver through the client's HTTP transport; all of
    it, or (``full`` false) what changed since the last export to the same target."""
    peak = Path(__file__).with_name("peak_rss.py")
    cli = Path(sys.executable).with_name("lineage-graph")
    argv = [str(cli), "openlineage", "export", "--format", "json", *(["--full"] if full else [])]
    env = {**settings.environment(), "PATH": "/usr/bin:/bin"}
    if url is None:
        argv += ["--file", "/dev/null"]
    else:
        env["OPENLINEAGE_URL"] = url
    done = subprocess.run(
        [sys.executable, "-S", str(peak), str(out), *argv], env=env, check=True, stdout=subprocess.PIPE
    )
    report = json.loads(done.stdout)
    return {**json.loads(out.read_text()), "events": report["events"], "runs": report["runs"]}


def _report(n: int, how: str, measured: dict[str, Any]) -> None:
    print(
        f"{n:>7} trial components, {how}: {measured['runs']:,} runs, "
        f"{measured['events']:,} events in {measured['seconds']:.1f} s ({measured['runs'] / measured['seconds']:,.0f} "
        f"runs/s), peak RSS {measured['peak_rss_kb'] / 1024:.0f} MB",
        flush=True,
    )


def main() -> None:
    """Sizes as arguments; ``--http`` also exports each over HTTP to a receiver in this process."""
    http = "--http" in sys.argv
    sizes = [int(a) for a in sys.argv[1:] if a != "--http"] or [10_000, 100_000]
    receiver = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{receiver.server_address[1]}"
    with tempfile.TemporaryDirectory() as tmp:
        server = LocalNeo4j(Path(tmp) / "neo4j", _free_port())
        uri = server.start(PASSWORD)
        settings = Neo4jSettings(uri=uri, username="neo4j", password=PASSWORD)
        try:
            built = 0
            for n in sorted(sizes):
                build(settings, built, n)
                built = n
                _report(n, "NDJSON to /dev/null", measure(settings, Path(tmp) / f"{n}.json"))
                reassociate(settings, n, REASSOCIATED)
                _report(
                    n,
                    f"incremental, {REASSOCIATED} associated since",
                    measure(settings, Path(tmp) / f"{n}-again.json", full=False),
                )
                _report(n, "incremental, nothing new", measure(settings, Path(tmp) / f"{n}-none.json", full=False))
                if http:
                    before = next(_Receiver.received)
                    measured = measure(settings, Path(tmp) / f"{n}-http.json", url)
                    assert next(_Receiver.received) - before - 1 == measured["events"], "events lost"
                    _report(n, "HTTP", measured)
        finally:
            server.stop()
            receiver.shutdown()


if __name__ == "__main__":
    main()
