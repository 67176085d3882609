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


def test_openblas_started_with_one_thread_is_left_with_one_thread():
    """fast_single_thread_blas runs one product on two threads and returns to one: the
    process keeps the thread count it asked for (and a process with more is left alone)."""
    import os
    import subprocess
    import sys

    code = ("import numpy  # noqa: loads OpenBLAS\nfrom threadpoolctl import threadpool_info\n"
            "from kg.ops import fast_single_thread_blas\n"
            "def blas(): return [lib['num_threads'] for lib in threadpool_info() if lib['internal_api'] == 'openblas']\n"
            "before = blas(); fast_single_thread_blas(); print(before, blas())\n")
    for threads, expected in (("1", "[1] [1]"), ("2", "[2] [2]")):
        env = {**os.environ, "OPENBLAS_NUM_THREADS": threads}
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        assert out.stdout.strip() == expected


def test_workers_under_dasks_malloc_setting_get_the_heap_back(monkeypatch):
    """MALLOC_TRIM_THRESHOLD_ (set by Dask's nanny) turns off glibc's dynamic mmap threshold:
    kg's worker set-up raises both thresholds again, and does nothing without the variable."""
    import ctypes
    import sys

    from kg import nlp

    calls = []

    class FakeLibc:
        def mallopt(self, param, value):
            calls.append((param, value))
            return 1

    monkeypatch.setattr(ctypes, "CDLL", lambda name: FakeLibc())
    monkeypatch.setattr(sys, "platform", "linux")
    nlp._heap_for_arrays.cache_clear()
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)
    nlp._heap_for_arrays()
    assert calls == []
    nlp._heap_for_arrays.cache_clear()
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "65536")
    nlp._heap_for_arrays()
    assert calls == [(-3, 32 * 1024 * 1024), (-1, 64 * 1024 * 1024)]  # M_MMAP_THRESHOLD, M_TRIM_THRESHOLD
    nlp._heap_for_arrays.cache_clear()


def _tok2vec(width=16, depth=2, encoder="maxout"):
    component, docs = _tok2vec_pipe(width, depth, encoder)
    return component.model, docs


def _tok2vec_pipe(width=16, depth=2, encoder="maxout"):
    from thinc.api import NumpyOps, set_current_ops
    import spacy

    import kg.components  # noqa: F401  (registers kg.MishWindowEncoder.v1)

    set_current_ops(NumpyOps())
    nlp = spacy.blank("zh")
    nlp.add_pipe("tok2vec", config={"model": {
        "@architectures": "spacy.Tok2Vec.v2",
        "embed": {"@architectures": "spacy.MultiHashEmbed.v2", "width": width, "attrs": ["ORTH", "NORM"],
                  "rows": [500, 500], "include_static_vectors": False},
        "encode": {"@architectures": "spacy.MaxoutWindowEncoder.v2", "width": width, "depth": depth,
                   "window_size": 1, "maxout_pieces": 3} if encoder == "maxout" else
                  {"@architectures": encoder, "width": width, "depth": depth, "window_size": 1,
                   **({"maxout_pieces": 3} if "Maxout" in encoder else {})}}})
    nlp.initialize()
    component = nlp.get_pipe("tok2vec")
    model = component.model
    # trained-looking layer norms: not the identity they start as
    rng = __import__("numpy").random.default_rng(0)
    for node in model.walk():
        if node.name == "layernorm":
            node.set_param("G", (1 + rng.standard_normal(width)).astype("float32"))
            node.set_param("b", rng.standard_normal(width).astype("float32"))
    docs = [nlp.make_doc(t) for t in ("张明在沈阳市工作", "沈阳", "李", "北京市海淀区中关村大街")]
    return component, docs


@pytest.mark.parametrize("encoder", ["maxout", "spacy.MishWindowEncoder.v2", "kg.MishWindowEncoder.v1",
                                     "kg.MaxoutWindowEncoder.v1"])
