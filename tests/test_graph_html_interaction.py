"""The --format html page of a real subgraph, driven in headless Chromium as a person would use it.

The demo account plus one dataset whose source URI looks like HTML and JavaScript is synced into Neo4j;
``lineage --format html`` draws the demo training job's lineage. Chromium, driven by Playwright
(tests/fixtures/browser.py), resolves no host name but 127.0.0.1, and the test records every request the
page makes. Mouse input is real: Playwright's ``page.mouse`` at a node's position on screen, so hit
testing, event order and the page's own handlers are what a click, a wheel turn or a drag would meet.
Colours are read back from rendered pixels, not from attributes alone. The screenshot after a click is
kept in test-artifacts/.
"""

from __future__ import annotations

import json
import re
import struct
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fixtures.synced_demo import Account
from playwright.sync_api import Browser, Dialog, Page, Request

from lineage_graph.cli import cli
from lineage_graph.present.graph_formats import KIND_COLOURS, OTHER_COLOUR
from lineage_graph.sandbox.seed import DEMO_TRIAL_COMPONENT

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
# Markup and script in a place SageMaker allows free text; any of it running sets window.pwned.
HOSTILE_URI = (
    's3://evil/</script><b id="pwn">bold</b><img src=x onerror="window.pwned=1">'
    "<script>window.pwned=2</script>&amp;'\"`${x}"
)
# Every node of the page: its ARN, fill attribute, label text and on-screen box.
NODES_JS = """[...document.querySelectorAll('#world g.node')].map(g => {
  const r = g.querySelector('rect').getBoundingClientRect();
  return {arn: g.dataset.arn, fill: g.querySelector('rect').getAttribute('fill'), label: g.textContent,
          x: r.x, y: r.y, width: r.width, height: r.height};
})"""
# The view transform of the drawing: [scale, translate x, translate y].
VIEW_JS = "(m => [m.a, m.e, m.f])(document.getElementById('world').transform.baseVal.consolidate().matrix)"
# The details panel as key -> value.
PANEL_JS = (
    "Object.fromEntries([...document.querySelectorAll('#props tr')].map(tr => [...tr.cells].map(td => td.textContent)))"
)


def add_hostile_dataset(client: Any) -> dict[str, str]:
    """An unnamed dataset (so the page labels it by its source URI) feeding the demo training job."""
    start = client.describe_trial_component(TrialComponentName=DEMO_TRIAL_COMPONENT)["TrialComponentArn"]
    hostile = client.create_artifact(Source={"SourceUri": HOSTILE_URI}, ArtifactType="DataSet")["ArtifactArn"]
    client.add_association(SourceArn=hostile, DestinationArn=start, AssociationType="ContributedTo")
    return {"start": start, "hostile": hostile}


@pytest.fixture(scope="module")
def build_extra() -> Callable[[Any], dict[str, str]]:
    return add_hostile_dataset


