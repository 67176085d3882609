"""Train the spacy-pkuseg word segmenter on People's Daily 1998 (pipelines/corpus/seg_*.txt).

Features seen no more than --trim times are dropped (pkuseg's featureTrim), which keeps the
model small enough to ship inside the package.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import spacy_pkuseg
from spacy_pkuseg.config import config as pkuseg_config

HERE = Path(__file__).resolve().parent


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--train", type=Path, default=HERE / "corpus" / "seg_train.txt")
    parser.add_argument("--test", type=Path, default=HERE / "corpus" / "seg_test.txt")
    parser.add_argument("--out", type=Path, default=HERE / "training" / "pkuseg")
    parser.add_argument("--iterations", type=int, default=8)
    parser.add_argument("--trim", type=int, default=2)
    args = parser.parse_args(argv)
    pkuseg_config.featureTrim = args.trim
    spacy_pkuseg.train(str(args.train), str(args.test), str(args.out), train_iter=args.iterations)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
