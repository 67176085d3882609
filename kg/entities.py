"""Mentions -> canonical entities: span repair, officials' titles, alias merging, fine types.

Two steps, so that the per-document work streams and can run anywhere:

- `document_facts(analysis)`: per document (pure, cheap): repaired mentions, officials'
  positions read from the titles around names, explicit abbreviations (简称), the
  document's home city and media.
- `resolve(facts, aliases)`: corpus level: merge surface forms into entities (place and
  company suffix variants, abbreviations, local bodies written without their city, the
  user's alias file), give each a fine type, and collect positions and occurrences.

Word lists live in kg/data/lexicon/ and are general (titles, countries, provinces, surnames
and places derived from the People's Daily 1998 training corpus), never taken from a text
kg is evaluated on.
"""
from __future__ import annotations

import csv
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable, Iterator

from .cache import FactSpill
from .types import (LOC, ORG, PERSON, DocAnalysis, DocumentOccurrences, Entity, EntityOccurrence, Position,
                    Resolution)

# ---- word lists ---------------------------------------------------------------------------


def _lexicon_lines(name: str) -> list[str]:
    text = resources.files("kg").joinpath("data", "lexicon", name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def titles() -> dict[str, str]:
    return dict(line.split("\t")[:2] for line in _lexicon_lines("titles.txt"))


@lru_cache(maxsize=1)
def countries() -> frozenset[str]:
    return frozenset(_lexicon_lines("countries.txt"))


@lru_cache(maxsize=1)
def provinces() -> dict[str, tuple[str, str]]:
    """short and full name -> (full name, subtype)."""
    table = {}
    for line in _lexicon_lines("provinces.txt"):
        short, full, subtype = line.split("\t")
        table[short] = (full, subtype)
        table[full] = (full, subtype)
    return table


@lru_cache(maxsize=1)
def city_provinces() -> dict[str, str]:
    """Short name of a prefecture-level city -> full name of its province."""
    table = {}
    for line in _lexicon_lines("cities.txt"):
        province, *cities = line.split()
        for city in cities:
            table.setdefault(city, province)
    return table


@lru_cache(maxsize=1)
def places() -> dict[str, str]:
    """place name with suffix -> subtype (from the training corpus)."""
    return {line.split("\t")[0]: line.split("\t")[1] for line in _lexicon_lines("places.tsv")}


@lru_cache(maxsize=1)
def standard_aliases() -> dict[str, tuple[str, str]]:
    """Standard short forms (aliases.tsv): alias -> (canonical name, type)."""
    return {alias: (canonical, kind) for alias, canonical, kind in
            (line.split("\t")[:3] for line in _lexicon_lines("aliases.tsv"))}


@lru_cache(maxsize=1)
def surnames() -> frozenset[str]:
    return frozenset(line.split("\t")[0] for line in _lexicon_lines("surnames.txt"))


@lru_cache(maxsize=1)
def common_surnames(min_count: int = 40) -> frozenset[str]:
    """Surnames common enough that one starting the second half of a name run marks a second name."""
    return frozenset(line.split("\t")[0] for line in _lexicon_lines("surnames.txt") if int(line.split("\t")[1]) >= min_count)


TITLE_PREFIXES = ("常务副", "副", "常务", "执行", "名誉", "首席", "代理", "第一", "总")


@lru_cache(maxsize=1)
def _title_regexes() -> tuple[re.Pattern, re.Pattern]:
    words = sorted(titles(), key=len, reverse=True)
    core = "|".join(map(re.escape, words))
    prefix = "|".join(map(re.escape, TITLE_PREFIXES))
    at_end = re.compile(rf"(?:{prefix})?(?:{core})$")
    at_start = re.compile(rf"^(?:{prefix})?(?:{core})")
    return at_end, at_start


@lru_cache(maxsize=1)
def _any_title_regex() -> re.Pattern:
    return re.compile("|".join(map(re.escape, sorted(titles(), key=len, reverse=True))))


def title_kind(title: str) -> str:
    table = titles()
    if title in table:
        return table[title]
    for prefix in TITLE_PREFIXES:
        if title.startswith(prefix) and title[len(prefix):] in table:
            return table[title[len(prefix):]]
    return "other"


# ---- fine types ---------------------------------------------------------------------------

# (keyword, subtype): the keyword found furthest right in a name decides its subtype, so
# 鞍钢集团钢铁研究院 is an institute and 沈阳市委宣传部 a party body.
ORG_KEYWORDS = [
    ("公司", "company"), ("集团", "company"), ("银行", "company"), ("企业", "company"), ("工厂", "company"),
    ("厂", "company"), ("股份", "company"), ("控股", "company"), ("商场", "company"), ("酒店", "company"),
    ("证券", "company"), ("保险", "company"), ("基金", "company"), ("科技", "company"), ("制药", "company"),
    ("大学", "university"), ("学院", "university"), ("中学", "university"), ("小学", "university"),
    ("学校", "university"), ("职业技术学院", "university"),
    ("研究院", "institute"), ("研究所", "institute"), ("实验室", "institute"), ("科学院", "institute"),
    ("工程院", "institute"), ("研究中心", "institute"), ("科学城", "institute"), ("重点实验室", "institute"),
    ("研究会", "association"), ("设计院", "institute"), ("技术中心", "institute"), ("创新中心", "institute"),
    ("装置", "institute"), ("天文台", "institute"), ("所", "institute"), ("院", "institute"),
    ("交易所", "other"), ("事务所", "company"), ("派出所", "government"), ("学院", "university"),
    ("日报", "media"), ("晚报", "media"), ("早报", "media"), ("报社", "media"), ("电视台", "media"),
    ("广播电台", "media"), ("电台", "media"), ("新华社", "media"), ("通讯社", "media"), ("杂志", "media"),
    ("杂志社", "media"), ("新闻网", "media"), ("融媒体中心", "media"), ("传媒", "media"), ("报", "media"),
    ("党委", "party"), ("市委", "party"), ("省委", "party"), ("区委", "party"), ("县委", "party"),
    ("中共", "party"), ("党组", "party"), ("纪委", "party"), ("组织部", "party"), ("宣传部", "party"),
    ("统战部", "party"), ("政法委", "party"), ("党校", "party"), ("共产党", "party"), ("中央委员会", "party"),
    ("团委", "party"), ("共青团", "party"), ("党支部", "party"), ("工委", "party"), ("党中央", "party"),
    ("政府", "government"), ("国务院", "government"), ("局", "government"), ("厅", "government"),
    ("部", "government"), ("委员会", "government"), ("委", "government"), ("办公室", "government"),
    ("办", "government"), ("法院", "government"), ("检察院", "government"), ("公安", "government"),
    ("海关", "government"), ("管委会", "government"), ("人大", "government"), ("政协", "government"),
    ("署", "government"), ("总局", "government"), ("街道办事处", "government"), ("中心", "other"),
    ("协会", "association"), ("学会", "association"), ("联合会", "association"), ("联盟", "association"),
    ("商会", "association"), ("促进会", "association"), ("基金会", "association"), ("联合体", "association"),
    ("共同体", "association"), ("理事会", "association"), ("工会", "association"), ("妇联", "association"),
    ("科协", "association"), ("工商联", "association"), ("侨联", "association"), ("文联", "association"),
    ("医院", "other"), ("博物馆", "other"), ("图书馆", "other"),
]

LOC_KEYWORDS = [
    ("特别行政区", "province"), ("自治区", "province"), ("省", "province"),
    ("自治州", "city"), ("地区", "other"), ("市", "city"), ("盟", "city"),
    ("自治县", "district"), ("新区", "district"), ("县", "district"), ("区", "district"), ("旗", "district"),
    ("镇", "town"), ("乡", "town"), ("街道", "town"), ("村", "village"), ("社区", "village"),
    ("园区", "zone"), ("产业园", "zone"), ("科技园", "zone"), ("工业园", "zone"), ("开发区", "zone"),
    ("高新区", "zone"), ("自贸区", "zone"), ("试验区", "zone"), ("片区", "zone"), ("示范区", "zone"),
    ("保税区", "zone"), ("基地", "zone"), ("港区", "zone"), ("产业带", "zone"), ("经济带", "zone"),
    ("园", "zone"), ("谷", "zone"), ("城", "zone"),
]


ORG_KEYWORD_WORDS = tuple(k for k, _ in ORG_KEYWORDS)
LOC_KEYWORD_WORDS = tuple(k for k, _ in LOC_KEYWORDS)


def _rightmost_keyword(name: str, table: list[tuple[str, str]]) -> str | None:
    best, best_end, best_len = None, -1, 0
    for keyword, subtype in table:
        pos = name.rfind(keyword)
        if pos < 0:
            continue
        end = pos + len(keyword)
        if end > best_end or (end == best_end and len(keyword) > best_len):
            best, best_end, best_len = subtype, end, len(keyword)
    return best


def org_subtype(name: str) -> str:
    if len(name) <= 4 and name.endswith("大") and not name.endswith("人大"):
        return "university"  # 哈工大, 北航大: abbreviated universities
    return _org_subtype(name)


def _org_subtype(name: str) -> str:
    # a 所/报 keyword only counts at the very end of the name (所有, 报告 ...)
    subtype = _rightmost_keyword(name, ORG_KEYWORDS)
    if subtype in ("institute", "media") and name[-1] in "所报" and name.rfind("所") != len(name) - 1 and name.rfind("报") != len(name) - 1:
        subtype = _rightmost_keyword(name[:-1], ORG_KEYWORDS)
    return subtype or "other"


def loc_subtype(name: str) -> str:
    if name in countries() or (name.endswith("国") and 2 <= len(name) <= 5 and name not in ("全国", "祖国", "王国")):
        return "country"
    if name in provinces():
        return provinces()[name][1]
    if name in places():
        return places()[name]
    full = full_place_name(name)
    if full != name and full in places():
        return places()[full]
    return _rightmost_keyword(name, LOC_KEYWORDS) or "other"


HONORARY_TITLES = ("委员", "代表", "常委")
# Titles that make an official whatever organisation is named with them.
GOVERNMENT_TITLES = ("省长", "市长", "区长", "县长", "镇长", "乡长", "州长", "局长", "厅长", "部长", "司长", "处长",
                     "科长", "总理", "国务委员", "书记", "常委")


def _bare_title(title: str) -> str:
    for prefix in TITLE_PREFIXES:
        if title.startswith(prefix) and title[len(prefix):] in titles():
            return title[len(prefix):]
    return title


def person_subtype(roles: Iterable[tuple[str, str | None]]) -> str:
    """official / business / journalist / other from (title, organisation subtype) pairs.

    A title makes an official when it is a government title (市长, 局长, 书记) or is held
    at a government or party body; business titles, or any title at a company, make
    business people; 记者 and 编辑 make journalists."""
    roles = list(roles)
    if any(title_kind(t) == "journalist" for t, _ in roles):
        return "journalist"
    has_business = any(title_kind(t) == "business" or org == "company" for t, org in roles)
    for t, org in roles:
        bare = _bare_title(t)
        if "党组" in t or "纪委" in t:
            return "official"
        if has_business and bare in HONORARY_TITLES:
            continue  # a chairman who is also a CPPCC member is a business person
        if bare in GOVERNMENT_TITLES and org not in ("company", "university", "institute", "association", "media"):
            return "official"
        if org in ("government", "party") and title_kind(t) in ("official", "other"):
            return "official"
    if any(title_kind(t) == "business" or org == "company" for t, org in roles):
        return "business"
    return "other"


@lru_cache(maxsize=1)
def _bare_place_index() -> dict[str, list[str]]:
    """bare place name -> full names with a suffix (沈阳 -> [沈阳市])."""
    index: dict[str, list[str]] = defaultdict(list)
    for name in places():
        for suffix in PLACE_SUFFIXES:
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                index[name[: -len(suffix)]].append(name)
                break
    return index


PLACE_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "地区", "新区", "省", "市", "县", "区", "镇", "乡", "村")


