"""Pictures of a subgraph: Mermaid, DOT and the self-contained HTML page (escaping, structure, Chromium)."""

from __future__ import annotations

import json
import re
import struct
import zlib
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from fixtures.sync_cli import sync_json
from playwright.sync_api import Browser

from lineage_graph.cli import cli
from lineage_graph.present.graph_formats import KIND_COLOURS, Subgraph, render_graph
from lineage_graph.sandbox.seed import DEMO_TRIAL_COMPONENT, seed_demo

HOSTILE = 'x\'}) DETACH DELETE n // "q" [b] `t` </script><b>&amp; {c} |p| ;\n#'
START = "arn:aws:sagemaker:us-east-1:111111111111:experiment-trial-component/start"
ART = "arn:aws:sagemaker:us-east-1:111111111111:artifact/abc"


def _graph() -> Subgraph:
    vertices = [
        {"arn": START, "name": "start", "lineage_type": "TrialComponent", "type": "TrainingJob", "depth": 0},
        {"arn": ART, "name": HOSTILE, "lineage_type": "Artifact", "type": "DataSet", "depth": 1},
    ]
    edges = [{"source_arn": ART, "destination_arn": START, "association_type": "ContributedTo"}]
    return Subgraph(vertices, edges, START)


def test_mermaid_structure_and_escaping() -> None:
    text = render_graph(_graph(), "mermaid")
    lines = text.splitlines()
    assert lines[0] == "graph LR"
    nodes = [line for line in lines if re.fullmatch(r'  n\d+\["[A-Za-z0-9 .:/\-_()#;]*"\]:::kind\w+', line)]
    assert len(nodes) == 2
    assert re.search(r'^  n\d+ -->\|"ContributedTo"\| n\d+$', text, re.M)
    assert "classDef kindArtifact fill:#" in text and "classDef kindTrialComponent fill:#" in text
    assert re.search(r"^  style n\d+ stroke:#d00", text, re.M)
    hostile = next(line for line in nodes if "DETACH" in line)
    assert "#39;" in hostile and "#96;" in hostile and "#60;" in hostile and "#91;" in hostile


def test_dot_structure_and_escaping() -> None:
    text = render_graph(_graph(), "dot")
    assert text.startswith("digraph lineage {") and text.endswith("}")
    quoted = r'"(?:[^"\\\n]|\\.)*"'
    node = re.compile(rf"^  n\d+ \[label={quoted}, tooltip={quoted}, fillcolor={quoted}(, .*)?\];$")
    edge = re.compile(rf"^  n\d+ -> n\d+ \[label={quoted}\];$")
    body = text.splitlines()[3:-1]
    assert sum(bool(node.match(line)) for line in body) == 2
    assert sum(bool(edge.match(line)) for line in body) == 1
    assert all(node.match(line) or edge.match(line) for line in body)
    assert "penwidth=3" in text
    label = re.search(rf"label=({quoted}), tooltip=\"{ART}\"", text)
    assert label is not None
    assert json.loads(label.group(1)).startswith(HOSTILE)


def test_an_undescribed_start_takes_its_kind_from_its_arn() -> None:
    """The lineage answer leaves the start out; an action start still gets the Action colour."""
    action = "arn:aws:sagemaker:us-east-1:111111111111:action/deploy"
    text = render_graph(Subgraph([], [], action), "mermaid")
    assert '["deploy (Action)"]:::kindAction' in text
    assert f"classDef kindAction fill:{KIND_COLOURS['Action']}," in text


def test_html_data_cannot_break_out() -> None:
    page = render_graph(_graph(), "html")
    block = re.search(r'<script type="application/json" id="data">(.*?)</script>', page, re.S)
    assert block is not None
    assert "<" not in block.group(1) and ">" not in block.group(1) and "&" not in block.group(1)
    data = json.loads(block.group(1))
    assert data["vertices"][1]["name"] == HOSTILE
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in page and "src=" not in page


def _png_pixels(data: bytes) -> tuple[int, int, set[bytes]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height, channels = 8, b"", 0, 0, 3
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, chunk = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", chunk[:10])
            assert depth == 8
            channels = {2: 3, 6: 4}[colour]
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels + 1
    # sample the filter-0-free way: count distinct raw bytes per row start is enough to see variety
    colours = {raw[r * stride + 1 : r * stride + 1 + channels * 50] for r in range(0, height, 7)}
    return width, height, colours


def test_html_in_headless_chromium(
    sync_env: dict[str, str], sagemaker_client: Any, clean_neo4j: Any, tmp_path: Path, browser: Browser
) -> None:
    seed_demo(sagemaker_client)
    sync_json(sync_env, "--full")
    page = tmp_path / "lineage.html"
    args = ["lineage", DEMO_TRIAL_COMPONENT, "--direction", "both", "--include-edges", "--format", "html"]
    result = CliRunner().invoke(cli, [*args, "--output", str(page)], env=sync_env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    html = page.read_text()
    block = re.search(r'<script type="application/json" id="data">(.*?)</script>', html, re.S)
    assert block is not None
    vertices = json.loads(block.group(1))["vertices"]
    assert len(vertices) > 3

    artifacts = Path(__file__).resolve().parent.parent / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    shot = artifacts / "lineage-graph-html.png"
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    try:
        tab = context.new_page()
        requests: list[str] = []
        tab.on("request", lambda request: requests.append(request.url))
        tab.goto(page.as_uri())
        tab.wait_for_function(f"document.querySelectorAll('g.node').length >= {len(vertices)}", timeout=60_000)
        drawn = set(re.findall(r'<g class="node" data-arn="([^"]+)"', tab.content()))
        assert {v["arn"] for v in vertices} <= drawn
        tab.screenshot(path=shot)
    finally:
        context.close()
    assert requests == [page.as_uri()]  # the page itself, nothing else
    png = shot.read_bytes()
    assert len(png) > 5000
    width, height, colours = _png_pixels(png)
    assert (width, height) == (1200, 800)
    assert len(colours) > 1
