"""On-disk cache of per-document analysis (SQLite).

Key: hash of the cleaned document text + model name/version + cleaning version, so adding
documents re-analyses only the new ones, and a new model or cleaner invalidates old
entries. Writes happen in transactions: a crash or Ctrl-C mid-run leaves every committed
entry whole and nothing half-written.

The cache never fails a build: a database file that is not SQLite (or is damaged) is moved
aside and a new one started; a write that fails (disk full, read-only) stops further writes;
a read that fails is a miss. Each such event adds a line to `warnings` (once). A database
that SQLite reports as damaged while in use ("malformed") is moved aside and replaced
too; an entry that does not decode is a miss, re-analysed and rewritten.
"""
from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import pickle
import sqlite3
import tempfile
import threading
import time
import zlib
from pathlib import Path

from .clean import CLEANING_VERSION
from .types import CleanDocument, DocAnalysis

SCHEMA_VERSION = 2  # 2: DocAnalysis.written_ascii


def default_cache_dir() -> Path:
    base = os.environ.get("KG_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "kg"
    )
    return Path(base)


def analysis_key(doc: CleanDocument, model_id: str) -> str:
    digest = hashlib.sha256()
    for part in (str(SCHEMA_VERSION), CLEANING_VERSION, model_id, doc.text, doc.written_ascii):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()


