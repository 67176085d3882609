"""kg as a Python library (kg/__init__.py, kg/api.py): the public names, one options object
behind kg.build(...) and `kg build`, the KnowledgeGraph's views, files and map, doctests.

Checks are structural (what the API returns agrees with the graph, with the CLI's files and
with kg's own time attributes), never exact model predictions.
"""
from __future__ import annotations

import dataclasses
import doctest
import inspect
import json
import subprocess
import sys
from pathlib import Path

import networkx as nx
from tests.helpers import IframeCollector
import pytest
from click.testing import CliRunner

import kg
import kg.api
from kg.cli import main
from kg.nlp import DEFAULT_MODEL, MODELS_DIR
from kg.options import BuildOptions, OptionError

HAS_MODEL = (MODELS_DIR / DEFAULT_MODEL).is_dir()
needs_model = pytest.mark.skipif(not HAS_MODEL, reason="model not packaged")


# ---------------------------------------------------------------- without the model


def test_public_names_resolve_and_import_kg_stays_light():
    for name in kg.__all__:
        assert getattr(kg, name) is not None, name
    assert set(kg.__all__) <= set(dir(kg))
    assert callable(kg.build) and callable(kg.load) and callable(kg.analyse)
    # the CLI imports kg: spaCy must not come with it
    code = "import kg, sys; print('spacy' in sys.modules, 'kg.api' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"]


def test_kg_build_is_both_the_function_and_the_module():
    from kg import build as module

    assert module is sys.modules["kg.build"] and module.run is kg.build.run  # the module's names still work
    assert inspect.signature(kg.build) == inspect.signature(kg.api.build)


OPTION_FIELDS = {f.name: f for f in dataclasses.fields(BuildOptions)}
DEFAULTS = BuildOptions()


def test_python_keywords_are_exactly_the_options_fields_with_their_defaults():
    params = dict(inspect.signature(kg.api.build).parameters)
    assert next(iter(params)) == "paths"
    keywords = {("out_dir" if name == "out" else name): p for name, p in params.items() if name != "paths"}
    assert set(keywords) == set(OPTION_FIELDS)
    for name, param in keywords.items():
        assert param.kind is inspect.Parameter.KEYWORD_ONLY, name
        assert param.default == getattr(DEFAULTS, name), name


def test_cli_flags_are_the_options_fields_with_their_defaults():
    command = main.commands["build"]
    flags = {p.name: p for p in command.params if p.name != "paths"}
    # flags spelled as negations: --no-cache is use_cache=False, --quiet is progress=False
    negated = {"no_cache": "use_cache", "quiet": "progress"}
    mapped = {negated.get(name, name): p for name, p in flags.items()}
    assert set(mapped) == set(OPTION_FIELDS) - {"spill_dir"}  # spill_dir: $TMPDIR, an internal knob
    for name, param in mapped.items():
        default = param.default
        if name in negated.values():
            default = not default
        elif name == "formats":
            default = tuple(default.split(","))
        elif name == "out_dir":
            continue  # the CLI writes to ./outputs; the library writes nothing unless asked
        assert default == getattr(DEFAULTS, name), name


@pytest.mark.parametrize("keywords, option, flags", [
    ({"formats": "html,pdf"}, "formats", ["--formats", "html,pdf"]),
    ({"formats": ""}, "formats", ["--formats", ""]),
])
def test_a_bad_value_fails_the_same_way_in_python_and_on_the_command_line(tmp_path, keywords, option, flags):
    with pytest.raises(OptionError) as raised:
        kg.build(tmp_path, **keywords)
    assert raised.value.option == option
    result = CliRunner().invoke(main, ["build", str(tmp_path), "--out", str(tmp_path / "o"), *flags])
    assert result.exit_code == 2
    assert raised.value.message in result.output


