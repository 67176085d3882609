"""Where the NER pipeline's time goes: per component, per thinc operation, and the matrix
products' GFLOP/s against this machine's measured single-thread GEMM peak.

    .venv/bin/python bench/profile_ner.py                 # shipped model, People's Daily NER dev
    .venv/bin/python bench/profile_ner.py --model DIR --limit 500

One thread for every library (bench/_threads.py). Operations are timed by running the
pipeline with a thinc NumpyOps subclass whose methods record their own time and, for gemm, the
floating-point operations of each product (2*m*n*k); time outside those methods (Python
glue, the parser's own C loop, which calls BLAS directly) is reported as the rest.
"""
import os  # noqa: F401
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _threads  # noqa: E402,F401

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
from collections import defaultdict  # noqa: E402

import _systems  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data" / "people_daily_ner" / "example.dev"
TOK2VEC_SHARE = 0.60  # the threshold: the tok2vec's GFLOP/s against the measured GEMM peak
TIMED_OPS = ("gemm", "seq2col", "backprop_seq2col", "maxout", "hash", "gather_add", "reduce_sum", "reduce_mean",
             "affine", "relu", "mish", "asarray", "alloc", "as_contig", "layer_norm")


def timed_ops_class(base):
    """A subclass of `base` (a thinc Ops class) whose listed methods add their wall time to
    `stats[name]`, and gemm its FLOPs to `stats['gemm_flop']`."""
    stats = defaultdict(float)

    class TimedOps(base):
        name = base.name

    def wrap(method_name):
        original = getattr(base, method_name)

        def timed(self, *args, **kwargs):
            started = time.perf_counter()
            out = original(self, *args, **kwargs)
            stats[method_name] += time.perf_counter() - started
            if method_name == "gemm":
                x, y = args[0], args[1]
                m, k = (x.shape[1], x.shape[0]) if kwargs.get("trans1") else x.shape
                n = y.shape[0] if kwargs.get("trans2") else y.shape[1]
                stats["gemm_flop"] += 2.0 * m * n * k
            return out

        return timed

    for method_name in TIMED_OPS:
        if hasattr(base, method_name):
            setattr(TimedOps, method_name, wrap(method_name))
    return TimedOps, stats


def gemm_peak(m: int = 20000, k: int = 480, n: int = 288, repeat: int = 5) -> dict:
    """Single-thread float32 GEMM of the tok2vec's shape through numpy (its BLAS) and blis."""
    import blis.py
    import numpy

    rng = numpy.random.default_rng(0)
    a = rng.standard_normal((m, k), dtype=numpy.float32)
    b = rng.standard_normal((k, n), dtype=numpy.float32)
    flop = 2.0 * m * n * k
    out = {}
    for name, fn in (("numpy", lambda: a @ b), ("blis", lambda: blis.py.gemm(a, b))):
        fn()
        best = min(_timed(fn) for _ in range(repeat))
        out[name] = round(flop / best / 1e9, 1)
    return out


def tok2vec_shape(nlp) -> tuple[int, int]:
    """(k, n) of the tok2vec's encoder product: window x width inputs, width x pieces outputs."""
    encode = nlp.config["components"]["tok2vec"]["model"]["encode"]
    width = int(encode["width"])
    return width * (2 * int(encode.get("window_size", 1)) + 1), width * int(encode.get("maxout_pieces", 1))


