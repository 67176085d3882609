"""Entity rules: alias merging (kg/entities/aliases.py), each on hand-made model output (no model needed)."""
import pytest

from kg.entities import AliasConfig, abbreviation_score, read_alias_file
from tests.helpers import analysis_of
from tests.entity_helpers import build, entity, names


def test_standard_abbreviation_can_be_forbidden_by_the_user():
    a = analysis_of("党中央高度重视。", [("党中央", "ORG")])
    assert names(build(a)) == {"中共中央"}
    assert names(build(a, config=AliasConfig(forbidden={frozenset(("党中央", "中共中央"))}))) == {"党中央"}


def test_abbreviation_found_without_a_list():
    assert abbreviation_score("哈工大", "哈尔滨工业大学") > 0
    assert abbreviation_score("中科院", "中国科学院") > 0
    assert abbreviation_score("上海光机所", "中国科学院上海光学精密机械研究所", ["中国科学院"]) > 0
    assert abbreviation_score("沈阳自动化所", "中国科学院沈阳自动化研究所") > 0


@pytest.mark.parametrize("short,full", [("东北大学", "东北财经大学"), ("鞍钢", "鞍钢研究院"), ("鞍钢集团", "鞍钢集团钢铁研究院"),
                                        ("大连理工", "大连海事大学")])
def test_full_names_are_not_abbreviations_of_other_names(short, full):
    assert abbreviation_score(short, full) == 0


def test_abbreviation_merges_into_the_full_name_in_the_same_document():
    a = analysis_of("中国科学院上海光学精密机械研究所成立六十年。上海光机所将扩建。",
                    [("中国科学院上海光学精密机械研究所", "ORG"), ("上海光机所", "ORG")])
    r = build(a)
    assert names(r, "ORG") == {"中国科学院上海光学精密机械研究所"}
    assert entity(r, "中国科学院上海光学精密机械研究所").aliases == ["中国科学院上海光学精密机械研究所", "上海光机所"]


def test_explicit_jiancheng_note_merges():
    a = analysis_of("辽宁材料实验室（简称辽材实）揭牌。辽材实将引进人才。",
                    [("辽宁材料实验室", "ORG"), ("辽材实", "ORG"), ("辽材实", "ORG")])
    assert names(build(a), "ORG") == {"辽宁材料实验室"}


def test_similar_universities_stay_apart_across_documents():
    a = analysis_of("东北大学举行开学典礼。", [("东北大学", "ORG")], "a")
    b = analysis_of("东北财经大学举行开学典礼。", [("东北财经大学", "ORG")], "b")
    assert names(build(a, b), "ORG") == {"东北大学", "东北财经大学"}


def test_group_and_its_institute_stay_apart():
    a = analysis_of("鞍钢表示支持。鞍钢集团与鞍钢研究院合作。", [("鞍钢", "ORG"), ("鞍钢集团", "ORG"), ("鞍钢研究院", "ORG")])
    r = build(a)
    assert names(r, "ORG") == {"鞍钢集团", "鞍钢研究院"}
    assert set(entity(r, "鞍钢集团").aliases) == {"鞍钢集团", "鞍钢"}


def test_company_suffix_variants_merge():
    a = analysis_of("新松机器人自动化股份有限公司发布新品。", [("新松机器人自动化股份有限公司", "ORG")], "a")
    b = analysis_of("新松机器人自动化公司订单增长。", [("新松机器人自动化公司", "ORG")], "b")
    assert names(build(a, b), "ORG") == {"新松机器人自动化股份有限公司"}


def test_place_suffix_variants_merge():
    a = analysis_of("沈阳市经济增长。沈阳的冬天很冷。吉林经济发展。", [("沈阳市", "LOC"), ("沈阳", "LOC"), ("吉林", "LOC")])
    r = build(a)
    assert set(entity(r, "沈阳市").aliases) == {"沈阳市", "沈阳"}
    assert "吉林省" in names(r, "LOC")


def test_two_people_with_the_same_surname_stay_apart():
    a = analysis_of("张明和张敏一起出席。", [("张明", "PERSON"), ("张敏", "PERSON")])
    assert names(build(a), "PERSON") == {"张明", "张敏"}


def test_local_body_resolved_to_the_dateline_city():
    a = analysis_of("本报大连5月6日电 市委宣传部召开会议。", [("市委宣传部", "ORG")])
    # written without its city, the department goes by its full name (中共 + the city's committee)
    assert names(build(a), "ORG") == {"中共大连市委宣传部"}
    assert entity(build(a), "中共大连市委宣传部").subtype == "party"
    assert "市委宣传部" in entity(build(a), "中共大连市委宣传部").aliases


def test_user_alias_file_overrides_and_forbids(tmp_path):
    aliases = tmp_path / "aliases.csv"
    aliases.write_text("alias,canonical,type\n新松,新松机器人自动化股份有限公司,ORG\n沈阳,!沈阳市\n", encoding="utf-8")
    config = AliasConfig(*read_alias_file(aliases))
    a = analysis_of("新松与沈阳市合作。沈阳很冷。", [("新松", "ORG"), ("沈阳市", "LOC"), ("沈阳", "LOC")])
    r = build(a, config=config)
    assert "新松机器人自动化股份有限公司" in names(r, "ORG")
    assert {"沈阳市", "沈阳"} <= names(r, "LOC")


def test_alias_file_errors_name_the_line(tmp_path):
    bad = tmp_path / "aliases.csv"
    bad.write_text("a,b\nonly-one-column\n", encoding="utf-8")
    with pytest.raises(ValueError, match="aliases.csv:2"):
        read_alias_file(bad)


