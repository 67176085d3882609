"""Package trained models into the kg package (kg/models/), with their measured scores.

  kg/models/zh_kg_news  character-level NER pipeline (char_bigrams, tok2vec, ner)
  kg/models/zh_kg_seg   tokenizer-only pipeline whose segmenter is our spacy-pkuseg model

Scores are measured here, on data never trained on: the 1990s sets (People's Daily NER
example.dev, the held-back 10% of MSRA train), the modern sets (CLUENER2020 dev and the held-back
5% of CLUENER train, Resume dev, Weibo dev names, announcements dev, executive-biography dev;
the dev sets also served checkpoint selection, the held-back ones did not) and (segmentation)
the held-back 10% of 199801 articles. They are written to kg_scores.json beside each
pipeline; `kg info` shows them.
"""
from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from pathlib import Path

import spacy

from kg import components  # noqa: F401
from kg.evaluate import evaluate_ner, evaluate_segmentation

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "kg" / "models"
DATA = ROOT.parent / "shared" / "data"
CORPUS = ROOT / "pipelines" / "corpus"
VERSION = "0.5.0"
# name -> (path, format) of the sets scored into kg_scores.json
NER_SETS = {
    "people_daily_ner_dev": (DATA / "people_daily_ner" / "example.dev", "bio"),
    "msra_heldback": (CORPUS / "msra_heldback.spacy", "spacy"),
    "cluener_dev": (DATA / "cluener2020" / "dev.json", "cluener"),
    "cluener_heldback": (CORPUS / "cluener_heldback.spacy", "spacy"),
    "resume_dev": (DATA / "resume_ner" / "dev.char.bmes", "resume"),
    "weibo_dev": (DATA / "weibo_ner" / "weiboNER_2nd_conll.dev", "weibo"),
    "announcements_dev": (DATA / "announcements_ner" / "example.dev", "announcements"),
    "exec_bio_dev": (DATA / "exec_bio_ner" / "example.dev", "exec_bio"),
}

NER_HEADS = {"ner": "transition-based NER", "kg_tag_ner": "BILUO tagger with Viterbi decoding"}


def package_ner(source: Path, version: str, outside_penalty: float | None = None) -> dict:
    nlp = spacy.load(source)
    if nlp.get_pipe_meta("ner").factory == "kg_tag_ner":
        # the tagger's decoder setting: the best F on the mixed dev set unless given
        if outside_penalty is None:
            from pipelines.decoder import best, sweep

            outside_penalty = best(sweep(nlp))
        print(f"outside_penalty = {outside_penalty}")
        nlp = spacy.load(source, config={"components": {"ner": {"outside_penalty": float(outside_penalty)}}})
    nlp.meta.update({
        "name": "kg_news",
        "version": version,
        "description": "kg's Chinese news NER: character tokens + char-bigram and lexicon features, CNN tok2vec, "
                       f"{NER_HEADS.get(nlp.get_pipe_meta('ner').factory, 'NER')} (PERSON, ORG, LOC); trained on "
                       "People's Daily 1998, MSRA and the modern sets (CLUENER2020, Resume, Weibo, listed-company "
                       "announcements, executive biographies).",
        "author": "kg",
        "license": "MIT (model weights); training data terms: see shared/data/README.md",
    })
    nlp.meta.pop("performance", None)
    # The char-bigram NORM strings seen in training are not needed to run the model (it
    # hashes them afresh); dropping them keeps the package small.
    kept = [text for text in nlp.vocab.strings if len(text) != 2 or text.isascii()]
    nlp.vocab.strings._reset_and_load(kept)
    target = MODELS / "zh_kg_news"
    with tempfile.TemporaryDirectory(dir=MODELS) as tmp:
        nlp.to_disk(tmp)
        scores = {name: evaluate_ner(nlp, path, fmt) for name, (path, fmt) in NER_SETS.items() if Path(path).exists()}
        (Path(tmp) / "kg_scores.json").write_text(json.dumps(scores, ensure_ascii=False, indent=2), encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        shutil.move(tmp, target)
        Path(tmp).mkdir()  # so TemporaryDirectory can clean up
    return scores


def package_segmenter(pkuseg_dir: Path, version: str) -> dict:
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "pkuseg"}}})
    with tempfile.TemporaryDirectory() as empty:
        user_dict = Path(empty) / "user_dict.txt"
        user_dict.write_text("", encoding="utf-8")
        nlp.tokenizer.initialize(pkuseg_model=str(pkuseg_dir), pkuseg_user_dict=str(user_dict))
    nlp.meta.update({"name": "kg_seg", "version": version,
                     "description": "spacy-pkuseg word segmenter trained on People's Daily 1998 (90% of articles)."})
    target = MODELS / "zh_kg_seg"
    if target.exists():
        shutil.rmtree(target)
    nlp.to_disk(target)
    from kg.segment import load_segmenter

    scores = {"seg_199801_heldback": evaluate_segmentation(load_segmenter(str(target)), CORPUS / "seg_test.txt")}
    (target / "kg_scores.json").write_text(json.dumps(scores, ensure_ascii=False, indent=2), encoding="utf-8")
    return scores


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ner", type=Path, help="trained NER pipeline (model-best)")
    parser.add_argument("--pkuseg", type=Path, help="trained pkuseg model folder")
    parser.add_argument("--version", default=VERSION)
    parser.add_argument("--outside-penalty", type=float, default=None,
                        help="kg_tag_ner only: the decoder's O penalty (default: the best F on the mixed dev set, "
                             "pipelines/decoder.py)")
    args = parser.parse_args(argv)
    MODELS.mkdir(parents=True, exist_ok=True)
    if args.ner:
        print(json.dumps(package_ner(args.ner, args.version, args.outside_penalty), ensure_ascii=False, indent=1))
    if args.pkuseg:
        print(json.dumps(package_segmenter(args.pkuseg, args.version), ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