class AnalysisCache:
    """Reads and writes go in one transaction each, and `begin_snapshot()` holds one read
    transaction across several reads, so another kg process writing or trimming the same
    cache meanwhile changes nothing that this one has seen."""

    def __init__(self, directory: str | Path | None = None):
        if directory is None and not (os.environ.get("KG_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME")):
            home = Path(os.path.expanduser("~"))
            if not home.is_dir():  # never create a missing home folder (HOME=/nonexistent)
                raise FileNotFoundError(errno.ENOENT, "the home folder does not exist", str(home))
        self.directory = Path(directory) if directory else default_cache_dir()
        self.directory.mkdir(parents=True, exist_ok=True)
        self.path = self.directory / "analysis.sqlite"
        self.warnings: list[str] = []
        self.writable = True
        self.readable = True
        self.hits = 0
        self.misses = 0
        self._damaged_keys: set[str] = set()  # entries that did not decode: misses, analysed again and rewritten
        self._damaged_warning: int | None = None  # index in `warnings` of the one line counting them
        try:
            self._db = self._open()
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError):
                raise  # cannot open or lock it (permissions, busy): not damage
            self._db = self._replace_damaged(exc)

    def _open(self) -> sqlite3.Connection:
        self._inode = None
        db = sqlite3.connect(self.path, timeout=30)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("CREATE TABLE IF NOT EXISTS analysis (key TEXT PRIMARY KEY, data BLOB NOT NULL)")
            db.commit()
        except BaseException:
            db.close()
            raise
        with contextlib.suppress(OSError):
            self._inode = os.stat(self.path).st_ino  # which file this connection uses
        return db

    def _warn(self, line: str) -> None:
        if line not in self.warnings:
            self.warnings.append(line)

    def _replace_damaged(self, exc: sqlite3.DatabaseError) -> sqlite3.Connection:
        """Move a database SQLite calls damaged aside and start an empty one (the run goes on)."""
        aside = self._move_aside()
        where = f"moved to {aside.name}" if aside is not None else "another kg process has replaced it"
        self._warn(f"cache database {self.path} was damaged ({exc}); {where}, starting a new one")
        return self._open()

    def _on_error(self, exc: sqlite3.Error) -> bool:
        """After a failed statement: True when the database was damaged and has been replaced
        by an empty one (the caller may go on), False when it is unusable (locked, I/O)."""
        if isinstance(exc, sqlite3.OperationalError) or not isinstance(exc, sqlite3.DatabaseError):
            return False
        with contextlib.suppress(sqlite3.Error):
            self._db.close()
        try:
            self._db = self._replace_damaged(exc)
        except (OSError, sqlite3.Error) as again:
            self.readable = self.writable = False
            self._warn(f"cannot replace the damaged cache database {self.path} ({again}); running without it")
            return False
        return True

    def _move_aside(self) -> Path | None:
        aside = self.path.with_name(f"{self.path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}")
        try:
            replaced = os.stat(self.path).st_ino != self._inode
        except OSError:
            replaced = True
        if replaced and self._inode is not None:
            return None  # another kg process has moved it aside already and started a new one
        for suffix in ("", "-wal", "-shm"):
            source = Path(str(self.path) + suffix)
            if source.exists():
                os.replace(source, str(aside) + suffix)
        return aside

    @contextlib.contextmanager
    def _read_transaction(self):
        """One read transaction (a consistent view) unless one is open already (snapshot)."""
        began = not self._db.in_transaction
        if began:
            self._db.execute("BEGIN")
        try:
            yield
        finally:
            if began and self._db.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    self._db.commit()

    def begin_snapshot(self) -> None:
        """Start a read transaction that lasts until `end_snapshot()` or `close()`: every
        read meanwhile sees the database as it was now (WAL readers keep their view)."""
        if self.readable and not self._db.in_transaction:
            try:
                self._db.execute("BEGIN")
                self._db.execute("SELECT 1 FROM analysis LIMIT 1").fetchall()  # the view starts here
            except sqlite3.Error as exc:
                with contextlib.suppress(sqlite3.Error):
                    self._db.rollback()
                self._on_error(exc)

    def end_snapshot(self) -> None:
        if self._db.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self._db.commit()

    @property
    def damaged_entries(self) -> int:
        return len(self._damaged_keys)

    def _note_damaged(self, keys: list[str]) -> None:
        self._damaged_keys.update(keys)
        line = (f"{self.damaged_entries} damaged cache entr{'y' if self.damaged_entries == 1 else 'ies'} in "
                f"{self.path} could not be read; analysed again and rewritten")
        if self._damaged_warning is None:
            self._damaged_warning = len(self.warnings)
            self.warnings.append(line)
        else:
            self.warnings[self._damaged_warning] = line

    def get_many(self, keys: list[str]) -> dict[str, DocAnalysis]:
        """The entries of `keys` that exist and decode, read in one transaction. An entry
        that does not decode is a miss (counted once in `warnings`); a database SQLite
        calls damaged is moved aside and replaced by an empty one (every key a miss)."""
        found: dict[str, DocAnalysis] = {}
        if self.readable:
            damaged: list[str] = []
            try:
                with self._read_transaction():
                    for i in range(0, len(keys), 500):
                        chunk = keys[i : i + 500]
                        marks = ",".join("?" * len(chunk))
                        for key, blob in self._db.execute(f"SELECT key, data FROM analysis WHERE key IN ({marks})", chunk):
                            try:
                                found[key] = decode_entry(blob)
                            except Exception:  # a damaged entry is a miss, not a failure
                                damaged.append(key)
            except sqlite3.Error as exc:
                found, damaged = {}, []  # the database's own warning covers the entries read before
                if not self._on_error(exc):
                    self.readable = False
                    self._warn(f"cannot read the analysis cache {self.path} ({exc}); analysing without it")
            if damaged:
                self._note_damaged(damaged)
        self.hits += len(found)
        self.misses += len(set(keys) - set(found))
        return found

    def _write(self, sql: str, rows, many: bool) -> None:
        """One write transaction; a damaged database is replaced and the write tried once
        more; any other failure (disk full, read-only) stops further writes, with a warning."""
        for attempt in (1, 2):
            try:
                with self._db:  # one transaction; rolled back on any exception, Ctrl-C included
                    (self._db.executemany if many else self._db.execute)(sql, rows)
                return
            except sqlite3.Error as exc:
                if attempt == 1 and self._on_error(exc):
                    continue
                self.writable = False
                self._warn(f"cannot write to the analysis cache {self.path} ({exc}); later analyses are not cached")
                return

    def put_many(self, items: dict[str, DocAnalysis]) -> None:
        """Store `items` in one transaction: all of them or (interrupted, failed) none."""
        if not self.writable or not items:
            return
        self.put_encoded({key: encode_entry(value) for key, value in items.items()})

    def put_encoded(self, blobs: dict[str, bytes]) -> None:
        """`put_many` of values already encoded with `encode_entry`."""
        if not self.writable or not blobs:
            return
        self._write("INSERT OR REPLACE INTO analysis (key, data) VALUES (?, ?)", list(blobs.items()), many=True)

    def trim(self, prefix: str, keep: int) -> None:
        """Keep only the `keep` newest entries whose key starts with `prefix`."""
        if not self.writable:
            return
        self._write("DELETE FROM analysis WHERE key LIKE ? AND rowid NOT IN "
                    "(SELECT rowid FROM analysis WHERE key LIKE ? ORDER BY rowid DESC LIMIT ?)",
                    (prefix + "%", prefix + "%", keep), many=False)

    def readable_all(self, keys: list[str]) -> bool:
        """Whether every key has an entry that decodes (read one at a time, so memory holds
        one entry; inside a snapshot, later reads of them see the same entries)."""
        if not self.readable or not keys:
            return False
        for key in keys:
            before = self.damaged_entries
            if key not in self.get_many([key]):
                return False
            if self.damaged_entries != before:
                return False
        return True

    def has_all(self, keys: list[str]) -> bool:
        """Whether every key has an entry that decodes (see readable_all)."""
        return self.readable_all(list(dict.fromkeys(keys)))

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM analysis").fetchone()[0]

    def integrity(self) -> str:
        """SQLite's own check: "ok" when the database is sound."""
        return self._db.execute("PRAGMA integrity_check").fetchone()[0]

    def clear(self) -> int:
        """Delete every entry (and databases moved aside as damaged). A database SQLite
        cannot read is deleted as a whole and started anew; returns the entries removed
        (0 when they could not be counted)."""
        for old in self.directory.glob(f"{self.path.name}.damaged-*"):
            with contextlib.suppress(OSError):
                old.unlink()
        try:
            with self._db:
                count = self._db.execute("DELETE FROM analysis").rowcount
            self._db.execute("VACUUM")
            return count
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError) and "malformed" not in str(exc):
                raise  # locked by another process, read-only: the user must know
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(str(self.path) + suffix)
            self._db = self._open()
            self._warn(f"cache database {self.path} was damaged ({exc}); deleted it")
            return 0

    def close(self) -> None:
        self._db.close()


