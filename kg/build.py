"""Runs the stages in order: ingest -> clean -> nlp (cached) -> entities -> graph -> files."""
from __future__ import annotations

import dataclasses
import json
import multiprocessing
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from . import __version__
from .cache import AnalysisCache, analysis_key
from .clean import Deduplicator, clean_document
from .entities import AliasConfig, DocFacts, document_facts, read_alias_file, resolve
from .export import FORMATS, render_files, write_outputs
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
    html: dict = field(default_factory=dict)
    kg_version: str = __version__

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


class InputErrors(RuntimeError):
    """Raised under --strict when any input was skipped."""

    def __init__(self, skipped: list[Skipped]):
        lines = [f"{s.path}{':' + str(s.line) if s.line else ''}: {s.reason}" for s in skipped]
        super().__init__("inputs skipped under --strict:\n  " + "\n  ".join(lines))
        self.skipped = skipped


def clean_documents(paths: Iterable[str], skipped: list[Skipped], summary: BuildSummary) -> Iterator[CleanDocument]:
    dedup = Deduplicator()
    for doc in iter_documents(paths, skipped):
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
        pool = ctx.Pool(jobs, initializer=_init_worker, initargs=(model,))
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


def build(paths: list[str], options: BuildOptions) -> BuildSummary:
    """Build the graph of the articles under `paths` and write every output file."""
    started = time.perf_counter()
    summary = BuildSummary()
    skipped: list[Skipped] = []
    jobs = options.jobs or default_jobs()
    summary.jobs = jobs
    alias_config = AliasConfig()
    if options.aliases:
        alias_config = AliasConfig(*read_alias_file(options.aliases))
    nlp = load_pipeline(options.model)
    summary.model = model_id(nlp)
    cache = AnalysisCache(options.cache_dir) if options.use_cache else None
    try:
        docs = clean_documents(paths, skipped, summary)
        facts: list[DocFacts] = []
        for analysis in _progress(analyse_with_cache(docs, options.model, jobs, cache, summary), options.progress):
            facts.append(document_facts(analysis))
    finally:
        if cache is not None:
            cache.close()
    summary.skipped = [dataclasses.asdict(s) for s in skipped]
    if options.strict and skipped:
        raise InputErrors(skipped)
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
    out_dir = Path(options.out_dir)
    summary.outputs = sorted(str(out_dir / name) for name in list(files) + ["summary.json"])
    files["summary.json"] = json.dumps(summary.as_dict(), ensure_ascii=False, indent=2).encode("utf-8")
    write_outputs(out_dir, files)
    return summary
