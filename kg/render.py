"""The interactive map: one self-contained, offline HTML file drawn with vis-network.

Vendored library: vis-network 9.1.13, `standalone/umd/vis-network.min.js` from the npm
package vis-network@9.1.13 (https://github.com/visjs/vis-network), dual licensed
Apache-2.0 OR MIT; copied to kg/static/ with both license texts in
kg/static/vis-network.LICENSE. The standalone build carries its own CSS.

pyvis's own HTML output loads bootstrap and vis-network from CDNs, so kg uses pyvis only
for the option dicts and writes its page from kg/static/map.html, map.css and the map-*.js
parts with map.js (APP_SCRIPTS, pasted into one <script> block). Every string
from the graph travels as JSON in a <script type="application/json"> block and the page
puts it into the DOM with textContent only (see map-util.js), so names such as
"<script>...</script>" stay text.
"""
from __future__ import annotations

import functools
import html
import importlib.resources
import json
import math
import re
from collections import Counter
from pathlib import Path
from typing import Any

import networkx as nx
from pyvis.edge import Edge
from pyvis.network import Network
from pyvis.node import Node

from kg.export import atomic_write_text
from kg.style import finite_float as _float
from kg.layout import compute_layout, core_edges, has_layout, ranked_nodes, weighted_degree
from kg.events import DONE, EVENT_TYPES, SYMMETRIC, edge_events
from kg.style import COMMUNITY_COLOURS, COMMUNITY_OTHER, EDGE_STYLE, SUBTYPE_STYLE, TYPE_STYLE, scaled_size
from kg.style import style_keys as _style_keys

CJK_FONTS = ('"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", '
             '"WenQuanYi Micro Hei", sans-serif')

# The page's script, in parts (each a function of its own; map.js, last, wires them up).
APP_SCRIPTS = ("map-util.js", "map-panel.js", "map-search.js", "map-table.js", "map.js")
LABEL_MAX_CHARS = 16  # longer names are cut on the canvas; the side panel shows them whole
_TEMPLATE_SLOT = re.compile(r"\{\{(KG_[A-Z_]+)\}\}")
# Characters that must not appear raw inside a <script> block (or, for U+2028/9, in old JS).
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


EXTRA_LIMIT = 20_000  # entities left off the map that the page can still find and add
EXTRA_EDGES = 12  # edges kept per such entity (its strongest), to add it with its neighbours
TOP_LABELS = 25  # nodes whose labels stay readable at any zoom (the most important)


def render_html(graph: nx.Graph, path: str | Path, *, max_nodes: int = 300,
                title: str = "kg 知识图谱", documents: list | None = None) -> dict:
    """Write the interactive map of `graph` to `path` (see `render_html_text`)."""
    page, stats = render_html_text(graph, max_nodes=max_nodes, title=title, documents=documents)
    atomic_write_text(path, page)
    return stats


