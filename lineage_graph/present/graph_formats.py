"""Render a lineage subgraph as pictures: Mermaid, Graphviz DOT, and a self-contained HTML page drawn by the
explorer's renderer (``web/static/lineage-view.js``) from the answer's view (``query.view.crossing_view``)."""

from __future__ import annotations

import dataclasses
import html
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from importlib import resources
from typing import Any

from lineage_graph.graph import model
from lineage_graph.kinds import NODE_KINDS, kind_styles
from lineage_graph.query.view import View, crossing_view
from lineage_graph.sagemaker.kinds import KIND_BY_ARN_RESOURCE

GRAPH_FORMATS = ("mermaid", "dot", "html")

# Each kind's colour as its declaration gives it (the Browser's stylesheet has the same ones).
KIND_COLOURS = {kind.label: kind.style.colour for kind in NODE_KINDS if kind.style.colour}
OTHER_COLOUR = model.OTHER_COLOUR


@dataclasses.dataclass(frozen=True)
class Subgraph:
    vertices: Sequence[Mapping[str, Any]]
    edges: Sequence[Mapping[str, Any]]
    start_arn: str


def crossing_subgraph(
    vertices: Sequence[Mapping[str, Any]], edges: Sequence[Mapping[str, Any]], start: str
) -> Subgraph:
    """An answer across the sources as the pictures take it: entities by their ``uri`` (OpenLineage's have
    no ARN), edges ``source``, ``destination``, ``relationship`` and the join's ``rule``."""
    return Subgraph(
        [
            # Drawn in its kind's colour: OpenLineageDataset, OpenLineageRun, OpenLineageJob. A dataset is
            # called by its uri: its name alone (`crm/customers`) is the same in the landing and raw buckets.
            {
                **v,
                "arn": v["uri"],
                "lineage_type": f"OpenLineage{v['type']}",
                **({"name": v["uri"]} if v["type"] == "Dataset" else {}),
            }
            if v["lineage_type"] == "OpenLineage"
            else {**v, "arn": v["uri"]}
            for v in vertices
        ],
        [
            {
                "source_arn": e["source"],
                "destination_arn": e["destination"],
                "association_type": f"{e['relationship']} {e['rule']}" if e["rule"] else e["relationship"],
            }
            for e in edges
        ],
        start,
    )


def _complete(graph: Subgraph) -> Subgraph:
    """Add a bare vertex for the start and for every edge end the vertices lack, so each end gets drawn."""
    vertices = [dict(v) for v in graph.vertices]
    seen = {str(v["arn"]) for v in vertices}
    ends = [graph.start_arn] + [str(e[k]) for e in graph.edges for k in ("source_arn", "destination_arn")]
    for arn in ends:
        if arn not in seen:
            seen.add(arn)
            kind = arn.split(":")[5].split("/")[0] if arn.count(":") >= 5 else None
            name = arn.rsplit("/", 1)[-1]
            known = KIND_BY_ARN_RESOURCE.get(str(kind))
            vertices.append({"arn": arn, "name": name, "lineage_type": known.label if known else kind})
    return Subgraph(vertices, list(graph.edges), graph.start_arn)


def _colour(kind: Any) -> str:
    return KIND_COLOURS.get(str(kind), OTHER_COLOUR)


def _ids(graph: Subgraph) -> dict[str, str]:
    ids: dict[str, str] = {}
    for vertex in graph.vertices:
        ids.setdefault(str(vertex["arn"]), f"n{len(ids)}")
    for edge in graph.edges:
        for end in (str(edge["source_arn"]), str(edge["destination_arn"])):
            ids.setdefault(end, f"n{len(ids)}")
    return ids


def short_uri(uri: str, width: int = 48) -> str:
    """A source URI short enough for a label: an ARN's resource part; a long URI's scheme and host (or
    bucket), an ellipsis and its last path segment (``s3://bucket/…/train.csv``, ``…/repo:tag``)."""
    if uri.startswith("arn:") and uri.count(":") >= 5:
        return uri.split(":", 5)[5]
    if len(uri) <= width:
        return uri
    scheme, sep, rest = uri.rpartition("://")
    host, _, path = rest.partition("/")
    segments = [s for s in path.split("/") if s]
    if not segments:
        return uri
    last = segments[-1] + ("/" if path.endswith("/") else "")
    return f"{scheme}{sep}{host}/…/{last}" if sep else f"…/{last}"


