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


# ---- corpus-level layout (news_dev) and the reference scorer --------------------------------

import re
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.nlp import DEFAULT_MODEL, MODELS_DIR

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
REFERENCE = SHARED / "tools" / "score_graph.py"
NEWS_DEV = SHARED / "data" / "news_dev"
needs_reference = pytest.mark.skipif(not REFERENCE.is_file(), reason="reference scorer not present")

CORPUS_GOLD = {
    "entities": [
        {"name": "合肥市", "type": "GPE", "subtype": "city", "mentions": ["合肥", "合肥市"], "required": True},
        {"name": "凌云", "type": "PERSON", "subtype": "official", "mentions": ["凌云"], "required": True},
        {"name": "华为技术有限公司", "type": "ORG", "subtype": "company", "mentions": ["华为", "华为公司"], "required": True},
        {"name": "彭中阳", "type": "PERSON", "subtype": "business", "mentions": ["彭中阳"], "required": True},
        {"name": "华为公司EBG", "type": "ORG", "subtype": "company", "mentions": ["华为公司EBG"], "required": False},
        {"name": "合肥市人民政府", "type": "ORG", "subtype": "government", "mentions": [], "required": True},
    ],
    "relations": [{"head": "凌云", "relation": "holds_position_at", "tail": "合肥市", "title": "市长"},
                  {"head": "彭中阳", "relation": "holds_position_at", "tail": "华为公司EBG", "title": "总裁"}],
    "cooccurrence_pairs": [["凌云", "华为"], ["凌云", "彭中阳"], ["合肥", "华为公司"]],
    "negatives": ["本报", {"text": "市领导"}],
    "events": [{"head": "凌云", "type": "meets", "tail": "彭中阳"}, {"head": "凌云", "type": "visits", "tail": "华为技术有限公司"}],
}


def write_corpus_out(folder, nodes, edges, relations, events=None):
    """entities.csv, relations.csv, graph.graphml (and events.csv) as kg build writes them."""
    folder.mkdir()
    with (folder / "entities.csv").open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name", "type", "subtype", "aliases", "mentions", "documents", "titles", "affiliations"])
        for name, kind, subtype, aliases in nodes:
            writer.writerow([f"{kind}:{name}", name, kind, subtype, aliases, 1, 1, "", ""])
    with (folder / "relations.csv").open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["head", "relation", "tail", "title", "document", "sentence"])
        for row in relations:
            writer.writerow(row)
    graph = nx.Graph()
    for name, kind, subtype, aliases in nodes:
        graph.add_node(f"{kind}:{name}", name=name, type=kind, subtype=subtype, aliases=aliases)
    for a, b in edges:
        graph.add_edge(a, b, weight=1)
    nx.write_graphml(graph, folder / "graph.graphml")
    if events is not None:
        with (folder / "events.csv").open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["head", "type", "tail", "modality"])
            writer.writerows(events)