def full_place_name(name: str) -> str:
    """沈阳 -> 沈阳市, 辽宁 -> 辽宁省 when the lists know exactly one full form."""
    if name in provinces():
        return provinces()[name][0]
    candidates = _bare_place_index().get(name, [])
    return candidates[0] if len(candidates) == 1 else name


def bare_place_name(name: str) -> str:
    for suffix in PLACE_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


# ---- span repair --------------------------------------------------------------------------

SPLIT_PUNCT = set("，。、；：！？“”‘’「」『』《》【】,.;:!?\"'\n\t|/\\—…～~")
EDGE_STRIP = "　 \t（）()[]【】<>《》“”\"'‘’「」『』-—_·•*#、，。；：！？,.;:!?"
LEADING_FUNCTION_WORDS = ("以下简称", "简称", "全称", "正如", "还有", "以及", "包括", "原", "在", "于", "从", "到", "对", "和", "与", "及", "据", "由",
                          "向", "为", "把", "被", "将", "让", "是", "同", "跟", "即", "其中", "包括", "位于", "来自",
                          "本报讯", "本报")
TRAILING_FUNCTION_WORDS = ("的", "等", "了", "们", "和", "与", "及", "将", "已")
DATE_LIKE = re.compile(r"^[\d０-９零〇一二三四五六七八九十百千万亿年月日时分秒号点.%％\-/:： ]+$")
MAX_ENTITY_CHARS = 30


@dataclass(slots=True)
class DocMention:
    start: int
    end: int
    text: str
    label: str
    sentence: int


def _standard_place(surface: str) -> bool:
    """A standard short form of a place (美 for 美国, 京 for 北京市: aliases.tsv)."""
    standard = standard_aliases().get(surface)
    return standard is not None and standard[1] == LOC


def _known_place(name: str) -> bool:
    return name in places() or name in provinces() or name in countries() or full_place_name(name) != name


def _strip_edges(text: str, start: int, end: int) -> tuple[int, int]:
    changed = True
    while changed and start < end:
        changed = False
        while start < end and text[start] in EDGE_STRIP:
            start += 1
            changed = True
        while end > start and text[end - 1] in EDGE_STRIP:
            end -= 1
            changed = True
        for word in LEADING_FUNCTION_WORDS:
            if text.startswith(word, start) and end - start - len(word) >= 2:
                if len(word) == 1 and not _known_place(text[start + 1 : end]) or _known_place(text[start:end]):
                    continue  # 同济大学, 和平区, 于海洋: the character belongs to the name
                start += len(word)
                changed = True
                break
        for word in TRAILING_FUNCTION_WORDS:
            if text.endswith(word, start, end) and end - start - len(word) >= 2:
                end -= len(word)
                changed = True
                break
    return start, end


