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


def test_helper_answers_what_this_process_computes(tmp_path):
    graph = sample_graph()
    with offload.Helper(tmp_path) as helper:
        communities = helper.communities(graph)
        files = helper.render(graph, NAMES)
        assert helper._process is not None  # it really ran in the helper
        got = {name: files[name]() for name in NAMES}
        assert helper._process is not None  # ... and did not fall back
        assert communities() == louvain(graph)
    assert got == local(graph)
    assert list(tmp_path.iterdir()) == []  # its folder is gone


def test_a_helper_that_dies_leaves_the_work_to_this_process(tmp_path):
    graph = sample_graph()
    with offload.Helper(tmp_path) as helper:
        helper._process.kill()
        helper._process.wait()
        communities = helper.communities(graph)
        files = helper.render(graph, NAMES)
        assert communities() is None  # the caller computes them
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
