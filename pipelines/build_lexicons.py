"""Derive kg's general word lists from the People's Daily 1998 training corpus.

  kg/data/lexicon/surnames.txt  surnames (first `nr` word of a two-word name), by frequency
  kg/data/lexicon/places.tsv    place names (`ns` words) with a suffix-derived subtype

Only the training corpus is read: no list entry comes from a text kg is evaluated on.
"""
from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from kg.clean import normalize_chars
from kg.corpora import read_people_daily_1998

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"

PLACE_SUFFIX_SUBTYPE = [
    ("特别行政区", "province"), ("自治区", "province"), ("省", "province"),
    ("自治州", "city"), ("地区", "city"), ("市", "city"), ("盟", "city"),
    ("自治县", "district"), ("县", "district"), ("区", "district"), ("旗", "district"),
    ("镇", "town"), ("乡", "town"), ("街道", "town"), ("村", "village"),
]


def place_subtype(name: str) -> str | None:
    for suffix, subtype in PLACE_SUFFIX_SUBTYPE:
        if name.endswith(suffix) and len(name) > len(suffix) + 1 - (suffix in ("省", "市", "县")):
            return subtype
    return None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, default=ROOT / "kg" / "data" / "lexicon")
    args = parser.parse_args(argv)
    surnames: Counter = Counter()
    places: Counter = Counter()
    for para in read_people_daily_1998(args.data / "people_daily_1998" / "199801.txt"):
        words = para.words
        # tags are not kept on the paragraph; re-derive from spans: PERSON spans made of 2 words
        starts = {}
        pos = 0
        for w in words:
            starts[pos] = w
            pos += len(w)
        for start, end, label in para.spans:
            text = normalize_chars(para.text[start:end])
            if label == "PERSON":
                first = starts.get(start)
                if first and len(first) <= 2 and end - start > len(first) and 2 <= end - start <= 4:
                    surnames[first] += 1
            elif label == "LOC" and starts.get(start) == para.text[start:end]:
                if place_subtype(text):
                    places[text] += 1
    args.out.mkdir(parents=True, exist_ok=True)
    with (args.out / "surnames.txt").open("w", encoding="utf-8") as handle:
        for name, count in surnames.most_common():
            if count >= 3:
                handle.write(f"{name}\t{count}\n")
    with (args.out / "places.tsv").open("w", encoding="utf-8") as handle:
        for name, count in sorted(places.items()):
            if count >= 2:
                handle.write(f"{name}\t{place_subtype(name)}\t{count}\n")
    print(f"{sum(1 for c in surnames.values() if c >= 3)} surnames, {sum(1 for c in places.values() if c >= 2)} places")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
