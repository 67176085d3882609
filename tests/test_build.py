"""End to end on the shipped sample corpus with the shipped model."""
import csv
import json
import shutil
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.nlp import DEFAULT_MODEL, MODELS_DIR

SAMPLE = Path(__file__).resolve().parent.parent / "kg" / "data" / "sample"
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not (MODELS_DIR / DEFAULT_MODEL).is_dir(), reason="model not packaged")]


def run_build(*args):
    result = CliRunner().invoke(main, ["build", *map(str, args), "--quiet"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def sample_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    run_build(SAMPLE, "--out", out, "--jobs", "1", "--cache-dir", tmp_path_factory.mktemp("cache"))
    return out


def read_csv(path):
    with open(path, encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def node_by_name(out, name):
    return next((row for row in read_csv(out / "entities.csv") if row["name"] == name), None)


def test_every_output_is_written(sample_out):
    for name in ("graph.html", "graph.graphml", "graph.gexf", "graph.json", "entities.csv", "edges.csv", "relations.csv",
                 "summary.json", "neo4j/nodes.csv", "neo4j/relationships.csv"):
        assert (sample_out / name).stat().st_size > 0, name
    summary = json.loads((sample_out / "summary.json").read_text(encoding="utf-8"))
    assert summary["documents"] == 23
    assert summary["duplicate_passages_dropped"] >= 4  # three passages repeated across files, two inside articles
    assert summary["skipped"] == []


def test_headers_are_exactly_as_documented(sample_out):
    def header(name):
        return (sample_out / name).read_text(encoding="utf-8-sig").splitlines()[0]

    assert header("entities.csv") == ("id,name,type,subtype,aliases,mentions,documents,titles,affiliations,"
                                      "community,degree_centrality,first_seen,last_seen,by_year")
    assert header("edges.csv") == ("source,target,source_name,target_name,weight,npmi,relation,title,documents,"
                                   "first_seen,last_seen,evidence")
    assert header("documents.csv") == "id,path,title,date,url,source,characters,entities"
    assert header("relations.csv") == "head,relation,tail,title,document,sentence"
    assert header("neo4j/nodes.csv").startswith("id:ID,name,:LABEL")
    assert header("neo4j/relationships.csv").startswith(":START_ID,:END_ID,:TYPE")


def test_specific_entities_with_types(sample_out):
    assert node_by_name(sample_out, "沈阳市")["subtype"] == "city"
    assert node_by_name(sample_out, "东北大学")["subtype"] == "university"
    assert node_by_name(sample_out, "东北财经大学") is not None  # never merged with 东北大学
    person = node_by_name(sample_out, "刘振华")
    assert person["type"] == "PERSON" and person["subtype"] == "official"


def test_aliases_are_merged(sample_out):
    sia = node_by_name(sample_out, "中国科学院沈阳自动化研究所")
    assert "沈阳自动化所" in sia["aliases"].split("|")
    company = node_by_name(sample_out, "北方智造机器人股份有限公司")
    assert "北方智造" in company["aliases"].split("|")
    assert node_by_name(sample_out, "北方智造") is None


def test_holds_position_at_edge(sample_out):
    relations = read_csv(sample_out / "relations.csv")
    assert any(r["head"] == "周志远" and r["tail"] == "北方智造机器人股份有限公司" and r["title"] == "董事长" for r in relations)
    graph = nx.read_graphml(sample_out / "graph.graphml")
    edge = graph.edges["PERSON:周志远", "ORG:北方智造机器人股份有限公司"]
    assert edge["relation"] == "holds_position_at" and "董事长" in edge["title"]
    assert "周志远" in edge["evidence"]


def test_duplicated_passages_do_not_change_edge_weights(tmp_path):
    article = SAMPLE / "2026-03-05-shenyang-robot-park.txt"
    once, thrice = tmp_path / "once", tmp_path / "thrice"
    once.mkdir()
    thrice.mkdir()
    shutil.copy(article, once / "a.txt")
    text = article.read_text(encoding="utf-8")
    body = text.split("\n", 1)[1]
    (thrice / "a.txt").write_text(text + "\n\n" + body + "\n" + body, encoding="utf-8")
    (thrice / "copy.txt").write_text(text, encoding="gb18030", errors="replace")  # the same article again, re-encoded
    run_build(once, "--out", tmp_path / "o1", "--jobs", "1", "--no-cache", "--formats", "csv")
    run_build(thrice, "--out", tmp_path / "o3", "--jobs", "1", "--no-cache", "--formats", "csv")
    weights = lambda out: {(r["source"], r["target"]): r["weight"] for r in read_csv(out / "edges.csv")}
    assert weights(tmp_path / "o1") == weights(tmp_path / "o3")
    assert weights(tmp_path / "o1")


def graph_content(out):
    data = json.loads((out / "graph.json").read_text(encoding="utf-8"))
    nodes = {n["id"]: (n["name"], n["type"], n["subtype"], n["aliases"], n["mentions"]) for n in data["nodes"]}
    edges = {(e["source"], e["target"]): (e["weight"], e["relation"], e["title"]) for e in data["edges"]}
    return nodes, edges


def test_same_outputs_with_one_or_two_processes_and_from_the_cache(tmp_path):
    cache = tmp_path / "cache"
    run_build(SAMPLE, "--out", tmp_path / "j1", "--jobs", "1", "--no-cache", "--formats", "json")
    run_build(SAMPLE, "--out", tmp_path / "j2", "--jobs", "2", "--cache-dir", cache, "--formats", "json")
    run_build(SAMPLE, "--out", tmp_path / "cached", "--jobs", "2", "--cache-dir", cache, "--formats", "json")
    summary = json.loads((tmp_path / "cached" / "summary.json").read_text(encoding="utf-8"))
    assert summary["cache_misses"] == 0 and summary["cache_hits"] == summary["documents"]
    one = graph_content(tmp_path / "j1")
    assert one == graph_content(tmp_path / "j2") == graph_content(tmp_path / "cached")
    assert one[0] and one[1]


def test_unchanged_rerun_reuses_outputs_but_changed_options_do_not(tmp_path):
    cache = tmp_path / "cache"
    args = ("--jobs", "1", "--cache-dir", cache, "--formats", "json,csv")
    run_build(SAMPLE, "--out", tmp_path / "a", *args)
    run_build(SAMPLE, "--out", tmp_path / "b", *args)
    run_build(SAMPLE, "--out", tmp_path / "c", *args, "--min-weight", "2")
    summary = lambda name: json.loads((tmp_path / name / "summary.json").read_text(encoding="utf-8"))
    assert not summary("a")["outputs_from_cache"]
    assert summary("b")["outputs_from_cache"] and summary("b")["cache_misses"] == 0
    assert not summary("c")["outputs_from_cache"]
    for name in ("edges.csv", "entities.csv", "graph.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert len(read_csv(tmp_path / "c" / "edges.csv")) < len(read_csv(tmp_path / "a" / "edges.csv"))


def test_summary_counts_the_typed_relations_and_the_cli_says_so(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(SAMPLE), "--out", str(out), "--jobs", "1", "--cache-dir",
                                       str(tmp_path / "cache")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    rows = read_csv(out / "events.csv")
    assert summary["events"] == len(rows) > 0  # the sample has visits and signings
    assert f"{len(rows)} typed relations (events.csv)" in result.stderr


def test_the_pool_forks_after_the_model_and_the_rules_have_loaded_their_tables():
    """kg.build.start_workers runs one document through the model and the rules before the
    fork: the workers inherit the loaded tables instead of each loading them again (in a
    fresh interpreter: this one's caches hold what earlier tests loaded)."""
    import subprocess
    import sys

    code = ("from kg.build import start_workers\n"
            "from kg.entities.divisions import divisions\n"
            "assert divisions.cache_info().currsize == 0\n"
            "def loaded():\n"
            "    return divisions.cache_info().currsize, len(divisions()[0]), divisions.cache_info().hits\n"
            "pool = start_workers(None, 2)\n"
            "loaded = pool.apply(loaded)\n"
            "pool.terminate(); pool.join()\n"
            "print(divisions.cache_info().currsize, *loaded)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    here, in_worker, rows, hits = map(int, done.stdout.split())
    assert here == 1 and in_worker == 1 and rows > 40_000 and hits >= 1  # the worker's table came with the fork


def test_chunks_of_a_size_with_a_first_chunk_of_its_own():
    """A parallel build submits its first document alone (the model starts loading on it)."""
    from kg.build import _chunks

    assert [len(c) for c in _chunks(range(10), 4)] == [4, 4, 2]
    assert [len(c) for c in _chunks(range(10), 4, first=1)] == [1, 4, 4, 1]
    assert [c for c in _chunks(range(5), lambda: 2, first=1)] == [[0], [1, 2], [3, 4]]
    assert list(_chunks([], 4, first=1)) == []


def test_the_tail_of_a_build_runs_with_the_heap_frozen_and_gives_it_back(tmp_path, monkeypatch):
    """kg.build.freeze_heap: the resolution, graph and files run with what the analysis left
    alive frozen (gc.freeze), and the collector is as it was after the build (a notebook's
    later objects are collected as usual); a heap someone else froze is left alone."""
    import gc

    import kg.build as build_module

    seen = []
    original = build_module.resolve_graph

    def resolve_graph(*args, **kwargs):
        seen.append(gc.get_freeze_count())
        return original(*args, **kwargs)

    monkeypatch.setattr(build_module, "resolve_graph", resolve_graph)
    assert gc.get_freeze_count() == 0
    run_build(SAMPLE, "--out", tmp_path / "a", "--jobs", "1", "--no-cache", "--formats", "json")
    assert len(seen) == 1 and seen[0] > 10_000 and gc.get_freeze_count() == 0
    gc.freeze()  # someone else's: kept as it is
    try:
        before = gc.get_freeze_count()
        run_build(SAMPLE, "--out", tmp_path / "b", "--jobs", "1", "--no-cache", "--formats", "json")
        # neither unfrozen nor frozen again (some of its objects may be freed meanwhile)
        assert before - 1000 < gc.get_freeze_count() <= before
    finally:
        gc.unfreeze()
