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
