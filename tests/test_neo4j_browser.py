"""Neo4j Browser served by `lineage-graph neo4j start --browser`, driven in headless Chromium.

The module starts its own server (through the CLI, with the Browser on a second free port) rather than
changing the shared session fixture. Chromium is driven by Playwright (tests/fixtures/browser.py),
reaching no host but 127.0.0.1. Screenshots land in test-artifacts/.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fixtures.neo4j_server import free_port
from neo4j import GraphDatabase
from playwright.sync_api import Browser, Page, expect

REPO = Path(__file__).resolve().parent.parent
LINEAGE_GRAPH = str(Path(sys.executable).parent / "lineage-graph")
ARTIFACTS = REPO / "test-artifacts"
SAVED_QUERY = REPO / "cypher" / "trial_component_artifacts.cypher"
STYLE = REPO / "cypher" / "style.grass"
GUIDE = REPO / "docs" / "neo4j-browser.md"
ARN = "arn:aws:sagemaker:us-east-1:123456789012:"


@dataclass(frozen=True)
class BrowserServer:
    data_dir: Path
    bolt_port: int
    http_port: int
    password: str
    env: dict[str, str]
    start_output: str

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    @property
    def browser_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/browser/?dbms=bolt://neo4j@127.0.0.1:{self.bolt_port}"


def neo4j_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [LINEAGE_GRAPH, "neo4j", *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserServer]:
    password = "pw-" + secrets.token_hex(10)  # unique, so finding it anywhere means it leaked
    data_dir, bolt_port, http_port = tmp_path_factory.mktemp("neo4j-browser"), free_port(), free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("NEO4J_", "LINEAGE_GRAPH_"))}
    env.update(
        LINEAGE_GRAPH_NEO4J_DATA_DIR=str(data_dir),
        LINEAGE_GRAPH_NEO4J_BOLT_PORT=str(bolt_port),
        NEO4J_PASSWORD=password,
    )
    if "LINEAGE_GRAPH_CACHE_DIR" in os.environ:  # share the jar cache with the rest of the run
        env["LINEAGE_GRAPH_CACHE_DIR"] = os.environ["LINEAGE_GRAPH_CACHE_DIR"]
    result = neo4j_cli("start", "--browser", "--http-port", str(http_port), env=env)
    assert result.returncode == 0, result.stderr
    yield BrowserServer(data_dir, bolt_port, http_port, password, env, result.stdout + result.stderr)
    neo4j_cli("stop", env=env)


def test_start_prints_the_browser_url_and_serves_the_app(server: BrowserServer) -> None:
    assert f"Neo4j Browser: {server.browser_url}\n" in server.start_output
    assert server.password not in server.start_output
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(f"http://127.0.0.1:{server.http_port}/browser/", timeout=10) as response:
        assert response.status == 200
        page = response.read().decode()
    assert "<title>Neo4j Browser</title>" in page and 'id="mount"' in page
    log = (server.data_dir / "server.log").read_text()
    assert f"HTTP enabled on 127.0.0.1:{server.http_port}" in log

    text = neo4j_cli("status", env=server.env)
    assert text.returncode == 0
    assert f"browser:  {server.browser_url}" in text.stdout
    status = json.loads(neo4j_cli("status", "--format", "json", env=server.env).stdout)
    assert status["browser_url"] == server.browser_url
    again = neo4j_cli("start", "--browser", env=server.env)
    assert f"Neo4j Browser: {server.browser_url}" in again.stdout
    assert server.password not in text.stdout + again.stdout + again.stderr


def test_the_guides_cypher_examples_compile(server: BrowserServer) -> None:
    """The guide's own queries (not the saved ones, which test_queries covers) are valid Cypher."""
    blocks = re.findall(r"^```\n(.*?)^```$", GUIDE.read_text(), re.M | re.S)
    examples = [block for block in blocks if block.startswith("//") and "MATCH" in block]
    assert len(examples) >= 2
    with GraphDatabase.driver(server.uri, auth=("neo4j", server.password)) as driver:
        for example in examples:
            driver.execute_query("EXPLAIN " + example, database_="neo4j")


