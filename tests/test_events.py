"""Typed relations (kg/events.py) on hand-made sentences and mentions: no model involved.
Every sentence here is our own invention."""
import csv
import io
import json
import re

import pytest

from kg.events import (ACQUIRES, COOPERATES_WITH, INVESTS_IN, MEETS, VISITS, EventMention, add_event_edges,
                       corpus_events, document_events, event_files, events_csv, extract_events, governments,
                       graph_events)
from kg.entities import document_facts, resolve
from kg.graph import build_graph
from kg.types import Entity

from helpers import analysis_of

P, O, L = "PERSON", "ORG", "LOC"


def mentions(text, tagged, sentence=0):
    """EventMentions of `tagged` (surface, type) at their successive places in `text`."""
    found, cursor = [], {}
    for surface, kind in tagged:
        start = text.find(surface, cursor.get(surface, 0))
        while start >= 0 and any(m.start < start + len(surface) and start < m.end for m in found):
            start = text.find(surface, start + 1)
        assert start >= 0, surface
        cursor[surface] = start + len(surface)
        found.append(EventMention(sentence, start, start + len(surface), f"{kind}:{surface}", kind, surface))
    return found


def events(text, tagged, date=""):
    return extract_events({0: text}, mentions(text, tagged), "d1", date)


def triples(text, tagged, with_modality=False):
    return {(e.head_name, e.type, e.tail_name) + ((e.modality,) if with_modality else ())
            for e in events(text, tagged)}


# ---- visits -------------------------------------------------------------------------------

def test_visit_place_before_and_units_after_the_trigger():
    got = triples("市长周明在临江考察红星重工、东海电子两家企业", [("周明", P), ("临江", L), ("红星重工", O), ("东海电子", O)])
    assert got == {("周明", VISITS, "临江"), ("周明", VISITS, "红星重工"), ("周明", VISITS, "东海电子")}


def test_a_delegation_is_its_leader_and_escorts_are_no_visitors():
    text = "省发改委主任林涛率副主任吴畅、处长郑一等到平川县调研，县委书记孙立陪同"
    got = triples(text, [("省发改委", O), ("林涛", P), ("吴畅", P), ("郑一", P), ("平川县", L), ("孙立", P)])
    assert got == {("林涛", VISITS, "平川县")}
    text = "在区长韩冰的陪同下，副省长钱峰一行来到星湖科技园，走访了蓝港物流公司"
    got = triples(text, [("韩冰", P), ("钱峰", P), ("星湖科技园", L), ("蓝港物流公司", O)])
    assert got == {("钱峰", VISITS, "星湖科技园"), ("钱峰", VISITS, "蓝港物流公司")}  # the subject goes on


def test_people_who_accompany_or_attend_do_not_visit():
    assert triples("副市长高远陪同调研红星重工", [("高远", P), ("红星重工", O)]) == set()
    assert triples("高远陪同周明考察红星重工", [("高远", P), ("周明", P), ("红星重工", O)]) == {("周明", VISITS, "红星重工")}


def test_a_show_a_facility_or_the_people_of_a_unit_are_no_visit_to_it():
    assert triples("周明参观了临江高新区发展成果展", [("周明", P), ("临江高新区", L)]) == set()
    assert triples("周明考察了临江智能装备产业园", [("周明", P), ("临江", L)]) == set()
    # 拜访 + a unit's leader is a call on people, not a visit to the unit; named, it is a meeting
    assert triples("周明带队拜访临江市委领导", [("周明", P), ("临江市委", O)]) == set()
    assert triples("周明拜访临江市委书记孙立", [("周明", P), ("临江市委", O), ("孙立", P)]) == {("周明", MEETS, "孙立")}


def test_presence_without_a_visit_verb_and_a_place_in_a_topic_are_no_visit():
    assert triples("周明在临江出席项目开工仪式", [("周明", P), ("临江", L)]) == set()
    assert triples("周明调研平川服务临江工作", [("周明", P), ("临江", L)]) == set()  # the place is far from the verb


