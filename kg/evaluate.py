"""Evaluation: strict entity-level P/R/F (NER), segmentation P/R/F, and the document-level
gold-set score of a built graph (`kg score`)."""
from __future__ import annotations

import json
import time
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Iterable

from .clean import normalize_chars
from .corpora import READERS, AnnotatedText, read_segmented


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        return {"p": round(self.precision, 4), "r": round(self.recall, 4), "f": round(self.f1, 4),
                "tp": self.tp, "fp": self.fp, "fn": self.fn}


def score_spans(gold: Iterable[set], predicted: Iterable[set]) -> dict:
    """Strict match of (start, end, label) spans, overall and per label."""
    overall = PRF()
    per_label: dict[str, PRF] = defaultdict(PRF)
    for g, p in zip(gold, predicted):
        for span in p & g:
            overall.tp += 1
            per_label[span[2]].tp += 1
        for span in p - g:
            overall.fp += 1
            per_label[span[2]].fp += 1
        for span in g - p:
            overall.fn += 1
            per_label[span[2]].fn += 1
    combined = PRF(*(sum(getattr(per_label[k], f) for k in ("PERSON", "ORG") if k in per_label) for f in ("tp", "fp", "fn")))
    # PER+ORG: the figure for sets that label no places (announcements, biographies) and the
    # one that matters on CLUENER, whose LOC spans are postal addresses
    return {"overall": overall.as_dict(), "per_label": {k: per_label[k].as_dict() for k in sorted(per_label)},
            "per_org": combined.as_dict()}


def predict_spans(nlp, texts: list[str], batch_size: int = 256) -> list[set]:
    from .nlp import LABEL_MAP

    out = []
    for doc in nlp.pipe([normalize_chars(t) for t in texts], batch_size=batch_size):
        spans = set()
        for ent in doc.ents:
            label = LABEL_MAP.get(ent.label_.upper())
            if label:
                spans.add((ent.start_char, ent.end_char, label))
        out.append(spans)
    return out


def evaluate_ner(nlp, path: str | Path, fmt: str) -> dict:
    records: list[AnnotatedText] = list(READERS[fmt](path))
    texts = [r.text for r in records]
    started = time.perf_counter()
    predicted = predict_spans(nlp, texts)
    seconds = time.perf_counter() - started
    gold = [set(r.spans) for r in records]
    result = score_spans(gold, predicted)
    chars = sum(len(t) for t in texts)
    result.update({"data": str(path), "format": fmt, "sentences": len(records), "characters": chars,
                   "chars_per_second": round(chars / seconds) if seconds else None})
    return result


def _word_spans(words: list[str]) -> set[tuple[int, int]]:
    spans, pos = set(), 0
    for w in words:
        spans.add((pos, pos + len(w)))
        pos += len(w)
    return spans


def evaluate_segmentation(segment, path: str | Path) -> dict:
    """`segment(text) -> list[str]`, scored against space-separated gold words."""
    result = PRF()
    lines = 0
    chars = 0
    started = time.perf_counter()
    for words in read_segmented(path):
        text = "".join(words)
        predicted = [w for w in segment(text) if w.strip()]
        gold_spans = _word_spans(words)
        pred_spans = _word_spans(predicted)
        result.tp += len(gold_spans & pred_spans)
        result.fp += len(pred_spans - gold_spans)
        result.fn += len(gold_spans - pred_spans)
        lines += 1
        chars += len(text)
    seconds = time.perf_counter() - started
    out = {"overall": result.as_dict(), "data": str(path), "format": "seg", "sentences": lines, "characters": chars,
           "chars_per_second": round(chars / seconds) if seconds else None}
    return out


# ---- graph vs gold set: kg/scoring.py (both gold layouts) ------------------------------------

from .scoring import ScoreError, score_graph  # noqa: E402,F401  (kept importable from here)
