"""Entity rules: fine types (kg/entities/subtypes.py), each on hand-made model output (no model needed)."""
import pytest

from kg.entities import loc_subtype, org_subtype


@pytest.mark.parametrize("name,subtype", [
    ("鞍钢集团钢铁研究院", "institute"), ("沈阳市委宣传部", "party"), ("辽宁省科学技术厅", "government"),
    ("东北大学", "university"), ("沈阳日报", "media"), ("新松机器人自动化股份有限公司", "company"),
    ("中国机器人产业联盟", "association"), ("中国科学院", "institute"), ("沈阳市人民政府", "government"),
])
def test_org_subtypes(name, subtype):
    assert org_subtype(name) == subtype


@pytest.mark.parametrize("name,subtype", [
    ("中国", "country"), ("德国", "country"), ("辽宁省", "province"), ("辽宁", "province"), ("沈阳市", "city"),
    ("浑南区", "district"), ("浦东新区", "district"), ("李家镇", "town"), ("王家村", "village"),
    ("沈阳经济技术开发区", "zone"), ("中国（辽宁）自由贸易试验区", "zone"),
])
def test_loc_subtypes(name, subtype):
    assert loc_subtype(name) == subtype


@pytest.mark.parametrize("name,subtype", [
    # 园 / 谷 / 城 end divisions' names too: a name the division tables know is that division
    ("盐城", "city"), ("平谷", "district"), ("海城", "district"), ("阿城", "district"),
    # ... and a zone otherwise, or where a longer zone word ends it
    ("光谷", "zone"), ("大学城", "zone"), ("未来科技城", "zone"), ("中关村科技园", "zone"), ("苏州工业园", "zone"),
])
def test_one_character_zone_words_give_way_to_divisions(name, subtype):
    assert loc_subtype(name) == subtype


@pytest.mark.parametrize("name,subtype", [
    # news agencies, broadcasters and news sites; the bodies named …社/…网 by longer words
    ("路透社", "media"), ("美联社", "media"), ("中国中央广播电视总台", "media"), ("央视网", "media"), ("人民出版社", "media"),
    ("中华全国供销合作总社", "other"), ("杭州市萧山区供销合作社联合社", "other"), ("国家电网", "company"),
    ("中国国旅旅行社", "company"),
    # parties, legislatures, regulators, armed forces
    ("柬埔寨人民党", "party"), ("越共中央", "party"), ("中央书记处", "party"), ("越南国会", "government"),
    ("欧洲议会", "government"), ("美国参议院", "government"), ("中国证监会", "government"), ("俄军", "government"),
    ("中国人民解放军", "government"), ("东部战区", "government"),
    ("中国人民银行", "government"), ("欧洲中央银行", "government"), ("美联储", "government"),
    ("国际货币基金组织", "other"), ("中国农业银行", "company"),
    # a listed company's short name (kg/data/lexicon/stocks.txt), an exchange's
    ("万科", "company"), ("比亚迪", "company"), ("深交所", "other"), ("港交所", "other"),
    # those keywords are words of their own inside a name: only its end counts
    ("澳门社会文化司", "other"), ("网络平台", "other"), ("黄埔军校", "other"), ("新型广电网络", "other"),
    ("中国社会科学院", "institute"), ("报告厅", "government"),
])
def test_org_subtypes_of_modern_news(name, subtype):
    assert org_subtype(name) == subtype


def test_a_keyword_alone_is_generic():
    from kg.entities import GENERIC_ORG_WORDS
    assert {"社", "网", "党", "军", "国会"} <= GENERIC_ORG_WORDS and "新华社" not in GENERIC_ORG_WORDS
    assert "人民银行" not in GENERIC_ORG_WORDS  # the central bank's short name


@pytest.mark.parametrize("roles, subtype", [
    ([("外长", None)], "official"), ([("大使", None)], "official"), ([("副主任", None)], "other"),
    ([("主席", "company")], "business"), ([("市长", "territory")], "official"), ([("副主任", "government")], "official"),
    ([("记者", None)], "journalist"), ([("董事长", "company"), ("委员", None)], "business"),
])
def test_person_subtypes_from_titles(roles, subtype):
    from kg.entities import person_subtype
    assert person_subtype(roles) == subtype


def test_cooperative_posts_are_public():
    from kg.entities import unit_kind
    assert unit_kind("浙江省供销合作社联合社") == "government" and unit_kind("鞍钢集团") == "company"


def _rightmost_by_scan(name, table):
    """The definition: each keyword's rightmost occurrence; the furthest end wins, then the
    longer keyword, then the earlier row."""
    best, best_end, best_len = None, -1, 0
    for keyword, subtype in table:
        pos = name.rfind(keyword)
        if pos < 0:
            continue
        end = pos + len(keyword)
        if end > best_end or (end == best_end and len(keyword) > best_len):
            best, best_end, best_len = subtype, end, len(keyword)
    return best


def test_the_rightmost_keyword_is_the_definitions_on_names_made_of_keywords():
    import random

    from kg.entities.subtypes import LOC_KEYWORDS, ORG_KEYWORDS, _rightmost_keyword

    rnd = random.Random(3)
    # names made of keywords' characters: overlapping, nested and repeated keywords
    alphabet = "".join(k for k, _ in ORG_KEYWORDS + LOC_KEYWORDS) + "沈阳有限责任"
    names = ["", "所", "研究所", "中科院沈阳自动化研究所", "沈阳市委宣传部", "高新技术产业开发区管委会"]
    names += ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 9))) for _ in range(20000)]
    for table in (ORG_KEYWORDS, LOC_KEYWORDS, [("院", "a"), ("研究院", "b"), ("究院", "c"), ("院", "d")]):
        for name in names:
            assert _rightmost_keyword(name, table) == _rightmost_by_scan(name, table), (name, table[:3])
