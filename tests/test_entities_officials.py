"""Entity rules: officials' titles and positions (kg/entities/officials.py), each on hand-made model output (no model needed)."""

import pytest

from kg.entities import document_facts, resolve, territorial_unit
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


def test_a_mayors_post_is_held_at_the_city():
    a = analysis_of("沈阳市副市长赵一陪同调研。", [("沈阳市", "LOC"), ("赵一", "PERSON")])
    r = build(a)
    (p,) = r.positions
    assert (r.entities[p.person].name, p.title, r.entities[p.organisation].name) == ("赵一", "副市长", "沈阳市")
    assert entity(r, "赵一").subtype == "official"
    assert entity(r, "沈阳市").type == "LOC"


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
    # territorial posts are held at the district itself, whichever body the title names
    assert got == {("黄维", "书记", "浑南区"), ("邓晓", "区长", "浑南区")}


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
    assert r.entities[p.organisation].name == "沈阳市"


def test_executive_vice_mayor_serves_the_city():
    a = analysis_of("沈阳市常务副市长赵一出席。", [("沈阳市", "LOC"), ("赵一", "PERSON")])
    (p,) = build(a).positions
    assert build(a).entities[p.organisation].name == "沈阳市"


@pytest.mark.parametrize("org, title, unit", [
    ("泉州市委", "副书记", "泉州市"), ("泉州市委", "常委", "泉州市"), ("中共福建省委", "书记", "福建省"),
    ("泉州市人民政府", "常务副市长", "泉州市"), ("沈阳高新区管委会", "主任", "沈阳高新区"),
    ("长沙经开区党工委", "副书记", "长沙经开区"),
    ("泉州市委", "部长", None), ("泉州市人民政府", "秘书长", None), ("泉州市委统战部", "部长", None),
    ("鞍钢集团", "书记", None),
])
def test_territorial_posts_are_held_at_the_territory(org, title, unit):
    assert territorial_unit(org, title) == unit


def test_party_committee_posts_and_mayors_go_to_the_city_other_posts_to_their_body():
    a = analysis_of("泉州市委副书记、市长蔡战胜，市委常委、统战部长黄明出席。",
                    [("泉州市委", "ORG"), ("蔡战胜", "PERSON"), ("市委", "ORG"), ("黄明", "PERSON")])
    r = build(a)
    got = {(r.entities[p.person].name, p.title, r.entities[p.organisation].name) for p in r.positions if p.organisation}
    assert {("蔡战胜", "副书记", "泉州市"), ("蔡战胜", "市长", "泉州市"), ("黄明", "常委", "泉州市")} <= got
    assert "泉州市人民政府" not in names(r)


def test_titles_without_a_body_after_a_titled_name_share_its_body():
    a = analysis_of("长沙市委常委、常务副市长彭华松，副市长郑平出席。",
                    [("长沙市委", "ORG"), ("彭华松", "PERSON"), ("郑平", "PERSON")])
    r = build(a)
    got = {(r.entities[p.person].name, p.title, r.entities[p.organisation].name) for p in r.positions if p.organisation}
    assert ("郑平", "副市长", "长沙市") in got
    # a title of another level is not shared: 副省长 is no post of the city
    b = analysis_of("本报沈阳5月24日电 省委常委、沈阳市委书记郑国强，副省长陈立新出席。",
                    [("沈阳", "LOC"), ("沈阳市委", "ORG"), ("郑国强", "PERSON"), ("陈立新", "PERSON")])
    rb = build(b)
    got = {(rb.entities[p.person].name, p.title, rb.entities[p.organisation].name) for p in rb.positions if p.organisation}
    assert ("陈立新", "副省长", "辽宁省") in got and ("陈立新", "副省长", "沈阳市") not in got


def test_a_kind_word_in_a_title_chain_does_not_stop_it():
    a = analysis_of("长沙经开区党工委副书记、管委会主任蒋红波出席。", [("长沙经开区党工委", "ORG"), ("蒋红波", "PERSON")])
    r = build(a)
    got = {(p.title, r.entities[p.organisation].name) for p in r.positions if p.organisation}
    assert got == {("副书记", "长沙经济技术开发区"), ("主任", "长沙经济技术开发区")}  # the official name


def test_board_or_party_committee_of_a_kind_word_is_the_organisation_named_before():
    a = analysis_of("福建投资集团党委书记王非会见客人，集团党委委员、副总经理叶远航参加。",
                    [("福建投资集团", "ORG"), ("王非", "PERSON"), ("集团党委", "ORG"), ("叶远航", "PERSON")])
    r = build(a)
    got = {(r.entities[p.person].name, r.entities[p.organisation].name) for p in r.positions if p.organisation}
    assert ("叶远航", "福建投资集团") in got and "集团党委" not in names(r)


