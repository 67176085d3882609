"""How far the training recipe is from the NER targets: several trained `kg_tag_ner`
pipelines decoded as one.

Each pipeline's tag scores are turned into log-probabilities (a log-softmax over its logits),
averaged over the pipelines, and decoded once with the shipped Viterbi search
(`kg.tag_ner.viterbi`). An ensemble of runs of one recipe shows what that recipe could reach
with several times the compute per character: if even the ensemble misses a target, no
choice of seed or checkpoint will meet it.

    python -m pipelines.ensemble kg/models/zh_kg_news /path/to/run-a /path/to/run-b \
        --sets pd_dev,cluener_dev --out ensemble.json

Sets are `bench/peers.py`'s (the mixed dev set as `mixed_dev`); the scores are
`kg.evaluate.score_spans` (strict spans, PERSON / ORG / LOC).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy

REPO = Path(__file__).resolve().parents[1]


def log_softmax(scores: numpy.ndarray) -> numpy.ndarray:
    scores = numpy.asarray(scores, dtype="float64")
    top = scores.max(axis=1, keepdims=True)
    shifted = scores - top
    return shifted - numpy.log(numpy.exp(shifted).sum(axis=1, keepdims=True))


def tag_log_probs(nlp, texts: list[str], batch_size: int = 256) -> list[numpy.ndarray]:
    """Each text's (characters x tags) log-probabilities from the pipeline's `ner`."""
    ner = nlp.get_pipe("ner")
    with nlp.select_pipes(disable=["ner"]):
        docs = list(nlp.pipe(texts, batch_size=batch_size))
    out: list[numpy.ndarray] = []
    for i in range(0, len(docs), batch_size):
        out.extend(log_softmax(s) for s in ner.predict(docs[i:i + batch_size]))
    return out


def ensemble_spans(nlps: list, texts: list[str]) -> list[set[tuple[int, int, str]]]:
    """Character spans (start, end, PERSON/ORG/LOC) of the texts, decoded from the mean of
    the pipelines' tag log-probabilities. The texts are used as given (normalise them first,
    as kg does)."""
    from kg.nlp import LABEL_MAP
    from kg.tag_ner import tags_to_spans, viterbi

    if not nlps:
        raise ValueError("ensemble_spans needs at least one pipeline")
    labels = None
    total: list[numpy.ndarray] | None = None
    for nlp in nlps:
        these = tuple(nlp.get_pipe("ner").labels)
        if labels is not None and these != labels:
            raise ValueError(f"the pipelines' NER labels differ: {labels} and {these}")
        labels = these
        scores = tag_log_probs(nlp, texts)
        total = scores if total is None else [a + b for a, b in zip(total, scores)]
    tags = viterbi([(s / len(nlps)).astype("float32") for s in total], len(labels))
    out = []
    for text, text_tags in zip(texts, tags):
        doc = nlps[0].make_doc(text)  # the tokens the scores belong to
        spans = set()
        for span in tags_to_spans(doc, text_tags, labels):
            label = LABEL_MAP.get(span.label_.upper())
            if label:
                spans.add((span.start_char, span.end_char, label))
        out.append(spans)
    return out


def load(path: str):
    import spacy

    from kg import components  # noqa: F401  (registers kg's factories)

    return spacy.load(path)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("models", nargs="+", help="pipeline folders (kg_tag_ner pipelines with the same labels)")
    parser.add_argument("--sets", default="", help="comma-separated bench/peers.py set names, or mixed_dev (default: all)")
    parser.add_argument("--out", type=Path, help="write the scores as JSON here")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(REPO / "bench"))
    from peers import CORPUS, SETS

    from kg.clean import normalize_chars
    from kg.corpora import READERS
    from kg.evaluate import score_spans

    sets = {"mixed_dev": (CORPUS / "dev.spacy", "spacy", ("PERSON", "ORG", "LOC")), **SETS}
    names = [s for s in args.sets.split(",") if s] or list(sets)
    unknown = [s for s in names if s not in sets]
    if unknown:
        parser.error(f"unknown sets {unknown}; known: {', '.join(sets)}")
    nlps = [load(m) for m in args.models]
    results = {}
    for name in names:
        path, fmt, _ = sets[name]
        records = list(READERS[fmt](path))
        predicted = ensemble_spans(nlps, [normalize_chars(r.text) for r in records])
        scores = score_spans([set(r.spans) for r in records], predicted)
        per = scores["per_label"]
        results[name] = {"f": scores["overall"]["f"], "per_org_f": scores["per_org"]["f"],
                         "org_r": per.get("ORG", {}).get("r"), "org_f": per.get("ORG", {}).get("f"),
                         "person_r": per.get("PERSON", {}).get("r"), "person_f": per.get("PERSON", {}).get("f")}
        print(name, json.dumps(results[name]), flush=True)
    if args.out:
        args.out.write_text(json.dumps({"models": args.models, "sets": results}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