def test_jiancheng_note_recovers_a_full_name_the_model_missed():
    a = analysis_of("沈阳市工商业联合会（以下简称沈阳市工商联）召开会议。沈阳市工商联表示支持。",
                    [("沈阳市工商联", "ORG"), ("沈阳市工商联", "ORG")])
    r = build(a)
    assert names(r, "ORG") == {"沈阳市工商业联合会"}


def test_alias_file_type_and_forbidden_merges_through_a_third_name(tmp_path):
    aliases = tmp_path / "a.csv"
    aliases.write_text("苹果,苹果公司,ORG\n鞍钢股份有限公司,!鞍钢集团有限公司\n", encoding="utf-8")
    config = AliasConfig(*read_alias_file(aliases))
    a = analysis_of("苹果发布新品。鞍钢股份有限公司、鞍钢集团有限公司和鞍钢公司签约。",
                    [("苹果", "PERSON"), ("鞍钢股份有限公司", "ORG"), ("鞍钢集团有限公司", "ORG"), ("鞍钢公司", "ORG")])
    r = build(a, config=config)
    assert entity(r, "苹果公司").type == "ORG"
    owner = {alias: e.name for e in r.entities.values() for alias in e.aliases}
    assert owner["鞍钢股份有限公司"] != owner["鞍钢集团有限公司"]


def test_yaml_alias_file_errors_are_clear(tmp_path):
    bad = tmp_path / "a.yaml"
    bad.write_text("- 哈工大\n", encoding="utf-8")
    with pytest.raises(ValueError, match="item 1"):
        read_alias_file(bad)
    bad.write_text("a: [b\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not valid YAML"):
        read_alias_file(bad)


def test_public_bodies_written_with_short_words_merge():
    a = analysis_of("辽宁省科学技术协会和沈阳市工业和信息化局联合举办。辽宁省科协、沈阳市工信局负责人出席。沈阳高新技术产业开发区即沈阳高新区。",
                    [("辽宁省科学技术协会", "ORG"), ("沈阳市工业和信息化局", "ORG"), ("辽宁省科协", "ORG"), ("沈阳市工信局", "ORG"),
                     ("沈阳高新技术产业开发区", "LOC"), ("沈阳高新区", "LOC")])
    r = build(a)
    assert set(entity(r, "辽宁省科学技术协会").aliases) == {"辽宁省科学技术协会", "辽宁省科协"}
    assert set(entity(r, "沈阳市工业和信息化局").aliases) == {"沈阳市工业和信息化局", "沈阳市工信局"}
    assert set(entity(r, "沈阳高新技术产业开发区").aliases) == {"沈阳高新技术产业开发区", "沈阳高新区"}


def test_bodies_of_different_places_do_not_merge():
    a = analysis_of("辽宁省科协与吉林省科学技术协会签约。", [("辽宁省科协", "ORG"), ("吉林省科学技术协会", "ORG")])
    assert names(build(a), "ORG") == {"辽宁省科学技术协会", "吉林省科学技术协会"}


def test_unit_named_after_its_parent_merges_with_its_short_name():
    assert abbreviation_score("金属研究所", "中科院金属研究所") == 1.0
    assert abbreviation_score("理工大学", "大连理工大学") == 0.0  # 大连 is a place, not a parent body
    assert abbreviation_score("东北大学", "东北财经大学") == 0.0


def test_public_bodies_are_named_with_their_official_words_and_keep_the_short_ones():
    a = analysis_of("省科协、吉林省工商联和浦东新区政府负责人出席。", [("吉林省工商联", "ORG"), ("浦东新区政府", "ORG")])
    r = build(a)
    assert names(r, "ORG") == {"吉林省科学技术协会", "吉林省工商业联合会", "浦东新区人民政府"}  # 省科协: the article's province
    assert "吉林省工商联" in entity(r, "吉林省工商业联合会").aliases
    b = analysis_of("美国政府和市科技局表示欢迎。", [("美国政府", "ORG"), ("市科技局", "ORG")])
    assert names(build(b), "ORG") == {"美国政府", "市科技局"}  # a country's government; no city to name


def test_short_form_in_brackets_after_the_full_name_is_an_alias():
    a = analysis_of("项目落户沈阳浑南科技城（浑南科技城），科技城管委会表示欢迎。", [("沈阳浑南科技城", "ORG")])
    r = build(a)
    assert set(entity(r, "沈阳浑南科技城").aliases) == {"沈阳浑南科技城", "浑南科技城"}
    b = analysis_of("北方智造机器人股份有限公司（上海）发布公告。", [("北方智造机器人股份有限公司", "ORG")])
    assert names(build(b)) == {"北方智造机器人股份有限公司"}  # a place in brackets is no short form


def test_the_country_and_its_full_name_are_one_node():
    a = analysis_of("中华人民共和国成立以来，中国发生了巨大变化。", [("中华人民共和国", "LOC"), ("中国", "LOC")])
    assert names(build(a), "LOC") == {"中国"}


def test_a_national_body_with_the_countrys_full_name_is_the_body():
    a = analysis_of("中华人民共和国外交部发表声明。外交部发言人表示。", [("中华人民共和国外交部", "ORG"), ("外交部", "ORG")])
    assert names(build(a), "ORG") == {"中华人民共和国外交部"}


def test_a_name_that_ends_the_documents_longer_name_is_that_body():
    a = analysis_of("材料科学姑苏实验室揭牌。姑苏实验室将开展研究。", [("材料科学姑苏实验室", "ORG"), ("姑苏实验室", "ORG")])
    assert names(build(a), "ORG") == {"材料科学姑苏实验室"}


def test_where_business_posts_are_held_is_a_company():
    a = analysis_of("北京佰才邦CEO孙立新介绍情况。", [("北京佰才邦CEO", "ORG"), ("孙立新", "PERSON")])
    assert entity(build(a), "北京佰才邦").subtype == "company"
