"""Places: zones named after their place, regions (东北地区), chains of places split into
their levels (the divisions they are: divisions.py)."""
from __future__ import annotations

import re

from ..types import LOC, ORG, DocAnalysis
from .lexicon import ZONE_SUFFIXES, _known_place, bare_place_name, world_cities
from .divisions import division_subtype, divisions
from .subtypes import loc_subtype
from .spans import DocMention


ZONE_NAME_BREAKS = set("的和与及在是为了将对从向到把被或、，。；：！？“”‘’（）《》 　")

# verbs and counts that end a clause: 萧山两区签订|杭州高新…开发区 is no zone's name
ZONE_CLAUSE = re.compile("签订|签署|签约|举行|召开|成立|揭牌|建设|推进|打造|发展|位于|落户|入驻|参观|考察|调研|[两三四五六七八九十几多]区")
# 新区 ends a zone's name too (湘江|新区, 两江|新区); a division that ends so (浦东新区) keeps
# its division subtype (kg.entities.subtypes.loc_subtype)
ZONE_NAME_ENDS = ZONE_SUFFIXES + ("新区",)
ZONE_NAME_MAX = 12  # 沈阳|高新技术产业开发区: characters after the place


UNIVERSITY_ENDS = ("大学", "学院")
UNIVERSITY_PARKS = ("科技园", "创业园", "产业园")  # (…科技园区校联席会: 区 starts the next word)


def zone_mentions(analysis: DocAnalysis, mentions: list[DocMention]) -> list[DocMention]:
    """A place followed, within a few characters of the same name, by a zone word is that
    zone (沈阳|浑河|智造产业园 -> 沈阳浑河智造产业园): the model often tags only the places
    inside a park's or development zone's name."""
    text = analysis.text
    out: list[DocMention] = []
    ordered = sorted(mentions, key=lambda d: (d.start, d.end))
    i = 0
    while i < len(ordered):
        m = ordered[i]
        zone_end = None
        if m.label == ORG and m.text.endswith(UNIVERSITY_ENDS) and m.text[:-2] not in ("国家", "全国", "各"):
            # a university's science park (岳麓山国家大学|科技园) is a zone; 国家大学科技园 is a kind of zone
            park = next((p for p in UNIVERSITY_PARKS if text.startswith(p, m.end)), None)
            if park and m.end + len(park) <= analysis.sentences[m.sentence].end:
                zone_end = m.end + len(park)
        elif m.label == LOC and loc_subtype(m.text) != "zone":
            limit = min(analysis.sentences[m.sentence].end, m.end + ZONE_NAME_MAX)
            for end in range(m.end + 1, limit + 1):
                if text[end - 1] in ZONE_NAME_BREAKS:
                    break
                if end - m.end >= 2 and text[m.end:end].endswith(ZONE_NAME_ENDS):
                    if ZONE_CLAUSE.search(text, m.end, end) or (
                            not text[m.end:end].endswith(ZONE_SUFFIXES) and division_subtype(text[m.end:end])):
                        break  # 上海市|浦东新区: a division after its city, no zone
                    zone_end = end
                    while zone_end < limit and text[m.end:zone_end + 1].endswith(ZONE_NAME_ENDS):
                        zone_end += 1  # 产业园 -> 产业园区
                    break
        inside = [n for n in ordered[i + 1:] if n.start < (zone_end or 0)]
        if zone_end is None or any(n.end > zone_end for n in inside):
            out.append(m)  # no zone word, or a mention runs past it: leave the model's reading
            i += 1
            continue
        start = m.start
        while out and out[-1].label == LOC and out[-1].end == start:  # 沈阳|浑河: the zone starts at 沈阳
            start = out.pop().start
        out.append(DocMention(start, zone_end, text[start:zone_end], LOC, m.sentence))
        i += 1 + len(inside)  # mentions inside the zone's name are part of it
    return out


BRACKET_PLACE = re.compile(r"（([\u4e00-\u9fff]{2,6})）")