def render_html_text(graph: nx.Graph, *, max_nodes: int = 300, title: str = "kg 知识图谱",
                     documents: list | None = None, betweenness: dict | None = None) -> tuple[str, dict]:
    """The interactive map of `graph` as one HTML page that makes no network requests.

    Draws at most `max_nodes` nodes: the top ones by weighted degree (sum of edge weights;
    ties by mentions, then name), and says so in the page when it leaves nodes out; the
    others (up to EXTRA_LIMIT) can be found by the search and added to the view. Nodes are
    placed where the graph's `x`, `y` say (kg.layout; computed here when absent), so the
    page opens laid out, physics off. `documents` (DocumentRecord-like objects) give the
    evidence sentences their article's title, date and link. `betweenness`: what
    `map_betweenness(graph, max_nodes)` gives, when already computed (kg.offload).
    Returns (page, {"nodes_total", "nodes_shown", "edges_shown", "truncated"}).
    """
    if max_nodes < 1:
        raise ValueError(f"max_nodes must be at least 1, got {max_nodes}")
    strength = weighted_degree(graph)
    ranked = ranked_nodes(graph, strength)
    shown = ranked[:max_nodes]
    shown_set = set(shown)
    total, truncated = graph.number_of_nodes(), len(ranked) > max_nodes
    if has_layout(graph):
        positions = {n: (_float(d.get("x"), 0.0), _float(d.get("y"), 0.0)) for n, d in graph.nodes(data=True)}
    else:
        positions = compute_layout(graph, max_nodes)
    extra = ranked[max_nodes:max_nodes + EXTRA_LIMIT]

    vis_ids = _vis_ids(shown + extra)
    between = betweenness if betweenness is not None else _betweenness(graph, shown)
    divisions = _division_names(graph, shown + extra)
    nodes = [_node(n, graph.nodes[n], vis_ids[n], strength[n], divisions.get(n, "")) for n in shown]
    for n, item in zip(shown, nodes):
        item["x"], item["y"] = (round(v, 1) for v in positions.get(n, (0.0, 0.0)))
        item["kg"]["degree"] = graph.degree(n)
        item["kg"]["betweenness"] = round(between.get(n, 0.0), 5)
    _set_sizes(nodes)
    for item in nodes[:TOP_LABELS]:
        item["kgTop"] = True
    edges = []
    for u, v, attrs in graph.edges(data=True):
        if u in shown_set and v in shown_set:
            edges.append(_edge(f"e{len(edges)}", vis_ids[u], vis_ids[v], attrs,
                               graph.nodes[u], graph.nodes[v], ends=(u, v)))
    _set_widths(edges)

    stats = {"nodes_total": total, "nodes_shown": len(nodes), "edges_shown": len(edges),
             "truncated": truncated}
    note = (f"显示 {len(nodes)} / {total} 个节点 (showing top {len(nodes)} of {total} nodes "
            f"by weighted degree; search finds the others; exports contain all)") if truncated else ""
    data = {
        "title": title,
        "stats": stats,
        "note": note,
        "nodes": nodes,
        "edges": edges,
        "extra": _extra_nodes(graph, extra, vis_ids, positions, nodes, divisions),
        "extraEdges": _extra_edges(graph, extra, vis_ids),
        "extraLeftOut": max(0, total - len(shown) - len(extra)),
        "documents": _documents(documents, nodes, edges),
        "periods": _periods(documents, graph, shown + extra),
        "palette": {f"{t}/{s}": c for t, subs in SUBTYPE_STYLE.items() for s, (_, c) in subs.items()},
        "shapes": {t: style["shape"] for t, style in TYPE_STYLE.items()},
        "communityColours": COMMUNITY_COLOURS,
        "communityOther": COMMUNITY_OTHER,
        "legend": _legend(nodes, edges),
        "edgeStyles": {k: {"color": s["color"], "directed": _directed(k), "event": k in EVENT_TYPES}
                       for k, s in EDGE_STYLE.items()},
        "places": _places(nodes),
        "options": _vis_options(len(nodes), len(edges)),
    }
    summary = f"{len(nodes)} 个节点 · {len(edges)} 条边 ({len(nodes)} nodes · {len(edges)} edges)"
    return _page(data, title=title, note=note, summary=summary), stats


def map_betweenness(graph: nx.Graph, max_nodes: int = 300) -> dict:
    """The betweenness `render_html_text(graph, max_nodes=...)` gives the nodes it draws."""
    return _betweenness(graph, ranked_nodes(graph, weighted_degree(graph))[:max_nodes])


def _betweenness(graph: nx.Graph, shown: list) -> dict:
    """Betweenness on the drawn graph; sampled (500 sources) past 500 nodes to stay fast.
    On a copy, not graph.subgraph(): a view filters every neighbour list of the whole graph
    (7x slower) and iterates its nodes in an order that changes with the hash seed."""
    drawn = nx.Graph()
    drawn.add_nodes_from(shown)
    drawn.add_edges_from((a, b) for a, b, _ in core_edges(graph, shown))
    if drawn.number_of_edges() == 0:
        return {}
    k = 500 if drawn.number_of_nodes() > 500 else None
    return nx.betweenness_centrality(drawn, k=k, seed=0)


