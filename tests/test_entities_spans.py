"""Entity rules: span repair (kg/entities/spans.py), each on hand-made model output (no model needed)."""
import pytest

from kg.entities import fix_label
from tests.helpers import analysis_of
from tests.entity_helpers import build, entity, names


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


def test_replacement_characters_never_enter_names():
    a = analysis_of("沈阳\ufffd自动化研究所成立。", [("沈阳\ufffd自动化研究所", "ORG")])
    assert all("\ufffd" not in n for n in names(build(a)))


def test_label_fixed_by_unambiguous_suffix():
    assert fix_label("哈尔滨工业大学", "LOC") == "ORG"
    assert fix_label("辽宁省", "ORG") == "LOC"
    assert fix_label("浦东新区", "LOC") == "LOC"


def test_reporting_verb_cut_from_a_name():
    a = analysis_of("市工信局局长吴敏参加会见。", [("吴敏参加", "PERSON")])
    assert names(build(a), "PERSON") == {"吴敏"}


def test_a_verbs_first_character_is_cut_from_a_name():
    a = analysis_of("会议在京召开 蔡奇出席并讲话。李强宣读决定。", [("蔡奇出", "PERSON"), ("李强宣", "PERSON")])
    assert names(build(a), "PERSON") == {"蔡奇", "李强"}
    # where a whole verb follows, the character is the name's: 王志强|调研
    a = analysis_of("王志强调研企业。", [("王志强", "PERSON")])
    assert names(build(a), "PERSON") == {"王志强"}


def test_organisation_span_cut_at_le_and_suoshu():
    a = analysis_of("市长在市政府会见了克劳森自动化公司代表。集团所属北辰钢铁研究院发布成果。",
                    [("市政府会见了克劳森自动化公司", "ORG"), ("集团所属北辰钢铁研究院", "ORG")])
    assert names(build(a), "ORG") >= {"克劳森自动化公司", "北辰钢铁研究院"}
    assert not any("会见" in n or "所属" in n for n in names(build(a)))


def test_names_starting_like_function_words_keep_their_first_character():
    a = analysis_of("同济大学与和平区合作，于海洋出席。", [("同济大学", "ORG"), ("和平区", "LOC"), ("于海洋", "PERSON")])
    assert names(build(a)) == {"同济大学", "和平区", "于海洋"}
    b = analysis_of("会议在沈阳市召开。", [("在沈阳市", "LOC")])
    assert names(build(b)) == {"沈阳市"}


def test_delegations_and_teams_are_not_organisations():
    a = analysis_of("吉林省企业家代表团到沈阳考察，大连理工相关团队参加。", [("吉林省企业家代表团", "ORG"), ("沈阳", "LOC"), ("大连理工相关团队", "ORG")])
    assert names(build(a), "ORG") == set()


def test_a_company_read_as_a_person_is_a_company():
    assert fix_label("克劳森自动化公司", "PERSON") == "ORG" and fix_label("张明", "PERSON") == "PERSON"


def test_two_latin_letters_are_not_a_name():
    a = analysis_of("学生通过VR设备参观，IBM公司参展。", [("VR", "ORG"), ("IBM", "ORG")])
    assert names(build(a), "ORG") == {"IBM"}


@pytest.mark.parametrize("name", ["十五大", "党的十九大", "十五届三中全会", "中国国际高新技术成果交易会", "金融街论坛", "区校联席会"])
def test_events_are_not_organisations(name):
    from kg.entities import is_event_name
    assert is_event_name(name)
    a = analysis_of(f"会议讨论了{name}的筹备。", [(name, "ORG")])
    assert names(build(a)) == set()


@pytest.mark.parametrize("name", ["全国人民代表大会", "中国人民政治协商会议", "北京大学", "理事会"])
def test_bodies_that_end_like_events_are_not_events(name):
    from kg.entities import is_event_name
    assert not is_event_name(name)


def test_an_outlets_dateline_word_is_not_part_of_its_name():
    a = analysis_of("【深圳商报讯】记者报道。", [("深圳商报讯", "ORG")])
    assert names(build(a)) == {"深圳商报"}


def test_bracket_width_variants_are_aliases():
    a = analysis_of("东江集团(控股)有限公司董事长讲话。", [("东江集团（控股）有限公司", "ORG")])
    (e,) = build(a).entities.values()
    assert {"东江集团（控股）有限公司", "东江集团(控股)有限公司"} <= set(e.aliases)


@pytest.mark.parametrize("name", ["江宁开发区建设发展成果展", "广东改革开放40周年展", "深圳城市规划展", "中国国际摄影展"])
def test_an_exhibition_is_an_event_not_an_organisation(name):
    from kg.entities import is_event_name

    assert is_event_name(name)
    assert not is_event_name("华为发展")  # 发展 ends in 展 but is no show