class NeoBrowser:
    """What a person does in Neo4j Browser: the connect form, then commands pasted into the editor and run."""

    FRAMES = "document.querySelectorAll('[data-testid=frame]')"

    def __init__(self, tab: Page) -> None:
        self.tab = tab
        self.frames = tab.get_by_test_id("frame")

    def connect(self, url: str, password: str) -> None:
        self.tab.goto(url)
        self.tab.get_by_test_id("password").fill(password)
        self.tab.get_by_test_id("connect").click()
        self.tab.get_by_text("You are connected as user neo4j").wait_for(timeout=60_000)

    def run(self, command: str, timeout: float = 60) -> str:
        """Pastes ``command`` into the editor, runs it, and returns the text of its frame once it is done."""
        before = self.frames.count()
        self.paste(command)
        self.tab.get_by_test_id("editor-Run").click()
        # Locator waits, not wait_for_function: the Browser's CSP forbids the eval that one takes.
        self.frames.nth(before).wait_for(state="attached", timeout=timeout * 1000)
        # The newest frame is the first; a query's frame is done once it shows a table (with its status bar), an
        # error, or a drawn graph.
        newest = self.frames.first
        if not command.lstrip().startswith(":"):
            said = newest.get_by_test_id("frameStatusbar").or_(newest.get_by_test_id("cypherFrameErrorMessage"))
            done = said.filter(has_text=re.compile(r"\S")).or_(newest.locator("svg g.node"))
            done.first.wait_for(state="attached", timeout=timeout * 1000)
        return str(self.tab.evaluate(f"{self.FRAMES}[0].querySelector('[data-testid=frameContents]')?.innerText ?? ''"))

    def paste(self, text: str) -> None:
        """Pastes into the editor, as a person would: typed text gets the editor's auto-closed brackets and indents."""
        self.tab.evaluate(
            "text => { const editor = document.querySelector('[data-testid=activeEditor] textarea'); editor.focus();"
            " const data = new DataTransfer(); data.setData('text/plain', text);"
            " editor.dispatchEvent(new ClipboardEvent('paste',"
            " {clipboardData: data, bubbles: true, cancelable: true})); }",
            text,
        )

    def statusbar(self) -> str:
        return self.frames.first.get_by_test_id("frameStatusbar").inner_text()


def load_churn_graph(server: BrowserServer) -> None:
    """A raw dataset → processing job → training dataset → training job → model chain, as sync would label it."""
    with GraphDatabase.driver(server.uri, auth=("neo4j", server.password)) as driver:
        driver.execute_query("MATCH (n) DETACH DELETE n", database_="neo4j")
        driver.execute_query(
            """
            CREATE (raw:LineageEntity:Artifact:DataSet {arn: $a + 'artifact/raw', name: 'raw-payments',
                    lineage_type: 'Artifact', type: 'DataSet', source_uri: 's3://acme-ml-raw/payments/',
                    placeholder: false})
            CREATE (prep:LineageEntity:TrialComponent:ProcessingJob {lineage_type: 'TrialComponent',
                    arn: $a + 'experiment-trial-component/churn-exec-1-prep-aws-processing-job',
                    name: 'churn-exec-1-prep-aws-processing-job', type: 'ProcessingJob', placeholder: false})
            CREATE (features:LineageEntity:Artifact:DataSet {arn: $a + 'artifact/features', name: 'features',
                    lineage_type: 'Artifact', type: 'DataSet', source_uri: 's3://acme-ml/churn/train/',
                    placeholder: false})
            CREATE (train:LineageEntity:TrialComponent:TrainingJob {lineage_type: 'TrialComponent',
                    arn: $a + 'experiment-trial-component/churn-exec-1-train-aws-training-job',
                    name: 'churn-exec-1-train-aws-training-job', type: 'TrainingJob', placeholder: false})
            CREATE (model:LineageEntity:Artifact:Model {arn: $a + 'artifact/model', name: 'churn-model',
                    lineage_type: 'Artifact', type: 'Model', source_uri: 's3://acme-ml/churn/model.tar.gz',
                    placeholder: false})
            CREATE (raw)-[:CONTRIBUTED_TO]->(prep)-[:PRODUCED]->(features)-[:CONTRIBUTED_TO]->(train)
            CREATE (train)-[:PRODUCED]->(model)
            """,
            a=ARN,
            database_="neo4j",
        )


