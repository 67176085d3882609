"""`kg score`: a built graph against a document-level gold set."""
import csv
import json

from kg.evaluate import score_graph


def write_out(folder, nodes, relations):
    folder.mkdir()
    (folder / "graph.json").write_text(json.dumps({"nodes": nodes, "links": []}, ensure_ascii=False), encoding="utf-8")
    with (folder / "relations.csv").open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["head", "relation", "tail", "title", "document", "sentence"])
        for head, tail, title in relations:
            writer.writerow([head, "holds_position_at", tail, title, "d1", ""])


GOLD = {"version": 1, "documents": {"d1": {
    "entities": [
        {"name": "沈阳市工业和信息化局", "type": "ORG", "subtype": "government", "mentions": ["市工信局", "沈阳市工信局"]},
        {"name": "吴敏", "type": "PERSON", "subtype": "official", "mentions": ["吴敏"]},
        {"name": "东北大学", "type": "ORG", "subtype": "university", "mentions": ["东北大学", "东大"]},
        {"name": "东北财经大学", "type": "ORG", "subtype": "university", "mentions": ["东北财经大学"]},
    ],
    "relations": [{"head": "吴敏", "relation": "holds_position_at", "tail": "沈阳市工业和信息化局", "title": "局长"},
                  {"head": "吴敏", "relation": "holds_position_at", "tail": "东北大学", "title": "教授"}],
}}}


def test_score_counts_entities_subtypes_merges_and_relations(tmp_path):
    gold = tmp_path / "gold.json"
    gold.write_text(json.dumps(GOLD, ensure_ascii=False), encoding="utf-8")
    nodes = [
        {"id": "ORG:沈阳市工信局", "name": "沈阳市工信局", "type": "ORG", "subtype": "government", "aliases": "沈阳市工信局|市工信局"},
        {"id": "PERSON:吴敏", "name": "吴敏", "type": "PERSON", "subtype": "business", "aliases": "吴敏"},
        {"id": "ORG:东北大学", "name": "东北大学", "type": "ORG", "subtype": "university", "aliases": "东北大学|东北财经大学"},
        {"id": "LOC:浑河", "name": "浑河", "type": "LOC", "subtype": "other", "aliases": "浑河"},
    ]
    # the relation's tail is found through the gold entity's mentions, as entities are
    write_out(tmp_path / "out", nodes, [("吴敏", "沈阳市工信局", "局长"), ("吴敏", "浑河", "代表")])
    result = score_graph(gold, tmp_path / "out")
    assert result["entities"]["r"] == 1.0 and result["entities"]["spurious"] == ["浑河"]
    assert result["entities"]["p"] == 0.75
    assert result["subtype_accuracy"] == 0.75  # 吴敏 is an official, not business
    # gold pairs: 市工信局/沈阳市工业和信息化局/沈阳市工信局 (3) + 东北大学/东大 (1); predicted: 2 + 1 wrong
    assert result["merge"]["wrong_pairs"] == [("东北大学", "东北财经大学")]
    assert result["merge"]["p"] == round(1 / 2, 4) and result["merge"]["r"] == round(1 / 4, 4)
    assert result["relations"]["r"] == 0.5 and result["relations"]["p"] == 0.5
