"""Per-document facts: the rules run in order over one document's mentions, giving its
repaired mentions, officials' positions, short-form notes, home city and province, media."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace

from ..types import LOC, ORG, PERSON, DocAnalysis
from .lexicon import bare_place_name, city_provinces, full_place_name, places, provinces
from .subtypes import loc_subtype, org_subtype
from .divisions import ancestors, locate
from .spans import DocMention, _sentence_at, _unique_spans, is_kind_only, repair_mentions
from .aliases import _is_subsequence, body_key
from .places import bracketed_zone_mentions, place_chain_mentions, region_mentions, zone_mentions
from .names import (
    DISTRICT_BODY,
    body_name_mentions, consistent_mentions, local_body_mentions, named_body_mentions, party_group_mentions,
    not_people_mentions, registered_name_mentions, source_line_mentions,
)
from .lexicon import _bare_title, _title_regexes
from .officials import GOVERNMENT_HEAD_TITLES, PARTY_TERRITORY_TITLES, RawPosition, _org_before, title_chains


PAREN_SHORT_FORM = re.compile(r"[（(]([^）)，,、。；\n简称]{2,10})[）)]")

ABBREVIATION_NOTE = re.compile(r"[（(][ \t]*(?:以下)?简称[ \t]*[“\"「]?([^）)”\"」，,、\n]{2,12})[”\"」]?[ \t]*[）)]")
DATELINE = re.compile(r"(?:本报|新华社|中新社|记者|电讯)?\s*([\u4e00-\u9fff]{2,4}?)\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*(?:电|讯)")


@dataclass
class DocFacts:
    doc_id: str
    mentions: list[DocMention]
    paragraphs: list[int]  # paragraph index of each sentence
    positions: list[RawPosition]
    abbreviations: list[tuple[str, str]]  # (short, full) from 简称 notes
    home_city: str | None
    media: str | None
    home_province: str | None = None
    home_district: str | None = None  # the district or county the document is about, in full (深圳市光明区)
    sentence_texts: dict[int, str] = field(default_factory=dict)  # sentences worth quoting
    written_ascii: str = ""  # the document's punctuation written in ASCII (CleanDocument.written_ascii)


def _home_city(text: str, mentions: list[DocMention]) -> str | None:
    head = text[:200]
    for match in DATELINE.finditer(head):
        name = match.group(1)
        for cut in range(len(name) - 1):
            candidate = name[cut:]
            full = full_place_name(candidate)
            if full != candidate or candidate in places() or candidate in provinces():
                return full
    cities = Counter(
        full_place_name(m.text) for m in mentions if m.label == LOC and loc_subtype(full_place_name(m.text)) == "city"
    )
    for m in mentions:  # names of local bodies and zones start with their city: 沈阳市工商业联合会
        for cut in (3, 2):
            head = m.text[:cut]
            if (m.label == ORG or loc_subtype(m.text) == "zone") and len(m.text) > cut + 1 \
                    and loc_subtype(full_place_name(head)) == "city":
                cities[full_place_name(head)] += 0.5
                break
    if cities:
        return cities.most_common(1)[0][0]
    return None


def _home_district(mentions: list[DocMention]) -> str | None:
    """The district or county the document names most, as a place or at the head of a body's
    name (光明区委统战部), written with its city where that is the document's home city
    (深圳市光明区) where the division tables know it: where its bare bodies (区科技创新局)
    belong. None when no district is named at least twice or two are named equally often."""
    counts: Counter = Counter()
    for m in mentions:
        if m.label == LOC and loc_subtype(m.text) == "district":
            counts[m.text] += 1
        elif m.label == ORG:
            for cut in (3, 4):  # 光明区|委统战部, 萧山区|供销社
                head = m.text[:cut]
                if len(m.text) > cut and head.endswith(("区", "县")) and loc_subtype(head) == "district":
                    counts[head] += 1
                    break
    ranked = counts.most_common(2)
    if not ranked or ranked[0][1] < 2 or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return None
    district = ranked[0][0]
    located = locate(district)
    if located is None:
        return district
    # its city from the division tables (北京市朝阳区: a municipality is its own city)
    city = next((a.name for a in ancestors(located) if a.level == "city" and a.name.endswith("市")), None) \
        or next((a.name for a in ancestors(located) if a.level == "province" and a.name.endswith("市")), None)
    return (city + district) if city else district


def _home_province(mentions: list[DocMention], home_city: str | None = None) -> str | None:
    """The province the document is about: the one it names most, or its home city's."""
    counts = Counter(provinces()[m.text][0] for m in mentions
                     if m.label == LOC and m.text in provinces() and provinces()[m.text][1] == "province")
    if not counts:
        for m in mentions:  # 辽宁省科技厅 names its province too
            for short, (full, subtype) in provinces().items():
                if subtype == "province" and m.text.startswith(short) and m.label == ORG:
                    counts[full] += 1
    if not counts and home_city:
        return city_provinces().get(bare_place_name(home_city))
    return counts.most_common(1)[0][0] if counts else None