@pytest.fixture
def neo(server: BrowserServer, browser: Browser) -> Iterator[NeoBrowser]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    answered: list[str] = []  # every URL that got a response: the resolver leaves no host but 127.0.0.1
    tab.on("response", lambda response: answered.append(response.url))
    try:
        neo = NeoBrowser(tab)
        neo.connect(server.browser_url, server.password)
        yield neo
    finally:
        context.close()
    assert answered and {urlsplit(url).hostname for url in answered} == {"127.0.0.1"}  # it reached no other host


def test_saved_query_with_its_documented_params_runs_in_browser(server: BrowserServer, neo: NeoBrowser) -> None:
    load_churn_graph(server)
    text = SAVED_QUERY.read_text()
    params = re.findall(r"^//   (:param \w+ => .*)$", text, re.M)
    assert [line.split()[1] for line in params] == ["trial_component", "artifact_type", "direction", "max_depth"]
    for line in params:
        frame = neo.run(line)
        assert '"' + line.split()[1] + '"' in frame, frame  # the Browser echoes the parameter it set

    table = neo.run(text)  # the whole file, header comments included, exactly as saved
    ARTIFACTS.mkdir(exist_ok=True)
    neo.tab.screenshot(path=ARTIFACTS / "neo4j-browser.png")
    # One row, the training job, with the walk upstream of it in `reached`: the training job again (where it
    # begins) and the processing job by id only, the two datasets (the answer) with their fields; the model
    # downstream is not reached at all.
    assert "Started streaming 1 records" in neo.statusbar()
    assert table.count('"matches": true') == 2, table
    assert table.count('"matches": false') == 2, table
    assert '"features"' in table and '"raw-payments"' in table, table
    assert "churn-exec-1-train-aws-training-job" in table, table
    assert "churn-model" not in table


def test_style_grass_loads_and_colours_the_graph(server: BrowserServer, neo: NeoBrowser) -> None:
    load_churn_graph(server)
    frame = neo.run(":style " + STYLE.read_text())  # what the guide says: paste the file after :style
    assert "Could not parse" not in frame, frame
    assert "node.DataSet {" in frame and 'caption: "{source_uri}"' in frame  # the Browser shows the style it took

    neo.run("MATCH p = (:DataSet {name: 'raw-payments'})-[*]->(:Model) RETURN p")
    nodes = "[...document.querySelectorAll('[data-testid=frame]')[0].querySelectorAll('svg g.node')]"
    expect(neo.frames.first.locator("svg g.node")).to_have_count(5, timeout=60_000)
    drawn = neo.tab.evaluate(
        f"{nodes}.map(n => [n.querySelector('circle.b-outline').getAttribute('fill'),"
        " n.querySelector('text.caption').textContent.trim()])"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    neo.tab.screenshot(path=ARTIFACTS / "neo4j-browser-style.png")
    fills = sorted(fill.lower() for fill, _ in drawn)
    # Datasets take the Artifact colour, the model its darker one, trial components theirs.
    assert fills == sorted(["#59a14f", "#59a14f", "#3e7536", "#4e79a7", "#4e79a7"]), drawn
    captions = [caption for _, caption in drawn]
    assert sum(caption.startswith("s3://") for caption in captions) == 2, captions  # datasets by source_uri
    assert sum(caption.startswith("churn-") for caption in captions) == 3, captions  # the others by name


def test_password_in_no_log_after_the_browser_sessions(server: BrowserServer) -> None:
    """Last in the module: the Browser sessions above logged in with the password over Bolt and HTTP."""
    logs = [server.data_dir / "server.log", *(server.data_dir / "logs").glob("*.log")]
    for log in logs:
        assert server.password.encode() not in log.read_bytes(), log
