"""kg.render: the offline HTML map (no browser here; see test_render_browser.py)."""
from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.render import render_html, script_json

HOSTILE = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"]
DATA_BLOCK = re.compile(r'<script type="application/json" id="kg-data">(.*?)</script>', re.S)


def hostile_graph() -> nx.Graph:
    g = nx.Graph()
    g.add_node("p1", name=HOSTILE[0], type="PERSON", subtype="official", aliases="老张|" + HOSTILE[1],
               mentions=12, documents=4, titles="市长|<b>书记</b>", affiliations="鹏城市人民政府",
               community=0, degree_centrality=0.5,
               evidence=f"[doc-1] {HOSTILE[1]} 出席了会议。\n[doc-2] 市长 & 书记 \u2028 换行")
    g.add_node("o1", name=HOSTILE[1], type="ORG", subtype="government", mentions=8, documents=3)
    g.add_node("o2", name="星河智能科技有限公司", type="ORG", subtype="company", aliases="星河智能",
               mentions=20, documents=6)
    g.add_node("l1", name="鹏城市", type="LOC", subtype="city", mentions=30)
    g.add_node("bare")  # no attributes at all
    g.add_edge("p1", "o1", weight=5, documents=3, npmi=0.71, relation="holds_position_at", title="市长",
               evidence=f"[doc-1] {HOSTILE[0]}")
    g.add_edge("o1", "o2", weight=2, documents=2, npmi=float("nan"), relation="co_occurs", title="")
    g.add_edge("o2", "l1", weight=7, documents=5, npmi=0.2, relation="co_occurs")
    g.add_edge("l1", "bare")  # no attributes: weight 1
    return g


def data_block(html: str) -> dict:
    (block,) = DATA_BLOCK.findall(html)
    return json.loads(block)  # JSON's own \\u003c escapes decode here


@pytest.fixture
def rendered(tmp_path):
    path = tmp_path / "out" / "map.html"
    stats = render_html(hostile_graph(), path)
    return stats, path.read_text(encoding="utf-8")


def test_writes_one_self_contained_page(rendered):
    stats, html = rendered
    assert stats == {"nodes_total": 5, "nodes_shown": 5, "edges_shown": 4, "truncated": False}
    assert html.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in html
    assert "Noto Sans CJK SC" in html and "Microsoft YaHei" in html
    lowered = html.lower()
    assert "<script src" not in lowered and "<link" not in lowered
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.I)
    assert "bootstrap" not in lowered
    assert "default-src 'none'" in html  # the page forbids itself any request
    assert "vis-network" in html and "9.1.13" in html


def test_input_text_is_never_markup(rendered):
    _, html = rendered
    for bad in HOSTILE + ["<b>书记</b>", "<img src=x onerror", "\u2028"]:
        assert bad not in html
    # Only kg's own three <script> blocks open and close.
    assert len(re.findall(r"<script", html, re.I)) == 3
    assert len(re.findall(r"</script", html, re.I)) == 3


def test_data_block_round_trips(rendered):
    _, html = rendered
    data = data_block(html)
    assert len(data["nodes"]) == 5 and len(data["edges"]) == 4
    by_id = {n["id"]: n for n in data["nodes"]}
    p1 = by_id["p1"]["kg"]
    assert p1["name"] == HOSTILE[0]
    assert p1["aliases"] == ["老张", HOSTILE[1]]
    assert p1["titles"] == ["市长", "<b>书记</b>"]
    assert p1["evidence"] == [f"[doc-1] {HOSTILE[1]} 出席了会议。", "[doc-2] 市长 & 书记 \u2028 换行"]
    assert by_id["o1"]["label"] == HOSTILE[1][:15] + "…"  # long labels are cut on the canvas only
    assert by_id["bare"]["kg"]["name"] == "bare" and by_id["bare"]["kg"]["mentions"] is None
    npmi = {e["kg"]["npmi"] for e in data["edges"]}
    assert None in npmi  # NaN became null, which JSON.parse accepts