# ---- meets --------------------------------------------------------------------------------

def test_meets_with_a_verb_and_with_a_pair():
    got = triples("省长何平在福州会见了远洋航运集团董事长陆川、副总裁苏雨",
                  [("何平", P), ("福州", L), ("远洋航运集团", O), ("陆川", P), ("苏雨", P)])
    assert got == {("何平", MEETS, "陆川"), ("何平", MEETS, "苏雨")}
    assert triples("何平与陆川举行会谈", [("何平", P), ("陆川", P)]) == {("何平", MEETS, "陆川")}
    # the sentence's subject is the pair's first side (…，与乙就…进行交流)
    got = triples("何平一行考察了远洋航运集团，与集团总裁陆川就深化合作进行交流",
                  [("何平", P), ("远洋航运集团", O), ("陆川", P)])
    assert got == {("何平", VISITS, "远洋航运集团"), ("何平", MEETS, "陆川")}


def test_no_meeting_without_a_named_counterpart_or_for_attendees():
    assert triples("何平与企业家代表座谈", [("何平", P)]) == set()
    assert triples("何平与陆川会谈，市长秦岭参加会谈", [("何平", P), ("陆川", P), ("秦岭", P)]) == {("何平", MEETS, "陆川")}


def test_hosts_listed_before_the_verb_all_meet_the_guest():
    got = triples("中心主任曹阳，副主任褚云，综合办等部门接待了朱江一行", [("曹阳", P), ("褚云", P), ("朱江", P)])
    assert got == {("曹阳", MEETS, "朱江"), ("褚云", MEETS, "朱江")}


def test_the_subject_goes_on_into_the_next_sentence_only_when_it_starts_with_a_trigger():
    s0, s1, s2 = "随后，何平一行前往远洋航运集团，看望了董事长陆川；", "会见了船东协会会长秦岭。", "秦岭与苏雨说明了情况。"
    tagged = [mentions(s0, [("何平", P), ("远洋航运集团", O), ("陆川", P)], 0),
              mentions(s1, [("船东协会", O), ("秦岭", P)], 1), mentions(s2, [("秦岭", P), ("苏雨", P)], 2)]
    got = {(e.head_name, e.type, e.tail_name) for e in extract_events({0: s0, 1: s1, 2: s2}, sum(tagged, []), "d1")}
    assert got == {("何平", VISITS, "远洋航运集团"), ("何平", MEETS, "陆川"), ("何平", MEETS, "秦岭")}


# ---- cooperates_with ----------------------------------------------------------------------

def test_cooperation_signed_by_named_parties():
    got = triples("北辰钢铁集团与东海大学签署战略合作框架协议", [("北辰钢铁集团", O), ("东海大学", O)])
    assert got == {("北辰钢铁集团", COOPERATES_WITH, "东海大学")}
    got = triples("甲县、乙县两县签订了跨区域合作协议", [("甲县", L), ("乙县", L)])
    assert got == {("甲县", COOPERATES_WITH, "乙县")}
    got = triples("北辰钢铁集团今天在沈阳与东海大学签约", [("北辰钢铁集团", O), ("沈阳", L), ("东海大学", O)])
    assert got == {("北辰钢铁集团", COOPERATES_WITH, "东海大学")}  # 沈阳 is where, not a party


def test_joint_founding_gives_every_pair():
    text = "该中心由市科技局、市教育局、东海大学联合成立"
    got = triples(text, [("市科技局", O), ("市教育局", O), ("东海大学", O)])
    assert got == {("市科技局", COOPERATES_WITH, "市教育局"), ("市科技局", COOPERATES_WITH, "东海大学"),
                   ("市教育局", COOPERATES_WITH, "东海大学")}


def test_co_organisers_co_unveiling_and_sharing_a_sentence_are_no_cooperation():
    assert triples("论坛由省科协、东海大学联合主办", [("省科协", O), ("东海大学", O)]) == set()
    assert triples("北辰钢铁集团与东海大学共同为联合实验室揭牌", [("北辰钢铁集团", O), ("东海大学", O)]) == set()
    assert triples("北辰钢铁集团和东海大学的展台都在一号馆", [("北辰钢铁集团", O), ("东海大学", O)]) == set()
    assert triples("北辰钢铁集团与东海大学签署了一份声明", [("北辰钢铁集团", O), ("东海大学", O)]) == set()  # no agreement