def _split_on_punctuation(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Pieces of a span between punctuation; a short parenthesised part inside a name
    (西门子（中国）有限公司) is kept."""
    pieces, piece_start, i = [], start, start
    while i < end:
        ch = text[i]
        if ch in "（(":
            close = text.find("）" if ch == "（" else ")", i, end)
            if close != -1 and close - i <= 5 and close + 1 < end:
                i = close + 1
                continue
        if ch in SPLIT_PUNCT or ch == "\ufffd" or ch.isspace() or ch in "（）()":
            pieces.append((piece_start, i))
            piece_start = i + 1
        i += 1
    pieces.append((piece_start, end))
    return [(s, e) for s, e in pieces if e > s]


def _strip_trailing_title(text: str, start: int, end: int) -> tuple[int, int]:
    """沈阳日报记者 -> 沈阳日报; 大连市副 -> 大连市 (the model ran into a title)."""
    at_end, _ = _title_regexes()
    match = at_end.search(text, start, end)
    if match and match.end() == end and match.start() - start >= 2:
        end = match.start()
    while end - start > 2 and text[end - 1] in "副总正常":
        end -= 1
    return start, end


def repair_person(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A person's span without titles or organisations (鞍钢集团董事长张明 -> 张明); two
    Chinese names run together (a byline 王磊李娜) become two spans. Empty when no name is left."""
    name = text[start:end]
    if "·" in name or "•" in name:
        return [(start, end)]
    # the name is what follows the last title word inside the span
    best = None
    for m in _any_title_regex().finditer(name):
        best = m
    if best is not None and end - (start + best.end()) >= 2:
        start = start + best.end()
    elif best is not None and best.end() == len(name):
        return []  # 张书记: a title, not a name
    # a reporting verb the model ran into: 吴敏参加 -> 吴敏
    for verb in REPORTING_VERBS:
        if text.endswith(verb, start, end) and end - start - len(verb) >= 2:
            end -= len(verb)
            break
    name = text[start:end]
    if len(name) < 2:
        return []
    if sum(ch in TRANSLITERATION_CHARS for ch in name) >= 2 and len(name) <= MAX_FOREIGN_NAME_CHARS:
        return [(start, end)]  # 纳扎尔巴耶夫, 韦德里纳: a foreign name, written without ·
    pair = _two_names(name)
    if pair:
        return [(start, start + pair), (start + pair, end)]
    if len(name) > 5:
        return []
    return [(start, end)]


def _chinese_name_start(name: str) -> int:
    """Length of the surname `name` starts with (common surnames only), else 0."""
    if name[:2] in COMPOUND_SURNAMES:
        return 2
    return 1 if name[0] in common_surnames() else 0


def _two_names(name: str) -> int | None:
    """Where `name` splits into two Chinese names (2 + 2, 2 + 3, 3 + 2, 3 + 3 characters),
    both starting with a common surname; None when it does not. 鹿野道彦 and 桥本龙太郎 stay
    whole: 鹿 and 桥 are not common Chinese surnames."""
    first = _chinese_name_start(name) if 4 <= len(name) <= 6 else 0
    if not first:
        return None
    for cut in (2, 3):
        rest = name[cut:]
        second = _chinese_name_start(rest)
        if 2 <= len(rest) <= 3 and second and cut > first and len(rest) > second:
            # five characters are two names only when just one cut starts a surname
            # (王小明李娜: 李 at 3; 王明李小娜: 李 at 2)
            if len(name) == 5 and _chinese_name_start(name[5 - cut:]):
                continue
            return cut
    return None


# Characters that make up most transliterated foreign names (阿尔希波夫, 帕帕佐普洛斯) and
# are rare in Chinese given names.
TRANSLITERATION_CHARS = frozenset("尔斯克夫娃基耶诺罗亚德特姆布拉里莫维奇科蒂普洛索卡伊曼纳西塔哈森逊恩奥巴沙什茨兹佩埃阿莱贝戈格泽雷多杜图"
                                  "库兰麦迪乌赫季丹萨蒙瓦默彼得森穆纳赛尼丝莎茜")
MAX_FOREIGN_NAME_CHARS = 10


COMPOUND_SURNAMES = frozenset("""欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 令狐 夏侯 轩辕 端木 独孤
南宫 西门 百里 呼延 澹台 公冶 太史 申屠 钟离 闻人 赫连 万俟 拓跋 完颜""".split())
REPORTING_VERBS = tuple(sorted("""表示 指出 强调 介绍 认为 参加 出席 主持 陪同 会见 考察 调研 视察 致辞 讲话 宣布 参观
带队 率队 一行 说 称 提出 要求 透露 告诉 等人 等""".split(), key=len, reverse=True))


STRONG_ORG_SUFFIXES = ("公司", "集团", "银行", "大学", "学院", "研究院", "研究所", "科学院", "工程院", "实验室",
                       "政府", "委员会", "管委会", "局", "厅", "日报", "报社", "电视台", "协会", "学会", "联合会",
                       "联盟", "党委", "市委", "省委", "区委", "县委", "中心", "医院", "法院", "检察院")


# Keywords that are themselves names (国务院, 新华社, 全国政协) or local bodies resolved later (市委).
PROPER_ORG_KEYWORDS = frozenset("国务院 党中央 新华社 中共 共产党 共青团 人大 政协 海关 妇联 科协 工商联 侨联 文联 团委 市委 省委 区委 县委 工委".split())
GENERIC_ORG_WORDS = frozenset(k for k, _ in ORG_KEYWORDS if k not in PROPER_ORG_KEYWORDS) | frozenset(
    ("代表团", "单位", "部门", "团队", "课题组", "企业家", "政府部门", "有关部门", "相关部门", "党组织", "联合实验室",
     "合作社", "董事会", "管委会", "指挥部", "领导小组", "工作组"))
DETERMINERS = ("该", "本", "其", "此", "我", "贵", "各", "全", "两", "各大", "相关", "有关", "多家", "一家")


def is_generic_org(surface: str) -> bool:
    core = surface
    for det in sorted(DETERMINERS, key=len, reverse=True):
        if core.startswith(det) and len(core) > len(det):
            core = core[len(det):]
            break
    return core in GENERIC_ORG_WORDS or (core.endswith(AD_HOC_GROUPS) and core not in AD_HOC_GROUPS and len(core) <= 12)


# Groups formed for an occasion (吉林省企业家代表团, 沈阳市党政代表团, 相关团队): not organisations.
AD_HOC_GROUPS = ("代表团", "考察团", "访问团", "团队", "课题组", "工作组")


ABBREVIATION_ENDINGS = tuple("大院所局委办厂司行")


ZONE_SUFFIXES = ("产业园", "科技园", "工业园", "软件园", "开发区", "高新区", "经开区", "自贸区", "试验区", "示范区",
                 "片区", "产业园区", "工业园区", "科技园区")


def fix_label(surface: str, label: str) -> str:
    """Correct the model's type where the name's own suffix is unambiguous: a "place"
    ending in 大学 or 研究所 is an organisation; an "organisation" that is a bare place name
    (沈阳市, 辽宁省) is a place."""
    if label == LOC and surface.endswith(STRONG_ORG_SUFFIXES) and not surface.endswith(("中心区", "新区")):
        return ORG
    if label == ORG and (surface in provinces() or surface in places() or surface in countries()):
        return LOC
    if label == ORG and surface.endswith(ZONE_SUFFIXES) and len(surface) > 4:
        return LOC  # 沈阳浑河智造产业园, 大连高新区: zones are places
    if label == ORG and surface.endswith(("街道", "镇", "乡")) and len(surface) - (2 if surface.endswith("街道") else 1) >= 2:
        return LOC  # 浑南区桃仙街道: towns and street offices are places
    if label == PERSON and surface.endswith(("公司", "集团")) and len(surface) >= 4:
        return ORG  # 克劳森自动化公司 read as a person
    if (label == PERSON and surface[0] not in surnames() and surface[:2] not in surnames()
            and surface.endswith(ABBREVIATION_ENDINGS) and "·" not in surface):
        return ORG  # 哈工大: no surname, ends like an abbreviated organisation
    return label


NAME_BREAKS = re.compile("了|的|所属|旗下|下属|隶属")


def _split_on_words(text: str, start: int, end: int, label: str) -> list[tuple[int, int]]:
    """An organisation or place never holds 了 or 的, nor 所属/旗下: cut there, keeping the
    pieces that still end like a name of that kind (市政府会见了克劳森公司 -> 克劳森公司)."""
    while end - start > 2 and text[end - 1] in "的了":
        end -= 1
    if label == PERSON or not NAME_BREAKS.search(text, start, end):
        return [(start, end)]
    pieces, piece_start = [], start
    for match in NAME_BREAKS.finditer(text, start, end):
        pieces.append((piece_start, match.start()))
        piece_start = match.end()
    pieces.append((piece_start, end))
    return [(s, e) for s, e in pieces if e - s >= 2 and _ends_like_name(text[s:e], label)]


def _ends_like_name(piece: str, label: str) -> bool:
    """Whether `piece` ends with a type keyword of organisations (ORG) or places (LOC)."""
    return piece.endswith(ORG_KEYWORD_WORDS if label == ORG else LOC_KEYWORD_WORDS)


# 第二十三次常委, 第九届: an ordinal opens no name
ORDINAL = re.compile(r"^第[\d零〇一二三四五六七八九十百千两]+")


def _named_piece(piece: str, label: str) -> bool:
    """Whether a piece of a span cut at punctuation still names something on its own: it ends
    like a name of its kind (鲁艺美术工厂) or is a known place (美国)."""
    if _known_place(piece):
        return True
    return len(piece) >= 3 and _ends_like_name(piece, label) and not is_generic_org(piece)


def repair_mentions(analysis: DocAnalysis) -> list[DocMention]:
    text = analysis.text
    out: list[DocMention] = []
    for m in analysis.mentions:
        pieces = [p for s0, e0 in _split_on_words(text, m.start, m.end, m.label) for p in _split_on_punctuation(text, s0, e0)]
        for s, e in pieces:
            s, e = _strip_edges(text, s, e)
            if e - s < 1:
                continue
            if len(pieces) > 1 and m.label in (ORG, LOC) and not _named_piece(text[s:e], m.label):
                continue  # 中星五号”卫星 -> neither 卫星 nor 中星五号 is a place
            if m.label == PERSON:
                names = repair_person(text, s, e)
                if not names:
                    continue
                if len(names) > 1:
                    out.extend(DocMention(a, b, text[a:b], PERSON, m.sentence) for a, b in names)
                    continue
                s, e = names[0]
            if m.label in (ORG, LOC):
                s, e = _strip_trailing_title(text, s, e)
            surface = text[s:e]
            label = fix_label(surface, m.label)
            standard_place = label == LOC and _standard_place(surface)  # 日 in 中日
            if (DATE_LIKE.match(surface) and not standard_place) or ORDINAL.match(surface) or e - s > MAX_ENTITY_CHARS:
                continue
            if not any("\u4e00" <= ch <= "\u9fff" or ch.isalpha() for ch in surface):
                continue
            if e - s < 2 and label in (PERSON, LOC) and not surface.isascii() and not standard_place:
                continue  # 1-character people and places are too ambiguous, but for the standard ones (中美, 京津)
            if e - s < 2 and label == ORG:
                continue
            if e - s <= 2 and surface.isascii() and label != PERSON:
                continue  # VR, AI, 5G: two Latin letters are a technology more often than a name
            if label == ORG and is_generic_org(surface):
                continue  # 公司, 该集团, 代表团: a kind of organisation, not a name
            out.append(DocMention(s, e, surface, label, m.sentence))
    # drop exact duplicates that splitting may create
    unique = {(d.start, d.end): d for d in out}
    return sorted(unique.values(), key=lambda d: (d.start, d.end))


# ---- officials: titles around names -------------------------------------------------------

SUB_BODIES = frozenset("专家委员会 学术委员会 理事会 董事会 监事会 顾问委员会 技术委员会 咨询委员会 秘书处 工作委员会".split())
HE_COMPOUNDS = ("工业和信息化", "住房和城乡建设", "发展和改革", "文化和旅游", "人力资源和社会保障", "自然资源和规划",
                "农业和农村", "科学技术和", "新闻出版和", "广播电视和", "商务和", "交通和", "卫生和")
APPOINTMENT = re.compile("当选为|当选|担任了|出任了|兼任了|担任|出任|兼任|任|为")
ASSOCIATION_TITLES = ("理事长", "会长", "秘书长", "主席", "副理事长", "副会长")
ORG_END_CHARS = set("局厅委部院所会办司处室组团校社台报行厂队站馆中心府政协")
CHAIN_SEPARATORS = "、兼"
CONTEXT_BREAK = set("，。；：！？,;:!?（）()“”\n")


@dataclass(slots=True)
class RawPosition:
    person: str
    title: str
    organisation: str | None
    org_label: str  # ORG or LOC (a place that stands for its government)
    sentence: int


def _mention_ending_at(mentions_by_end: dict[int, DocMention], end: int) -> DocMention | None:
    m = mentions_by_end.get(end)
    return m if m is not None and m.label in (ORG, LOC) else None


def _org_before(text: str, lo: int, hi: int, mentions_by_end) -> tuple[str | None, str, int]:
    """The organisation written right before a title ending at `hi` (start of title).

    Returns (surface, label, start, tagged) - tagged when it is one of the model's
    mentions - or (None, "", hi, False)."""
    m = _mention_ending_at(mentions_by_end, hi)
    if m is not None and m.start >= lo:
        # a place directly followed by an org mention is part of it (沈阳市 科技局)
        return m.text, m.label, m.start, True
    # otherwise: the characters back to a break or a function word, if they end like an org
    i = hi
    while (i > lo and text[i - 1] not in CONTEXT_BREAK and text[i - 1] not in CHAIN_SEPARATORS
           and not text[i - 1].isspace() and text[i - 1] != "\ufffd"):
        if text[i - 1] in "和与及" and any(c in text[max(lo, i - 8) : hi] for c in HE_COMPOUNDS):
            i -= 1  # 工业和信息化部: 和 inside the name
            continue
        if (text[i - 1] in "的了在是和与及对由向为把将让据同跟如《》" or text[i - 1].isdigit()
                or text[i - 2 : i] in ("所属", "旗下", "下属", "本报")) and i < hi:
            break
        i -= 1
        if hi - i >= 20:
            break
    if text.endswith("本报", lo, hi):
        return "本报", ORG, hi - 2, True  # the document's own paper
    candidate = text[i:hi]
    # a dateline (北京1月12日电) or a leading function word is not part of the name
    cut = max(candidate.rfind(mark) + len(mark) if candidate.rfind(mark) >= 0 else 0 for mark in ("日电", "日讯", "本报讯"))
    for word in LEADING_FUNCTION_WORDS:
        if candidate.startswith(word, cut) and len(candidate) - cut - len(word) >= 2:
            cut += len(word)
            break
    i += cut
    candidate = text[i:hi]
    if is_generic_org(candidate):
        # 该公司总经理 / 集团副总裁: the organisation of that kind named last before
        kind = org_subtype(candidate)
        previous = [m for m in mentions_by_end.values() if m.end <= i and m.label == ORG and org_subtype(m.text) == kind]
        if previous:
            m = max(previous, key=lambda m: m.end)
            return m.text, ORG, i, True
        return None, "", hi, False
    if len(candidate) >= 2 and (candidate[-1] in ORG_END_CHARS or candidate.endswith(("中心", "政协", "集团", "公司"))) \
            and _plausible_untagged_org(candidate):
        return candidate, ORG, i, False
    return None, "", hi, False


def _plausible_untagged_org(candidate: str) -> bool:
    """Characters before a title that the model did not tag are taken as its organisation
    only when they look like a name: short (市委, 地委), opening with a place (沈阳市科技局),
    a local body (省科技厅), or ending in a long organisation word (…研究院). Otherwise the
    scan back ran into a clause (向在远密谋收集地委)."""
    if len(candidate) <= 4 or LOCAL_BODY.match(candidate):
        return True
    if any(word in candidate for word in HE_COMPOUNDS) or any(word in candidate for word in BODY_WORD_SHORT_FORMS):
        return True  # 工业和信息化部, 科学技术协会: the standard words of public bodies' names
    if any(_known_place(candidate[:k]) for k in range(2, min(len(candidate) - 1, 8))):
        return True
    return len(candidate) <= 12 and candidate.endswith(tuple(x for x in STRONG_ORG_SUFFIXES if len(x) >= 2))


# Titles that begin with the last character of their body's name (局长 of 公安局).
SHARED_TITLE_CHARS = set("局部厅院所校社台行会处科司署馆站队团")
# A byline opening with its outlet: 新华社洛杉矶1月2日电（记者…, 本报福州电记者…, 《福州晚报》记者…
OUTLET_NAME = r"新华社|中新社|本报|[\u4e00-\u9fff]{2,8}?(?:日报|晚报|早报|电视台|通讯社|广播电台)"
NEWS_OUTLET_DATELINE = re.compile(
    rf"({OUTLET_NAME})[\u4e00-\u9fff]{{0,8}}?(?:\d{{1,2}}月\d{{1,2}}日)?(?:电|讯)\s*[（(]?\s*$")
OUTLET_AT_END = re.compile(rf"({OUTLET_NAME})$")
BRACKETED_OUTLET = re.compile(r"《([^《》]{2,12}(?:日报|晚报|早报|时报|周报|报|杂志))》\s*$")


def _news_outlet_before(before: str) -> str | None:
    """The outlet a journalist's title follows in a byline, if the byline names it."""
    match = NEWS_OUTLET_DATELINE.search(before) or BRACKETED_OUTLET.search(before)
    return _outlet(match)


def _outlet(match: re.Match | None) -> str | None:
    return match.group(1).lstrip(OUTLET_LEAD) if match else None


OUTLET_LEAD = "据由从在和与及对向"  # 据辽宁日报沈阳1月2日电: not part of the paper's name


def title_chains(analysis: DocAnalysis, mentions: list[DocMention]) -> tuple[list[RawPosition], list[DocMention]]:
    """Titles written before a name (stacked with 、), after it (张三市长), or in apposition
    (张三（沈阳市科技局局长））; names in a list or byline share the title before the first.

    Also returns the organisations read from titles that the model did not tag."""
    found_orgs: dict[tuple[int, int], DocMention] = {}
    text = analysis.text
    at_end, at_start = _title_regexes()
    by_end = {m.end: m for m in mentions if m.label in (ORG, LOC)}
    positions: list[RawPosition] = []
    chain_of: dict[int, list[tuple[str, str | None, str]]] = {}
    persons = [m for m in mentions if m.label == PERSON]
    for m in persons:
        sentence = analysis.sentences[m.sentence]
        lo = sentence.start
        chain: list[tuple[str, str | None, str]] = []  # right to left: (title, org, label)
        i = m.start
        while i > lo:
            match = at_end.search(text, max(lo, i - 12), i)
            if not match or match.end() != i:
                break
            title = match.group()
            inside = next((by_end[k] for k in range(match.end() - 1, match.start(), -1)
                           if k in by_end and by_end[k].label == ORG and by_end[k].start >= lo), None)
            if inside is not None:
                # 埃及内政部长: the organisation's last character is also the title's first
                org, label, org_start, tagged = inside.text, ORG, inside.start, True
            else:
                org, label, org_start, tagged = _org_before(text, lo, match.start(), by_end)
            if (org is None and len(title) == 2 and title[1] == "长" and title[0] in SHARED_TITLE_CHARS
                    and match.start() > lo and text[match.start() - 1] != title[0]):
                # 市公安局长, 公安部长: the body's last character starts the title
                org, label, org_start, tagged = _org_before(text, lo, match.start() + 1, by_end)
                if org is None or not org.endswith(title[0]) or len(org) < 3:
                    org, label, org_start, tagged = None, "", match.start(), False
            if org is not None and org_start - 1 >= lo and text[org_start - 1] == "驻":
                # 中国驻俄罗斯大使, 本报驻突尼斯记者: the post's place is not the employer
                sender = _mention_ending_at(by_end, org_start - 1)
                outlet = _outlet(OUTLET_AT_END.search(text, lo, org_start - 1))
                if sender is not None and sender.start >= lo:
                    org, label, org_start, tagged = sender.text, sender.label, sender.start, True
                elif outlet:
                    org, label, org_start, tagged = outlet, ORG, org_start - 1 - len(outlet), True
                else:
                    org, label, org_start, tagged = None, "", match.start(), False
            if org is None and title_kind(title) == "journalist":
                org = _news_outlet_before(text[lo : match.start()])
                label, tagged = (ORG, True) if org else ("", False)
            if org and not tagged:
                found_orgs[(org_start, match.start())] = DocMention(org_start, match.start(), org, ORG, m.sentence)
            chain.append((title, org, label))
            i = org_start if org else match.start()
            if i > lo and text[i - 1] in CHAIN_SEPARATORS:
                i -= 1
                continue
            break
        if not chain:
            # names listed after a titled name share its titles: 副市长赵一、钱二 / 记者王磊 李娜
            prev = next((p for p in reversed(persons) if p.end <= m.start and p.sentence == m.sentence), None)
            if prev is not None and prev.start in chain_of and text[prev.end : m.start] in ("", "、", " ", "　", "  ", "和", "及"):
                chain_of[m.start] = chain_of[prev.start]
                for title, org, label in chain_of[prev.start]:
                    positions.append(RawPosition(m.text, title, org, label, m.sentence))
                continue
        # title right after the name: 张三市长 / 张三（沈阳市科技局局长） / 张三当选理事长
        after = text[m.end : analysis.sentences[m.sentence].end]
        appointed = APPOINTMENT.match(after)
        appointed_roles: list[tuple[str, str | None, str]] = []  # new roles: no inherited organisation
        if appointed:
            tail = after[appointed.end():]

            def title_ending_clause(rest: str):
                t = at_start.match(rest)
                return t if t and (t.end() == len(rest) or rest[t.end()] in CONTEXT_BREAK or rest[t.end()] in "、 ") else None

            title_match = title_ending_clause(tail)
            if title_match is None:
                # 当选沈阳市科技局局长: an organisation, then the title
                for k in range(2, min(len(tail), 20)):
                    t = title_ending_clause(tail[k:])
                    if t:
                        org_text, title = tail[:k], t.group()
                        label = ORG
                        if org_text in SUB_BODIES:
                            # 当选专家委员会主任: a body inside the organisation named last before
                            title = org_text + title
                            # prefer the association the document is about (an alliance's
                            # expert committee), else the organisation named last before
                            bodies = Counter(o.text for o in mentions if o.label == ORG and org_subtype(o.text) == "association")
                            before = [o for o in by_end.values() if o.end <= m.start and o.label == ORG
                                      and not is_generic_org(o.text)]
                            org_text = (bodies.most_common(1)[0][0] if bodies else
                                        max(before, key=lambda o: o.end).text if before else None)
                        else:
                            if org_text[-1] not in ORG_END_CHARS and title[0] in SHARED_TITLE_CHARS:
                                org_text += title[0]  # 担任市公安局长
                            if is_generic_org(org_text) or not (org_text[-1] in ORG_END_CHARS or org_text.endswith(("中心", "集团", "公司"))):
                                org_text = None
                        appointed_roles.append((title, org_text, label))
                        break
            else:
                # 选举马骁为理事长: a chair of the association the document is about
                bodies = Counter(o.text for o in mentions if o.label == ORG and org_subtype(o.text) == "association")
                org_text = bodies.most_common(1)[0][0] if bodies and title_match.group() in ASSOCIATION_TITLES else None
                appointed_roles.append((title_match.group(), org_text, ORG if org_text else ""))
        match = at_start.match(after)
        if match and not chain:
            chain.append((match.group(), None, ""))
        elif after and after[0] in "（(" and not chain:
            close = after.find("）" if after[0] == "（" else ")")
            if 0 < close <= 30:
                inner_end = m.end + close
                title_match = at_end.search(text, m.end + 1, inner_end)
                if title_match and title_match.end() == inner_end:
                    org, label, _, _ = _org_before(text, m.end + 1, title_match.start(), by_end)
                    chain.append((title_match.group(), org, label))
        # a title without its own organisation belongs to the one before it in the chain,
        # or, in a list (区委书记黄维、区长邓晓), to the organisation of the titled name before
        ordered = list(reversed(chain))
        last_org: tuple[str | None, str] = (None, "")
        if ordered and i < m.start and text[i] in CHAIN_SEPARATORS:  # the loop stopped on a 、
            prev = next((p for p in reversed(persons) if p.end == i), None)
            if prev is not None and prev.start in chain_of:
                for _, org, label in chain_of[prev.start]:
                    if org:
                        last_org = (org, label)
        resolved = []
        for title, org, label in ordered:
            if org:
                last_org = (org, label)
            else:
                org, label = last_org
                if org and _bare_title(title) in GOVERNMENT_HEAD_TITLES and org.endswith("委") and len(org) >= 2:
                    # 市委副书记、市长: the mayor heads the city's government, not its party committee
                    org, label = org[:-1], LOC
            resolved.append((title, org, label))
        if resolved:
            chain_of[m.start] = resolved
        for title, org, label in resolved + appointed_roles:
            positions.append(RawPosition(m.text, title, org, label, m.sentence))
    return positions, list(found_orgs.values())


PARTY_GROUPS = ("党组", "党委", "党总支", "党支部")


# ---- per-document facts -------------------------------------------------------------------

PAREN_SHORT_FORM = re.compile(r"[（(]([^）)，,、。；\n简称]{2,10})[）)]")


def _unique_spans(mentions: list[DocMention]) -> list[DocMention]:
    """One mention per span (the first), in order."""
    seen, out = set(), []
    for m in mentions:
        if (m.start, m.end) not in seen:
            seen.add((m.start, m.end))
            out.append(m)
    return out


ABBREVIATION_NOTE = re.compile(r"[（(][ \t]*(?:以下)?简称[ \t]*[“\"「]?([^）)”\"」，,、\n]{2,12})[”\"」]?[ \t]*[）)]")
DATELINE = re.compile(r"(?:本报|新华社|中新社|记者|电讯)?\s*([\u4e00-\u9fff]{2,4}?)\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*(?:电|讯)")
LOCAL_BODY = re.compile(r"^(市|省)(?!场|民|内|外|级|区|长|份|会)[\u4e00-\u9fff]{1,10}$")


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
    sentence_texts: dict[int, str] = field(default_factory=dict)  # sentences worth quoting


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


# Bodies of a city or province written without its name (市委, 省科技厅). The list is of
# common government, party and people's-organisation names, longest first.
LOCAL_BODY_NAMES = sorted("""委 政府 人民政府 人大常委会 人大 政协 纪委 委宣传部 委组织部 委统战部 委政法委 政府办公厅 政府办公室
政府新闻办公室 政府新闻办 发改委 发展和改革委员会 科技局 科学技术局 工信局 工业和信息化局 教育局 财政局 商务局 公安局 卫健委
国资委 人社局 住建局 交通局 交通运输局 生态环境局 自然资源局 市场监管局 市场监督管理局 文旅局 文化和旅游局 农业农村局
应急管理局 统计局 民政局 司法局 审计局 税务局 科协 工商联 总工会 妇联 团委 科技厅 科学技术厅 工信厅 教育厅 财政厅 商务厅
外办 侨办 台办 网信办 大数据局 营商环境建设局 金融局 地方金融监督管理局""".split(), key=len, reverse=True)
LOCAL_BODY_MENTION = re.compile(
    r"(?:(?<=^)|(?<=[，。、；：！？“”‘’（）《》\s和与及在由向对的据是为经同跟]))(市|省)("
    + "|".join(map(re.escape, LOCAL_BODY_NAMES)) + r")"
)


def local_body_mentions(analysis: DocAnalysis, taken: list[DocMention]) -> list[DocMention]:
    """市委, 市政府, 省科技厅 ... that the model left untagged."""
    covered = [(m.start, m.end) for m in taken]
    found = []
    for index, sentence in enumerate(analysis.sentences):
        text = analysis.text[sentence.start : sentence.end]
        for match in LOCAL_BODY_MENTION.finditer(text):
            start, end = sentence.start + match.start(), sentence.start + match.end()
            if any(s < end and start < e for s, e in covered):
                continue
            found.append(DocMention(start, end, match.group(), ORG, index))
    return found


PLACE_BODY_SUBTYPES = ("province", "city", "district", "town")
COUNTRY_BODIES = ("人民政府", "政府")
COMPANY_AFTER_NAME = ("股份有限公司", "有限公司", "公司", "集团")


def _bodies_after(m: DocMention) -> tuple[str, ...]:
    """Words that, right after mention `m`, make it the name of an organisation."""
    if m.label == PERSON:
        return COMPANY_AFTER_NAME  # 克劳森|公司
    if m.label == LOC:
        subtype = loc_subtype(m.text)
        return COUNTRY_BODIES if subtype == "country" else LOCAL_BODY_NAMES if subtype in PLACE_BODY_SUBTYPES else ()
    return ()


def body_name_mentions(analysis: DocAnalysis, mentions: list[DocMention]) -> list[DocMention]:
    """A place directly followed by one of its bodies (浑南区政府, 沈阳市工信局, 辽宁省科协,
    美国政府) is that body, and a "person" directly followed by 公司 or 集团 names a company
    (克劳森公司): the NER corpora tag only the place or the name there."""
    by_start = {m.start: m for m in mentions}
    out, absorbed = [], set()
    for m in mentions:
        if id(m) in absorbed:
            continue
        body = next((b for b in _bodies_after(m) if analysis.text.startswith(b, m.end)), None)
        following = by_start.get(m.end)
        if body and m.end + len(body) <= analysis.sentences[m.sentence].end and (
                following is None or following.end == m.end + len(body)):
            if following is not None:
                absorbed.add(id(following))  # 沈阳市|工信局 tagged apart: one body
            m = DocMention(m.start, m.end + len(body), m.text + body, ORG, m.sentence)
        out.append(m)
    return out


ZONE_NAME_BREAKS = set("的和与及在是为了将对从向到把被或、，。；：！？“”‘’（）《》 　")


ZONE_NAME_MAX = 12  # 沈阳|高新技术产业开发区: characters after the place


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
        if m.label == LOC and loc_subtype(m.text) != "zone":
            limit = min(analysis.sentences[m.sentence].end, m.end + ZONE_NAME_MAX)
            for end in range(m.end + 1, limit + 1):
                if text[end - 1] in ZONE_NAME_BREAKS:
                    break
                if end - m.end >= 2 and text[m.end:end].endswith(ZONE_SUFFIXES):
                    zone_end = end
                    while zone_end < limit and text[m.end:zone_end + 1].endswith(ZONE_SUFFIXES):
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


# Head words that end the name of an organisation founded or named in news text: a lab,
# centre, consortium, alliance, association or group (辽宁省机器人产业创新联盟).
NAMED_BODY_HEADS = tuple(sorted((
    "联合实验室", "重点实验室", "实验室", "联合研究中心", "研究中心", "创新中心", "工程中心", "技术中心", "研究院",
    "研究所", "创新联合体", "联合体", "产业联盟", "创新联盟", "联盟", "协会", "学会", "商会", "联合会", "促进会",
    "基金会", "研究会", "集团", "股份有限公司", "有限公司", "有限责任公司", "公司", "俱乐部"), key=len, reverse=True))
COMPANY_HEADS = ("集团", "股份有限公司", "有限公司", "有限责任公司", "公司")
JOINT_HEADS = ("联合实验室", "联合研究中心", "联合体", "联盟", "中心")
NAMED_BODY_MIDDLE_MAX = 12
# Verbs and words that end a clause between a place and a body word (沈阳市|大力发展|…联盟).
CLAUSE_WORDS = re.compile("发展|建设|成立|组建|加入|推动|支持|打造|举办|召开|牵头|共建|设立|推进|引进|培育|依托|签约|签署"
                          "|合作|携手|参与|担任|受聘|出任|新建|创建|建立|组织|成为|作为|联合(?!实验室|研究|体|会)"
                          "|申报|获批|入选|认定|授予|[一二三四五六七八九十两几数多]+[个家所项批支座]|这家|该|首个|首家|旗下|下属|所属|以及")
# A generic word before a name: the name starts after it (新加坡企业|汇通供应链集团).
KIND_WORDS = ("企业", "公司", "单位", "机构", "高校", "院校", "品牌")
QUOTED_NAME = re.compile(r"[“\"「『]([^“”\"「」『』，。；：！？、\n]{4,30})[”\"」』]")


_HEAD_LAST_CHARS = frozenset(h[-1] for h in NAMED_BODY_HEADS)


def _body_head(name: str) -> str | None:
    """The named-body head word `name` ends with (the longest), if any."""
    if not name or name[-1] not in _HEAD_LAST_CHARS:
        return None  # the common case, checked cheaply: this runs for every character after a name
    return next((head for head in NAMED_BODY_HEADS if name.endswith(head)), None)


def named_body_mentions(analysis: DocAnalysis, mentions: list[DocMention]) -> list[DocMention]:
    """Names of labs, consortia, alliances and groups that the model tagged in pieces or
    not at all: a quoted name ending in such a word (“哈工大—北方智造机器人联合研究中心”);
    a place or organisation followed, within one clause, by more name and such a word
    (辽宁省|机器人产业创新|联盟); two organisations joined by a dash into a joint body
    (东北大学—北辰钢铁智能冶金联合实验室). A board of the body after it (理事会) is not part
    of its name; mentions inside the new name give way to it."""
    text = analysis.text
    found: list[tuple[int, int, int]] = []  # (start, end, sentence)
    for index, sentence in enumerate(analysis.sentences):
        for match in QUOTED_NAME.finditer(text, sentence.start, sentence.end):
            name = match.group(1)
            if _body_head(name) and not is_generic_org(name) and not CLAUSE_WORDS.search(name.split("—")[-1]):
                found.append((match.start(1), match.end(1), index))
    person_starts = {m.start + 1 for m in mentions if m.label == PERSON}  # a name ends the body's
    for m in mentions:
        # a foreign-looking "person" before more name and 公司 is the company's name (克劳森|自动化公司)
        company_only = m.label == PERSON
        if company_only and (_chinese_name_start(m.text) or "·" in m.text):
            continue
        sentence_end = analysis.sentences[m.sentence].end
        start, j = m.start, m.end
        joined = False
        if m.label == ORG and j < sentence_end and text[j] in "—–-－" and j + 1 < sentence_end:
            j += 1  # 东北大学—北辰钢铁…联合实验室
            joined = True
        best, head = None, None
        limit = min(sentence_end, j + NAMED_BODY_MIDDLE_MAX + len(NAMED_BODY_HEADS[0]))
        for end in range(j + 1, limit + 1):
            ch = text[end - 1]
            if ch in ZONE_NAME_BREAKS or ch.isdigit() or ch.isspace() or ch == "\ufffd" or end in person_starts:
                break
            tail = text[j:end]
            tail_head = _body_head(tail)
            if not tail_head or (joined and not tail.endswith(JOINT_HEADS)):
                continue
            best, head = end, tail_head
            if any(text.startswith(b, end) for b in SUB_BODIES):
                break  # …创新联合体|理事会
        if best is None:
            continue
        middle = text[j:best]
        name_part = middle[: len(middle) - len(head)]  # between the anchor and the head word
        if not 1 <= len(name_part) <= NAMED_BODY_MIDDLE_MAX:
            continue
        if company_only and (head not in COMPANY_HEADS or len(name_part) > 4):
            continue
        if CLAUSE_WORDS.search(middle if joined else name_part) or _any_title_regex().search(name_part):
            continue
        kind = max((name_part.rfind(w) + len(w) for w in KIND_WORDS if w in name_part), default=-1)
        if kind >= 0:
            start = j + kind  # 新加坡企业|汇通供应链集团
            if best - start - len(head) < 2:
                continue
        found.append((start, best, m.sentence))
    if not found:
        return mentions
    found = sorted(set(found), key=lambda f: (f[0], -(f[1] - f[0])))
    kept_spans: list[tuple[int, int, int]] = []
    for f in found:  # longest first at each start; no two new names overlap
        if not any(k[0] < f[1] and f[0] < k[1] for k in kept_spans):
            kept_spans.append(f)

    def gives_way(m: DocMention, s: int, e: int) -> bool:
        inside = s <= m.start and m.end <= e and (m.start, m.end) != (s, e)
        runs_past = s < m.end and m.start < e and m.end > e and m.label == ORG  # 联合体|理事会 from inside
        return inside or runs_past

    out = [m for m in mentions if not any(gives_way(m, s, e) for s, e, _ in kept_spans)]
    taken = {(m.start, m.end) for m in out}
    out.extend(DocMention(s, e, text[s:e], ORG, i) for s, e, i in kept_spans if (s, e) not in taken)
    return sorted(out, key=lambda d: (d.start, d.end))


SOURCE_LINE = re.compile(r"(?:来源|稿源|转自|来自)\s*[：:]\s*([\u4e00-\u9fffA-Za-z]{2,12}?(?:日报|晚报|早报|时报|周报|报|杂志|电视台|广播电台"
                         r"|通讯社|新闻网|网|客户端)|新华社|中新社|央视新闻|人民网|新华网)(?![\u4e00-\u9fff])")


def source_line_mentions(analysis: DocAnalysis, mentions: list[DocMention]) -> list[DocMention]:
    """The outlet on a web page's source line (来源：辽宁日报) is a media organisation, even
    where the model read only the place in its name."""
    found = []
    for match in SOURCE_LINE.finditer(analysis.text):
        start, end = match.span(1)
        sentence = _sentence_at(analysis, start)
        if sentence is not None:
            found.append(DocMention(start, end, match.group(1), ORG, sentence))
    if not found:
        return mentions
    out = [m for m in mentions if not any(f.start < m.end and m.start < f.end for f in found)]
    return sorted(out + found, key=lambda d: (d.start, d.end))


REGION_WORDS = ("地区", "一带")


def region_mentions(analysis: DocAnalysis, mentions: list[DocMention]) -> list[DocMention]:
    """A place directly followed by 地区 names that region (东北地区, 长三角地区), the same place
    as the bare name; an "organisation" that is a region's headquarters (东北亚区域总部) is
    that region."""
    text = analysis.text
    starts = {m.start for m in mentions}
    out = []
    for m in mentions:
        if m.label == LOC and not m.text.endswith(REGION_WORDS) and loc_subtype(m.text) not in ("zone", "village", "town"):
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


PROPAGATE_MIN_CHARS = {ORG: 4, LOC: 3}  # shorter names occur inside other words too often


def _sentence_at(analysis: DocAnalysis, position: int) -> int | None:
    """Index of the sentence holding the character at `position` (sentences are in order)."""
    index = bisect_right([s.start for s in analysis.sentences], position) - 1
    return index if index >= 0 and position < analysis.sentences[index].end else None


def _sentence_of(analysis: DocAnalysis, start: int, end: int) -> int | None:
    """Index of the sentence holding the whole span, or None."""
    index = _sentence_at(analysis, start)
    return index if index is not None and end <= analysis.sentences[index].end else None


def consistent_mentions(analysis: DocAnalysis, mentions: list[DocMention]) -> list[DocMention]:
    """One name, one reading within a document: a mention cut short where the text goes on
    as a longer name found elsewhere in the document becomes that name (郑国|强调研 ->
    郑国强, 辽宁省机器 -> 辽宁省机器人产业创新联盟), and organisation and place names found
    once are found again where the model left them untagged."""
    text = analysis.text
    short_names = set()
    for m in mentions:
        # a company named in full goes by the head of its distinctive part later on
        # (北方智造机器人股份有限公司 ... 北方智造董事长): that short name is a name too
        if m.label == ORG and len(m.text) >= 6 and org_subtype(m.text) == "company":
            core = company_core(m.text)
            if 4 <= len(core) <= 5:
                short_names.add(core)  # 上海浦芯半导体有限公司 -> 浦芯半导体
            elif len(core) > 5:
                short_names.add(core[:4])  # 北方智造机器人股份有限公司 -> 北方智造
        if m.label == ORG and m.text.endswith(("大学", "集团")) and len(m.text) >= 6:
            short_names.add(m.text[:-2])  # 大连理工大学 -> 大连理工
    known = sorted({(m.text, m.label) for m in mentions if len(m.text) >= 2} | {(n, ORG) for n in short_names},
                   key=lambda n: (-len(n[0]), n))
    extended = []
    for m in mentions:
        for name, label in known:
            if len(name) > len(m.text) and name.startswith(m.text) and text.startswith(name, m.start):
                if analysis.sentences[m.sentence].end >= m.start + len(name):
                    m = DocMention(m.start, m.start + len(name), name, label, m.sentence)
                    break
        extended.append(m)
    extended.sort(key=lambda d: (d.start, -(d.end - d.start)))
    kept: list[DocMention] = []
    for m in extended:  # a mention inside an extended one is part of it
        if kept and m.start < kept[-1].end:
            continue
        kept.append(m)
    covered = bytearray(len(text))
    for m in kept:
        covered[m.start : m.end] = b"\x01" * (m.end - m.start)
    found = sorted({(m.text, m.label) for m in kept} | {(short, ORG) for short in short_names},
                   key=lambda n: (-len(n[0]), n))
    for name, label in found:
        if len(name) < PROPAGATE_MIN_CHARS.get(label, 10**6):
            continue
        if name not in short_names and any(len(other) > len(name) and other.startswith(name) for other, _ in found):
            continue  # 北辰钢铁 beside 北辰钢铁集团: its other occurrences may be cut-off pieces
        start = text.find(name)
        while start >= 0:
            end = start + len(name)
            if not any(covered[start:end]):
                sentence = _sentence_of(analysis, start, end)
                if sentence is not None:
                    kept.append(DocMention(start, end, name, label, sentence))
                    covered[start:end] = b"\x01" * len(name)
            start = text.find(name, end)
    return sorted(kept, key=lambda d: (d.start, d.end))


def party_group_mentions(analysis: DocAnalysis, mentions: list[DocMention]) -> list[DocMention]:
    """吉林省工商联党组|书记: the title is 党组书记 and the organisation the body itself."""
    out = []
    for m in mentions:
        group = next((g for g in PARTY_GROUPS if m.label == ORG and m.text.endswith(g) and len(m.text) - len(g) >= 2), None)
        if group and analysis.text.startswith(("书记", "副书记", "成员"), m.end):
            m = DocMention(m.start, m.end - len(group), m.text[: -len(group)], ORG, m.sentence)
        out.append(m)
    return out


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


def document_facts(analysis: DocAnalysis, source: str = "") -> DocFacts:
    mentions = repair_mentions(analysis)
    for rule in (source_line_mentions, place_chain_mentions, body_name_mentions, named_body_mentions, zone_mentions,
                 region_mentions):
        mentions = rule(analysis, mentions)
    # short forms the text gives are names before one name gets one reading (辽河|轴承 later
    # is the company, not the river); body names run again: 浦东|新区 may be joined before 政府
    mentions, abbreviations = short_form_notes(analysis, mentions)
    for rule in (consistent_mentions, body_name_mentions, party_group_mentions):
        mentions = rule(analysis, mentions)
    mentions = sorted(mentions + local_body_mentions(analysis, mentions), key=lambda d: (d.start, d.end))
    positions, title_orgs = title_chains(analysis, mentions)
    # organisations read from titles that the model did not tag become mentions too
    known = {(m.start, m.end) for m in mentions}
    mentions.extend(m for m in title_orgs if (m.start, m.end) not in known)
    mentions.sort(key=lambda d: (d.start, d.end))
    mentions = _unique_spans(mentions)
    media_counts = Counter(m.text for m in mentions if m.label == ORG and org_subtype(m.text) == "media")
    media = source or (media_counts.most_common(1)[0][0] if media_counts else None)
    per_sentence = Counter(m.sentence for m in mentions)
    quoted = {i: analysis.sentence_text(i) for i, n in per_sentence.items() if n >= 2}
    for p in positions:
        quoted.setdefault(p.sentence, analysis.sentence_text(p.sentence))
    home_city = _home_city(analysis.text, mentions)
    return DocFacts(
        doc_id=analysis.doc_id,
        mentions=mentions,
        paragraphs=[s.paragraph for s in analysis.sentences],
        positions=positions,
        abbreviations=abbreviations,
        home_city=home_city,
        home_province=_home_province(mentions, home_city),
        media=media,
        sentence_texts=quoted,
    )


# ---- alias merging ------------------------------------------------------------------------

COMPANY_SUFFIXES = ("集团股份有限公司", "集团有限责任公司", "集团有限公司", "股份有限公司", "有限责任公司",
                    "有限公司", "集团公司", "集团", "公司")

# How the last word of a full name may be shortened at the end of an abbreviation.
SUFFIX_ABBREVIATIONS = {
    "大学": ("大",), "学院": ("院",), "研究院": ("院", "研院"), "研究所": ("所",), "科学院": ("院", "科院"),
    "工程院": ("院",), "实验室": ("室", "实验室"), "委员会": ("委",), "银行": ("行",), "集团": ("集团",),
    "公司": ("公司", "司"), "研究中心": ("中心",), "管理委员会": ("管委会", "管委"), "医院": ("院", "医院"),
    "政府": ("府",), "联合会": ("联",), "协会": ("协",), "中心": ("中心",), "局": ("局",), "厅": ("厅",),
    "开发区": ("区",), "产业园区": ("区", "园"), "园区": ("区", "园"), "试验区": ("区",), "示范区": ("区",),
}
# A full name minus these words is still that organisation (大连理工 = 大连理工大学).
DROPPABLE_SUFFIXES = ("大学", "集团", "公司", "股份有限公司", "有限公司")


# Standard short forms of the words in public bodies' names (科学技术协会 is written 科协,
# 工业和信息化局 工信局): a name and its short-word form are one body.
BODY_WORD_SHORT_FORMS = {
    "科学技术协会": "科协", "工商业联合会": "工商联", "妇女联合会": "妇联", "文学艺术界联合会": "文联",
    "归国华侨联合会": "侨联", "总工会": "总工会", "共青团": "团",
    "工业和信息化部": "工信部", "工业和信息化厅": "工信厅", "工业和信息化局": "工信局",
    "科学技术部": "科技部", "科学技术厅": "科技厅", "科学技术局": "科技局",
    "发展和改革委员会": "发改委", "国有资产监督管理委员会": "国资委", "卫生健康委员会": "卫健委",
    "人力资源和社会保障局": "人社局", "人力资源和社会保障厅": "人社厅", "住房和城乡建设局": "住建局",
    "市场监督管理局": "市场监管局", "文化和旅游局": "文旅局", "文化和旅游厅": "文旅厅",
    "人民代表大会常务委员会": "人大常委会", "人民政府": "政府",
    "高新技术产业开发区": "高新区", "高新技术产业园区": "高新区", "经济技术开发区": "经开区",
    "自由贸易试验区": "自贸区",
}
_BODY_WORDS = sorted(BODY_WORD_SHORT_FORMS, key=len, reverse=True)


# The official long word for each short one (高新区 -> 高新技术产业开发区, the usual one of two).
BODY_WORD_LONG_FORMS = {short: long for long, short in reversed(list(BODY_WORD_SHORT_FORMS.items()))
                        if len(short) >= 2 and short != long and short != "政府"}
_SHORT_BODY_WORDS = sorted(BODY_WORD_LONG_FORMS, key=len, reverse=True)


def official_name(name: str) -> str:
    """A public body's name with its standard short words written out (辽宁省科协 ->
    辽宁省科学技术协会, 浦东新区政府 -> 浦东新区人民政府): the name the body itself uses."""
    for short in _SHORT_BODY_WORDS:
        long = BODY_WORD_LONG_FORMS[short]
        at = name.find(short)
        if at >= 2 and long not in name:  # 市科技局 without its city stays as written
            name = name[:at] + long + name[at + len(short):]
    at = name.find("政府")
    if at >= 2 and not name.endswith("人民政府", 0, at + 2) and _is_domestic_place(name[:at]):
        name = name[:at] + "人民" + name[at:]
    return name


def _is_domestic_place(name: str) -> bool:
    """A Chinese province, city, district or county (whose government is its 人民政府)."""
    return (name not in countries() and loc_subtype(full_place_name(name)) in ("province", "city", "district", "town")
            and name.endswith(("省", "市", "区", "县", "州", "旗", "镇", "乡")))


def body_key(name: str) -> str:
    """`name` with the standard long words of public bodies' names in their short form."""
    for word in _BODY_WORDS:
        if word in name:
            name = name.replace(word, BODY_WORD_SHORT_FORMS[word])
    return name


def company_key(name: str) -> str:
    for suffix in COMPANY_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


INDUSTRY_WORDS = ("科技", "技术", "股份", "控股", "实业", "发展", "国际", "装备", "制造", "信息", "网络", "智能")


def company_core(name: str) -> str:
    """The distinctive part of a company name: no legal suffix, industry word or leading
    place name (沈阳盛京云数科技有限公司 -> 盛京云数)."""
    core = company_key(name)
    changed = True
    while changed:
        changed = False
        for word in INDUSTRY_WORDS:
            if core.endswith(word) and len(core) - len(word) >= 2:
                core = core[: -len(word)]
                changed = True
    for cut in (3, 2):
        head = core[:cut]
        if len(core) - cut >= 2 and (head in provinces() or head in places() or full_place_name(head) != head):
            return core[cut:]
    return core


def company_short_form_score(short: str, full: str) -> float:
    """A company's short name: its core, a prefix of its core (北方智造 = 北方智造机器人股份有限公司),
    or the core's characters in order with the same first and last (辽河轴承 = 辽河精密轴承有限公司)."""
    if short == full or len(short) < 2:
        return 0.0
    short_key, full_core, full_key = company_key(short), company_core(full), company_key(full)
    if len(short_key) < 2 or short_key == full_key:
        return 0.0
    for core in (full_key, full_core):
        if core.startswith(short_key) and len(short_key) >= 2 and short_key != core[:1]:
            return 0.9 if len(short_key) >= 3 or core == short_key else 0.6
    if (short_key[0] == full_core[0] and short_key[-1] == full_core[-1] and len(short_key) >= 3
            and _is_subsequence(short_key, full_core)):
        return 0.7
    return 0.0


def _is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def abbreviation_score(short: str, full: str, known_orgs: Iterable[str] = ()) -> float:
    """How well `short` abbreviates `full` (0 = not at all).

    The short form's characters must be an ordered subsequence of the full name read from
    its start or from just after a parent organisation's name (中国科学院|上海光学…研究所),
    begin with the same character there, and end with a shortened form of the full name's
    last word (哈工大: 大学 -> 大). A short form that ends with the whole last word is a
    full name of its own (东北大学 is no abbreviation of 东北财经大学).
    """
    if len(short) >= len(full) or len(short) < 2:
        return 0.0
    for droppable in DROPPABLE_SUFFIXES:
        if full.endswith(droppable) and full[: -len(droppable)] == short and len(short) >= 3:
            return 1.0
    known = known_orgs if isinstance(known_orgs, (set, frozenset, dict)) else set(known_orgs)
    parents = [full[:k] for k in range(2, len(full) - 2) if full[:k] in known]
    if any(full == org + short for org in parents) and len(short) >= 3:
        return 1.0  # 金属研究所 = 中国科学院 + 金属研究所
    if len(short) >= 4 and full.endswith(short) and org_subtype(full[: -len(short)]) in (
            "institute", "university", "government", "association", "company"):
        return 1.0  # 金属研究所 = 中科院 + 金属研究所: the parent reads as an organisation
    suffix = next((s for s in sorted(SUFFIX_ABBREVIATIONS, key=len, reverse=True) if full.endswith(s)), None)
    if suffix is None:
        return 0.0
    if short.endswith(suffix) and suffix not in SUFFIX_ABBREVIATIONS[suffix]:
        # ends with the whole last word: an abbreviation only when the distinctive part
        # before it is abbreviated too and ends alike (中科院金属研究所), not a different,
        # shorter name (东北大学 vs 东北财经大学)
        short_core, full_core = short[: -len(suffix)], full[: -len(suffix)]
        if not short_core or short_core[-1] != full_core[-1] or full_core.startswith(short_core):
            return 0.0
    elif not any(short.endswith(a) for a in SUFFIX_ABBREVIATIONS[suffix]):
        return 0.0
    starts = {0} | {len(org) for org in parents}
    for keyword in ("科学院", "工程院", "集团", "公司", "大学", "研究院"):
        pos = full.find(keyword)
        if 0 <= pos and pos + len(keyword) < len(full) - 2:
            starts.add(pos + len(keyword))
    best = 0.0
    for start in starts:
        rest = full[start:]
        if rest and rest[0] == short[0] and _is_subsequence(short, rest):
            # more of the short form matching the head of the name is stronger evidence
            head = 0
            while head < len(short) and head < len(rest) and short[head] == rest[head]:
                head += 1
            best = max(best, 0.5 + 0.5 * head / len(short))
    return best


def read_alias_file(path: str | Path) -> tuple[dict[str, tuple[str, str | None]], set[frozenset[str]]]:
    """`alias,canonical[,type]` lines (CSV, or YAML mapping/list). A canonical written as
    `!name` forbids merging the alias with `name`."""
    path = Path(path)
    rows: list[tuple[int, list[str]]] = []  # (line or item number, cells)
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() in (".yaml", ".yml"):
        import yaml

        try:
            data = yaml.safe_load(text) or []
        except yaml.YAMLError as exc:
            raise ValueError(f"{path}: not valid YAML: {exc}") from None
        if isinstance(data, dict):
            data = [{"alias": k, "canonical": v} for k, v in data.items()]
        if not isinstance(data, list):
            raise ValueError(f"{path}: expected a mapping or a list of alias entries")
        for number, item in enumerate(data, 1):
            if isinstance(item, dict):
                rows.append((number, [str(item.get("alias", "")), str(item.get("canonical", "")), str(item.get("type", "") or "")]))
            elif isinstance(item, list):
                rows.append((number, [str(x) for x in item]))
            else:
                raise ValueError(f"{path}: item {number}: expected [alias, canonical, type] or a mapping, got {item!r}")
    else:
        try:
            for number, row in enumerate(csv.reader(text.splitlines()), 1):
                if row and not row[0].startswith("#") and any(cell.strip() for cell in row):
                    rows.append((number, [cell.strip() for cell in row]))
        except csv.Error as exc:
            raise ValueError(f"{path}: not valid CSV: {exc}") from None
    aliases: dict[str, tuple[str, str | None]] = {}
    forbidden: set[frozenset[str]] = set()
    for number, row in rows:
        if len(row) < 2 or not row[0] or not row[1]:
            raise ValueError(f"{path}:{number}: expected 'alias,canonical[,type]', got {row!r}")
        if row[0].lower() == "alias" and row[1].lower() == "canonical":
            continue
        alias, canonical = row[0], row[1]
        kind = row[2].upper() if len(row) > 2 and row[2] else None
        if kind is not None and kind not in (PERSON, ORG, LOC):
            raise ValueError(f"{path}:{number}: type must be PERSON, ORG or LOC, not {row[2]!r}")
        if canonical.startswith("!"):
            forbidden.add(frozenset((alias, canonical[1:])))
        else:
            aliases[alias] = (canonical, kind)
    return aliases, forbidden


@dataclass
class AliasConfig:
    aliases: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    forbidden: set[frozenset[str]] = field(default_factory=set)


class _UnionFind:
    def __init__(self):
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


GOVERNMENT_HEAD_TITLES = ("省长", "市长", "区长", "县长", "镇长", "乡长", "州长", "旗长")
PARTY_TITLES = ("书记", "副书记", "常委")


def _position_org(org: str, label: str, title: str) -> tuple[str, str]:
    """A place as a title's organisation stands for its government or party committee."""
    if label != LOC:
        return org, label
    if title_kind(title) == "journalist":
        return "", ""  # 驻意大利记者: where the reporter is posted, not whom they work for
    place = full_place_name(org)
    bare_title = _bare_title(title)
    if bare_title in GOVERNMENT_HEAD_TITLES:
        return place + "人民政府", ORG
    if bare_title in PARTY_TITLES and place.endswith(("省", "市", "县", "区")):
        return place + "委", ORG
    return place, LOC


def _implied_government(title: str, facts: DocFacts) -> str | None:
    """副市长陈某 with no organisation written: the government of the document's city (or
    province, for 省长)."""
    bare = _bare_title(title)
    if bare == "市长" and facts.home_city and facts.home_city.endswith("市"):
        return facts.home_city + "人民政府"
    if bare == "省长" and facts.home_province and facts.home_province.endswith("省"):
        return facts.home_province + "人民政府"
    return None


def resolve(all_facts: Iterable[DocFacts], config: AliasConfig | None = None,
            spill_dir: str | Path | None = None) -> Resolution:
    """Per-document facts -> canonical entities, their occurrences and officials' positions.

    `all_facts` is read several times (label votes, aliases, types, entities), one document
    at a time: pass a list or a re-iterable store such as kg.cache.FactSpill; a one-shot
    iterator is read into a list first. Memory grows with the number of distinct names, not
    with the number of documents: the per-document results go to a temporary file (in
    `spill_dir`) from which `Resolution.by_document` reads the occurrences back."""
    config = config or AliasConfig()
    facts_list = list(all_facts) if iter(all_facts) is all_facts else all_facts
    forced_type = {canonical: kind for canonical, kind in config.aliases.values() if kind}

    def forbidden(a: str, b: str) -> bool:
        return frozenset((a, b)) in config.forbidden

    # 1. the surface each mention stands for (per document), and its votes for a type
    label_votes: dict[str, Counter] = defaultdict(Counter)
    surface_docs: Counter = Counter()  # surface -> documents naming it
    for facts in facts_list:
        named = set()
        for m in facts.mentions:
            label_votes[m.text][m.label] += 1
            named.add(m.text)
        for p in facts.positions:
            if p.organisation:
                org, label = _position_org(p.organisation, p.org_label, p.title)
                label_votes[org][label] += 0.5
                named.add(org)
        surface_docs.update(named)
    label_of = {s: votes.most_common(1)[0][0] for s, votes in label_votes.items()}
    orgs = sorted(s for s, lab in label_of.items() if lab == ORG)
    org_set = set(orgs)
    orgs_with_char: dict[str, set[str]] = defaultdict(set)  # an abbreviation's characters all occur in its full name
    for org in orgs:
        for ch in set(org):
            orgs_with_char[ch].add(org)
    zones = sorted(s for s, lab in label_of.items() if lab == LOC and loc_subtype(s) == "zone")
    places_by_bare: dict[str, list[str]] = defaultdict(list)
    for loc in sorted(s for s, lab in label_of.items() if lab == LOC):
        if bare_place_name(loc) != loc:
            places_by_bare[bare_place_name(loc)].append(loc)

    @lru_cache(maxsize=None)
    def org_candidates(surface: str) -> tuple[tuple[float, str], ...]:
        """Fuller organisation names `surface` may stand for, with scores (cached per form)."""
        pools = [orgs_with_char.get(ch, set()) for ch in set(company_key(surface) or surface)]
        pool = set.intersection(*pools) if pools else set()
        is_company = org_subtype(surface) in ("company", "other")
        found = []
        for full in sorted(pool):
            if full == surface or len(full) <= len(surface) or forbidden(surface, full):
                continue
            score = abbreviation_score(surface, full, org_set)
            if not score and is_company and org_subtype(full) == "company":
                score = company_short_form_score(surface, full)
            if score > 0:
                found.append((score, full))
        return tuple(found)

    def rewrite(surface: str, facts: DocFacts, doc_surfaces: set[str], doc_abbrev: dict[str, str], label: str | None) -> str:
        """Document-level resolution of a surface form to a fuller one."""
        if surface in config.aliases:
            return config.aliases[surface][0]
        standard = standard_aliases().get(surface)
        if standard and standard[1] == label_of.get(surface, label) and not forbidden(surface, standard[0]):
            return standard[0]  # 党中央 -> 中共中央, 美 -> 美国
        label = label_of.get(surface, label)
        if surface in doc_abbrev and not forbidden(surface, doc_abbrev[surface]):
            return doc_abbrev[surface]
        if label == ORG:
            local = LOCAL_BODY.match(surface)
            if local and local.group(1) == "市" and facts.home_city and facts.home_city.endswith("市"):
                return facts.home_city + surface[1:]
            if local and local.group(1) == "省" and facts.home_province and facts.home_province.endswith("省"):
                return facts.home_province + surface[1:]
        if label == LOC:
            if surface in provinces():
                full = provinces()[surface][0]
                return full if not forbidden(surface, full) else surface
            candidates = [c for c in places_by_bare.get(surface, []) if c != surface]
            local_candidates = [c for c in candidates if c in doc_surfaces]
            pick = local_candidates if local_candidates else candidates
            if len(pick) == 1 and not forbidden(surface, pick[0]):
                return pick[0]
            if not candidates:
                full = full_place_name(surface)
                if full != surface and not forbidden(surface, full):
                    return full
            if len(surface) >= 4 and loc_subtype(surface) == "zone":
                # 浑河智造产业园 = 沈阳浑河智造产业园: the zone's name with its city before it
                fuller = [z for z in zones if len(z) > len(surface) and z.endswith(surface)
                          and _known_place(z[: -len(surface)]) and not forbidden(surface, z)]
                local = [z for z in fuller if z in doc_surfaces]
                pick = local or fuller
                if len(pick) == 1:
                    return pick[0]
        if label == ORG:
            scored = [(full in doc_surfaces, score, -len(full), full) for score, full in org_candidates(surface)]
            if scored:
                scored.sort(reverse=True)
                best = scored[0]
                tied = [s for s in scored if s[:2] == best[:2]]
                if len(tied) == 1:
                    return best[3]
        return surface

    resolved_docs = FactSpill(spill_dir)  # (facts, mapping) per document, read back below
    targets: set[str] = set()
    for facts in facts_list:
        doc_surfaces = {m.text for m in facts.mentions}
        doc_abbrev = {short: full for short, full in facts.abbreviations}
        mapping = {}
        position_orgs = {_position_org(p.organisation, p.org_label, p.title)[0] for p in facts.positions if p.organisation}
        position_orgs |= {g for g in (_implied_government(p.title, facts) for p in facts.positions if not p.organisation) if g}
        for surface in doc_surfaces | position_orgs:
            target = surface
            for _ in range(3):  # 中科院 -> 中国科学院 ; 市工商联 -> 沈阳市工商联 -> 沈阳市工商业联合会
                nxt = rewrite(target, facts, doc_surfaces, doc_abbrev, label_of.get(surface))
                if nxt == target:
                    break
                target = nxt
            mapping[surface] = target
        targets.update(mapping.values())
        resolved_docs.append((facts, mapping))

    # 2. symmetric variants: company suffixes (鞍钢集团 / 鞍钢集团有限公司 / 鞍钢)
    uf = _UnionFind()
    by_company_key: dict[str, list[str]] = defaultdict(list)
    for t in sorted(targets):
        label = forced_type.get(t) or label_of.get(t, ORG)
        uf.find(t)
        if label == ORG and org_subtype(t) in ("company", "other"):
            by_company_key[company_key(t)].append(t)
        elif label == ORG or (label == LOC and loc_subtype(t) == "zone"):
            by_company_key[f"body:{label}:{body_key(t)}"].append(t)  # 辽宁省科学技术协会 / 辽宁省科协
    members_of: dict[str, set[str]] = {t: {t} for t in targets}

    def union_allowed(a: str, b: str) -> None:
        ra, rb = uf.find(a), uf.find(b)
        if ra == rb or any(forbidden(x, y) for x in members_of[ra] for y in members_of[rb]):
            return  # a forbidden pair would end up in one entity, through a third name or not
        uf.union(a, b)
        root = uf.find(a)
        members_of[root] = members_of.pop(ra) | members_of.pop(rb) if ra != rb else members_of[ra]

    for key, group in by_company_key.items():
        for other in group[1:]:
            union_allowed(group[0], other)

    # 3. entities
    members: dict[str, set[str]] = defaultdict(set)
    for t in targets:
        members[uf.find(t)].add(t)
    canonical_of: dict[str, str] = {}
    for root, group in members.items():
        canonical = max(group, key=lambda s: (len(s), surface_docs.get(s, 0), s))
        label = forced_type.get(canonical) or label_of.get(canonical, ORG)
        official = official_name(canonical)
        if (label == ORG or loc_subtype(canonical) == "zone") and canonical not in forced_type \
                and not forbidden(canonical, official):
            canonical = official  # 辽宁省科协 -> 辽宁省科学技术协会
        for t in group:
            canonical_of[t] = canonical

    entities: dict[str, Entity] = {}
    positions: list[Position] = []
    alias_counts: dict[str, Counter] = defaultdict(Counter)
    entity_docs: Counter = Counter()  # entity id -> documents
    type_votes: dict[str, Counter] = defaultdict(Counter)

    def entity_id(canonical: str, label: str) -> str:
        return f"{label}:{canonical}"

    canonical_label: dict[str, str] = {}
    for facts, mapping in resolved_docs:
        for m in facts.mentions:
            canonical = canonical_of[mapping[m.text]]
            type_votes[canonical][m.label] += 1
    for canonical in set(canonical_of.values()):
        forced = forced_type.get(canonical)
        if forced in (PERSON, ORG, LOC):
            canonical_label[canonical] = forced
        elif type_votes[canonical]:
            canonical_label[canonical] = type_votes[canonical].most_common(1)[0][0]
        else:
            canonical_label[canonical] = label_of.get(canonical, ORG)

    def ensure(canonical: str) -> Entity:
        label = canonical_label.get(canonical) or label_of.get(canonical, ORG)
        eid = entity_id(canonical, label)
        if eid not in entities:
            entities[eid] = Entity(id=eid, name=canonical, type=label)
        return entities[eid]

    person_titles: dict[str, list[str]] = defaultdict(list)
    person_roles: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    person_orgs: dict[str, list[str]] = defaultdict(list)
    for facts, mapping in resolved_docs:
        in_document: set[str] = set()  # entities this document names
        for m in facts.mentions:
            canonical = canonical_of[mapping[m.text]]
            entity = ensure(canonical)
            entity.mentions += 1
            alias_counts[entity.id][m.text] += 1
            in_document.add(entity.id)
        seen_positions = set()
        for p in facts.positions:
            person = ensure(canonical_of[mapping[p.person]])
            org_entity = None
            title = p.title
            org_surface, org_label = _position_org(p.organisation, p.org_label, title) if p.organisation else ("", "")
            if p.organisation and (org_surface == "本报" or org_surface.startswith("本报")):
                org_surface = ""  # 本报记者: the document's own paper
            implied = _implied_government(title, facts) if not org_surface else None
            if implied:
                canonical = canonical_of.get(mapping.get(implied, implied), implied)
                canonical_label.setdefault(canonical, ORG)
                org_entity = ensure(canonical)
                in_document.add(org_entity.id)
            elif not org_surface and title_kind(title) == "journalist" and title != "通讯员" and facts.media:
                media = canonical_of.get(mapping.get(facts.media, facts.media), facts.media)
                canonical_label.setdefault(media, ORG)
                org_entity = ensure(media)
            elif org_surface:
                target = mapping.get(org_surface, org_surface)
                canonical = canonical_of.get(target, target)
                canonical_label.setdefault(canonical, org_label)
                org_entity = ensure(canonical)
                in_document.add(org_entity.id)
                if org_surface == p.organisation:
                    alias_counts[org_entity.id][p.organisation] += 0
            key = (person.id, title, org_entity.id if org_entity else None)
            if key in seen_positions:
                continue
            seen_positions.add(key)
            if title not in person_titles[person.id]:
                person_titles[person.id].append(title)
            person_roles[person.id].append((title, org_subtype(org_entity.name) if org_entity and org_entity.type == ORG else None))
            if org_entity is not None and org_entity.name not in person_orgs[person.id]:
                person_orgs[person.id].append(org_entity.name)
            positions.append(
                Position(person.id, title, org_entity.id if org_entity else None, facts.doc_id, facts.sentence_texts.get(p.sentence, ""))
            )
        entity_docs.update(in_document)

    for t, canonical in canonical_of.items():
        # the fuller forms a mention was resolved to (沈阳市科技局 for 市科技局) are names of it too
        eid = entity_id(canonical, canonical_label.get(canonical, ORG))
        if eid in entities and t not in alias_counts[eid]:
            alias_counts[eid][t] += 0
    for eid, entity in entities.items():
        forms = alias_counts[eid]
        entity.aliases = [entity.name] + sorted((f for f in forms if f != entity.name), key=lambda f: (-forms[f], f))
        entity.documents = entity_docs[eid]
        if entity.type == PERSON:
            entity.titles = person_titles.get(eid, [])
            entity.affiliations = person_orgs.get(eid, [])
            entity.subtype = person_subtype(person_roles.get(eid, []))
        elif entity.type == ORG:
            entity.subtype = org_subtype(entity.name)
        else:
            entity.subtype = loc_subtype(entity.name)

    def stream() -> Iterator[DocumentOccurrences]:
        for facts, mapping in resolved_docs:
            canonicals = [canonical_of[mapping[m.text]] for m in facts.mentions]
            occurrences = [EntityOccurrence(entity_id(c, canonical_label[c]), facts.doc_id, m.sentence, facts.paragraphs[m.sentence])
                           for c, m in zip(canonicals, facts.mentions)]
            yield DocumentOccurrences(facts.doc_id, occurrences, facts.sentence_texts)

    return Resolution(entities=entities, positions=positions, stream=stream)