def test_styles_by_type_and_relation(rendered):
    _, html = rendered
    data = data_block(html)
    by_id = {n["id"]: n for n in data["nodes"]}
    assert [by_id[n]["shape"] for n in ("p1", "o1", "l1")] == ["dot", "square", "triangle"]
    assert by_id["o1"]["color"]["background"] != by_id["o2"]["color"]["background"]  # ORG subtypes differ
    assert by_id["bare"]["kgType"] == "OTHER"
    assert by_id["l1"]["size"] > by_id["o1"]["size"]  # size follows mentions
    position = next(e for e in data["edges"] if e["kgRelation"] == "holds_position_at")
    assert position["dashes"] and position["from"] == "p1" and position["to"] == "o1"
    assert position["label"] == "市长"
    co = [e for e in data["edges"] if e["kgRelation"] == "co_occurs"]
    assert not any(e["dashes"] for e in co)
    assert max(e["width"] for e in co) > min(e["width"] for e in co)  # width follows weight
    legend = data["legend"]
    assert [t["type"] for t in legend["types"]] == ["PERSON", "ORG", "LOC", "OTHER"]
    assert {r["relation"] for r in legend["edges"]} == {"co_occurs", "holds_position_at"}
    physics = data["options"]["physics"]
    assert physics["enabled"] is False  # laid out in Python: the page opens still
    assert all(isinstance(n["x"], (int, float)) and isinstance(n["y"], (int, float)) for n in data["nodes"])


def star_graph(n_leaves: int) -> nx.Graph:
    """Hub h with leaves n00..; leaf i's edge weighs i + 1, so the ranking is known."""
    g = nx.Graph()
    g.add_node("h", name="中心", type="ORG", subtype="company")
    for i in range(n_leaves):
        g.add_node(f"n{i:02d}", name=f"节点{i:02d}", type="PERSON", subtype="other", mentions=1)
        g.add_edge("h", f"n{i:02d}", weight=i + 1)
    return g


def test_truncates_to_top_nodes_by_weighted_degree(tmp_path):
    path = tmp_path / "map.html"
    stats = render_html(star_graph(30), path, max_nodes=10)
    assert stats == {"nodes_total": 31, "nodes_shown": 10, "edges_shown": 9, "truncated": True}
    html = path.read_text(encoding="utf-8")
    data = data_block(html)
    assert [n["id"] for n in data["nodes"]] == ["h"] + [f"n{i:02d}" for i in range(29, 20, -1)]
    note = ("显示 10 / 31 个节点 (showing top 10 of 31 nodes by weighted degree; search finds the others; "
            "exports contain all)")
    assert note in html and data["note"] == note and data["stats"]["truncated"] is True


def test_ties_break_by_mentions_then_name(tmp_path):
    g = nx.Graph()
    for node, name, mentions in [("a", "乙", 1), ("b", "甲", 1), ("c", "丙", 5), ("d", "丁", 0)]:
        g.add_node(node, name=name, type="LOC", mentions=mentions)
    path = tmp_path / "map.html"
    render_html(g, path, max_nodes=3)
    ids = [n["id"] for n in data_block(path.read_text(encoding="utf-8"))["nodes"]]
    assert ids == ["c", "a", "b"]  # mentions 5 first; "乙" < "甲" in code point order


def test_no_note_without_truncation(tmp_path):
    path = tmp_path / "map.html"
    assert render_html(star_graph(3), path)["truncated"] is False
    html = path.read_text(encoding="utf-8")
    assert "showing top" not in html and data_block(html)["note"] == ""


