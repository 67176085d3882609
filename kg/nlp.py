"""The spaCy stage: load a pipeline and find PERSON / ORG / LOC mentions in clean documents.

`analyse_document` is a pure function (clean document in, sentences and mentions out), so it
runs the same in this process, in kg.build's process pool or on a distributed engine.
"""
from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .types import CleanDocument, DocAnalysis, Mention

MODELS_DIR = Path(__file__).resolve().parent / "models"
DEFAULT_MODEL = "zh_kg_news"
SEGMENTER_MODEL = "zh_kg_seg"

# Labels of other pipelines (OntoNotes, MSRA, ...) mapped onto kg's three.
LABEL_MAP = {
    "PERSON": "PERSON", "PER": "PERSON", "NR": "PERSON",
    "ORG": "ORG", "NT": "ORG", "ORGANIZATION": "ORG",
    "GPE": "LOC", "LOC": "LOC", "FAC": "LOC", "NS": "LOC", "LOCATION": "LOC",
}


class ModelNotFound(RuntimeError):
    pass


TRADITIONAL_SHARE = 0.03  # simplified news has ~0.06% of such characters (著, 乾), traditional ~20%


@lru_cache(maxsize=1)
def _to_simplified_table() -> tuple[dict[int, str], re.Pattern]:
    """The character table, and a pattern that finds its characters (counted in C, not in a
    Python loop: this runs on every document)."""
    from hanziconv.charmap import simplified_charmap, traditional_charmap

    table = {ord(t): s for t, s in zip(traditional_charmap, simplified_charmap) if t != s}
    return table, re.compile("[" + "".join(map(chr, table)) + "]")


def model_texts(texts: list[str]) -> list[str]:
    """What the model reads: the training corpora are in simplified characters, so a
    document written in traditional characters (臺北市政府將與…) is read character for
    character in simplified ones. One character stays one character, so offsets (and the
    names kg reports, taken from the original text) are unchanged."""
    table, pattern = _to_simplified_table()
    total = sum(len(t) for t in texts)
    traditional = [ch for t in texts for ch in pattern.findall(t)]
    if not total or len(traditional) < TRADITIONAL_SHARE * total or len(set(traditional)) < 3:
        return texts
    return [t.translate(table) for t in texts]


def model_path(name: str | None = None) -> Path | str:
    """Where a pipeline lives: kg's own (by name) or whatever spaCy can load."""
    name = name or DEFAULT_MODEL
    own = MODELS_DIR / name
    if own.is_dir():
        return own
    return name


@lru_cache(maxsize=4)
def load_pipeline(name: str | None = None):
    """Load a spaCy pipeline: kg's shipped one by default, else any installed package or path."""
    import spacy

    from . import components  # noqa: F401  (registers kg's factories)

    from thinc.api import get_current_ops, set_current_ops

    from .ops import fast_single_thread_blas, make_ops

    fast_single_thread_blas()  # before make_ops times numpy's BLAS against blis
    target = model_path(name)
    previous = get_current_ops()
    set_current_ops(make_ops())  # layers keep the ops current when they are built
    try:
        nlp = spacy.load(target)
    except OSError as exc:
        raise ModelNotFound(
            f"cannot load spaCy pipeline {name!r}: not one of kg's models in {MODELS_DIR}, "
            f"nor an installed package or a pipeline folder ({exc})"
        ) from None
    finally:
        set_current_ops(previous)
    if "ner" not in nlp.pipe_names and not any("ner" in n for n in nlp.pipe_names):
        raise ModelNotFound(f"spaCy pipeline {name!r} has no 'ner' component")
    speed_up(nlp)
    return nlp


