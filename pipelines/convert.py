"""Convert the corpora in ../shared/data to spaCy DocBin files and pkuseg training text.

Outputs (in --out, default pipelines/corpus):
  train.spacy            1990s text: People's Daily 1998 (90% of articles) + MSRA train (85% of
                         sentences, --msra-copies times); modern text: CLUENER2020 train (95%),
                         Resume, Weibo, listed-company announcements and executive biographies
                         (each --modern-copies times), one copy of the modern sentences with their
                         names swapped for other names of the same type, and synthetic lists of
                         names (see below)
  dev.spacy              the mixed checkpoint-selection set: People's Daily NER example.dev, 5% of
                         MSRA train, CLUENER dev, Resume dev, Weibo dev (names), announcements dev,
                         executive biographies dev
  msra_heldback.spacy    another 10% of MSRA train (never trained on, never used for selection)
  cluener_heldback.spacy 5% of CLUENER train (never trained on, never used for selection)
  seg_train.txt          199801 words, 90% of articles, one sentence a line (pkuseg training)
  seg_test.txt           199801 words, the held-back 10% of articles

Conventions (how each corpus's labels become PERSON / ORG / LOC; see kg.corpora.SCHEMES):
- CLUENER: name -> PERSON; company, government, organization -> ORG; address and scene are postal
  addresses and sites, not the place names a graph wants: their labels are unknown ("missing"),
  never LOC; book, game, movie and position spans are outside. CLUENER labels no clean place
  names, so unlabelled place names (lexicon matches) are missing too; the rest is outside.
- Resume: NAME, ORG, LOC; CONT (中国国籍) missing; TITLE, EDU, PRO, RACE outside.
- Weibo: the NAM tags (PER, ORG, LOC + GPE -> LOC); nominal mentions (NOM) are outside.
- Announcements: org and abr_org (short names) -> ORG, person -> PERSON, dates outside; places
  are never labelled there, so place-lexicon matches in unlabelled text are missing.
- Executive biographies (the revised `example.*`): ORG (top-level bodies; departments are O),
  PER, JOB outside; PER is labelled only for the subject, so other person-lexicon names and
  places in unlabelled text are missing.
- People's Daily 1998 and MSRA as before (kg.corpora.parse_people_daily_line).
- Name lists: lines of 3-12 names from the person lexicon run together without separators, or
  with 、 or spaces (as lists of attendees and bylines print them), taught as one PERSON each.
- Name swaps: each modern training sentence once more with every PERSON and ORG replaced by
  another training mention of the same type (or a listed company's short name), so the model
  learns names from their context, not by heart. With --lexicon-swaps the persons and
  organisations of the lexicons join those pools.
- Boundary lines (--boundary-lines N): short synthetic news phrases built from the lexicons
  (boundary_lines) where names meet titles and bodies: a company before a title and a name,
  a name before a title or 都, a province or city before a zone's name (one LOC), a body
  named by its place (市委, 省政府: missing, as the corpora disagree on it).

Every text is passed through kg.clean.normalize_chars, the same normalisation kg applies
before the model at run time. Tokens are single characters (the shipped NER is
character-level).
"""
from __future__ import annotations

import argparse
import hashlib
import random
import sys
from pathlib import Path

import spacy
from spacy.tokens import DocBin

from kg.clean import normalize_chars, split_sentences
from kg.corpora import UNLABELLED_TYPES, AnnotatedText, read_bio, read_cluener, read_people_daily_1998

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
FEATURE_LEXICON = Path(__file__).resolve().parent / "corpus" / "feature_lexicon.tsv"

# lexicon kinds (kg.components.LEXICON_KINDS) that stand for each type when a corpus leaves
# that type unlabelled
TYPE_KINDS = {"LOC": ("loc", "adm", "country"), "PERSON": ("per",), "ORG": ("org", "stock")}


def held_back(key: str, percent: int = 10) -> bool:
    """Deterministic split: True for about `percent`% of keys."""
    return int(hashlib.md5(key.encode()).hexdigest(), 16) % 100 < percent


def sentences_of(record: AnnotatedText) -> list[AnnotatedText]:
    """Split an annotated paragraph into annotated sentences; spans across a split are dropped."""
    out = []
    for start, end in split_sentences(record.text):
        def inside(ranges):
            return [(s - start, e - start) for s, e in ranges if s >= start and e <= end]

        spans = [(s - start, e - start, lab) for s, e, lab in record.spans if s >= start and e <= end]
        out.append(AnnotatedText(record.text[start:end], spans, record.partial, inside(record.missing),
                                 inside(record.outside)))
    return out


