"""On-disk cache of per-document analysis (SQLite).

Key: hash of the cleaned document text + model name/version + cleaning version, so adding
documents re-analyses only the new ones, and a new model or cleaner invalidates old
entries. Writes happen in transactions: a crash or Ctrl-C mid-run leaves every committed
entry whole and nothing half-written.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
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
        digest.update(part.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()


class AnalysisCache:
    def __init__(self, directory: str | Path | None = None):
        self.directory = Path(directory) if directory else default_cache_dir()
        self.directory.mkdir(parents=True, exist_ok=True)
        self.path = self.directory / "analysis.sqlite"
        self._db = sqlite3.connect(self.path, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS analysis (key TEXT PRIMARY KEY, data BLOB NOT NULL)")
        self._db.commit()
        self.hits = 0
        self.misses = 0

    def get_many(self, keys: list[str]) -> dict[str, DocAnalysis]:
        found: dict[str, DocAnalysis] = {}
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for key, blob in self._db.execute(f"SELECT key, data FROM analysis WHERE key IN ({marks})", chunk):
                try:
                    found[key] = pickle.loads(zlib.decompress(blob))
                except Exception:  # a damaged entry is a miss, not a failure
                    continue
        self.hits += len(found)
        self.misses += len(set(keys) - set(found))
        return found

    def put_many(self, items: dict[str, DocAnalysis]) -> None:
        rows = [(key, zlib.compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), 3)) for key, value in items.items()]
        with self._db:  # one transaction
            self._db.executemany("INSERT OR REPLACE INTO analysis (key, data) VALUES (?, ?)", rows)

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM analysis").fetchone()[0]

    def clear(self) -> int:
        with self._db:
            count = self._db.execute("DELETE FROM analysis").rowcount
        self._db.execute("VACUUM")
        return count

    def close(self) -> None:
        self._db.close()
