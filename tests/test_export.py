"""kg.export: safe writers (XML, CSV, JSON) and the all-or-nothing output folder (no model needed)."""
from __future__ import annotations

import csv
import errno
import io
import json
import os
import signal
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given, settings, strategies as st
from lxml import etree

from kg import export
from kg.export import (OWN_FILES, OutputError, check_output_dir, edges_csv, entities_csv, gexf_bytes, graphml_bytes,
                       neo4j_nodes_csv, node_link_text, relations_csv, remove_stale_staging, signals_deferred,
                       spreadsheet_safe, write_outputs, xml_safe)
from kg.types import Position, Resolution

STRICT = etree.XMLParser(recover=False)
CONTROL = "".join(chr(c) for c in range(32))


def node_attrs(name: str, type_: str = "ORG", evidence: str = "", mentions: int = 1, aliases: str = "") -> dict:
    """The node attributes documented at the top of kg/graph.py."""
    return dict(name=name, type=type_, subtype="other", aliases=aliases or name, mentions=mentions, documents=1,
                titles="", affiliations="", community=0, degree_centrality=0.5, evidence=evidence)


def edge_attrs(evidence: str = "", relation: str = "co_occurs", title: str = "", weight: int = 1) -> dict:
    return dict(weight=weight, documents=1, npmi=0.25, relation=relation, title=title, evidence=evidence)


def hostile_graph() -> nx.Graph:
    g = nx.Graph()
    g.add_node("PERSON:张三", **node_attrs("张三\x00\x08", "PERSON", evidence=f"[a.txt] 副市长{CONTROL}张三\r\n调研。"))
    g.add_node("ORG:=HYPERLINK", **node_attrs('=HYPERLINK("http://x","y")', evidence="<script>alert(1)</script>"))
    g.add_node("ORG:+1", **node_attrs("+cmd|' /C calc'!A0"))
    g.add_node("LOC:-2", **node_attrs("-2+3", "LOC"))
    g.add_node("LOC:@", **node_attrs("@SUM(1+1)", "LOC", aliases="@SUM(1+1)|\tTab"))
    g.add_node("ORG:\x1b[31m", **node_attrs("\ufffe\uffff鞍钢集团"))
    g.add_edge("PERSON:张三", "ORG:=HYPERLINK", **edge_attrs(f"[a.txt] {CONTROL}", "holds_position_at", "=市长"))
    g.add_edge("ORG:+1", "LOC:-2", **edge_attrs("<img src=x onerror=alert(1)>"))
    g.add_edge("LOC:@", "ORG:\x1b[31m", **edge_attrs("\x0c"))
    return g


# ---- CSV -----------------------------------------------------------------------------------


