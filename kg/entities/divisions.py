"""Administrative divisions: the code, level and parents of a place.

The NBS division tables (provinces, prefecture-level cities, county-level areas, township
streets; modood/Administrative-divisions-of-China, WTFPL) ship with kg as one table,
kg/data/lexicon/divisions.tsv.gz (code, name, level, parent code; built by
`python -m pipelines.build_lexicons --divisions`). $KG_DIVISIONS_DIR names a folder of the
original CSV files to read instead (a newer release). Without either, places get no code and
subtypes come from the other lists.
"""
from __future__ import annotations

import csv
import gzip
import os
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


DIVISION_LEVELS = ("province", "city", "county", "town")
DIVISION_FILES = (("provinces.csv", "province"), ("cities.csv", "city"), ("areas.csv", "county"), ("streets.csv", "town"))
# Placeholder rows of municipalities and province-governed counties: no place of that name
DIVISION_PLACEHOLDERS = ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划")
DIVISION_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "自治州", "自治县", "地区", "街道",
                     "新区", "省", "市", "区", "县", "旗", "盟", "镇", "乡")
# the subtype kg gives a division of each level (a county-level area is a district)
LEVEL_SUBTYPES = {"province": "province", "city": "city", "county": "district", "town": "town"}


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str
    parent: str  # code of the division above ("" for a province)


SHIPPED_TABLE = Path(__file__).resolve().parent.parent / "data" / "lexicon" / "divisions.tsv.gz"


def divisions_dir() -> Path:
    configured = os.environ.get("KG_DIVISIONS_DIR")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[3] / "shared" / "data" / "lexicons" / "divisions"


def read_division_csvs(folder: Path) -> dict[str, tuple[str, str, str, str]] | None:
    """code -> (code, name, level, parent code) from the original CSV files; None when one is missing."""
    by_code: dict[str, tuple[str, str, str, str]] = {}
    for filename, level in DIVISION_FILES:
        path = folder / filename
        if not path.is_file():
            return None
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = csv.reader(handle)
            header = next(rows, [])
            # the nearest parent column: areaCode, then cityCode, then provinceCode
            parent_at = next((header.index(c) for c in ("areaCode", "cityCode", "provinceCode") if c in header), None)
            for row in rows:
                by_code[row[0]] = (row[0], row[1], level, row[parent_at] if parent_at is not None else "")
    return by_code


def _read_shipped_table() -> dict[str, tuple[str, str, str, str]] | None:
    if not SHIPPED_TABLE.is_file():
        return None
    with gzip.open(SHIPPED_TABLE, "rt", encoding="utf-8") as handle:
        return {row[0]: (row[0], row[1], row[2], row[3]) for row in (line.rstrip("\n").split("\t") for line in handle) if len(row) == 4}


# the suffixes by their last character, in DIVISION_SUFFIXES' order: a name is tried against
# the few that can end it (44,700 names are stripped when the table loads)
_SUFFIXES_BY_LAST: dict[str, tuple[str, ...]] = {}
for _suffix in DIVISION_SUFFIXES:
    _SUFFIXES_BY_LAST[_suffix[-1]] = _SUFFIXES_BY_LAST.get(_suffix[-1], ()) + (_suffix,)


def _bare_division_name(name: str) -> str:
    for suffix in _SUFFIXES_BY_LAST.get(name[-1:], ()):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


@lru_cache(maxsize=1)
def divisions() -> tuple[dict[str, tuple[str, str, str, str]], dict[str, list[str]], dict[str, list[str]]]:
    """(code -> (code, name, level, parent code), full name -> codes, bare name -> codes);
    empty without the tables. Plain tuples: 44,700 rows load in a fraction of a second."""
    if os.environ.get("KG_DIVISIONS_DIR"):
        by_code = read_division_csvs(divisions_dir())
    else:
        by_code = _read_shipped_table()
        if by_code is None:
            by_code = read_division_csvs(divisions_dir())  # a checkout beside ../shared
    if not by_code:
        return {}, {}, {}
    # a county or street of a municipality hangs on a placeholder "city": hang it on the province
    for code, (_, name, level, parent) in list(by_code.items()):
        up = by_code.get(parent)
        if up is not None and up[1] in DIVISION_PLACEHOLDERS:
            by_code[code] = (code, name, level, up[3])
    by_name: dict[str, list[str]] = defaultdict(list)
    by_bare: dict[str, list[str]] = defaultdict(list)
    for code, (_, name, _, _) in by_code.items():
        if name in DIVISION_PLACEHOLDERS:
            continue
        by_name[name].append(code)
        bare = _bare_division_name(name)
        if bare != name:
            by_bare[bare].append(code)
    return by_code, dict(by_name), dict(by_bare)


@lru_cache(maxsize=1 << 16)
def division_candidates(name: str) -> tuple[Division, ...]:
    """Divisions `name` may be: written in full (浑南区), or bare (沈阳: 沈阳市)."""
    by_code, by_name, by_bare = divisions()
    codes = by_name.get(name) or by_bare.get(name, ())
    return tuple(Division(*by_code[c]) for c in codes)


def ancestors(division: Division) -> list[Division]:
    """The divisions above `division`, nearest first."""
    by_code = divisions()[0]
    out, code = [], division.parent
    while code and code in by_code and len(out) < 4:
        out.append(Division(*by_code[code]))
        code = out[-1].parent
    return out


def locate(name: str, context: set[str] = frozenset()) -> Division | None:
    """The one division `name` is, given the codes of the places around it (`context`: the
    divisions the same articles name, with their parents). A name several divisions share
    (a street office in many cities) is the one under a place of the context; a bare name
    shared by a city and its county (长沙), or a district and street offices (滨江), is the
    higher level. None when still ambiguous."""
    candidates = division_candidates(name)
    if name not in divisions()[1]:
        # a bare name is a township only in the context of its county or city (东北 is no 东北镇)
        candidates = tuple(d for d in candidates if d.level != "town" or any(a.code in context for a in ancestors(d)))
    if len(candidates) > 1 and context:
        inside = [d for d in candidates if any(a.code in context for a in ancestors(d))]
        candidates = tuple(inside) or candidates
    if len(candidates) > 1 and name not in divisions()[1]:
        top = min(DIVISION_LEVELS.index(d.level) for d in candidates)
        highest = [d for d in candidates if DIVISION_LEVELS.index(d.level) == top]
        if len(highest) == 1 and top <= 2:
            candidates = tuple(highest)
    return candidates[0] if len(candidates) == 1 else None


@lru_cache(maxsize=1 << 16)
def division_subtype(name: str) -> str | None:
    """The place subtype of a division name, when every division of that name is one level."""
    exact = name in divisions()[1]
    levels = {d.level for d in division_candidates(name) if exact or d.level != "town"}
    if not levels:
        return None
    if len(levels) > 1 and not exact:
        top = min(DIVISION_LEVELS.index(level) for level in levels)
        levels = {DIVISION_LEVELS[top]} if top <= 2 else levels
    return LEVEL_SUBTYPES[levels.pop()] if len(levels) == 1 else None


def place_attributes(division: Division) -> dict[str, str]:
    """Node attributes of a located place: its code, level and the names of its parents."""
    attrs = {"admin_code": division.code, "admin_level": division.level, "province": "", "city": "", "county": ""}
    for up in ancestors(division):
        key = {"province": "province", "city": "city", "county": "county"}.get(up.level)
        if key:
            attrs[key] = up.name
    return attrs