@pytest.mark.parametrize("keywords", [{"window": "page"}, {"min_weight": 0}, {"max_edges": -1}, {"min_npmi": 2},
                                      {"jobs": -1}, {"max_html_nodes": 0}, {"aliases": "/no/such/file.csv"}])
def test_python_checks_values_the_cli_checks(tmp_path, keywords):
    name = next(iter(keywords))
    with pytest.raises(OptionError) as raised:
        kg.build(tmp_path, **keywords)
    assert raised.value.option == name


def test_knowledge_graph_from_a_hand_made_graph():
    g = nx.Graph()
    g.add_node("p", name="张三", type="PERSON", subtype="official", aliases="张三|张市长", mentions=3)
    g.add_node("o", name="鹏城市人民政府", type="ORG", subtype="government", aliases="鹏城市人民政府|市政府", mentions=5)
    g.add_node("l", name="鹏城市", type="LOC", subtype="city", mentions=9)
    g.add_edge("p", "o", relation="holds_position_at", weight=1, title="市长")
    g.add_edge("o", "l", relation="co_occurs", weight=4)
    graph = kg.KnowledgeGraph(g)
    assert [e.id for e in graph.entities()] == ["l", "o", "p"]  # most mentioned first
    assert graph.find("市政府").id == "o" and graph.find("张市长").id == "p"
    assert graph.find("鹏城市").id == "l" and graph.find("ＰＥＮＧ") is None
    assert [(e.source, e.target) for e in graph.edges(relation="holds_position_at")] == [("p", "o")]  # person first
    assert [e.id for e in graph.neighbours("市政府")] == ["l", "p"]  # heavier link first
    assert graph.neighbors("市政府") == graph.neighbours("市政府")
    with pytest.raises(KeyError):
        graph.neighbours("不存在")
    assert set(graph.subgraph(min_weight=2).graph.edges) == {("p", "o"), ("o", "l")}  # positions always kept
    assert set(graph.subgraph(min_weight=5).graph.edges) == {("p", "o")}
    assert set(graph.subgraph(around="张三").graph) == {"p", "o"}
    assert set(graph.subgraph(around="张三", radius=2).graph) == {"p", "o", "l"}
    with pytest.raises(ValueError):
        graph.subgraph(dates=("2026-01-01", "2026-02-01", "x"))


def test_dates_of_a_graph_without_its_build_come_from_its_attributes():
    g = nx.Graph()
    g.add_node("a", name="甲", type="ORG", by_month="2026-01:2|2026-05:1", by_year="2026:3",
               first_seen="2026-01-03", last_seen="2026-05-20")
    g.add_node("b", name="乙", type="ORG", by_month="2026-01:1|2026-03:1", by_year="2026:2",
               first_seen="2026-01-09", last_seen="2026-03-02")
    g.add_node("c", name="丙", type="LOC", by_year="2025:1", first_seen="2025", last_seen="2025")
    g.add_edge("a", "b", relation="co_occurs", weight=2, by_month="2026-01:1", by_year="2026:1",
               first_seen="2026-01-09", last_seen="2026-01-09")
    g.add_edge("a", "c", relation="visits", weight=1,
               event_records=json.dumps([{"document": "d9", "date": "2026-05-20", "type": "visits"}]))
    graph = kg.KnowledgeGraph(g)
    assert set(graph.subgraph(dates="2026-01").graph.edges) == {("a", "b")}
    assert set(graph.subgraph(dates="2026-03").graph) == {"b"}  # a: January and May, not March
    assert set(graph.subgraph(dates=("2026-02", "2026-04")).graph) == {"b"}
    assert set(graph.subgraph(dates="2025").graph) == {"c"}  # a year-only date
    both = graph.subgraph(dates=("2025-01-01", "2026-05-31"))
    assert set(both.graph) == {"a", "b", "c"} and both.graph.has_edge("a", "c")  # the event's own date
    assert not graph.subgraph(dates=("2025-01-01", "2026-04-30")).graph.has_edge("a", "c")


