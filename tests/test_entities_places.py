"""Entity rules: places (kg/entities/places.py), each on hand-made model output (no model needed)."""
import importlib
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


# ---- administrative divisions (../shared/data/lexicons/divisions) ----

from kg.entities.divisions import divisions, locate, place_attributes  # noqa: E402

needs_divisions = pytest.mark.skipif(not divisions()[0], reason="division tables not present")


@needs_divisions
def test_a_place_is_located_with_its_code_level_and_parents():
    d = locate("浑南区")
    assert (d.name, d.level) == ("浑南区", "county")
    attrs = place_attributes(d)
    assert attrs["province"] == "辽宁省" and attrs["city"] == "沈阳市" and attrs["admin_code"].startswith("2101")


@needs_divisions
def test_a_bare_city_name_is_the_city_not_its_namesake_county():
    assert locate("长沙").name == "长沙市"
    assert locate("长沙县").level == "county"


@needs_divisions
def test_a_street_name_of_several_cities_is_the_one_in_the_articles_context():
    by_code, by_name, _ = divisions()
    shared = next(n for n, codes in by_name.items() if n.endswith("街道") and len(codes) > 1)
    assert locate(shared) is None  # ambiguous alone
    one = by_code[by_name[shared][0]]
    county = by_code[one[3]]
    context = {county[0], county[3]}
    assert locate(shared, context).code == one[0]


@needs_divisions
def test_a_bare_name_is_no_township_without_context():
    assert locate("东北") is None  # not 东北镇 of some county


@needs_divisions
@pytest.mark.parametrize("name, subtype", [("苏州", "city"), ("萧山区", "district"), ("湖南湘江新区", "zone"),
                                           ("浦东新区", "district"), ("长沙经开区", "zone"), ("泉州台商投资区", "zone")])
def test_place_subtypes_from_the_division_tables_and_zone_words(name, subtype):
    from kg.entities import loc_subtype
    assert loc_subtype(name) == subtype


def test_zone_short_form_with_kaifaqu_is_the_zone():
    a = analysis_of("江宁经济技术开发区举行签约。江宁开发区将继续发展。",
                    [("江宁经济技术开发区", "LOC"), ("江宁开发区", "LOC")])
    assert names(build(a), "LOC") == {"江宁经济技术开发区"}


def test_no_zone_across_a_clause():
    a = analysis_of("滨江、萧山两区签订杭州高新技术产业开发区合作协议。", [("滨江", "LOC"), ("萧山", "LOC")])
    assert not any("签订" in n for n in names(build(a)))


def test_a_place_then_more_name_and_a_cooperation_zone_word_is_the_zone():
    a = analysis_of("深汕特别合作区建设加快。", [("深汕特别", "LOC")])
    assert names(build(a), "LOC") == {"深汕特别合作区"}


def test_the_division_table_ships_with_kg(monkeypatch, tmp_path):
    module = importlib.import_module("kg.entities.divisions")  # (kg.entities.divisions is also a function)

    monkeypatch.delenv("KG_DIVISIONS_DIR", raising=False)
    monkeypatch.setattr(module, "divisions_dir", lambda: tmp_path / "absent")  # no ../shared beside the install
    module.divisions.cache_clear()
    module.division_candidates.cache_clear()
    try:
        by_code, by_name, _ = module.divisions()
        assert len(by_code) > 40000
        located = module.locate("光明区")
        assert located is not None and [a.name for a in module.ancestors(located)] == ["深圳市", "广东省"]
    finally:
        module.divisions.cache_clear()
        module.division_candidates.cache_clear()


def test_the_shipped_division_table_is_the_csv_tables(tmp_path):
    module = importlib.import_module("kg.entities.divisions")  # (kg.entities.divisions is also a function)

    shared = module.Path(__file__).resolve().parents[2] / "shared" / "data" / "lexicons" / "divisions"
    if not shared.is_dir():
        pytest.skip("the original division tables are not beside the checkout")
    assert module._read_shipped_table() == module.read_division_csvs(shared)


def test_a_zone_name_run_into_the_next_word_ends_with_its_zone_word():
    from kg.entities import document_facts

    text = "江宁经济技术开发区重大项目签约活动举行。沈阳高新区管委会主任出席。"
    a = analysis_of(text, [("江宁经济技术开发区重大", "ORG"), ("沈阳高新区管委会", "ORG")])
    found = {m.text for m in document_facts(a).mentions}
    assert "江宁经济技术开发区" in found and "江宁经济技术开发区重大" not in found
    assert "沈阳高新区管委会" in found  # a body of the zone keeps its name


