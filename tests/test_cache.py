"""kg.cache: whole entries only, and a cache problem never fails a build (no model needed)."""
from __future__ import annotations

import sqlite3

import pytest

from kg.build import BuildOptions, BuildSummary, _open_cache
from kg.cache import AnalysisCache, analysis_key, decode_entry, encode_entry
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


def test_entries_are_zstandard_and_an_older_kgs_zlib_entries_still_read():
    import pickle
    import zlib

    value = entry(3)[1]
    blob = encode_entry(value)
    assert blob[:4] == b"\x28\xb5\x2f\xfd"  # a Zstandard frame
    assert decode_entry(blob) == value
    assert decode_entry(zlib.compress(pickle.dumps(value), 3)) == value


def test_entries_encode_the_same_in_threads():
    from concurrent.futures import ThreadPoolExecutor

    values = [entry(i)[1] for i in range(40)]
    with ThreadPoolExecutor(4) as pool:
        blobs = list(pool.map(encode_entry, values))
    assert blobs == [encode_entry(v) for v in values]
    assert [decode_entry(b) for b in blobs] == values


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
    """Stands in for the sqlite3 connection when the disk is full, or SQLite cannot read."""

    in_transaction = False

    def __init__(self, real, read_error: sqlite3.Error):
        self.real = real
        self.read_error = read_error

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def executemany(self, *args):
        raise sqlite3.OperationalError("database or disk is full")

    def execute(self, *args):
        raise self.read_error

    def commit(self):
        pass

    def close(self):
        self.real.close()


def test_disk_full_or_read_errors_while_running_become_one_warning_each(tmp_path):
    cache = AnalysisCache(tmp_path)
    cache._db = FailingConnection(cache._db, sqlite3.OperationalError("disk I/O error"))
    cache.put_many(dict([entry(1)]))  # no exception
    cache.put_many(dict([entry(2)]))
    assert cache.get_many(["k"]) == {} and cache.misses == 1
    assert cache.get_many(["k"]) == {}
    assert not cache.writable and not cache.readable
    assert len(cache.warnings) == 2
    assert "database or disk is full" in cache.warnings[0] and "disk I/O error" in cache.warnings[1]
    cache.close()


def test_a_database_sqlite_calls_malformed_while_running_is_replaced(tmp_path):
    cache = AnalysisCache(tmp_path)
    cache._db = FailingConnection(cache._db, sqlite3.DatabaseError("database disk image is malformed"))
    assert cache.get_many(["k"]) == {}
    assert cache.readable and cache.writable
    assert len(cache.warnings) == 1 and "malformed" in cache.warnings[0] and "starting a new one" in cache.warnings[0]
    key, value = entry(1)
    cache.put_many({key: value})
    assert cache.get_many([key]) == {key: value} and cache.integrity() == "ok"
    assert len(list(tmp_path.glob("analysis.sqlite.damaged-*"))) == 1
    cache.close()


def damage(path, fraction: float, length: int, seed: int = 0) -> None:
    """Overwrite `length` bytes at `fraction` of the file with random bytes."""
    import random

    data = bytearray(path.read_bytes())
    at = int(len(data) * fraction)
    data[at : at + length] = random.Random(seed).randbytes(length)
    path.write_bytes(bytes(data))


@pytest.fixture
def big_cache(tmp_path):
    items = dict(entry(i) for i in range(400))
    cache = AnalysisCache(tmp_path)
    cache.put_many(items)
    cache.close()  # the last connection: the write-ahead log is folded into the file
    assert not (tmp_path / "analysis.sqlite-wal").exists()
    return tmp_path, items


@pytest.mark.parametrize("fraction", [0.15, 0.25, 0.45, 0.6, 0.9])
def test_damage_inside_the_database_file_never_fails_and_never_returns_garbage(big_cache, fraction):
    folder, items = big_cache
    damage(folder / "analysis.sqlite", fraction, 4096, seed=int(fraction * 100))
    cache = AnalysisCache(folder)
    found = cache.get_many(list(items))
    assert all(found[k] == items[k] for k in found)  # what is returned is whole
    assert len(found) < len(items) or cache.warnings == []
    assert len(cache.warnings) <= 1  # one line, whatever the number of damaged entries
    cache.put_many({k: v for k, v in items.items() if k not in found})  # what a build does next
    cache.close()
    cache = AnalysisCache(folder)  # and the next run finds them all
    assert cache.get_many(list(items)) == items and cache.warnings == []
    cache.close()


