"""Runs the stages in order: ingest -> clean -> nlp (cached) -> entities -> graph -> files.

Faults: bad inputs are skipped and listed (`summary.skipped`); under `strict` any skip
raises InputErrors before anything is written. The output folder is checked before the
analysis starts and written all at once at the end (kg.export.write_outputs), so a failure
or an interrupt (KeyboardInterrupt; the CLI turns SIGTERM into one too) at any point leaves
the earlier outputs as they were; the analysis cache commits one chunk of documents per
transaction, so it holds whole entries only.
"""
from __future__ import annotations

import contextlib
import dataclasses
import json
import multiprocessing
import os
import signal
import sqlite3
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from . import __version__
from .cache import AnalysisCache, analysis_key
from .clean import Deduplicator, clean_document
from .entities import AliasConfig, DocFacts, document_facts, read_alias_file, resolve
from .export import FORMATS, check_output_dir, render_files, write_outputs
from .graph import GraphOptions, build_graph
from .ingest import iter_documents
from .nlp import _analyse_in_worker, _init_worker, analyse_document, default_jobs, load_pipeline, model_id
from .types import CleanDocument, DocAnalysis, Skipped

CHUNK_DOCUMENTS = 64  # documents analysed and committed to the cache together


@dataclass
class BuildOptions:
    out_dir: Path = Path("outputs")
    model: str | None = None
    window: str = "sentence"
    min_weight: int = 1
    min_npmi: float = -1.0
    max_html_nodes: int = 300
    formats: tuple[str, ...] = FORMATS
    jobs: int = 0  # 0: all cores
    cache_dir: Path | None = None
    use_cache: bool = True
    aliases: Path | None = None
    strict: bool = False
    progress: bool = True


@dataclass
class BuildSummary:
    documents: int = 0
    characters: int = 0
    duplicate_passages_dropped: int = 0
    entities: int = 0
    edges: int = 0
    relations: int = 0
    cache_hits: int = 0
    cache_misses: int = 0
    seconds: float = 0.0
    model: str = ""
    jobs: int = 1
    outputs: list[str] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    html: dict = field(default_factory=dict)
    kg_version: str = __version__

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


class InputErrors(RuntimeError):
    """Raised under --strict when any input was skipped (nothing is written)."""

    def __init__(self, skipped: list[Skipped], cached: bool = False):
        lines = [f"{s.path}{':' + str(s.line) if s.line else ''}: {s.reason}" for s in skipped]
        note = " (the analyses are cached for the next run)" if cached else ""
        super().__init__(f"{len(skipped)} input problem(s) under --strict; no outputs written{note}:\n  "
                         + "\n  ".join(lines))
        self.skipped = skipped


class NoDocuments(RuntimeError):
    """Nothing to build from: every input was skipped (the earlier outputs are kept)."""

    def __init__(self, skipped: list[Skipped]):
        lines = [f"{s.path}{':' + str(s.line) if s.line else ''}: {s.reason}" for s in skipped[:20]]
        more = f"\n  ... and {len(skipped) - 20} more" if len(skipped) > 20 else ""
        detail = (":\n  " + "\n  ".join(lines) + more) if lines else ""
        super().__init__(f"no documents to build from ({len(skipped)} input problem(s)); "
                         f"nothing written{detail}")
        self.skipped = skipped


def clean_documents(paths: Iterable[str], skipped: list[Skipped], summary: BuildSummary,
                    exclude: Iterable[str | Path] = ()) -> Iterator[CleanDocument]:
    dedup = Deduplicator()
    for doc in iter_documents(paths, skipped, exclude):
        clean = clean_document(doc, dedup)
        summary.duplicate_passages_dropped += clean.dropped_passages
        if not clean.sentences:
            if clean.dropped_passages:
                continue  # the whole document repeats earlier ones
            skipped.append(Skipped(doc.path or doc.id, "no text after cleaning"))
            continue
        summary.documents += 1
        summary.characters += len(clean.text)
        yield clean


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


REPLACEMENT = "\ufffd"  # what ingest puts where bytes did not decode


def without_damaged_names(facts: DocFacts) -> DocFacts:
    """No name that holds U+FFFD (bytes that did not decode) becomes an entity: the true
    name is unknowable. Mentions with one are dropped, a position keeps its person and
    title but loses such an organisation."""
    if not any(REPLACEMENT in m.text for m in facts.mentions) and not any(
            REPLACEMENT in (p.person + (p.organisation or "")) for p in facts.positions):
        return facts
    damaged = lambda name: bool(name) and REPLACEMENT in name  # noqa: E731
    positions = []
    for p in facts.positions:
        if damaged(p.person):
            continue
        if damaged(p.organisation):
            p = dataclasses.replace(p, organisation=None, org_label="")
        positions.append(p)
    return dataclasses.replace(
        facts,
        mentions=[m for m in facts.mentions if not damaged(m.text)],
        positions=positions,
        abbreviations=[(a, b) for a, b in facts.abbreviations if not (damaged(a) or damaged(b))],
        home_city=None if damaged(facts.home_city) else facts.home_city,
        home_province=None if damaged(facts.home_province) else facts.home_province,
        media=None if damaged(facts.media) else facts.media,
    )


