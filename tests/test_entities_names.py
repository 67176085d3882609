"""Entity rules: names the model tagged in pieces or not at all (kg/entities/names.py), each on hand-made model output (no model needed)."""

from tests.helpers import analysis_of
from tests.entity_helpers import build, entity, names


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


def test_source_line_names_the_outlet():
    a = analysis_of("会议召开。\n来源：辽宁日报", [("辽宁", "LOC")])
    r = build(a)
    assert names(r) == {"辽宁日报"} and entity(r, "辽宁日报").subtype == "media"


def test_foreign_name_before_more_name_and_gongsi_is_the_company():
    a = analysis_of("来自德国的克劳森自动化公司投资建厂。", [("德国", "LOC"), ("克劳森", "PERSON")])
    r = build(a)
    assert names(r, "ORG") == {"克劳森自动化公司"} and not names(r, "PERSON")
    b = analysis_of("张明介绍公司发展。", [("张明", "PERSON")])
    assert names(build(b), "PERSON") == {"张明"}


def test_modern_local_body_words_after_a_place_make_the_body():
    a = analysis_of("深圳市规自局、市经信局联合发文。", [("深圳市", "LOC")])
    got = names(build(a), "ORG")
    assert "深圳市规划和自然资源局" in got  # written with the standard short word, named with the full one


def test_a_city_named_in_full_is_found_bare_where_it_stands_alone():
    text = "董事长张明带队赴河源，拜访河源市委书记李强，并与河源市领导座谈。河源路上车辆很多。"
    a = analysis_of(text, [("张明", "PERSON"), ("河源市委", "ORG"), ("李强", "PERSON"), ("河源市", "LOC")])
    from kg.entities import document_facts

    facts = document_facts(a)
    bare = [m for m in facts.mentions if m.text == "河源"]
    assert len(bare) == 1 and bare[0].label == "LOC"  # 赴河源， yes; 河源路 (a street) no
    assert text.index("赴河源") + 1 == bare[0].start
    assert "河源" in entity(build(a), "河源市").aliases


def test_a_two_character_person_is_found_again_only_at_a_clause_start():
    from kg.entities import document_facts

    text = "市长凌云在深圳考察。凌云实地考察了华为公司。他壮志凌云。"
    a = analysis_of(text, [("凌云", "PERSON"), ("深圳", "LOC"), ("华为公司", "ORG")])
    found = [m.start for m in document_facts(a).mentions if m.text == "凌云"]
    assert found == [text.index("凌云"), text.index("。凌云") + 1]  # not the word in 壮志凌云


def test_a_venue_after_a_place_or_organisation_is_one_name():
    from kg.entities import document_facts

    a = analysis_of("王伟一行考察钱江综合市场，又来访杭州中科国家技术转移中心，参观了深圳博物馆。",
                    [("王伟", "PERSON"), ("钱江", "LOC"), ("杭州中科", "ORG"), ("深圳", "LOC")])
    found = {m.text: m.label for m in document_facts(a).mentions}
    assert found.get("钱江综合市场") == "ORG" and found.get("杭州中科国家技术转移中心") == "ORG"
    assert found.get("深圳博物馆") == "ORG"
    assert entity(build(a), "杭州中科国家技术转移中心").subtype == "institute"
    # a centre needs a name of its own between the place and 中心: 深圳|中心 stays the city
    b = analysis_of("深圳中心城区正在扩容。", [("深圳", "LOC")])
    assert "深圳中心" not in {m.text for m in document_facts(b).mentions}


def test_bare_district_bodies_belong_to_the_district_the_document_is_about():
    text = ("光明区委统战部部长李华调研。基地由光明区委统战部、区科技创新局、区人力资源局联合挂牌成立，"
            "光明区政府给予支持。区域协调发展，区别对待。")
    a = analysis_of(text, [("光明区委统战部", "ORG"), ("李华", "PERSON"), ("光明区委统战部", "ORG"), ("光明区政府", "ORG")])
    got = names(build(a), "ORG")
    # the division tables place 光明区 in 深圳市 (without them the district alone is the prefix)
    assert {"深圳市光明区科技创新局", "深圳市光明区人力资源局"} <= got or {"光明区科技创新局", "光明区人力资源局"} <= got
    assert not any(n.endswith(("区域", "区别")) for n in got)


