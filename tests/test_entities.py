"""Entity rules, each on hand-made model output (no model needed)."""
import pytest

from kg.entities import (AliasConfig, abbreviation_score, document_facts, fix_label, loc_subtype, org_subtype,
                         read_alias_file, resolve)
from tests.helpers import analysis_of


def names(resolution, type_=None):
    return {e.name for e in resolution.entities.values() if type_ is None or e.type == type_}


def entity(resolution, name):
    return next(e for e in resolution.entities.values() if e.name == name)


def build(*analyses, config=None):
    return resolve([document_facts(a) for a in analyses], config)


# ---- span repair ----

def test_person_span_loses_its_titles_and_organisation():
    a = analysis_of("鞍钢集团董事长张明出席会议。", [("鞍钢集团董事长张明", "PERSON")])
    assert names(build(a), "PERSON") == {"张明"}


def test_title_with_surname_only_is_not_a_person():
    a = analysis_of("张书记强调要抓落实。", [("张书记", "PERSON")])
    assert names(build(a), "PERSON") == set()


def test_spans_never_cross_punctuation_and_lose_function_words():
    a = analysis_of("在沈阳市、大连市等地调研。", [("在沈阳市、大连市等", "LOC")])
    assert names(build(a), "LOC") == {"沈阳市", "大连市"}


def test_one_character_places_persons_and_numbers_are_dropped():
    a = analysis_of("蒙2026年发展，王说。", [("蒙", "LOC"), ("2026年", "ORG"), ("王", "PERSON")])
    assert names(build(a)) == set()


def test_standard_one_character_place_abbreviations_become_their_place():
    a = analysis_of("中美两国和京津两市合作，美国代表出席。", [("中", "LOC"), ("美", "LOC"), ("京", "LOC"), ("美国", "LOC")])
    r = build(a)
    assert names(r) == {"中国", "美国", "北京市"}
    assert "美" in entity(r, "美国").aliases


def test_standard_abbreviation_can_be_forbidden_by_the_user():
    a = analysis_of("党中央高度重视。", [("党中央", "ORG")])
    assert names(build(a)) == {"中共中央"}
    assert names(build(a, config=AliasConfig(forbidden={frozenset(("党中央", "中共中央"))}))) == {"党中央"}


def test_ordinals_and_pieces_without_a_name_are_dropped():
    a = analysis_of("第二十三次常委会议开幕。收看“中星五号”卫星节目。",
                    [("第二十三次常委", "ORG"), ("中星五号”卫星", "LOC")])
    assert names(build(a)) == set()
    b = analysis_of("任鲁艺美术工厂（研究室）主任。", [("鲁艺美术工厂（研究室", "ORG")])
    assert names(build(b)) == {"鲁艺美术工厂"}


def test_foreign_names_are_kept_whole():
    a = analysis_of("法国外长韦德里纳会见哈萨克斯坦总统纳扎尔巴耶夫和日本首相桥本龙太郎。",
                    [("法国", "LOC"), ("韦德里纳", "PERSON"), ("哈萨克斯坦", "LOC"), ("纳扎尔巴耶夫", "PERSON"),
                     ("日本", "LOC"), ("桥本龙太郎", "PERSON")])
    r = build(a)
    assert names(r, "PERSON") == {"韦德里纳", "纳扎尔巴耶夫", "桥本龙太郎"}
    assert entity(r, "纳扎尔巴耶夫").titles == ["总统"]
    assert entity(r, "韦德里纳").affiliations == ["法国"]


def test_two_names_run_together_are_two_people_sharing_the_byline():
    a = analysis_of("记者王锦鹄毛磊报道。", [("王锦鹄毛磊", "PERSON")])
    r = build(a)
    assert names(r, "PERSON") == {"王锦鹄", "毛磊"}
    assert entity(r, "毛磊").titles == ["记者"]