@pytest.fixture(scope="module")
def page(synced_demo: Account, sync_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("html") / "lineage.html"
    args = ["lineage", DEMO_TRIAL_COMPONENT, "--direction", "both", "--format", "html", "--output", str(path)]
    result = CliRunner().invoke(cli, args, env=sync_env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def data(page: Path) -> dict[str, Any]:
    """The subgraph the page embeds: what it should draw."""
    block = re.search(r'<script type="application/json" id="data">(.*?)</script>', page.read_text(), re.S)
    assert block is not None
    return dict(json.loads(block.group(1)))


class View:
    """The page in one browser tab, with every request it made and every dialog it opened since it loaded."""

    def __init__(self, tab: Page) -> None:
        self.tab = tab
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        tab.on("request", self.record)
        tab.on("dialog", self.dismiss)

    def record(self, request: Request) -> None:
        self.requests.append(request.url)

    def dismiss(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def close(self) -> None:
        self.tab.remove_listener("request", self.record)
        self.tab.remove_listener("dialog", self.dismiss)

    def wait_for(self, expression: str) -> Any:
        """Polls a JavaScript expression until it is truthy (pages render asynchronously), returning its value."""
        return self.tab.wait_for_function(expression, timeout=60_000).json_value()


@pytest.fixture(scope="module")
def tab(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    # Injected by Playwright over DevTools, so the page's CSP does not stop it: records what the CSP refused.
    context.add_init_script(
        "window.violations = []; document.addEventListener('securitypolicyviolation',"
        " e => window.violations.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def view(tab: Page, page: Path, data: dict[str, Any]) -> Iterator[View]:
    """The page freshly loaded (each test starts from the initial view), every node drawn."""
    view = View(tab)
    tab.goto(page.as_uri())
    view.wait_for(
        f"document.readyState === 'complete' && document.querySelectorAll('#world g.node').length === "
        f"{len(data['vertices'])}"
    )
    assert tab.evaluate("document.getElementById('props').textContent") == "Click a node."
    yield view
    view.close()


def nodes(view: View) -> dict[str, dict[str, Any]]:
    return {node["arn"]: node for node in view.tab.evaluate(NODES_JS)}


def centre(node: dict[str, Any]) -> tuple[float, float]:
    return node["x"] + node["width"] / 2, node["y"] + node["height"] / 2


def fill_point(node: dict[str, Any]) -> tuple[int, int]:
    """A pixel inside a node's box that neither its border nor its centred label covers."""
    return round(node["x"] + node["width"] * 0.06), round(node["y"] + node["height"] * 0.3)


def pixel(view: View, x: int, y: int) -> str:
    """The rendered colour of one pixel, as #rrggbb (a 1x1 PNG: every PNG row filter leaves it as is)."""
    png = view.tab.screenshot(clip={"x": x, "y": y, "width": 1, "height": 1})
    pos, idat = 8, b""
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        if png[pos + 4 : pos + 8] == b"IDAT":
            idat += png[pos + 8 : pos + 8 + length]
        pos += 12 + length
    return "#" + zlib.decompress(idat)[1:4].hex()


def js_string(value: Any) -> str:
    """What the page's ``String(value)`` shows for a JSON value (null as nothing)."""
    return "" if value is None else json.dumps(value) if isinstance(value, bool) else str(value)


def hit(view: View, x: float, y: float) -> str | None:
    """The ARN of the node the pointer at (x, y) is over, if any."""
    arn = view.tab.evaluate(f"document.elementFromPoint({x}, {y})?.closest('g.node')?.dataset.arn ?? null")
    return None if arn is None else str(arn)


def test_every_node_drawn_in_its_kinds_colour_offline(view: View, page: Path, data: dict[str, Any]) -> None:
    vertices = {v["arn"]: v for v in data["vertices"]}
    kinds = {v["lineage_type"] for v in vertices.values()}
    assert len(vertices) > 5 and {"TrialComponent", "Artifact", "Context", "Action"} <= kinds, kinds
    drawn = nodes(view)
    assert drawn.keys() == vertices.keys()
    area = view.tab.evaluate("document.getElementById('view').getBoundingClientRect().toJSON()")
    for arn, node in drawn.items():
        colour = KIND_COLOURS.get(vertices[arn]["lineage_type"], OTHER_COLOUR)
        assert node["fill"] == colour, node
        assert area["left"] <= node["x"] and node["x"] + node["width"] <= area["right"], node  # all in view
        assert area["top"] <= node["y"] and node["y"] + node["height"] <= area["bottom"], node
        x, y = fill_point(node)
        assert hit(view, x, y) == arn, node  # on top where it is drawn, nothing covers it
        assert pixel(view, x, y) == colour, node  # and painted in its kind's colour
    assert view.tab.evaluate("document.querySelectorAll('#world line').length") == len(data["edges"])
    legend = view.tab.evaluate("document.getElementById('legend').innerText")
    assert all(kind in legend for kind in KIND_COLOURS)
    assert view.requests == [page.as_uri()]  # the page itself, nothing else
    assert view.tab.evaluate("window.violations") == []


def test_click_shows_the_nodes_properties(view: View, data: dict[str, Any], synced_demo: Account) -> None:
    start = synced_demo.built["start"]
    view.tab.mouse.click(*centre(nodes(view)[start]))
    panel = view.wait_for(PANEL_JS)
    # The lineage answer leaves the start out, so the page knows only what its ARN says.
    assert (panel["arn"], panel["name"], panel["lineage_type"]) == (start, DEMO_TRIAL_COMPONENT, "TrialComponent")

    dataset = next(v for v in data["vertices"] if v["type"] == "DataSet" and v["source_uri"] != HOSTILE_URI)
    node = nodes(view)[dataset["arn"]]
    view.tab.mouse.click(node["x"] + node["width"] * 0.9, node["y"] + node["height"] * 0.8)  # anywhere on the box
    panel = view.wait_for(f"(p => p.arn === {json.dumps(dataset['arn'])} && p)({PANEL_JS})")
    assert (panel["type"], panel["source_uri"]) == ("DataSet", dataset["source_uri"])
    assert panel == {key: js_string(value) for key, value in dataset.items()}  # every property, as text
    ARTIFACTS.mkdir(exist_ok=True)
    view.tab.screenshot(path=ARTIFACTS / "lineage-graph-html-click.png")


def test_html_looking_names_are_text_and_run_nothing(
    view: View, page: Path, data: dict[str, Any], synced_demo: Account
) -> None:
    hostile = synced_demo.built["hostile"]
    node = nodes(view)[hostile]
    label = data["labels"][hostile]
    assert re.search("[<>&]", label)  # the page labels the unnamed dataset by its source URI, markup and all
    assert node["label"] == (label if len(label) <= 30 else label[:29] + "\u2026")
    view.tab.mouse.click(*centre(node))
    panel = view.wait_for(f"(p => p.arn === {json.dumps(hostile)} && p)({PANEL_JS})")
    assert panel["source_uri"] == HOSTILE_URI
    assert view.tab.evaluate("window.pwned === undefined && !document.getElementById('pwn')")
    assert view.tab.evaluate("document.querySelectorAll('b, img').length") == 0
    assert view.tab.evaluate("document.scripts.length") == 2  # the data block and the page's own script
    assert view.dialogs == []
    assert view.requests == [page.as_uri()]  # no <img src=x> fetched
    assert view.tab.evaluate("window.violations") == []


def test_wheel_zooms_about_the_pointer(view: View, synced_demo: Account) -> None:
    start = synced_demo.built["start"]
    before = nodes(view)
    scale, tx, ty = view.tab.evaluate(VIEW_JS)
    x, y = centre(before[start])
    view.tab.mouse.move(x, y)
    view.tab.mouse.wheel(0, -120)
    view.wait_for(f"{VIEW_JS}[0] !== {scale}")
    zoomed_scale, _, _ = view.tab.evaluate(VIEW_JS)
    assert zoomed_scale == pytest.approx(scale * 1.1**1.2)  # 10% a notch (100 px)
    after = nodes(view)
    assert after.keys() == before.keys()  # nodes stay drawn, each as much larger
    for arn, node in after.items():
        assert node["width"] == pytest.approx(before[arn]["width"] * 1.1**1.2, rel=1e-3)
    assert centre(after[start]) == pytest.approx((x, y), abs=0.5)  # the point under the pointer stays put
    assert hit(view, x, y) == start

    # As far back at the same point: the view it started from.
    view.tab.mouse.wheel(0, 120)
    view.wait_for(f"{VIEW_JS}[0] < {zoomed_scale}")
    assert view.tab.evaluate(VIEW_JS) == pytest.approx([scale, tx, ty])
    back = nodes(view)
    assert [c for arn in before for c in centre(back[arn])] == pytest.approx(
        [c for node in before.values() for c in centre(node)], abs=0.5
    )


def test_drag_pans(view: View) -> None:
    before = nodes(view)
    scale, tx, ty = view.tab.evaluate(VIEW_JS)
    # Grab the background: a point of the drawing area no node covers.
    x, y = view.tab.evaluate(
        "(() => { const svg = document.getElementById('view');"
        " for (let y = 880; y > 0; y -= 20) for (let x = 20; x < 1060; x += 20)"
        "   if (document.elementFromPoint(x, y) === svg) return [x, y]; })()"
    )
    dx, dy = -150, -90
    view.tab.mouse.move(x, y)
    view.tab.mouse.down()
    view.tab.mouse.move(x + dx, y + dy, steps=5)
    view.tab.mouse.up()
    assert view.tab.evaluate(VIEW_JS) == pytest.approx([scale, tx + dx, ty + dy])
    after = nodes(view)
    for arn, node in after.items():
        assert (node["x"], node["y"]) == pytest.approx((before[arn]["x"] + dx, before[arn]["y"] + dy), abs=0.5)
    # Released: moving the pointer again pans no more.
    view.tab.mouse.move(x, y)
    assert view.tab.evaluate(VIEW_JS) == pytest.approx([scale, tx + dx, ty + dy])
    area = view.tab.evaluate("document.getElementById('view').getBoundingClientRect().toJSON()")
    in_view = [arn for arn, node in after.items() if area["left"] < node["x"] and node["y"] > area["top"]]
    assert in_view
    for arn in in_view:
        assert hit(view, *centre(after[arn])) == arn  # drawn and clickable where it now is
