"""The helper process that renders the XML and JSON files and finds the communities
(kg/offload.py): the same bytes and communities as this process, and the same outputs
when it fails."""
import sys
from pathlib import Path

import networkx as nx
import pytest

from kg import offload
from kg.graph import louvain
from kg.writers import gexf_bytes, graphml_bytes, node_link_text

NAMES = ["graph.graphml", "graph.gexf", "graph.json"]


def sample_graph() -> nx.Graph:
    graph = nx.Graph()
    names = ["鞍钢集团", "张明", "沈阳市", "辽宁省", "东北大学", "李华", "Acme & Co <上海>"]
    for i, name in enumerate(names):
        graph.add_node(f"e{i}", name=name, type="ORG" if i % 2 else "PERSON", mentions=i + 1, x=float(i), y=-1.5 * i)
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            if (i * j) % 3 != 1:
                graph.add_edge(f"e{i}", f"e{j}", weight=(i + j) % 4 + 1, relation="co_occurs", evidence=f"句{i}\t{j}")
    return graph


def local(graph: nx.Graph) -> dict[str, bytes]:
    return {"graph.graphml": graphml_bytes(graph), "graph.gexf": gexf_bytes(graph),
            "graph.json": node_link_text(graph).encode("utf-8")}


def answered(helper, names) -> None:
    """Until the helper has announced every one of `names`."""
    while not set(names) <= helper._ready:
        line = helper._process.stdout.readline()
        assert line, "the helper ended"
        helper._ready.add(line.decode().strip())


def test_helper_answers_what_this_process_computes(tmp_path):
    graph = sample_graph()
    with offload.Helper(tmp_path) as helper:
        communities = helper.communities(graph)
        files = helper.render(graph, NAMES)
        assert list(files) == NAMES[::-1]  # the helper's last file first: the one this process may take
        answered(helper, ["communities"] + NAMES)  # it really ran in the helper
        got = {name: files[name]() for name in NAMES}
        assert helper._process is not None  # ... and did not fall back
        assert communities() == louvain(graph)
    assert got == local(graph)
    assert list(tmp_path.iterdir()) == []  # its folder is gone


def test_a_file_this_process_claims_first_is_rendered_here_and_not_by_the_helper(tmp_path):
    graph = sample_graph()
    with offload.Helper(tmp_path) as helper:
        # the next request's graph.json, claimed before the helper can see the request
        assert offload._claim(helper._folder, helper._requests + 1, "graph.json", on_error=False)
        files = helper.render(graph, NAMES)
        answered(helper, NAMES[:2])
        assert not offload._claim(helper._folder, helper._requests, "graph.gexf", on_error=False)  # the helper's
        got = {name: files[name]() for name in NAMES[:2]}
        helper._process.stdin.close()  # the helper ends: it answered nothing more
        assert helper._process.stdout.read() == b""
        assert helper._ready == set()
    assert got == {name: data for name, data in local(graph).items() if name in NAMES[:2]}


def test_the_parent_renders_a_file_the_helper_has_not_begun(tmp_path, monkeypatch):
    graph = sample_graph()
    with offload.Helper(tmp_path) as helper:
        files = helper.render(graph, NAMES)
        first = next(iter(files))  # the helper's last file: this process claims it if the helper is still busy
        claims = []
        real = offload._claim

        def spy(*args, **kwargs):
            claims.append(real(*args, **kwargs))
            return claims[-1]
        monkeypatch.setattr(offload, "_claim", spy)
        got = {name: files[name]() for name in files}
        assert len(claims) == 3 and first == "graph.json"
    assert got == local(graph)  # whoever rendered each


def test_the_helper_gives_the_maps_betweenness_after_the_communities(tmp_path):
    from kg.render import map_betweenness

    graph = sample_graph()
    graph.add_edge("e6", "tail1", weight=3)  # a path off the clique: nodes between others
    graph.add_edge("tail1", "tail2", weight=3)
    graph.add_edge("tail2", "tail3", weight=3)
    with offload.Helper(tmp_path) as helper:
        communities, betweenness = helper.structure(graph, max_nodes=9)
        assert communities() == louvain(graph)
        got = helper.betweenness()
        assert helper._process is not None
        assert helper.betweenness() is None  # read once
    assert got == map_betweenness(graph, 9) and len(got) == 9 and any(got.values())


def test_a_helper_that_dies_leaves_the_work_to_this_process(tmp_path):
    graph = sample_graph()
    with offload.Helper(tmp_path) as helper:
        helper._process.kill()
        helper._process.wait()
        communities = helper.communities(graph)
        files = helper.render(graph, NAMES)
        assert communities() is None  # the caller computes them
        helper.structure(graph, max_nodes=3)
        assert helper.betweenness() is None  # and the betweenness
        assert {name: files[name]() for name in NAMES} == local(graph)
        assert helper._process is None


def test_a_helper_that_cannot_start_leaves_the_work_to_this_process(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-such-python"))
    graph = sample_graph()
    with offload.Helper(tmp_path) as helper:
        assert helper._process is None
        files = helper.render(graph, NAMES[:1])
        assert files["graph.graphml"]() == graphml_bytes(graph)


def test_a_helper_that_answers_nonsense_is_not_believed(tmp_path):
    graph = sample_graph()
    with offload.Helper(tmp_path) as helper:
        files = helper.render(graph, ["graph.graphml"])
        # the helper answered: damage its answer before it is read
        line = helper._process.stdout.readline().decode().strip()
        assert line == "graph.graphml"
        helper._ready.add(line)
        (Path(helper._folder) / offload._file_name("graph.graphml")).unlink()
        assert files["graph.graphml"]() == graphml_bytes(graph)


@pytest.mark.slow
def test_a_build_with_the_helper_writes_what_one_process_writes(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from kg.cli import main
    from kg.nlp import DEFAULT_MODEL, MODELS_DIR

    if not (MODELS_DIR / DEFAULT_MODEL).is_dir():
        pytest.skip("model not packaged")
    sample = Path(__file__).resolve().parent.parent / "kg" / "data" / "sample"
    started = []
    real = offload.Helper

    class Counted(real):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            started.append(self._process is not None)

    monkeypatch.setattr(offload, "MIN_DOCUMENTS", 1)
    monkeypatch.setattr(offload, "Helper", Counted)
    for out, jobs in (("one", "1"), ("two", "2")):
        result = CliRunner().invoke(main, ["build", str(sample), "--out", str(tmp_path / out), "--jobs", jobs,
                                           "--no-cache", "--quiet"], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    assert started == [True]  # --jobs 2 only
    names = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one").rglob("*") if p.is_file())
    assert Path("graph.gexf") in names and Path("graph.json") in names
    for name in names:
        if name.name != "summary.json":
            assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name