@pytest.mark.parametrize("value,expected", [
    ("=1+1", "'=1+1"), ("+cmd", "'+cmd"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
    ("\r=1", "'\r=1"), ("-3.5", "-3.5"), ("+7", "+7"), ("沈阳市", "沈阳市"), ("a=b", "a=b"), (None, ""), (12, "12"),
    ("-inf", "'-inf"), ("=\x00cmd", "'=cmd"),
])
def test_spreadsheet_safe(value, expected):
    assert spreadsheet_safe(value) == expected


def rows(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_spreadsheet_csvs_neutralise_formulas_and_keep_the_names():
    g = hostile_graph()
    resolution = Resolution(entities={}, occurrences=[], sentences={},
                            positions=[Position("PERSON:张三", "=市长", "ORG:=HYPERLINK", "-doc", "@句子")])
    tables = {"entities": rows(entities_csv(g)), "edges": rows(edges_csv(g)), "relations": rows(relations_csv(resolution, g))}
    assert len(tables["entities"]) == 1 + g.number_of_nodes() and len(tables["edges"]) == 1 + g.number_of_edges()
    assert len(tables["relations"]) == 2
    for name, table in tables.items():
        for row in table[1:]:
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")) or export._is_number(cell), (name, cell)
                assert not any(ch in cell for ch in CONTROL if ch not in "\t\n\r"), (name, cell)
    names = {row[1] for row in tables["entities"][1:]}
    assert {"'=HYPERLINK(\"http://x\",\"y\")", "'+cmd|' /C calc'!A0", "'-2+3", "'@SUM(1+1)", "张三"} <= names
    assert tables["relations"][1] == ["张三", "holds_position_at", "'=HYPERLINK(\"http://x\",\"y\")", "'=市长", "'-doc",
                                      "'@句子"]


def test_neo4j_import_csvs_keep_values_verbatim_but_strip_illegal_characters():
    table = list(csv.reader(io.StringIO(neo4j_nodes_csv(hostile_graph()))))
    names = {row[1] for row in table[1:]}
    assert "=HYPERLINK(\"http://x\",\"y\")" in names and "张三" in names


# ---- XML -----------------------------------------------------------------------------------


def comparable(data: dict) -> dict:
    """The graph's own attributes: without what the writers add (ids, labels, the GEXF viz
    block, the `directed` flag; test_round_trip checks those)."""
    return {k: v for k, v in data.items() if k not in ("id", "label", "viz", "directed")}


def expected(graph: nx.Graph) -> tuple[dict, dict]:
    clean = export.sanitized_graph(graph)
    return ({n: comparable(d) for n, d in clean.nodes(data=True)},
            {frozenset((a, b)): comparable(d) for a, b, d in clean.edges(data=True)})


def read_back(data: bytes, kind: str) -> nx.Graph:
    etree.fromstring(data, STRICT)  # raises on anything that is not well-formed XML 1.0
    return nx.read_graphml(io.BytesIO(data)) if kind == "graphml" else nx.read_gexf(io.BytesIO(data))


@pytest.mark.parametrize("kind", ["graphml", "gexf"])
def test_xml_exports_parse_strictly_with_control_characters_everywhere(kind):
    g = hostile_graph()
    data = graphml_bytes(g) if kind == "graphml" else gexf_bytes(g)
    back = read_back(data, kind)
    nodes, edges = expected(g)
    assert {n: comparable(d) for n, d in back.nodes(data=True)} == nodes
    assert {frozenset((a, b)): comparable(d) for a, b, d in back.edges(data=True)} == edges
    assert back.nodes["PERSON:张三"]["evidence"] == "[a.txt] 副市长\t\n\n张三\n调研。"
    assert back.nodes["ORG:=HYPERLINK"]["evidence"] == "<script>alert(1)</script>"


def test_ids_differing_only_in_illegal_characters_stay_distinct():
    g = nx.Graph()
    g.add_node("ORG:a", **node_attrs("a"))
    g.add_node("ORG:a\x00", **node_attrs("a"))
    g.add_edge("ORG:a", "ORG:a\x00", **edge_attrs())
    for kind, data in (("graphml", graphml_bytes(g)), ("gexf", gexf_bytes(g))):
        back = read_back(data, kind)
        assert back.number_of_nodes() == 2 and back.number_of_edges() == 1


def test_json_export_survives_lone_surrogates_and_nan():
    g = nx.Graph()
    g.add_node("ORG:\ud800", **node_attrs("x\udfff"))
    g.add_node("ORG:b", **node_attrs("b"))
    g.add_edge("ORG:\ud800", "ORG:b", **dict(edge_attrs(), npmi=float("nan")))
    data = json.loads(node_link_text(g).encode("utf-8"))
    assert {n["name"] for n in data["nodes"]} == {"x\ufffd", "b"} and data["edges"][0]["npmi"] is None


TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)  # UTF-8 cannot hold lone surrogates


@st.composite
def graphs(draw):
    ids = draw(st.lists(st.text(max_size=12), min_size=1, max_size=8, unique=True))
    g = nx.Graph()
    for i, node in enumerate(ids):
        g.add_node(node, **node_attrs(draw(TEXT), draw(st.sampled_from(["PERSON", "ORG", "LOC"])),
                                      evidence=draw(TEXT), mentions=draw(st.integers(0, 10**6)), aliases=draw(TEXT)))
    for a, b in draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids)), max_size=12)):
        g.add_edge(a, b, **edge_attrs(draw(TEXT), draw(st.sampled_from(["co_occurs", "holds_position_at"])),
                                      draw(TEXT), draw(st.integers(1, 1000))))
    return g