def test_tolerates_bare_and_empty_graphs(tmp_path):
    stats = render_html(nx.path_graph(4), tmp_path / "path.html")  # int ids, no attributes
    assert stats == {"nodes_total": 4, "nodes_shown": 4, "edges_shown": 3, "truncated": False}
    assert [n["id"] for n in data_block((tmp_path / "path.html").read_text("utf-8"))["nodes"]]
    stats = render_html(nx.Graph(), tmp_path / "empty.html")
    assert stats == {"nodes_total": 0, "nodes_shown": 0, "edges_shown": 0, "truncated": False}
    with pytest.raises(ValueError):
        render_html(nx.Graph(), tmp_path / "bad.html", max_nodes=0)


def test_a_precomputed_betweenness_gives_the_same_page():
    from kg.render import map_betweenness, render_html_text

    graph = star_graph(30)
    graph.add_edge("n01", "n02", weight=2)
    graph.add_edge("n02", "n03", weight=1)
    page, _ = render_html_text(graph, max_nodes=10)
    between = map_betweenness(graph, 10)
    assert len(between) == 10 and any(between.values())
    assert render_html_text(graph, max_nodes=10, betweenness=between)[0] == page


def test_title_is_escaped(tmp_path):
    path = tmp_path / "map.html"
    render_html(star_graph(2), path, title="</title><script>alert(1)</script>")
    html = path.read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html and "&lt;/title&gt;" in html


def test_script_json_escapes_script_breakers():
    text = script_json({"s": "</script><!-- & \u2028\u2029 >"})
    assert not set("<>&\u2028\u2029") & set(text)
    assert json.loads(text) == {"s": "</script><!-- & \u2028\u2029 >"}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(names=st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=6, unique=True))
def test_any_name_round_trips_and_stays_inert(names):
    g = nx.Graph()
    for i, name in enumerate(names):
        g.add_node(f"n{i}", name=name, type="ORG", aliases=name + "|x")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "map.html"
        render_html(g, path)
        html = path.read_text(encoding="utf-8")
    assert len(re.findall(r"</script", html, re.I)) == 3
    data = data_block(html)
    assert sorted(n["kg"]["name"] for n in data["nodes"]) == sorted(names)


