import math

import pytest

from kg.graph import GraphOptions, build_graph, npmi
from kg.types import Entity, EntityOccurrence, Position, Resolution


def resolution(occurrences, positions=(), sentences=None):
    ids = {o[0] for o in occurrences} | {p.person for p in positions} | {p.organisation for p in positions if p.organisation}
    entities = {i: Entity(id=i, name=i.split(":")[1], type=i.split(":")[0]) for i in ids}
    occ = [EntityOccurrence(e, d, s, p) for e, d, s, p in occurrences]
    return Resolution(entities, occ, list(positions), sentences or {})


def test_npmi_bounds():
    assert npmi(5, 5, 5, 5) == 1.0
    assert npmi(0, 3, 3, 10) == -1.0
    assert npmi(1, 1, 1, 10) == pytest.approx(1.0)
    assert -1.0 <= npmi(1, 5, 5, 10) < 0  # together less often than chance


def test_weight_counts_distinct_units_and_documents():
    occ = [("ORG:甲", "d1", 0, 0), ("ORG:乙", "d1", 0, 0), ("ORG:甲", "d1", 0, 0),  # twice in one sentence: one unit
           ("ORG:甲", "d1", 1, 0), ("ORG:乙", "d1", 1, 0),
           ("ORG:甲", "d2", 0, 0), ("ORG:乙", "d2", 0, 0), ("LOC:丙", "d2", 3, 1)]
    g = build_graph(resolution(occ, sentences={("d1", 0): "甲和乙。", ("d2", 0): "甲乙。"}))
    edge = g.edges["ORG:甲", "ORG:乙"]
    assert (edge["weight"], edge["documents"], edge["relation"]) == (3, 2, "co_occurs")
    assert edge["evidence"].splitlines() == ["[d1] 甲和乙。", "[d2] 甲乙。"]
    assert not g.has_edge("ORG:甲", "LOC:丙")
    assert g.nodes["LOC:丙"]["degree_centrality"] == 0.0


def test_windows_widen_co_occurrence():
    occ = [("ORG:甲", "d1", 0, 0), ("ORG:乙", "d1", 1, 0), ("ORG:丙", "d1", 2, 1)]
    assert build_graph(resolution(occ), GraphOptions(window="sentence")).number_of_edges() == 0
    assert set(map(frozenset, build_graph(resolution(occ), GraphOptions(window="paragraph")).edges)) == {frozenset(("ORG:甲", "ORG:乙"))}
    assert build_graph(resolution(occ), GraphOptions(window="document")).number_of_edges() == 3
    with pytest.raises(ValueError):
        build_graph(resolution(occ), GraphOptions(window="page"))


def test_thresholds_prune_but_keep_positions():
    occ = [("PERSON:张明", "d1", 0, 0), ("ORG:鞍钢", "d1", 0, 0), ("ORG:甲", "d1", 1, 0), ("ORG:乙", "d1", 1, 0),
           ("ORG:甲", "d1", 2, 0), ("ORG:乙", "d1", 2, 0)]
    pos = [Position("PERSON:张明", "董事长", "ORG:鞍钢", "d1", "鞍钢董事长张明说。")]
    g = build_graph(resolution(occ, pos), GraphOptions(min_weight=2))
    assert set(map(frozenset, g.edges)) == {frozenset(("ORG:甲", "ORG:乙")), frozenset(("PERSON:张明", "ORG:鞍钢"))}
    edge = g.edges["PERSON:张明", "ORG:鞍钢"]
    assert edge["relation"] == "holds_position_at" and edge["title"] == "董事长"
    assert "鞍钢董事长张明说。" in edge["evidence"]


def test_min_npmi_drops_pairs_seen_together_less_than_chance():
    # 中国 occurs everywhere; 甲 and 乙 only together
    occ = []
    for s in range(10):
        occ.append(("LOC:中国", "d1", s, 0))
    occ += [("ORG:甲", "d1", 0, 0), ("ORG:乙", "d1", 0, 0), ("ORG:丙", "d1", 11, 0), ("ORG:丁", "d1", 11, 0)]
    g = build_graph(resolution(occ), GraphOptions(min_npmi=0.5))
    assert g.has_edge("ORG:甲", "ORG:乙")
    assert not g.has_edge("LOC:中国", "ORG:甲")


def test_communities_and_attributes_are_scalars():
    occ = [("ORG:甲", "d1", 0, 0), ("ORG:乙", "d1", 0, 0), ("ORG:丙", "d1", 1, 0), ("ORG:丁", "d1", 1, 0)]
    g = build_graph(resolution(occ))
    communities = {g.nodes[n]["community"] for n in g}
    assert g.nodes["ORG:甲"]["community"] == g.nodes["ORG:乙"]["community"] != g.nodes["ORG:丙"]["community"]
    assert len(communities) == 2
    for _, data in g.nodes(data=True):
        assert all(isinstance(v, (str, int, float)) for v in data.values())