def short_form_notes(analysis: DocAnalysis, mentions: list[DocMention]) -> tuple[list[DocMention], list[tuple[str, str]]]:
    """Short forms the text itself gives: （简称辽河轴承） or a short form in brackets right
    after the full name. Returns the mentions with the short forms added, and the
    (short, full) pairs."""
    mentions = list(mentions)
    known = {(m.start, m.end) for m in mentions}
    abbreviations = []
    for match in ABBREVIATION_NOTE.finditer(analysis.text):
        short = match.group(1).strip()
        full = next((m for m in mentions if m.end <= match.start() and match.start() - m.end <= 1), None)
        if full is None:
            # the model missed the full name: read it back from the note like a title's organisation
            sentence = _sentence_at(analysis, match.start())
            if sentence is not None:
                lo = analysis.sentences[sentence].start
                name, _, start, _ = _org_before(analysis.text, lo, match.start(), {})
                if name:
                    full = DocMention(start, match.start(), name, ORG, sentence)
                    mentions.append(full)
        if full is not None and full.label != PERSON:
            abbreviations.append((short, full.text))
            s = match.start(1)
            if (s, s + len(short)) not in known:
                sentence = _sentence_at(analysis, s)
                if sentence is not None:
                    mentions.append(DocMention(s, s + len(short), short, full.label, sentence))
    for match in PAREN_SHORT_FORM.finditer(analysis.text):
        # 沈阳高新技术产业开发区（沈阳高新区）: a short form in brackets right after the full name
        short = match.group(1).strip()
        full = next((m for m in mentions if m.end == match.start() and m.label != PERSON), None)
        if full is None or len(short) >= len(full.text) or (short, full.text) in abbreviations:
            continue
        if not (short[0] == full.text[0] and _is_subsequence(short, full.text)) and body_key(full.text) != short:
            continue
        abbreviations.append((short, full.text))
        s = match.start(1) + match.group(1).index(short)
        if (s, s + len(short)) not in known:
            sentence = _sentence_at(analysis, s)
            if sentence is not None:
                mentions.append(DocMention(s, s + len(short), short, full.label, sentence))
    mentions.sort(key=lambda d: (d.start, d.end))
    return mentions, abbreviations


BARE_TERRITORY_BODIES = ("市委", "省委", "区委", "县委", "市政府", "省政府", "区政府", "县政府")


def _title_organ(text: str, m: DocMention) -> bool:
    """A bare 市委 or 省政府 right before a territorial title (省委常委, 市委书记) is part of the
    title: the post is the territory's, and the string alone names no one body."""
    if m.label != ORG or m.text not in BARE_TERRITORY_BODIES:
        return False
    title = _title_regexes()[1].match(text[m.end : m.end + 12])
    bare = _bare_title(title.group()) if title else ""
    return bare in PARTY_TERRITORY_TITLES + GOVERNMENT_HEAD_TITLES


def document_facts(analysis: DocAnalysis, source: str = "") -> DocFacts:
    mentions = repair_mentions(analysis)
    for rule in (registered_name_mentions, source_line_mentions, place_chain_mentions, body_name_mentions,
                 named_body_mentions, zone_mentions, bracketed_zone_mentions, region_mentions):
        mentions = rule(analysis, mentions)
    # short forms the text gives are names before one name gets one reading (辽河|轴承 later
    # is the company, not the river); body names run again: 浦东|新区 may be joined before 政府
    mentions, abbreviations = short_form_notes(analysis, mentions)
    for rule in (consistent_mentions, body_name_mentions, party_group_mentions, not_people_mentions):
        mentions = rule(analysis, mentions)
    mentions = sorted(mentions + local_body_mentions(analysis, mentions), key=lambda d: (d.start, d.end))
    positions, title_orgs = title_chains(analysis, mentions)
    # organisations read from titles that the model did not tag become mentions too
    known = {(m.start, m.end) for m in mentions}
    mentions.extend(m for m in title_orgs if (m.start, m.end) not in known)
    mentions.sort(key=lambda d: (d.start, d.end))
    # a kind and legal form alone (技术有限公司), whichever rule read it, is no organisation
    mentions = [m for m in _unique_spans(mentions) if not _title_organ(analysis.text, m)
                and not (m.label == ORG and is_kind_only(m.text))]
    positions = [replace(p, organisation=None, org_label="") if p.organisation and is_kind_only(p.organisation)
                 else p for p in positions]
    media_counts = Counter(m.text for m in mentions if m.label == ORG and org_subtype(m.text) == "media")
    media = source or (media_counts.most_common(1)[0][0] if media_counts else None)
    per_sentence = Counter(m.sentence for m in mentions)
    quoted = {i: analysis.sentence_text(i) for i, n in per_sentence.items() if n >= 2}
    for p in positions:
        quoted.setdefault(p.sentence, analysis.sentence_text(p.sentence))
    home_city = _home_city(analysis.text, mentions)
    home_district = _home_district(mentions)
    if home_district is None:
        # 县政府, 区科技创新局 in an article that names no district: whose they are is not said
        mentions = [m for m in mentions if not (m.label == ORG and DISTRICT_BODY.match(m.text))]
    if home_city is None and home_district and home_district.endswith(("区", "县")):
        # an article about 光明区 that never names its city (市委常委王强) is in the district's city
        city = home_district[: home_district.find("市") + 1] if "市" in home_district[:-1] else ""
        home_city = city if len(city) >= 3 and loc_subtype(city) == "city" else None
    return DocFacts(
        doc_id=analysis.doc_id,
        mentions=mentions,
        paragraphs=[s.paragraph for s in analysis.sentences],
        positions=positions,
        abbreviations=abbreviations,
        home_city=home_city,
        home_province=_home_province(mentions, home_city),
        home_district=home_district,
        media=media,
        sentence_texts=quoted,
        written_ascii=getattr(analysis, "written_ascii", ""),  # analyses cached before the field have none
    )
