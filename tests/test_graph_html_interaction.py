"""The --format html page of a real lineage, opened from disk in headless Chromium as a person would use it.

The demo account plus one dataset whose source URI looks like HTML and JavaScript (feeding the churn-prod
endpoint) is synced into Neo4j; ``lineage <churn-prod's ARN> --format html`` draws the endpoint's
lineage with the explorer's renderer (web/static/lineage-view.js, ELK in a worker made from a blob: URL).
Chromium, driven by Playwright (tests/fixtures/browser.py), records every request the page makes; the
``recorded_page`` fixture keeps each test's screenshot in test-artifacts/screenshots/. Mouse input is real
(``page.mouse``), and the box colours are read back from rendered pixels, not from attributes alone.
"""

from __future__ import annotations

import json
import re
import struct
import zlib
from collections.abc import Callable
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fixtures.browser import RecordedPage
from fixtures.synced_demo import Account
from playwright.sync_api import Page

from lineage_graph.cli import cli

ENDPOINT = "churn-prod-aws-endpoint"
# Markup and script in a place SageMaker allows free text; any of it running sets window.pwned.
HOSTILE_URI = (
    's3://evil/</script><b id="pwn">bold</b><img src=x onerror="window.pwned=1">'
    "<script>window.pwned=2</script>&amp;'\"`${x}"
)
# Every node box: its ref, fill, shown name (its lines joined), how many lines, title, on-screen box, and
# whether its name and kind lines lie inside the box (in the box's own coordinates).
NODES_JS = """[...document.querySelectorAll('.lv-node:not(.lv-hub)')].map(g => {
  const box = g.querySelector('.lv-box'), r = box.getBoundingClientRect(), b = box.getBBox();
  const inside = t => (t = t.getBBox(), t.x >= b.x && t.y >= b.y && t.x + t.width <= b.x + b.width
                                       && t.y + t.height <= b.y + b.height);
  return {ref: g.dataset.ref, fill: box.getAttribute('fill'), shown: g.querySelector('.lv-name').textContent,
          lines: g.querySelectorAll('.lv-name tspan').length, title: g.querySelector('title').textContent,
          inside: inside(g.querySelector('.lv-name')) && inside(g.querySelector('.lv-kind')),
          x: r.x, y: r.y, width: r.width, height: r.height};
})"""
# The drawing's frame on screen.
FRAME_JS = "document.querySelector('.lv-svg').getBoundingClientRect().toJSON()"
# The view transform of the drawing: [scale, translate x, translate y].
VIEW_JS = "(m => [m.a, m.e, m.f])(document.querySelector('.lv-world').transform.baseVal.consolidate().matrix)"
LOCAL = ("file:", "data:", "blob:")


def add_hostile_dataset(client: Any) -> dict[str, str]:
    """An unnamed dataset (so the page calls it by its source URI) feeding the churn-prod endpoint."""
    endpoint = client.describe_context(ContextName=ENDPOINT)["ContextArn"]
    hostile = client.create_artifact(Source={"SourceUri": HOSTILE_URI}, ArtifactType="DataSet")["ArtifactArn"]
    client.add_association(SourceArn=hostile, DestinationArn=endpoint, AssociationType="ContributedTo")
    return {"endpoint": endpoint, "hostile": hostile}


@pytest.fixture(scope="module")
def build_extra() -> Callable[[Any], dict[str, str]]:
    return add_hostile_dataset