def test_streamed_documents_give_the_same_graph_as_flat_occurrences():
    from kg.types import DocumentOccurrences

    occ = [("ORG:甲", "d1", 0, 0), ("ORG:乙", "d1", 0, 0), ("LOC:丙", "d1", 1, 0), ("ORG:甲", "d2", 0, 0),
           ("LOC:丙", "d2", 0, 0)]
    sentences = {("d1", 0): "甲和乙。", ("d1", 1): "丙。", ("d2", 0): "甲在丙。"}
    flat = resolution(occ, sentences=sentences)
    docs = list(flat.by_document())
    streamed = Resolution(flat.entities, positions=[], stream=lambda: iter(docs))
    assert [d.document for d in docs] == ["d1", "d2"] and isinstance(docs[0], DocumentOccurrences)
    for window in ("sentence", "paragraph", "document"):
        a, b = build_graph(flat, GraphOptions(window=window)), build_graph(streamed, GraphOptions(window=window))
        assert sorted(a.edges(data=True)) == sorted(b.edges(data=True)) and dict(a.nodes(data=True)) == dict(b.nodes(data=True))
    g = build_graph(streamed)
    assert g.edges["ORG:甲", "LOC:丙"]["evidence"] == "[d2] 甲在丙。"


def test_max_edges_keeps_the_strongest_pairs_and_every_position():
    occ = [("ORG:甲", "d1", 0, 0), ("ORG:乙", "d1", 0, 0), ("ORG:甲", "d1", 1, 0), ("ORG:乙", "d1", 1, 0),
           ("ORG:甲", "d2", 0, 0), ("LOC:丙", "d2", 0, 0), ("PERSON:丁", "d3", 0, 0), ("LOC:丙", "d3", 0, 0)]
    pos = [Position("PERSON:丁", "局长", "ORG:甲", "d4", "甲局局长丁。")]
    g = build_graph(resolution(occ, pos), GraphOptions(max_edges=1))
    assert set(map(frozenset, g.edges)) == {frozenset(("ORG:甲", "ORG:乙")), frozenset(("PERSON:丁", "ORG:甲"))}
    assert g.graph["pairs_over_max_edges"] == 2 and g.graph["co_occurring_pairs"] == 3
    assert build_graph(resolution(occ, pos), GraphOptions(max_edges=0)).number_of_edges() == 4


def list_resolution(n, text, extra=()):
    """One document: sentence 0 names n people (text), plus `extra` (entity, sentence) pairs."""
    names = ["赵一", "钱二", "孙三", "李四", "周五", "吴六", "郑七", "王八"][:n]
    occ = [(f"PERSON:{x}", "d1", 0, 0) for x in names] + [(e, "d1", s, 0) for e, s in extra]
    r = resolution(occ, sentences={("d1", 0): text})
    for e in r.entities.values():
        e.aliases = [e.name]
    return r


def test_a_sentence_that_only_lists_names_links_them_weakly():
    g = build_graph(list_resolution(6, "出席会议的有赵一、钱二、孙三、李四、周五、吴六等。"))
    edge = g.edges["PERSON:赵一", "PERSON:钱二"]
    assert edge["weight"] == pytest.approx(1 / 5, abs=1e-3)  # one unit shared over the five others
    assert edge["reason"].startswith("name list") and edge["relation"] == "co_occurs"
    # each member's list edges add up to one unit, not five
    assert sum(d["weight"] for _, _, d in g.edges("PERSON:赵一", data=True)) == pytest.approx(1.0, abs=1e-2)


def test_a_sentence_with_names_and_more_to_say_is_a_full_clique():
    text = "赵一、钱二、孙三、李四、周五在会上分别介绍了各自单位今年以来推进改革发展的具体做法和下一步的工作打算。"
    g = build_graph(list_resolution(5, text))
    edge = g.edges["PERSON:赵一", "PERSON:钱二"]
    assert edge["weight"] == 1 and edge["reason"] == ""


def test_a_dateline_links_its_outlet_weakly():
    occ = [("ORG:新华社", "d1", 0, 0), ("LOC:北京", "d1", 0, 0), ("PERSON:李鹏", "d1", 0, 0), ("ORG:国务院", "d1", 0, 0)]
    r = resolution(occ, sentences={("d1", 0): "新华社北京1月1日电 国务院总理李鹏今天会见来宾。"})
    for e in r.entities.values():
        e.aliases = [e.name]
    g = build_graph(r)
    assert g.edges["ORG:新华社", "PERSON:李鹏"]["reason"].startswith("dateline")
    assert g.edges["ORG:新华社", "PERSON:李鹏"]["weight"] < 1
    assert g.edges["ORG:国务院", "PERSON:李鹏"]["weight"] == 1  # what the sentence reports keeps its weight

    occ = [("ORG:央视网", "d1", 0, 0), ("PERSON:李鹏", "d1", 0, 0), ("ORG:国务院", "d1", 0, 0)]
    r = resolution(occ, sentences={("d1", 0): "央视网消息（新闻联播）：国务院总理李鹏今天会见来宾。"})
    for e in r.entities.values():
        e.aliases = [e.name]
    assert build_graph(r).edges["ORG:央视网", "PERSON:李鹏"]["weight"] < 1  # 消息: a web outlet's dateline


def test_places_carry_their_division_and_optional_located_in_edges():
    from kg.entities.divisions import divisions
    if not divisions()[0]:
        pytest.skip("division tables not present")
    occ = [("LOC:萧山区", "d1", 0, 0), ("LOC:杭州市", "d1", 1, 0), ("ORG:甲", "d1", 1, 0)]
    r = resolution(occ)
    g = build_graph(r)
    assert g.nodes["LOC:萧山区"]["admin_level"] == "county" and g.nodes["LOC:萧山区"]["city"] == "杭州市"
    assert "admin_code" not in g.nodes["ORG:甲"]
    assert not g.has_edge("LOC:萧山区", "LOC:杭州市")
    g2 = build_graph(r, GraphOptions(located_in=True))
    assert g2.edges["LOC:萧山区", "LOC:杭州市"]["relation"] == "located_in"
