"""Readers for the annotated corpora formats kg trains and evaluates on.

Every reader yields `AnnotatedText(text, spans)` with character spans labelled PERSON, ORG or
LOC (other labels are dropped), and raises `CorpusFormatError` naming the file and line of a
malformed record.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

LABEL_MAP = {
    "PER": "PERSON", "PERSON": "PERSON", "NAME": "PERSON", "NR": "PERSON", "name": "PERSON",
    "LOC": "LOC", "GPE": "LOC", "FAC": "LOC", "NS": "LOC",
    "ORG": "ORG", "NT": "ORG", "company": "ORG", "government": "ORG", "organization": "ORG",
}


class CorpusFormatError(ValueError):
    """A corpus file has a record kg cannot read; the message names file and line."""

    def __init__(self, path: str | Path, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")
        self.path = str(path)
        self.line = line


@dataclass
class AnnotatedText:
    text: str
    spans: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, label)
    partial: bool = False  # True when unlabelled text may still hold entities
    # character ranges whose labels are unknown (taught as "missing", neither entity nor outside)
    missing: list[tuple[int, int]] = field(default_factory=list)
    # character ranges known to hold no entity (labelled spans of other types: titles, dates)
    outside: list[tuple[int, int]] = field(default_factory=list)


MISSING, OUTSIDE = "missing", "outside"

# What each corpus's labels mean for kg's three types. A label maps to PERSON/ORG/LOC, to
# MISSING (the span may hold a name kg wants but not as labelled: CLUENER's postal addresses,
# Resume's nationality phrases) or to OUTSIDE (certainly not a name: titles, dates, education).
# Labels not listed fall back to LABEL_MAP, else OUTSIDE.
SCHEMES: dict[str, dict[str, str]] = {
    "bio": {},
    # Weibo: named mentions only; nominal ones (男友, 网友) are not names
    "weibo": {"PER.NAM": "PERSON", "ORG.NAM": "ORG", "LOC.NAM": "LOC", "GPE.NAM": "LOC",
              "PER.NOM": OUTSIDE, "ORG.NOM": OUTSIDE, "LOC.NOM": OUTSIDE, "GPE.NOM": OUTSIDE},
    # Resume: CONT is a nationality phrase (中国国籍): its country is a place, not labelled as one
    "resume": {"NAME": "PERSON", "ORG": "ORG", "LOC": "LOC", "CONT": MISSING,
               "TITLE": OUTSIDE, "EDU": OUTSIDE, "PRO": OUTSIDE, "RACE": OUTSIDE},
    # listed-company announcements: full and short company names; places are never labelled
    "announcements": {"org": "ORG", "abr_org": "ORG", "person": "PERSON", "date": OUTSIDE},
    # executive biographies: JOB spans are titles (and education), never names
    "exec_bio": {"ORG": "ORG", "PER": "PERSON", "JOB": OUTSIDE},
}
# corpora whose unlabelled text may hold names of these types (see convert.lexicon_missing)
UNLABELLED_TYPES = {"announcements": ("LOC",), "exec_bio": ("PERSON",)}


def map_label(label: str, scheme: str = "bio") -> str | None:
    """kg's type for a corpus label, MISSING/OUTSIDE, or None (ignored) under `scheme`."""
    table = SCHEMES.get(scheme, {})
    if label in table:
        return table[label]
    if scheme == "weibo":
        return None
    base = label.split(".")[0]
    return LABEL_MAP.get(base, LABEL_MAP.get(base.upper()))


def _tags_to_spans(tags: list[str], path, first_line: int) -> list[tuple[int, int, str]]:
    """BIO, BIOES/BMES and IOB tags to spans; an I/M/E without its start opens a span."""
    spans = []
    start, label = None, None
    for i, tag in enumerate(tags):
        if tag == "O":
            if start is not None:
                spans.append((start, i, label))
            start, label = None, None
            continue
        if "-" not in tag:
            raise CorpusFormatError(path, first_line + i, f"bad tag {tag!r}")
        prefix, lab = tag.split("-", 1)
        if prefix not in {"B", "I", "M", "E", "S"}:
            raise CorpusFormatError(path, first_line + i, f"bad tag prefix in {tag!r}")
        if prefix in {"B", "S"} or start is None or lab != label:
            if start is not None:
                spans.append((start, i, label))
            start, label = i, lab
        if prefix in {"E", "S"}:
            spans.append((start, i + 1, label))
            start, label = None, None
    if start is not None:
        spans.append((start, len(tags), label))
    return spans