@given(graphs())
@settings(max_examples=150, deadline=None)
def test_arbitrary_text_xml_exports_parse_and_round_trip(g):
    nodes, edges = expected(g)
    for kind, data in (("graphml", graphml_bytes(g)), ("gexf", gexf_bytes(g))):
        back = read_back(data, kind)
        assert back.number_of_nodes() == g.number_of_nodes()
        assert back.number_of_edges() == g.number_of_edges()
        assert {n: comparable(d) for n, d in back.nodes(data=True)} == nodes
        assert {frozenset((a, b)): comparable(d) for a, b, d in back.edges(data=True)} == edges


@given(graphs())
@settings(max_examples=150, deadline=None)
def test_arbitrary_text_json_round_trips_exactly(g):
    back = nx.node_link_graph(json.loads(node_link_text(g).encode("utf-8")), edges="edges")
    assert dict(back.nodes(data=True)) == dict(g.nodes(data=True))
    assert {frozenset((a, b)): comparable(d) for a, b, d in back.edges(data=True)} == {
        frozenset((a, b)): d for a, b, d in g.edges(data=True)}


@given(graphs())
@settings(max_examples=150, deadline=None)
def test_arbitrary_text_csvs_parse_with_one_row_per_node_and_edge(g):
    entities, edges = rows(entities_csv(g)), rows(edges_csv(g))
    assert len(entities) == 1 + g.number_of_nodes() and len(edges) == 1 + g.number_of_edges()
    for row in entities[1:] + edges[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")) or export._is_number(cell)


@given(st.text())
@settings(max_examples=300)
def test_xml_safe_output_is_always_legal_xml_text(text):
    clean = xml_safe(text)
    element = etree.fromstring(f"<a b='x'>{clean.replace('&', '&amp;').replace('<', '&lt;')}</a>".encode("utf-8",
                                                                                                     "surrogatepass"),
                               STRICT)
    assert (element.text or "") == clean


# ---- the output folder ---------------------------------------------------------------------

OLD = {name: f"old {name}\n".encode() for name in OWN_FILES}


def new_files(*names: str) -> dict[str, bytes]:
    return {name: f"new {name}\n".encode() for name in (names or OWN_FILES)}


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def out(tmp_path) -> Path:
    folder = tmp_path / "out"
    write_outputs(folder, OLD)
    (folder / "notes.txt").write_text("mine, not kg's", encoding="utf-8")
    return folder


def test_rerun_replaces_every_output_and_removes_stale_ones(out):
    write_outputs(out, new_files("graph.html", "summary.json"))
    assert snapshot(out) == {"graph.html": b"new graph.html\n", "summary.json": b"new summary.json\n",
                             "notes.txt": b"mine, not kg's"}
    assert not (out / "neo4j").exists()  # emptied by this run: removed
    assert (out / "graph.html").stat().st_mode & 0o777 == 0o666 & ~export._UMASK


def test_disk_full_while_writing_leaves_earlier_outputs_byte_identical(out, monkeypatch):
    before = snapshot(out)
    calls = []

    def fsync(fd):
        calls.append(fd)
        if len(calls) == 4:
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(OutputError) as info:
        write_outputs(out, new_files())
    assert str(out) in str(info.value) and "no space left on device" in str(info.value)
    assert "unchanged" in str(info.value)
    assert snapshot(out) == before
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no staging folder left


@pytest.mark.parametrize("failing_call", [1, 3, 8])
def test_failure_while_moving_into_place_rolls_back(out, monkeypatch, failing_call):
    before = snapshot(out)
    real = os.replace
    calls = []

    def replace(src, dst, *args, **kwargs):
        calls.append(dst)
        if len(calls) == failing_call:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OutputError):
        write_outputs(out, new_files("graph.html", "graph.json", "entities.csv", "summary.json"))
    assert snapshot(out) == before
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_failure_after_some_new_files_rolls_back_new_ones_too(tmp_path, monkeypatch):
    folder = tmp_path / "out"
    write_outputs(folder, {"graph.html": b"old"})
    real = os.replace
    calls = []

    def replace(src, dst, *args, **kwargs):
        calls.append(dst)
        if len(calls) == 3:  # after neo4j/nodes.csv and graph.html were placed
            raise OSError(errno.EIO, "Input/output error")
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OutputError):
        write_outputs(folder, new_files("graph.html", "neo4j/nodes.csv", "summary.json"))
    assert snapshot(folder) == {"graph.html": b"old"} and not (folder / "neo4j").exists()


