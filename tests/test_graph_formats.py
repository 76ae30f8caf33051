"""Pictures of a subgraph: Mermaid, DOT and the self-contained HTML page (escaping, structure); the HTML page
in Chromium is tests/test_graph_html_interaction.py."""

from __future__ import annotations

import html
import json
import re

from lineage_graph.present.graph_formats import KIND_COLOURS, Subgraph, render_crossing, render_graph

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
    vertices = [{"uri": ART, "name": HOSTILE, "lineage_type": "Artifact", "type": "DataSet", "source_uri": None}]
    edges = [{"source": ART, "destination": START, "relationship": "ContributedTo", "rule": None}]
    page = render_crossing(vertices, edges, START, "html", f"Lineage of {HOSTILE}")
    block = re.search(r'<script type="application/json" id="data">(.*?)</script>', page, re.S)
    assert block is not None
    assert "<" not in block.group(1) and ">" not in block.group(1) and "&" not in block.group(1)
    view = json.loads(block.group(1))
    assert [node["name"] for node in view["nodes"]] == [HOSTILE, "start"]
    assert view["edges"] == [{"source": ART, "target": START, "type": "CONTRIBUTED_TO", "label": "ContributedTo"}]
    assert sorted(view["kinds"]) == ["Artifact", "TrialComponent"]  # only what is drawn
    # The title is escaped, every <script> is one the page carries, and nothing names a source to load.
    assert f"<title>Lineage of {html.escape(HOSTILE)}</title>" in page
    assert page.count("<script") == page.count("</script>") == 5
    assert "src=" not in page and "href=" not in page and "default-src 'none'" in page