def test_talks_about_cooperation_and_wishes_are_no_cooperation():
    assert triples("东海大学将与北辰钢铁集团深化合作", [("东海大学", O), ("北辰钢铁集团", O)]) == set()
    assert triples("希望东海大学与北辰钢铁集团签约", [("东海大学", O), ("北辰钢铁集团", O)]) == set()
    assert triples("双方就东海大学与北辰钢铁集团合作事宜交换意见", [("东海大学", O), ("北辰钢铁集团", O)]) == set()
    got = triples("东海大学与北辰钢铁集团全面开展战略合作", [("东海大学", O), ("北辰钢铁集团", O)])
    assert got == {("东海大学", COOPERATES_WITH, "北辰钢铁集团")}


# ---- invests_in ---------------------------------------------------------------------------

def test_investment_settled_or_built_in_a_place():
    got = triples("星河新能源动力电池项目落户临江经济开发区", [("星河新能源", O), ("临江经济开发区", L)])
    assert got == {("星河新能源", INVESTS_IN, "临江经济开发区")}
    got = triples("星河新能源公司将在临江经济开发区投资建设电池工厂", [("星河新能源公司", O), ("临江经济开发区", L)], True)
    assert got == {("星河新能源公司", INVESTS_IN, "临江经济开发区", "planned")}
    assert triples("华信资本入股蓝天电子公司", [("华信资本", O), ("蓝天电子公司", O)]) == {("华信资本", INVESTS_IN, "蓝天电子公司")}


def test_locations_aggregates_and_policies_are_no_investment():
    assert triples("星河新能源总部位于临江经济开发区", [("星河新能源", O), ("临江经济开发区", L)]) == set()
    assert triples("今年签约落户临江经济开发区的项目达80个，星河新能源是其中之一",
                   [("临江经济开发区", L), ("星河新能源", O)]) == set()
    assert triples("星河新能源将继续加大在临江市投资的力度", [("星河新能源", O), ("临江市", L)]) == set()


# ---- acquires -----------------------------------------------------------------------------

def test_acquisitions_active_passive_and_nominal():
    assert triples("华信集团以12亿元收购蓝天电子公司51%股权", [("华信集团", O), ("蓝天电子公司", O)]) == {("华信集团", ACQUIRES, "蓝天电子公司")}
    assert triples("蓝天电子公司被华信集团并购", [("蓝天电子公司", O), ("华信集团", O)]) == {("华信集团", ACQUIRES, "蓝天电子公司")}
    assert triples("华信集团完成对蓝天电子公司的收购", [("华信集团", O), ("蓝天电子公司", O)]) == {("华信集团", ACQUIRES, "蓝天电子公司")}


def test_no_acquisition_in_a_name_a_shareholding_or_a_merger_of_equals():
    assert triples("远东（控股）有限公司与蓝天电子公司亮相展会", [("远东（控股）有限公司", O), ("蓝天电子公司", O)]) == set()
    assert triples("华信集团是蓝天电子公司的控股股东", [("华信集团", O), ("蓝天电子公司", O)]) == set()
    assert triples("华信集团与蓝天电子公司重组", [("华信集团", O), ("蓝天电子公司", O)]) == set()


# ---- modality and dates -------------------------------------------------------------------

