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
import gc
import hashlib
import json
import multiprocessing
import os
import signal
import sqlite3
import sys
import time
import types
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

import networkx as nx

from . import __version__
from .cache import SCHEMA_VERSION, AnalysisCache, FactSpill, analysis_key, decode_entry, encode_entry
from .clean import CLEANING_VERSION, Deduplicator, clean_document
from .entities import AliasConfig, DocFacts, document_facts, read_alias_file, resolve
from .export import FORMATS, check_output_dir, render_files, write_outputs
from .graph import GraphOptions, add_structure, build_graph
from .events import add_event_edges, corpus_events, edge_events, event_files
from .layout import add_layout
from .progress import estimate_documents, model_notice, progress
from .timeline import add_time
from .ingest import InputFile, find_inputs, read_file
from . import forked, snapshot
from . import entities as entities_module
from . import offload
from .nlp import _init_worker, analyse_documents, default_jobs, load_pipeline, pipeline_id
from .options import BuildOptions  # noqa: F401  (kg.build.BuildOptions: the one options object)
from .types import CleanDocument, DocAnalysis, Document, DocumentRecord, Resolution, Skipped

CHUNK_DOCUMENTS = 64  # documents analysed and committed to the cache together


@dataclass
class BuildSummary:
    documents: int = 0
    characters: int = 0
    duplicate_passages_dropped: int = 0
    entities: int = 0
    edges: int = 0
    edges_over_max_edges: int = 0  # co-occurrence edges left out by --max-edges
    relations: int = 0
    events: int = 0  # typed relations found: the rows of events.csv (kg/events.py)
    cache_hits: int = 0
    cache_misses: int = 0
    seconds: float = 0.0
    model: str = ""
    jobs: int = 1
    outputs: list[str] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    html: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)  # seconds per stage
    outputs_from_cache: bool = False  # unchanged corpus and options: files taken from the cache
    kg_version: str = __version__
    inputs: list[str] = field(default_factory=list)  # the PATHs as given
    options: dict = field(default_factory=dict)  # the build options in effect
    map: str = ""  # "map shows N of M nodes"
    cluster: dict = field(default_factory=dict)  # --scheduler: the Dask cluster's size and time (kg.distributed)

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
                    exclude: Iterable[str | Path] = (),
                    records: list[DocumentRecord] | None = None,
                    files: list[InputFile] | None = None, ahead: bool = False) -> Iterator[CleanDocument]:
    """Cleaned documents; `records` (when given) receives each one's documents.csv row.
    `files`: the inputs kg.ingest.find_inputs already found for `paths` (its own skips
    reported by the caller). `ahead`: the files are read and cleaned in a forked child
    (kg.forked.stream) that runs ahead of the caller, on another core while this process
    loads the model (the same documents, skips and counts, in the same order)."""
    if files is None:
        files, early = find_inputs(paths, exclude, summary.warnings)  # notes: e.g. --out among the inputs
        skipped.extend(early)
    for kind, doc, clean in (forked.stream(_read_and_clean, files) if ahead else _read_and_clean(files)):
        if kind == "skipped":
            skipped.append(doc)
            continue
        summary.duplicate_passages_dropped += clean.dropped_passages
        if not clean.sentences:
            if clean.dropped_passages:
                continue  # the whole document repeats earlier ones
            skipped.append(Skipped(doc.path or doc.id, "no text after cleaning"))
            continue
        summary.documents += 1
        summary.characters += len(clean.text)
        if records is not None:
            records.append(DocumentRecord(doc.id, doc.path, doc.title, doc.date, doc.url, doc.source, len(clean.text)))
        yield clean


def _read_and_clean(files: list[InputFile]) -> Iterator[tuple]:
    """clean_documents' reading and cleaning, with no side effect: ("document", the
    document less its text, its CleanDocument) and ("skipped", Skipped, None), in order."""
    dedup = Deduplicator()
    seen_ids: dict[str, int] = {}
    found: list[Skipped] = []
    for file in files:
        for doc in read_file(file, found):
            yield from (("skipped", s, None) for s in found)
            found.clear()
            if doc.id in seen_ids:  # a/x.txt and b/x.txt, or a repeated JSON id: keep them apart
                seen_ids[doc.id] += 1
                doc = dataclasses.replace(doc, id=f"{doc.id}~{seen_ids[doc.id]}")
            seen_ids.setdefault(doc.id, 1)
            clean = clean_document(doc, dedup)
            yield "document", dataclasses.replace(doc, text=""), clean
        yield from (("skipped", s, None) for s in found)
        found.clear()