@pytest.mark.parametrize("text, tagged, journalist", [
    ("（记者 代敏）", [("代敏", "PERSON")], "代敏"),
    ("【深圳商报讯】（首席记者 王海荣）8月17日，深圳市公示名单。", [("王海荣", "PERSON")], "王海荣"),
    ("记者丨周琳", [("周琳", "PERSON")], "周琳"),
    ("(文/刘燕婷 图/大科园提供)", [("刘燕婷", "PERSON")], "刘燕婷"),
])
def test_bylines_with_a_separator_or_a_role_make_journalists(text, tagged, journalist):
    assert entity(build(analysis_of(text, tagged)), journalist).subtype == "journalist"


def test_latin_titles_between_company_and_name():
    a = analysis_of("北京佰才邦CEO孙立新介绍了情况。", [("北京佰才邦CEO", "ORG"), ("孙立新", "PERSON")])
    r = build(a)
    got = {(r.entities[p.person].name, p.title, r.entities[p.organisation].name) for p in r.positions if p.organisation}
    assert got == {("孙立新", "CEO", "北京佰才邦")}
    assert entity(r, "孙立新").subtype == "business" and "北京佰才邦CEO" not in names(r)


def test_a_title_that_is_also_a_verb_needs_a_break_after_the_name():
    a = analysis_of("彭华松代表市委对项目表示祝贺。", [("彭华松", "PERSON")])
    assert entity(build(a), "彭华松").titles == []


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


def test_bare_party_committee_before_a_territorial_title_is_part_of_the_title():
    a = analysis_of("本报杭州3月4日电 省委常委、市委书记刘捷出席。", [("杭州", "LOC"), ("省委", "ORG"), ("市委", "ORG"), ("刘捷", "PERSON")])
    r = build(a)
    got = {(p.title, r.entities[p.organisation].name) for p in r.positions if p.organisation}
    assert got == {("常委", "浙江省"), ("书记", "杭州市")}
    assert not names(r, "ORG")  # 省委, 市委 name no body of their own here


def test_a_zones_committee_named_bare_is_the_zone_named_before():
    a = analysis_of("一行拜访了泉州台商投资区管委会，并与党工委书记林荣忠、管委会主任苏延辉座谈。",
                    [("泉州台商投资区管委会", "ORG"), ("党工委", "ORG"), ("林荣忠", "PERSON"), ("苏延辉", "PERSON")])
    r = build(a)
    got = {(r.entities[p.person].name, r.entities[p.organisation].name) for p in r.positions if p.organisation}
    assert got == {("林荣忠", "泉州台商投资区"), ("苏延辉", "泉州台商投资区")}
    assert entity(r, "泉州台商投资区").subtype == "zone" and "党工委" not in names(r)


def test_collective_descriptors_make_officials_without_a_post():
    a = analysis_of("省领导吴偕林、王金福参加。", [("吴偕林", "PERSON"), ("王金福", "PERSON")])
    r = build(a)
    assert entity(r, "吴偕林").subtype == "official" and entity(r, "王金福").subtype == "official"
    assert not [p for p in r.positions if p.organisation]


def test_a_party_department_title_is_held_at_that_committees_department():
    text = "萧山区委常委、统战部长倪世英来访。深圳市委常委、统战部部长王强带队调研。"
    a = analysis_of(text, [("萧山区委", "ORG"), ("倪世英", "PERSON"), ("深圳市委", "ORG"), ("王强", "PERSON")])
    r = build(a)
    held = {(r.entities[p.person].name, p.title, r.entities[p.organisation].name if p.organisation else None)
            for p in r.positions}
    # the department is never written with its place here: it gets the full name it goes by
    assert ("倪世英", "部长", "中共杭州市萧山区委统战部") in held
    assert ("王强", "部长", "中共深圳市委统战部") in held
    assert ("倪世英", "常委", "萧山区") in held or any(h[:2] == ("倪世英", "常委") for h in held)


def test_a_department_written_with_its_place_keeps_the_written_name():
    a = analysis_of("光明区委统战部部长李华出席。", [("光明区委统战部", "ORG"), ("李华", "PERSON")])
    assert "光明区委统战部" in names(build(a), "ORG")


def test_stacked_titles_run_on_over_a_comma_after_a_title():
    text = "中国科学院副院长、党组成员，中科院院士张亚平致辞。市长刘明，副市长李强出席。"
    a = analysis_of(text, [("中国科学院", "ORG"), ("中科院", "ORG"), ("张亚平", "PERSON"), ("刘明", "PERSON"), ("李强", "PERSON")])
    r = build(a)
    titles = {(r.entities[p.person].name, p.title) for p in r.positions}
    assert ("张亚平", "副院长") in titles and ("张亚平", "院士") in titles
    assert ("李强", "市长") not in titles  # a name before the comma ends the chain


def test_a_business_unit_in_latin_letters_is_where_the_post_is():
    text = "凌云与华为公司EBG总裁彭中阳交流。华为公司在合肥设立研究院。"
    a = analysis_of(text, [("凌云", "PERSON"), ("华为公司", "ORG"), ("彭中阳", "PERSON"), ("华为公司", "ORG"), ("合肥", "LOC")])
    r = build(a)
    held = {(r.entities[p.person].name, p.title, r.entities[p.organisation].name) for p in r.positions if p.organisation}
    assert ("彭中阳", "总裁", "华为公司EBG") in held
    assert "华为公司EBG" not in entity(r, "华为公司").aliases  # the unit is no name of the company