@pytest.mark.parametrize("text,modality", [
    ("华信集团拟收购蓝天电子公司", "planned"),
    ("华信集团计划于明年收购蓝天电子公司", "planned"),
    ("华信集团未能收购蓝天电子公司", "negated"),
    ("华信集团宣布终止收购蓝天电子公司", "negated"),
    ("华信集团没有收购蓝天电子公司", "negated"),
    ("华信集团已收购蓝天电子公司", "done"),
    ("华信集团欲收购蓝天电子公司", "planned"),
    ("华信集团收购蓝天电子公司的传言遭否认", "negated"),
    ("华信集团收购蓝天电子公司一事尚有传闻", "planned"),
    ("会议商讨了华信集团收购蓝天电子公司事宜", "planned"),
])
def test_modality(text, modality):
    got = events(text, [("华信集团", O), ("蓝天电子公司", O)])
    assert [(e.type, e.modality) for e in got] == [(ACQUIRES, modality)]


def test_modal_words_inside_names_do_not_count():
    got = events("不凡科技公司收购蓝天电子公司", [("不凡科技公司", O), ("蓝天电子公司", O)])
    assert [e.modality for e in got] == ["done"]


def test_trigger_sentence_and_date_are_kept():
    text = "3月5日，华信集团收购蓝天电子公司"
    (e,) = events(text, [("华信集团", O), ("蓝天电子公司", O)], date="2024-03-06")
    assert (e.trigger, text[e.trigger_start:e.trigger_start + len(e.trigger)], e.sentence, e.date, e.document) == \
        ("收购", "收购", text, "2024-03-05", "d1")
    (e,) = events("华信集团收购蓝天电子公司", [("华信集团", O), ("蓝天电子公司", O)], date="2024-03-06")
    assert e.date == "2024-03-06"
    (e,) = events("3月5日，华信集团收购蓝天电子公司", [("华信集团", O), ("蓝天电子公司", O)])
    assert e.date == "XXXX-03-05"  # (no leading "-": spreadsheets would take it for a formula)
    (e,) = events("12月30日，华信集团收购蓝天电子公司", [("华信集团", O), ("蓝天电子公司", O)], date="2025-01-03")
    assert e.date == "2024-12-30"
    # a later sentence without a date happened on the last date stated
    s0, s1 = "5月6日，周明到临江调研。", "周明随后来到星河电子公司。"
    ms = mentions(s0, [("周明", P), ("临江", L)], 0) + mentions(s1, [("周明", P), ("星河电子公司", O)], 1)
    assert [e.date for e in extract_events({0: s0, 1: s1}, ms, "d1", "2024-05-07")] == ["2024-05-06", "2024-05-06"]
    # a headline before the dateline: the first date the text states
    h, s0 = "周明赴平川调研。", "本报讯 5月6日，周明到临江调研。"
    ms = mentions(h, [("周明", P), ("平川", L)], 0) + mentions(s0, [("周明", P), ("临江", L)], 1)
    assert [e.date for e in extract_events({0: h, 1: s0}, ms, "d1", "2024-05-07")] == ["2024-05-06", "2024-05-06"]


def test_one_event_per_document_and_symmetric_pairs_once():
    s0, s1 = "何平与陆川举行会谈。", "陆川与何平再次会谈。"
    ms = mentions(s0, [("何平", P), ("陆川", P)], 0) + mentions(s1, [("陆川", P), ("何平", P)], 1)
    got = extract_events({0: s0, 1: s1}, ms, "d1")
    assert [(e.head_name, e.tail_name, e.sentence) for e in got] == [("何平", "陆川", s0)]


# ---- kg's facts, the graph and the files --------------------------------------------------

TEXT = ("远洋航运集团与东海大学签署战略合作协议。\n\n"
        "副市长高远到远洋航运集团调研。\n\n"
        "远洋航运集团和东海大学的代表出席了论坛。")
TAGGED = [("远洋航运集团", O), ("东海大学", O), ("高远", P), ("远洋航运集团", O), ("远洋航运集团", O), ("东海大学", O)]


@pytest.fixture()
def built():
    facts = [document_facts(analysis_of(TEXT, TAGGED))]
    resolution = resolve(facts)
    graph = build_graph(resolution)
    found = corpus_events(facts, resolution, {"d1": "2024-05-01"})
    return graph, resolution, facts, found