def _extra_nodes(graph: nx.Graph, extra: list, vis_ids: dict, positions: dict, shown_items: list,
                 divisions: dict) -> list:
    """Compact rows for entities off the map: [id, name, type, subtype, aliases, mentions,
    documents, degree, first_seen, last_seen, x, y, community, size, province, city] (map.js
    makes nodes of them)."""
    top = max((_float(n["kg"]["mentions"], 0.0) for n in shown_items), default=0.0)
    rows = []
    for n in extra:
        d = graph.nodes[n]
        etype, subtype = _style_keys(d)
        x, y = positions.get(n, (0.0, 0.0))
        mentions = _float(d.get("mentions"), 0.0)
        rows.append([vis_ids[n], _text(d.get("name")) or str(n), etype, subtype, _text(d.get("aliases")),
                     _finite(mentions), _optional_number(d.get("documents")), graph.degree(n),
                     _text(d.get("first_seen")), _text(d.get("last_seen")), round(x, 1), round(y, 1),
                     _optional_number(d.get("community")), scaled_size(min(mentions, top), top) if top else 12,
                     *_province_city(d, divisions.get(n, ""))])
    return rows


def _extra_edges(graph: nx.Graph, extra: list, vis_ids: dict) -> list:
    """[from, to, weight, relation, title, npmi, documents, first_seen, last_seen, kinds, arrows]
    for the strongest edges of each off-map entity (to any entity the page knows); kinds and
    arrows as `_edge` gives them (kgKinds; "to", "from", "to,from" or "")."""
    rows, seen = [], set()
    for n in extra:
        around = sorted(((o, d) for o, d in graph[n].items() if o in vis_ids),
                        key=lambda item: -_float(item[1].get("weight"), 1.0))[:EXTRA_EDGES]
        for other, d in around:
            key = frozenset((n, other))
            if key in seen:
                continue
            seen.add(key)
            a, b = n, other
            relation = _text(d.get("relation")) or "co_occurs"
            if relation == "holds_position_at" and _style_keys(graph.nodes[b])[0] == "PERSON" \
                    and _style_keys(graph.nodes[a])[0] != "PERSON":
                a, b = b, a  # person -> organisation
            typed = _typed(relation, edge_events(d.get("event_records")), a)
            arrows = ",".join(k for k in ("to", "from") if k in typed["arrows"])
            rows.append([vis_ids[a], vis_ids[b], _finite(_float(d.get("weight"), 1.0)), relation,
                         _text(d.get("title")), _optional_number(d.get("npmi")), _optional_number(d.get("documents")),
                         _text(d.get("first_seen")), _text(d.get("last_seen")), typed["kinds"], arrows])
    return rows


_LINKABLE = re.compile(r"^(https?|file)://", re.I)


def _documents(records: list | None, nodes: list, edges: list) -> dict:
    """doc id -> [title, date, link] for the documents the page's evidence quotes. The link
    is the article's url when it has one (http, https or file only), else its file."""
    if not records:
        return {}
    wanted = set()
    for item in nodes + edges:
        for line in item["kg"]["evidence"]:
            match = re.match(r"\[([^\]]*)\]", line)
            if match:
                wanted.add(match.group(1))
        wanted.update(_text(e.get("document")) for e in item["kg"].get("events", ()))
    out = {}
    for r in records:
        if r.id not in wanted:
            continue
        link = r.url if _LINKABLE.match(r.url or "") else ""
        if not link and r.path:
            try:
                link = Path(r.path).absolute().as_uri()
            except ValueError:
                link = ""
        out[r.id] = [r.title, r.date, link]
    return out


MAX_DAY_STOPS = 400  # a date slider over more distinct days than this moves by month


