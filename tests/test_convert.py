import random

import spacy

from kg.components import LEXICON_KINDS
from kg.corpora import AnnotatedText
from pipelines.convert import LexiconMatcher, boundary_lines, lexicon_missing, name_lists, swap_names, to_doc


def _matcher(entries: dict[str, str]) -> LexiconMatcher:
    m = LexiconMatcher.__new__(LexiconMatcher)
    bits = {k: 1 << i for i, k in enumerate(LEXICON_KINDS)}
    m.masks = {"LOC": bits["loc"] | bits["adm"] | bits["country"], "PERSON": bits["per"], "ORG": bits["org"] | bits["stock"]}
    m.lexicon = {name: bits[kind] for name, kind in entries.items()}
    m.lengths = sorted({len(k) for k in m.lexicon}, reverse=True)
    return m


def test_unlabelled_lexicon_places_become_missing_but_labelled_text_stays():
    record = AnnotatedText("深圳的腾讯在深圳湾", [(3, 5, "ORG")], partial=True, outside=[(6, 9)])
    out = lexicon_missing(record, ("LOC",), _matcher({"深圳": "adm", "深圳湾": "loc", "腾讯": "adm"}))
    assert out.missing == [(0, 2)]  # 深圳湾 lies in a labelled (outside) range, 腾讯 is the entity


def test_to_doc_resolves_overlapping_ranges_missing_before_outside():
    nlp = spacy.blank("zh")
    record = AnnotatedText("张明任董事长", [(0, 2, "PERSON")], missing=[(2, 4)], outside=[(3, 6)])
    doc = to_doc(nlp, record)
    assert [(e.text, e.label_) for e in doc.ents] == [("张明", "PERSON")]
    assert [t.ent_iob_ for t in doc] == ["B", "I", "", "", "O", "O"]


def test_swap_names_moves_spans_and_ranges_with_the_text():
    rng = random.Random(0)
    record = AnnotatedText("张明任平安银行董事长，在深圳", [(0, 2, "PERSON"), (3, 7, "ORG")],
                           outside=[(7, 10)], missing=[(12, 14)])
    out = swap_names(record, {"PERSON": ["欧阳明月"], "ORG": ["三一重工集团"]}, rng)
    assert out.text == "欧阳明月任三一重工集团董事长，在深圳"
    assert [out.text[s:e] for s, e, _ in out.spans] == ["欧阳明月", "三一重工集团"]
    assert [out.text[s:e] for s, e in out.outside] == ["董事长"]
    assert [out.text[s:e] for s, e in out.missing] == ["深圳"]
    assert swap_names(AnnotatedText("没有名字"), {"PERSON": ["x"]}, rng) is None


def test_name_lists_label_every_name():
    pool = [a + b for a in "王李张赵钱" for b in ("刚", "明华", "伟")]
    for record in name_lists(pool, 20, random.Random(1)):
        names = [record.text[s:e] for s, e, _ in record.spans]
        assert len(names) >= 3 and all(n in pool for n in names)


def test_boundary_lines_label_names_at_their_edges_and_leave_place_bodies_missing():
    persons, orgs, places = ["丁红都", "马骁", "李明"], ["盛京云数", "华强集团"], ["湖南", "沈阳市"]
    zones, titles = ["湘江新区", "华强创意园"], ["董事长", "党委书记"]
    records = boundary_lines(persons, orgs, places, zones, titles, 300, random.Random(2))
    nlp = spacy.blank("zh")
    kinds = set()
    for record in records:
        assert record.text.endswith("。")
        for s, e, label in record.spans:
            name = record.text[s:e]
            pool = {"PERSON": persons, "ORG": orgs}.get(label)
            if pool is not None and name in pool:
                kinds.add(label)
            else:  # a zone, with or without its place, or a zone's committee
                assert label in ("LOC", "ORG") and any(z in name for z in zones), (record.text, name)
                kinds.add("zone")
        for s, e in record.missing:
            assert record.text[s:e].startswith(tuple(places))
            kinds.add("missing")
        doc = to_doc(nlp, record)
        assert len(doc.ents) == len(record.spans)
    assert kinds == {"PERSON", "ORG", "zone", "missing"}
    assert any("湖南湘江新区" in r.text for r in records)
    # a name followed by a title or 都 ends where the name ends
    assert any(r.text[e:].startswith(("都", "书记", "董事长")) for r in records for s, e, lab in r.spans if lab == "PERSON")