def speed_up(nlp) -> dict:
    """kg's faster inference paths, each giving spaCy's results up to float rounding: the
    tok2vec blocks' fused forwards (`kg.ops.fuse_inference`) and the linear-time character
    tokenizer (`kg.components.CharTokenizer`). Returns what changed."""
    from . import components
    from .ops import fuse_inference

    fused = chunked = 0
    for _, component in nlp.pipeline:
        changed = fuse_inference(component.model) if hasattr(getattr(component, "model", None), "walk") else 0
        fused += changed
        if changed and ChunkedPredict.wraps(component):  # CPU only (fused): a GPU wants the whole batch
            component.predict = ChunkedPredict(component)
            chunked += 1
    wrapped = components.CharTokenizer.wraps(nlp.tokenizer)
    if wrapped:
        nlp.tokenizer = components.CharTokenizer(nlp.tokenizer)
    return {"fused_blocks": fused, "char_tokenizer": wrapped, "chunked_tok2vec": chunked}


class ChunkedPredict:
    """A tok2vec's predict over a batch in runs of whole documents of at most `tokens` tokens
    together: the tok2vec's arrays for ~2,000 characters (2,000 x 240 floats per layer) stay in
    the core's cache through the layers, while the other components still see the whole batch.
    Measured on People's Daily NER dev (one thread, AMD EPYC): the tok2vec 1.50 s in runs of
    at most 2,000 tokens against 1.82 s for batches of 256 sentences. Each document's vectors
    are the ones a whole-batch predict gives (the window never crosses a document's ends)."""

    TOKENS = 2000

    def __init__(self, component, tokens: int = TOKENS):
        self.predict = type(component).predict.__get__(component)
        self.tokens = tokens

    @staticmethod
    def wraps(component) -> bool:
        from spacy.pipeline import Tok2Vec

        return isinstance(component, Tok2Vec) and not isinstance(component.__dict__.get("predict"), ChunkedPredict)

    def __call__(self, docs):
        docs = list(docs)
        out, start, size = [], 0, 0
        for i, doc in enumerate(docs):
            if i > start and size + len(doc) > self.tokens:
                out.extend(self.predict(docs[start:i]))
                start, size = i, 0
            size += len(doc)
        if start < len(docs) or not docs:
            out.extend(self.predict(docs[start:]))
        return out


def model_id(nlp) -> str:
    """Identifies the model's outputs for the cache: name, version and a fingerprint of
    its weights (a retrained model with an unchanged version must not reuse old results)."""
    meta = nlp.meta
    path = getattr(nlp, "_path", None)
    return f"{meta.get('lang', '')}_{meta.get('name', '')}-{meta.get('version', '')}-{_fingerprint(str(path) if path else '')}"


def pipeline_id(name: str | None = None) -> str:
    """`model_id` of a pipeline, without loading it when it is a folder (kg's own models)."""
    target = model_path(name)
    if isinstance(target, str):  # an installed package: its data folder holds meta.json
        import importlib.util

        spec = importlib.util.find_spec(target) if target.isidentifier() else None
        if spec is not None and spec.origin:
            found = sorted(Path(spec.origin).parent.glob("*/meta.json"))
            if found:
                target = found[0].parent
    meta_file = Path(target) / "meta.json"
    if meta_file.is_file():
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        return f"{meta.get('lang', '')}_{meta.get('name', '')}-{meta.get('version', '')}-{_fingerprint(str(target))}"
    return model_id(load_pipeline(name))