def display_name(vertex: Mapping[str, Any]) -> str:
    """What to call an entity: its name, else its source URI (artifacts often have no name), else its ARN."""
    return str(
        vertex.get("name") or (vertex.get("source_uri") and short_uri(str(vertex["source_uri"]))) or vertex["arn"]
    )


def _label(vertex: Mapping[str, Any]) -> str:
    kind = vertex.get("type") or vertex.get("lineage_type") or ""
    return f"{display_name(vertex)} ({kind})"


def _mermaid_text(text: str) -> str:
    """Mermaid entity codes for every character that could end a label or start markup."""
    return "".join(ch if ch.isalnum() or ch in " .:/-_()" else f"#{ord(ch)};" for ch in text)


def _mermaid_class(kind: Any) -> str:
    name = "".join(ch for ch in str(kind) if ch.isalnum())
    return f"kind{name}" if name else "kindOther"


def to_mermaid(graph: Subgraph) -> str:
    ids = _ids(graph)
    lines = ["graph LR"]
    kinds: set[str] = set()
    for vertex in graph.vertices:
        arn = str(vertex["arn"])
        cls = _mermaid_class(vertex.get("lineage_type"))
        kinds.add(str(vertex.get("lineage_type")))
        lines.append(f'  {ids[arn]}["{_mermaid_text(_label(vertex))}"]:::{cls}')
    for edge in graph.edges:
        src, dst = ids[str(edge["source_arn"])], ids[str(edge["destination_arn"])]
        lines.append(f'  {src} -->|"{_mermaid_text(str(edge.get("association_type") or ""))}"| {dst}')
    for kind in sorted(kinds):
        lines.append(f"  classDef {_mermaid_class(kind)} fill:{_colour(kind)},stroke:#333,color:#000")
    if graph.start_arn in ids:
        lines.append(f"  style {ids[graph.start_arn]} stroke:#d00,stroke-width:4px")
    return "\n".join(lines)


def _dot_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "")
    return f'"{escaped}"'


def to_dot(graph: Subgraph) -> str:
    ids = _ids(graph)
    lines = ["digraph lineage {", "  rankdir=LR;", '  node [shape=box, style="rounded,filled"];']
    for vertex in graph.vertices:
        arn = str(vertex["arn"])
        attrs = [
            f"label={_dot_string(_label(vertex))}",
            f"tooltip={_dot_string(arn)}",
            f"fillcolor={_dot_string(_colour(vertex.get('lineage_type')))}",
        ]
        if arn == graph.start_arn:
            attrs += ['color="#dd0000"', "penwidth=3"]
        lines.append(f"  {ids[arn]} [{', '.join(attrs)}];")
    for edge in graph.edges:
        src, dst = ids[str(edge["source_arn"])], ids[str(edge["destination_arn"])]
        lines.append(f"  {src} -> {dst} [label={_dot_string(str(edge.get('association_type') or ''))}];")
    lines.append("}")
    return "\n".join(lines)


def _script_json(data: Any) -> str:
    """JSON that cannot end its <script> block or open markup: <, > and & as \\u escapes."""
    text = json.dumps(data, default=str, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


STATIC = resources.files("lineage_graph.web") / "static"
# What the page may do: run and style what it carries, start ELK's worker from a blob: URL it makes, draw
# an exported SVG into a PNG. Nothing else loads.
_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; worker-src blob:; img-src data: blob:"
)
_PAGE_STYLE = (
    "body{margin:0;font:14px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:#1f2328}"
    "header{padding:.5rem 1rem;border-bottom:1px solid #d1d9e0}header h1{font-size:1.1rem;margin:0}"
    "header p{margin:.1rem 0 0;color:#59636e;overflow-wrap:anywhere}main{padding:.5rem 1rem}"
    ".exports{display:flex;gap:.5rem;margin-top:.35rem}"
)
# Starts the renderer on the view in #data, its worker made from the inlined ELK worker script.
_BOOT = """(function () {
  var view = JSON.parse(document.getElementById("data").textContent);
  var worker = JSON.parse(document.getElementById("elk-worker").textContent);
  var url = URL.createObjectURL(new Blob([worker], {type: "text/javascript"}));
  var drawing = new LineageView(document.getElementById("lineage"), {workerUrl: url});
  function save(blob, name) {
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = name;
    link.click();
  }
  document.getElementById("export-svg").addEventListener("click", function () {
    save(new Blob([drawing.exportSVG()], {type: "image/svg+xml"}), "lineage.svg");
  });
  document.getElementById("export-png").addEventListener("click", function () {
    drawing.exportPNG().then(function (blob) { save(blob, "lineage.png"); });
  });
  window.lineageView = drawing;
  drawing.set(view);
})();"""


