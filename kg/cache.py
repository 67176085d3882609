"""On-disk cache of per-document analysis (SQLite).

Key: hash of the cleaned document text + model name/version + cleaning version, so adding
documents re-analyses only the new ones, and a new model or cleaner invalidates old
entries. Writes happen in transactions: a crash or Ctrl-C mid-run leaves every committed
entry whole and nothing half-written.

The cache never fails a build: a database file that is not SQLite (or is damaged) is moved
aside and a new one started; a write that fails (disk full, read-only) stops further writes;
a read that fails is a miss. Each such event adds a line to `warnings`.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
import tempfile
import time
import zlib
from pathlib import Path

from .clean import CLEANING_VERSION
from .types import CleanDocument, DocAnalysis

SCHEMA_VERSION = 1


def default_cache_dir() -> Path:
    base = os.environ.get("KG_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "kg"
    )
    return Path(base)


def analysis_key(doc: CleanDocument, model_id: str) -> str:
    digest = hashlib.sha256()
    for part in (str(SCHEMA_VERSION), CLEANING_VERSION, model_id, doc.text):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()


class AnalysisCache:
    def __init__(self, directory: str | Path | None = None):
        self.directory = Path(directory) if directory else default_cache_dir()
        self.directory.mkdir(parents=True, exist_ok=True)
        self.path = self.directory / "analysis.sqlite"
        self.warnings: list[str] = []
        self.writable = True
        self.readable = True
        self.hits = 0
        self.misses = 0
        try:
            self._db = self._open()
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError):
                raise  # cannot open or lock it (permissions, busy): not damage
            aside = self._move_aside()
            self.warnings.append(f"cache database {self.path} was damaged ({exc}); moved to {aside.name}, "
                                 "starting a new one")
            self._db = self._open()

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("CREATE TABLE IF NOT EXISTS analysis (key TEXT PRIMARY KEY, data BLOB NOT NULL)")
            db.commit()
        except BaseException:
            db.close()
            raise
        return db

    def _move_aside(self) -> Path:
        aside = self.path.with_name(f"{self.path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
        for suffix in ("", "-wal", "-shm"):
            source = Path(str(self.path) + suffix)
            if source.exists():
                os.replace(source, str(aside) + suffix)
        return aside

    def get_many(self, keys: list[str]) -> dict[str, DocAnalysis]:
        found: dict[str, DocAnalysis] = {}
        if self.readable:
            try:
                for i in range(0, len(keys), 500):
                    chunk = keys[i : i + 500]
                    marks = ",".join("?" * len(chunk))
                    for key, blob in self._db.execute(f"SELECT key, data FROM analysis WHERE key IN ({marks})", chunk):
                        try:
                            found[key] = pickle.loads(zlib.decompress(blob))
                        except Exception:  # a damaged entry is a miss, not a failure
                            continue
            except sqlite3.Error as exc:
                self.readable = False
                self.warnings.append(f"cannot read the analysis cache {self.path} ({exc}); analysing without it")
        self.hits += len(found)
        self.misses += len(set(keys) - set(found))
        return found

    def put_many(self, items: dict[str, DocAnalysis]) -> None:
        """Store `items` in one transaction: all of them or (interrupted, failed) none."""
        if not self.writable or not items:
            return
        rows = [(key, zlib.compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), 3)) for key, value in items.items()]
        try:
            with self._db:  # one transaction; rolled back on any exception, Ctrl-C included
                self._db.executemany("INSERT OR REPLACE INTO analysis (key, data) VALUES (?, ?)", rows)
        except sqlite3.Error as exc:
            self.writable = False
            self.warnings.append(f"cannot write to the analysis cache {self.path} ({exc}); "
                                 "later analyses are not cached")

    def trim(self, prefix: str, keep: int) -> None:
        """Keep only the `keep` newest entries whose key starts with `prefix`."""
        if not self.writable:
            return
        try:
            with self._db:
                self._db.execute(
                    "DELETE FROM analysis WHERE key LIKE ? AND rowid NOT IN "
                    "(SELECT rowid FROM analysis WHERE key LIKE ? ORDER BY rowid DESC LIMIT ?)",
                    (prefix + "%", prefix + "%", keep))
        except sqlite3.Error as exc:
            self.writable = False
            self.warnings.append(f"cannot write to the analysis cache {self.path} ({exc})")

    def has_all(self, keys: list[str]) -> bool:
        """Whether every key has an entry (reads no data)."""
        if not self.readable or not keys:
            return False
        try:
            marks = ",".join("?" * len(keys))
            count = self._db.execute(f"SELECT COUNT(*) FROM analysis WHERE key IN ({marks})", keys).fetchone()[0]
        except sqlite3.Error:
            return False
        return count == len(set(keys))

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM analysis").fetchone()[0]

    def integrity(self) -> str:
        """SQLite's own check: "ok" when the database is sound."""
        return self._db.execute("PRAGMA integrity_check").fetchone()[0]

    def clear(self) -> int:
        with self._db:
            count = self._db.execute("DELETE FROM analysis").rowcount
        self._db.execute("VACUUM")
        return count

    def close(self) -> None:
        self._db.close()


class FactSpill:
    """Records (per-document facts) written to a temporary file as they come and read back
    in the same order as often as needed, so that the later stages can make several passes
    over a corpus without holding every document's facts in memory. The file is deleted on
    `close()`, when the spill is garbage-collected, or at exit."""

    def __init__(self, directory: str | Path | None = None):
        self._dir = tempfile.TemporaryDirectory(prefix="kg-spill-", dir=directory)
        self.path = Path(self._dir.name) / "records.pickle"
        self._file = open(self.path, "wb", buffering=1 << 20)  # noqa: SIM115 - closed in close()
        self._count = 0

    def append(self, record) -> None:
        pickle.dump(record, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self._count += 1

    def extend(self, records) -> None:
        for record in records:
            self.append(record)

    def __len__(self) -> int:
        return self._count

    def __iter__(self):
        self._file.flush()
        count = self._count  # what was written before this pass started
        with open(self.path, "rb", buffering=1 << 20) as handle:
            for _ in range(count):
                yield pickle.load(handle)

    def close(self) -> None:
        if not self._file.closed:
            self._file.close()
        self._dir.cleanup()

    def __enter__(self) -> FactSpill:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