def test_output_folder_that_cannot_be_made(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(OutputError) as info:
        check_output_dir(blocker / "out")
    assert str(blocker / "out") in str(info.value)
    with pytest.raises(OutputError):
        write_outputs(blocker / "out", new_files())


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_read_only_output_folder(out):
    before = snapshot(out)
    out.chmod(0o555)
    try:
        with pytest.raises(OutputError) as info:
            check_output_dir(out)
        assert "not writable" in str(info.value)
        with pytest.raises(OutputError):
            write_outputs(out, new_files())
    finally:
        out.chmod(0o755)
    assert snapshot(out) == before


def test_staging_left_by_a_killed_run_is_removed_by_the_next(out):
    dead = out / f"{export.STAGING_PREFIX}999999999-abc"
    (dead / "neo4j").mkdir(parents=True)
    (dead / "graph.html").write_bytes(b"half")
    live = out / f"{export.STAGING_PREFIX}{os.getppid()}-xyz"  # a run still going: kept
    live.mkdir()
    assert remove_stale_staging(out) == [dead.name]
    assert not dead.exists() and live.exists()
    live.rmdir()
    dead.mkdir()
    write_outputs(out, new_files())
    assert not dead.exists()


def test_a_signal_while_files_move_into_place_waits_for_the_move():
    handled = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: handled.append(signum))
    try:
        with signals_deferred():
            os.kill(os.getpid(), signal.SIGINT)
            assert handled == []  # held
        assert handled == [signal.SIGINT]  # delivered once the block finished
        handled.clear()
        with pytest.raises(ValueError):
            with signals_deferred():
                os.kill(os.getpid(), signal.SIGINT)
                raise ValueError("the failure is what propagates")
        assert handled == []
    finally:
        signal.signal(signal.SIGINT, previous)


def test_an_interrupt_during_the_move_still_leaves_complete_new_outputs(out, monkeypatch):
    real = os.replace

    def replace(src, dst, *args, **kwargs):
        if str(dst).endswith("graph.json"):
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C half way through the move
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    # Python's own Ctrl-C handler: an earlier test in the same process (Dask, a kernel) may have
    # installed another one
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            write_outputs(out, new_files())
    finally:
        signal.signal(signal.SIGINT, previous)
    assert snapshot(out) == {**new_files(), "notes.txt": b"mine, not kg's"}
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_write_outputs_refuses_names_outside_the_folder(tmp_path):
    with pytest.raises(ValueError):
        write_outputs(tmp_path, {"../escape.txt": b"x"})


# ---- what an analyst opens: labels, colours, positions, dates, direction -------------------


def analyst_graph() -> nx.Graph:
    """A graph as kg.build leaves it: dates (kg.timeline) and positions (kg.layout) set."""
    from kg.layout import add_layout

    g = nx.Graph()
    g.add_node("ORG:沈阳市人民政府", **dict(node_attrs("沈阳市人民政府"), subtype="government", mentions=9))
    g.add_node("PERSON:刘振华", **dict(node_attrs("刘振华", "PERSON"), subtype="official", mentions=5))
    g.add_node("ORG:东北大学", **dict(node_attrs("东北大学"), subtype="university", mentions=3))
    g.add_node("LOC:沈阳市", **dict(node_attrs("沈阳市", "LOC"), subtype="city", mentions=12))
    # stored org -> person, as an undirected graph may hold it
    g.add_edge("ORG:沈阳市人民政府", "PERSON:刘振华", **edge_attrs("[d1] 市长刘振华", "holds_position_at", "市长", 4))
    g.add_edge("ORG:东北大学", "LOC:沈阳市", **edge_attrs("[d2] 东北大学在沈阳", weight=2))
    g.add_edge("LOC:沈阳市", "PERSON:刘振华", **edge_attrs(weight=7))
    for n, (first, last) in {"ORG:沈阳市人民政府": ("1998-01-03", "1998-02-10"), "PERSON:刘振华": ("1998-01-03", "1998-03-01"),
                             "ORG:东北大学": ("1998-02-01", "1998-02-01"), "LOC:沈阳市": ("1998-01-03", "1998-03-01")}.items():
        g.nodes[n].update(first_seen=first, last_seen=last, by_year="1998:3", by_month="1998-01:1|1998-02:2")
    for a, b, d in g.edges(data=True):
        d.update(first_seen="1998-01-03", last_seen="1998-02-10", by_year="1998:2", by_month="1998-01:1|1998-02:1")
    add_layout(g, max_nodes=2)  # two laid out by ForceAtlas2, the others placed by their neighbours
    return g