def _timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=None, help="pipeline path (default: kg's shipped model)")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)

    import spacy
    from thinc.api import set_current_ops

    from kg.ops import fast_single_thread_blas, gemm_backend, ops_class

    fast_single_thread_blas()  # OpenBLAS started with one thread runs at a fraction of its speed until then

    from kg import components  # noqa: F401
    from kg.clean import normalize_chars
    from kg.corpora import read_bio
    from kg.nlp import model_path, speed_up

    texts = [normalize_chars(r.text) for r in read_bio(args.data)]
    if args.limit:
        texts = texts[: args.limit]
    chars = sum(map(len, texts))
    TimedOps, stats = timed_ops_class(ops_class())  # kg's ops, as kg.nlp.make_ops gives
    set_current_ops(TimedOps(use_blis=gemm_backend() == "blis"))  # the product backend kg.nlp picks
    nlp = spacy.load(model_path(args.model))
    faster = speed_up(nlp)  # as kg.nlp.load_pipeline does

    def run(proc, docs, batch_size=256):
        if hasattr(proc, "pipe"):
            return list(proc.pipe(docs, batch_size=batch_size))
        return [proc(doc) for doc in docs]

    docs = [nlp.make_doc(t) for t in texts[:20]]
    for _, proc in nlp.pipeline:  # warm-up
        docs = run(proc, docs)
    stats.clear()
    components = {}
    started = time.perf_counter()
    docs = [nlp.make_doc(t) for t in texts]
    components["tokenizer"] = time.perf_counter() - started
    for name, proc in nlp.pipeline:
        before = dict(stats)
        started = time.perf_counter()
        docs = run(proc, docs)
        components[name] = time.perf_counter() - started
        stats[f"{name}:ops"] = sum(v for k, v in stats.items() if k in TIMED_OPS) - sum(
            v for k, v in before.items() if k in TIMED_OPS)
        stats[f"{name}:flop"] = stats["gemm_flop"] - before.get("gemm_flop", 0.0)
    total = sum(components.values())
    k, n = tok2vec_shape(nlp)
    peak = gemm_peak(k=k, n=n)
    gemm_gflops = stats["gemm_flop"] / stats["gemm"] / 1e9 if stats["gemm"] else 0.0
    machine = _systems.machine_info()

    print(f"{args.data.name}: {len(texts)} sentences, {chars:,} characters; {machine['cpu_model']}, 1 thread; "
          f"{machine['date']}")
    print(f"pipeline {nlp.meta.get('name')} {nlp.meta.get('version')}: {chars / total:,.0f} chars/s "
          f"(kg.nlp.speed_up: {faster}; products through {gemm_backend()})\n")
    print("| component | seconds | share | thinc ops inside |")
    print("|---|---|---|---|")
    for name, seconds in components.items():
        ops = stats.get(f"{name}:ops", 0.0)
        print(f"| {name} | {seconds:.2f} | {seconds / total:.0%} | {ops:.2f} s |")
    print("\n| operation | seconds | share of pipeline |")
    print("|---|---|---|")
    for name in sorted((k for k in TIMED_OPS if stats.get(k)), key=lambda k: -stats[k]):
        print(f"| {name} | {stats[name]:.2f} | {stats[name] / total:.0%} |")
    print(f"\ngemm: {stats['gemm_flop'] / 1e9:.1f} GFLOP ({stats['gemm_flop'] / chars / 1e6:.2f} MFLOP per character) "
          f"at {gemm_gflops:.1f} GFLOP/s inside thinc's gemm; one-thread peak of the tok2vec's shape (20000 x {k} "
          f"by {k} x {n}) on this machine: "
          f"numpy {peak['numpy']} GFLOP/s, blis {peak['blis']} GFLOP/s")
    if "ner" in nlp.pipe_names and nlp.get_pipe_meta("ner").factory == "ner":
        print("(the transition parser's hidden layer runs in spaCy's own C loop, outside thinc's gemm: it is part of "
              "the ner component's time beyond its ops)")
    best = max(peak.values())
    tok2vec_gflops = stats["tok2vec:flop"] / components["tok2vec"] / 1e9 if components.get("tok2vec") else 0.0
    share = tok2vec_gflops / best if best else 0.0
    print(f"\n{'PASS' if share >= TOK2VEC_SHARE else 'FAIL'}: the whole tok2vec (products, windows, maxout, "
          f"normalisation, embeddings) runs at {tok2vec_gflops:.1f} GFLOP/s = {share:.0%} of the best one-thread "
          f"GEMM peak ({best} GFLOP/s; needs >= {TOK2VEC_SHARE:.0%})")
    if args.json:
        args.json.write_text(json.dumps({"components": components, "ops": {k: stats[k] for k in TIMED_OPS if stats.get(k)},
                                         "gemm_flop": stats["gemm_flop"], "gemm_gflops": gemm_gflops, "peak": peak,
                                         "tok2vec_gflops": tok2vec_gflops, "tok2vec_share_of_peak": share,
                                         "characters": chars, "speed_up": faster, "machine": machine}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
