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
    return {"overall": overall.as_dict(), "per_label": {k: per_label[k].as_dict() for k in sorted(per_label)}}


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


# ---- graph vs gold set ----------------------------------------------------------------------


def load_graph_nodes(out_dir: str | Path) -> list[dict]:
    data = json.loads((Path(out_dir) / "graph.json").read_text(encoding="utf-8"))
    return [dict(n) for n in data["nodes"]]


def load_relations(out_dir: str | Path) -> list[dict]:
    import csv

    with (Path(out_dir) / "relations.csv").open(encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def _unquote(value: str) -> str:
    return value[1:] if value.startswith("'") and value[1:2] in ("=", "+", "-", "@") else value


def score_graph(gold_path: str | Path, out_dir: str | Path) -> dict:
    """Entity P/R, subtype accuracy, alias-merge P/R and relation P/R of a built graph
    against a document-level gold set (see tests/gold/sample_gold.json for the format)."""
    gold = json.loads(Path(gold_path).read_text(encoding="utf-8"))
    nodes = load_graph_nodes(out_dir)
    node_forms = []
    for n in nodes:
        forms = {n["name"], *[a for a in str(n.get("aliases", "")).split("|") if a]}
        node_forms.append((n, forms))
    form_to_nodes: dict[str, set[int]] = defaultdict(set)
    for i, (_, forms) in enumerate(node_forms):
        for f in forms:
            form_to_nodes[f].add(i)

    gold_entities: dict[tuple[str, str], dict] = {}
    for doc in gold["documents"].values():
        for e in doc["entities"]:
            key = (e["name"], e["type"])
            entry = gold_entities.setdefault(key, {"name": e["name"], "type": e["type"], "subtype": e.get("subtype"),
                                                   "mentions": set()})
            entry["mentions"].update(e.get("mentions", []))
            entry["mentions"].add(e["name"])

    found, subtype_ok, subtype_total = 0, 0, 0
    matched_nodes: set[int] = set()
    missing = []
    wrong_subtypes = []
    for entry in gold_entities.values():
        candidates = set()
        for form in entry["mentions"]:
            candidates |= form_to_nodes.get(form, set())
        if candidates:
            found += 1
            matched_nodes |= candidates
            best = max(candidates, key=lambda i: (node_forms[i][0]["name"] == entry["name"], node_forms[i][0].get("mentions", 0)))
            node = node_forms[best][0]
            subtype_total += 1
            if node.get("subtype") == entry["subtype"] and node.get("type") == entry["type"]:
                subtype_ok += 1
            else:
                wrong_subtypes.append(f"{entry['name']}: gold {entry['type']}/{entry['subtype']}, got {node.get('type')}/{node.get('subtype')}")
        else:
            missing.append(entry["name"])
    all_gold_forms = {f for e in gold_entities.values() for f in e["mentions"]}
    spurious = [n["name"] for i, (n, forms) in enumerate(node_forms) if not (forms & all_gold_forms)]
    entity_p = (len(nodes) - len(spurious)) / len(nodes) if nodes else 0.0
    entity_r = found / len(gold_entities) if gold_entities else 0.0

    # merges: pairs of distinct gold surface forms that belong together
    gold_pairs = set()
    for e in gold_entities.values():
        for a, b in combinations(sorted(e["mentions"]), 2):
            gold_pairs.add((a, b))
    pred_pairs = set()
    for _, forms in node_forms:
        relevant = sorted(forms & all_gold_forms)
        for a, b in combinations(relevant, 2):
            pred_pairs.add((a, b))
    merge_p = len(gold_pairs & pred_pairs) / len(pred_pairs) if pred_pairs else 1.0
    merge_r = len(gold_pairs & pred_pairs) / len(gold_pairs) if gold_pairs else 1.0

    # relations: (head, tail) with a compatible title; head and tail matched to nodes as
    # entities are: a node whose name or aliases match the gold name or one of its mentions
    gold_forms: dict[str, set[str]] = defaultdict(set)
    for entry in gold_entities.values():
        gold_forms[entry["name"]] |= entry["mentions"]

    def canon(name: str) -> set[str]:
        forms = gold_forms.get(name, set()) | {name}
        return {node_forms[i][0]["name"] for f in forms for i in form_to_nodes.get(f, set())} or {name}

    predicted_relations = {(r["head"], r["tail"], _unquote(r["title"])) for r in load_relations(out_dir)}
    gold_relations = set()
    for doc in gold["documents"].values():
        for r in doc.get("relations", []):
            gold_relations.add((r["head"], r["tail"], r.get("title", "")))

    def rel_match(g, p) -> bool:
        return (p[0] in canon(g[0]) or p[0] == g[0]) and (p[1] in canon(g[1]) or p[1] == g[1]) and (
            not g[2] or not p[2] or g[2] in p[2] or p[2] in g[2])

    rel_tp_gold = sum(1 for g in gold_relations if any(rel_match(g, p) for p in predicted_relations))
    rel_tp_pred = sum(1 for p in predicted_relations if any(rel_match(g, p) for g in gold_relations))
    return {
        "entities": {"p": round(entity_p, 4), "r": round(entity_r, 4), "gold": len(gold_entities), "nodes": len(nodes),
                     "missing": sorted(missing), "spurious": sorted(spurious)},
        "subtype_accuracy": round(subtype_ok / subtype_total, 4) if subtype_total else 0.0,
        "subtype_errors": wrong_subtypes,
        "merge": {"p": round(merge_p, 4), "r": round(merge_r, 4), "gold_pairs": len(gold_pairs), "predicted_pairs": len(pred_pairs),
                  "missed_pairs": sorted(gold_pairs - pred_pairs), "wrong_pairs": sorted(pred_pairs - gold_pairs)},
        "relations": {"p": round(rel_tp_pred / len(predicted_relations), 4) if predicted_relations else 0.0,
                      "r": round(rel_tp_gold / len(gold_relations), 4) if gold_relations else 0.0,
                      "gold": len(gold_relations), "predicted": len(predicted_relations),
                      "missed": sorted(map(list, (g for g in gold_relations if not any(rel_match(g, p) for p in predicted_relations)))),
                      "wrong": sorted(map(list, (p for p in predicted_relations if not any(rel_match(g, p) for g in gold_relations))))},
    }