def _periods(records: list | None, graph: nx.Graph, nodes: list) -> list[str]:
    """The date slider's stops: the documents' distinct dates (days), or their months when
    there are many; from the nodes' first and last dates when no documents are given."""
    if records:
        dates = {r.date for r in records if r.date}
    else:
        dates = {graph.nodes[n].get(k) for n in nodes for k in ("first_seen", "last_seen")}
        dates = {d for d in dates if isinstance(d, str) and d}
    if len(dates) > MAX_DAY_STOPS:
        dates = {d[:7] for d in dates}
    return sorted(dates)


# ---------------------------------------------------------------- graph -> vis items


def _vis_ids(nodes: list) -> dict[Any, str]:
    """vis-network wants string ids; keep the graph's own id where it is unique as a string."""
    ids, used = {}, set()
    for i, n in enumerate(nodes):
        vid = str(n)
        if vid in used:
            vid = f"{vid}#{i}"
        used.add(vid)
        ids[n] = vid
    return ids


def _node(n: Any, attrs: dict, vid: str, strength: float, division: str = "") -> dict:
    etype, subtype = _style_keys(attrs)
    colour = SUBTYPE_STYLE[etype][subtype][1]
    name = _text(attrs.get("name")) or str(n)
    label = name if len(name) <= LABEL_MAX_CHARS else name[:LABEL_MAX_CHARS - 1] + "…"
    info = {
        "id": _text(n),
        "name": name,
        "type": _text(attrs.get("type")),
        "subtype": _text(attrs.get("subtype")),
        "aliases": _split(attrs.get("aliases"), "|"),
        "titles": _split(attrs.get("titles"), "|"),
        "affiliations": _split(attrs.get("affiliations"), "|"),
        "mentions": _optional_number(attrs.get("mentions")),
        "documents": _optional_number(attrs.get("documents")),
        "community": _optional_number(attrs.get("community")),
        "degree_centrality": _optional_number(attrs.get("degree_centrality")),
        "weighted_degree": _finite(strength),
        "evidence": _split(attrs.get("evidence"), "\n"),
        "first_seen": _text(attrs.get("first_seen")),
        "last_seen": _text(attrs.get("last_seen")),
    }
    province, city = _province_city(attrs, division)
    if province or city:  # a place the division tables resolved: the map's province/city filter
        info.update(province=province, city=city, admin_level=_text(attrs.get("admin_level")))
    # pyvis's Node builds the vis item dict; "kg" rides along (vis-network ignores unknown fields).
    return Node(vid, TYPE_STYLE[etype]["shape"], label,
                color={"background": colour, "border": _darker(colour),
                       "highlight": {"background": colour, "border": "#111111"},
                       "hover": {"background": colour, "border": "#111111"}},
                kgType=etype, kgSubtype=subtype, kg=info).options


def _edge(eid: str, a: str, b: str, attrs: dict, a_attrs: dict, b_attrs: dict, ends: tuple = ("", "")) -> dict:
    """The vis item of one edge; `ends` are the graph ids of `a` and `b` (events name their
    head by graph id). An edge with typed relations (kg/events.py) takes the colour of its
    main event type, and an arrow from head to tail where that type is directed."""
    relation = _text(attrs.get("relation")) or "co_occurs"
    style = EDGE_STYLE.get(relation, EDGE_STYLE["co_occurs"])
    title = _text(attrs.get("title"))
    if relation == "holds_position_at":
        # Point from the person to where the position is held, labelled with the title.
        if _style_keys(b_attrs)[0] == "PERSON" and _style_keys(a_attrs)[0] != "PERSON":
            a, b, ends = b, a, (ends[1], ends[0])
    # typed relations with trigger, trigger_start and sentence, for the side panel (kg/events.py)
    events = edge_events(attrs.get("event_records"))
    typed = _typed(relation, events, ends[0])
    colour = EDGE_STYLE[typed["main"]]["color"] if typed["main"] else style["color"]
    strong = relation == "holds_position_at" or typed["main"] is not None
    options: dict[str, Any] = {
        "id": eid,
        # Selected/hovered edges darken in their own hue so position edges stay recognisable.
        "color": {"color": colour, "highlight": _darker(colour, 0.6), "hover": _darker(colour, 0.6),
                  "opacity": 0.9 if strong else 0.55},
        "dashes": style["dashes"],
        "kgRelation": relation,
        "kgKinds": typed["kinds"],  # what the relation filter matches: co_occurs, holds_position_at, event types
        "kg": {
            "relation": relation,
            "event_type": typed["main"] or "",
            "weight": _finite(_float(attrs.get("weight"), 1.0)),
            "documents": _optional_number(attrs.get("documents")),
            "npmi": _optional_number(attrs.get("npmi")),
            "title": title,
            "evidence": _split(attrs.get("evidence"), "\n"),
            "first_seen": _text(attrs.get("first_seen")),
            "last_seen": _text(attrs.get("last_seen")),
            "events": events,  # each with "forward": its head is the item's `from`
        },
    }
    if relation == "holds_position_at":
        options["arrows"] = {"to": {"enabled": True, "scaleFactor": 0.5}}
        if title:
            options["label"] = title
            options["font"] = {"size": 11, "color": "#a63603", "strokeWidth": 3, "align": "middle"}
    elif typed["arrows"]:
        options["arrows"] = {side: {"enabled": True, "scaleFactor": 0.6} for side in typed["arrows"]}
    return Edge(a, b, **options).options


