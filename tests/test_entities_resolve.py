"""Entity rules: resolution over a corpus (kg/entities/resolve.py), each on hand-made model output (no model needed)."""
from hypothesis import given, settings, strategies as st

from kg.entities import document_facts, resolve
from kg.types import Mention
from tests.helpers import analysis_of
from tests.entity_helpers import build, entity


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


def test_a_party_committee_left_without_its_place_is_no_node():
    # neither article names its city: their 市委 are no one body, and must not become one node
    a = analysis_of("市委常委王强调研。", [("市委", "ORG"), ("王强", "PERSON")], doc_id="d1")
    b = analysis_of("市委书记李明考察。", [("市委", "ORG"), ("李明", "PERSON")], doc_id="d2")
    r = build(a, b)
    assert "市委" not in {e.name for e in r.entities.values()}
    assert all(p.organisation is None for p in r.positions)


def test_a_name_is_reported_with_the_brackets_its_documents_wrote():
    text = "王强调研东江集团(控股)有限公司。东江集团(控股)有限公司董事会主席李沛良陪同。"
    a = analysis_of(text, [("王强", "PERSON"), ("东江集团（控股）有限公司", "ORG"),
                           ("东江集团（控股）有限公司", "ORG"), ("李沛良", "PERSON")])
    r = build(a)
    org = entity(r, "东江集团(控股)有限公司")
    assert "东江集团（控股）有限公司" in org.aliases  # the form the rules and the model read stays a name of it
    assert "东江集团(控股)有限公司" in entity(r, "李沛良").affiliations
    # written full-width, reported full-width
    b = analysis_of("华润（集团）有限公司董事长王祥明出席。", [("华润（集团）有限公司", "ORG"), ("王祥明", "PERSON")])
    assert entity(build(b), "华润（集团）有限公司").type == "ORG"


def test_as_written_follows_the_majority_of_mentions():
    from collections import Counter

    from kg.entities.resolve import as_written

    assert as_written("中国（安徽）自由贸易试验区", Counter({"()": 3, "": 1})) == "中国(安徽)自由贸易试验区"
    assert as_written("中国（安徽）自由贸易试验区", Counter({"()": 1, "": 3})) == "中国（安徽）自由贸易试验区"
    assert as_written("沈阳市", Counter({"()": 2})) == "沈阳市"


def test_a_body_is_not_merged_into_a_foreign_partys_or_countrys_body_ending_like_it():
    from tests.entity_helpers import build, entity, names
    from tests.helpers import analysis_of
    china = analysis_of("中央军委主席习近平出席。", [("中央军委", "ORG"), ("习近平", "PERSON")])
    korea = analysis_of("朝鲜劳动党总书记、中央军事委员会委员长金正恩出席。朝鲜劳动党中央军事委员会举行会议。",
                        [("朝鲜劳动党", "ORG"), ("中央军事委员会", "ORG"), ("金正恩", "PERSON"),
                         ("朝鲜劳动党中央军事委员会", "ORG")])
    r = build(china, korea)
    assert entity(r, "习近平").affiliations == ["中央军事委员会"]
    # a unit written with its parent and alone is one body
    a = analysis_of("中国科学院金属研究所召开会议。金属研究所所长出席。", [("中国科学院金属研究所", "ORG"), ("金属研究所", "ORG")])
    assert names(build(a), "ORG") == {"中国科学院金属研究所"}
