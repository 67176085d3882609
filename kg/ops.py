"""The thinc operations kg's pipeline runs with: NumpyOps whose matrix products go through
whichever BLAS is faster on this machine.

thinc's NumpyOps multiplies through blis; numpy's own BLAS (OpenBLAS in the PyPI wheels) is
faster on some CPUs and slower on others (one 2-core AMD EPYC of ours measured 73 vs 33
GFLOP/s one way, another machine the reverse). The tok2vec's products are most of the NER's
time, so the choice is made once per process by timing both on a product of the tok2vec's
shape (a few milliseconds). Only the order of floating-point additions differs between the two,
so predictions agree up to rounding. KG_GEMM=numpy or KG_GEMM=blis fixes the choice.
"""
from __future__ import annotations

import os
import time
from functools import lru_cache

SHAPE = (1024, 480, 288)  # characters x (width x window span) x (width x maxout pieces)


def _best_of(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


@lru_cache(maxsize=1)  # once per process: the state it leaves lasts (and forked children inherit it)
def fast_single_thread_blas() -> None:
    """numpy's OpenBLAS (0.3.31 in the PyPI wheels) that starts with one thread
    (OPENBLAS_NUM_THREADS=1, as Dask's nanny sets for its workers and kg's benches for every
    process) multiplies the tok2vec's shapes at about 10 GFLOP/s on our 2-core AMD EPYC; once it
    has run one such product on two threads, its one-thread products run at about 36 (blis: 34).
    So where OpenBLAS has one thread: two threads for one product of that shape, then one again
    (a few milliseconds). Nothing changes where BLAS is not OpenBLAS or has more threads."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return
    import numpy

    controller = ThreadpoolController()
    single = [lib for lib in controller.info() if lib.get("internal_api") == "openblas" and lib.get("num_threads") == 1]
    if not single:
        return
    m, k, n = SHAPE
    a = numpy.ones((m, k), dtype=numpy.float32)
    b = numpy.ones((k, n), dtype=numpy.float32)
    controller.limit(limits=2, user_api="blas")
    numpy.dot(a, b)
    controller.limit(limits=1, user_api="blas")


@lru_cache(maxsize=1)
def gemm_backend() -> str:
    """"numpy" or "blis": KG_GEMM when set, else the faster of the two here (numpy must
    win by 10% to be chosen: blis is what the model was trained with)."""
    forced = os.environ.get("KG_GEMM", "").strip().lower()
    if forced in ("numpy", "blis"):
        return forced
    import blis.py
    import numpy

    rng = numpy.random.default_rng(0)
    m, k, n = SHAPE
    a = rng.standard_normal((m, k), dtype=numpy.float32)
    b = rng.standard_normal((k, n), dtype=numpy.float32)
    blis.py.gemm(a, b)  # first calls allocate and page in
    numpy.dot(a, b)
    t_blis = _best_of(lambda: blis.py.gemm(a, b))
    t_numpy = _best_of(lambda: numpy.dot(a, b))
    return "numpy" if t_numpy < 0.9 * t_blis else "blis"


def make_ops(backend: str | None = None):
    """thinc NumpyOps, with the chosen matrix-product backend and kg's windows (`KgOps`)."""
    return ops_class()(use_blis=(backend or gemm_backend()) == "blis")


@lru_cache(maxsize=1)
def ops_class():
    """`KgOps`, built on first use: thinc is imported only when a pipeline is."""
    from thinc.api import NumpyOps

    class KgOps(NumpyOps):
        """NumpyOps whose seq2col is a copy of a strided view of the rows (see `windows`);
        thinc's loops per row and window position. The same values exactly."""

        def seq2col(self, seq, nW, *, lengths=None):
            if not _plain_float32(seq, 2) or nW < 1 or (lengths is not None and not _plain_lengths(lengths, len(seq))):
                return super().seq2col(seq, nW, lengths=lengths)
            return windows(seq, nW, lengths)

    KgOps.__module__ = __name__
    KgOps.__qualname__ = "KgOps"
    return KgOps


def __getattr__(name):  # kg.ops.KgOps, for pickling a pipeline that holds one
    if name == "KgOps":
        return ops_class()
    raise AttributeError(name)


def _plain_float32(array, ndim: int) -> bool:
    import numpy

    return isinstance(array, numpy.ndarray) and array.dtype == numpy.float32 and array.ndim == ndim


def _plain_lengths(lengths, total: int) -> bool:
    import numpy

    return (isinstance(lengths, numpy.ndarray) and lengths.ndim == 1 and lengths.dtype.kind in "iu"
            and int(lengths.sum()) == total and (len(lengths) == 0 or int(lengths.min()) >= 0))


def windows(seq, nW: int, lengths=None):
    """Each row with its nW neighbours on either side, as thinc's seq2col gives them: zeros
    beyond the ends of the array, or of each sequence where `lengths` splits it. Rows i-nW ..
    i+nW of a zero-padded copy are consecutive in memory, so the windows are one strided view
    of it; with lengths, the parts of the windows that cross a sequence's ends are then
    zeroed (2 nW small writes per sequence)."""
    import numpy
    from numpy.lib.stride_tricks import as_strided

    n, width = seq.shape
    padded = numpy.zeros((n + 2 * nW, width), dtype=numpy.float32)
    padded[nW:nW + n] = seq
    item = padded.itemsize
    out = as_strided(padded, shape=(n, (2 * nW + 1) * width), strides=(width * item, item), writeable=False).copy()
    if lengths is not None and len(lengths) > 1:
        lengths = lengths.astype(numpy.int64)
        ends = numpy.cumsum(lengths)
        starts = ends - lengths
        for k in range(nW):  # the k-th row from a start (end) sees nW - k rows before (after) it
            long_enough = lengths > k
            out[starts[long_enough] + k, :(nW - k) * width] = 0.0
            out[ends[long_enough] - 1 - k, (nW + 1 + k) * width:] = 0.0
    return out


# ---- inference forwards of the tok2vec's blocks ------------------------------------------------
# A maxout layer's normalised output (thinc's chain(Maxout, LayerNorm)) takes five passes over
# its arrays besides the product: the bias, thinc's maxout (which also writes each best piece's
# index, for a backward pass that inference never runs), the moments, the scaling and the
# shift. At width 64 they and the residual sums cost a third as much as the products. At
# inference kg runs the same arithmetic in fewer passes; training (is_train) keeps thinc's.


def _no_backprop(_):
    raise RuntimeError("kg's inference forward has no backward pass; train with spaCy's own")


class _Fused:
    """An inference forward that keeps the node's own for training (is_train); a class, not a
    closure, so that a pipeline with it still pickles."""

    kg_fused = True

    def __init__(self, original):
        self.original = original

    def __call__(self, model, X, is_train):
        if is_train:
            return self.original(model, X, is_train)
        return self.infer(model, X), _no_backprop


class _MaxoutNorm(_Fused):
    def __init__(self, original):
        super().__init__(original)
        self._cache = None

    def __getstate__(self):  # a pickled pipeline carries the weights once, not twice
        return {"original": self.original, "_cache": None}

    def _piece_major(self, maxout):
        """The maxout's weights with each piece's rows together (thinc keeps a unit's pieces
        together): the best piece is then an elementwise maximum of contiguous column blocks,
        not of stride-`pieces` columns (a third of the layer's time besides the product). Kept
        while the node's weights are the same arrays (inference does not change them)."""
        W, b = maxout.get_param("W"), maxout.get_param("b")
        cached = self._cache
        if cached is not None and cached[0] is W and cached[1] is b:
            return cached[2], cached[3]
        n_out, pieces = maxout.get_dim("nO"), maxout.get_dim("nP")
        Wp = W.reshape(n_out, pieces, -1).transpose(1, 0, 2).reshape(pieces * n_out, -1).copy()
        bp = b.reshape(n_out, pieces).T.reshape(-1).copy()
        self._cache = (W, b, Wp, bp)
        return Wp, bp

    def infer(self, model, X):
        import numpy

        maxout, norm = model.layers
        n_out, pieces = maxout.get_dim("nO"), maxout.get_dim("nP")
        W, b = self._piece_major(maxout)
        Y = maxout.ops.gemm(X, W, trans2=True)
        Y += b
        if pieces > 1:
            best = numpy.maximum(Y[:, :n_out], Y[:, n_out:2 * n_out])
            for p in range(2, pieces):
                numpy.maximum(best, Y[:, p * n_out:(p + 1) * n_out], out=best)
        else:
            best = Y
        return _layer_norm(best, norm, n_out)


def _layer_norm(Y, norm, n_out):
    """thinc's LayerNorm in place: (x - mean) / sqrt(var + 1e-8) * G + b."""
    import numpy

    mean = numpy.einsum("ij->i", Y)  # numpy's mean along rows is a slow reduction; a product
    mean /= n_out  # (Y @ ones) would add a row's values in an order that depends on its position
    Y -= mean[:, None]
    scale = numpy.einsum("ij,ij->i", Y, Y)
    scale /= n_out
    scale += 1e-08
    scale **= -0.5
    Y *= scale[:, None]
    Y *= norm.get_param("G")
    Y += norm.get_param("b")
    return Y


MISH_THRESHOLD = 20.0  # thinc's: at and above it, mish(x) = x


class _MishNorm(_Fused):
    """thinc's chain(Mish, LayerNorm) at inference. thinc computes mish per value in a scalar C
    loop (x * tanh(log(1 + exp(x))), in double precision); here the same function in vectorised
    float32 passes: tanh(softplus(x)) = n / (n + 2) with n = e^x (e^x + 2). Above the threshold
    n / (n + 2) rounds to exactly 1 in float32, so clamping x there gives thinc's y = x."""

    def infer(self, model, X):
        mish, norm = model.layers
        Y = mish.ops.gemm(X, mish.get_param("W"), trans2=True)
        Y += mish.get_param("b")
        return _layer_norm(mish_inplace(Y), norm, mish.get_dim("nO"))


def mish_inplace(Y):
    """thinc's mish of a float32 array, in place (see _MishNorm)."""
    import numpy

    n = numpy.minimum(Y, MISH_THRESHOLD)
    numpy.exp(n, out=n)
    t = n + 2.0
    n *= t  # e^x (e^x + 2)
    numpy.add(n, 2.0, out=t)
    n /= t
    Y *= n
    return Y


class _Residual(_Fused):
    @staticmethod
    def infer(model, X):
        Y, _ = model.layers[0](X, False)
        # Y is the fused block's own new array (thinc's residual allocates X + Y)
        if hasattr(Y, "lengths"):  # a Ragged batch (kg's document-window encoders)
            Y.data += X.data
        else:
            Y += X
        return Y


class _HashEmbed(_Fused):
    """thinc's HashEmbed at inference with each distinct id of the batch hashed and its rows
    summed once, then copied to its tokens (a batch of 2,000 characters has about 700
    distinct characters): the same sums, in the same order."""

    @staticmethod
    def infer(model, ids):
        import numpy

        vectors = model.get_param("E")
        if len(ids) == 0:
            return model.ops.alloc2f(0, vectors.shape[1], dtype=vectors.dtype)
        ids = model.ops.as_contig(ids, dtype="uint64")
        distinct, where = numpy.unique(ids, return_inverse=True)
        keys = model.ops.hash(distinct, model.attrs["seed"]) % vectors.shape[0]
        return model.ops.gather_add(vectors, keys).take(where.reshape(-1), axis=0)


_FUSED_BLOCKS = {"maxout>>layernorm": _MaxoutNorm, "mish>>layernorm": _MishNorm}
# what follows the window in a residual block whose sum kg adds in place
_FUSED_TAILS = [[form.format(block + ">>dropout")] for block in _FUSED_BLOCKS for form in ("{}", "with_array({})")]


def _hashembed_forward():
    from thinc.layers import hashembed

    return hashembed.forward


def fuse_inference(model) -> int:
    """Give the chain(Maxout, LayerNorm) and chain(Mish, LayerNorm) blocks of a thinc model
    (and the residual blocks around them) and its HashEmbed tables kg's inference forwards;
    returns how many nodes changed. Only models on numpy (CPU) ops; KG_FUSED=0 leaves every
    model as thinc builds it."""
    from thinc.api import NumpyOps

    if os.environ.get("KG_FUSED", "").strip() == "0" or not isinstance(model.ops, NumpyOps):
        return 0
    fused = set()
    for node in model.walk():
        if getattr(node._func, "kg_fused", False):
            return 0  # done before
        if node.name == "hashembed" and node._func is _hashembed_forward():  # thinc's own layer
            node._func = _HashEmbed(node._func)
            fused.add(id(node))
            continue
        kind = _FUSED_BLOCKS.get(node.name)
        if kind is not None and [layer.name for layer in node.layers] == node.name.split(">>"):
            node._func = kind(node._func)
            fused.add(id(node))
    changed = len(fused)
    for node in model.walk():
        if node.name.startswith("residual(") and len(node.layers) == 1:
            inner = [layer for layer in node.layers[0].walk() if id(layer) in fused]
            tail = node.layers[0].layers[1:] if node.layers[0].name.startswith("expand_window>>") else []
            if inner and [layer.name for layer in tail] in _FUSED_TAILS:
                node._func = _Residual(node._func)
                changed += 1
    return changed