class LexiconMatcher:
    """Finds lexicon names of given types in text (for the missing labels of corpora that leave
    a type unlabelled)."""

    def __init__(self, path: Path = FEATURE_LEXICON):
        from kg.components import LEXICON_KINDS, read_feature_lexicon

        bits = {kind: 1 << k for k, kind in enumerate(LEXICON_KINDS)}
        self.masks = {t: sum(bits[k] for k in kinds) for t, kinds in TYPE_KINDS.items()}
        self.lexicon = read_feature_lexicon(path) if path.exists() else {}
        self.lengths = sorted({len(k) for k in self.lexicon}, reverse=True)

    def matches(self, text: str, types) -> list[tuple[int, int]]:
        mask = sum(self.masks[t] for t in types)
        out = []
        for i in range(len(text)):
            for length in self.lengths:
                kinds = self.lexicon.get(text[i:i + length]) if i + length <= len(text) else None
                if kinds and kinds & mask:
                    out.append((i, i + length))
                    break
        return out


def lexicon_missing(record: AnnotatedText, types, matcher: LexiconMatcher) -> AnnotatedText:
    """Lexicon names of `types` in characters the record leaves unlabelled become missing."""
    labelled = [False] * len(record.text)
    for s, e, *_ in [*record.spans, *record.missing, *record.outside]:
        for k in range(s, e):
            labelled[k] = True
    extra = [(s, e) for s, e in matcher.matches(record.text, types) if not any(labelled[s:e])]
    return AnnotatedText(record.text, record.spans, record.partial, record.missing + extra, record.outside)


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
    # per character: entity beats missing beats outside (the corpora's ranges may overlap)
    state = ["outside"] * len(doc)
    for s, e in record.outside:
        state[s:e] = ["outside"] * (min(e, len(doc)) - s)
    for m in missing:
        state[m.start:m.end] = ["missing"] * (m.end - m.start)
    for e in ents:
        state[e.start:e.end] = ["entity"] * (e.end - e.start)
    runs, start = [], 0
    for i in range(1, len(doc) + 1):
        if i == len(doc) or state[i] != state[start]:
            runs.append((start, i, state[start]))
            start = i
    doc.set_ents(ents, missing=[doc[a:b] for a, b, st in runs if st == "missing"], default="outside")
    return doc


def people_daily(path: Path):
    """Yields (article_id, paragraph) for 199801.txt."""
    for para in read_people_daily_1998(path):
        article = "-".join(para.doc_id.split("-")[:3])
        yield article, para


def modern_records(data: Path, split: str, matcher: LexiconMatcher):
    """(corpus, record) for the modern sets' `split` ("train" or "dev"), sentence-sized, with the
    lexicon-derived missing labels of the corpora that leave a type unlabelled."""
    sources = [
        ("weibo", data / "weibo_ner" / f"weiboNER_2nd_conll.{split}", "weibo"),
        ("resume", data / "resume_ner" / f"{split}.char.bmes", "resume"),
        ("announcements", data / "announcements_ner" / f"example.{split}", "announcements"),
        ("exec_bio", data / "exec_bio_ner" / f"example.{split}", "exec_bio"),
    ]
    if split == "train":  # their test splits are in shared/ and are training material too
        sources += [("announcements", data / "announcements_ner" / "example.test", "announcements"),
                    ("exec_bio", data / "exec_bio_ner" / "example.test", "exec_bio")]
    unlabelled = {**UNLABELLED_TYPES, "exec_bio": ("PERSON", "LOC"), "cluener": ("LOC",)}
    seen = set()
    for corpus, path, scheme in sources:
        for record in read_bio(path, scheme):
            for sent in sentences_of(record) if len(record.text) > 200 else [record]:
                if sent.text in seen:
                    continue  # the sets repeat blocks (announcements: 80 in train)
                seen.add(sent.text)
                if corpus in unlabelled:
                    sent = lexicon_missing(sent, unlabelled[corpus], matcher)
                yield corpus, sent
    for i, record in enumerate(read_cluener(data / "cluener2020" / f"{split}.json", places="missing")):
        corpus = "cluener_heldback" if split == "train" and held_back(f"cluener{i}", 5) else "cluener"
        yield corpus, lexicon_missing(record, unlabelled["cluener"], matcher)


