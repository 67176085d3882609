import pytest

from kg.clean import normalize_chars
from kg.nlp import DEFAULT_MODEL, LABEL_MAP, MODELS_DIR, load_pipeline

from pipelines.ensemble import ensemble_spans, load, log_softmax

pytestmark = pytest.mark.skipif(not (MODELS_DIR / DEFAULT_MODEL).is_dir(), reason="model not packaged")

TEXTS = [normalize_chars(t) for t in (
    "深圳市副市长王立新会见了华为技术有限公司董事长梁华。",
    "东方日升（宁波）电力开发有限公司在宁波市宁海县签约。",
    "记者叶超报道：江苏省苏州市委书记昨天到苏州工业园区调研。",
)]


def _own_spans(texts):
    nlp = load_pipeline()
    return [{(e.start_char, e.end_char, LABEL_MAP[e.label_]) for e in doc.ents if e.label_ in LABEL_MAP}
            for doc in nlp.pipe(texts)]


def test_log_softmax_rows_are_log_probabilities():
    import numpy

    rows = log_softmax(numpy.array([[1.0, 2.0, 3.0], [1000.0, 0.0, -1000.0]]))
    assert numpy.allclose(numpy.exp(rows).sum(axis=1), 1.0)
    assert rows[1, 0] == pytest.approx(0.0)


def test_an_ensemble_of_one_pipeline_decodes_as_the_pipeline_does():
    nlp = load(str(MODELS_DIR / DEFAULT_MODEL))
    own = _own_spans(TEXTS)
    assert any(own)  # the sentences have entities to compare
    assert ensemble_spans([nlp], TEXTS) == own
    # the mean of two identical members is the member
    assert ensemble_spans([nlp, nlp], TEXTS) == own


def test_an_empty_ensemble_is_an_error():
    with pytest.raises(ValueError):
        ensemble_spans([], TEXTS)