def test_events_from_kg_facts(built):
    graph, resolution, facts, found = built
    got = {(resolution.entities[e.head].name, e.type, resolution.entities[e.tail].name, e.date) for e in found}
    assert got == {("远洋航运集团", COOPERATES_WITH, "东海大学", "2024-05-01"),
                   ("高远", VISITS, "远洋航运集团", "2024-05-01")}
    # resolution may leave a mention out: the others keep their own entities
    occurrences = list(resolution.by_document())[0].occurrences
    got = document_events(facts[0], occurrences[1:], resolution.entities)
    assert {(e.head, e.type, e.tail) for e in got} == {("PERSON:高远", VISITS, "ORG:远洋航运集团")}
    # occurrences that are not the mentions' entities give no events rather than wrong ones
    shifted = occurrences[1:] + occurrences[:1]
    shifted = [type(o)(n.entity, o.document, o.sentence, o.paragraph) for o, n in zip(occurrences, shifted)]
    assert all(e.head != "ORG:东海大学" for e in document_events(facts[0], shifted, resolution.entities))


def test_events_on_graph_edges_and_in_the_files(built):
    graph, resolution, _, found = built
    graph.remove_edge("PERSON:高远", "ORG:远洋航运集团")  # as if the thresholds had pruned it
    assert add_event_edges(graph, found) == 1
    edge = graph.edges["ORG:东海大学", "ORG:远洋航运集团"]
    assert edge["relation"] == COOPERATES_WITH and edge["events"] == COOPERATES_WITH
    (record,) = json.loads(edge["event_records"])
    assert (record["trigger"], record["modality"], record["head"]) == ("签署", "done", "ORG:远洋航运集团")
    assert graph.edges["PERSON:高远", "ORG:远洋航运集团"]["relation"] == VISITS
    assert len(graph_events(graph)) == 2
    files = event_files(graph)
    rows = list(csv.DictReader(io.StringIO(files["events.csv"]().decode("utf-8-sig"))))
    assert list(rows[0]) == ["head", "type", "tail", "modality", "date", "document", "trigger", "sentence"]
    assert {(r["head"], r["type"], r["tail"], r["trigger"]) for r in rows} == {
        ("远洋航运集团", COOPERATES_WITH, "东海大学", "签署"), ("高远", VISITS, "远洋航运集团", "调研")}
    neo = list(csv.reader(io.StringIO(files["neo4j/events.csv"]().decode("utf-8"))))
    assert neo[0][:3] == [":START_ID", ":END_ID", ":TYPE"]
    assert {(r[0], r[1], r[2]) for r in neo[1:]} == {("ORG:远洋航运集团", "ORG:东海大学", "COOPERATES_WITH"),
                                                     ("PERSON:高远", "ORG:远洋航运集团", "VISITS")}


def test_events_csv_is_spreadsheet_safe():
    (e,) = events("华信集团收购蓝天电子公司", [("华信集团", O), ("蓝天电子公司", O)])
    e.sentence = "=HYPERLINK(1)\n下一行"
    row = list(csv.reader(io.StringIO(events_csv([e]).lstrip("\ufeff"))))[1]
    assert row[-1].startswith("'=") and "\n" not in row[-1]


# ---- harder phrasing ----------------------------------------------------------------------

def test_state_visits_and_who_is_visiting():
    got = triples("国家主席韩松将于下月对芬兰、挪威进行国事访问", [("韩松", P), ("芬兰", L), ("挪威", L)], True)
    assert got == {("韩松", VISITS, "芬兰", "planned"), ("韩松", VISITS, "挪威", "planned")}
    # 正在甲访问的乙: the visitor is named after the trigger
    got = triples("总统莫里斯在王宫会见了正在这里访问的外长韩松", [("莫里斯", P), ("韩松", P)])
    assert got == {("莫里斯", MEETS, "韩松")}
    # 应甲邀请 / 受甲委派: 甲 is not the visitor
    got = triples("应首相莫里斯邀请韩松前往芬兰访问", [("莫里斯", P), ("韩松", P), ("芬兰", L)])
    assert got == {("韩松", VISITS, "芬兰")}