def _directed(kind: str) -> bool:
    """Whether an edge kind has a direction: a position (person -> place of work) and the
    event types but meets and cooperates_with."""
    return kind == "holds_position_at" or (kind in EVENT_TYPES and kind not in SYMMETRIC)


def _typed(relation: str, events: list[dict], source: Any) -> dict:
    """An edge's typed relations: `main` (its relation when that is an event type, else its
    most frequent done event type, else its most frequent one; None without events),
    `kinds` (the relation filter's keys: its event types, after holds_position_at for a
    position; the relation itself for an edge without events) and `arrows` ("to" where the
    main type's head is `source`, the vis item's `from`; "from" where it is the other end).
    Marks each event "forward" (head is `source`)."""
    types = list(dict.fromkeys(_text(e.get("type")) for e in events if e.get("type") in EVENT_TYPES))
    if relation in EVENT_TYPES and relation not in types:
        types.insert(0, relation)
    for e in events:
        e["forward"] = _text(e.get("head")) == _text(source)
    main = relation if relation in EVENT_TYPES else None
    if main is None and types:
        done = Counter(e["type"] for e in events if e.get("type") in EVENT_TYPES and e.get("modality") == DONE)
        count = done or Counter(e["type"] for e in events if e.get("type") in EVENT_TYPES)
        main = max(count, key=lambda t: (count[t], -EVENT_TYPES.index(t)))
    if main is not None:
        types = [main] + [t for t in types if t != main]  # main first: map.js colours an off-map edge by it
    kinds = (["holds_position_at"] if relation == "holds_position_at" else []) + types or [relation]
    arrows = []
    if main is not None and _directed(main):
        sides = {e["forward"] for e in events if e.get("type") == main}
        arrows = [side for side, forward in (("to", True), ("from", False)) if forward in sides]
    return {"main": main, "kinds": kinds, "arrows": arrows}


def _set_sizes(nodes: list[dict]) -> None:
    """Node size by mentions (degree centrality, then weighted degree, where mentions are absent)."""
    for key in ("mentions", "degree_centrality", "weighted_degree"):
        values = [_float(n["kg"][key], 0.0) for n in nodes]
        if any(v > 0 for v in values):
            break
    top = max(values, default=0.0)
    for n, v in zip(nodes, values):
        n["size"] = scaled_size(v, top)


