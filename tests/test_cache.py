"""kg.cache: whole entries only, and a cache problem never fails a build (no model needed)."""
from __future__ import annotations

import sqlite3

import pytest

from kg.build import BuildOptions, BuildSummary, _open_cache
from kg.cache import AnalysisCache, analysis_key
from kg.clean import clean_document
from kg.types import DocAnalysis, Document

from tests.helpers import analysis_of


def entry(i: int) -> tuple[str, DocAnalysis]:
    text = f"沈阳市副市长张三第{i}次在浑南区调研。"
    doc = clean_document(Document(f"d{i}", text))
    return analysis_key(doc, "test-model"), analysis_of(text, [("沈阳市", "LOC"), ("张三", "PERSON")], f"d{i}")


def test_entries_round_trip_and_survive_reopening(tmp_path):
    cache = AnalysisCache(tmp_path)
    items = dict(entry(i) for i in range(10))
    cache.put_many(items)
    cache.close()
    cache = AnalysisCache(tmp_path)
    found = cache.get_many(list(items) + ["missing"])
    assert found == items and (cache.hits, cache.misses) == (10, 1)
    assert cache.integrity() == "ok" and cache.warnings == []
    cache.close()


def test_a_file_that_is_not_a_database_is_moved_aside(tmp_path):
    (tmp_path / "analysis.sqlite").write_bytes(b"this is not SQLite " * 100)
    cache = AnalysisCache(tmp_path)
    assert len(cache) == 0 and cache.integrity() == "ok"
    assert len(cache.warnings) == 1 and "damaged" in cache.warnings[0]
    aside = [p.name for p in tmp_path.iterdir() if p.name.startswith("analysis.sqlite.damaged-")]
    assert len(aside) == 1 and (tmp_path / aside[0]).read_bytes().startswith(b"this is not SQLite")
    cache.put_many(dict([entry(1)]))
    assert len(cache) == 1
    cache.close()


def test_a_damaged_entry_is_a_miss(tmp_path):
    cache = AnalysisCache(tmp_path)
    key, value = entry(1)
    cache.put_many({key: value})
    with cache._db:
        cache._db.execute("UPDATE analysis SET data = ? WHERE key = ?", (b"garbage", key))
    assert cache.get_many([key]) == {} and cache.misses == 1
    cache.close()


class FailingConnection:
    """Stands in for the sqlite3 connection when the disk is full."""

    def __init__(self, real):
        self.real = real

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def executemany(self, *args):
        raise sqlite3.OperationalError("database or disk is full")

    def execute(self, *args):
        raise sqlite3.DatabaseError("database disk image is malformed")

    def close(self):
        self.real.close()


def test_disk_full_or_damage_while_running_becomes_a_warning(tmp_path):
    cache = AnalysisCache(tmp_path)
    cache._db = FailingConnection(cache._db)
    cache.put_many(dict([entry(1)]))  # no exception
    cache.put_many(dict([entry(2)]))
    assert cache.get_many(["k"]) == {} and cache.misses == 1
    assert not cache.writable and not cache.readable
    assert len(cache.warnings) == 2
    assert "database or disk is full" in cache.warnings[0] and "malformed" in cache.warnings[1]
    cache.close()


def test_an_interrupted_transaction_leaves_nothing_half_written(tmp_path):
    cache = AnalysisCache(tmp_path)
    good = dict(entry(i) for i in range(3))
    cache.put_many(good)

    class Boom:
        def __reduce__(self):
            raise KeyboardInterrupt

    rows = iter([("k1", b"x"), ("k2", b"y")])

    def interrupted():
        yield next(rows)
        yield next(rows)
        raise KeyboardInterrupt  # Ctrl-C between two rows of one transaction

    with pytest.raises(KeyboardInterrupt):
        with cache._db:
            cache._db.executemany("INSERT INTO analysis (key, data) VALUES (?, ?)", interrupted())
    with pytest.raises(KeyboardInterrupt):
        cache.put_many({"k3": Boom()})
    assert len(cache) == 3 and cache.integrity() == "ok"
    cache.close()


def test_an_unusable_cache_folder_means_a_build_without_cache(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    summary = BuildSummary()
    assert _open_cache(BuildOptions(cache_dir=blocker / "cache"), summary) is None
    assert len(summary.warnings) == 1 and "running without it" in summary.warnings[0]
    assert _open_cache(BuildOptions(cache_dir=tmp_path / "ok", use_cache=False), summary) is None


def test_key_of_text_with_lone_surrogates_does_not_crash():
    doc = clean_document(Document("d", "沈阳\ud800市"))
    assert len(analysis_key(doc, "m")) == 64


def test_fact_spill_reads_back_in_order_as_often_as_asked_and_cleans_up(tmp_path):
    from kg.cache import FactSpill

    spill = FactSpill(tmp_path)
    spill.extend([{"doc": i} for i in range(3)])
    first = iter(spill)
    assert next(first) == {"doc": 0}
    spill.append({"doc": 3})  # a pass started earlier sees what was there when it started
    assert list(first) == [{"doc": 1}, {"doc": 2}]
    assert list(spill) == [{"doc": i} for i in range(4)] and len(spill) == 4
    path = spill.path
    spill.close()
    assert not path.exists() and list(tmp_path.iterdir()) == []
