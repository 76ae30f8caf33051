"""Render a lineage subgraph as pictures: Mermaid, Graphviz DOT and a self-contained HTML page."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from typing import Any

from lineage_graph.graph import model
from lineage_graph.kinds import NODE_KINDS
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
    text = json.dumps(data, default=str, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>lineage-graph</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<style>
body{margin:0;font:13px sans-serif;display:flex;height:100vh}
#view{flex:1;cursor:grab}#panel{width:320px;overflow:auto;border-left:1px solid #ccc;padding:8px}
#legend span{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle}
td{vertical-align:top;word-break:break-all;padding:2px}td:first-child{word-break:normal;white-space:nowrap}
</style></head><body>
<svg id="view" xmlns="http://www.w3.org/2000/svg"><g id="world"></g></svg>
<div id="panel"><div id="legend"></div><hr><div id="props">Click a node.</div></div>
<script type="application/json" id="data">__DATA__</script>
<script>
(function(){
var D=JSON.parse(document.getElementById('data').textContent);
var NS='http://www.w3.org/2000/svg',svg=document.getElementById('view'),world=document.getElementById('world');
function el(t,a){var e=document.createElementNS(NS,t);for(var k in a)e.setAttribute(k,a[k]);return e;}
// layered layout: breadth-first from the start, ascendants in columns to the left, descendants to the right
var col={};col[D.start_arn]=0;var queue=[D.start_arn];
while(queue.length){var a=queue.shift();D.edges.forEach(function(e){
  if(e.source_arn===a&&col[a]>=0&&!(e.destination_arn in col)){col[e.destination_arn]=col[a]+1;queue.push(e.destination_arn);}
  if(e.destination_arn===a&&col[a]<=0&&!(e.source_arn in col)){col[e.source_arn]=col[a]-1;queue.push(e.source_arn);}});}
var cols={};D.vertices.forEach(function(v){var c=(v.arn in col)?col[v.arn]:(v.depth||0);(cols[c]=cols[c]||[]).push(v);});
var pos={},minX=1e9,maxX=-1e9,maxY=0;Object.keys(cols).forEach(function(c){cols[c].forEach(function(v,i){
  var p={x:c*260,y:i*60+40};pos[v.arn]=p;minX=Math.min(minX,p.x);maxX=Math.max(maxX,p.x);maxY=Math.max(maxY,p.y);});});
D.edges.forEach(function(e){var a=pos[e.source_arn],b=pos[e.destination_arn];if(!a||!b)return;
  world.appendChild(el('line',{x1:a.x,y1:a.y,x2:b.x,y2:b.y,stroke:'#888','stroke-width':1.5,'data-edge':e.association_type||''}));
  var t=el('text',{x:(a.x+b.x)/2,y:(a.y+b.y)/2-3,'font-size':10,fill:'#555','text-anchor':'middle'});t.textContent=e.association_type||'';world.appendChild(t);});
D.vertices.forEach(function(v){var p=pos[v.arn],start=v.arn===D.start_arn;
  var g=el('g',{'class':'node','data-arn':v.arn,transform:'translate('+p.x+','+p.y+')',cursor:'pointer'});
  g.appendChild(el('rect',{x:-100,y:-18,width:200,height:36,rx:8,fill:D.colours[v.lineage_type]||D.other,stroke:start?'#d00':'#333','stroke-width':start?4:1}));
  var t=el('text',{'text-anchor':'middle',y:4,'font-size':11});var s=String(D.labels[v.arn]);t.textContent=s.length>30?s.slice(0,29)+'\\u2026':s;g.appendChild(t);
  g.addEventListener('click',function(ev){ev.stopPropagation();show(v);});world.appendChild(g);});
function show(v){var p=document.getElementById('props');p.textContent='';var tb=document.createElement('table');
  Object.keys(v).forEach(function(k){var tr=document.createElement('tr'),a=document.createElement('td'),b=document.createElement('td');
    a.textContent=k;b.textContent=v[k]===null?'':String(v[k]);tr.appendChild(a);tr.appendChild(b);tb.appendChild(tr);});p.appendChild(tb);}
var lg=document.getElementById('legend');Object.keys(D.colours).forEach(function(k){var d=document.createElement('div'),s=document.createElement('span');
  s.style.background=D.colours[k];d.appendChild(s);d.appendChild(document.createTextNode(k));lg.appendChild(d);});
var r=svg.getBoundingClientRect(),sc=Math.min(1,(r.width-40)/(maxX-minX+220),(r.height-40)/(maxY+40)),tx=20-(minX-110)*sc,ty=20,drag=null;function apply(){world.setAttribute('transform','translate('+tx+','+ty+') scale('+sc+')');}
svg.addEventListener('mousedown',function(e){drag={x:e.clientX-tx,y:e.clientY-ty};});
window.addEventListener('mousemove',function(e){if(drag){tx=e.clientX-drag.x;ty=e.clientY-drag.y;apply();}});
window.addEventListener('mouseup',function(){drag=null;});
// zoom by how far the wheel turned (a notch is about 100 px; trackpads send many small deltas)
svg.addEventListener('wheel',function(e){e.preventDefault();var f=Math.pow(1.1,-e.deltaY*(e.deltaMode===1?33:e.deltaMode===2?800:1)/100);tx=e.clientX-(e.clientX-tx)*f;ty=e.clientY-(e.clientY-ty)*f;sc*=f;apply();},{passive:false});
apply();
})();
</script></body></html>
"""  # noqa: E501


def to_html(graph: Subgraph) -> str:
    data = {
        "vertices": [dict(v) for v in graph.vertices],
        "edges": [dict(e) for e in graph.edges],
        "start_arn": graph.start_arn,
        "labels": {str(v["arn"]): display_name(v) for v in graph.vertices},
        "colours": KIND_COLOURS,
        "other": OTHER_COLOUR,
    }
    return _PAGE.replace("__DATA__", _script_json(data))


def render_graph(graph: Subgraph, fmt: str) -> str:
    graph = _complete(graph)
    if fmt == "mermaid":
        return to_mermaid(graph)
    if fmt == "dot":
        return to_dot(graph)
    if fmt == "html":
        return to_html(graph)
    raise ValueError(f"unknown graph format {fmt!r}")
