"""The explorer's /lineage page (static/lineage.js with the renderer, lineage-view.js) in headless Chromium,
served by a real `serve` over the synced demo account plus a hub (forty datasets feeding one job).

What it draws is checked against what the API answers for the same URL (GET /api/v1/lineage), and every
request the page makes must go to the server. Each test's screenshot is kept in test-artifacts/screenshots/.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
import requests
from fixtures.browser import RecordedPage
from fixtures.serve_process import ServeProcess
from fixtures.synced_demo import Account
from playwright.sync_api import Page

from lineage_graph.settings import Neo4jSettings

HUB_INPUTS = 40


@pytest.fixture(scope="module")
def build_extra() -> Callable[[Any], dict[str, str]]:
    """Forty datasets feeding one trial component: more than a view expands one way (a hub)."""

    def build(client: Any) -> dict[str, str]:
        job = client.create_trial_component(TrialComponentName="hub-train")["TrialComponentArn"]
        for i in range(HUB_INPUTS):
            arn = client.create_artifact(
                ArtifactName=f"hub-input-{i:02d}", Source={"SourceUri": f"s3://hub/in/{i:02d}/"}, ArtifactType="DataSet"
            )["ArtifactArn"]
            client.add_association(SourceArn=arn, DestinationArn=job, AssociationType="ContributedTo")
        endpoint = client.describe_context(ContextName="churn-prod-aws-endpoint")["ContextArn"]
        return {"hub-train": job, "endpoint": endpoint}

    return build


@pytest.fixture(scope="module")
def serve(
    synced_demo: Account, neo4j_settings: Neo4jSettings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServeProcess]:
    with ServeProcess.running(neo4j_settings, tmp_path_factory.mktemp("serve") / "serve.log") as process:
        yield process


def api(serve: ServeProcess, path: str, **params: Any) -> dict[str, Any]:
    response = requests.get(f"{serve.url}{path}", params=params, timeout=60)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def open_lineage(page: Page, serve: ServeProcess, draws: int = 1, **params: Any) -> None:
    page.goto(f"{serve.url}/lineage?{urlencode(params)}")
    drawn(page, draws)


def drawn(page: Page, count: int) -> None:
    page.wait_for_selector(f"#lineage[data-drawn='{count}']", state="attached", timeout=60_000)


def positions(page: Page) -> dict[str, str]:
    pairs = page.eval_on_selector_all(".lv-node", "gs => gs.map(g => [g.dataset.ref, g.getAttribute('transform')])")
    return dict(pairs)


def artifacts_shown(page: Page) -> list[bool]:
    script = "gs => gs.map(g => getComputedStyle(g).display !== 'none')"
    return list(page.eval_on_selector_all(".lv-node[data-kind='Artifact']", script))


# Each node box: its ref, its name's lines joined, and whether its name and kind lines lie inside the box.
NAMES_JS = """[...document.querySelectorAll('.lv-node:not(.lv-hub)')].map(g => {
  const b = g.querySelector('.lv-box').getBBox();
  const inside = t => (t = t.getBBox(), t.x >= b.x && t.y >= b.y && t.x + t.width <= b.x + b.width
                                       && t.y + t.height <= b.y + b.height);
  return [g.dataset.ref, g.querySelector('.lv-name').textContent,
          inside(g.querySelector('.lv-name')) && inside(g.querySelector('.lv-kind'))];
})"""
# The drawing's zoom.
ZOOM_JS = "document.querySelector('.lv-world').transform.baseVal.consolidate().matrix.a"


def query(page: Page) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlparse(page.url).query).items()}


def test_draws_the_view_expands_in_place_and_exports_every_edge(
    recorded_page: RecordedPage, serve: ServeProcess, synced_demo: Account
) -> None:
    page = recorded_page.page
    endpoint = synced_demo.built["endpoint"]
    first = api(serve, "/api/v1/lineage", ref=endpoint, depth=1, direction="both")
    open_lineage(page, serve, ref=endpoint, depth=1, direction="both")
    assert set(positions(page)) == {n["ref"] for n in first["nodes"]} | {h["ref"] for h in first["hubs"]}
    assert page.locator(".lv-list-node").count() == len(first["nodes"])
    assert page.locator(".lv-list-edge").count() == len(first["edges"])
    assert page.locator(f".lv-node.lv-start[data-ref='{endpoint}']").count() == 1
    # Readable: drawn at three quarters of its size or more, every name whole (wrapped, not shortened) in its box.
    assert page.evaluate(ZOOM_JS) >= 0.75
    names = {n["ref"]: n["name"] for n in first["nodes"]}
    assert {ref: (shown, inside) for ref, shown, inside in page.evaluate(NAMES_JS)} == {
        ref: (name, True) for ref, name in names.items()
    }

    # Expand upstream from a node that hides some: the new nodes are drawn, the old ones stay put.
    node = next(n for n in first["nodes"] if n["hidden"]["upstream"] > 0 and n["ref"] != endpoint)
    more = api(serve, "/api/v1/lineage", ref=node["ref"], depth=1, direction="upstream")
    before = positions(page)
    page.locator(f".lv-node[data-ref='{node['ref']}'] .lv-expand[data-direction='upstream']").click()
    drawn(page, 2)
    after = positions(page)
    assert {n["ref"] for n in more["nodes"]} - set(before) and {n["ref"] for n in more["nodes"]} <= set(after)
    assert {ref: after[ref] for ref in before} == before  # nothing drawn moved
    boxes = page.eval_on_selector_all(".lv-node .lv-box", "rs => rs.map(r => r.getBoundingClientRect().toJSON())")
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not (
                a["x"] < b["x"] + b["width"]
                and b["x"] < a["x"] + a["width"]
                and a["y"] < b["y"] + b["height"]
                and b["y"] < a["y"] + a["height"]
            ), (a, b)

    edges = {(e["source"], e["target"], e["type"]) for body in (first, more) for e in body["edges"]}
    svg = page.evaluate("window.lineageView.exportSVG()")
    assert svg.count('class="lv-edge"') == len(edges) == page.locator(".lv-edge").count()
    assert svg.count("marker-end=") == len(edges)
    with page.expect_download() as download:
        page.get_by_role("button", name="Export SVG").click()
    assert download.value.suggested_filename == "lineage.svg"

    # By keyboard: Tab reaches the nodes, focus shows the whole name, Enter opens the entity's page.
    page.locator(".lv-fit").focus()
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('lv-node')"):
            break
    focused = page.evaluate("document.activeElement.dataset.ref")
    name = next(n["name"] for body in (first, more) for n in body["nodes"] if n["ref"] == focused)
    assert page.locator(".lv-tooltip .lv-tip-name").text_content() == name
    page.keyboard.press("Enter")
    page.wait_for_url(f"{serve.url}/entity?{urlencode({'ref': focused})}")
    assert recorded_page.foreign(serve.url) == []


def test_depth_filter_and_focus_live_in_the_url(
    recorded_page: RecordedPage, serve: ServeProcess, synced_demo: Account
) -> None:
    page = recorded_page.page
    endpoint = synced_demo.built["endpoint"]
    open_lineage(page, serve, ref=endpoint, depth=1, direction="upstream")
    page.locator("#lineage-depth").fill("3")
    page.locator("#lineage-depth").dispatch_event("change")
    page.wait_for_url(lambda url: "depth=3" in url)
    drawn(page, 1)
    deeper = api(serve, "/api/v1/lineage", ref=endpoint, depth=3, direction="upstream")
    assert page.locator(".lv-node:not(.lv-hub)").count() == len(deeper["nodes"])
    assert all(n["depth"] <= 0 for n in deeper["nodes"]) and min(n["depth"] for n in deeper["nodes"]) == -3

    # Untick a kind in the legend: its nodes go, and the URL says so.
    page.locator(".lv-legend-item[data-kind='Artifact'] input").uncheck()
    assert query(page)["hide"] == "Artifact"
    assert artifacts_shown(page) and not any(artifacts_shown(page))
    # Focus a node: the rest off its paths is dimmed, and the URL says which.
    focus = next(n["ref"] for n in deeper["nodes"] if n["kind"] == "TrialComponent")
    # By keyboard (Space): at a readable zoom the node may be panned out of the frame.
    page.locator(f".lv-node[data-ref='{focus}']").focus()
    page.keyboard.press(" ")
    assert query(page)["focus"] == focus
    dimmed = page.locator(".lv-node.lv-dim").count()
    assert dimmed > 0

    # A reload (or the link shared) draws the same: depth, direction, hidden kind, focus.
    page.reload()
    drawn(page, 1)
    assert query(page) == {"ref": endpoint, "depth": "3", "direction": "upstream", "hide": "Artifact", "focus": focus}
    assert page.locator(f".lv-node.lv-focused[data-ref='{focus}']").count() == 1
    assert page.locator(".lv-node.lv-dim").count() == dimmed
    assert not page.locator(".lv-legend-item[data-kind='Artifact'] input").is_checked()
    assert artifacts_shown(page) and not any(artifacts_shown(page))
    assert page.locator("#lineage-direction").input_value() == "upstream"
    # Another depth keeps the kinds hidden in the legend (the focus is the old picture's: it goes).
    page.locator("#lineage-depth").fill("2")
    page.locator("#lineage-depth").dispatch_event("change")
    page.wait_for_url(lambda url: "depth=2" in url)
    drawn(page, 1)
    assert query(page) == {"ref": endpoint, "depth": "2", "direction": "upstream", "hide": "Artifact"}
    assert artifacts_shown(page) and not any(artifacts_shown(page))

    # The Cypher of the view, with its parameters, to copy into Neo4j Browser.
    page.get_by_role("button", name="Open in Neo4j Browser").click()
    text = page.locator(".neo4j-dialog pre").text_content() or ""
    assert text.startswith(":param ") and deeper["cypher"].strip() in text
    assert recorded_page.foreign(serve.url) == []


def test_a_hub_pages_in_its_neighbours(recorded_page: RecordedPage, serve: ServeProcess, synced_demo: Account) -> None:
    page = recorded_page.page
    job = synced_demo.built["hub-train"]
    first = api(serve, "/api/v1/lineage", ref=job, depth=1, direction="upstream")
    (hub,) = first["hubs"]
    assert hub["count"] == HUB_INPUTS
    open_lineage(page, serve, ref=job, depth=1, direction="upstream")
    node = page.locator(f".lv-node.lv-hub[data-ref='{hub['ref']}']")
    assert f"+{HUB_INPUTS}" in (node.text_content() or "")
    node.click()
    drawn(page, 2)
    inputs = page.eval_on_selector_all(".lv-node[data-kind='Artifact']", "gs => gs.length")
    assert inputs == HUB_INPUTS  # one page of fifty holds them all: the hub is gone
    assert page.locator(".lv-hub").count() == 0
    assert page.locator(".lv-list-edge").count() == HUB_INPUTS
    assert recorded_page.foreign(serve.url) == []


def test_the_walk_through_chosen_kinds_is_in_the_url(
    recorded_page: RecordedPage, serve: ServeProcess, synced_demo: Account
) -> None:
    page = recorded_page.page
    endpoint = synced_demo.built["endpoint"]
    open_lineage(page, serve, ref=endpoint, depth=3, direction="upstream", kinds="Context,Action")
    walked = api(serve, "/api/v1/lineage", ref=endpoint, depth=3, direction="upstream", kinds="Context,Action")
    kinds = page.eval_on_selector_all(".lv-node:not(.lv-hub)", "gs => gs.map(g => g.dataset.kind)")
    assert sorted(kinds) == sorted(n["kind"] for n in walked["nodes"]) and set(kinds) <= {"Context", "Action"}
    page.locator(".walk-kinds summary").click()
    chosen = page.eval_on_selector_all(".kind-choice input:checked", "boxes => boxes.map(b => b.value)")
    assert sorted(chosen) == ["Action", "Context"]
    page.locator(".kind-choice input[value='Artifact']").check()
    page.get_by_role("button", name="Draw").click()
    page.wait_for_url(lambda url: "Artifact" in url)
    drawn(page, 1)
    assert sorted(query(page)["kinds"].split(",")) == ["Action", "Artifact", "Context"]
    assert page.locator(".lv-node[data-kind='Artifact']").count() > 0
    assert recorded_page.foreign(serve.url) == []