def test_ranks_are_no_plans_and_plans_before_the_name_count():
    assert triples("国防部长韩松上将今天在京会见了莫里斯", [("韩松", P), ("莫里斯", P)], True) == {
        ("韩松", MEETS, "莫里斯", "done")}
    assert triples("代表周非将随同主席莫里斯前往芬兰", [("周非", P), ("莫里斯", P), ("芬兰", L)], True) == {
        ("莫里斯", VISITS, "芬兰", "planned")}


def test_what_was_said_is_not_done_by_the_speaker():
    text = "韩松说，民族乐团去年出访芬兰"
    assert triples(text, [("韩松", P), ("民族乐团", O), ("芬兰", L)]) == set()


def test_reporters_in_a_byline_do_not_act():
    text = "本报芬兰5月3日电（记者周非）代表团赴赫尔辛基考察"
    assert triples(text, [("芬兰", L), ("周非", P), ("赫尔辛基", L)]) == set()


def test_reporters_in_a_byline_are_met_by_no_one():
    text = "韩松会晤芬兰总理新华网北京6月3日电 （记者周非） 韩松3日与芬兰总理莫里斯举行会谈"
    got = triples(text, [("韩松", P), ("芬兰", L), ("周非", P), ("韩松", P), ("芬兰", L), ("莫里斯", P)])
    assert got == {("韩松", MEETS, "莫里斯")}


def test_a_delegation_named_elsewhere_in_the_document_is_its_leader():
    s0, s1 = "临江市代表团赴平川县考察。", "临江市市长周明率团。"
    ms = mentions(s0, [("临江市", L), ("平川县", L)], 0) + mentions(s1, [("临江市", L), ("周明", P)], 1)
    got = {(e.head_name, e.type, e.tail_name) for e in extract_events({0: s0, 1: s1}, ms, "d1")}
    assert got == {("周明", VISITS, "平川县")}


def test_pair_words_inside_words_and_names_are_no_pair():
    assert triples("芬兰、挪威作为观察员参与合作", [("芬兰", L), ("挪威", L)]) == set()  # 参与
    assert triples("会长赵中和等在座谈会上发言", [("赵中和", P)]) == set()
    assert triples("芬兰与挪威的合作十分紧密", [("芬兰", L), ("挪威", L)]) == set()  # a description
    assert triples("芬兰应与挪威充分合作", [("芬兰", L), ("挪威", L)]) == set()  # a demand
    assert triples("芬兰同挪威就签署协议进行磋商", [("芬兰", L), ("挪威", L)]) == set()  # talks about it


def test_one_character_names_end_no_event():
    assert triples("吴书记送来慰问金并看望了刘强", [("吴", P), ("刘强", P)]) == set()


def test_the_map_gets_typed_edges_with_their_events(built):
    from kg.render import render_html_text

    graph, _, _, found = built
    add_event_edges(graph, found)
    html, _ = render_html_text(graph)
    (block,) = re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', html, re.S)
    data = json.loads(block)
    assert {COOPERATES_WITH, VISITS} <= {r["relation"] for r in data["legend"]["edges"]}  # colours and filter rows
    edge = next(e for e in data["edges"] if e["kgRelation"] == VISITS)
    (record,) = edge["kg"]["events"]
    assert record["sentence"][record["trigger_start"]:record["trigger_start"] + len(record["trigger"])] == "调研"


def test_restructuring_ordered_and_building_mentioned_are_no_event():
    assert triples("银保监会对蓝天银行重组提出要求", [("银保监会", O), ("蓝天银行", O)]) == set()
    assert triples("北辰设计院在临江地铁站房建设项目中承担设计", [("北辰设计院", O), ("临江", L)]) == set()
    got = triples("汇丰银行在临江和平川设立分行", [("汇丰银行", O), ("临江", L), ("平川", L)])
    assert got == {("汇丰银行", INVESTS_IN, "临江"), ("汇丰银行", INVESTS_IN, "平川")}


