"""Entity rules: places (kg/entities/places.py), each on hand-made model output (no model needed)."""
import pytest

from kg.entities import fix_label
from tests.helpers import analysis_of
from tests.entity_helpers import build, entity, names


def test_provincial_committee_in_a_city_article_is_the_city_province():
    a = analysis_of("本报沈阳5月13日电 省委常委、市委书记郑国强到企业调研。", [("沈阳", "LOC"), ("郑国强", "PERSON")])
    r = build(a)
    units = {r.entities[p.organisation].name for p in r.positions if p.organisation}
    assert {"辽宁省", "沈阳市"} <= units  # 省委 -> 辽宁省委, 市委 -> 沈阳市委: their posts are held at the territories


def test_city_province_table_is_consistent():
    from kg.entities import city_provinces, provinces

    table = city_provinces()
    assert table["沈阳"] == "辽宁省" and table["苏州"] == "江苏省" and table["吉林"] == "吉林省"
    assert all(p in provinces() and provinces()[p][1] == "province" for p in set(table.values()))


def test_zones_tagged_as_organisations_are_places():
    a = analysis_of("沈阳浑河智造产业园和大连高新区管委会签约。", [("沈阳浑河智造产业园", "ORG"), ("大连高新区管委会", "ORG")])
    got = {(e.name, e.type, e.subtype) for e in build(a).entities.values()}
    assert ("沈阳浑河智造产业园", "LOC", "zone") in got and ("大连高新技术产业开发区管委会", "ORG", "government") in got


def test_places_inside_a_zone_name_make_the_zone():
    a = analysis_of("沈阳浑河智造产业园集中签约，浑河的水很清。", [("沈阳", "LOC"), ("浑河", "LOC"), ("浑河", "LOC")])
    r = build(a)
    got = {(e.name, e.type, e.subtype) for e in r.entities.values()}
    assert ("沈阳浑河智造产业园", "LOC", "zone") in got and ("浑河", "LOC", "other") in got
    assert ("沈阳", "LOC", "city") not in got and ("沈阳市", "LOC", "city") not in got


def test_home_city_read_from_the_names_of_local_bodies():
    a = analysis_of("本报讯 沈阳市工商业联合会召开座谈会。市工商联主席周志远主持。",
                    [("沈阳市工商业联合会", "ORG"), ("周志远", "PERSON")])
    r = build(a)
    assert {r.entities[p.organisation].name for p in r.positions if p.organisation} == {"沈阳市工商业联合会"}


@pytest.mark.parametrize("chain, levels", [
    ("辽宁省沈阳市浑南区", ["辽宁省", "沈阳市", "浑南区"]),
    ("浑南区桃仙街道", ["浑南区", "桃仙街道"]),
    ("延边朝鲜族自治州延吉市", ["延边朝鲜族自治州", "延吉市"]),
    ("浦东新区", ["浦东新区"]), ("新疆维吾尔自治区", ["新疆维吾尔自治区"]), ("市中区", ["市中区"]),
])
def test_a_chain_of_places_is_each_place(chain, levels):
    from kg.entities import place_chain_mentions, repair_mentions

    a = analysis_of(chain + "发展很快。", [(chain, "LOC")])
    assert [m.text for m in place_chain_mentions(a, repair_mentions(a))] == levels


def test_street_office_tagged_as_organisation_is_a_place():
    assert fix_label("浑南区桃仙街道", "ORG") == "LOC" and fix_label("桃仙镇", "ORG") == "LOC"
    assert fix_label("街道办", "ORG") == "ORG"


def test_zone_named_without_its_city_is_the_same_zone():
    a = analysis_of("沈阳浑河智造产业园签约。浑河智造产业园位于浑南区。", [("沈阳浑河智造产业园", "LOC"), ("浑河智造产业园", "LOC"), ("浑南区", "LOC")])
    r = build(a)
    assert set(entity(r, "沈阳浑河智造产业园").aliases) == {"沈阳浑河智造产业园", "浑河智造产业园"}


def test_region_with_diqu_is_the_same_place_and_headquarters_are_not_organisations():
    a = analysis_of("东北地区制造业基础雄厚。东北振兴。集团在沈阳设立东北亚区域总部。",
                    [("东北", "LOC"), ("东北", "LOC"), ("沈阳", "LOC"), ("东北亚区域总部", "ORG")])
    r = build(a)
    assert set(entity(r, "东北地区").aliases) == {"东北地区", "东北"}
    assert "东北亚" in names(r, "LOC") and not names(r, "ORG")