ZSTD_LEVEL = 3  # 1,000 articles' output files (73 MB): 0.12 s to 6.6 MB; zlib at level 3 took 0.50 s to 12.4 MB
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_codecs = threading.local()  # zstandard's (de)compressor objects are not shared across threads


def _zstd():
    codecs = getattr(_codecs, "pair", None)
    if codecs is None:
        import zstandard

        codecs = _codecs.pair = (zstandard.ZstdCompressor(level=ZSTD_LEVEL), zstandard.ZstdDecompressor())
    return codecs


def encode_entry(value) -> bytes:
    """A cache entry's stored form: pickled, then Zstandard (which releases the GIL: a thread
    may encode beside Python work)."""
    return _zstd()[0].compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


def decode_entry(blob: bytes):
    """The value `encode_entry` stored (or an older kg's zlib entry)."""
    if blob[:4] == _ZSTD_MAGIC:
        return pickle.loads(_zstd()[1].decompress(blob))
    return pickle.loads(zlib.decompress(blob))


SPILL_MEMORY_BYTES = 4 << 20  # pickled size of records a spill keeps in memory (about 2,000 articles' facts)


class FactSpill:
    """Records (per-document facts) kept as they come and read back in the same order as
    often as needed, so that the later stages can make several passes over a corpus
    without holding every document's facts in memory: up to `memory_bytes` of them
    (pickled size) stay in memory, as they are (the later stages only read them: reading
    them back from the file costs a second per ten passes over 1,000 documents); past
    that, all are written to a temporary file and read back from it. The file is deleted
    on `close()`, when the spill is garbage-collected, or at exit."""

    def __init__(self, directory: str | Path | None = None, memory_bytes: int = SPILL_MEMORY_BYTES):
        self._directory = directory
        self._dir: tempfile.TemporaryDirectory | None = None
        self._file = None
        self.path: Path | None = None
        self._held: list = []
        self._held_bytes = 0
        self._memory_bytes = memory_bytes
        self._count = 0

    def append(self, record) -> None:
        blob = pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL)
        if self._file is None and self._held_bytes + len(blob) <= self._memory_bytes:
            self._held.append(record)
            self._held_bytes += len(blob)
        else:
            if self._file is None:
                self._spill()
            self._file.write(blob)
        self._count += 1

    def _spill(self) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="kg-spill-", dir=self._directory)
        self.path = Path(self._dir.name) / "records.pickle"
        self._file = open(self.path, "wb", buffering=1 << 20)  # noqa: SIM115 - closed in close()
        for record in self._held:
            pickle.dump(record, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self._held, self._held_bytes = [], 0

    def extend(self, records) -> None:
        for record in records:
            self.append(record)

    def __len__(self) -> int:
        return self._count

    def __iter__(self):
        count = self._count  # what was written before this pass started
        if self._file is None:
            yield from self._held[:count]
            return
        self._file.flush()
        with open(self.path, "rb", buffering=1 << 20) as handle:
            for _ in range(count):
                yield pickle.load(handle)

    def close(self) -> None:
        self._held = []
        if self._file is not None and not self._file.closed:
            self._file.close()
        if self._dir is not None:
            self._dir.cleanup()

    def __enter__(self) -> FactSpill:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
