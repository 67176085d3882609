"""A re-run of an unchanged corpus: what the analysis stage made of the input files, keyed by
the files' bytes, so that the next build of the same files reads no document, cleans
nothing and decodes no cached fact before it finds the previous outputs in the cache.

The key covers everything the analysis stage reads: every input file's bytes and its paths
(the document ids come from them), kg's code and word lists (cleaning and rules), the cache's
schema and the model's identity (its weights' fingerprint). The snapshot holds the facts'
digest (what the outputs' cache key is made of), the cache keys of each document's facts
(so the graph can still be made from them, should a caller ask for it), the documents'
records and the counts and skipped inputs the analysis reported.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Iterable

from .types import DocumentRecord, Skipped

PREFIX = "inputs:"
KEEP = 8  # snapshots kept per cache (one per recently built corpus)
READ_BYTES = 1 << 20


@dataclass
class Snapshot:
    digest: str  # facts_digest of the facts and records, in document order
    fact_keys: list[tuple[str, str]]  # per document: (facts cache key, document id)
    records: list[DocumentRecord]
    skipped: list[Skipped]
    documents: int = 0
    characters: int = 0
    duplicate_passages_dropped: int = 0


def inputs_key(files: Iterable, versions: Iterable[str]) -> str | None:
    """The key of these input files (kg.ingest.InputFile, in reading order) under these code,
    schema and model versions; None when a file cannot be read (the build then reads and
    reports it as it always does)."""
    digest = hashlib.blake2b(digest_size=32)
    for part in versions:
        digest.update(str(part).encode("utf-8", "surrogatepass") + b"\x00")
    try:
        for file in files:
            digest.update(repr((str(file.path), file.display, file.shown)).encode("utf-8", "surrogatepass") + b"\x00")
            content = hashlib.blake2b(digest_size=32)
            with open(file.path, "rb") as handle:
                while block := handle.read(READ_BYTES):
                    content.update(block)
            digest.update(content.digest())
    except (OSError, ValueError):
        return None
    return PREFIX + digest.hexdigest()


def facts_digest(facts: Iterable, records: Iterable[DocumentRecord] = ()) -> str:
    """The content of the facts (ids included) and of the documents' records (dates, titles
    and urls change outputs without changing the text)."""
    digest = hashlib.sha256()
    for f in facts:
        digest.update(repr(f).encode("utf-8", "surrogatepass"))
    for r in records:
        digest.update(repr((r.id, r.path, r.title, r.date, r.url, r.source)).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def load(cache, key: str | None) -> Snapshot | None:
    if cache is None or key is None:
        return None
    found = cache.get_many([key]).get(key)
    return found if isinstance(found, Snapshot) else None


def store(cache, key: str | None, snapshot: Snapshot) -> None:
    if cache is None or key is None:
        return
    cache.put_many({key: snapshot})
    cache.trim(PREFIX, KEEP)