@pytest.fixture(scope="module")
def page_file(synced_demo: Account, sync_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("html") / "lineage.html"
    endpoint = synced_demo.built["endpoint"]  # by ARN: its name is also its deployment action's
    args = ["lineage", endpoint, "--direction", "both", "--format", "html", "--output", str(path)]
    result = CliRunner().invoke(cli, args, env=sync_env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def data(page_file: Path) -> dict[str, Any]:
    """The view the page embeds: what it should draw."""
    block = re.search(r'<script type="application/json" id="data">(.*?)</script>', page_file.read_text(), re.S)
    assert block is not None
    return dict(json.loads(block.group(1)))


@pytest.fixture
def tab(recorded_page: RecordedPage, page_file: Path) -> Page:
    """The page freshly loaded from disk, ELK's layout drawn."""
    recorded_page.page.goto(page_file.as_uri())
    recorded_page.page.wait_for_selector("#lineage[data-drawn]", state="attached", timeout=60_000)
    return recorded_page.page


def nodes(tab: Page) -> dict[str, dict[str, Any]]:
    return {node["ref"]: node for node in tab.evaluate(NODES_JS)}


def centre(node: dict[str, Any]) -> tuple[float, float]:
    return node["x"] + node["width"] / 2, node["y"] + node["height"] / 2


def pixel(tab: Page, x: float, y: float) -> str:
    """The rendered colour of one pixel, as #rrggbb (a 1x1 PNG: every PNG row filter leaves it as is)."""
    png = tab.screenshot(clip={"x": round(x), "y": round(y), "width": 1, "height": 1})
    pos, idat = 8, b""
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        if png[pos + 4 : pos + 8] == b"IDAT":
            idat += png[pos + 8 : pos + 8 + length]
        pos += 12 + length
    return "#" + zlib.decompress(idat)[1:4].hex()


def hit(tab: Page, x: float, y: float) -> str | None:
    """The ref of the node the pointer at (x, y) is over, if any."""
    ref = tab.evaluate(f"document.elementFromPoint({x}, {y})?.closest('.lv-node')?.dataset.ref ?? null")
    return None if ref is None else str(ref)


def pan_to(tab: Page, ref: str, dx: float, dy: float) -> tuple[float, float]:
    """Pans the drawing (the zoom kept) so node `ref` is in the middle of the frame; returns the screen point
    (dx, dy) from its box's top left corner."""
    tab.evaluate(
        """([ref, k]) => { const view = window.lineageView, node = view.nodes.get(ref);
          const r = document.querySelector('.lv-svg').getBoundingClientRect();
          const x = r.width / 2 - (node.x + node.width / 2) * k, y = r.height / 2 - (node.y + node.height / 2) * k;
          view.transform = {k, x, y};
          view.applyTransform(); }""",
        [ref, tab.evaluate(VIEW_JS)[0]],
    )
    node = nodes(tab)[ref]
    return node["x"] + dx, node["y"] + dy


def overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and (b["y"] < a["y"] + a["height"])
    )


def test_every_node_in_its_colour_no_overlaps_offline(
    tab: Page, recorded_page: RecordedPage, data: dict[str, Any], page_file: Path
) -> None:
    view_nodes = {node["ref"]: node for node in data["nodes"]}
    assert len(view_nodes) > 8 and {"TrialComponent", "Artifact", "Context"} <= set(data["kinds"]), data["kinds"]
    drawn = nodes(tab)
    assert drawn.keys() == view_nodes.keys()
    scale = tab.evaluate(VIEW_JS)[0]
    assert 0.75 <= scale <= 1  # readable: a wide lineage is panned, not shrunk
    frame = tab.evaluate(FRAME_JS)
    for ref, node in drawn.items():
        kind = data["kinds"][view_nodes[ref]["kind"]]
        colour = (kind["types"].get(view_nodes[ref]["type"]) or {}).get("colour") or kind["colour"]
        assert node["fill"] == colour, node
        assert node["inside"], node  # the name's lines and the kind line lie within the box
        # Right of the name, below the source badge: only the box's fill is painted there.
        # The drawing may be wider than its frame: each node panned into its middle first.
        x, y = pan_to(tab, ref, node["width"] - 5 * scale, 22 * scale)
        assert frame["left"] < x < frame["right"] and frame["top"] < y < frame["bottom"]
        assert hit(tab, x, y) == ref, node  # on top where it is drawn, nothing covers it
        assert pixel(tab, x, y) == colour, node
    drawn = nodes(tab)  # where they are after panning
    for a, b in combinations(drawn.values(), 2):
        assert not overlap(a, b), (a, b)
    # Edge labels (ELK places them at this size) cover no box and no other label.
    labels = tab.eval_on_selector_all(".lv-label-box", "rs => rs.map(r => r.getBoundingClientRect().toJSON())")
    assert len(labels) == len(data["edges"])
    for label in labels:
        assert not any(overlap(label, node) for node in drawn.values()), label
    for a, b in combinations(labels, 2):
        assert not overlap(a, b), (a, b)
    assert [url for url in recorded_page.requests if not url.startswith(LOCAL)] == []
    assert recorded_page.requests[0] == page_file.as_uri()
    assert any(url.startswith("blob:") for url in recorded_page.requests)  # ELK's worker, made by the page


def test_every_edge_has_an_arrowhead_and_its_type(tab: Page, data: dict[str, Any]) -> None:
    edges = tab.evaluate(
        """[...document.querySelectorAll('.lv-edge')].map(g => {
          const path = g.querySelector('path'), id = /^url\\(#(.+)\\)$/.exec(path.getAttribute('marker-end'))[1];
          const marker = document.getElementById(id);
          return {source: g.dataset.source, target: g.dataset.target, type: g.dataset.type,
                  marker: marker && marker.tagName, head: marker ? marker.querySelectorAll('path').length : 0,
                  title: g.querySelector('title').textContent, length: path.getTotalLength()};
        })"""
    )
    expected = sorted((e["source"], e["target"], e["type"]) for e in data["edges"])
    assert sorted((e["source"], e["target"], e["type"]) for e in edges) == expected
    names = {node["ref"]: node["name"] for node in data["nodes"]}
    labels = {(e["source"], e["target"], e["type"]): e["label"] for e in data["edges"]}
    for edge in edges:
        assert edge["marker"] == "marker" and edge["head"] == 1 and edge["length"] > 10, edge
        label = labels[(edge["source"], edge["target"], edge["type"])]
        assert edge["title"] == f"{names[edge['source']]} → {label} → {names[edge['target']]}"


def test_whole_names_on_hover_legend_and_list(tab: Page, data: dict[str, Any], synced_demo: Account) -> None:
    view_nodes = {node["ref"]: node for node in data["nodes"]}
    drawn = nodes(tab)
    hostile = synced_demo.built["hostile"]
    # Every demo name is drawn whole, the long S3 URIs wrapped onto a second or third line; only a name
    # longer than three lines (not one of the demo's) may be shortened in the middle.
    wrapped = [ref for ref, node in drawn.items() if node["lines"] > 1]
    assert wrapped  # the demo's S3 URIs are longer than a box's line
    for ref, node in drawn.items():
        whole = view_nodes[ref]["name"]
        assert node["title"].split("\n")[0] == whole
        assert node["shown"] == whole or (ref == hostile and "…" in node["shown"]), node
        assert 1 <= node["lines"] <= 3, node
    # Hovering a wrapped box shows its whole name as text.
    ref = max(wrapped, key=lambda ref: len(view_nodes[ref]["name"]))
    tab.mouse.move(*centre(drawn[ref]))
    tip = tab.locator(".lv-tooltip")
    tip.wait_for(state="visible")
    assert tip.locator(".lv-tip-name").text_content() == view_nodes[ref]["name"]

    legend = tab.eval_on_selector_all(".lv-legend-item", "items => items.map(i => i.dataset.kind)")
    assert sorted(legend) == sorted({node["kind"] for node in data["nodes"]}) == sorted(data["kinds"])

    items = tab.eval_on_selector_all(".lv-list-node", "items => items.map(i => i.textContent)")
    edges = tab.eval_on_selector_all(".lv-list-edge", "items => items.map(i => i.textContent)")
    assert len(items) == len(data["nodes"]) and len(edges) == len(data["edges"])
    # The unnamed hostile dataset: called by its source URI, which is also where it is.
    assert f"{HOSTILE_URI} — artifact (DataSet), SageMaker — {HOSTILE_URI}" in items
    assert tab.get_by_role("heading", name=f"Edges ({len(data['edges'])})").is_visible()


def test_html_looking_names_are_text_and_run_nothing(
    tab: Page, recorded_page: RecordedPage, synced_demo: Account
) -> None:
    hostile = synced_demo.built["hostile"]
    node = nodes(tab)[hostile]
    assert node["title"].startswith(HOSTILE_URI)
    tab.mouse.click(*centre(node))
    assert tab.evaluate("window.pwned === undefined && !document.getElementById('pwn')")
    assert tab.evaluate("document.querySelectorAll('b, img').length") == 0
    assert [url for url in recorded_page.requests if not url.startswith(LOCAL)] == []  # no <img src=x> fetched


def test_focus_dims_what_is_off_the_path_and_escape_clears(tab: Page, data: dict[str, Any]) -> None:
    drawn = nodes(tab)
    start = data["start"]
    tab.mouse.click(*centre(drawn[start]))
    tab.wait_for_selector(f".lv-node.lv-focused[data-ref='{start}']")
    dimmed = set(tab.eval_on_selector_all(".lv-node.lv-dim", "gs => gs.map(g => g.dataset.ref)"))
    # Everything upstream and downstream of the start is on its path; so the lineage of the start is all lit.
    assert dimmed == set()
    leaf = next(node["ref"] for node in data["nodes"] if node["depth"] == min(n["depth"] for n in data["nodes"]))
    # The leaf may be panned out of the frame (the drawing is kept readable, not shrunk): by keyboard.
    tab.locator(f".lv-node[data-ref='{leaf}']").focus()
    tab.keyboard.press(" ")
    tab.wait_for_selector(".lv-node.lv-dim")
    dimmed = set(tab.eval_on_selector_all(".lv-node.lv-dim", "gs => gs.map(g => g.dataset.ref)"))
    assert leaf not in dimmed and start not in dimmed and dimmed
    tab.get_by_label("show only this path").check()
    assert all(not tab.locator(f".lv-node[data-ref='{ref}']").is_visible() for ref in list(dimmed)[:5])
    tab.keyboard.press("Escape")
    tab.wait_for_selector(".lv-node.lv-dim", state="detached")
    assert tab.get_by_label("show only this path").is_disabled()


def test_filter_by_kind_hides_nodes_edges_and_list_items(tab: Page, data: dict[str, Any]) -> None:
    tab.locator(".lv-legend-item[data-kind='Artifact'] input").uncheck()
    artifacts = [node for node in data["nodes"] if node["kind"] == "Artifact"]
    kept = {node["ref"] for node in data["nodes"] if node["kind"] != "Artifact"}
    assert artifacts
    visible = tab.eval_on_selector_all(
        ".lv-node", "gs => gs.filter(g => getComputedStyle(g).display !== 'none').map(g => g.dataset.ref)"
    )
    assert set(visible) == kept
    edges = [e for e in data["edges"] if e["source"] in kept and e["target"] in kept]
    assert tab.locator(".lv-list-edge").count() == len(edges)
    assert tab.locator(".lv-list-node").count() == len(kept)


def test_wheel_zooms_about_the_pointer_and_drag_pans(tab: Page, data: dict[str, Any]) -> None:
    start = data["start"]
    before = nodes(tab)
    scale, tx, ty = tab.evaluate(VIEW_JS)
    x, y = centre(before[start])
    tab.mouse.move(x, y)
    tab.mouse.wheel(0, -120)
    for _ in range(100):  # polled here: the page's CSP forbids wait_for_function's eval
        if tab.evaluate(VIEW_JS)[0] != scale:
            break
        tab.wait_for_timeout(20)
    zoomed = tab.evaluate(VIEW_JS)[0]
    assert zoomed == pytest.approx(scale * 1.1**1.2)  # 10 % a notch (100 px)
    after = nodes(tab)
    for ref, node in after.items():
        assert node["width"] == pytest.approx(before[ref]["width"] * 1.1**1.2, rel=1e-3)
    assert centre(after[start]) == pytest.approx((x, y), abs=0.5)  # the point under the pointer stays put
    assert hit(tab, x, y) == start

    # Grab the background: a point of the drawing no node covers.
    bx, by = tab.evaluate(
        "(() => { const svg = document.querySelector('.lv-svg'), r = svg.getBoundingClientRect();"
        " for (let y = r.bottom - 10; y > r.top; y -= 20) for (let x = r.left + 10; x < r.right; x += 20)"
        "   if (document.elementFromPoint(x, y) === svg) return [x, y]; })()"
    )
    scale, tx, ty = tab.evaluate(VIEW_JS)
    dx, dy = -150, -90
    tab.mouse.move(bx, by)
    tab.mouse.down()
    tab.mouse.move(bx + dx, by + dy, steps=5)
    tab.mouse.up()
    assert tab.evaluate(VIEW_JS) == pytest.approx([scale, tx + dx, ty + dy])
    tab.mouse.move(bx, by)  # released: moving again pans no more
    assert tab.evaluate(VIEW_JS) == pytest.approx([scale, tx + dx, ty + dy])
    moved = nodes(tab)
    assert centre(moved[start]) == pytest.approx((x + dx, y + dy), abs=0.5)


def test_exports_hold_every_edge(tab: Page, data: dict[str, Any]) -> None:
    svg = tab.evaluate("window.lineageView.exportSVG()")
    assert svg.startswith("<svg") and 'xmlns="http://www.w3.org/2000/svg"' in svg
    assert svg.count('class="lv-edge"') == len(data["edges"])
    assert svg.count("marker-end=") == len(data["edges"]) and "<marker" in svg
    assert "<script" not in svg and "href=" not in svg
    png = tab.evaluate(
        "window.lineageView.exportPNG().then(b => b.arrayBuffer()).then(a => Array.from(new Uint8Array(a)))"
    )
    data_bytes = bytes(png)
    assert data_bytes[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data_bytes[16:24])
    assert width > 400 and height > 100


def test_provenance_draws_with_the_same_renderer(
    recorded_page: RecordedPage, synced_demo: Account, sync_env: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "provenance.html"
    args = ["provenance", "churn-prod", "--format", "html", "--output", str(path)]
    result = CliRunner().invoke(cli, args, env=sync_env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    block = re.search(r'<script type="application/json" id="data">(.*?)</script>', path.read_text(), re.S)
    assert block is not None
    view = json.loads(block.group(1))
    page = recorded_page.page
    page.goto(path.as_uri())
    page.wait_for_selector("#lineage[data-drawn]", state="attached", timeout=60_000)
    assert page.locator("h1").text_content() == "Provenance of churn-prod"
    assert set(nodes(page)) == {node["ref"] for node in view["nodes"]} and len(view["nodes"]) > 5
    assert page.locator(".lv-edge path[marker-end]").count() == len(view["edges"]) > 5
    assert page.locator(".lv-list-edge").count() == len(view["edges"])
    assert [url for url in recorded_page.requests if not url.startswith(LOCAL)] == []
