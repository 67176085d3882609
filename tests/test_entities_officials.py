"""Entity rules: officials' titles and positions (kg/entities/officials.py), each on hand-made model output (no model needed)."""

from kg.entities import document_facts, resolve
from tests.helpers import analysis_of
from tests.entity_helpers import build, entity, names


def test_organisation_ending_inside_a_title_is_the_titles_organisation():
    a = analysis_of("埃及内政部长阿德利指出。", [("埃及内政部", "ORG"), ("阿德利", "PERSON")])
    r = build(a)
    assert names(r) == {"埃及内政部", "阿德利"}
    assert [(p.title, r.entities[p.organisation].name) for p in r.positions] == [("部长", "埃及内政部")]


def test_clause_before_a_title_is_not_an_organisation():
    a = analysis_of("他发现县委书记向在远密谋收集地委书记宋秋山的材料。", [("宋秋山", "PERSON")])
    assert names(build(a), "ORG") == set()


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


def test_executive_vice_mayor_serves_the_government():
    a = analysis_of("沈阳市常务副市长赵一出席。", [("沈阳市", "LOC"), ("赵一", "PERSON")])
    (p,) = build(a).positions
    assert build(a).entities[p.organisation].name == "沈阳市人民政府"


def test_he_inside_a_ministry_name():
    a = analysis_of("工业和信息化部部长王强出席。", [("王强", "PERSON")])
    r = build(a)
    (p,) = r.positions
    assert r.entities[p.organisation].name == "工业和信息化部"


def test_party_group_secretary_holds_the_position_at_the_body():
    a = analysis_of("吉林省工商联党组书记孔祥瑞表示欢迎。", [("吉林省工商联党组", "ORG"), ("孔祥瑞", "PERSON")])
    r = build(a)
    assert {(p.title, r.entities[p.organisation].name) for p in r.positions} == {("党组书记", "吉林省工商业联合会")}


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
