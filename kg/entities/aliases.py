"""Alias merging: abbreviations found algorithmically, company short names and suffixes,
the standard short words of public bodies' names, official names, the user's alias file."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ..types import LOC, ORG, PERSON
from .lexicon import countries, full_place_name, places, provinces
from .subtypes import loc_subtype, org_subtype
from .divisions import ancestors, locate


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
    "经济和信息化局": "经信局", "发展和改革局": "发改局", "规划和自然资源局": "规自局", "科技创新局": "科创局",
    "供销合作社联合社": "供销社",  # 浙江省供销社: the province's union of supply and marketing cooperatives
}
_BODY_WORDS = sorted(BODY_WORD_SHORT_FORMS, key=len, reverse=True)

# The official long word for each short one (高新区 -> 高新技术产业开发区, the usual one of two).
BODY_WORD_LONG_FORMS = {short: long for long, short in reversed(list(BODY_WORD_SHORT_FORMS.items()))
                        if len(short) >= 2 and short != long and short != "政府"}
# a second short form of a long word (自贸试验区 beside 自贸区)
BODY_WORD_LONG_FORMS["自贸试验区"] = "自由贸易试验区"
_SHORT_BODY_WORDS = sorted(BODY_WORD_LONG_FORMS, key=len, reverse=True)


COUNTRY_PREFIX = "中华人民共和国"


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


def party_department_name(name: str) -> str:
    """The full name of a department of a place's party committee (深圳市委统战部 ->
    中共深圳市委统战部; 萧山区委统战部 -> 中共杭州市萧山区委统战部): for a department the text
    never writes with its place (市委常委、统战部部长), the name it goes by."""
    department = PARTY_DEPARTMENT_NAME.match(name)
    if department and _is_domestic_place(department.group(1)):
        return "中共" + _place_with_city(department.group(1)) + "委" + department.group(2)
    return name


# a department of a place's party committee, as news writes it (深圳市委统战部, 萧山区委组织部)
PARTY_DEPARTMENT_NAME = re.compile(r"^(?!中共)([\u4e00-\u9fff]{2,10}?[省市区县])委(统战部|组织部|宣传部|政法委|群团工作部|"
                                   r"金融办公室|金融工作委员会|办公室|统一战线工作部)$")


def _place_with_city(place: str) -> str:
    """A district or county written with its city where the division tables place it in one
    (萧山区 -> 杭州市萧山区); other places as they are."""
    if not place.endswith(("区", "县")):
        return place
    located = locate(place)
    if located is None:
        return place
    city = next((a.name for a in ancestors(located) if a.level in ("city", "province") and a.name.endswith("市")), None)
    return city + place if city and not place.startswith(city) else place


def _is_domestic_place(name: str) -> bool:
    """A Chinese province, city, district or county (whose government is its 人民政府; a
    special administrative region's is its 政府: 香港特别行政区政府)."""
    return (name not in countries() and loc_subtype(full_place_name(name)) in ("province", "city", "district", "town")
            and name.endswith(("省", "市", "区", "县", "州", "旗", "镇", "乡")) and not name.endswith(("特别行政区", "特区")))


def body_key(name: str) -> str:
    """`name` with the standard long words of public bodies' names in their short form, and
    without the country's full name before a national body (中华人民共和国外交部 = 外交部)."""
    if name.startswith(COUNTRY_PREFIX) and len(name) - len(COUNTRY_PREFIX) >= 2:
        name = name[len(COUNTRY_PREFIX):]
    elif name.startswith("中华全国") and len(name) >= 8:
        name = name[2:]  # 中华全国供销合作总社 = 全国供销合作总社, 中华全国总工会 = 全国总工会
    for word in _BODY_WORDS:
        if word in name:
            name = name.replace(word, BODY_WORD_SHORT_FORMS[word])
    return name.replace("自贸试验区", "自贸区")


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


# The deepest YAML an alias file needs: a list (1) of [alias, canonical, type] items (2).
# Deeper input is refused before PyYAML's recursive composer sees it.
MAX_ALIAS_YAML_DEPTH = 2
FORBID_MARKS = ("!", "！")  # a full-width ！ is what a Chinese input method types


@dataclass
class _AliasRow:
    line: int
    alias: str
    canonical: str
    kind: str | None
    forbid: bool


def _alias_file_text(path: Path) -> str:
    """The text of an alias file in any encoding kg reads inputs in (kg.decode); bytes that
    do not decode are an error here: a misread name would silently merge nothing."""
    from ..decode import DecodeError, decode_file_bytes

    try:
        decoded = decode_file_bytes(path.read_bytes())
    except DecodeError as exc:
        raise ValueError(f"{path}: {exc}") from None
    if decoded.damage.count:
        raise ValueError(f"{path}:{decoded.damage.first_line}: {decoded.damage.count} undecodable byte(s) "
                         f"(not valid {decoded.encoding}); save the alias file as UTF-8")
    if decoded.uncertain:
        raise ValueError(f"{path}: {decoded.uncertain}")
    return decoded.text.lstrip("\ufeff")


def _alias_cell(cell: str) -> str:
    """A cell as the text's names are written after cleaning (kg.clean): invisible characters
    out, full-width digits and letters as ASCII, and no line break (U+2028 in a quoted cell is
    a character of the cell, but a name never spans a line end, so it cannot be part of one)."""
    from ..clean import normalize_chars, remove_invisible

    return normalize_chars("".join(remove_invisible(cell).split("\n"))).strip()


def _csv_rows(path: Path, text: str) -> list[tuple[int, list[str]]]:
    rows = []
    # line ends are \n, \r and \r\n only: U+2028 or U+0085 inside a cell is no row end
    reader = csv.reader(io.StringIO(text, newline=""))
    line = 1
    try:
        for row in reader:
            if row and not row[0].lstrip().startswith("#") and any(cell.strip() for cell in row):
                rows.append((line, row))
            line = reader.line_num + 1  # the next row starts after this one's last line
    except csv.Error as exc:
        raise ValueError(f"{path}:{reader.line_num}: not valid CSV: {exc}") from None
    return rows


def _yaml_rows(path: Path, text: str) -> list[tuple[int, list[str]]]:
    import yaml

    depth = 0
    try:
        # the event parser is iterative: the depth is checked before anything recursive runs
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_ALIAS_YAML_DEPTH:
                    raise ValueError(
                        f"{path}:{event.start_mark.line + 1}: YAML nested more than {MAX_ALIAS_YAML_DEPTH} levels deep; "
                        "an alias file is a mapping (alias: canonical) or a list of [alias, canonical, type] items")
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: not valid YAML: {exc}") from None

    def line_of(node) -> int:
        return node.start_mark.line + 1

    def scalar(node, number: int) -> str:
        if not isinstance(node, yaml.ScalarNode):
            raise ValueError(f"{path}:{line_of(node)}: item {number}: a cell must be a name, not a list or mapping")
        return node.value  # as written: yes/no/1.0 are names here, not booleans or numbers

    if root is None:
        return []
    rows: list[tuple[int, list[str]]] = []
    if isinstance(root, yaml.MappingNode):
        for number, (key, value) in enumerate(root.value, 1):
            rows.append((line_of(key), [scalar(key, number), scalar(value, number)]))
        return rows
    if not isinstance(root, yaml.SequenceNode):
        raise ValueError(f"{path}: expected a mapping or a list of alias entries")
    for number, item in enumerate(root.value, 1):
        if isinstance(item, yaml.MappingNode):
            cells = {scalar(k, number): scalar(v, number) for k, v in item.value}
            rows.append((line_of(item), [cells.get("alias", ""), cells.get("canonical", ""), cells.get("type", "")]))
        elif isinstance(item, yaml.SequenceNode):
            rows.append((line_of(item), [scalar(x, number) for x in item.value]))
        else:
            raise ValueError(f"{path}:{line_of(item)}: item {number}: expected [alias, canonical, type] or a mapping, "
                             f"got {item.value!r}")
    return rows


def _parse_alias_rows(path: Path, rows: list[tuple[int, list[str]]]) -> list[_AliasRow]:
    parsed = []
    for line, raw in rows:
        cells = [cell.strip() for cell in raw]
        if len(cells) < 2 or not cells[0] or not cells[1]:
            raise ValueError(f"{path}:{line}: expected 'alias,canonical[,type]', got {raw!r}")
        if cells[0].lower() == "alias" and cells[1].lower() == "canonical":
            continue  # the header
        forbid = cells[1].startswith(FORBID_MARKS)
        alias, canonical = _alias_cell(cells[0]), _alias_cell(cells[1][1:] if forbid else cells[1])
        if not alias or not canonical:
            raise ValueError(f"{path}:{line}: expected 'alias,canonical[,type]' with names, got {raw!r}")
        kind = _alias_cell(cells[2]).upper() if len(cells) > 2 and cells[2] else None
        if kind is not None and kind not in (PERSON, ORG, LOC):
            raise ValueError(f"{path}:{line}: type must be PERSON, ORG or LOC, not {cells[2]!r}")
        if forbid and alias == canonical:
            raise ValueError(f"{path}:{line}: {alias},!{canonical} forbids merging a name with itself")
        parsed.append(_AliasRow(line, alias, canonical, kind, forbid))
    return parsed


def _lines(numbers: Iterable[int]) -> str:
    numbers = sorted(set(numbers))
    return f"line{'s' if len(numbers) > 1 else ''} {', '.join(map(str, numbers))}"


def read_alias_file(path: str | Path) -> tuple[dict[str, tuple[str, str | None]], set[frozenset[str]]]:
    """`alias,canonical[,type]` lines (CSV, or YAML mapping/list), in any encoding kg reads
    inputs in. A canonical written as `!name` forbids merging the alias with `name`.

    A chain (a,b and b,c) maps each alias to its last name (a and b to c). Errors, each naming
    the file and line: a cycle (a,b b,c c,a: no name would be canonical), one alias given two
    canonicals, one canonical given two types, a forbid the file's own merges contradict."""
    path = Path(path)
    text = _alias_file_text(path)
    rows = _yaml_rows(path, text) if path.suffix.lower() in (".yaml", ".yml") else _csv_rows(path, text)
    parsed = _parse_alias_rows(path, rows)

    merges: dict[str, _AliasRow] = {}
    kinds: dict[str, _AliasRow] = {}
    for row in parsed:
        if row.forbid:
            continue
        earlier = merges.get(row.alias)
        if earlier is not None and earlier.canonical != row.canonical:
            raise ValueError(f"{path}:{row.line}: {row.alias} is merged with {row.canonical}, "
                             f"but line {earlier.line} merges it with {earlier.canonical}")
        merges.setdefault(row.alias, row)
        if row.kind:
            typed = kinds.get(row.canonical)
            if typed is not None and typed.kind != row.kind:
                raise ValueError(f"{path}:{row.line}: {row.canonical} is given type {row.kind}, "
                                 f"but line {typed.line} gives it {typed.kind}")
            kinds.setdefault(row.canonical, row)

    def chain(name: str) -> tuple[str, list[_AliasRow]]:
        """The last name `name` leads to through the merges, and the rows on the way."""
        seen, used = [name], []
        while name in merges and merges[name].canonical != name:
            row = merges[name]
            used.append(row)
            name = row.canonical
            if name in seen:
                cycle = used[seen.index(name):]
                names = " -> ".join([r.alias for r in cycle] + [name])
                first = min(cycle, key=lambda r: r.line)
                raise ValueError(f"{path}:{first.line}: the aliases form a cycle ({names}, {_lines(r.line for r in cycle)}): "
                                 "no name of it is canonical")
            seen.append(name)
        return name, used

    aliases: dict[str, tuple[str, str | None]] = {}
    for alias, row in merges.items():
        final, _ = chain(alias)
        aliases[alias] = (final, row.kind)
    forbidden: set[frozenset[str]] = set()
    for row in parsed:
        if not row.forbid:
            continue
        (a_root, a_rows), (b_root, b_rows) = chain(row.alias), chain(row.canonical)
        if a_root == b_root:
            raise ValueError(f"{path}:{row.line}: {row.alias},!{row.canonical} forbids merging {row.alias} with "
                             f"{row.canonical}, but {_lines(r.line for r in a_rows + b_rows)} {'merge' if len(a_rows + b_rows) > 1 else 'merges'} them "
                             f"(into {a_root})")
        forbidden.add(frozenset((row.alias, row.canonical)))
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