def _set_widths(edges: list[dict]) -> None:
    """Edge width by weight on a log scale (1..7 px): weights are long-tailed.

    Dashed edges stay thin: vis-network draws round line caps, which close the gaps of a
    thick dashed line.
    """
    top = max((e["kg"]["weight"] or 0 for e in edges), default=0)
    for e in edges:
        w = e["kg"]["weight"] or 0
        width = 1 + 6 * math.log1p(max(w, 0)) / math.log1p(top) if top > 0 else 1.5
        if e["kg"]["event_type"]:
            width = max(width, 2.5)  # typed relations stay visible however light their weight
        e["width"] = round(min(width, 3.5) if e["dashes"] else width, 2)


def _legend(nodes: list[dict], edges: list[dict]) -> dict:
    """Legend and filter rows: the three kg types always, subtypes and OTHER where present."""
    counts: dict[tuple[str, str], int] = {}
    for n in nodes:
        key = (n["kgType"], n["kgSubtype"])
        counts[key] = counts.get(key, 0) + 1
    types = []
    for etype, style in TYPE_STYLE.items():
        subtypes = [{"subtype": sub, "label": label, "color": colour, "count": counts[(etype, sub)]}
                    for sub, (label, colour) in SUBTYPE_STYLE[etype].items() if (etype, sub) in counts]
        if etype == "OTHER" and not subtypes:
            continue
        types.append({"type": etype, "label": style["label"], "shape": style["shape"],
                      "count": sum(s["count"] for s in subtypes), "subtypes": subtypes})
    # Edge rows: co-occurrence, position (always) and each event type present; an edge counts
    # under each of its kinds (an edge may carry several event types).
    kinds = Counter(k for e in edges for k in e["kgKinds"])
    edge_rows = [{"relation": rel, "label": s["label"], "color": s["color"], "dashes": bool(s["dashes"]),
                  "directed": _directed(rel), "event": rel in EVENT_TYPES, "count": kinds.get(rel, 0)}
                 for rel, s in EDGE_STYLE.items() if rel in kinds or rel == "holds_position_at"]
    return {"types": types, "edges": edge_rows}


def _province_city(attrs: dict, own: str) -> tuple[str, str]:
    """The province and city a located place is in (kg.entities.divisions attributes), itself
    included: a province is in itself (`own`, its division's name), a city in its province and
    itself. ("", "") for any other node."""
    level = _text(attrs.get("admin_level"))
    if level not in ("province", "city", "county", "town"):
        return "", ""
    return (own if level == "province" else _text(attrs.get("province")),
            own if level == "city" else _text(attrs.get("city")))


def _division_names(graph: nx.Graph, nodes: list) -> dict:
    """Node -> the name of the division it is, for the located provinces and cities: the
    division tables' name for its code (辽宁省 for a node named 辽宁), or without the tables
    the one name its places' parents give that starts with its own (辽宁省 where places say
    province 辽宁省), else its own name."""
    given = {level: {_text(graph.nodes[n].get(level)) for n in nodes} - {""} for level in ("province", "city")}
    out = {}
    for n in nodes:
        attrs = graph.nodes[n]
        level = _text(attrs.get("admin_level"))
        if level not in given:
            continue
        name = _text(attrs.get("name")) or str(n)
        wider = [p for p in given[level] if p.startswith(name)]
        out[n] = _division_name(_text(attrs.get("admin_code"))) or (
            name if name in given[level] or len(wider) != 1 else wider[0])
    return out


def _division_name(code: str) -> str:
    """A division's name in the division tables ("" without the tables or the code)."""
    if not code:
        return ""
    from kg.entities.divisions import divisions

    row = divisions()[0].get(code)
    return row[1] if row else ""


def _places(nodes: list[dict]) -> dict:
    """The province/city filter's choices: the provinces and cities the map's places are in,
    most nodes first, each with the number of places in it ({"provinces": [{name, count}],
    "cities": [{name, province, count}]})."""
    provinces: Counter = Counter()
    cities: Counter = Counter()
    for n in nodes:
        province, city = n["kg"].get("province", ""), n["kg"].get("city", "")
        if province:
            provinces[province] += 1
        if city:
            cities[(city, province)] += 1
    return {"provinces": [{"name": p, "count": c} for p, c in sorted(provinces.items(), key=lambda i: (-i[1], i[0]))],
            "cities": [{"name": name, "province": p, "count": c}
                       for (name, p), c in sorted(cities.items(), key=lambda i: (-i[1], i[0]))]}


