from pathlib import Path

import pytest

from kg import ops


def test_backend_can_be_forced(monkeypatch):
    ops.gemm_backend.cache_clear()
    monkeypatch.setenv("KG_GEMM", "numpy")
    assert ops.gemm_backend() == "numpy" and ops.make_ops().use_blis is False
    ops.gemm_backend.cache_clear()
    monkeypatch.setenv("KG_GEMM", "blis")
    assert ops.gemm_backend() == "blis" and ops.make_ops().use_blis is True
    ops.gemm_backend.cache_clear()
    monkeypatch.delenv("KG_GEMM")
    assert ops.gemm_backend() in ("numpy", "blis")  # measured
    ops.gemm_backend.cache_clear()


@pytest.mark.slow
def test_both_backends_find_the_same_entities():
    """numpy's BLAS and blis add in different orders: predictions may differ by rounding only."""
    import spacy
    from thinc.api import get_current_ops, set_current_ops

    from kg import components  # noqa: F401
    from kg.nlp import model_path

    from kg.ingest import iter_documents

    sample = Path(__file__).resolve().parent.parent / "kg" / "data" / "sample"
    texts = [p for d in iter_documents([str(sample)], []) for p in d.text.split("\n") if p.strip()]
    found = {}
    previous = get_current_ops()
    for backend in ("blis", "numpy"):
        set_current_ops(ops.make_ops(backend))
        try:
            nlp = spacy.load(model_path())
        finally:
            set_current_ops(previous)
        assert nlp.get_pipe("tok2vec").model.ops.use_blis is (backend == "blis")
        found[backend] = {(i, e.start_char, e.end_char, e.label_) for i, d in enumerate(nlp.pipe(texts)) for e in d.ents}
    both = found["blis"] | found["numpy"]
    assert len(both) > 50
    assert len(found["blis"] & found["numpy"]) / len(both) >= 0.999
