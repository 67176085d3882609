"""kg.snapshot: a re-run of unchanged input files reads no document; anything changed, or a
cached file that no longer reads back, gives the build it always gave."""
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

import kg
import kg.build
from kg import snapshot
from kg.cli import main
from kg.ingest import find_inputs
from kg.nlp import DEFAULT_MODEL, MODELS_DIR

SAMPLE = Path(__file__).resolve().parent.parent / "kg" / "data" / "sample"
needs_model = pytest.mark.skipif(not (MODELS_DIR / DEFAULT_MODEL).is_dir(), reason="model not packaged")


def _key(folder, versions=("v",)):
    files, _ = find_inputs([str(folder)])
    return snapshot.inputs_key(files, versions)


def test_the_inputs_key_follows_bytes_names_and_versions(tmp_path):
    (tmp_path / "a.txt").write_text("沈阳市政府。", encoding="utf-8")
    (tmp_path / "b.txt").write_text("大连市政府。", encoding="utf-8")
    first = _key(tmp_path)
    assert first.startswith(snapshot.PREFIX) and first == _key(tmp_path)
    assert _key(tmp_path, ("w",)) != first  # another kg or model
    (tmp_path / "b.txt").write_text("大连市政府！", encoding="utf-8")
    changed = _key(tmp_path)
    assert changed != first
    (tmp_path / "b.txt").rename(tmp_path / "c.txt")  # same bytes, another document id
    assert _key(tmp_path) not in (first, changed)


def test_an_unreadable_input_gives_no_key(tmp_path):
    (tmp_path / "a.txt").write_text("沈阳市政府。", encoding="utf-8")
    files, _ = find_inputs([str(tmp_path)])
    (tmp_path / "a.txt").unlink()
    assert snapshot.inputs_key(files, ("v",)) is None


def test_the_facts_digest_follows_the_records():
    from kg.types import DocumentRecord

    record = DocumentRecord("a", "a.txt", "标题", "2024-01-02", "", "", 10)
    later = DocumentRecord("a", "a.txt", "标题", "2024-01-03", "", "", 10)
    assert snapshot.facts_digest([], [record]) == snapshot.facts_digest([], [record])
    assert snapshot.facts_digest([], [record]) != snapshot.facts_digest([], [later])


def _build(*args):
    result = CliRunner().invoke(main, ["build", *map(str, args), "--quiet", "--jobs", "1"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads((Path(args[args.index("--out") + 1]) / "summary.json").read_text(encoding="utf-8"))


SAME = ("documents", "characters", "duplicate_passages_dropped", "entities", "edges", "relations", "events",
        "cache_hits", "cache_misses", "skipped", "html", "map")


@pytest.mark.slow
@needs_model
def test_a_rerun_of_unchanged_files_reads_no_document(tmp_path, monkeypatch):
    corpus = tmp_path / "in"
    shutil.copytree(SAMPLE, corpus)
    (corpus / "empty.txt").write_text("", encoding="utf-8")  # a skipped input, reported again
    args = ("--cache-dir", tmp_path / "cache", "--formats", "json,csv,html")
    first = _build(corpus, "--out", tmp_path / "a", *args)
    again = _build(corpus, "--out", tmp_path / "b", *args)  # the snapshot's first use: as a normal re-run
    assert again["outputs_from_cache"]

    def no_reading(*a, **k):
        raise AssertionError("a document was read")

    monkeypatch.setattr(kg.build, "clean_documents", no_reading)
    served = _build(corpus, "--out", tmp_path / "c", *args)
    assert served["outputs_from_cache"]
    assert {k: served[k] for k in SAME} == {k: again[k] for k in SAME}
    assert served["skipped"] and served["cache_hits"] == first["documents"] == served["documents"]
    for name in ("graph.json", "entities.csv", "edges.csv", "documents.csv", "graph.html"):
        assert (tmp_path / "c" / name).read_bytes() == (tmp_path / "a" / name).read_bytes()
    # one changed byte: the documents are read again
    path = next(corpus.glob("*.txt"))
    path.write_text(path.read_text(encoding="utf-8") + "\n沈阳市人民政府召开会议。", encoding="utf-8")
    with pytest.raises(AssertionError, match="a document was read"):
        _build(corpus, "--out", tmp_path / "d", *args)


@pytest.mark.slow
@needs_model
def test_a_cached_file_that_no_longer_reads_back_is_made_again(tmp_path):
    args = ("--cache-dir", tmp_path / "cache", "--formats", "json,csv")
    _build(SAMPLE, "--out", tmp_path / "a", *args)
    with sqlite3.connect(tmp_path / "cache" / "analysis.sqlite") as db:
        changed = db.execute("UPDATE analysis SET data = ? WHERE key LIKE 'outputs:%/entities.csv'", (b"garbage",)).rowcount
    assert changed == 1
    rebuilt = _build(SAMPLE, "--out", tmp_path / "b", *args)
    assert not rebuilt["outputs_from_cache"] and rebuilt["cache_misses"] == 0
    for name in ("graph.json", "entities.csv", "edges.csv"):
        assert (tmp_path / "b" / name).read_bytes() == (tmp_path / "a" / name).read_bytes()
    assert not [p for p in (tmp_path / "b").iterdir() if p.name.startswith(".")]  # no staging left behind
    assert _build(SAMPLE, "--out", tmp_path / "c", *args)["outputs_from_cache"]  # stored again


@pytest.mark.slow
@needs_model
def test_a_served_build_still_has_its_graph_even_with_its_facts_gone(tmp_path):
    options = dict(jobs=1, cache_dir=tmp_path / "cache", formats="json", progress=False)
    first = kg.build(kg.SAMPLE_CORPUS, out=tmp_path / "a", **options)
    kg.build(kg.SAMPLE_CORPUS, out=tmp_path / "b", **options)
    served = kg.build(kg.SAMPLE_CORPUS, out=tmp_path / "c", **options)
    assert served.summary.outputs_from_cache
    expected = (set(first.graph.nodes), set(map(frozenset, first.graph.edges)))
    assert (set(served.graph.nodes), set(map(frozenset, served.graph.edges))) == expected
    gone = kg.build(kg.SAMPLE_CORPUS, out=tmp_path / "d", **options)
    with sqlite3.connect(tmp_path / "cache" / "analysis.sqlite") as db:  # every document's facts and analysis
        db.execute("DELETE FROM analysis WHERE key NOT LIKE 'outputs:%' AND key NOT LIKE 'inputs:%'")
    assert (set(gone.graph.nodes), set(map(frozenset, gone.graph.edges))) == expected