def test_a_place_and_an_activity_is_no_organisation():
    from kg.entities import document_facts

    a = analysis_of("深圳市科研投入增长，合肥市生物医药产业链完善，推进产业调研。",
                    [("深圳市科研", "ORG"), ("合肥市生物医药产业链", "ORG"), ("产业调研", "ORG")])
    found = {m.text: m.label for m in document_facts(a).mentions}
    assert found.get("深圳市") == "LOC" and found.get("合肥市") == "LOC"
    assert not any(label == "ORG" for label in found.values())


def test_a_name_cut_one_character_short_before_its_verb_is_whole():
    from kg.entities import document_facts

    text = "集团董事长冯德胜表示，将加大投入。张三也表示支持。"
    a = analysis_of(text, [("冯德", "PERSON"), ("张三", "PERSON")])
    found = {m.text for m in document_facts(a).mentions if m.label == "PERSON"}
    assert "冯德胜" in found and "张三" in found and "张三也" not in found


def test_a_visit_verb_run_into_a_name_is_no_part_of_it():
    from kg.entities import document_facts

    a = analysis_of("王非赴泉州，拜会泉州市委书记。", [("王非", "PERSON"), ("拜会泉州市委", "ORG")])
    found = {m.text for m in document_facts(a).mentions if m.label == "ORG"}
    assert "泉州市委" in found and "拜会泉州市委" not in found


def test_a_lowercase_latin_word_is_no_person():
    a = analysis_of("We did it for all of us, Mark said.", [("for", "PERSON"), ("all", "PERSON"), ("Mark", "PERSON")])
    assert names(build(a), "PERSON") == {"Mark"}


def test_an_organisation_before_etc_is_the_name():
    a = analysis_of("腾讯等互联网公司加大投入。", [("腾讯等互联网公司", "ORG")])
    assert names(build(a), "ORG") == {"腾讯"}
    a = analysis_of("腾讯等互联网公司加大投入。", [("腾讯", "ORG")])
    assert names(build(a), "ORG") == {"腾讯"}  # no body 腾讯等互联网公司 read around it
    a = analysis_of("高等教育出版社出版，中国科学院等离子体物理研究所。",
                    [("高等教育出版社", "ORG"), ("中国科学院等离子体物理研究所", "ORG")])
    assert names(build(a), "ORG") == {"高等教育出版社", "中国科学院等离子体物理研究所"}


def test_two_bodies_joined_by_a_verb_are_two_names():
    a = analysis_of("国家发展改革委联合中央宣传部印发通知。中国人民银行指导商业银行。",
                    [("国家发展改革委联合中央宣传部", "ORG"), ("中国人民银行指导商业银行", "ORG")])
    assert {"国家发展改革委", "中央宣传部", "中国人民银行"} <= names(build(a), "ORG")
    a = analysis_of("中国联合网络通信集团有限公司发布公告，东北大学联合实验室揭牌。",
                    [("中国联合网络通信集团有限公司", "ORG"), ("东北大学联合实验室", "ORG")])
    assert names(build(a), "ORG") == {"中国联合网络通信集团有限公司", "东北大学联合实验室"}  # 联合 inside names


def test_armies_nations_and_storms_are_no_people_or_places():
    a = analysis_of("乌军发起进攻。台风杜苏芮登陆福建。杜苏芮带来强降雨。弘扬中华文化。韩军出席会议。",
                    [("乌军", "PERSON"), ("杜苏芮", "PERSON"), ("福建", "LOC"), ("杜苏芮", "PERSON"), ("中华", "LOC"),
                     ("韩军", "PERSON")])
    r = build(a)
    assert names(r, "ORG") == {"乌军"} and names(r, "PERSON") == {"韩军"}  # 韩军 may be a person's name
    assert names(r, "LOC") == {"福建省"}
    a = analysis_of("圭亚那总统阿里会见中方代表，圭方表示感谢。砚方题写书名。",
                    [("圭亚那", "LOC"), ("阿里", "PERSON"), ("圭方", "PERSON"), ("砚方", "PERSON")])
    assert names(build(a), "PERSON") == {"阿里", "砚方"}  # 圭方: the side of the country the article names


def test_a_storms_name_in_quotes_before_or_after_its_word_is_no_person():
    a = analysis_of("台风“杜苏芮”登陆。“卡努”台风北上。", [("杜苏芮", "PERSON"), ("卡努", "PERSON")])
    assert names(build(a), "PERSON") == set()