def test_a_single_chinese_name_is_not_split():
    for name in ("欧阳振华", "张明", "李小明"):
        a = analysis_of(f"{name}出席会议。", [(name, "PERSON")])
        assert names(build(a), "PERSON") == {name}


def test_organisation_ending_inside_a_title_is_the_titles_organisation():
    a = analysis_of("埃及内政部长阿德利指出。", [("埃及内政部", "ORG"), ("阿德利", "PERSON")])
    r = build(a)
    assert names(r) == {"埃及内政部", "阿德利"}
    assert [(p.title, r.entities[p.organisation].name) for p in r.positions] == [("部长", "埃及内政部")]


def test_clause_before_a_title_is_not_an_organisation():
    a = analysis_of("他发现县委书记向在远密谋收集地委书记宋秋山的材料。", [("宋秋山", "PERSON")])
    assert names(build(a), "ORG") == set()


def test_replacement_characters_never_enter_names():
    a = analysis_of("沈阳\ufffd自动化研究所成立。", [("沈阳\ufffd自动化研究所", "ORG")])
    assert all("\ufffd" not in n for n in names(build(a)))


def test_label_fixed_by_unambiguous_suffix():
    assert fix_label("哈尔滨工业大学", "LOC") == "ORG"
    assert fix_label("辽宁省", "ORG") == "LOC"
    assert fix_label("浦东新区", "LOC") == "LOC"


# ---- officials ----

def test_stacked_titles_before_a_name():
    a = analysis_of("全国政协委员、鞍钢集团董事长、党委书记张明出席。",
                    [("全国政协", "ORG"), ("鞍钢集团", "ORG"), ("张明", "PERSON")])
    r = build(a)
    person = entity(r, "张明")
    assert person.titles == ["委员", "董事长", "党委书记"]
    assert set(person.affiliations) == {"中国人民政治协商会议全国委员会", "鞍钢集团"}  # 全国政协, the standard short form
    got = {(p.title, r.entities[p.organisation].name) for p in r.positions}
    assert got == {("委员", "中国人民政治协商会议全国委员会"), ("董事长", "鞍钢集团"), ("党委书记", "鞍钢集团")}


def test_place_before_a_mayor_title_means_its_government():
    a = analysis_of("沈阳市副市长赵一陪同调研。", [("沈阳市", "LOC"), ("赵一", "PERSON")])
    r = build(a)
    (p,) = r.positions
    assert (r.entities[p.person].name, p.title, r.entities[p.organisation].name) == ("赵一", "副市长", "沈阳市人民政府")
    assert entity(r, "赵一").subtype == "official"
    assert entity(r, "沈阳市人民政府").subtype == "government"


def test_names_in_a_list_share_the_title():
    a = analysis_of("沈阳市副市长赵一、钱小二陪同调研。", [("沈阳市", "LOC"), ("赵一", "PERSON"), ("钱小二", "PERSON")])
    r = build(a)
    assert {r.entities[p.person].name for p in r.positions} == {"赵一", "钱小二"}


def test_byline_names_are_journalists_of_the_document_media():
    a = analysis_of("沈阳日报记者王磊 李娜 周涛报道。", [("沈阳日报", "ORG"), ("王磊", "PERSON"), ("李娜", "PERSON"), ("周涛", "PERSON")])
    r = build(a)
    for name in ("王磊", "李娜", "周涛"):
        assert entity(r, name).subtype == "journalist"
        assert entity(r, name).affiliations == ["沈阳日报"]


def test_organisation_read_from_a_title_that_the_model_missed():
    a = analysis_of("会上，市科技局局长孙立平作报告。", [("孙立平", "PERSON")])
    r = build(a)
    (p,) = r.positions
    assert p.title == "局长"
    assert r.entities[p.organisation].name == "市科技局"


def test_title_after_the_name():
    a = analysis_of("王建国市长表示欢迎。", [("王建国", "PERSON")])
    assert entity(build(a), "王建国").titles == ["市长"]