def test_no_district_prefix_without_a_district_named_twice():
    a = analysis_of("区科技创新局与萧山区签约。", [("萧山区", "LOC")])
    got = names(build(a), "ORG")
    assert not any(n.endswith("区科技创新局") for n in got)  # 萧山区 named once: whose 区 is not said, no node


def test_a_venue_after_a_place_starts_at_the_city_it_names():
    from kg.entities import document_facts

    a = analysis_of("在钱江世纪城杭州国际博览中心周边考察。参观泉州台商投资区城市规划展示馆。",
                    [("钱江", "LOC"), ("杭州", "LOC"), ("泉州台商投资区", "LOC")])
    found = {m.text for m in document_facts(a).mentions}
    assert "杭州国际博览中心" in found and "钱江世纪城杭州国际博览中心" not in found
    assert "泉州台商投资区城市规划展示馆" in found  # 城市 is a word, not a city


def test_a_committee_body_written_without_wei_is_the_committees():
    text = "光明区委统战部部长李华调研。基地由光明区委统战部、区群团部联合挂牌成立。"
    a = analysis_of(text, [("光明区委统战部", "ORG"), ("李华", "PERSON"), ("光明区委统战部", "ORG"), ("区群团部", "ORG")])
    got = names(build(a), "ORG")
    assert "中共深圳市光明区委群团工作部" in got or "中共光明区委群团工作部" in got


def test_an_outlets_dateline_names_the_outlet():
    from kg.entities import document_facts

    a = analysis_of("【深圳商报讯】 首席记者 王海荣 深圳市科技局发布通知。\n中国江苏网讯 6月30日，实验室揭牌。",
                    [("王海荣", "PERSON"), ("深圳市科技局", "ORG")])
    found = {m.text for m in document_facts(a).mentions if m.label == "ORG"}
    assert {"深圳商报", "中国江苏网"} <= found


def test_a_national_body_with_and_without_zhonghua_is_one():
    a = analysis_of("中华全国供销合作总社党组成员王伟调研。全国供销合作总社要求各地落实。",
                    [("中华全国供销合作总社", "ORG"), ("王伟", "PERSON"), ("全国供销合作总社", "ORG")])
    assert "全国供销合作总社" in entity(build(a), "中华全国供销合作总社").aliases


def test_two_outlets_on_one_source_line():
    from kg.entities import document_facts

    a = analysis_of("内容来源:南京日报/紫金山新闻记者杨凡", [("杨凡", "PERSON")])
    found = {m.text for m in document_facts(a).mentions if m.label == "ORG"}
    assert {"南京日报", "紫金山新闻"} <= found
    assert entity(build(a), "紫金山新闻").subtype == "media"


def test_a_two_character_name_always_followed_by_the_same_character_is_the_three_character_name():
    a = analysis_of("拜访市委书记丁红都，座谈交流。丁红都书记回顾了合作。张明说，张明等人也来了。",
                    [("丁红", "PERSON"), ("丁红", "PERSON"), ("张明", "PERSON"), ("张明", "PERSON")])
    assert names(build(a), "PERSON") == {"丁红都", "张明"}  # 张明 is followed by 说 and 等: a name of two


def test_a_name_always_followed_by_the_same_verb_is_not_extended_into_it():
    a = analysis_of("秘书长会议召开 蔡奇出席并讲话。蔡奇出席会议。", [("蔡奇", "PERSON"), ("蔡奇", "PERSON")])
    assert names(build(a), "PERSON") == {"蔡奇"}


def test_a_name_followed_once_or_by_a_title_is_not_extended():
    once = analysis_of("市长蔡战胜出席。", [("蔡战", "PERSON")])
    titled = analysis_of("王强书记讲话。王强书记表示。", [("王强", "PERSON"), ("王强", "PERSON")])
    assert names(build(once), "PERSON") == {"蔡战"} and names(build(titled), "PERSON") == {"王强"}