def _edge_ends(data: bytes, kind: str) -> dict:
    """relation -> [(source, target)] as written in the XML."""
    root = etree.fromstring(data, STRICT)
    out: dict = {}
    if kind == "graphml":
        ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
        rel_key = root.xpath("//g:key[@attr.name='relation' and @for='edge']/@id", namespaces=ns)[0]
        for edge in root.iterfind(".//g:edge", ns):
            relation = edge.xpath(f"g:data[@key='{rel_key}']/text()", namespaces=ns)[0]
            out.setdefault(relation, []).append((edge.get("source"), edge.get("target")))
    else:
        ns = {"x": "http://www.gexf.net/1.2draft"}
        rel_id = root.xpath("//x:attributes[@class='edge']/x:attribute[@title='relation']/@id", namespaces=ns)[0]
        for edge in root.iterfind(".//x:edge", ns):
            relation = edge.xpath(f"x:attvalues/x:attvalue[@for='{rel_id}']/@value", namespaces=ns)[0]
            out.setdefault(relation, []).append((edge.get("source"), edge.get("target")))
    return out


def test_gexf_and_graphml_round_trip_labels_colours_positions_dates_and_direction():
    from kg.style import hex_rgb, node_colour

    g = analyst_graph()
    gexf, graphml = gexf_bytes(g), graphml_bytes(g)
    back_gexf = nx.read_gexf(io.BytesIO(gexf))
    back_graphml = nx.read_graphml(io.BytesIO(graphml))
    for node, data in g.nodes(data=True):
        assert back_gexf.nodes[node]["label"] == data["name"]
        assert back_graphml.nodes[node]["label"] == data["name"]
        viz = back_gexf.nodes[node]["viz"]
        assert (viz["color"]["r"], viz["color"]["g"], viz["color"]["b"]) == hex_rgb(node_colour(data))
        assert viz["position"]["x"] == pytest.approx(data["x"]) and viz["position"]["y"] == pytest.approx(-data["y"])
        assert viz["size"] > 0
        assert back_graphml.nodes[node]["x"] == pytest.approx(data["x"])  # GraphML keeps them as attributes
        for back in (back_gexf, back_graphml):
            assert back.nodes[node]["first_seen"] == data["first_seen"]
            assert back.nodes[node]["last_seen"] == data["last_seen"]
            assert back.nodes[node]["by_month"] == "1998-01:1|1998-02:2"
    sizes = {n: back_gexf.nodes[n]["viz"]["size"] for n in g}
    assert sizes["LOC:沈阳市"] > sizes["ORG:东北大学"]  # by mentions, as on the map
    colours = {n: back_gexf.nodes[n]["viz"]["color"] for n in g}
    assert colours["ORG:沈阳市人民政府"] != colours["ORG:东北大学"]  # two ORG subtypes, two colours
    positions = {(v["viz"]["position"]["x"], v["viz"]["position"]["y"]) for _, v in back_gexf.nodes(data=True)}
    assert len(positions) == 4  # every node placed, none on top of another
    for back in (back_gexf, back_graphml):
        edge = back.edges["PERSON:刘振华", "ORG:沈阳市人民政府"]
        assert edge["relation"] == "holds_position_at" and edge["directed"] is True
        assert edge["first_seen"] == "1998-01-03" and edge["last_seen"] == "1998-02-10"
        assert back.edges["ORG:东北大学", "LOC:沈阳市"]["directed"] is False
    for data, kind in ((gexf, "gexf"), (graphml, "graphml")):
        ends = _edge_ends(data, kind)
        assert ends["holds_position_at"] == [("PERSON:刘振华", "ORG:沈阳市人民政府")]  # person -> organisation


