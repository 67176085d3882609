"""The tagging NER's decoder setting, chosen on the mixed dev set.

kg_tag_ner (kg/tag_ner.py) subtracts `outside_penalty` from every O score before its Viterbi
search: above 0 the search prefers entities, trading precision for recall. This sweeps the
penalty over a grid on `pipelines/corpus/dev.spacy` (the mixed dev set that also selects
checkpoints, never a held-back or test set), predicting once and decoding once per value,
and prints P/R/F per value; `pipelines/package.py` ships the value with the best F.

    python -m pipelines.decoder MODEL_DIR [--dev pipelines/corpus/dev.spacy]
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy
import spacy
from spacy.scorer import get_ner_prf
from spacy.tokens import DocBin
from spacy.training import Example

from kg import components  # noqa: F401
from kg.tag_ner import tags_to_spans, viterbi, with_outside_penalty

DEV = Path(__file__).resolve().parent / "corpus" / "dev.spacy"
GRID = (0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0)


def sweep(nlp, dev: Path = DEV, grid=GRID, batch_size: int = 256) -> list[dict]:
    """P, R, F (and per-label recall) of the tagging NER at each outside penalty."""
    ner = nlp.get_pipe("ner")
    refs = list(DocBin().from_disk(dev).get_docs(nlp.vocab))
    docs = list(nlp.pipe((r.text for r in refs), disable=["ner"], batch_size=batch_size))
    scores: list[numpy.ndarray] = []
    for i in range(0, len(docs), batch_size):
        scores += ner.predict(docs[i:i + batch_size])
    rows = []
    for penalty in grid:
        examples = []
        for doc, tags, ref in zip(docs, viterbi(with_outside_penalty(scores, penalty), len(ner.labels)), refs):
            pred = doc.copy()
            pred.set_ents(tags_to_spans(pred, tags, ner.labels), default="outside")
            examples.append(Example(pred, ref))
        prf = get_ner_prf(examples)
        rows.append({"outside_penalty": penalty, "p": prf["ents_p"], "r": prf["ents_r"], "f": prf["ents_f"],
                     "r_per_label": {k: v["r"] for k, v in (prf["ents_per_type"] or {}).items()}})
    return rows


def best(rows: list[dict]) -> float:
    """The penalty of the best F (the smaller penalty on a tie)."""
    return max(rows, key=lambda row: (round(row["f"], 6), -row["outside_penalty"]))["outside_penalty"]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", type=Path)
    parser.add_argument("--dev", type=Path, default=DEV)
    args = parser.parse_args(argv)
    nlp = spacy.load(args.model)
    if nlp.get_pipe_meta("ner").factory != "kg_tag_ner":
        parser.error(f"{args.model}: its ner is not kg_tag_ner; only the tagger has this setting")
    rows = sweep(nlp, args.dev)
    print("| outside penalty | P | R | F | R per label |")
    print("|---:|---:|---:|---:|---|")
    for row in rows:
        per = ", ".join(f"{k} {v:.3f}" for k, v in sorted(row["r_per_label"].items()))
        print(f"| {row['outside_penalty']:.2f} | {row['p']:.4f} | {row['r']:.4f} | {row['f']:.4f} | {per} |")
    print(f"best F at outside_penalty = {best(rows)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
