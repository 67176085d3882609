"""The packaged pipeline: loads offline from package data, finds entities, reports itself."""
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.nlp import DEFAULT_MODEL, MODELS_DIR, ModelNotFound, load_pipeline, model_info

pytestmark = pytest.mark.skipif(not (MODELS_DIR / DEFAULT_MODEL).is_dir(), reason="model not packaged")


def test_shipped_pipeline_loads_fast_from_package_data():
    code = "import time,spacy,kg.components as c;t=time.perf_counter();spacy.load(%r);print(time.perf_counter()-t)" % str(
        MODELS_DIR / DEFAULT_MODEL)
    seconds = float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
    assert seconds < 5


def test_finds_entities_in_a_sentence_of_our_own():
    nlp = load_pipeline()
    doc = nlp("昨天，国务院总理李强在北京会见了德国总理，中国科学院院长也出席了会议。")
    ents = {(e.text, e.label_) for e in doc.ents}
    assert ("李强", "PERSON") in ents
    assert ("北京", "LOC") in ents
    assert any(label == "ORG" and "中国科学院" in text for text, label in ents)


def test_info_reports_path_labels_and_scores():
    info = model_info()
    assert Path(info.pipeline_path) == (MODELS_DIR / DEFAULT_MODEL).resolve()
    assert info.labels == ["LOC", "ORG", "PERSON"]
    assert 0 < info.size_bytes < 60 * 2**20
    assert "people_daily_ner_dev" in info.scores


def test_cli_info_json():
    out = subprocess.run([sys.executable, "-m", "kg.cli", "info", "--json"], capture_output=True, text=True, check=True)
    data = json.loads(out.stdout)
    assert data["pipeline_path"].endswith(DEFAULT_MODEL) and data["labels"] == ["LOC", "ORG", "PERSON"]


def test_unknown_model_is_a_clear_error():
    with pytest.raises(ModelNotFound, match="no_such_pipeline"):
        load_pipeline("no_such_pipeline")


def test_cli_eval_on_a_bio_file(tmp_path):
    f = tmp_path / "tiny.bio"
    f.write_text("".join(f"{c} {t}\n" for c, t in zip("李强在北京", ["B-PER", "I-PER", "O", "B-LOC", "I-LOC"])), encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "kg.cli", "eval", "--data", str(f), "--json"], capture_output=True, text=True,
                         check=True)
    result = json.loads(out.stdout)
    assert result["sentences"] == 1
    assert set(result["per_label"]) <= {"PERSON", "LOC", "ORG"}
    assert 0 <= result["overall"]["f"] <= 1


def test_cli_eval_malformed_file_names_line(tmp_path):
    f = tmp_path / "bad.bio"
    f.write_text("李 B-PER\n强强 I-PER\n", encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "kg.cli", "eval", "--data", str(f)], capture_output=True, text=True)
    assert out.returncode == 1 and "bad.bio:2" in out.stderr