def test_json_and_csv_run_positions_person_to_organisation_with_dates_and_evidence():
    g = analyst_graph()
    data = json.loads(node_link_text(g))
    (position,) = [e for e in data["edges"] if e["relation"] == "holds_position_at"]
    assert (position["source"], position["target"], position["directed"]) == ("PERSON:刘振华", "ORG:沈阳市人民政府", True)
    table = rows(edges_csv(g))
    header, body = table[0], table[1:]
    assert header == export.EDGE_COLUMNS
    col = {name: header.index(name) for name in header}
    weights = [int(r[col["weight"]]) for r in body]
    assert weights == sorted(weights, reverse=True) == [7, 4, 2]
    by_relation = {r[col["relation"]]: r for r in body}
    pos = by_relation["holds_position_at"]
    assert (pos[col["source"]], pos[col["target"]], pos[col["source_name"]]) == ("PERSON:刘振华", "ORG:沈阳市人民政府", "刘振华")
    assert pos[col["evidence"]] == "[d1] 市长刘振华" and pos[col["first_seen"]] == "1998-01-03"
    entities = rows(entities_csv(g))
    ecol = {name: i for i, name in enumerate(entities[0])}
    assert {"community", "degree_centrality", "first_seen", "last_seen"} <= set(ecol)
    liu = next(r for r in entities[1:] if r[ecol["name"]] == "刘振华")
    assert (liu[ecol["first_seen"]], liu[ecol["last_seen"]], liu[ecol["community"]]) == ("1998-01-03", "1998-03-01", "0")
    neo = list(csv.reader(io.StringIO(export.neo4j_relationships_csv(g))))
    assert ["PERSON:刘振华", "ORG:沈阳市人民政府", "HOLDS_POSITION_AT"] == neo[[r[2] for r in neo].index("HOLDS_POSITION_AT")][:3]


def test_documents_csv_lists_every_document():
    from kg.types import DocumentRecord

    records = [DocumentRecord("a.txt", "in/a.txt", "标题", "1998-01-03", "http://x/a", "人民日报", 120, 7),
               DocumentRecord("=b", "in/b.txt", characters=5)]
    table = rows(export.documents_csv(records))
    assert table[0] == ["id", "path", "title", "date", "url", "source", "characters", "entities"]
    assert table[1] == ["a.txt", "in/a.txt", "标题", "1998-01-03", "http://x/a", "人民日报", "120", "7"]
    assert table[2][0] == "'=b"  # spreadsheet-safe like the other tables
    files = export.render_files(nx.Graph(), None, ("html",), records)
    assert set(files) == {"documents.csv"}  # in every build, whatever the formats



def test_csv_rows_are_written_as_each_cell_would_be_on_its_own():
    """kg.writers._csv_text decides for a whole row whether any cell needs work: the text is
    the same as cleaning every cell (formulas, forbidden code points, carriage returns)."""
    import csv
    import io
    import random

    from kg.writers import _csv_cell, _csv_text

    rnd = random.Random(5)
    pieces = ["=", "+", "-", "@", "\t", "\r", "\n", "\x01", "\ufffe", "\ud800", "a", "中", ",", '"', " ", "1", "."]
    values = [None, 0, -5, 7, -3.5, 2.0, True, ""]
    rows = [[rnd.choice(values) if rnd.random() < 0.3 else "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 4)))
             for _ in range(rnd.randint(1, 6))] for _ in range(3000)]
    for safe in (True, False):
        expected = io.StringIO()
        writer = csv.writer(expected, lineterminator="\n")
        writer.writerow(["h"])
        for row in rows:
            writer.writerow([_csv_cell(v, safe) for v in row])
        assert _csv_text(["h"], rows, safe) == expected.getvalue()


def test_xml_escaping_is_the_translation_table():
    import random

    from kg.writers import _XML_ESCAPE, _escape

    rnd = random.Random(9)
    pieces = ["&", "<", ">", '"', "'", "\n", "\t", "&amp;", "a", "中", " ", "\r"]
    for _ in range(5000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 12)))
        assert _escape(text) == text.translate(_XML_ESCAPE)