@lru_cache(maxsize=8)
def _fingerprint(path: str) -> str:
    import hashlib

    if not path:
        return "nopath"
    digest = hashlib.sha1()
    for file in sorted(Path(path).rglob("*")):
        if file.is_file() and file.name in ("model", "cfg", "meta.json", "config.cfg", "features.msgpack", "weights.npz",
                                               "lexicon.msgpack"):
            digest.update(str(file.relative_to(path)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:12]


def analyse_document(nlp, doc: CleanDocument, batch_size: int = 64) -> DocAnalysis:
    """Find entity mentions sentence by sentence (bounded length: nlp.max_length never trips)."""
    return analyse_documents(nlp, [doc], batch_size)[0]


def analyse_documents(nlp, docs: list[CleanDocument], batch_size: int = 128) -> list[DocAnalysis]:
    """`analyse_document` for several documents, their sentences read in one `nlp.pipe`:
    a news article has about ten sentences, and batching across articles saves the fixed
    cost of a small batch (the same predictions: each sentence is read on its own)."""
    per_doc = [model_texts([doc.text[s.start : s.end] for s in doc.sentences]) for doc in docs]
    parsed = nlp.pipe((t for texts in per_doc for t in texts), batch_size=batch_size)
    out = []
    for doc in docs:
        mentions: list[Mention] = []
        for index, sentence in enumerate(doc.sentences):
            for ent in next(parsed).ents:
                label = LABEL_MAP.get(ent.label_.upper())
                if label is None:
                    continue
                start = sentence.start + ent.start_char
                end = sentence.start + ent.end_char
                mentions.append(Mention(start, end, doc.text[start:end], label, index))
        out.append(DocAnalysis(
            doc_id=doc.id,
            text=doc.text,
            sentences=list(doc.sentences),
            mentions=mentions,
            title=doc.title,
            dropped_passages=doc.dropped_passages,
            written_ascii=doc.written_ascii,
        ))
    return out


# ---- process pool -------------------------------------------------------------------------

_worker_nlp = None


def _init_worker(model: str | None) -> None:
    global _worker_nlp
    _one_blas_thread()
    _heap_for_arrays()
    _worker_nlp = load_pipeline(model)


@lru_cache(maxsize=1)
def _heap_for_arrays() -> None:
    """Dask's nanny starts workers with MALLOC_TRIM_THRESHOLD_=65536, which turns off glibc's
    dynamic mmap threshold: every array over 128 KiB is then a fresh mmap, its pages faulted in
    anew, and the NER ran 11% slower (3.34 vs 2.93 s on 60 articles). Where that variable is
    set, arrays up to 32 MiB come from the heap again and the heap is trimmed past 64 MiB
    (a worker's memory stays bounded by its model and one batch)."""
    if "MALLOC_TRIM_THRESHOLD_" not in os.environ or not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc (musl): no such tunables
        return
    m_trim_threshold, m_mmap_threshold = -1, -3  # <malloc.h>
    libc.mallopt(m_mmap_threshold, 32 * 1024 * 1024)
    libc.mallopt(m_trim_threshold, 64 * 1024 * 1024)


@lru_cache(maxsize=1)
def _one_blas_thread() -> None:
    """One BLAS thread in a worker: the processes are the parallelism. numpy's OpenBLAS was
    started with a thread per core in the parent before the fork (an environment variable
    set now would be read by no one), and two workers of two threads each on two cores ran
    no faster than one process."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # an install without it: the workers share the cores as before
        return
    threadpool_limits(1)  # OpenBLAS started with more threads is fast on one (load_pipeline warms one that was not)


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


# ---- model information ------------------------------------------------------------------


@dataclass
class ModelInfo:
    name: str
    version: str
    pipeline_path: str
    labels: list[str]
    size_bytes: int
    components: list[str]
    tokenizer: str
    scores: dict

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def model_info(name: str | None = None) -> ModelInfo:
    nlp = load_pipeline(name)
    path = Path(nlp._path) if getattr(nlp, "_path", None) else None
    if path is None:
        candidate = model_path(name)
        path = candidate if isinstance(candidate, Path) else None
    scores = {}
    if path is not None and (path / "kg_scores.json").is_file():
        scores = json.loads((path / "kg_scores.json").read_text(encoding="utf-8"))
    elif nlp.meta.get("performance"):
        scores = nlp.meta["performance"]
    labels = []
    for pipe_name in nlp.pipe_names:
        pipe = nlp.get_pipe(pipe_name)
        if hasattr(pipe, "labels") and "ner" in pipe_name:
            labels.extend(pipe.labels)
    tokenizer_cfg = nlp.config.get("nlp", {}).get("tokenizer", {})
    return ModelInfo(
        name=f"{nlp.meta.get('lang')}_{nlp.meta.get('name')}",
        version=str(nlp.meta.get("version", "")),
        pipeline_path=str(path.resolve()) if path else "",
        labels=sorted(labels),
        size_bytes=_folder_size(path) if path else 0,
        components=list(nlp.pipe_names),
        tokenizer=str(tokenizer_cfg.get("segmenter", tokenizer_cfg.get("@tokenizers", ""))),
        scores=scores,
    )