def _init_build_worker(model: str | None) -> None:
    """Pool workers ignore SIGINT: Ctrl-C reaches the whole process group, and the parent
    alone decides (it terminates the pool); otherwise every worker prints a traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _init_worker(model)


def analyse_with_cache(
    docs: Iterable[CleanDocument], model: str | None, jobs: int, cache: AnalysisCache | None, summary: BuildSummary
) -> Iterator[DocAnalysis]:
    """Analyses in document order; cached documents are not re-analysed. One process pool
    serves the whole run; each chunk's new results are committed in one transaction."""
    nlp = load_pipeline(model)
    mid = model_id(nlp)
    pool = None
    if jobs > 1:
        ctx = multiprocessing.get_context("forkserver" if os.name != "nt" else "spawn")
        pool = ctx.Pool(jobs, initializer=_init_build_worker, initargs=(model,))
    try:
        for chunk in _chunks(docs, CHUNK_DOCUMENTS * max(1, jobs)):
            keys = [analysis_key(d, mid) for d in chunk]
            found = cache.get_many(keys) if cache is not None else {}
            missing = [(k, d) for k, d in zip(keys, chunk) if k not in found]
            if missing:
                if pool is not None:
                    results = pool.map(_analyse_in_worker, [d for _, d in missing], chunksize=4)
                else:
                    results = [analyse_document(nlp, d) for _, d in missing]
                new = {k: r for (k, _), r in zip(missing, results)}
                if cache is not None:
                    cache.put_many(new)
                found.update(new)
            for key, doc in zip(keys, chunk):
                analysis = found[key]
                if analysis.doc_id != doc.id:  # same text under another name
                    analysis = dataclasses.replace(analysis, doc_id=doc.id, title=doc.title)
                yield analysis
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
    if cache is not None:
        summary.cache_hits, summary.cache_misses = cache.hits, cache.misses


def _progress(iterable, enabled: bool):
    if not enabled:
        return iterable
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover
        return iterable
    return tqdm(iterable, desc="documents", unit="doc", file=sys.stderr, disable=None, leave=False)


def _open_cache(options: BuildOptions, summary: BuildSummary) -> AnalysisCache | None:
    if not options.use_cache:
        return None
    try:
        cache = AnalysisCache(options.cache_dir)
    except (OSError, sqlite3.Error) as exc:
        summary.warnings.append(f"analysis cache unavailable ({exc}); running without it")
        return None
    summary.warnings.extend(cache.warnings)
    return cache


def build(paths: list[str], options: BuildOptions) -> BuildSummary:
    """Build the graph of the articles under `paths` and write every output file.

    Raises InputErrors (strict and something skipped), NoDocuments, kg.export.OutputError
    (output folder not writable, disk full), ModelNotFound; in each case, and on
    KeyboardInterrupt, the output folder is left as it was.
    """
    started = time.perf_counter()
    summary = BuildSummary()
    skipped: list[Skipped] = []
    jobs = options.jobs or default_jobs()
    summary.jobs = jobs
    out_dir = Path(options.out_dir)
    made = check_output_dir(out_dir)  # before the analysis, not after hours of it
    try:
        alias_config = AliasConfig()
        if options.aliases:
            alias_config = AliasConfig(*read_alias_file(options.aliases))
        nlp = load_pipeline(options.model)
        summary.model = model_id(nlp)
        cache = _open_cache(options, summary)
        try:
            docs = clean_documents(paths, skipped, summary, exclude=[out_dir])
            facts: list[DocFacts] = []
            for analysis in _progress(analyse_with_cache(docs, options.model, jobs, cache, summary), options.progress):
                facts.append(without_damaged_names(document_facts(analysis)))
        finally:
            if cache is not None:
                summary.warnings.extend(w for w in cache.warnings if w not in summary.warnings)
                cache.close()
        summary.skipped = [dataclasses.asdict(s) for s in skipped]
        if options.strict and skipped:
            raise InputErrors(skipped, cached=cache is not None)
        if not facts:
            raise NoDocuments(skipped)
        resolution = resolve(facts, alias_config)
        graph = build_graph(resolution, GraphOptions(options.window, options.min_weight, options.min_npmi))
        files = render_files(graph, resolution, options.formats)
        if "html" in options.formats:
            from .render import render_html_text

            html, info = render_html_text(graph, max_nodes=options.max_html_nodes)
            files["graph.html"] = html.encode("utf-8")
            summary.html = info
        summary.entities = graph.number_of_nodes()
        summary.edges = graph.number_of_edges()
        summary.relations = sum(1 for _, _, d in graph.edges(data=True) if d.get("relation") == "holds_position_at")
        summary.seconds = round(time.perf_counter() - started, 3)
        summary.outputs = sorted(str(out_dir / name) for name in list(files) + ["summary.json"])
        files["summary.json"] = json.dumps(summary.as_dict(), ensure_ascii=False, indent=2).encode("utf-8")
        write_outputs(out_dir, files)
    except BaseException:
        if made:  # leave no empty folder behind a failed run
            with contextlib.suppress(OSError):
                out_dir.rmdir()
        raise
    return summary
