"""First paint of a 500-node lineage view in headless Chromium: from navigation to the renderer's "drawn".

    python bench/explorer_paint.py --nodes 500 --runs 7 --out bench/results/explorer/paint.json

Generates a view (docs/explorer.md) of ``--nodes`` nodes and about 1.2 edges a node over nine depths and
the declared kinds of both sources, and measures two pages in Debian's Chromium through Playwright, each
``--runs`` times in a fresh context (no cache), the first run of each thrown away as warm-up:

- ``explorer``: the page as the explorer serves it, over HTTP from ``lineage_graph/web/static`` (the
  renderer, its stylesheet and the vendored ELK as files) with the view fetched as JSON, as ``/lineage``
  fetches ``/api/v1/lineage``: the API's own time is the lineage API bench's, not this one's;
- ``offline``: the ``--format html`` file of the same view opened from disk (everything inlined).

Two figures a page, from navigation start: ``first_paint`` to the renderer's ``lineage-view-painted`` mark
(every node and edge in the SVG: ELK's layout if it came within 300 ms, else the cheap layout by depth
while ELK works) and ``laid_out`` to ``lineage-view-drawn`` (ELK's layered layout drawn). Goal: first paint
< 1 s.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import random
import statistics
import sys
import tempfile
import threading
from datetime import UTC, datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.run import _cpus, save  # noqa: E402
from lineage_graph.kinds import kind_styles  # noqa: E402
from lineage_graph.present.graph_formats import STATIC, to_html  # noqa: E402
from lineage_graph.query.view import View, ViewEdge, ViewNode  # noqa: E402

GOAL_MS = 1000.0
CHROMIUM = "/usr/bin/chromium"
DEPTHS = range(-4, 5)
# (kind, type, name pattern): what a lineage of training, deployment and OpenLineage's ETL holds.
SHAPES = (
    ("Artifact", "DataSet", "s3://acme-ml-features/churn/2024-{i:02d}/train/part-{i:04d}.csv"),
    ("TrialComponent", "TrainingJob", "churn-exec-{i}-train-aws-training-job"),
    ("Artifact", "Model", "churn-model-{i}"),
    ("Context", "Endpoint", "churn-prod-endpoint-{i}"),
    ("Action", "ModelDeployment", "deploy-churn-{i}"),
    ("TrialComponent", "ProcessingJob", "churn-exec-{i}-preprocess-aws-processing-job"),
    ("OpenLineageDataset", None, "s3://acme-landing/crm/customers/{i}"),
    ("OpenLineageJob", None, "etl/build_features_{i}"),
)
PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>paint</title>
<link rel="stylesheet" href="/static/lineage-view.css">
<script src="/static/vendor/elkjs/elk-api.js"></script><script src="/static/lineage-view.js"></script></head>
<body><div id="lineage"></div><script>
const drawing = new LineageView(document.getElementById("lineage"),
  {workerUrl: "/static/vendor/elkjs/elk-worker.min.js"});
fetch("/view.json").then(r => r.json()).then(view => drawing.set(view));
</script></body></html>"""


def synthetic_view(nodes: int, seed: int = 18) -> View:
    """A connected view of ``nodes`` nodes: each node but the start has an edge towards the start (from
    the depth nearer it), and one in five nodes one more, to a node of the neighbouring depth."""
    rng = random.Random(seed)
    styles = kind_styles()
    start = ViewNode(
        "start",
        "TrialComponent",
        "TrainingJob",
        "churn-exec-0-train-aws-training-job",
        "start",
        "SageMaker",
        0,
        {"upstream": 0, "downstream": 0},
    )
    by_depth: dict[int, list[ViewNode]] = {0: [start]}
    listed = [start]
    for i in range(1, nodes):
        depth = rng.choice([d for d in DEPTHS if d])
        kind, type_, pattern = SHAPES[i % len(SHAPES)]
        name = pattern.format(i=i)
        node = ViewNode(
            f"n{i}",
            kind,
            type_,
            name,
            f"arn:aws:sagemaker:us-east-1:1:x/{name}",
            str(styles[kind]["source"]),
            depth,
            {"upstream": 0, "downstream": 0},
        )
        by_depth.setdefault(depth, []).append(node)
        listed.append(node)
    edges: list[ViewEdge] = []

    def link(node: ViewNode, other_depth: int) -> None:
        candidates = by_depth.get(other_depth) or [start]
        other = rng.choice(candidates)
        source, target = (other, node) if other_depth < node.depth else (node, other)
        edges.append(ViewEdge(source.ref, target.ref, "CONTRIBUTED_TO", "ContributedTo"))

    for node in listed[1:]:
        nearer = node.depth - 1 if node.depth > 0 else node.depth + 1
        link(node, nearer if nearer in by_depth else 0)
        if rng.random() < 0.2:
            link(node, nearer if nearer in by_depth else 0)
    return View("start", listed, edges)


def _serve(directory: Path) -> tuple[ThreadingHTTPServer, str]:
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def _paint_ms(browser: Any, url: str) -> tuple[float, float]:
    """Milliseconds from navigation to the renderer's first paint and to ELK's layout drawn."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = context.new_page()
        page.goto(url)
        page.wait_for_selector("#lineage[data-drawn]", state="attached", timeout=120_000)
        marks = page.evaluate(
            "['lineage-view-painted', 'lineage-view-drawn'].map(m => performance.getEntriesByName(m)[0].startTime)"
        )
        return float(marks[0]), float(marks[1])
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nodes", type=int, default=500)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "explorer" / "paint.json")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    view = synthetic_view(args.nodes)
    kinds = kind_styles()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp)
        (site / "static").symlink_to(Path(str(STATIC)))
        (site / "index.html").write_text(PAGE)
        (site / "view.json").write_text(json.dumps(view.as_json(kinds)))
        offline = site / "offline.html"
        offline.write_text(to_html(view, "paint bench"))
        server, origin = _serve(site)
        pages = {"explorer": f"{origin}/index.html", "offline": offline.as_uri()}
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in pages}
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
                for _ in range(args.runs):
                    for name, url in pages.items():
                        times[name].append(_paint_ms(browser, url))
                browser.close()
        finally:
            server.shutdown()
    result: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": _cpus(),
        "nodes": len(view.nodes),
        "edges": len(view.edges),
        "depths": len({node.depth for node in view.nodes}),
        "kinds": len({node.kind for node in view.nodes}),
        "runs": args.runs - 1,
        "goal_ms": GOAL_MS,
        # The machine is shared: its 1-minute load average before and after the runs says how much.
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }
    for name, runs in times.items():
        result[name] = {
            what: {
                "median_ms": round(statistics.median(kept), 1),
                "max_ms": round(max(kept), 1),
                "runs_ms": [round(t, 1) for t in kept],
            }
            for what, kept in (("first_paint", [r[0] for r in runs[1:]]), ("laid_out", [r[1] for r in runs[1:]]))
        }
    save(args.out, result)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