# ---- alias merging ----

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
    assert names(build(a), "ORG") == {"大连市委宣传部"}
    assert entity(build(a), "大连市委宣传部").subtype == "party"


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


# ---- fine types ----

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


def test_jiancheng_note_recovers_a_full_name_the_model_missed():
    a = analysis_of("沈阳市工商业联合会（以下简称沈阳市工商联）召开会议。沈阳市工商联表示支持。",
                    [("沈阳市工商联", "ORG"), ("沈阳市工商联", "ORG")])
    r = build(a)
    assert names(r, "ORG") == {"沈阳市工商业联合会"}


def test_listed_titles_share_the_organisation_before_them():
    a = analysis_of("浑南区委书记黄维、区长邓晓参加调研。", [("浑南区委", "ORG"), ("黄维", "PERSON"), ("邓晓", "PERSON")])
    r = build(a)
    got = {(r.entities[p.person].name, p.title, r.entities[p.organisation].name) for p in r.positions}
    assert got == {("黄维", "书记", "浑南区委"), ("邓晓", "区长", "浑南区人民政府")}


def test_mayor_after_party_title_heads_the_government():
    a = analysis_of("市委副书记、市长刘振华主持会议。", [("刘振华", "PERSON")])
    r = resolve([document_facts(a)])
    titles = {p.title for p in r.positions}
    assert titles == {"副书记", "市长"}


def test_generic_company_word_before_a_title_means_the_last_company():
    a = analysis_of("北方智造机器人股份有限公司发布新品。公司总经理刘振宇介绍。",
                    [("北方智造机器人股份有限公司", "ORG"), ("刘振宇", "PERSON")])
    r = build(a)
    (p,) = r.positions
    assert r.entities[p.organisation].name == "北方智造机器人股份有限公司"
    assert "公司" not in names(r)


def test_reporting_verb_cut_from_a_name():
    a = analysis_of("市工信局局长吴敏参加会见。", [("吴敏参加", "PERSON")])
    assert names(build(a), "PERSON") == {"吴敏"}


def test_organisation_span_cut_at_le_and_suoshu():
    a = analysis_of("市长在市政府会见了克劳森自动化公司代表。集团所属北辰钢铁研究院发布成果。",
                    [("市政府会见了克劳森自动化公司", "ORG"), ("集团所属北辰钢铁研究院", "ORG")])
    assert names(build(a), "ORG") >= {"克劳森自动化公司", "北辰钢铁研究院"}
    assert not any("会见" in n or "所属" in n for n in names(build(a)))


def test_title_after_an_appointment_verb():
    a = analysis_of("东北工业软件创新联盟成立。会议选举盛京云数董事长马骁为理事长，东北大学校长李建国当选学术委员会主任。",
                    [("东北工业软件创新联盟", "ORG"), ("盛京云数", "ORG"), ("马骁", "PERSON"), ("东北大学", "ORG"),
                     ("李建国", "PERSON")])
    r = build(a)
    got = {(r.entities[p.person].name, p.title, r.entities[p.organisation].name if p.organisation else None)
           for p in r.positions}
    assert ("李建国", "校长", "东北大学") in got
    assert ("李建国", "学术委员会主任", "东北工业软件创新联盟") in got
    assert ("马骁", "理事长", "东北工业软件创新联盟") in got


def test_vice_mayor_without_organisation_serves_the_home_city():
    a = analysis_of("本报沈阳3月5日电 副市长赵文博出席。", [("赵文博", "PERSON")])
    r = build(a)
    (p,) = r.positions
    assert r.entities[p.organisation].name == "沈阳市人民政府"


from hypothesis import given, settings, strategies as st  # noqa: E402

from kg.types import Mention  # noqa: E402

_TEXT = st.text(alphabet=st.sampled_from(list("沈阳市长张明鞍钢集团董事、，。（）() 记者王磊中国科学院所\ufffd了的局委书记")), max_size=60)