def _chunks(items: Iterable, size, first: int | None = None) -> Iterator[list]:
    """Lists of `size` items (the first of `first`, when given); `size` may be a function,
    asked again for every chunk (a cluster's size is known only once it is reached)."""
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= (first if first is not None else size() if callable(size) else size):
            yield chunk
            chunk, first = [], None
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
    alone decides (it terminates the pool); otherwise every worker prints a traceback.
    SIGTERM (pool.terminate) ends a worker quietly, not through the CLI's handler a forked
    worker inherits."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _init_worker(model)  # forked after the parent loaded the model: a cache hit, no second load


def start_workers(model: str | None, jobs: int, scheduler: str | None = None):
    """What analyses the documents that need the model: a Dask cluster (kg.distributed,
    imported only then) or a pool of `jobs` processes. The pool is forked after this process
    has loaded the model, so every worker starts with it (pages shared copy-on-write) and
    `--jobs 2` pays one load, not three; where fork is unsafe (macOS) or missing (Windows),
    each worker loads the model itself."""
    if scheduler:
        from .distributed import DaskPool

        return DaskPool(scheduler, model, (pipeline_id(model), rules_version()))
    nlp = load_pipeline(model)  # fails here, clearly, rather than in workers that restart forever
    method = "fork" if sys.platform.startswith("linux") else "forkserver" if os.name != "nt" else "spawn"
    if method == "fork":
        warm_up(nlp)
    return multiprocessing.get_context(method).Pool(jobs, initializer=_init_build_worker, initargs=(model,))


# places, a body, an official: the first document through the rules loads their tables
WARM_UP_TEXT = "辽宁省沈阳市浑南区人民政府与中国科学院沈阳自动化研究所签署合作协议，省委书记张明出席。"


def warm_up(nlp) -> None:
    """One short document through the model and the rules, in this process: what they load
    on first use (the administrative divisions' tables, about 0.4 s; buffers; regular
    expressions) is then made once, before the pool forks, not again in every worker
    (measured on 1,000 articles: 11.8 s of the workers' CPU without, 10.8 s with), and the
    tail of the build, which needs the same tables, finds them loaded."""
    doc = clean_document(Document("kg-warm-up", WARM_UP_TEXT))
    _analyse_and_extract_with(nlp, [doc])


def extract(analysis: DocAnalysis, source: str = "") -> DocFacts:
    """Per-document entity facts, with names damaged by undecodable bytes removed."""
    return without_damaged_names(document_facts(analysis, source))


def _analyse_and_extract(docs: list[CleanDocument]) -> list[tuple[DocAnalysis, DocFacts]]:
    """(analysis, facts) of each document, with this worker's model; the documents' sentences
    go through one nlp.pipe (a batch of articles runs about 8% faster than one at a time)."""
    from . import nlp as nlp_module

    return _analyse_and_extract_with(nlp_module._worker_nlp, docs)


def _analyse_and_encode(docs: list[CleanDocument]) -> list[tuple[bytes, bytes]]:
    """`_analyse_and_extract`, each result already in its cache entry's form
    (kg.cache.encode_entry): the workers compress them in parallel, and the parent, which
    stores them, neither unpickles an analysis nor pickles and compresses anything."""
    return [(encode_entry(analysis), encode_entry(facts)) for analysis, facts in _analyse_and_extract(docs)]


def _analyse_and_extract_with(nlp, docs: list[CleanDocument]) -> list[tuple[DocAnalysis, DocFacts]]:
    analyses = analyse_documents(nlp, docs)
    return [(analysis, extract(analysis, doc.source)) for analysis, doc in zip(analyses, docs)]


POOL_BATCH = 8  # documents per pool task: a chunk of CHUNK_DOCUMENTS x jobs is several tasks per worker


class _Flattened:
    """A pool's AsyncResult of batches, read as one list."""

    def __init__(self, pending):
        self.pending = pending

    def get(self) -> list:
        return [item for batch in self.pending.get() for item in batch]