def swap_names(record: AnnotatedText, pools: dict[str, list[str]], rng: random.Random) -> AnnotatedText | None:
    """The record with each PERSON/ORG span replaced by a random name of the same type; the
    missing/outside ranges move with the text. None when it has no such span."""
    if not any(label in pools for _, _, label in record.spans):
        return None
    pieces, spans, missing, outside = [], [], [], []
    shift = {}  # old offset -> new offset at span boundaries
    pos = new_pos = 0
    for s, e, label in sorted(record.spans):
        if s < pos:
            continue
        pieces.append(record.text[pos:s])
        new_pos += s - pos
        shift[s] = new_pos
        name = rng.choice(pools[label]) if label in pools else record.text[s:e]
        pieces.append(name)
        spans.append((new_pos, new_pos + len(name), label))
        new_pos += len(name)
        shift[e] = new_pos
        pos = e
    pieces.append(record.text[pos:])
    text = "".join(pieces)

    def move(x: int) -> int:
        # offsets between spans move by the shift of the last boundary at or before them
        best = max((k for k in shift if k <= x), default=None)
        return x if best is None else shift[best] + (x - best)

    for s, e in record.missing:
        if not any(s < se and ss < e for ss, se, _ in record.spans):
            missing.append((move(s), move(e)))
    for s, e in record.outside:
        if not any(s < se and ss < e for ss, se, _ in record.spans):
            outside.append((move(s), move(e)))
    return AnnotatedText(text, spans, record.partial, missing, outside)


def name_lists(person_names: list[str], n: int, rng: random.Random) -> list[AnnotatedText]:
    """Synthetic lists of attendees: names run together, or separated by 、 or spaces."""
    out = []
    intros = ["", "", "出席会议的有：", "主席团成员：", "参加活动的还有", "获奖者", "（按姓氏笔画为序）", "名单如下："]
    for _ in range(n):
        sep = rng.choice(["", "", "、", " ", "，"])
        names = rng.sample(person_names, rng.randint(3, 12))
        text = rng.choice(intros)
        spans = []
        for k, name in enumerate(names):
            if k:
                text += sep
            spans.append((len(text), len(text) + len(name), "PERSON"))
            text += name
        if rng.random() < 0.5:
            text += rng.choice(["等。", "。", "等同志出席。"])
        out.append(AnnotatedText(text, spans))
    return out


# Boundary lines: synthetic news phrases where the model most often cuts or runs over a name's
# edge in modern text: a company or body right before a title and a name (甲科技董事长乙),
# a name right before a title or a function character (乙书记、乙都), and zones named with their
# province or city in front (湖南湘江新区). The parts come from the lexicons (persons, listed
# companies, organisations, zone names in the place list, divisions); only the frame words are
# ours. A body named by its place (省委, 市政府) is left missing: the corpora disagree on it.
BOUNDARY_LEADS = ["", "", "", "近日，", "日前，", "昨天，", "今天上午，", "记者了解到，", "据悉，", "会上，", "当天，"]
BOUNDARY_TAILS = ["表示", "介绍说", "一行到访", "出席并致辞", "在会上讲话", "接受采访时说", "主持会议", "等参加活动",
                  "指出", "调研时强调", "会见了客人", "说", "作报告", "参加签约仪式", "都参加了会议", "也来到现场"]
BOUNDARY_TITLES_AFTER = ["书记", "董事长", "主任", "院长", "总经理", "市长", "区长", "县长", "教授", "同志", "先生",
                         "女士", "等", "都", "一行", "代表", "介绍"]
BOUNDARY_BODIES = ["省委", "市委", "区委", "县委", "省政府", "市政府", "区政府", "县政府", "市人大常委会", "市政协",
                   "省委组织部", "市委宣传部", "党工委", "管委会", "市发改委", "科协党组"]
ZONE_WORDS = ("新区", "高新区", "开发区", "产业园", "科技园", "工业园", "创意园", "园区", "示范区", "试验区", "片区",
              "合作区", "保税区", "软件园")
ZONE_LEADS = ["在", "落户", "走进", "位于", "考察", "来到", "", "", "入驻"]
ZONE_TAILS = ["的企业", "建设", "。", "发展迅速", "签约", "正式揭牌", "企业代表", "项目集中开工"]


def titles_list() -> list[str]:
    from kg.entities.lexicon import titles

    return [t for t in titles() if all("\u4e00" <= c <= "\u9fff" for c in t)]


def zone_names(data: Path) -> list[str]:
    names = []
    for line in (data / "lexicons" / "hanlp" / "全国地名大全.txt").read_text(encoding="utf-8").splitlines():
        name = normalize_chars(line.split(" ")[0].strip())
        if 4 <= len(name) <= 12 and name.endswith(ZONE_WORDS) and all("\u4e00" <= c <= "\u9fff" for c in name):
            names.append(name)
    return names