@given(_TEXT, st.lists(st.tuples(st.integers(0, 60), st.integers(1, 12), st.sampled_from(["PERSON", "ORG", "LOC"])),
                       max_size=8))
@settings(max_examples=300, deadline=None)
def test_entity_stage_never_crashes_on_arbitrary_text_and_spans(text, spans):
    a = analysis_of(text, [])
    mentions = []
    for start, length, label in spans:
        end = min(len(a.text), start + length)
        if start < end:
            sentence = next((i for i, s in enumerate(a.sentences) if s.start <= start < s.end), None)
            if sentence is not None and end <= a.sentences[sentence].end:
                mentions.append(Mention(start, end, a.text[start:end], label, sentence))
    a.mentions = mentions
    r = resolve([document_facts(a)])
    for e in r.entities.values():
        assert e.name and "\ufffd" not in e.name


def test_names_starting_like_function_words_keep_their_first_character():
    a = analysis_of("同济大学与和平区合作，于海洋出席。", [("同济大学", "ORG"), ("和平区", "LOC"), ("于海洋", "PERSON")])
    assert names(build(a)) == {"同济大学", "和平区", "于海洋"}
    b = analysis_of("会议在沈阳市召开。", [("在沈阳市", "LOC")])
    assert names(build(b)) == {"沈阳市"}


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


def test_executive_vice_mayor_serves_the_government():
    a = analysis_of("沈阳市常务副市长赵一出席。", [("沈阳市", "LOC"), ("赵一", "PERSON")])
    (p,) = build(a).positions
    assert build(a).entities[p.organisation].name == "沈阳市人民政府"


def test_he_inside_a_ministry_name():
    a = analysis_of("工业和信息化部部长王强出席。", [("王强", "PERSON")])
    r = build(a)
    (p,) = r.positions
    assert r.entities[p.organisation].name == "工业和信息化部"


def test_yaml_alias_file_errors_are_clear(tmp_path):
    bad = tmp_path / "a.yaml"
    bad.write_text("- 哈工大\n", encoding="utf-8")
    with pytest.raises(ValueError, match="item 1"):
        read_alias_file(bad)
    bad.write_text("a: [b\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not valid YAML"):
        read_alias_file(bad)


def test_place_followed_by_its_body_is_that_body():
    a = analysis_of("代表团与浑南区政府座谈，沈阳市工信局和美国政府派员参加。",
                    [("浑南区", "LOC"), ("沈阳市", "LOC"), ("工信局", "ORG"), ("美国", "LOC")])
    got = {(e.name, e.type, e.subtype) for e in build(a).entities.values()}
    assert ("浑南区人民政府", "ORG", "government") in got or ("浑南区政府", "ORG", "government") in got
    assert ("沈阳市工业和信息化局", "ORG", "government") in got and ("工信局", "ORG", "government") not in got
    assert ("美国政府", "ORG", "government") in got or ("美国人民政府", "ORG", "government") in got


def test_place_before_other_words_stays_a_place():
    a = analysis_of("沈阳市政策支持企业，美国委员到访。", [("沈阳市", "LOC"), ("美国", "LOC")])
    assert names(build(a), "LOC") == {"沈阳市", "美国"}


def test_resolve_reads_a_spill_like_a_list():
    from kg.cache import FactSpill

    texts = [("鞍钢集团董事长张明在沈阳调研。", [("鞍钢集团", "ORG"), ("张明", "PERSON"), ("沈阳", "LOC")]),
             ("鞍钢与沈阳市签约，张明出席。", [("鞍钢", "ORG"), ("沈阳市", "LOC"), ("张明", "PERSON")])]
    facts = [document_facts(analysis_of(t, s, doc_id=f"d{i}")) for i, (t, s) in enumerate(texts)]
    from_list = resolve(facts)
    with FactSpill() as spill:
        spill.extend(facts)
        from_spill = resolve(spill)
        assert from_spill.entities == from_list.entities
        assert list(from_spill.by_document()) == list(from_list.by_document())
        assert list(from_spill.by_document()) == list(from_spill.by_document())  # re-readable
    assert entity(from_list, "沈阳市").documents == 2 and entity(from_list, "张明").documents == 2


