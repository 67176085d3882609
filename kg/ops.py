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
    """thinc NumpyOps with the chosen matrix-product backend."""
    from thinc.api import NumpyOps

    return NumpyOps(use_blis=(backend or gemm_backend()) == "blis")