def test_fused_inference_gives_thincs_outputs(encoder):
    import numpy

    model, docs = _tok2vec(encoder=encoder)
    before = model.predict(docs)
    assert ops.fuse_inference(model) == 2 + 3 + 2  # two tables, embedding mix and two encoder blocks; two residuals
    after = model.predict(docs)
    for a, b in zip(before, after):
        assert a.shape == b.shape and numpy.abs(a - b).max() < 1e-4
    # training keeps thinc's forward and backward passes
    Y, backprop = model.begin_update(docs)
    for a, b in zip(before, Y):
        assert numpy.abs(a - b).max() < 1e-4
    backprop([numpy.ones_like(y) for y in Y])


def test_fusion_can_be_turned_off(monkeypatch):
    monkeypatch.setenv("KG_FUSED", "0")
    model, _ = _tok2vec()
    funcs = [node._func for node in model.walk()]
    assert ops.fuse_inference(model) == 0
    assert [node._func for node in model.walk()] == funcs


@pytest.mark.slow
def test_kgs_fast_paths_find_the_same_entities_as_spacys_own(monkeypatch):
    """Issue 17: the fast paths (fused forwards, character tokenizer, features from arrays)
    must agree with the slow path at the entity level (>= 99.9%)."""
    import spacy

    from kg import components  # noqa: F401
    from kg.ingest import iter_documents
    from kg.nlp import load_pipeline, model_path

    sample = Path(__file__).resolve().parent.parent / "kg" / "data" / "sample"
    texts = [p for d in iter_documents([str(sample)], []) for p in d.text.split("\n") if p.strip()]
    texts += ["  北京市 海淀区\u3000中关村\n\n科技园区管委会主任张明  "]  # spaces of every kind
    load_pipeline.cache_clear()
    fast = load_pipeline()
    load_pipeline.cache_clear()
    assert isinstance(fast.tokenizer, components.CharTokenizer)
    assert any(getattr(node._func, "kg_fused", False) for node in fast.get_pipe("tok2vec").model.walk())
    slow = spacy.load(model_path())  # thinc's forwards, spaCy's tokenizer
    found = {}
    for name, nlp in (("fast", fast), ("slow", slow)):
        found[name] = {(i, e.start_char, e.end_char, e.label_) for i, d in enumerate(nlp.pipe(texts)) for e in d.ents}
    both = found["fast"] | found["slow"]
    assert len(both) > 50
    assert len(found["fast"] & found["slow"]) / len(both) >= 0.999


@pytest.mark.parametrize("fused", [False, True])
@pytest.mark.parametrize("encoder", ["kg.MishWindowEncoder.v1", "kg.MaxoutWindowEncoder.v1"])
def test_kgs_encoders_give_each_document_its_own_vectors(encoder, fused):
    """kg's encoders: a document's vectors do not depend on the batch around it (spaCy's
    Mish encoder lets windows run into the neighbouring documents)."""
    import numpy

    model, docs = _tok2vec(encoder=encoder)
    if fused:
        assert ops.fuse_inference(model) == 2 + 3 + 2
    together = model.predict(docs)
    for doc, vectors in zip(docs, together):
        assert numpy.abs(model.predict([doc])[0] - vectors).max() < 1e-6
    spacys, docs = _tok2vec(encoder="spacy.MishWindowEncoder.v2")
    together = spacys.predict(docs)
    assert max(numpy.abs(spacys.predict([doc])[0] - vectors).max() for doc, vectors in zip(docs, together)) > 1e-3


def test_fused_mish_is_thincs_over_its_whole_range():
    """The vectorised mish against thinc's scalar one, from far below zero to past the
    threshold where thinc returns x itself."""
    import numpy
    from thinc.api import NumpyOps

    x = numpy.concatenate([numpy.linspace(-60, 60, 24001, dtype="float32"), numpy.float32([19.999, 20.0, 20.001, 1e4])])
    expected = NumpyOps().mish(x.reshape(1, -1)).ravel()
    got = ops.mish_inplace(x.copy())
    assert numpy.allclose(got, expected, rtol=2e-6, atol=1e-6)
    assert (got[x >= 20] == x[x >= 20]).all()


def test_fusing_twice_changes_nothing_more():
    model, docs = _tok2vec()
    assert ops.fuse_inference(model) == 7
    funcs = [node._func for node in model.walk()]
    assert ops.fuse_inference(model) == 0
    assert [node._func for node in model.walk()] == funcs


