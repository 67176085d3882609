"""Fine types: the subtype of an organisation or place from the keyword furthest right in
its name, and of a person from the titles they hold."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from .divisions import division_subtype
from .lexicon import _bare_title, countries, full_place_name, listed_companies, places, provinces, title_kind, world_cities


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
    ("研究会", "association"), ("设计院", "institute"), ("技术中心", "institute"), ("创新中心", "institute"), ("转移中心", "institute"), ("转化中心", "institute"),
    ("装置", "institute"), ("天文台", "institute"), ("所", "institute"), ("院", "institute"),
    ("交易所", "other"), ("交所", "other"), ("事务所", "company"), ("派出所", "government"), ("学院", "university"),
    ("日报", "media"), ("晚报", "media"), ("早报", "media"), ("报社", "media"), ("电视台", "media"),
    ("广播电台", "media"), ("电台", "media"), ("新华社", "media"), ("通讯社", "media"), ("杂志", "media"),
    ("杂志社", "media"), ("新闻网", "media"), ("新闻", "media"), ("融媒体中心", "media"), ("传媒", "media"), ("报", "media"),
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
    ("商会", "association"), ("促进会", "association"), ("基金会", "association"), ("联合体", "association"), ("同乡会", "association"), ("总会", "association"), ("社团", "association"),
    ("共同体", "association"), ("理事会", "association"), ("工会", "association"), ("妇联", "association"),
    ("科协", "association"), ("工商联", "association"), ("侨联", "association"), ("文联", "association"),
    ("医院", "other"), ("博物馆", "other"), ("图书馆", "other"),
    # parties, legislatures, regulators and the armed forces of any country
    ("党", "party"), ("共中央", "party"), ("政治局", "party"), ("书记处", "party"), ("巡视组", "party"),
    ("国会", "government"), ("议会", "government"), ("议院", "government"), ("内阁", "government"), ("监会", "government"),
    ("军", "government"), ("部队", "government"), ("舰队", "government"), ("战区", "government"),
    ("总队", "government"), ("支队", "government"),
    # central banks (中国人民银行, 欧洲中央银行, 美联储) and intergovernmental bodies (国际货币基金组织)
    ("中央银行", "government"), ("人民银行", "government"), ("储备银行", "government"), ("联储", "government"),
    ("组织", "other"),
    # news agencies, broadcasters and news sites (路透社, 中央广播电视总台, 央视网); the other
    # bodies named …社 or …网 by their longer words. A keyword alone is no name (spans.py):
    # 社, 网, 军 and 党 are as generic as 公司
    ("社", "media"), ("广播电视总台", "media"), ("网", "media"), ("出版社", "media"),
    ("合作社", "other"), ("合作总社", "other"), ("合作联社", "other"), ("联合社", "other"), ("供销社", "other"),
    ("供销联社", "other"), ("供销总社", "other"), ("公社", "other"), ("信用社", "company"), ("信用联社", "company"),
    ("旅行社", "company"), ("电网", "company"),
]

LOC_KEYWORDS = [
    ("特别行政区", "province"), ("自治区", "province"), ("省", "province"),
    ("自治州", "city"), ("地区", "other"), ("市", "city"), ("盟", "city"),
    ("自治县", "district"), ("新区", "zone"), ("县", "district"), ("区", "district"), ("旗", "district"),
    ("镇", "town"), ("乡", "town"), ("街道", "town"), ("村", "village"), ("社区", "village"),
    ("园区", "zone"), ("产业园", "zone"), ("科技园", "zone"), ("工业园", "zone"), ("开发区", "zone"),
    ("高新区", "zone"), ("经开区", "zone"), ("投资区", "zone"), ("合作区", "zone"), ("合作园", "zone"),
    ("保税港区", "zone"), ("综合保税区", "zone"), ("自贸区", "zone"), ("试验区", "zone"), ("片区", "zone"), ("示范区", "zone"),
    ("保税区", "zone"), ("基地", "zone"), ("港区", "zone"), ("产业带", "zone"), ("经济带", "zone"),
    ("园", "zone"), ("谷", "zone"), ("城", "zone"),
]

# 园, 谷 and 城 end many divisions' names too (盐城, 平谷, 海城): a name the division tables know
# (written in full or bare) is that division; the longer zone words (工业园, 开发区) stay zones
ONE_CHARACTER_ZONE_KEYWORDS = tuple(k for k, t in LOC_KEYWORDS if t == "zone" and len(k) == 1)
LONGER_ZONE_KEYWORDS = tuple(k for k, t in LOC_KEYWORDS if t == "zone" and len(k) > 1
                             and k.endswith(ONE_CHARACTER_ZONE_KEYWORDS))

ORG_KEYWORD_WORDS = tuple(k for k, _ in ORG_KEYWORDS)
LOC_KEYWORD_WORDS = tuple(k for k, _ in LOC_KEYWORDS)


def _rightmost_keyword(name: str, table: list[tuple[str, str]], end_only: frozenset[str] = frozenset()) -> str | None:
    """The subtype of the keyword of `table` that ends furthest right in `name` (the longest
    of those ending there; of equal ones, the first in `table`); a keyword of `end_only`
    counts only where it ends the name."""
    by_keyword, pattern = _keyword_index(table)
    # on the reversed name: the leftmost match is the keyword ending furthest right, and the
    # alternatives (longest first) make it the longest one ending there
    backwards = name[::-1]
    match = pattern.search(backwards)
    while match and match.start() and match.group()[::-1] in end_only:
        match = pattern.search(backwards, match.start() + 1)
    return by_keyword[match.group()[::-1]] if match else None


def _index(table: list[tuple[str, str]]) -> tuple[dict[str, str], re.Pattern]:
    """keyword -> subtype (a keyword's first row), and the reversed keywords, longest first."""
    by_keyword: dict[str, str] = {}
    for keyword, subtype in table:
        by_keyword.setdefault(keyword, subtype)
    ordered = sorted(by_keyword, key=len, reverse=True)
    return by_keyword, re.compile("|".join(re.escape(k[::-1]) for k in ordered))


_ORG_INDEX, _LOC_INDEX = _index(ORG_KEYWORDS), _index(LOC_KEYWORDS)


def _keyword_index(table: list[tuple[str, str]]) -> tuple[dict[str, str], re.Pattern]:
    return _ORG_INDEX if table is ORG_KEYWORDS else _LOC_INDEX if table is LOC_KEYWORDS else _index(table)


def org_subtype(name: str) -> str:
    if len(name) <= 4 and name.endswith("大") and not name.endswith("人大"):
        return "university"  # 哈工大, 北航大: abbreviated universities
    return _org_subtype(name)


# keywords that are parts of other words inside names (社会, 网络, 党员, 军事, 所有, 报告,
# 广电网络): they name the body only at its end
END_ONLY_ORG_KEYWORDS = frozenset(("社", "网", "党", "军", "所", "报", "国会", "电网"))


def _org_subtype(name: str) -> str:
    subtype = _rightmost_keyword(name, ORG_KEYWORDS, END_ONLY_ORG_KEYWORDS)
    if subtype is None and name in listed_companies():
        return "company"  # 万科, 中联重科: a listed company's short name has no company word
    return subtype or "other"


@lru_cache(maxsize=1 << 16)
def loc_subtype(name: str) -> str:
    if name in countries() or (name.endswith("国") and 2 <= len(name) <= 5 and name not in ("全国", "祖国", "王国")):
        return "country"
    if name in provinces():
        return provinces()[name][1]
    if name in places():
        return places()[name]
    if name in world_cities():
        return "city"
    full = full_place_name(name)
    if full != name and full in places():
        return places()[full]
    keyword = _rightmost_keyword(name, LOC_KEYWORDS)
    if keyword == "zone" and not name.endswith("新区") and not (name.endswith(ONE_CHARACTER_ZONE_KEYWORDS)
                                                              and not name.endswith(LONGER_ZONE_KEYWORDS)
                                                              and division_subtype(name)):
        return keyword  # 高新技术产业开发区 rows of the division tables are zones all the same
    # a division (苏州, 萧山区, 坂田: city, district, town); a 新区 that is none is a zone; a
    # 盟 that is none (东盟, 欧盟) is a union of countries, no league of Inner Mongolia
    division = division_subtype(name)
    if division is None and keyword == "city" and name.endswith("盟"):
        return "other"
    return division or keyword or "other"


HONORARY_TITLES = ("委员", "代表", "常委")
# Titles that make an official whatever organisation is named with them.
GOVERNMENT_TITLES = ("省长", "市长", "区长", "县长", "镇长", "乡长", "州长", "局长", "厅长", "部长", "司长", "处长",
                     "科长", "总理", "国务委员", "书记", "常委", "市领导", "省领导", "区领导", "县领导", "领导人")


# Public bodies whose name is no government word (供销合作社 is a state co-operative system;
# 人大 and 政协 are typed government already): their cadres are officials.
PUBLIC_BODY_WORDS = ("供销合作", "供销社", "供销联社", "供销总社")


def unit_kind(name: str) -> str:
    """The kind of body a post is held at, for the holder's subtype."""
    return "government" if any(w in name for w in PUBLIC_BODY_WORDS) else org_subtype(name)


# Official titles that name a public office wherever they are held (外长, 大使, 总统, 司令员);
# the others of that kind (主任, 主席, 委员, 秘书长) are also posts of companies and societies.
SHARED_OFFICIAL_TITLES = frozenset("委员 主席 主任 秘书长 代表 组长 团长 发言人 总干事 专员 巡视员 调研员 干部 长官 大队长 中队长 支队长 "
                                   "市领导 省领导 区领导 县领导 领导人".split())


def _public_title(bare: str) -> bool:
    return title_kind(bare) == "official" and bare not in SHARED_OFFICIAL_TITLES


def person_subtype(roles: Iterable[tuple[str, str | None]]) -> str:
    """official / business / journalist / other from (title, organisation subtype) pairs.

    A title makes an official when it is a government title (市长, 局长, 书记), is held
    at a government or party body or a territory; else 记者 and 编辑 make journalists; else
    business titles, or any title at a company, make business people."""
    roles = list(roles)
    has_business = any(title_kind(t) == "business" or org == "company" for t, org in roles)
    for t, org in roles:
        bare = _bare_title(t)
        if "党组" in t or "纪委" in t:
            return "official"
        if has_business and bare in HONORARY_TITLES:
            continue  # a chairman who is also a CPPCC member is a business person
        if (bare in GOVERNMENT_TITLES or _public_title(bare)) and org not in ("company", "university", "institute", "association", "media"):
            return "official"
        if org in ("government", "party", "territory") and title_kind(t) in ("official", "other"):
            return "official"  # a territory's post: 市长, 市委常委, 党工委书记
    if any(title_kind(t) == "journalist" for t, _ in roles):
        return "journalist"  # after the public offices: a head of state is no reporter for one byline
    if any(title_kind(t) == "business" or org == "company" for t, org in roles):
        return "business"
    return "other"