def test_dates_mean_the_days_they_can_mean():
    from kg.api import _date_bounds, _in_range

    low, high = _date_bounds(("2026-03", "2026-04"))
    assert (low, high) == ("2026-03-01", "2026-04-31")
    assert _in_range("2026-03-15", low, high) and _in_range("2026", low, high) and _in_range("2026-04", low, high)
    assert not _in_range("2026-05-01", low, high) and not _in_range("2026-02-28", low, high) and not _in_range("", low, high)
    assert _date_bounds(("2026-03-05", None)) == ("2026-03-05", "9999-12-31")
    import datetime

    assert _date_bounds(datetime.date(2026, 3, 5)) == ("2026-03-05", "2026-03-05")


def test_tables_slice_as_tables_and_need_pandas_only_for_to_pandas(monkeypatch):
    rows = kg.Table([kg.Entity("a", "甲", "ORG", mentions=2), kg.Entity("b", "乙", "LOC")], kg.Entity)
    assert isinstance(rows[:1], kg.Table) and rows[0].id == "a"
    shown = kg.Table([kg.Entity(str(i), f"<名{i}>", "ORG") for i in range(60)], kg.Entity)._repr_html_()
    assert shown.count("<tr>") == 51 and "&lt;名0&gt;" in shown and "10 more rows" in shown  # escaped, cut at 50
    pandas = pytest.importorskip("pandas")
    frame = rows[:2].to_pandas()
    assert isinstance(frame, pandas.DataFrame)
    assert list(frame.columns) == [f.name for f in dataclasses.fields(kg.Entity)]
    assert frame["name"].tolist() == ["甲", "乙"]
    assert list(kg.Table([], kg.Edge).to_pandas().columns) == [f.name for f in dataclasses.fields(kg.Edge)]
    monkeypatch.setitem(sys.modules, "pandas", None)  # as if pandas were not installed
    with pytest.raises(ImportError, match=r"kg\[pandas\]"):
        rows.to_pandas()




def iframes(markup: str) -> list[dict]:
    parser = IframeCollector()
    parser.feed(markup)
    return parser.frames


# ---------------------------------------------------------------- with the model, on the sample corpus


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def sample(cache_dir):
    if not HAS_MODEL:
        pytest.skip("model not packaged")
    return kg.build(kg.SAMPLE_CORPUS, jobs=1, cache_dir=cache_dir, progress=False)