def _vis_options(n_nodes: int, n_edges: int) -> dict:
    """vis-network options: kg's look, physics off (the nodes come with their positions from
    kg.layout, so the page opens laid out, whatever its size). pyvis's forceAtlas2Based
    preset is kept in the options for when a user switches physics on from the console."""
    net = Network(directed=False, cdn_resources="remote")
    net.force_atlas_2based(gravity=-80, central_gravity=0.012, spring_length=130,
                           spring_strength=0.06, damping=0.5, overlap=0.4)
    options = json.loads(net.options.to_json())
    options["physics"]["enabled"] = False
    options["physics"]["stabilization"] = {"enabled": False}
    options["physics"]["minVelocity"] = 1.0
    options["edges"] = {
        "smooth": False,  # straight edges: cheaper and calmer than "dynamic" on dense graphs
        "selectionWidth": 1.5,
        "hoverWidth": 1.0,
    }
    options["nodes"] = {
        "borderWidth": 1.5,
        "borderWidthSelected": 3,
        "font": {"face": CJK_FONTS, "size": 14, "color": "#222222", "strokeWidth": 3,
                 "strokeColor": "#ffffff"},
    }
    options["interaction"].update(hover=True, hideEdgesOnDrag=n_edges > 2000,
                                  multiselect=False, navigationButtons=False, keyboard=False)
    options["layout"] = {"randomSeed": 7, "improvedLayout": False}
    return options


# ---------------------------------------------------------------- page

@functools.lru_cache(maxsize=None)
def _static(name: str) -> str:
    text = (importlib.resources.files("kg") / "static" / name).read_text(encoding="utf-8")
    if name.endswith(".js") and re.search(r"</script|<!--", text, re.IGNORECASE):
        # Either would end or derail the inline <script> block the file is pasted into.
        raise RuntimeError(f"kg/static/{name} cannot be inlined into a <script> block")
    return text


def script_json(data: Any) -> str:
    """JSON that is safe inside <script type="application/json">: no raw <, >, &, U+2028/9."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return re.sub("[<>&\u2028\u2029]", lambda m: _JSON_ESCAPES[m.group()], text)


def _page(data: dict, *, title: str, note: str, summary: str) -> str:
    slots = {
        "KG_TITLE": html.escape(title),
        "KG_NOTE": html.escape(note),
        "KG_NOTE_HIDDEN": "" if note else " hidden",
        "KG_SUMMARY": html.escape(summary),
        "KG_FONTS": CJK_FONTS,
        "KG_CSS": _static("map.css"),
        "KG_DATA": script_json(data),
        "KG_VIS_JS": _static("vis-network.min.js"),
        "KG_APP_JS": "\n".join(_static(name) for name in APP_SCRIPTS),
    }
    # One pass over the template only, so text inside a filled slot is never re-substituted.
    return _TEMPLATE_SLOT.sub(lambda m: slots[m.group(1)], _static("map.html"))


# ---------------------------------------------------------------- tolerant attribute reading

def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _split(value: Any, sep: str) -> list[str]:
    """'a|b' -> ['a', 'b']; also accepts a list or tuple (hand-made graphs)."""
    if value is None:
        return []
    parts = value if isinstance(value, (list, tuple)) else str(value).split(sep)
    return [s for s in (_text(p).strip() for p in parts) if s]


def _finite(number: float) -> float | int:
    return int(number) if float(number).is_integer() else round(float(number), 4)


def _optional_number(value: Any) -> float | int | None:
    """A number for the side panel, or None (JSON null) when missing or not finite."""
    if value is None or isinstance(value, bool):
        return None
    number = _float(value, math.nan)
    return None if math.isnan(number) else _finite(number)


def _darker(colour: str, factor: float = 0.7) -> str:
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(int(r * factor), int(g * factor), int(b * factor))