def reference_figures(gold_path, out_dir) -> dict:
    """The reference scorer's printed figures, by name (score line, detail line, events line)."""
    run = subprocess.run([sys.executable, str(REFERENCE), str(gold_path), str(out_dir)], capture_output=True, text=True)
    assert run.returncode in (0, 1), run.stderr
    figures = {}
    for line in run.stdout.splitlines():
        if line.startswith("score: "):
            figures.update({k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)/", line)})
        elif line.startswith("nodes="):
            figures.update({k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", line)})
        elif line.startswith("events: "):
            figures.update({f"events_{k}": float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", line)})
    return figures


def kg_figures(result) -> dict:
    """kg score's figures under the reference scorer's names, rounded as it prints them."""
    s, c = result["scores"], result["counts"]
    figures = {k: round(v, 3) for k, v in s.items()}
    figures.update({"nodes": c["nodes"], "gold": c["gold"], "required": c["required"], "type_acc": round(c["type_accuracy"], 3),
                    "merge_P": round(c["merge_p"], 3), "merge_cases": c["merge_cases"], "rel_P": round(c["rel_p"], 3),
                    "rel_R": round(c["rel_r"], 3), "recall_all": round(c["recall_all"], 3)})
    if "events" in c:
        figures.update({"events_gold": c["events"]["gold"], "events_predicted": c["events"]["predicted"],
                        "events_P": round(c["events"]["p"], 3), "events_R": round(c["events"]["r"], 3),
                        "events_F": round(c["events"]["f"], 3)})
    return figures


def test_corpus_layout_measures(tmp_path):
    gold = tmp_path / "gold.json"
    gold.write_text(json.dumps(CORPUS_GOLD, ensure_ascii=False), encoding="utf-8")
    nodes = [("合肥", "LOC", "city", "合肥|合肥市"), ("凌云", "PERSON", "other", "凌云"),
             ("华为", "ORG", "company", "华为"), ("华为公司", "ORG", "company", "华为公司"),
             ("市领导", "PERSON", "other", "市领导")]
    write_corpus_out(tmp_path / "out", nodes, [("PERSON:凌云", "ORG:华为")],
                     [("凌云", "holds_position_at", "合肥市", "市长", "a01", ""), ("凌云", "holds_position_at", "华为", "市长", "a01", "")],
                     events=[("凌云", "visits", "华为公司", ""), ("凌云", "meets", "彭中阳", "negated")])
    result = score_graph(gold, tmp_path / "out")
    assert result["layout"] == "corpus"
    s, c = result["scores"], result["counts"]
    assert s["recall"] == 0.6  # 合肥市, 凌云, 华为技术有限公司 found of five required
    assert result["missed_required"] == ["彭中阳", "合肥市人民政府"]
    assert s["precision"] == 0.8 and result["unmatched_nodes"] == ["市领导"] and result["negatives_present"] == ["市领导"]
    assert s["merge"] == 0.5  # 合肥/合肥市 on one node; 华为/华为公司 on two
    assert s["subtype"] == 2 / 3  # 凌云 is an official
    assert c["rel_p"] == 0.5 and c["rel_r"] == 0.5 and s["rel"] == 0.5
    assert s["cooc"] == 1 / 3  # only 凌云 - 华为 is an edge
    types = c["events"].pop("types")
    assert c["events"] == {"gold": 2, "predicted": 1, "p": 1.0, "r": 0.5, "f": pytest.approx(2 / 3)}  # the negated row is no claim
    assert types == {"meets": {"gold": 1, "predicted": 0, "p": 0.0, "r": 0.0, "f": 0.0},
                     "visits": {"gold": 1, "predicted": 1, "p": 1.0, "r": 1.0, "f": 1.0}}
    assert len(result["missed_events"]) == 1 and result["missed_events"][0].split()[1] == "meets"


@needs_reference
def test_corpus_layout_agrees_with_the_reference_scorer(tmp_path):
    gold = tmp_path / "gold.json"
    gold.write_text(json.dumps(CORPUS_GOLD, ensure_ascii=False), encoding="utf-8")
    nodes = [("合肥市", "GPE", "city", "合肥|合肥市"), ("凌云", "PERSON", "official", ""), ("华为公司", "ORG", "company", "华为|华为公司|华为公司EBG")]
    write_corpus_out(tmp_path / "out", nodes, [("PERSON:凌云", "GPE:合肥市")], [("凌云", "holds_position_at", "合肥", "市长", "a01", "")])
    assert kg_figures(score_graph(gold, tmp_path / "out")) == reference_figures(gold, tmp_path / "out")


@pytest.mark.parametrize("content, message", [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "must hold a JSON object"),
    ('{"items": []}', "not a gold set"),
    ('{"entities": [{"type": "ORG"}]}', "entities[0]: needs a 'name'"),
    ('{"entities": [], "cooccurrence_pairs": [["a"]]}', "cooccurrence_pairs[0]"),
    ('{"documents": {"d1": {"names": []}}}', "needs an 'entities' list"),
])
def test_bad_gold_is_a_clear_error_naming_the_file(tmp_path, content, message):
    gold = tmp_path / "bad gold.json"
    gold.write_text(content, encoding="utf-8")
    (tmp_path / "out").mkdir()
    result = CliRunner().invoke(main, ["score", "--gold", str(gold), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert f"kg: error: {gold}: " in result.output and message in result.output
    assert "Traceback" not in result.output


def test_missing_output_file_is_named(tmp_path):
    gold = tmp_path / "gold.json"
    gold.write_text(json.dumps(CORPUS_GOLD, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "out").mkdir()
    result = CliRunner().invoke(main, ["score", "--gold", str(gold), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1 and str(tmp_path / "out" / "entities.csv") in result.output


@pytest.mark.slow
@needs_reference
@pytest.mark.skipif(not (NEWS_DEV / "gold_news.json").is_file() or not (MODELS_DIR / DEFAULT_MODEL).is_dir(),
                    reason="news_dev or the model not present")
def test_kg_score_on_news_dev_equals_the_reference_scorer(tmp_path):
    out = tmp_path / "out"
    texts = sorted(str(p) for p in NEWS_DEV.glob("*.txt"))
    built = CliRunner().invoke(main, ["build", *texts, "--out", str(out), "--no-cache", "--jobs", "1", "--quiet"])
    assert built.exit_code == 0, built.output
    scored = CliRunner().invoke(main, ["score", "--gold", str(NEWS_DEV / "gold_news.json"), "--out", str(out), "--json"])
    assert scored.exit_code == 0, scored.output
    ours = kg_figures(json.loads(scored.output))
    reference = reference_figures(NEWS_DEV / "gold_news.json", out)
    assert set(reference) >= {"recall", "precision", "merge", "rel", "cooc", "subtype", "rel_P", "rel_R"}
    assert ours == reference