def division_names(data: Path) -> list[str]:
    """Provinces and cities, full and short (辽宁省, 辽宁, 沈阳市, 沈阳)."""
    from kg.entities.divisions import read_division_csvs
    from pipelines.build_lexicons import PLACEHOLDERS, division_short_form

    out = []
    for _, name, level, _ in (read_division_csvs(data / "lexicons" / "divisions") or {}).values():
        if level in ("province", "city") and name not in PLACEHOLDERS:
            out += [name] + ([division_short_form(name)] if division_short_form(name) else [])
    return out


def org_lexicon(data: Path) -> list[str]:
    names = []
    for line in (data / "lexicons" / "hanlp" / "机构名词典.txt").read_text(encoding="utf-8").splitlines():
        name = normalize_chars(line.split(" ")[0])
        if 4 <= len(name) <= 14 and all("\u4e00" <= c <= "\u9fff" for c in name):
            names.append(name)
    return names


def boundary_lines(persons: list[str], orgs: list[str], places: list[str], zones: list[str], titles: list[str],
                   n: int, rng: random.Random) -> list[AnnotatedText]:
    out = []
    for _ in range(n):
        text, spans, missing = rng.choice(BOUNDARY_LEADS), [], []

        def add(piece: str, label: str | None = None) -> None:
            nonlocal text
            if label == "missing":
                missing.append((len(text), len(text) + len(piece)))
            elif label:
                spans.append((len(text), len(text) + len(piece), label))
            text += piece

        kind = rng.random()
        if kind < 0.35:  # 甲公司董事长、乙集团党委书记丙表示
            for k in range(rng.choice([1, 1, 1, 2])):
                if k:
                    add("、")
                add(rng.choice(orgs), "ORG")
                add(rng.choice(titles))
            add(rng.choice(persons), "PERSON")
            add(rng.choice(BOUNDARY_TAILS))
        elif kind < 0.55:  # 辽宁省委书记乙
            add(rng.choice(places) + rng.choice(BOUNDARY_BODIES), "missing")
            add(rng.choice(titles))
            add(rng.choice(persons), "PERSON")
            add(rng.choice(BOUNDARY_TAILS))
        elif kind < 0.75:  # 乙书记、丙都; 乙和丙
            add(rng.choice(persons), "PERSON")
            if rng.random() < 0.25:
                add(rng.choice(["和", "与", "、", "及"]))
                add(rng.choice(persons), "PERSON")
            add(rng.choice(BOUNDARY_TITLES_AFTER))
            add(rng.choice(BOUNDARY_TAILS))
        else:  # 在湖南湘江新区的企业; 湘江新区管委会
            add(rng.choice(ZONE_LEADS))
            zone = rng.choice(zones)
            if rng.random() < 0.5 and not any(zone.startswith(p) for p in places):
                zone = rng.choice(places) + zone
            if rng.random() < 0.25:
                add(zone + rng.choice(["管委会", "党工委", "管理委员会"]), "ORG")
            else:
                add(zone, "LOC")
            add(rng.choice(ZONE_TAILS))
        if not text.endswith("。"):
            text += "。"
        out.append(AnnotatedText(text, spans, missing=missing))
    return out