def _inline_script(name: str) -> str:
    """A static script as the body of a <script> element: it must not contain the end tag."""
    text = (STATIC / name).read_text(encoding="utf-8")
    if "</script" in text.lower():
        raise ValueError(f"{name} cannot be inlined: it contains </script")
    return text


@dataclasses.dataclass(frozen=True)
class Drawing:
    """The explorer's drawing of a view, in parts a page puts where it wants them: ``csp`` (what the page
    must allow, as its Content-Security-Policy), ``style`` (CSS), ``exports`` (the SVG and PNG export
    buttons, which the boot script looks up by id), ``canvas`` (where it draws) and ``scripts`` (the view,
    ELK, the renderer and the boot, after the canvas)."""

    csp: str
    style: str
    exports: str
    canvas: str
    scripts: str


def drawing(view: View) -> Drawing:
    """``view`` drawn offline by lineage-view.js: ELK inlined (its worker started from a blob: URL), the view
    as JSON that cannot break out of its block."""
    return Drawing(
        csp=_CSP,
        style=(STATIC / "lineage-view.css").read_text(encoding="utf-8"),
        exports='<div class="exports"><button type="button" id="export-svg">Export SVG</button>'
        '<button type="button" id="export-png">Export PNG</button></div>',
        canvas='<div id="lineage"></div>',
        scripts="".join(
            [
                f'<script type="application/json" id="data">{_script_json(view.as_json(kind_styles()))}</script>',
                '<script type="application/json" id="elk-worker">',
                _script_json((STATIC / "vendor" / "elkjs" / "elk-worker.min.js").read_text(encoding="utf-8")),
                "</script>",
                f"<script>{_inline_script('vendor/elkjs/elk-api.js')}</script>",
                f"<script>{_inline_script('lineage-view.js')}</script>",
                f"<script>{_BOOT}</script>",
            ]
        ),
    )


def to_html(view: View, title: str, generated_at: datetime | None = None) -> str:
    """One offline page drawing ``view`` with the explorer's renderer (``drawing``: lineage-view.js and its
    stylesheet, ELK inlined) under a header: what is drawn, from which start, when."""
    when = (generated_at or datetime.now(UTC)).isoformat(timespec="seconds")
    start = next((node for node in view.nodes if node.ref == view.start), None)
    subtitle = (
        f"Start: {start.name if start else view.start} ({start.kind if start else 'unknown'}) · "
        f"{len(view.nodes)} nodes, {len(view.edges)} edges · generated {when} by lineage-graph"
    )
    picture = drawing(view)
    return "".join(
        [
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{picture.csp}">',
            f"<title>{html.escape(title)}</title>",
            f"<style>{_PAGE_STYLE}{picture.style}</style>",
            "</head><body><header>",
            f"<h1>{html.escape(title)}</h1><p>{html.escape(subtitle)}</p>",
            picture.exports,
            f"</header><main>{picture.canvas}</main>",
            picture.scripts,
            "</body></html>\n",
        ]
    )


def render_crossing(
    vertices: Sequence[Mapping[str, Any]], edges: Sequence[Mapping[str, Any]], start: str, fmt: str, title: str
) -> str:
    """An answer across the sources as a picture: Mermaid or DOT of its subgraph, or the explorer's drawing
    of its view (html), ``title`` its heading."""
    if fmt == "html":
        return to_html(crossing_view(vertices, edges, start), title)
    return render_graph(crossing_subgraph(vertices, edges, start), fmt)


def render_graph(graph: Subgraph, fmt: str) -> str:
    graph = _complete(graph)
    if fmt == "mermaid":
        return to_mermaid(graph)
    if fmt == "dot":
        return to_dot(graph)
    raise ValueError(f"unknown graph format {fmt!r}")
