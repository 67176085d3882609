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