def test_vendored_library_and_license_ship_with_the_package():
    static = Path(__file__).resolve().parents[1] / "kg" / "static"
    licence = (static / "vis-network.LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in licence and "MIT License" in licence
    assert "@version 9.1.13" in (static / "vis-network.min.js").read_text(encoding="utf-8")[:400]


def test_entities_off_the_map_travel_compactly(tmp_path):
    path = tmp_path / "map.html"
    render_html(star_graph(30), path, max_nodes=10)
    data = data_block(path.read_text(encoding="utf-8"))
    shown = {n["id"] for n in data["nodes"]}
    extra = {row[0]: row for row in data["extra"]}
    assert len(extra) == 21 and not shown & set(extra)  # every entity is in the page once
    assert extra["n00"][1] == "节点00" and extra["n00"][2:4] == ["PERSON", "other"]
    assert all(isinstance(row[10], float) and isinstance(row[11], float) for row in extra.values())  # positioned
    assert {(e[0], e[1]) for e in data["extraEdges"]} == {(f"n{i:02d}", "h") for i in range(21)}
    assert all(isinstance(n["x"], (int, float)) for n in data["nodes"])
    assert sum(1 for n in data["nodes"] if n.get("kgTop")) == 10  # all ten: fewer than TOP_LABELS


def test_evidence_documents_are_linked_safely_and_dates_give_the_slider_stops(tmp_path):
    from kg.types import DocumentRecord

    g = nx.Graph()
    g.add_node("a", name="甲", type="ORG", evidence="[d1] 甲发布。\n[d2] 甲再发布。\n[d3] 甲。")
    g.add_node("b", name="乙", type="ORG")
    g.add_edge("a", "b", weight=1, evidence="[d2] 甲与乙。")
    records = [DocumentRecord("d1", "in/d1.txt", "标题一", "1998-01-03", "https://news.example/1"),
               DocumentRecord("d2", "in/d2.txt", "", "1998-01-05", "javascript:alert(1)"),
               DocumentRecord("d9", "in/d9.txt", "", "1998-02-01")]
    path = tmp_path / "map.html"
    render_html(g, path, documents=records)
    html = path.read_text(encoding="utf-8")
    data = data_block(html)
    assert data["documents"]["d1"] == ["标题一", "1998-01-03", "https://news.example/1"]
    title, date, link = data["documents"]["d2"]
    assert link == (Path("in/d2.txt").absolute().as_uri()) and "javascript:" not in link  # the file instead
    assert "d9" not in data["documents"] and "d3" not in data["documents"]  # only what evidence quotes
    assert data["periods"] == ["1998-01-03", "1998-01-05", "1998-02-01"]
    assert "javascript:alert" not in html


def event(head, type_, tail, trigger, sentence, modality="done", document="d1", date="1998-01-03"):
    return {"head": head, "type": type_, "tail": tail, "modality": modality, "trigger": trigger,
            "trigger_start": sentence.index(trigger), "document": document, "date": date, "sentence": sentence}


def typed_graph() -> nx.Graph:
    """Events on edges as kg.events.add_event_edges leaves them (relation = the main type)."""
    g = nx.Graph()
    g.add_node("o1", name="星河智能", type="ORG", subtype="company")  # first: the edge runs o1 -> p1
    g.add_node("p1", name="张明", type="PERSON", subtype="official")
    g.add_node("p2", name="李强", type="PERSON", subtype="official")
    g.add_node("o2", name="鹏程能源", type="ORG", subtype="company")
    g.add_node("ln", name="辽宁", type="LOC", subtype="province", admin_level="province", admin_code="x21")
    g.add_node("sy", name="沈阳", type="LOC", subtype="city", admin_level="city", admin_code="x2101",
               province="辽宁省")
    g.add_node("hn", name="浑南区", type="LOC", subtype="district", admin_level="county", admin_code="x210112",
               province="辽宁省", city="沈阳市")
    visit = "张明到星河智能调研。"
    g.add_edge("o1", "p1", weight=1, relation="visits",
               event_records=json.dumps([event("p1", "visits", "o1", "调研", visit, document="d7")], ensure_ascii=False))
    g.add_edge("p1", "p2", weight=3, relation="meets",
               event_records=json.dumps([event("p1", "meets", "p2", "会见", "张明会见李强。")], ensure_ascii=False))
    g.add_edge("o1", "o2", weight=2, relation="acquires", event_records=json.dumps(
        [event("o1", "acquires", "o2", "收购", "星河智能收购鹏程能源。"),
         event("o2", "cooperates_with", "o1", "签约", "鹏程能源与星河智能拟签约。", modality="planned")],
        ensure_ascii=False))
    g.add_edge("o2", "sy", weight=4, relation="co_occurs")
    g.add_edge("sy", "hn", weight=2, relation="co_occurs")
    g.add_edge("p2", "ln", weight=2, relation="holds_position_at", title="省长")
    return g


def test_typed_edges_get_their_type_colour_and_direction(tmp_path):
    from kg.style import EDGE_STYLE

    path = tmp_path / "map.html"
    render_html(typed_graph(), path)
    data = data_block(path.read_text(encoding="utf-8"))
    by_ends = {frozenset((e["from"], e["to"])): e for e in data["edges"]}
    visit = by_ends[frozenset(("o1", "p1"))]
    assert (visit["from"], visit["to"]) == ("o1", "p1")  # drawn tail first...
    assert set(visit["arrows"]) == {"from"}  # ...so the arrow points back at the tail: p1 -> o1
    assert visit["color"]["color"] == EDGE_STYLE["visits"]["color"]
    assert visit["kg"]["events"][0]["forward"] is False
    meets = by_ends[frozenset(("p1", "p2"))]
    assert "arrows" not in meets and meets["color"]["color"] == EDGE_STYLE["meets"]["color"]  # symmetric
    deal = by_ends[frozenset(("o1", "o2"))]
    assert set(deal["arrows"]) == {"to"} and (deal["from"], deal["to"]) == ("o1", "o2")
    assert deal["kgKinds"] == ["acquires", "cooperates_with"]  # the main type first, then the others
    assert deal["color"]["color"] == EDGE_STYLE["acquires"]["color"]
    plain = by_ends[frozenset(("o2", "sy"))]
    assert plain["kgKinds"] == ["co_occurs"] and "arrows" not in plain
    assert plain["color"]["color"] == EDGE_STYLE["co_occurs"]["color"]
    position = by_ends[frozenset(("p2", "ln"))]
    assert position["kgKinds"] == ["holds_position_at"] and position["color"]["color"] == EDGE_STYLE["holds_position_at"]["color"]
    # the legend lists the event types present, with their colours and counts (an edge under each of its kinds)
    rows = {r["relation"]: r for r in data["legend"]["edges"]}
    assert set(rows) == {"co_occurs", "holds_position_at", "visits", "meets", "acquires", "cooperates_with"}
    assert rows["cooperates_with"]["count"] == 1 and rows["co_occurs"]["count"] == 2
    assert rows["visits"]["directed"] and not rows["meets"]["directed"] and rows["visits"]["event"]
    assert rows["visits"]["color"] == EDGE_STYLE["visits"]["color"]
    assert "d7" in [e["document"] for e in visit["kg"]["events"]]


def test_event_colours_are_apart_from_the_other_edge_colours():
    from kg.events import EVENT_TYPES
    from kg.style import EDGE_STYLE, hex_rgb

    colours = [EDGE_STYLE[k]["color"] for k in ("co_occurs", "holds_position_at", *EVENT_TYPES)]
    for i, a in enumerate(colours):
        for b in colours[i + 1:]:
            assert sum(abs(x - y) for x, y in zip(hex_rgb(a), hex_rgb(b))) >= 100, (a, b)


def test_event_documents_are_linked_and_sentences_stay_text(tmp_path):
    from kg.types import DocumentRecord

    g = typed_graph()
    hostile = "<img src=x onerror=alert(1)>张明调研星河智能"
    g.edges["o1", "p1"]["event_records"] = json.dumps([event("p1", "visits", "o1", "调研", hostile, document="d7")])
    path = tmp_path / "map.html"
    render_html(g, path, documents=[DocumentRecord("d7", "in/d7.txt", "调研报道", "1998-01-03", "https://news.example/7")])
    html = path.read_text(encoding="utf-8")
    assert "<img src=x" not in html
    data = data_block(html)
    assert data["documents"]["d7"] == ["调研报道", "1998-01-03", "https://news.example/7"]  # quoted by an event only
    (record,) = next(e for e in data["edges"] if e["kgRelation"] == "visits")["kg"]["events"]
    assert record["sentence"] == hostile


def test_places_carry_their_province_and_city_for_the_filter(tmp_path):
    path = tmp_path / "map.html"
    render_html(typed_graph(), path)
    data = data_block(path.read_text(encoding="utf-8"))
    kg_of = {n["id"]: n["kg"] for n in data["nodes"]}
    # a province names itself as its places name it (辽宁省 for the node 辽宁), here without the
    # division tables (codes they do not hold): by the one parent name that starts with its own
    assert kg_of["ln"]["province"] == "辽宁省" and kg_of["hn"]["province"] == "辽宁省"
    assert kg_of["hn"]["city"] == "沈阳市" and kg_of["sy"]["province"] == "辽宁省"
    assert kg_of["sy"]["city"] == "沈阳市" and kg_of["sy"]["admin_level"] == "city"
    assert "province" not in kg_of["o1"]  # only places the division tables resolved
    provinces = {p["name"]: p["count"] for p in data["places"]["provinces"]}
    assert provinces == {"辽宁省": 3}
    assert data["places"]["cities"] == [{"name": "沈阳市", "province": "辽宁省", "count": 2}]