def test_a_fused_model_still_pickles():
    import pickle

    import numpy

    model, docs = _tok2vec()
    ops.fuse_inference(model)
    again = pickle.loads(pickle.dumps(model))
    assert getattr([n for n in again.walk() if n.name == "maxout>>layernorm"][0]._func, "kg_fused", False)
    for a, b in zip(model.predict(docs), again.predict(docs)):
        assert numpy.abs(a - b).max() == 0.0


@pytest.mark.parametrize("encoder", ["maxout", "kg.MishWindowEncoder.v1", "kg.MaxoutWindowEncoder.v1"])
def test_chunked_tok2vec_predict_gives_the_whole_batchs_vectors(encoder):
    import numpy

    from kg.nlp import ChunkedPredict

    component, docs = _tok2vec_pipe(encoder=encoder)
    ops.fuse_inference(component.model)
    whole = component.predict(docs)
    assert ChunkedPredict.wraps(component)
    component.predict = ChunkedPredict(component, tokens=5)  # runs of 1-2 of the 4 documents
    assert not ChunkedPredict.wraps(component)  # not twice
    runs = []
    inner = component.predict.predict
    component.predict.predict = lambda batch: runs.append(len(batch)) or inner(batch)
    chunked = component.predict(docs)
    assert sum(runs) == len(docs) and len(runs) > 1
    assert [a.shape for a in whole] == [b.shape for b in chunked]
    for a, b in zip(whole, chunked):
        assert numpy.abs(a - b).max() < 1e-5
    assert len(component.predict([])) == 0


@pytest.mark.parametrize("rows, width, nW", [(0, 4, 1), (1, 3, 2), (2, 5, 2), (7, 80, 2), (50, 8, 3)])
def test_windows_are_thincs_seq2col_exactly(rows, width, nW):
    import numpy
    from thinc.api import NumpyOps

    seq = numpy.random.default_rng(rows).standard_normal((rows, width)).astype(numpy.float32)
    expected = NumpyOps().seq2col(seq, nW)
    got = ops.make_ops("numpy").seq2col(seq, nW)
    assert got.shape == expected.shape and got.dtype == numpy.float32 and got.flags.writeable
    assert numpy.array_equal(got, expected)


@pytest.mark.parametrize("lengths", [[4, 6], [1, 1, 3, 0, 5], [10], [0, 10], [2, 2, 2, 2, 2]])
@pytest.mark.parametrize("nW", [1, 2, 3])
def test_windows_with_lengths_are_thincs_exactly(lengths, nW):
    import numpy
    from thinc.api import NumpyOps

    seq = numpy.random.default_rng(nW).standard_normal((10, 3)).astype(numpy.float32)
    lengths = numpy.array(lengths, dtype=numpy.int32)
    expected = NumpyOps().seq2col(seq, nW, lengths=lengths)
    assert numpy.array_equal(ops.make_ops("numpy").seq2col(seq, nW, lengths=lengths), expected)
    if len(lengths) > 1 and lengths.max() < 10:
        assert not numpy.array_equal(expected, NumpyOps().seq2col(seq, nW))  # the lengths matter here


def test_kg_ops_pickle():
    import pickle

    kg_ops = ops.make_ops("blis")
    again = pickle.loads(pickle.dumps(kg_ops))
    assert type(again) is ops.KgOps and again.use_blis is True


def test_fused_hashembed_is_thincs_exactly():
    """Each distinct id summed once and copied: the same sums, bit for bit, repeats and all."""
    import numpy
    from thinc.api import HashEmbed

    table = HashEmbed(nO=8, nV=50, seed=3)
    table.initialize()
    ids = numpy.array([5, 9, 5, 2**40 + 7, 9, 9, 0, 123456789], dtype="uint64")
    expected = table.predict(ids)
    assert ops.fuse_inference(table) == 1
    got = table.predict(ids)
    assert type(table._func).__name__ == "_HashEmbed"
    assert got.shape == expected.shape and numpy.array_equal(got, expected)
    assert table.predict(ids[:0]).shape == (0, 8)
    Y, backprop = table.begin_update(ids)  # training keeps thinc's forward and backward
    assert numpy.array_equal(Y, expected)
    backprop(numpy.ones_like(Y))