_WEIBO_TOKEN = re.compile(r"(.+?)[0-9]+")


def read_bio(path: str | Path, scheme: str = "bio") -> Iterator[AnnotatedText]:
    """`char<space or tab>tag` per line, a blank line between sentences (BIO or BMES).

    Weibo's `char+digit` tokens are accepted (the word-position digit is dropped); a line
    that starts with a space is the space character (announcements' foreign names); a block
    separator may be a line holding only a space (executive biographies) when no tag follows.
    """
    path = Path(path)
    chars: list[str] = []
    tags: list[str] = []
    first_line = 1
    with path.open(encoding="utf-8") as handle:
        for lineno, raw in enumerate(handle, 1):
            line = raw.rstrip("\n").rstrip("\r")
            if not line.strip():
                if chars:
                    yield _bio_record(chars, tags, path, first_line, scheme)
                chars, tags = [], []
                first_line = lineno + 1
                continue
            parts = line.split("\t") if "\t" in line else line.split(" ")
            parts = [p for p in parts if p != ""]
            if len(parts) != 2:
                if len(parts) == 1 and line.startswith((" ", "\t")):
                    parts = [" ", parts[0]]  # a space character as token
                else:
                    raise CorpusFormatError(path, lineno, f"expected 'char tag', got {line!r}")
            token, tag = parts
            weibo = _WEIBO_TOKEN.fullmatch(token) if len(token) >= 2 else None
            if weibo:
                token = weibo.group(1)  # Weibo: character + word-position number (科0, p10)
                if len(token) > 1 and set(token) == {"\ufffd"}:
                    token = "\ufffd"  # one damaged character decoded as several U+FFFD
            if len(token) != 1:
                raise CorpusFormatError(path, lineno, f"expected one character, got {token!r}")
            if tag != "O" and "-" not in tag:
                raise CorpusFormatError(path, lineno, f"bad tag {tag!r}")
            chars.append(token)
            tags.append(tag)
    if chars:
        yield _bio_record(chars, tags, path, first_line, scheme)


def _bio_record(chars, tags, path, first_line, scheme: str = "bio") -> AnnotatedText:
    record = AnnotatedText("".join(chars), partial=scheme in UNLABELLED_TYPES)
    for start, end, label in _tags_to_spans(tags, path, first_line):
        mapped = map_label(label, scheme)
        if mapped == MISSING:
            record.missing.append((start, end))
        elif mapped == OUTSIDE or (mapped is None and scheme != "bio"):
            record.outside.append((start, end))
        elif mapped:
            record.spans.append((start, end, mapped))
    return record


CLUENER_TRAIN_LABELS = {"address": MISSING, "scene": MISSING}
CLUENER_EVAL_LABELS = {"address": "LOC", "scene": "LOC"}


