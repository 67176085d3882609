"""The NER stage: other pipelines via --model, label mapping, normalisation invariance."""
import json
import subprocess
import sys

import pytest
import spacy

from kg.clean import clean_document
from kg.nlp import DEFAULT_MODEL, MODELS_DIR, analyse_document, load_pipeline
from kg.types import Document

has_model = pytest.mark.skipif(not (MODELS_DIR / DEFAULT_MODEL).is_dir(), reason="model not packaged")


@pytest.fixture(scope="module")
def ruler_pipeline(tmp_path_factory):
    """A stand-in for another installed pipeline (OntoNotes-style labels)."""
    nlp = spacy.blank("zh")
    ruler = nlp.add_pipe("entity_ruler", name="ner")
    ruler.add_patterns([{"label": "GPE", "pattern": "沈阳"}, {"label": "ORG", "pattern": "东北大学"},
                        {"label": "PERSON", "pattern": "王立成"}, {"label": "DATE", "pattern": "今天"}])
    path = tmp_path_factory.mktemp("pipelines") / "zh_test_ruler"
    nlp.to_disk(path)
    return path


def test_other_pipelines_labels_are_mapped(ruler_pipeline):
    nlp = load_pipeline(str(ruler_pipeline))
    doc = clean_document(Document("d", "今天王立成在沈阳访问东北大学。"))
    got = {(m.text, m.label) for m in analyse_document(nlp, doc).mentions}
    assert got == {("王立成", "PERSON"), ("沈阳", "LOC"), ("东北大学", "ORG")}


def test_build_with_model_option(ruler_pipeline, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("东北大学教授王立成在沈阳讲学。", encoding="utf-8")
    out = tmp_path / "out"
    subprocess.run([sys.executable, "-m", "kg.cli", "build", str(tmp_path / "in"), "--out", str(out), "--model",
                    str(ruler_pipeline), "--no-cache", "--jobs", "1", "--quiet", "--formats", "json"], check=True)
    names = {n["name"] for n in json.loads((out / "graph.json").read_text(encoding="utf-8"))["nodes"]}
    assert {"东北大学", "王立成", "沈阳市"} <= names  # 沈阳 is known as 沈阳市


@has_model
def test_ner_finds_the_same_entities_whatever_the_punctuation_and_digit_widths():
    """Real pages mix ASCII and full-width forms; the model sees one normalised form."""
    nlp = load_pipeline()
    fullwidth_style = "２０２６年３月５日，沈阳市副市长赵文博（左）在中国科学院沈阳自动化研究所调研：他说，要加快发展！"
    ascii_style = "2026年3月5日,沈阳市副市长赵文博(左)在中国科学院沈阳自动化研究所调研:他说,要加快发展!"
    results = []
    for text in (fullwidth_style, ascii_style):
        analysis = analyse_document(nlp, clean_document(Document("d", text)))
        results.append({(m.start, m.end, m.label) for m in analysis.mentions})
    assert results[0] == results[1]
    assert results[0]


@has_model
def test_cli_eval_segmentation(tmp_path):
    gold = tmp_path / "seg.txt"
    gold.write_text("沈阳市 副市长 赵 文博 在 浑南区 调研 。\n", encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "kg.cli", "eval", "--data", str(gold), "--format", "seg", "--json"],
                         capture_output=True, text=True, check=True)
    result = json.loads(out.stdout)
    assert result["format"] == "seg" and result["sentences"] == 1
    assert result["overall"]["f"] > 0.5


def test_traditional_characters_are_read_as_simplified_with_the_same_offsets():
    from kg.nlp import model_texts

    traditional = ["臺北市政府今日宣布，將與中央研究院合作。"]
    simplified = model_texts(traditional)
    assert simplified == ["台北市政府今日宣布，将与中央研究院合作。"] and len(simplified[0]) == len(traditional[0])
    news = ["著名企业家在沈阳市发表讲话。"]  # 著 also occurs in simplified text: left alone
    assert model_texts(news) == news