def person_lexicon(data: Path) -> list[str]:
    """Chinese names of 2-3 characters from the person lexicon that start with a known surname
    (the lexicon also holds words tagged nr, such as 薛定谔 and 余情忏)."""
    surnames = {line.split("\t")[0] for line in
                (Path(__file__).resolve().parent.parent / "kg" / "data" / "lexicon" / "surnames.txt")
                .read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")}
    names = []
    for line in (data / "lexicons" / "hanlp" / "人名词典.txt").read_text(encoding="utf-8").splitlines():
        parts = line.split(" ")
        if len(parts) >= 2 and parts[1] == "nr" and 2 <= len(parts[0]) <= 3 and all("\u4e00" <= c <= "\u9fff" for c in parts[0]) \
                and (parts[0][:1] in surnames or parts[0][:2] in surnames):
            names.append(parts[0])
    return names


def stock_names(data: Path) -> list[str]:
    import csv

    from pipelines.build_lexicons import stock_text_name

    with (data / "lexicons" / "a_share_stocks.csv").open(encoding="utf-8-sig") as handle:
        return [stock_text_name(row["name"]) for row in csv.DictReader(handle)]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "corpus")
    parser.add_argument("--msra-copies", type=int, default=3,
                        help="times MSRA train is added (it is the larger corpus of the two conventions' sources; "
                             "weighting it helps the held-back MSRA score)")
    parser.add_argument("--modern-copies", type=int, default=3,
                        help="times each modern training set is added (they are small beside the 1990s corpora)")
    parser.add_argument("--name-lists", type=int, default=3000, help="synthetic name-list lines")
    parser.add_argument("--boundary-lines", type=int, default=0, help="synthetic boundary lines (see boundary_lines)")
    parser.add_argument("--lexicon-swaps", action="store_true",
                        help="name swaps also draw persons from the person lexicon and organisations from the organisation lexicon")
    parser.add_argument("--no-modern", action="store_true", help="the 1990s corpora only (the 0.2.0 recipe)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    nlp = spacy.blank("zh")
    matcher = LexiconMatcher(args.out / "feature_lexicon.tsv")
    if not matcher.lexicon and not args.no_modern:
        print(f"no feature lexicon at {args.out / 'feature_lexicon.tsv'}: run "
              "python -m pipelines.build_lexicons --features first", file=sys.stderr)
        return 1

    train = DocBin(store_user_data=False)
    seg_train, seg_test = [], []
    counts: dict[str, int] = {}
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
            counts["people_daily_1998"] = counts.get("people_daily_1998", 0) + 1

    msra_back = DocBin(store_user_data=False)
    dev = DocBin(store_user_data=False)
    for record in read_bio(args.data / "people_daily_ner" / "example.dev"):
        dev.add(to_doc(nlp, record))
    for i, record in enumerate(read_bio(args.data / "msra_ner" / "msra_train_bio")):
        if i % 10 == 0:
            msra_back.add(to_doc(nlp, record))
        elif i % 20 == 5:
            dev.add(to_doc(nlp, record))  # 5% for checkpoint selection, never trained on
        else:
            doc = to_doc(nlp, record)
            for _ in range(args.msra_copies):
                train.add(doc)
            counts["msra"] = counts.get("msra", 0) + 1

    cluener_back = DocBin(store_user_data=False)
    if not args.no_modern:
        modern = []
        for corpus, record in modern_records(args.data, "train", matcher):
            if corpus == "cluener_heldback":
                cluener_back.add(to_doc(nlp, record))
                continue
            modern.append(record)
            counts[corpus] = counts.get(corpus, 0) + 1
        for record in modern:
            doc = to_doc(nlp, record)
            for _ in range(args.modern_copies):
                train.add(doc)
        pools = {"PERSON": sorted({r.text[s:e] for r in modern for s, e, lab in r.spans if lab == "PERSON"}),
                 "ORG": sorted({r.text[s:e] for r in modern for s, e, lab in r.spans if lab == "ORG"})}
        pools["ORG"] += stock_names(args.data)  # listed companies' short names, as financial news writes them
        persons = person_lexicon(args.data)
        if args.lexicon_swaps:
            pools["PERSON"] += persons
            pools["ORG"] += org_lexicon(args.data)
        for record in modern:
            swapped = swap_names(record, pools, rng)
            if swapped is not None:
                train.add(to_doc(nlp, swapped))
                counts["name_swaps"] = counts.get("name_swaps", 0) + 1
        for record in name_lists(persons, args.name_lists, rng):
            train.add(to_doc(nlp, record))
            counts["name_lists"] = counts.get("name_lists", 0) + 1
        if args.boundary_lines:
            orgs = stock_names(args.data) + org_lexicon(args.data)
            for record in boundary_lines(persons, orgs, division_names(args.data), zone_names(args.data), titles_list(),
                                         args.boundary_lines, rng):
                train.add(to_doc(nlp, record))
                counts["boundary_lines"] = counts.get("boundary_lines", 0) + 1
        for corpus, record in modern_records(args.data, "dev", matcher):
            dev.add(to_doc(nlp, record))
            counts[f"dev_{corpus}"] = counts.get(f"dev_{corpus}", 0) + 1

    train.to_disk(args.out / "train.spacy")
    dev.to_disk(args.out / "dev.spacy")
    msra_back.to_disk(args.out / "msra_heldback.spacy")
    cluener_back.to_disk(args.out / "cluener_heldback.spacy")
    (args.out / "seg_train.txt").write_text("\n".join(seg_train) + "\n", encoding="utf-8")
    (args.out / "seg_test.txt").write_text("\n".join(seg_test) + "\n", encoding="utf-8")
    print(f"train docs: {len(train)}; dev: {len(dev)}; MSRA held back: {len(msra_back)}; "
          f"CLUENER held back: {len(cluener_back)}; seg: {len(seg_train)} / {len(seg_test)} lines", file=sys.stderr)
    print("records: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