def bracketed_zone_mentions(analysis: DocAnalysis, mentions: list[DocMention]) -> list[DocMention]:
    """A zone named with a place in brackets inside its name (杭州高新区（滨江）萧山特别合作园,
    中国（安徽）自贸试验区) is one zone: a place, the bracket, then more name up to a zone word."""
    text = analysis.text
    found = []
    for m in mentions:
        if m.label != LOC:
            continue
        bracket = BRACKET_PLACE.match(text, m.end)
        if bracket is None:
            continue
        limit = min(analysis.sentences[m.sentence].end, bracket.end() + ZONE_NAME_MAX)
        for end in range(bracket.end() + 2, limit + 1):
            if text[end - 1] in ZONE_NAME_BREAKS:
                break
            if text[bracket.end():end].endswith(ZONE_SUFFIXES):
                if not ZONE_CLAUSE.search(text, bracket.end(), end):
                    found.append(DocMention(m.start, end, text[m.start:end], LOC, m.sentence))
                break
    if not found:
        return mentions
    out = [m for m in mentions if not any(f.start <= m.start and m.end <= f.end for f in found)]
    return sorted(out + found, key=lambda d: (d.start, d.end))


REGION_WORDS = ("地区", "一带")


def _division_area(name: str) -> bool:
    """Whether `name` is a country, or a Chinese province or city, whose area X地区 means (深圳,
    广东); a district's bare name is too often something else (南海地区: the sea's region, not
    南海区), and a foreign city's 地区 is its region (顿涅茨克地区)."""
    return len(name) >= 2 and loc_subtype(name) in ("country", "province", "city") and name not in world_cities()


def region_mentions(analysis: DocAnalysis, mentions: list[DocMention]) -> list[DocMention]:
    """A place directly followed by 地区 names that region (东北地区, 长三角地区), the same place
    as the bare name; an "organisation" that is a region's headquarters (东北亚区域总部) is
    that region."""
    text = analysis.text
    starts = {m.start for m in mentions}
    out = []
    for m in mentions:
        if m.label == LOC and m.text.endswith("地区") and _division_area(m.text[:-2]) and m.text not in divisions()[1]:
            # 深圳地区 is 深圳市, 北京地区 北京市 (喀什地区, a division of its own, stays)
            m = DocMention(m.start, m.end - 2, m.text[:-2], LOC, m.sentence)
        elif (m.label == LOC and not m.text.endswith(REGION_WORDS) and not _division_area(m.text)
              and loc_subtype(m.text) not in ("zone", "village", "town")):
            word = next((w for w in REGION_WORDS if text.startswith(w, m.end)), None)
            if word and m.end + len(word) <= analysis.sentences[m.sentence].end and m.end not in starts:
                m = DocMention(m.start, m.end + len(word), m.text + word, LOC, m.sentence)
        elif m.label == ORG and m.text.endswith("总部"):
            region = m.text[:-2]
            region = region[:-2] if region.endswith("区域") else region
            if len(region) >= 2 and (_known_place(region) or region.endswith(("亚", "洲", "欧", "美"))):
                m = DocMention(m.start, m.start + len(region), region, LOC, m.sentence)
        out.append(m)
    return out


PLACE_LEVEL_ENDS = ("省", "市", "区", "县", "州", "盟", "旗")
LOWER_PLACE_ENDS = ("市", "区", "县", "旗", "镇", "乡", "街道", "村", "社区")


def place_chain_mentions(analysis: DocAnalysis, mentions: list[DocMention]) -> list[DocMention]:
    """A chain of places is several places (辽宁省沈阳市浑南区 -> 辽宁省, 沈阳市, 浑南区;
    浑南区桃仙街道 -> 浑南区, 桃仙街道): each level is a node of its own."""
    out = []
    for m in mentions:
        if m.label != LOC or loc_subtype(m.text) == "zone":
            out.append(m)
            continue
        pieces, start = [], 0
        for cut in range(2, len(m.text) - 1):
            left, rest = m.text[start:cut], m.text[cut:]
            if (left.endswith(PLACE_LEVEL_ENDS) and len(left) >= 3 and len(bare_place_name(left)) >= 2
                    and len(rest) >= 2 and rest.endswith(LOWER_PLACE_ENDS) and len(bare_place_name(rest)) >= 2):
                pieces.append((start, cut))
                start = cut
        if not pieces:
            out.append(m)
            continue
        pieces.append((start, len(m.text)))
        out.extend(DocMention(m.start + a, m.start + b, m.text[a:b], LOC, m.sentence) for a, b in pieces)
    return out

