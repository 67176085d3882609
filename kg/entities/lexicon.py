"""Word lists (kg/data/lexicon/) and the lookups on them: titles, countries, provinces,
cities, places, standard short forms, surnames; full and bare place names."""
from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache
from importlib import resources

from ..types import LOC
from .divisions import locate


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
def world_cities() -> frozenset[str]:
    """Cities outside China as news writes them (world_cities.txt: 莫斯科, 哈尔科夫, 曼谷)."""
    return frozenset(_lexicon_lines("world_cities.txt"))


@lru_cache(maxsize=1)
def listed_companies() -> frozenset[str]:
    """Short names of listed companies (stocks.txt: 万科, 中联重科, 美凯龙)."""
    return frozenset(_lexicon_lines("stocks.txt"))


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


def _bare_title(title: str) -> str:
    for prefix in TITLE_PREFIXES:
        if title.startswith(prefix) and title[len(prefix):] in titles():
            return title[len(prefix):]
    return title


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


@lru_cache(maxsize=1 << 16)  # called for every place mention and many other spans
def full_place_name(name: str) -> str:
    """沈阳 -> 沈阳市, 辽宁 -> 辽宁省 when the lists know exactly one full form."""
    if name in provinces():
        return provinces()[name][0]
    candidates = _bare_place_index().get(name, [])
    if len(candidates) > 1:
        # a bare name shared by a city and its county or district (长沙: 长沙市, 长沙县) is the city
        cities = [c for c in candidates if c.endswith("市")]
        candidates = cities if len(cities) == 1 else candidates
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        # a prefecture-level city or province the division tables know (泉州 -> 泉州市)
        located = locate(name)
        if located is not None and located.level in ("province", "city"):
            return located.name
    return name


def bare_place_name(name: str) -> str:
    for suffix in PLACE_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def _standard_place(surface: str) -> bool:
    """A standard short form of a place (美 for 美国, 京 for 北京市: aliases.tsv)."""
    standard = standard_aliases().get(surface)
    return standard is not None and standard[1] == LOC


def _known_place(name: str) -> bool:
    return name in places() or name in provinces() or name in countries() or full_place_name(name) != name


ZONE_SUFFIXES = ("产业园", "科技园", "工业园", "软件园", "开发区", "高新区", "经开区", "自贸区", "试验区", "示范区",
                 "片区", "产业园区", "工业园区", "科技园区", "合作区", "合作园", "投资区", "保税区", "创意园")