def test_a_typical_report():
    s = {0: "12月3日，副市长赵刚带队赴临江市考察学习，并与临江市委书记李明座谈交流。",
         1: "赵刚一行先后来到星河集团、临江电子公司，详细了解企业生产经营情况。",
         2: "在赵刚的见证下，星河集团与临江区签约，星河集团拟投资10亿元在临江高新区建设研发中心。",
         3: "临江区、星河集团负责人出席签约仪式。"}
    tagged = [[("赵刚", P), ("临江市", L), ("临江市委", O), ("李明", P)],
              [("赵刚", P), ("星河集团", O), ("临江电子公司", O)],
              [("赵刚", P), ("星河集团", O), ("临江区", L), ("星河集团", O), ("临江高新区", L)],
              [("临江区", L), ("星河集团", O)]]
    ms = sum((mentions(s[i], t, i) for i, t in enumerate(tagged)), [])
    got = {(e.head_name, e.type, e.tail_name, e.modality, e.date) for e in extract_events(s, ms, "d1", "2025-12-04")}
    assert got == {("赵刚", VISITS, "临江市", "done", "2025-12-03"), ("赵刚", MEETS, "李明", "done", "2025-12-03"),
                   ("赵刚", VISITS, "星河集团", "done", "2025-12-03"), ("赵刚", VISITS, "临江电子公司", "done", "2025-12-03"),
                   ("星河集团", COOPERATES_WITH, "临江区", "done", "2025-12-03"),
                   ("星河集团", INVESTS_IN, "临江高新区", "planned", "2025-12-03")}  # the date stated first goes on


def test_public_bodies_setting_up_offices_taking_part_and_parallel_takeovers():
    assert triples("临江区科技局在星湖科技园设立服务站", [("临江区科技局", O), ("星湖科技园", L)]) == set()
    assert triples("临江区政府投资2亿元在星湖科技园建设孵化器", [("临江区政府", O), ("星湖科技园", L)]) == {
        ("临江区政府", INVESTS_IN, "星湖科技园")}  # 投资 by a public body is an investment
    assert triples("芬兰和挪威、瑞典作为观察员参与合作", [("芬兰", L), ("挪威", L), ("瑞典", L)]) == set()
    got = triples("包括华信集团兼并蓝天电子公司、北辰钢铁集团兼并东海钢厂", [("华信集团", O), ("蓝天电子公司", O),
                                                                    ("北辰钢铁集团", O), ("东海钢厂", O)])
    assert got == {("华信集团", ACQUIRES, "蓝天电子公司"), ("北辰钢铁集团", ACQUIRES, "东海钢厂")}


def test_documents_without_names_do_not_shift_the_others():
    empty = document_facts(analysis_of("今天天气晴。", [], doc_id="d0"))
    facts = [empty, document_facts(analysis_of(TEXT, TAGGED))]
    resolution = resolve(facts)
    resolution = type(resolution)(resolution.entities, [o for d in resolution.by_document() for o in d.occurrences],
                                  resolution.positions, {})  # grouped occurrences: d0 has none
    assert {e.type for e in corpus_events(facts, resolution)} == {COOPERATES_WITH, VISITS}


def test_respectively_and_together_do_not_pair_everyone():
    text = "周明、孙立分别看望了老同志陈华、刘强"
    assert triples(text, [("周明", P), ("孙立", P), ("陈华", P), ("刘强", P)]) == set()
    text = "周明分别看望了老同志陈华、刘强"
    assert triples(text, [("周明", P), ("陈华", P), ("刘强", P)]) == {("周明", MEETS, "陈华"), ("周明", MEETS, "刘强")}
    text = "周明和孙立一同会见了劳模代表陈华"
    assert triples(text, [("周明", P), ("孙立", P), ("陈华", P)]) == {("周明", MEETS, "陈华"), ("孙立", MEETS, "陈华")}


def test_who_goes_when_a_unit_is_sent_and_whose_envoy_is_met():
    assert triples("韩松为民族乐团访问芬兰发来贺信", [("韩松", P), ("民族乐团", O), ("芬兰", L)]) == set()
    assert triples("莫里斯会见了总统韩松的特使", [("莫里斯", P), ("韩松", P)]) == set()
    assert triples("这是韩松接见劳模陈华的情景", [("韩松", P), ("陈华", P)]) == {("韩松", MEETS, "陈华")}