def test_a_universitys_science_park_is_a_zone():
    from kg.entities import document_facts

    a = analysis_of("岳麓山国家大学科技园召开会议，这是首批国家大学科技园。",
                    [("岳麓山国家大学", "ORG"), ("国家大学", "ORG")])
    found = {m.text: m.label for m in document_facts(a).mentions}
    assert found.get("岳麓山国家大学科技园") == "LOC"
    assert "国家大学科技园" not in found  # a kind of zone, no name


def test_a_zone_with_a_place_in_brackets_is_one_zone():
    from kg.entities import document_facts

    text = "杭州高新区(滨江)萧山特别合作园昨日揭牌。中国（安徽）自贸试验区合肥片区签约。湖南湘江新区（长沙高新区）科技局发布。"
    a = analysis_of(text, [("杭州高新区", "LOC"), ("滨江", "LOC"), ("萧山特别合作园", "LOC"), ("中国", "LOC"), ("安徽", "LOC"),
                           ("合肥片区", "LOC"), ("湖南湘江新区", "LOC"), ("长沙高新区", "LOC")])
    found = {m.text for m in document_facts(a).mentions}
    assert {"杭州高新区（滨江）萧山特别合作园", "中国（安徽）自贸试验区", "合肥片区"} <= found
    assert "湖南湘江新区（长沙高新区）科技局" not in found  # no zone word after the bracket: two names
    assert "中国（安徽）自由贸易试验区" in names(build(a), "LOC")  # 自贸试验区 is 自由贸易试验区
    b = analysis_of("杭州高新区(滨江)萧山特别合作园昨日揭牌,两区签约。", [("杭州高新区", "LOC"), ("萧山特别合作园", "LOC")])
    assert "杭州高新区(滨江)萧山特别合作园" in names(build(b), "LOC")  # as written: ASCII brackets, 高新区 inside kept


def test_a_place_and_a_river_before_xinqu_make_the_new_area_but_a_district_stays_a_district():
    a = analysis_of("湖南湘江新区和上海市浦东新区签约。", [("湖南", "LOC"), ("湘江", "LOC"), ("上海市", "LOC"), ("浦东新区", "LOC")])
    got = {(e.name, e.type, e.subtype) for e in build(a).entities.values()}
    assert ("湖南湘江新区", "LOC", "zone") in got
    assert ("浦东新区", "LOC", "district") in got and not any(n.startswith("上海市浦东") for n, _, _ in got)


def test_a_division_with_diqu_is_the_division_and_a_union_is_no_league():
    r = build(analysis_of("深圳地区房价上涨。深圳楼市火爆。", [("深圳地区", "LOC"), ("深圳", "LOC")]))
    assert names(r, "LOC") == {"深圳市"}  # not a region 深圳地区 beside the city
    r = build(analysis_of("喀什地区行署出席。", [("喀什地区", "LOC")]))
    assert names(r, "LOC") == {"喀什地区"}  # a division of its own
    from kg.entities import loc_subtype
    assert loc_subtype("东盟") == "other" and loc_subtype("欧盟") == "other" and loc_subtype("锡林郭勒盟") == "city"


def test_special_administrative_regions_go_by_their_short_forms():
    r = build(analysis_of("澳门特区经济复苏。澳门特别行政区政府表示。", [("澳门特区", "LOC"), ("澳门特别行政区政府", "ORG")]))
    assert names(r, "LOC") == {"澳门特别行政区"}
    r = build(analysis_of("香港特区政府表示。", [("香港特区政府", "ORG")]))
    assert names(r, "ORG") == {"香港特区政府"}  # a region's government is its 政府, not 人民政府


def test_a_world_city_is_a_city_even_where_the_model_read_a_person():
    r = build(analysis_of("俄军对哈尔科夫发动袭击，东京和曼谷举行活动。", [("哈尔科夫", "PERSON"), ("东京", "LOC"), ("曼谷", "LOC")]))
    assert names(r, "PERSON") == set() and names(r, "LOC") == {"哈尔科夫", "东京", "曼谷"}
    assert {entity(r, n).subtype for n in ("哈尔科夫", "东京", "曼谷")} == {"city"}
    # a foreign city's 地区 is its region, not the city
    r = build(analysis_of("顿涅茨克地区局势紧张。", [("顿涅茨克地区", "LOC")]))
    assert names(r, "LOC") == {"顿涅茨克地区"}