def test_mention_cut_short_becomes_the_longer_name_of_the_document():
    a = analysis_of("郑国强调研企业。市委书记郑国强到北辰钢铁集团考察，北辰钢铁集团负责人陪同。",
                    [("郑国", "PERSON"), ("郑国强", "PERSON"), ("北辰钢铁集团", "ORG"), ("北辰钢铁", "ORG")])
    r = build(a)
    assert names(r, "PERSON") == {"郑国强"} and entity(r, "郑国强").mentions == 2
    assert entity(r, "北辰钢铁集团").mentions == 2  # 北辰钢铁|集团 extended, not a second entity


def test_organisation_found_once_is_found_where_the_model_left_it_untagged():
    a = analysis_of("北辰钢铁集团与东北大学签约。北辰钢铁集团将投资。东北大学表示欢迎。",
                    [("北辰钢铁集团", "ORG"), ("东北大学", "ORG")])
    r = build(a)
    assert entity(r, "北辰钢铁集团").mentions == 2 and entity(r, "东北大学").mentions == 2


def test_short_names_are_not_propagated():
    a = analysis_of("鞍钢发布公告。鞍钢研究院成立。", [("鞍钢", "ORG")])
    assert entity(build(a), "鞍钢").mentions == 1  # 2 characters: not searched for elsewhere


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


def test_provincial_committee_in_a_city_article_is_the_city_province():
    a = analysis_of("本报沈阳5月13日电 省委常委、市委书记郑国强到企业调研。", [("沈阳", "LOC"), ("郑国强", "PERSON")])
    r = build(a)
    orgs = {r.entities[p.organisation].name for p in r.positions if p.organisation}
    assert {"辽宁省委", "沈阳市委"} <= orgs


def test_city_province_table_is_consistent():
    from kg.entities import city_provinces, provinces

    table = city_provinces()
    assert table["沈阳"] == "辽宁省" and table["苏州"] == "江苏省" and table["吉林"] == "吉林省"
    assert all(p in provinces() and provinces()[p][1] == "province" for p in set(table.values()))


def test_zones_tagged_as_organisations_are_places():
    a = analysis_of("沈阳浑河智造产业园和大连高新区管委会签约。", [("沈阳浑河智造产业园", "ORG"), ("大连高新区管委会", "ORG")])
    got = {(e.name, e.type, e.subtype) for e in build(a).entities.values()}
    assert ("沈阳浑河智造产业园", "LOC", "zone") in got and ("大连高新技术产业开发区管委会", "ORG", "government") in got


def test_company_named_in_full_is_found_by_its_short_name():
    a = analysis_of("北辰智造机器人股份有限公司成立。北辰智造董事长周志远介绍，北辰智造将扩产。",
                    [("北辰智造机器人股份有限公司", "ORG"), ("周志远", "PERSON"), ("北辰智造将", "ORG")])
    r = build(a)
    company = entity(r, "北辰智造机器人股份有限公司")
    assert set(company.aliases) == {"北辰智造机器人股份有限公司", "北辰智造"} and company.mentions == 3
    assert {(p.title, r.entities[p.organisation].name) for p in r.positions} == {("董事长", "北辰智造机器人股份有限公司")}


def test_short_name_the_model_read_as_a_person_is_the_company():
    a = analysis_of("沈阳盛京云数科技有限公司揭牌。盛京云数董事长马骁致辞。",
                    [("沈阳盛京云数科技有限公司", "ORG"), ("盛京", "PERSON"), ("马骁", "PERSON")])
    r = build(a)
    assert names(r, "PERSON") == {"马骁"}
    assert set(entity(r, "沈阳盛京云数科技有限公司").aliases) == {"沈阳盛京云数科技有限公司", "盛京云数"}


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