@pytest.fixture(scope="module")
def cli_out(tmp_path_factory, cache_dir):
    if not HAS_MODEL:
        pytest.skip("model not packaged")
    out = tmp_path_factory.mktemp("cli")
    result = CliRunner().invoke(main, ["build", str(kg.SAMPLE_CORPUS), "--out", str(out), "--jobs", "1",
                                       "--cache-dir", str(cache_dir), "--quiet"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out


def graph_content(graph: nx.Graph):
    nodes = {n: {k: v for k, v in d.items()} for n, d in graph.nodes(data=True)}
    edges = {tuple(sorted((a, b))): dict(d) for a, b, d in graph.edges(data=True)}
    return nodes, edges


@needs_model
def test_out_none_writes_nothing(tmp_path, monkeypatch, cache_dir):
    monkeypatch.chdir(tmp_path)
    graph = kg.build(kg.SAMPLE_CORPUS, jobs=1, cache_dir=cache_dir, progress=False)
    assert list(tmp_path.iterdir()) == []
    assert graph.summary.outputs == [] and graph.summary.documents > 0
    assert graph.graph.number_of_nodes() == graph.summary.entities > 0


@needs_model
def test_python_build_gives_the_graph_the_cli_writes(sample, cli_out):
    data = json.loads((cli_out / "graph.json").read_text(encoding="utf-8"))
    written_nodes, written_edges = graph_content(nx.Graph(nx.node_link_graph(data, edges="edges")))
    nodes, edges = graph_content(sample.graph)
    assert set(written_nodes) == set(nodes) and set(written_edges) == set(edges)
    # every attribute of the graph in memory is in the file (writers may add some, e.g. `directed`)
    for item, attrs in [*nodes.items(), *edges.items()]:
        written = written_nodes.get(item) if item in nodes else written_edges.get(item)
        assert {k: written.get(k) for k in attrs} == attrs, item
    cli_summary = json.loads((cli_out / "summary.json").read_text(encoding="utf-8"))
    for key in ("documents", "characters", "entities", "edges", "relations", "duplicate_passages_dropped"):
        assert getattr(sample.summary, key) == cli_summary[key], key


@needs_model
def test_load_reads_back_a_cli_build(sample, cli_out):
    loaded = kg.load(cli_out)
    assert loaded.entities() == sample.entities()
    assert loaded.edges() == sample.edges()
    assert loaded.relations() == sample.relations()
    assert loaded.documents() == sample.documents()
    assert loaded.summary.documents == sample.summary.documents
    assert loaded.options.window == sample.options.window


@needs_model
def test_rows_are_the_graph(sample):
    g = sample.graph
    entities = sample.entities()
    assert {e.id for e in entities} == set(g) and len(entities) == len(sample)
    assert [e.mentions for e in entities] == sorted((e.mentions for e in entities), reverse=True)
    for e in entities:
        assert e.name == g.nodes[e.id]["name"] and e.type == g.nodes[e.id]["type"]
    orgs = sample.entities(type="ORG")
    assert orgs and {e.type for e in orgs} == {"ORG"}
    assert {e.id for e in orgs} == {n for n, d in g.nodes(data=True) if d["type"] == "ORG"}
    officials = sample.entities(subtype="official")
    assert {e.id for e in officials} == {n for n, d in g.nodes(data=True) if d["subtype"] == "official"}
    edges = sample.edges()
    assert len(edges) == g.number_of_edges()
    assert [e.weight for e in edges] == sorted((e.weight for e in edges), reverse=True)
    positions = sample.edges(relation="holds_position_at")
    assert positions, "the sample states officials' positions"
    for e in positions:
        assert g.nodes[e.source]["type"] == "PERSON" and g.has_edge(e.source, e.target)


@needs_model
def test_relations_are_position_edges_and_the_csv_rows(sample, cli_out):
    relations = sample.relations()
    assert relations
    for r in relations:
        assert sample.graph.edges[r.head_id, r.tail_id]["relation"] == "holds_position_at"
        assert r.head == sample.graph.nodes[r.head_id]["name"] and r.sentence
    rows = (cli_out / "relations.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(rows) - 1 >= len(relations) > 0  # CSV rows may hold line breaks of sentences


@needs_model
def test_events_are_the_edges_events_and_the_csv_rows(sample, cli_out):
    import csv

    events = sample.events()
    rows = list(csv.DictReader((cli_out / "events.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert events, "the sample reports visits and signings"
    assert len(events) == len(rows)
    for e in events:
        assert e.type in sample.graph.edges[e.head, e.tail]["events"].split("|")
    for kind in {e.type for e in events}:
        assert sample.events(type=kind) == [e for e in events if e.type == kind]


@needs_model
def test_documents_are_the_corpus(sample):
    docs = sample.documents()
    assert len(docs) == sample.summary.documents
    assert len({d.id for d in docs}) == len(docs)
    assert sum(d.characters for d in docs) == sample.summary.characters
    assert all(d.entities >= 0 for d in docs) and any(d.entities for d in docs)


@needs_model
def test_find_by_name_alias_and_loose_spelling(sample):
    g = sample.graph
    with_alias = next(n for n, d in g.nodes(data=True) if any(a != d["name"] for a in d["aliases"].split("|") if a))
    name = g.nodes[with_alias]["name"]
    alias = next(a for a in g.nodes[with_alias]["aliases"].split("|") if a and a != name)
    assert sample.find(name).id == with_alias
    found = sample.find(alias)
    assert found is not None and alias in found.aliases  # the most mentioned entity with that alias
    assert sample.find(f" {name} ").id == with_alias
    assert sample.find(with_alias).id == with_alias  # an id
    assert sample.find("这个名字不在任何新闻里") is None
    assert name in sample and "这个名字不在任何新闻里" not in sample


@needs_model
def test_neighbours_are_the_adjacent_nodes_strongest_first(sample):
    g = sample.graph
    hub = max(g, key=g.degree)
    found = sample.neighbours(g.nodes[hub]["name"])
    assert {e.id for e in found} == set(g[hub])
    weights = [g.edges[hub, e.id]["weight"] for e in found]
    assert weights == sorted(weights, reverse=True)


@needs_model
def test_subgraph_filters(sample):
    g = sample.graph
    people = sample.subgraph(types="PERSON")
    assert set(people.graph) == {n for n, d in g.nodes(data=True) if d["type"] == "PERSON"}
    assert set(people.graph.edges) <= set(g.edges)
    strong = sample.subgraph(min_weight=2)
    assert set(strong.graph) == set(g)
    for a, b, d in g.edges(data=True):
        kept = strong.graph.has_edge(a, b)
        assert kept == (d["weight"] >= 2 or d["relation"] != "co_occurs")
    hub = max(g, key=g.degree)
    around = sample.subgraph(around=g.nodes[hub]["name"])
    assert set(around.graph) == set(nx.ego_graph(g, hub, radius=1))
    assert all(around.graph.nodes[n] == g.nodes[n] for n in around.graph)
    mentioned = {d.id for d in around.documents()}
    assert mentioned and mentioned <= {d.id for d in sample.documents()}


@needs_model
def test_dates_keep_what_occurs_in_documents_of_those_dates(sample, cli_out):
    dates = sorted(d.date for d in sample.documents() if d.date)
    assert len(dates) > 2, "the sample's documents carry dates"
    month = dates[len(dates) // 2][:7]
    part = sample.subgraph(dates=month)
    assert part.documents() and all(d.date.startswith(month) for d in part.documents())
    assert 0 < len(part) < len(sample)
    # kg.timeline's attributes (other code, counted per month) say which nodes were seen that
    # month, and which edges co-occurred then; a position is also seen where a document of
    # that month states it (relations()), a typed event where its record's date says so
    # (kg.events). A month-aligned range must agree with them exactly.
    event_months = lambda d: {r.get("date", "")[:7] for r in json.loads(d.get("event_records") or "[]")}  # noqa: E731
    seen = lambda d: month in d.get("by_month", "") or month in event_months(d)  # noqa: E731
    nodes = {n for n, d in sample.graph.nodes(data=True) if month in d.get("by_month", "")}
    dated = {d.id: d.date for d in sample.documents()}
    stated = {frozenset((r.head_id, r.tail_id)) for r in sample.relations() if dated[r.document].startswith(month)}
    assert set(part.graph) == nodes
    assert {frozenset(e) for e in part.graph.edges} == {
        frozenset((a, b)) for a, b, d in sample.graph.edges(data=True)
        if a in nodes and b in nodes and (seen(d) or frozenset((a, b)) in stated)}
    # and a graph read back from files (no occurrences at hand) filters the same way
    loaded = kg.load(cli_out).subgraph(dates=month)
    assert set(loaded.graph) == set(part.graph)
    assert {frozenset(e) for e in loaded.graph.edges} == {frozenset(e) for e in part.graph.edges}
    assert len(sample.subgraph(dates=("1900-01-01", "1900-12-31"))) == 0


@needs_model
def test_save_writes_the_cli_files_and_load_reads_them_back(sample, tmp_path):
    written = sample.save(tmp_path / "all", formats=["json", "csv", "graphml"])
    names = {p.relative_to(tmp_path / "all").as_posix() for p in written}
    assert {"graph.json", "graph.graphml", "entities.csv", "edges.csv", "relations.csv", "summary.json",
            "documents.csv"} <= names
    assert "graph.html" not in names
    back = kg.load(tmp_path / "all")
    assert back.entities() == sample.entities() and back.relations() == sample.relations()
    assert back.documents() == sample.documents()
    city = max(sample.entities(type="LOC"), key=lambda e: e.mentions)
    part = sample.subgraph(around=city.name)
    part.save(tmp_path / "part", formats="graphml")
    graphml = nx.read_graphml(tmp_path / "part" / "graph.graphml")
    assert set(graphml) == set(part.graph) and city.id in graphml
    from_graphml = kg.load(tmp_path / "part")  # no graph.json there: GraphML is read
    assert from_graphml.entities() == part.entities() and from_graphml.edges() == part.edges()
    assert json.loads((tmp_path / "part" / "summary.json").read_text(encoding="utf-8"))["entities"] == len(part)


@needs_model
def test_a_build_whose_files_come_from_the_cache_still_has_its_graph(tmp_path, sample, cache_dir):
    first = kg.build(kg.SAMPLE_CORPUS, jobs=1, cache_dir=cache_dir, out=tmp_path / "a", formats="json", progress=False)
    again = kg.build(kg.SAMPLE_CORPUS, jobs=1, cache_dir=cache_dir, out=tmp_path / "b", formats="json", progress=False)
    assert not first.summary.outputs_from_cache and again.summary.outputs_from_cache
    assert graph_content(again.graph) == graph_content(first.graph) == graph_content(sample.graph)
    assert again.documents() == sample.documents() and again.relations() == sample.relations()


@needs_model
def test_the_map_is_a_sandboxed_srcdoc_iframe_of_the_page(sample):
    page = sample.to_html()
    assert page.lstrip().lower().startswith("<!doctype html>")
    frames = iframes(sample._repr_html_())
    assert len(frames) == 1
    frame = frames[0]
    assert frame["srcdoc"] == page  # the parser undoes the escaping: the whole page, nothing else
    sandbox = frame["sandbox"].split()
    assert "allow-scripts" in sandbox and "allow-same-origin" not in sandbox
    assert "src" not in frame
    small = sample.subgraph(types="ORG")
    assert small.to_html() != page and iframes(small._repr_html_())[0]["srcdoc"] == small.to_html()
    assert "height: 250px" in iframes(sample._map_frame(250))[0]["style"]


@needs_model
def test_show_outside_a_notebook_opens_the_page_in_the_browser(sample, monkeypatch):
    opened = []
    monkeypatch.setattr("webbrowser.open", lambda url: opened.append(url))
    path = sample.show()
    assert opened == [path.as_uri()]
    assert path.read_text(encoding="utf-8") == sample.to_html()


@needs_model
def test_analyse_one_text():
    text = "沈阳市市长王建国今天在沈阳会见了北方智造机器人股份有限公司董事长李明。"
    found = kg.analyse(text)
    assert found, "some entity in a sentence full of them"
    assert any(e.type == "PERSON" for e in found)
    for e in found:
        assert e.type in ("PERSON", "ORG", "LOC")
        if e.type != "ORG":  # an organisation may be implied (沈阳市 + 市长: 沈阳市人民政府)
            assert all(a in text for a in e.aliases)  # surface forms come from the text
    assert kg.analyse("") == [] and kg.analyse("   ") == []


@needs_model
def test_doctests_of_the_public_api(monkeypatch, cache_dir):
    monkeypatch.setenv("KG_CACHE_DIR", str(cache_dir))
    results = doctest.testmod(kg.api, extraglobs={"kg": kg}, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
                              report=True)
    assert results.failed == 0
    assert results.attempted >= 20  # every example ran
