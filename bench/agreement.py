"""kg's inference paths against spaCy's own: the same entities, in less time.

    .venv/bin/python bench/agreement.py                       # shipped model, the mixed dev set
    .venv/bin/python bench/agreement.py --model DIR --limit 500

Issue 17 lets kg compute the NER differently (kg.nlp.speed_up: fused forwards, its own
tokenizer and feature paths, numpy's BLAS where it is faster) but not predict differently
beyond float rounding: entity-level agreement >= 99.9% with the slow path. The slow path is
`spacy.load` of the same folder: spaCy's tokenizer, thinc's forwards, thinc's default ops
(blis). Both read the same texts (`pipelines/corpus/dev.spacy`, the mixed dev set, by
default), one thread each; agreement = |both| / |either| over (text, start, end, label).
"""
import os  # noqa: F401
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _threads  # noqa: E402,F401

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
DEV = REPO / "pipelines" / "corpus" / "dev.spacy"
THRESHOLD = 0.999


def read_texts(path: Path, limit: int = 0) -> list[str]:
    """The texts of a DocBin (.spacy) or of a BIO file."""
    if path.suffix == ".spacy":
        import spacy
        from spacy.tokens import DocBin

        texts = [doc.text for doc in DocBin().from_disk(path).get_docs(spacy.blank("zh").vocab)]
    else:
        from kg.corpora import read_bio

        texts = [record.text for record in read_bio(path)]
    return texts[:limit] if limit else texts


def entities(nlp, texts: list[str]) -> tuple[set, float]:
    started = time.perf_counter()
    found = {(i, e.start_char, e.end_char, e.label_) for i, doc in enumerate(nlp.pipe(texts, batch_size=256))
             for e in doc.ents}
    return found, time.perf_counter() - started


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=None, help="pipeline path (default: kg's shipped model)")
    parser.add_argument("--data", type=Path, default=DEV, help="a .spacy DocBin or a BIO file")
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)
    if not args.data.is_file():
        parser.error(f"{args.data}: not found (make {DEV.relative_to(REPO)} builds the mixed dev set)")

    import spacy

    from kg import components  # noqa: F401  (kg's factories and architectures)
    from kg.clean import normalize_chars
    from kg.nlp import load_pipeline, model_path

    texts = [normalize_chars(t) for t in read_texts(args.data, args.limit)]
    chars = sum(map(len, texts))
    fast = load_pipeline(args.model)
    slow = spacy.load(model_path(args.model))  # no kg.nlp.speed_up: spaCy's and thinc's own paths
    for nlp in (fast, slow):  # warm-up
        list(nlp.pipe(texts[:20]))
    found_fast, seconds_fast = entities(fast, texts)
    found_slow, seconds_slow = entities(slow, texts)
    either = found_fast | found_slow
    agreement = len(found_fast & found_slow) / len(either) if either else 1.0
    figures = {"data": str(args.data), "texts": len(texts), "characters": chars, "model": fast.meta.get("version"),
               "entities_fast": len(found_fast), "entities_slow": len(found_slow), "agreement": round(agreement, 5),
               "seconds_fast": round(seconds_fast, 2), "seconds_slow": round(seconds_slow, 2),
               "only_fast": sorted(found_fast - found_slow)[:20], "only_slow": sorted(found_slow - found_fast)[:20]}
    print(f"{args.data.name}: {len(texts):,} texts, {chars:,} characters; model {fast.meta.get('name')} "
          f"{fast.meta.get('version')}")
    print(f"kg's paths: {len(found_fast):,} entities in {seconds_fast:.1f} s; spaCy's own: {len(found_slow):,} in "
          f"{seconds_slow:.1f} s")
    for name, only in (("only kg's", figures["only_fast"]), ("only spaCy's", figures["only_slow"])):
        for i, start, end, label in only[:5]:
            print(f"  {name}: text {i} [{start}:{end}] {label} {texts[i][start:end]}")
    verdict = "PASS" if agreement >= THRESHOLD else "FAIL"
    print(f"{verdict}: entity-level agreement {agreement:.4f} (needs >= {THRESHOLD})")
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