def test_party_group_secretary_holds_the_position_at_the_body():
    a = analysis_of("吉林省工商联党组书记孔祥瑞表示欢迎。", [("吉林省工商联党组", "ORG"), ("孔祥瑞", "PERSON")])
    r = build(a)
    assert {(p.title, r.entities[p.organisation].name) for p in r.positions} == {("党组书记", "吉林省工商业联合会")}


def test_delegations_and_teams_are_not_organisations():
    a = analysis_of("吉林省企业家代表团到沈阳考察，大连理工相关团队参加。", [("吉林省企业家代表团", "ORG"), ("沈阳", "LOC"), ("大连理工相关团队", "ORG")])
    assert names(build(a), "ORG") == set()


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


def test_short_names_of_universities_and_companies_are_found_after_the_full_name():
    a = analysis_of("大连理工大学与上海浦芯半导体有限公司合作。大连理工团队和浦芯半导体工程师参加。",
                    [("大连理工大学", "ORG"), ("上海浦芯半导体有限公司", "ORG")])
    r = build(a)
    assert set(entity(r, "大连理工大学").aliases) == {"大连理工大学", "大连理工"}
    assert set(entity(r, "上海浦芯半导体有限公司").aliases) == {"上海浦芯半导体有限公司", "浦芯半导体"}


def test_a_name_followed_by_company_is_the_company():
    a = analysis_of("市政府与克劳森公司签约，克劳森自动化公司首席执行官出席。",
                    [("克劳森", "PERSON"), ("克劳森自动化公司", "ORG")])
    r = build(a)
    assert names(r, "PERSON") == set() and "克劳森公司" in entity(r, "克劳森自动化公司").aliases


def test_a_company_read_as_a_person_is_a_company():
    assert fix_label("克劳森自动化公司", "PERSON") == "ORG" and fix_label("张明", "PERSON") == "PERSON"


def test_bylines_name_their_outlet():
    a = analysis_of("据新华社洛杉矶1月2日电（记者吴月辉）会议召开。《福州晚报》记者顾伟遭到忌恨。本报济南1月1日电记者贾建舟、刘磊报道。",
                    [("洛杉矶", "LOC"), ("吴月辉", "PERSON"), ("顾伟", "PERSON"), ("济南", "LOC"), ("贾建舟", "PERSON"), ("刘磊", "PERSON")])
    facts = document_facts(a)
    got = {(p.person, p.title, p.organisation) for p in facts.positions}
    assert got == {("吴月辉", "记者", "新华社"), ("顾伟", "记者", "福州晚报"), ("贾建舟", "记者", "本报"), ("刘磊", "记者", "本报")}


def test_posted_abroad_is_not_the_employer():
    a = analysis_of("中国驻俄罗斯大使李凤林出席。本报驻突尼斯记者吕志星报道。",
                    [("中国", "LOC"), ("俄罗斯", "LOC"), ("李凤林", "PERSON"), ("突尼斯", "LOC"), ("吕志星", "PERSON")])
    got = {(p.person, p.title, p.organisation) for p in document_facts(a).positions}
    assert got == {("李凤林", "大使", "中国"), ("吕志星", "记者", "本报")}


def test_body_whose_last_character_starts_the_title():
    a = analysis_of("公安部长陶驷驹出席。李长水担任了市公安局长。我骑兵司令崔保山说。",
                    [("陶驷驹", "PERSON"), ("李长水", "PERSON"), ("崔保山", "PERSON")])
    got = {(p.person, p.title, p.organisation) for p in document_facts(a).positions}
    assert got == {("陶驷驹", "部长", "公安部"), ("李长水", "局长", "市公安局"), ("崔保山", "司令", None)}