def test_undecodable_entries_are_misses_counted_in_one_warning(tmp_path):
    cache = AnalysisCache(tmp_path)
    items = dict(entry(i) for i in range(5))
    cache.put_many(items)
    with cache._db:
        cache._db.execute("UPDATE analysis SET data = ? WHERE key IN (?, ?)", (b"garbage", *list(items)[:2]))
    assert set(cache.get_many(list(items))) == set(list(items)[2:])
    assert not cache.has_all(list(items))  # what it says is what get_many gives
    cache.get_many(list(items)[:1])
    assert cache.damaged_entries == 2
    assert cache.warnings == [f"2 damaged cache entries in {cache.path} could not be read; analysed again and rewritten"]
    cache.close()


@pytest.mark.parametrize("fraction", [0.3, 0.5, 0.7])
def test_cache_clear_works_on_a_damaged_database(big_cache, fraction):
    from click.testing import CliRunner

    from kg.cli import main

    folder, _ = big_cache
    damage(folder / "analysis.sqlite", fraction, 8192)
    result = CliRunner().invoke(main, ["cache", "clear", "--cache-dir", str(folder)])
    assert result.exit_code == 0, result.output
    cache = AnalysisCache(folder)
    assert len(cache) == 0 and cache.integrity() == "ok"
    assert [p.name for p in folder.iterdir() if "damaged" in p.name] == []
    cache.close()


def test_a_missing_home_folder_is_never_created(tmp_path, monkeypatch):
    home = tmp_path / "nonexistent" / "x"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("KG_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    summary = BuildSummary()
    assert _open_cache(BuildOptions(), summary) is None
    assert _open_cache(BuildOptions(), summary) is None  # the output cache, in the same build
    assert len(summary.warnings) == 1 and "home folder does not exist" in summary.warnings[0]
    assert not (tmp_path / "nonexistent").exists()


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


@pytest.mark.parametrize("memory_bytes", [0, 40, 1 << 20], ids=["file", "memory-then-file", "memory"])
def test_fact_spill_reads_back_in_order_as_often_as_asked_and_cleans_up(tmp_path, memory_bytes):
    from kg.cache import FactSpill

    spill = FactSpill(tmp_path, memory_bytes=memory_bytes)
    spill.extend([{"doc": i} for i in range(3)])
    first = iter(spill)
    assert next(first) == {"doc": 0}
    spill.append({"doc": 3})  # a pass started earlier sees what was there when it started
    assert list(first) == [{"doc": 1}, {"doc": 2}]
    assert list(spill) == [{"doc": i} for i in range(4)] and len(spill) == 4
    path = spill.path
    if memory_bytes >= 1 << 20:  # all of it fits: no file at all
        assert path is None and list(tmp_path.iterdir()) == []
    else:  # past the budget every record, the earlier ones too, is in the file
        assert path.stat().st_size > 0 and spill._held == []
    spill.close()
    assert list(tmp_path.iterdir()) == []


def test_two_processes_finding_the_same_damage_replace_the_database_once(tmp_path):
    first, second = AnalysisCache(tmp_path), AnalysisCache(tmp_path)
    malformed = sqlite3.DatabaseError("database disk image is malformed")
    assert first._on_error(malformed)  # moves it aside, starts a new one
    key, value = entry(1)
    first.put_many({key: value})
    assert second._on_error(malformed)  # the file it had open is already aside: it must not move the new one
    assert second.get_many([key]) == {key: value}
    assert len([p for p in tmp_path.glob("analysis.sqlite.damaged-*") if not p.name.endswith(("-wal", "-shm"))]) == 1
    assert "another kg process has replaced it" in second.warnings[0]
    first.close()
    second.close()