@lru_cache(maxsize=1)
def code_version() -> str:
    """Fingerprint of kg's code, page template and word lists: cached outputs of an older kg
    are never served."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha1()
    for path in sorted(list(root.glob("*.py")) + list(root.glob("entities/*.py")) + list((root / "static").glob("*"))
                       + list((root / "data" / "lexicon").glob("*"))):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@lru_cache(maxsize=1)
def rules_version() -> str:
    """Fingerprint of the per-document entity rules and word lists: cached facts are
    recomputed (from cached analyses, without the model) when either changes."""
    digest = hashlib.sha1()
    rules = Path(entities_module.__file__).resolve().parent  # the kg/entities package: every rule module
    for path in sorted(rules.glob("*.py")) + sorted((rules.parent / "data" / "lexicon").glob("*")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def facts_key(analysis_key_: str, source: str) -> str:
    return hashlib.sha256(f"facts\x00{rules_version()}\x00{analysis_key_}\x00{source}".encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class StageTimer:
    seconds: dict = field(default_factory=dict)

    @contextlib.contextmanager
    def __call__(self, name: str):
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = round(self.seconds.get(name, 0.0) + time.perf_counter() - started, 3)


@dataclass
class _Chunk:
    docs: list[CleanDocument]
    akeys: list[str]
    fkeys: list[str]
    found: dict  # facts key -> DocFacts
    analyses: dict  # analysis key -> cached DocAnalysis
    missing: list[int]
    to_analyse: list[int]
    pending: object = None  # AsyncResult of the pool, or the results computed in-process


def facts_with_cache(
    docs: Iterable[CleanDocument], model: str | None, jobs: int, cache: AnalysisCache | None, summary: BuildSummary,
    timer: StageTimer | None = None, scheduler: str | None = None, announce=None,
    fact_keys: list | None = None,
) -> Iterator[DocFacts]:
    """Per-document facts in document order. The cache holds each document's analysis
    (the model's output) and its facts; a document already seen costs neither the model
    nor the rules, and new rules re-use the cached analyses. The model and the process
    pool start only when some document needs them; while the pool analyses one chunk, this
    process reads and cleans the next. Each chunk's new entries are committed in one
    transaction. With `scheduler` (kg.distributed) the documents are analysed on a Dask
    cluster instead of the pool, chunked by the cluster's worker threads. `fact_keys`
    (when given) receives each document's (facts key, document id)."""
    timer = timer or StageTimer()
    mid = pipeline_id(model)
    state: dict = {"pool": None, "nlp": None}
    parallel = jobs > 1 or bool(scheduler)
    # documents per chunk: a cluster's share, capped so the client's memory stays bounded
    chunk_size = lambda: CHUNK_DOCUMENTS * min(getattr(state["pool"], "threads", max(1, jobs)), 256)  # noqa: E731

    def submit(docs_: list[CleanDocument]) -> _Chunk:
        akeys = [analysis_key(d, mid) for d in docs_]
        fkeys = [facts_key(k, d.source) for k, d in zip(akeys, docs_)]
        found = cache.get_many(fkeys) if cache is not None else {}
        missing = [i for i, k in enumerate(fkeys) if k not in found]
        analyses = cache.get_many([akeys[i] for i in missing]) if cache is not None and missing else {}
        to_analyse = [i for i in missing if akeys[i] not in analyses]
        chunk = _Chunk(docs_, akeys, fkeys, found, analyses, missing, to_analyse)
        if to_analyse:
            summary.cache_misses += len(to_analyse)  # documents the model reads
            if parallel:
                if state["pool"] is None:
                    if announce is not None:  # a line while the model loads (kg.progress)
                        announce(model)
                    state["pool"] = start_workers(model, jobs, scheduler)
                    if scheduler:
                        summary.jobs = state["pool"].threads
                todo = [docs_[i] for i in to_analyse]
                work = _analyse_and_encode if cache is not None else _analyse_and_extract
                if scheduler:  # kg.distributed batches itself
                    chunk.pending = state["pool"].map_async(work, todo)
                else:
                    batches = [todo[b:b + POOL_BATCH] for b in range(0, len(todo), POOL_BATCH)]
                    chunk.pending = _Flattened(state["pool"].map_async(work, batches, chunksize=1))
            else:
                if state["nlp"] is None and announce is not None:
                    announce(model)
                nlp = state["nlp"] = state["nlp"] or load_pipeline(model)
                chunk.pending = _analyse_and_extract_with(nlp, [docs_[i] for i in to_analyse])
        return chunk

    def finish(chunk: _Chunk) -> Iterator[DocFacts]:
        if chunk.missing:
            results = chunk.pending.get() if hasattr(chunk.pending, "get") else (chunk.pending or [])
            new_analyses, new_facts, encoded = {}, {}, {}
            for i, (analysis, facts) in zip(chunk.to_analyse, results):
                if isinstance(facts, bytes):  # from _analyse_and_encode: the cache entries themselves
                    encoded[chunk.akeys[i]], encoded[chunk.fkeys[i]] = analysis, facts
                    new_facts[chunk.fkeys[i]] = decode_entry(facts)
                    continue
                new_analyses[chunk.akeys[i]] = analysis
                new_facts[chunk.fkeys[i]] = facts
            with timer("document_facts"):
                for i in chunk.missing:
                    if chunk.fkeys[i] not in new_facts:  # analysis cached, rules changed
                        new_facts[chunk.fkeys[i]] = extract(chunk.analyses[chunk.akeys[i]], chunk.docs[i].source)
            if cache is not None:  # one transaction
                cache.put_encoded({**{k: encode_entry(v) for k, v in {**new_analyses, **new_facts}.items()
                                      if k not in encoded}, **encoded})
            chunk.found.update(new_facts)
        summary.cache_hits += len(chunk.docs) - len(chunk.to_analyse)
        for key, doc in zip(chunk.fkeys, chunk.docs):
            if fact_keys is not None:
                fact_keys.append((key, doc.id))
            facts = chunk.found[key]
            if facts.doc_id != doc.id:  # the same text under another name
                facts = dataclasses.replace(facts, doc_id=doc.id)
            yield facts

    in_flight: list[_Chunk] = []
    try:
        # with the pool the first chunk is one document: this process loads the model as soon
        # as a document needs it, while the reading child (clean_documents' `ahead`) reads on
        for docs_ in _chunks(docs, chunk_size, first=1 if parallel and not scheduler else None):
            in_flight.append(submit(docs_))
            while len(in_flight) > (1 if parallel else 0):  # keep the pool one chunk ahead
                yield from finish(in_flight.pop(0))
        while in_flight:
            yield from finish(in_flight.pop(0))
    finally:
        if state["pool"] is not None:
            if scheduler:
                summary.cluster = state["pool"].summary()
            state["pool"].terminate()
            state["pool"].join()


def _progress(iterable, enabled: bool, total: int | None = None):
    return progress(iterable, enabled and sys.stderr.isatty(), total)


def _open_cache(options: BuildOptions, summary: BuildSummary) -> AnalysisCache | None:
    if not options.use_cache:
        return None
    try:
        cache = AnalysisCache(options.cache_dir)
    except (OSError, sqlite3.Error) as exc:
        line = f"analysis cache unavailable ({exc}); running without it"
        if line not in summary.warnings:  # opened twice per build (analyses, outputs): said once
            summary.warnings.append(line)
        return None
    summary.warnings.extend(w for w in cache.warnings if w not in summary.warnings)
    return cache


def resolve_graph(facts: Iterable[DocFacts], alias_config: AliasConfig, options: BuildOptions, timer: StageTimer,
                  records: list[DocumentRecord], helper: offload.Helper | None = None) -> tuple[Resolution, nx.Graph]:
    """Entities and the graph, with its dates and layout, from per-document facts (a
    `helper` process finds the communities meanwhile; where there is one, the build may
    use a second core, and a forked child finds the events while this process builds the
    co-occurrence graph)."""
    with timer("resolve"):
        resolution = resolve(facts, alias_config, spill_dir=options.spill_dir)
    dates = {r.id: r.date for r in records}
    with timer("graph"):
        events = forked.call(corpus_events, facts, resolution, dates) if helper is not None else None
        graph = build_graph(resolution, GraphOptions(options.window, options.min_weight, options.min_npmi,
                                                        options.max_edges), structure=False)
    with timer("events"):  # typed relations (kg/events.py) on the graph's edges
        add_event_edges(graph, events() if events is not None else corpus_events(facts, resolution, dates),
                        structure=False)
    max_nodes = options.max_html_nodes if "html" in options.formats else None
    communities = helper.structure(graph, max_nodes)[0] if helper is not None else None
    with timer("time_and_layout"):  # neither adds nor re-weights an edge: Louvain's answer stands
        add_time(graph, resolution, records, options.window)
        add_layout(graph, options.max_html_nodes)  # one layout: the map and the GEXF
    with timer("graph"):  # communities and centrality once, with the events' edges
        add_structure(graph, communities() if communities is not None else None)
    return resolution, graph


def output_files(graph: nx.Graph, resolution: Resolution, options: BuildOptions, summary: BuildSummary,
                 timer: StageTimer, records: list[DocumentRecord], helper: offload.Helper | None = None) -> dict:
    """Every output file of `graph` for `options.formats` but summary.json (also what
    KnowledgeGraph.save writes). Files are returned as functions that render them (see
    kg.export.render_files), in the order to render them: those a `helper` process renders
    come last, so that it works while this process renders the others."""
    files = render_files(graph, resolution, options.formats, records)
    files.update(event_files(graph) if "csv" in options.formats else {})  # events.csv, neo4j/events.csv
    remote = {}
    if helper is not None:
        names = offload.wanted(files)
        remote = helper.render(graph, names)  # the helper starts now: the map below runs beside it
        for name in names:
            del files[name]
    if "html" in options.formats:
        from .render import render_html_text

        with timer("html"):
            html, info = render_html_text(graph, max_nodes=options.max_html_nodes, documents=records,
                                          betweenness=helper.betweenness() if helper is not None else None)
        files["graph.html"] = html.encode("utf-8")
        summary.html = info
    files.update(remote)
    return files


def _offloading(options: BuildOptions, summary: BuildSummary, documents: int) -> bool:
    """Whether a helper process (kg.offload) finds the communities and renders the GraphML,
    GEXF and JSON files: the build may use more than one core (--jobs, a cluster), this
    machine has another, and the corpus is not tiny."""
    return (documents >= offload.MIN_DOCUMENTS and (summary.jobs >= 2 or bool(options.scheduler))
            and (os.cpu_count() or 1) >= 2)


COUNTS = ("entities", "edges", "relations", "edges_over_max_edges", "events")  # what graph_counts gives


def graph_counts(graph: nx.Graph) -> tuple[int, int, int, int, int]:
    """(entities, edges, holds_position_at edges, pairs left out by max_edges, events: the
    typed relations on the edges, one row of events.csv each)."""
    relations = sum(1 for _, _, d in graph.edges(data=True) if d.get("relation") == "holds_position_at")
    events = sum(len(edge_events(d.get("event_records"))) for _, _, d in graph.edges(data=True))
    return (graph.number_of_nodes(), graph.number_of_edges(), relations, graph.graph.get("pairs_over_max_edges", 0),
            events)


def render_outputs(facts: Iterable[DocFacts], alias_config: AliasConfig, options: BuildOptions, summary: BuildSummary,
                   timer: StageTimer, records: list[DocumentRecord] | None = None) -> tuple[dict, tuple[int, int, int, int, int]]:
    """Entities, graph and every output file (but summary.json) from per-document facts."""
    records = records if records is not None else []
    resolution, graph = resolve_graph(facts, alias_config, options, timer, records)
    return output_files(graph, resolution, options, summary, timer, records), graph_counts(graph)


@dataclass
class BuildResult:
    """What one build made: its summary, the documents' records and, in memory, the graph
    and the entity resolution it was made from. When the build took its files from the
    cache it did not compute the graph: `materialise` does, the first time it is asked,
    from the per-document facts (kept on disk until then)."""

    summary: BuildSummary
    options: BuildOptions
    records: list[DocumentRecord]
    graph: nx.Graph | None = None
    resolution: Resolution | None = None
    facts: FactSpill | None = None
    alias_config: AliasConfig | None = None
    fact_keys: list[tuple[str, str]] | None = None  # files served by kg.snapshot: the facts are in the cache

    def materialise(self) -> tuple[nx.Graph, Resolution]:
        if self.graph is None or self.resolution is None:
            if self.facts is None and self.fact_keys is not None:
                self.facts = cached_facts(self.options, self.fact_keys)
            if self.facts is None:  # gone from the cache meanwhile: analysed again (in memory only)
                again = run(self.summary.inputs, dataclasses.replace(self.options, out_dir=None, progress=False))
                self.graph, self.resolution = again.graph, again.resolution
                return self.graph, self.resolution
            self.resolution, self.graph = resolve_graph(self.facts, self.alias_config or AliasConfig(), self.options,
                                                        StageTimer(), self.records)
            self.facts.close()
            self.facts = None
        return self.graph, self.resolution


OUTPUTS_PREFIX = "outputs:"  # the rendered files of the last build, one cache entry per file


def outputs_key(facts: Iterable[DocFacts], options: BuildOptions, records: Iterable[DocumentRecord] = ()) -> str:
    return outputs_key_of(snapshot.facts_digest(facts, records), options)


def outputs_key_of(digest: str, options: BuildOptions) -> str:
    """The outputs' cache key: the facts' and records' digest (kg.snapshot.facts_digest)
    under these options, this kg and this alias file."""
    key = hashlib.sha256()
    aliases = Path(options.aliases).read_bytes() if options.aliases else b""
    settings = (__version__, code_version(), options.window, options.min_weight, options.min_npmi, options.max_edges,
                options.max_html_nodes, tuple(options.formats))
    key.update(repr(settings).encode())
    key.update(hashlib.sha256(aliases).digest())
    key.update(digest.encode())
    return OUTPUTS_PREFIX + key.hexdigest()


class CachedOutputMissing(Exception):
    """A cached output file could not be read back while it was being written out (the
    build then makes the files itself; the output folder is left as it was meanwhile)."""


def cached_outputs(cache: AnalysisCache, key: str, summary: BuildSummary):
    """(files as loaders, counts) of an earlier build with the same key, or None.

    The reads happen in one read transaction that lasts until the cache is closed, so
    another build trimming or rewriting the stored files meanwhile changes nothing here.
    Each file is decoded once, when it is written out (one at a time: bounded memory); one
    that no longer decodes raises CachedOutputMissing, before anything is committed to the
    output folder (kg.export.write_outputs stages every file first)."""
    cache.begin_snapshot()
    manifest = cache.get_many([key]).get(key)
    names = manifest.get("names") if isinstance(manifest, dict) else None
    if names and len(manifest.get("counts") or ()) != len(COUNTS):  # stored by a kg that counted less
        names = None
    if not names:
        cache.end_snapshot()
        return None
    summary.html = manifest.get("html", {})
    summary.outputs_from_cache = True

    def loader(name: str):
        def load() -> bytes:
            if os.environ.get("KG_TEST_LOAD_DELAY"):  # test-only: widens the window for a racing build
                time.sleep(float(os.environ["KG_TEST_LOAD_DELAY"]))
            data = cache.get_many([f"{key}/{name}"]).get(f"{key}/{name}")
            if not isinstance(data, bytes):
                raise CachedOutputMissing(f"the cached copy of {name} in {cache.path} could not be read")
            return data
        return load

    return {name: loader(name) for name in manifest["names"]}, tuple(manifest["counts"])


class StoringOutputs:
    """`files` (`.files`) whose rendering also stores each file in the cache, under `key`
    (the previous build's files are dropped: one set is kept). A thread compresses each
    file while the next renders; `store_files()` stores them in one transaction (before
    summary.json is rendered, so that it lists a failed store, such as a full disk, among
    its warnings) and `commit()` the manifest, once the files are written."""

    def __init__(self, cache: AnalysisCache, key: str, files: dict, summary: BuildSummary | None = None):
        from concurrent.futures import ThreadPoolExecutor

        self._cache, self._key, self._summary = cache, key, summary
        self._encoder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kg-cache-encode")
        self._encoded: dict = {}
        cache.trim(OUTPUTS_PREFIX, 0)
        self.files = {name: self._storing(name, render) for name, render in files.items()}

    def _storing(self, name: str, render):
        def run() -> bytes:
            data = render() if callable(render) else render
            self._encoded[f"{self._key}/{name}"] = self._encoder.submit(encode_entry, data)
            return data
        return run

    def store_files(self) -> None:
        blobs = {key: future.result() for key, future in self._encoded.items()}
        self._encoded = {}
        self._cache.put_encoded(blobs)
        self._warn()

    def commit(self, manifest: dict) -> None:
        try:
            self.store_files()  # any rendered after the last store_files
            self._cache.put_many({self._key: manifest})
            self._warn()
        finally:
            self.close()

    def _warn(self) -> None:
        if self._summary is not None:
            self._summary.warnings.extend(w for w in self._cache.warnings if w not in self._summary.warnings)

    def close(self) -> None:
        self._encoder.shutdown(wait=True, cancel_futures=True)
        self._encoded = {}


def build(paths: list[str], options: BuildOptions) -> BuildSummary:
    """`run`, for its summary only."""
    return run(paths, options).summary


def run(paths: list[str], options: BuildOptions) -> BuildResult:
    """Build the graph of the articles under `paths` and write every output file into
    `options.out_dir` (none when it is None). kg.build(...) and `kg build` both come here.

    Raises InputErrors (strict and something skipped), NoDocuments, kg.export.OutputError
    (output folder not writable, disk full), ModelNotFound; in each case, and on
    KeyboardInterrupt, the output folder is left as it was.
    """
    started = time.perf_counter()
    summary = BuildSummary()
    timer = StageTimer()
    skipped: list[Skipped] = []
    records: list[DocumentRecord] = []
    summary.inputs = [str(p) for p in paths]
    summary.options = {k: (str(v) if isinstance(v, Path) else list(v) if isinstance(v, tuple) else v)
                       for k, v in dataclasses.asdict(options).items() if k not in ("progress", "spill_dir")}
    jobs = options.jobs or default_jobs()
    summary.jobs = jobs
    out_dir = Path(options.out_dir) if options.out_dir is not None else None
    made = check_output_dir(out_dir) if out_dir is not None else False  # before the analysis, not after hours of it
    exclude = [out_dir] if out_dir is not None else []
    facts = FactSpill(options.spill_dir)
    helper: offload.Helper | None = None
    result: BuildResult | None = None
    frozen = False
    try:
        alias_config = AliasConfig()
        if options.aliases:
            alias_config = AliasConfig(*read_alias_file(options.aliases))
        summary.model = pipeline_id(options.model)  # also: a missing model fails here, before any work
        with timer("analysis"):
            files, early = find_inputs(paths, exclude, summary.warnings)  # notes: e.g. --out among the inputs
            skipped.extend(early)
            ikey = (snapshot.inputs_key(files, (SCHEMA_VERSION, CLEANING_VERSION, code_version(), summary.model))
                    if out_dir is not None and options.use_cache else None)
        if ikey is not None:
            result = _rerun(ikey, out_dir, options, summary, timer, skipped, started, alias_config)
            if result is not None:
                return result
        cache = _open_cache(options, summary)
        fact_keys: list[tuple[str, str]] = []
        try:
            with timer("analysis"):
                docs = clean_documents(paths, skipped, summary, exclude, records=records, files=files,
                                       ahead=(jobs > 1 or bool(options.scheduler)) and (os.cpu_count() or 1) >= 2)
                # on disk, not in memory: the later stages read the facts in several passes
                shown = options.progress and sys.stderr.isatty()
                total = estimate_documents(paths, exclude) if shown else None
                facts.extend(_progress(facts_with_cache(docs, options.model, jobs, cache, summary, timer,
                                                        options.scheduler, announce=model_notice(shown),
                                                        fact_keys=fact_keys),
                                       options.progress, total))
        finally:
            if cache is not None:
                summary.warnings.extend(w for w in cache.warnings if w not in summary.warnings)
                cache.close()
        summary.skipped = [dataclasses.asdict(s) for s in skipped]
        if options.strict and skipped:
            raise InputErrors(skipped, cached=cache is not None)
        if not facts:
            raise NoDocuments(skipped)
        frozen = freeze_heap()
        if out_dir is None:  # no files: the graph, in memory only
            resolution, graph = resolve_graph(facts, alias_config, options, timer, records)
            summary.entities, summary.edges, summary.relations, summary.edges_over_max_edges, summary.events = graph_counts(graph)
            timer.seconds["entities"] = round(timer.seconds.get("document_facts", 0.0) + timer.seconds.get("resolve", 0.0), 3)
            summary.timings = timer.seconds
            summary.seconds = round(time.perf_counter() - started, 3)
            result = BuildResult(summary, options, records, graph, resolution)
            return result
        # An unchanged corpus with unchanged options gives unchanged files: a re-run takes
        # them from the cache instead of resolving, laying out and rendering again.
        digest = snapshot.facts_digest(facts, records)
        key = outputs_key_of(digest, options)
        output_cache = _open_cache(options, summary)
        graph = resolution = None
        try:
            if output_cache is not None and ikey is not None and len(fact_keys) == len(facts):
                snapshot.store(output_cache, ikey, snapshot.Snapshot(
                    digest, fact_keys, records, skipped[len(early):], summary.documents, summary.characters,
                    summary.duplicate_passages_dropped))
            stored = cached_outputs(output_cache, key, summary) if output_cache is not None else None
            if stored is not None:
                try:
                    _write_phase(out_dir, *stored, None, summary, timer, started)
                except CachedOutputMissing:
                    output_cache.end_snapshot()
                    summary.outputs_from_cache, summary.html = False, {}
                    stored = None
            if stored is None:
                if _offloading(options, summary, len(facts)):
                    helper = offload.Helper(options.spill_dir)  # its start overlaps the resolution
                resolution, graph = resolve_graph(facts, alias_config, options, timer, records, helper)
                files = output_files(graph, resolution, options, summary, timer, records, helper)
                storing = StoringOutputs(output_cache, key, files, summary) if output_cache is not None else None
                _write_phase(out_dir, storing.files if storing else files, graph_counts(graph), storing, summary, timer,
                             started)
        finally:
            if helper is not None:
                helper.close()
            if output_cache is not None:
                summary.warnings.extend(w for w in output_cache.warnings if w not in summary.warnings)
                output_cache.close()
        # files from the cache: the facts stay (on disk) for the graph, should it be asked for
        result = BuildResult(summary, options, records, graph, resolution,
                             facts if graph is None else None, alias_config)
    except BaseException:
        if helper is not None:
            helper.close()
        if made:  # leave no empty folder behind a failed run
            with contextlib.suppress(OSError):
                out_dir.rmdir()
        raise
    finally:
        if frozen:
            gc.unfreeze()
        if result is None or result.facts is None:
            facts.close()
    return result


def freeze_heap() -> bool:
    """Moves every object alive once the analysis is done (the model, the rules' tables, the
    facts, the imports: about 200,000 of them) into the collector's permanent generation
    (gc.freeze), so that the full collections of the build's tail, which allocates the
    entities, the graph and the files, do not scan them again: on 1,000 articles 0.1-0.2 s of
    full collections in the tail instead of 0.8-1.0 s. Nothing is garbage then (a collection
    there finds 0-124 objects), and frozen objects are still freed by their reference counts;
    `run` unfreezes them at its end. Not where something else froze objects, or the collector is
    off: a notebook's own settings stay as they are. Returns whether it froze."""
    if gc.get_freeze_count() or not gc.isenabled():
        return False
    gc.freeze()
    return True


def _write_phase(out_dir: Path, files: dict, counts: tuple, storing: StoringOutputs | None, summary: BuildSummary,
                 timer: StageTimer, started: float) -> None:
    """Write `files` and summary.json (rendered last, with the timings and the cache's
    warnings complete) into `out_dir`; with `storing`, the files also go into the cache."""
    summary.entities, summary.edges, summary.relations, summary.edges_over_max_edges, summary.events = counts
    summary.map = f"map shows {summary.html['nodes_shown']} of {summary.html['nodes_total']} nodes" if summary.html else ""
    summary.outputs = sorted(str(out_dir / name) for name in list(files) + ["summary.json"])
    names = sorted(files)
    write_started = time.perf_counter()

    def summary_json() -> bytes:
        if storing is not None:
            storing.store_files()
        timer.seconds["write"] = round(time.perf_counter() - write_started, 3)
        timer.seconds["entities"] = round(timer.seconds.get("document_facts", 0.0) + timer.seconds.get("resolve", 0.0), 3)
        summary.timings = dict(timer.seconds)
        summary.seconds = round(time.perf_counter() - started, 3)
        return json.dumps(summary.as_dict(), ensure_ascii=False, indent=2).encode("utf-8")

    files = {**files, "summary.json": summary_json}
    try:
        write_outputs(out_dir, files)
        if storing is not None:
            storing.commit({"names": names, "counts": list(counts), "html": summary.html})
    finally:
        if storing is not None:
            storing.close()


def _rerun(ikey: str, out_dir: Path, options: BuildOptions, summary: BuildSummary, timer: StageTimer,
           skipped: list[Skipped], started: float, alias_config: AliasConfig) -> BuildResult | None:
    """The build of a corpus whose files are unchanged since a build whose outputs the
    cache still holds for these options: those files, written without reading a document.
    None (and `summary` untouched) when the cache has no such snapshot or outputs, or one
    of the files no longer reads back; the caller then builds as always."""
    import copy

    cache = _open_cache(options, summary)  # its warnings (a damaged database replaced) hold either way
    if cache is None:
        return None
    trial = copy.deepcopy(summary)
    try:
        with timer("analysis"):
            snap = snapshot.load(cache, ikey)
        stored = cached_outputs(cache, outputs_key_of(snap.digest, options), trial) if snap is not None else None
        if stored is None:
            return None
        skipped = skipped + snap.skipped
        if options.strict and skipped:
            raise InputErrors(skipped, cached=True)
        trial.documents, trial.characters = snap.documents, snap.characters
        trial.duplicate_passages_dropped = snap.duplicate_passages_dropped
        trial.cache_hits = snap.documents
        trial.skipped = [dataclasses.asdict(s) for s in skipped]
        try:
            _write_phase(out_dir, *stored, None, trial, timer, started)
        except CachedOutputMissing:
            timer.seconds.pop("write", None)
            return None
    finally:
        cache.close()
        summary.warnings.extend(w for w in cache.warnings if w not in summary.warnings)
    trial.warnings.extend(w for w in cache.warnings if w not in trial.warnings)
    for name in dataclasses.fields(summary):  # the caller's summary is this build's
        setattr(summary, name.name, getattr(trial, name.name))
    return BuildResult(summary, options, snap.records, alias_config=alias_config, fact_keys=snap.fact_keys)


def cached_facts(options: BuildOptions, fact_keys: list[tuple[str, str]]) -> FactSpill | None:
    """The facts of a build served by `_rerun`, from the cache (None when any is gone)."""
    try:
        cache = AnalysisCache(options.cache_dir)
    except (OSError, sqlite3.Error):
        return None
    spill = FactSpill(options.spill_dir)
    try:
        for i in range(0, len(fact_keys), CHUNK_DOCUMENTS):
            part = fact_keys[i:i + CHUNK_DOCUMENTS]
            found = cache.get_many([k for k, _ in part])
            for key, doc_id in part:
                facts = found.get(key)
                if not isinstance(facts, DocFacts):
                    spill.close()
                    return None
                spill.append(facts if facts.doc_id == doc_id else dataclasses.replace(facts, doc_id=doc_id))
    except BaseException:
        spill.close()
        raise
    finally:
        cache.close()
    return spill


class _CallableModule(types.ModuleType):
    """`kg.build` names both this module and the public function `kg.build(paths, ...)`
    (kg.api.build): importing a submodule sets the package's attribute to the module, so
    the module itself answers the call."""

    def __call__(self, paths, **options):
        from .api import build as api_build

        return api_build(paths, **options)

    @property
    def __signature__(self):
        import inspect

        from .api import build as api_build

        return inspect.signature(api_build)


sys.modules[__name__].__class__ = _CallableModule