def test_what_a_unit_only_qualifies_is_what_was_visited():
    got = triples("周明一行参观了园区入驻企业星河电子公司", [("周明", P), ("园区", L), ("星河电子公司", O)])
    assert got == {("周明", VISITS, "星河电子公司")}
    got = triples("周明走访了港资企业星河电子公司", [("周明", P), ("星河电子公司", O)])
    assert got == {("周明", VISITS, "星河电子公司")}
    assert triples("周明参观了广东改革开放成果展、临江规划展", [("周明", P), ("广东", L), ("临江", L)]) == set()


def test_sitting_in_and_a_hall_named_after_a_place():
    assert triples("副部长周明和公使孙立会见时在座", [("周明", P), ("孙立", P)]) == set()
    assert triples("周明来到天山宴会厅看望孤儿", [("周明", P), ("天山", L)]) == set()


def test_joint_ventures_sister_cities_and_a_buyer_with_控股_in_its_name():
    assert triples("北辰汽车与东海电池合资成立新能源公司", [("北辰汽车", O), ("东海电池", O)]) == {
        ("北辰汽车", COOPERATES_WITH, "东海电池")}
    assert triples("临江市与平川市缔结友好城市关系", [("临江市", L), ("平川市", L)]) == {("临江市", COOPERATES_WITH, "平川市")}
    assert triples("华信控股集团完成对蓝天电子公司的收购", [("华信控股集团", O), ("蓝天电子公司", O)]) == {
        ("华信控股集团", ACQUIRES, "蓝天电子公司")}


def test_a_place_that_signs_is_its_government_when_the_document_names_it():
    text = "星河集团与临江市签署战略合作协议，周明到临江市调研"
    ms = mentions(text, [("星河集团", O), ("临江市", L), ("周明", P), ("临江市", L)])
    gov = {"LOC:临江市": ("ORG:临江市人民政府", "临江市人民政府")}
    got = {(e.head_name, e.type, e.tail_name) for e in extract_events({0: text}, ms, "d1", stands_for=gov)}
    assert got == {("星河集团", COOPERATES_WITH, "临江市人民政府"), ("周明", VISITS, "临江市")}  # a visit stays a place
    got = {(e.head_name, e.type, e.tail_name) for e in extract_events({0: text}, ms, "d1")}
    assert ("星河集团", COOPERATES_WITH, "临江市") in got  # no government named: the place


def test_governments_of_a_documents_places():
    named = [Entity("LOC:临江市", "临江市", L), Entity("ORG:临江市人民政府", "临江市人民政府", O),
             Entity("LOC:平川县", "平川县", L), Entity("ORG:平川县委", "平川县委", O)]  # a party committee is not it
    assert governments(named) == {"LOC:临江市": ("ORG:临江市人民政府", "临江市人民政府")}


def test_a_visit_to_a_name_the_model_tagged_in_part_is_no_visit_to_the_part():
    assert triples("周明在临江考察星河松山园区", [("周明", P), ("临江", L), ("星河", O), ("松山", L)]) == {
        ("周明", VISITS, "临江")}  # 星河|松山园区 is one name
    assert triples("周明来访星河中科国家技术转移中心", [("周明", P), ("星河中科", O)]) == set()
    assert triples("周明考察星河电子公司", [("周明", P), ("星河电子公司", O)]) == {("周明", VISITS, "星河电子公司")}
    got = triples("周明来到平川市临江区看望职工", [("周明", P), ("平川市", L), ("临江区", L)])
    assert got == {("周明", VISITS, "平川市"), ("周明", VISITS, "临江区")}  # a chain of places: each visited


def test_a_name_holding_a_visit_verb_is_a_tagging_error():
    assert triples("周明赴临江调研智能制造产业", [("周明", P), ("临江调研智能制造产业", O)]) == set()