# ---- names of labs, consortia, alliances and groups ----

def test_place_and_more_name_and_a_body_word_make_one_organisation():
    a = analysis_of("辽宁省机器人产业创新联盟成立大会在沈阳举行。", [("辽宁省", "LOC"), ("联盟", "ORG"), ("沈阳", "LOC")])
    assert names(build(a), "ORG") == {"辽宁省机器人产业创新联盟"}


def test_board_of_a_consortium_is_not_part_of_its_name():
    a = analysis_of("东北工业软件创新联合体理事会第一次会议召开。", [("东北", "LOC"), ("联合体理事会", "ORG")])
    assert names(build(a), "ORG") == {"东北工业软件创新联合体"}


def test_joint_lab_named_after_two_partners_is_one_organisation():
    a = analysis_of("东北大学—北辰钢铁智能冶金联合实验室举办开放日。",
                    [("东北大学", "ORG"), ("北辰钢铁智能冶金联合实验室", "ORG")])
    assert names(build(a), "ORG") == {"东北大学—北辰钢铁智能冶金联合实验室"}
    b = analysis_of("双方将共建“哈工大—北方智造机器人联合研究中心”。", [])
    assert names(build(b), "ORG") == {"哈工大—北方智造机器人联合研究中心"}


def test_name_after_a_kind_word_starts_after_it():
    a = analysis_of("新加坡企业汇通供应链集团日前设立总部。", [("新加坡", "LOC")])
    assert names(build(a), "ORG") == {"汇通供应链集团"}


def test_clauses_people_and_partners_do_not_make_a_body_name():
    cases = [
        ("沈阳市大力发展机器人产业联盟。", [("沈阳市", "LOC")]),
        ("东北大学教授王立成受聘担任联合实验室首席科学家。", [("东北大学", "ORG"), ("王立成", "PERSON")]),
        ("哈尔滨工业大学与北方智造机器人股份有限公司签约。", [("哈尔滨工业大学", "ORG")]),
        ("北辰钢铁研究院新建三个实验室。", [("北辰钢铁研究院", "ORG")]),
        ("本报北京1月1日讯海峡两岸关系协会会长出席。", [("北京", "LOC")]),
        ("学校与企业共建联合实验室。", []),
    ]
    for text, spans in cases:
        got = names(build(analysis_of(text, spans)), "ORG")
        assert not any(len(n) > 8 for n in got), (text, got)


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


def test_source_line_names_the_outlet():
    a = analysis_of("会议召开。\n来源：辽宁日报", [("辽宁", "LOC")])
    r = build(a)
    assert names(r) == {"辽宁日报"} and entity(r, "辽宁日报").subtype == "media"


def test_region_with_diqu_is_the_same_place_and_headquarters_are_not_organisations():
    a = analysis_of("东北地区制造业基础雄厚。东北振兴。集团在沈阳设立东北亚区域总部。",
                    [("东北", "LOC"), ("东北", "LOC"), ("沈阳", "LOC"), ("东北亚区域总部", "ORG")])
    r = build(a)
    assert set(entity(r, "东北地区").aliases) == {"东北地区", "东北"}
    assert "东北亚" in names(r, "LOC") and not names(r, "ORG")


def test_foreign_name_before_more_name_and_gongsi_is_the_company():
    a = analysis_of("来自德国的克劳森自动化公司投资建厂。", [("德国", "LOC"), ("克劳森", "PERSON")])
    r = build(a)
    assert names(r, "ORG") == {"克劳森自动化公司"} and not names(r, "PERSON")
    b = analysis_of("张明介绍公司发展。", [("张明", "PERSON")])
    assert names(build(b), "PERSON") == {"张明"}


def test_two_latin_letters_are_not_a_name():
    a = analysis_of("学生通过VR设备参观，IBM公司参展。", [("VR", "ORG"), ("IBM", "ORG")])
    assert names(build(a), "ORG") == {"IBM"}
