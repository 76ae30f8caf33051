"""The renderer on big views, in headless Chromium: the `--format html` file of a generated view (the paint
bench's, bench/explorer_paint.py) opened from disk.

Past 150 nodes ELK lays out without labels and each label goes where it covers nothing; past 1,000 nodes
the renderer's own layout (a column a depth) is all there is. Either way: every node and edge drawn, every
edge with its arrowhead, no two boxes overlapping, no label on a box or another label, nothing fetched.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fixtures.browser import RecordedPage

from bench.explorer_paint import synthetic_view
from lineage_graph.present.graph_formats import to_html

LOCAL = ("file:", "data:", "blob:")
# The drawing as the renderer holds it (world coordinates): boxes, and labels drawn.
MODEL_JS = """(() => {
  const view = window.lineageView;
  return {
    boxes: [...view.nodes.values()].map(n => [n.x, n.y, n.width, n.height]),
    labels: view.edges.filter(e => e.label).map(e => [e.label.x, e.label.y, e.label.width, e.label.height]),
    edges: document.querySelectorAll('.lv-edge').length,
    arrows: document.querySelectorAll('.lv-edge path[marker-end]').length,
    nodes: document.querySelectorAll('.lv-node').length,
    listed: [document.querySelectorAll('.lv-list-node').length, document.querySelectorAll('.lv-list-edge').length],
    // Nodes whose name or kind line spills out of their box, at natural size (zoomed far out, Chromium
    // measures text at its minimum font size, which is larger than the drawing's scaled font).
    spilling: (view.transform = {k: 1, x: 0, y: 0}, view.applyTransform(),
               [...document.querySelectorAll('.lv-node:not(.lv-hub)')].filter(g => {
      const b = g.querySelector('.lv-box').getBBox();
      return [...g.querySelectorAll('.lv-name, .lv-kind')].some(t => (t = t.getBBox(),
        t.x < b.x || t.y < b.y || t.x + t.width > b.x + b.width || t.y + t.height > b.y + b.height));
    }).map(g => g.dataset.ref)),
  };
})()"""


def overlapping(boxes: list[list[float]]) -> list[tuple[list[float], list[float]]]:
    """Pairs of boxes that overlap, found by a sweep over x."""
    found = []
    ordered = sorted(boxes)
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if b[0] >= a[0] + a[2]:
                break
            if a[1] < b[1] + b[3] and b[1] < a[1] + a[3]:
                found.append((a, b))
    return found


@pytest.mark.parametrize("size", [500, 1200])
def test_a_big_view_is_drawn_whole_without_overlaps(recorded_page: RecordedPage, tmp_path: Path, size: int) -> None:
    view = synthetic_view(size)
    path = tmp_path / "big.html"
    path.write_text(to_html(view, f"{size} nodes"))
    page = recorded_page.page
    page.goto(path.as_uri())
    page.wait_for_selector("#lineage[data-drawn]", state="attached", timeout=120_000)
    drawn: dict[str, Any] = page.evaluate(MODEL_JS)
    assert drawn["nodes"] == len(view.nodes) and drawn["edges"] == drawn["arrows"] == len(view.edges)
    assert drawn["listed"] == [len(view.nodes), len(view.edges)]
    assert overlapping(drawn["boxes"]) == []
    assert drawn["spilling"] == []
    assert overlapping(drawn["boxes"] + drawn["labels"]) == []
    if size <= 1000:
        assert len(drawn["labels"]) > len(view.edges) / 2  # most labels found a free place
    assert [url for url in recorded_page.requests if not url.startswith(LOCAL)] == []