def test_a_city_and_a_brand_before_a_company_title_are_the_company():
    a = analysis_of("北京佰才邦CEO孙立新、北京市长王安出席。", [("北京", "LOC"), ("孙立新", "PERSON"), ("北京", "LOC"), ("王安", "PERSON")])
    r = build(a)
    got = {(r.entities[p.person].name, p.title, r.entities[p.organisation].name) for p in r.positions if p.organisation}
    assert ("孙立新", "CEO", "北京佰才邦") in got
    assert not any(org.startswith("北京市长") for _, _, org in got)


def test_the_level_character_before_a_tagged_body_is_part_of_it():
    a = analysis_of("省科技厅厅长许建平、省科协党组书记曹玉梅出席。",
                    [("省科技厅", "ORG"), ("许建平", "PERSON"), ("科协", "ORG"), ("曹玉梅", "PERSON")])
    r = build(a)
    units = {r.entities[p.person].name: r.entities[p.organisation].name for p in r.positions if p.organisation}
    assert units["曹玉梅"] != "科协" and units["曹玉梅"].endswith(("省科协", "科学技术协会"))


def test_state_and_foreign_offices_are_titles():
    a = analysis_of("中共中央政治局常委、全国人大常委会委员长赵乐际出席，国家副主席韩正致辞。",
                    [("中共中央政治局", "ORG"), ("全国人大常委会", "ORG"), ("赵乐际", "PERSON"), ("韩正", "PERSON")])
    r = build(a)
    assert entity(r, "赵乐际").titles == ["常委", "委员长"] and entity(r, "赵乐际").subtype == "official"
    assert entity(r, "韩正").titles == ["国家副主席"] and entity(r, "韩正").subtype == "official"
    assert entity(r, "中共中央政治局").subtype == "party"
    # a minister's portfolio is part of the title: the post is held at the country, not at a body 英国财政
    b = build(analysis_of("英国财政大臣里夫斯表示。", [("英国", "LOC"), ("里夫斯", "PERSON")]))
    assert names(b, "ORG") == set() and entity(b, "里夫斯").titles == ["财政大臣"]
    assert entity(b, "里夫斯").affiliations == ["英国"]


def test_honorary_ambassadors_are_no_officials_and_an_interview_label_is_no_byline():
    r = build(analysis_of("品牌形象大使李宇春出席。中国驻美国大使秦刚表示。",
                          [("李宇春", "PERSON"), ("中国", "LOC"), ("美国", "LOC"), ("秦刚", "PERSON")]))
    assert entity(r, "李宇春").titles == ["形象大使"] and entity(r, "李宇春").subtype == "other"
    assert entity(r, "秦刚").subtype == "official"
    r = build(analysis_of("记者：胡锦涛主席访问的正式活动圆满成功。国家主席胡锦涛出席。",
                          [("胡锦涛", "PERSON"), ("胡锦涛", "PERSON")]))
    assert "记者" not in entity(r, "胡锦涛").titles and entity(r, "胡锦涛").subtype == "official"


def test_a_public_office_outweighs_a_journalists_title():
    from kg.entities import person_subtype
    assert person_subtype([("记者", "media"), ("国家主席", None)]) == "official"
    assert person_subtype([("记者", "media")]) == "journalist"
    assert person_subtype([("记者", "media"), ("董事长", "company")]) == "journalist"


def test_a_state_office_in_a_chain_is_not_held_at_the_party_body_before_it():
    a = analysis_of("中共中央总书记、国家主席、中央军委主席习近平出席。",
                    [("中共中央", "ORG"), ("中央军委", "ORG"), ("习近平", "PERSON")])
    r = build(a)
    got = {(p.title, r.entities[p.organisation].name if p.organisation else None) for p in r.positions}
    assert ("国家主席", "中共中央") not in got and ("总书记", "中共中央") in got


def test_an_appointments_body_is_one_clauses_words():
    a = analysis_of("决定免去秦刚兼任的外交部部长职务，任命王毅为外交部部长。",
                    [("秦刚兼", "PERSON"), ("外交部", "ORG"), ("王毅", "PERSON"), ("外交部", "ORG")])
    r = build(a)
    assert names(r, "PERSON") == {"秦刚", "王毅"} and names(r, "ORG") == {"外交部"}


def test_appointments_in_a_list_of_clauses_keep_each_post_with_its_holder():
    a = analysis_of("央行国际司司长金琦已出任办公厅主任，中国外汇交易中心总裁谢多已出任国际司司长。",
                    [("央行国际司", "ORG"), ("金琦", "PERSON"), ("办公厅", "ORG"), ("中国外汇交易中心", "ORG"), ("谢多", "PERSON"),
                     ("国际司", "ORG")])
    r = build(a)
    held = {(r.entities[p.person].name, p.title, r.entities[p.organisation].name) for p in r.positions}
    assert ("谢多", "主任", "办公厅") not in held and ("谢多", "总裁", "中国外汇交易中心") in held
    assert ("金琦", "主任", "办公厅") in held and ("谢多", "司长", "国际司") in held
