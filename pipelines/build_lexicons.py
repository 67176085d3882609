"""Derive kg's general word lists from the People's Daily 1998 training corpus.

  kg/data/lexicon/surnames.txt  surnames (first `nr` word of a two-word name), by frequency
  kg/data/lexicon/places.tsv    place names (`ns` words) with a suffix-derived subtype

Only the training corpus is read: no list entry comes from a text kg is evaluated on.

With --features PATH it writes instead the lexicon of the NER model's lexicon features
(kg.components.LexiconFeatures): `name<TAB>kinds` from the lexicons in shared/data/lexicons
(HanLP organisations, persons and places, the NBS divisions with their short forms, A-share
short names) and kg's own title and country lists. It goes into the model, not into git.
"""
from __future__ import annotations

import argparse
import gzip
import re
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


DIVISION_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "自治县",
                     "省", "市", "县", "区", "盟", "旗", "地区")
PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


def division_short_form(name: str) -> str | None:
    """沈阳市 -> 沈阳, 浑南区 -> 浑南, 广西壮族自治区 -> 广西; None when the stem would be one
    character (城区, 和县) or the name has no such suffix."""
    for suffix in DIVISION_SUFFIXES:
        if name.endswith(suffix):
            stem = name[: -len(suffix)]
            return stem if len(stem) >= 2 else None
    return None


def stock_text_name(name: str) -> str:
    """The name as written in text: no risk-warning prefix, no share-class suffix."""
    name = re.sub(r"^\*?ST", "", name.strip())
    return re.sub(r"(?<=[\u4e00-\u9fff])[AB]$", "", name)


def listed_short_names(data: Path) -> list[str]:
    """The A-share companies' short names as text writes them, normalised, sorted."""
    import csv

    with (data / "lexicons" / "a_share_stocks.csv").open(encoding="utf-8-sig") as handle:
        # C, N or S before a name (C大明, S佳通) is the exchange's mark (new listing, share reform), not the name
        names = {re.sub(r"^[CNS](?=[\u4e00-\u9fff])", "", normalize_chars(stock_text_name(row["name"])))
                 for row in csv.DictReader(handle)}
    return sorted(n for n in names if len(n) >= 2 and not n.isascii())


def feature_lexicon(data: Path) -> dict[str, set[str]]:
    import csv

    lex: dict[str, set[str]] = {}

    def add(name: str, kind: str) -> None:
        name = normalize_chars(name.strip())
        if 2 <= len(name) <= 16 and not name.isdigit():
            lex.setdefault(name, set()).add(kind)

    hanlp = data / "lexicons" / "hanlp"
    for line in (hanlp / "机构名词典.txt").read_text(encoding="utf-8").splitlines():
        if line.strip():
            add(line.split(" ")[0], "org")
    for line in (hanlp / "人名词典.txt").read_text(encoding="utf-8").splitlines():
        if line.strip():
            name = line.split(" ")[0]
            add(name, "per2" if len(name) == 2 else "per")
    for line in (hanlp / "全国地名大全.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not re.search(r"[<>/0-9A-Za-z]", line):
            add(line, "loc")
    divisions = data / "lexicons" / "divisions"
    for fname, kind in (("provinces.csv", "adm"), ("cities.csv", "adm"), ("areas.csv", "adm"), ("streets.csv", "loc")):
        with (divisions / fname).open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                name = row["name"]
                if name in PLACEHOLDERS:
                    continue
                add(name, kind)
                if kind == "adm" and (short := division_short_form(name)):
                    add(short, kind)
    with (data / "lexicons" / "a_share_stocks.csv").open(encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            add(stock_text_name(row["name"]), "stock")
    own = ROOT / "kg" / "data" / "lexicon"
    for line in (own / "titles.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            add(line.split("\t")[0], "title")
    for line in (own / "countries.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            add(line.split("\t")[0], "country")
    for line in (own / "provinces.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            for name in line.split("\t")[:2]:
                add(name, "adm")
    return lex


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, default=ROOT / "kg" / "data" / "lexicon")
    parser.add_argument("--features", type=Path, help="write the NER feature lexicon to this file instead")
    parser.add_argument("--divisions", type=Path, nargs="?", const=ROOT / "kg" / "data" / "lexicon" / "divisions.tsv.gz",
                        help="write the division table kg ships (default kg/data/lexicon/divisions.tsv.gz) instead")
    parser.add_argument("--stocks", type=Path, nargs="?", const=ROOT / "kg" / "data" / "lexicon" / "stocks.txt",
                        help="write the listed companies' short names kg ships (default kg/data/lexicon/stocks.txt) instead")
    args = parser.parse_args(argv)
    if args.stocks:
        names = listed_short_names(args.data)
        args.stocks.write_text("# Short names of A-share listed companies as news writes them (no ST prefix, no share\n"
                               "# class), from ../shared/data/lexicons/a_share_stocks.csv (pipelines/build_lexicons.py\n"
                               "# --stocks): a name the model reads as an organisation and that is one of these is a company.\n"
                               + "".join(f"{name}\n" for name in names), encoding="utf-8")
        print(f"{len(names)} listed companies' short names -> {args.stocks}")
        return 0
    if args.divisions:
        from kg.entities.divisions import read_division_csvs

        rows = read_division_csvs(args.data / "lexicons" / "divisions")
        if rows is None:
            parser.error(f"{args.data / 'lexicons' / 'divisions'}: the division CSV files are missing")
        # mtime=0: the same tables give the same bytes (the rules fingerprint reads them)
        with open(args.divisions, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as handle:
            for code in rows:  # the tables' own order: candidates keep it
                handle.write(("\t".join(rows[code]) + "\n").encode("utf-8"))
        print(f"{len(rows)} divisions -> {args.divisions}")
        return 0
    if args.features:
        lex = feature_lexicon(args.data)
        args.features.parent.mkdir(parents=True, exist_ok=True)
        with args.features.open("w", encoding="utf-8") as handle:
            for name in sorted(lex):
                handle.write(f"{name}\t{','.join(sorted(lex[name]))}\n")
        print(f"{len(lex)} feature lexicon entries")
        return 0
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
