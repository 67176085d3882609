"""Generic pieces never become nodes (issue 16, item 11): a name that is only business-kind
words and a legal form (技术有限公司, 炼化有限公司, 分公司) is dropped or re-attached to the
distinctive name before it, and X（place）有限公司 is one organisation. Hand-made model output
with invented names; no model needed."""
import pytest

from kg.entities import document_facts, is_kind_only
from tests.entity_helpers import build, names
from tests.helpers import analysis_of


@pytest.mark.parametrize("name", ["有限公司", "股份有限公司", "技术有限公司", "炼化有限公司", "科技集团", "集团", "分公司",
                                  "该技术有限公司", "新材料科技股份有限公司", "投资控股集团", "一家科技公司"])
def test_kind_and_legal_form_alone_is_generic(name):
    assert is_kind_only(name)


@pytest.mark.parametrize("name", ["启为科技有限公司", "大连炼化有限公司", "星河（苏州）有限公司", "建设银行", "工商银行",
                                  "东方集团", "技术", "电子信息", "蓝海新材料有限公司"])
def test_a_distinctive_part_or_no_legal_form_is_not(name):
    assert not is_kind_only(name)


def test_business_words_are_needed_where_a_bare_legal_form_may_mean_the_company_named_before():
    assert is_kind_only("技术有限公司", business=True)
    assert not is_kind_only("有限公司", business=True) and not is_kind_only("公司", business=True)


@pytest.mark.parametrize("text,tagged", [
    ("会上，科技有限公司代表发言。", [("科技有限公司", "ORG")]),
    ("该炼化有限公司今年扩产。", [("该炼化有限公司", "ORG")]),
    ("星河集团的分公司开业。", [("星河集团", "ORG"), ("分公司", "ORG")]),
])
def test_a_generic_mention_of_the_model_is_no_node(text, tagged):
    r = build(analysis_of(text, tagged))
    assert not any(is_kind_only(n) for n in names(r, "ORG")), names(r, "ORG")
    assert names(r, "ORG") <= {"星河集团"}


@pytest.mark.parametrize("text", ["启为科技有限公司董事长李明昨天表示，企业将扩大投资。",
                                  "据悉，启为科技有限公司董事长李明出席。"])
def test_the_scan_before_a_title_goes_on_through_a_为_inside_the_name(text):
    f = document_facts(analysis_of(text, [("李明", "PERSON")]))
    assert [(p.person, p.title, p.organisation) for p in f.positions] == [("李明", "董事长", "启为科技有限公司")]
    assert names(build(analysis_of(text, [("李明", "PERSON")])), "ORG") == {"启为科技有限公司"}


@pytest.mark.parametrize("text", ["他现为科技有限公司董事长李明的助手。", "项目由科技有限公司总经理李明负责。",
                                  "该模型由科技公司首席科学家李明介绍。", "会上，科技有限公司董事长李明发言。"])
def test_a_copula_clause_or_determiner_is_never_taken_into_the_name_nor_the_kind_alone(text):
    f = document_facts(analysis_of(text, [("李明", "PERSON")]))
    assert [p.organisation for p in f.positions] == [None]
    assert not [m.text for m in f.mentions if m.label == "ORG"]


@pytest.mark.parametrize("tagged", [
    [("苏州）有限公司", "ORG")],  # the model's piece from inside the bracket
    [("星河", "ORG"), ("苏州", "LOC")],  # the name and the place apart
    [("星河", "ORG"), ("苏州", "ORG"), ("有限公司", "ORG")],
    [("苏州", "LOC")],  # only the place: the name before the bracket is read from the text
])
def test_a_registered_name_with_a_bracketed_place_is_one_organisation(tagged):
    r = build(analysis_of("星河（苏州）有限公司今年产值增长。", tagged))
    assert names(r, "ORG") == {"星河（苏州）有限公司"}
    assert names(r, "LOC") == set()  # the bracketed place is part of the name, not a place mentioned


def test_the_registered_name_starts_after_a_verb_title_or_kind_word_and_keeps_its_industry_words():
    r = build(analysis_of("记者走进星河科技（苏州）有限公司车间。", [("苏州）有限公司", "ORG")]))
    assert names(r, "ORG") == {"星河科技（苏州）有限公司"}
    r = build(analysis_of("园区入驻企业蓝海（苏州）新材料有限公司投产。", [("苏州", "LOC")]))
    assert names(r, "ORG") == {"蓝海（苏州）新材料有限公司"}
    f = document_facts(analysis_of("蓝海（苏州）新材料有限公司总经理王刚说。", [("苏州", "LOC"), ("王刚", "PERSON")]))
    assert [(p.person, p.organisation) for p in f.positions] == [("王刚", "蓝海（苏州）新材料有限公司")]


def test_no_distinctive_name_before_the_bracket_leaves_neither_place_nor_legal_form():
    r = build(analysis_of("项目由（苏州）有限公司承建。", [("苏州）有限公司", "ORG")]))
    assert names(r) == set()


def test_brackets_that_are_no_registered_company_name_are_left_alone():
    zone = "中国（辽宁）自由贸易试验区沈阳片区"
    r = build(analysis_of(f"{zone}举行活动。", [(zone, "LOC")]))
    assert names(r, "LOC") == {zone}
    r = build(analysis_of("星河（苏州）今天发布新品。", [("星河", "ORG"), ("苏州", "LOC")]))
    assert "星河" in names(r, "ORG") and names(r, "LOC")  # no legal form after the bracket: no company name