def read_cluener(path: str | Path, places: str = "missing") -> Iterator[AnnotatedText]:
    """CLUENER2020 JSON lines. Labels mapped: name -> PERSON; company, government,
    organization -> ORG; book, game, movie and position spans are outside. `address` and
    `scene` spans are postal addresses and sites, not clean place names: with
    `places="missing"` (training) their labels are unknown; with `places="LOC"` (evaluation,
    as in the peers' table) they are LOC. CLUENER labels no clean place names, so records
    are marked partial (unlabelled place names must not be taught as outside)."""
    path = Path(path)
    table = CLUENER_TRAIN_LABELS if places == "missing" else CLUENER_EVAL_LABELS
    with path.open(encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                text = record["text"]
                labels = record.get("label", {}) or {}
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise CorpusFormatError(path, lineno, f"not a CLUENER record: {exc}") from None
            out = AnnotatedText(text, partial=True)
            for label, surfaces in labels.items():
                mapped = table.get(label) or map_label(label) or OUTSIDE
                for surface, positions in surfaces.items():
                    for start, end_incl in positions:
                        if text[start : end_incl + 1] != surface:
                            raise CorpusFormatError(path, lineno, f"span {start}-{end_incl} is not {surface!r}")
                        if mapped == MISSING:
                            out.missing.append((start, end_incl + 1))
                        elif mapped == OUTSIDE:
                            out.outside.append((start, end_incl + 1))
                        else:
                            out.spans.append((start, end_incl + 1, mapped))
            out.spans.sort()
            yield out


GOVERNMENT_HEADS = ("政府", "当局")
CHINESE_NUMERALS = set("一二三四五六七八九十百千万零两")
# Abbreviations (/j) of organisations that the NER corpora tag ORG.
ORG_ABBREVIATIONS = frozenset("十五大 十四大 政协 人大 欧盟 北约 东盟 中共 安理会 妇联 纪委 独联体 特委会 体委 足协 侨联 科协 工商联 文联".split())
MEDIA_ENDINGS = ("日报", "晚报", "早报", "时报", "周报", "报", "杂志", "通讯社", "电台", "电视台")

_PD_TOKEN = re.compile(r"^(\[?)(.+?)/([A-Za-z]+)(\](?:[A-Za-z]+))?$")


@dataclass
class PeopleDailyParagraph:
    doc_id: str
    words: list[str]
    text: str
    spans: list[tuple[int, int, str]]
    # unbracketed stretches that look like a named organisation (see unbracketed_organisations)
    missing: list[tuple[int, int]] = field(default_factory=list)


# Head nouns of organisation names: 199801 leaves some named organisations unbracketed
# (北京/ns 紫禁城/ns 影业/n 公司/n), which the NER corpora tag as one ORG.
ORG_HEAD_ENDINGS = ("公司", "集团", "厂", "局", "银行", "学校", "学院", "大学", "研究所", "研究院",
                    "委员会", "协会", "学会", "医院", "中心", "剧团", "乐团", "艺术团", "代表团",
                    "球队", "俱乐部", "事务所", "基金会", "供销社", "合作社", "电视台", "电台")
def _is_org_head(word: str) -> bool:
    if word.endswith("局") and (word.endswith("当局") or (len(word) == 2 and word not in ("分局", "总局"))):
        return False  # 当局, 僵局, 政局: not bureaux
    return word.endswith(ORG_HEAD_ENDINGS)


_NAME_TAGS = ("ns", "nz", "nt", "j")
_INSIDE_TAGS = ("n", "nz", "ns", "vn", "j", "b", "nr", "nx")


def unbracketed_organisations(words: list[str], tags: list[str], covered: list[bool],
                              max_inside: int = 3) -> list[tuple[int, int]]:
    """Word ranges `[i, j)` that start with an uncovered name word (ns/nz/nt/j), go on with one
    to `max_inside` name-like words and end on an uncovered noun ending in an organisation head
    (公司, 厂, 研究所 ...), with no compound, verb, number or punctuation between. Their labels
    are unknown. A place directly before the head (美国/ns 公司/n, "American companies") is
    left alone: the NER corpora tag that place LOC."""
    out = []
    i = 0
    while i < len(words):
        found = None
        if not covered[i] and tags[i] in _NAME_TAGS:
            for j in range(i + 1, min(len(words), i + 2 + max_inside)):
                if covered[j] or tags[j] not in _INSIDE_TAGS:
                    break
                if j > i + 1 and tags[j] == "n" and _is_org_head(words[j]):
                    found = j + 1
                    break
        if found:
            out.append((i, found))
            i = found
        else:
            i += 1
    return out


def parse_people_daily_line(line: str, path, lineno: int) -> PeopleDailyParagraph | None:
    """One line of the PKU People's Daily 1998 corpus: `ID/m  word/POS ...` with compounds
    `[w/p w/p]nt`. Consecutive `nr` words (surname + given name) join into one PERSON (a run of
    four or six is two or three people whose separating spaces the corpus dropped);
    `ns` and `[..]ns` are LOC; `nt` and `[..]nt` are ORG, except `[中国/ns 政府/n]nt`, which the
    NER corpora (People's Daily NER, MSRA) tag as the place alone; newspapers tagged `nz`
    (人民日报) are ORG; one-character abbreviations `j` (中, 美, 京) are LOC and a few
    organisation abbreviations (政协, 欧盟) ORG, as in those corpora. Compounds are opened
    into words. Unbracketed stretches that look like organisation names are returned in
    `missing` (their labels are unknown)."""
    items = line.split()
    if not items:
        return None
    head = items[0]
    if not head.endswith("/m"):
        raise CorpusFormatError(path, lineno, f"line does not start with an 'ID/m' item: {head!r}")
    words: list[str] = []
    tags: list[str] = []
    compounds: list[tuple[int, int, str]] = []  # word index range
    open_at = None
    for item in items[1:]:
        m = _PD_TOKEN.match(item)
        if not m:
            raise CorpusFormatError(path, lineno, f"malformed item {item!r}")
        opener, word, pos, closer = m.groups()
        if opener:
            open_at = len(words)
        words.append(word)
        tags.append(pos.lower())
        if closer:
            if open_at is None:
                raise CorpusFormatError(path, lineno, f"']' without '[' at {item!r}")
            compounds.append((open_at, len(words), closer[1:].lower()))
            open_at = None
    offsets = []
    pos = 0
    for word in words:
        offsets.append(pos)
        pos += len(word)
    offsets.append(pos)
    spans: list[tuple[int, int, str]] = []
    covered = [False] * len(words)
    for start_w, end_w, ctag in compounds:
        label = {"nt": "ORG", "ns": "LOC"}.get(ctag)
        if label == "ORG" and words[end_w - 1] in GOVERNMENT_HEADS:
            continue  # 中国政府: the NER corpora tag the place (中国, LOC) and leave 政府 out
        if label:
            spans.append((offsets[start_w], offsets[end_w], label))
            for k in range(start_w, end_w):
                covered[k] = True
    i = 0
    while i < len(words):
        if covered[i]:
            i += 1
            continue
        tag = tags[i]
        if tag == "nr":
            j = i
            while j + 1 < len(words) and tags[j + 1] == "nr" and not covered[j + 1]:
                j += 1
            run = j + 1 - i
            if run >= 4 and run % 2 == 0:
                # 王/nr 锦鹄/nr 毛/nr 磊/nr: a byline whose spaces the corpus dropped, two people
                spans.extend((offsets[k], offsets[k + 2], "PERSON") for k in range(i, j + 1, 2))
            else:
                spans.append((offsets[i], offsets[j + 1], "PERSON"))
            i = j + 1
            continue
        if tag in ("ns", "nt"):
            spans.append((offsets[i], offsets[i + 1], "LOC" if tag == "ns" else "ORG"))
        elif tag == "nz" and words[i].endswith(MEDIA_ENDINGS):
            spans.append((offsets[i], offsets[i + 1], "ORG"))  # 人民日报/nz: a newspaper is an organisation
        elif tag == "j" and len(words[i]) == 1 and words[i] not in CHINESE_NUMERALS:
            spans.append((offsets[i], offsets[i + 1], "LOC"))  # 中/j 美/j: places abbreviated, LOC in the NER corpora
        elif tag == "j" and words[i] in ORG_ABBREVIATIONS:
            spans.append((offsets[i], offsets[i + 1], "ORG"))
        i += 1
    missing = [(offsets[a], offsets[b]) for a, b in unbracketed_organisations(words, tags, covered)]
    return PeopleDailyParagraph(head[:-2], words, "".join(words), sorted(spans), missing)


def read_people_daily_1998(path: str | Path) -> Iterator[PeopleDailyParagraph]:
    path = Path(path)
    with path.open(encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, 1):
            para = parse_people_daily_line(line, path, lineno)
            if para is not None and para.words:
                yield para


def read_segmented(path: str | Path) -> Iterator[list[str]]:
    """Gold segmentation: one sentence per line, words separated by spaces."""
    path = Path(path)
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            words = line.split()
            if words:
                yield words


def read_spacy(path: str | Path) -> Iterator[AnnotatedText]:
    from spacy.tokens import DocBin
    import spacy

    vocab = spacy.blank("zh").vocab
    for doc in DocBin().from_disk(path).get_docs(vocab):
        spans = []
        for ent in doc.ents:
            mapped = map_label(ent.label_)
            if mapped:
                spans.append((ent.start_char, ent.end_char, mapped))
        yield AnnotatedText(doc.text, spans)


def _reader(scheme: str):
    def read(path):
        return read_bio(path, scheme)
    return read


READERS = {"bio": read_bio, "cluener": lambda path: read_cluener(path, places="LOC"), "spacy": read_spacy,
           **{scheme: _reader(scheme) for scheme in SCHEMES if scheme != "bio"}}


def guess_format(path: str | Path) -> str:
    name = str(path)
    if name.endswith(".spacy"):
        return "spacy"
    if name.endswith(".json") or name.endswith(".jsonl"):
        return "cluener"
    for marker, fmt in (("weibo", "weibo"), (".bmes", "resume"), ("announcements", "announcements"),
                        ("exec_bio", "exec_bio")):
        if marker in name:
            return fmt
    return "bio"
