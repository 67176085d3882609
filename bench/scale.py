"""kg build at 1k / 10k / 50k documents: throughput, parallel speed-up, cache, memory, stage
times, and a jieba.posseg baseline through the same entity and graph code, in one run.

Corpora are generated at bench time into a work folder outside the repository (nothing of
the corpus text is ever written inside it) from People's Daily 1998 sentences:
every sentence is a splice of two real sentences at a comma (first clauses of one, last
clauses of another), unique by kg's own duplicate key, so kg's duplicate-passage removal
keeps them all; 5-15 sentences per document, 1-4 sentences per paragraph, seeded. The
corpus of N documents is the first N documents of one stream, so smaller corpora are
prefixes of larger ones.

Per size, each a separate measured process tree (RSS summed over the process and all its
children, polled every 0.2 s):
  single    kg build --jobs 1 --no-cache            single-process throughput
  full      kg build --jobs J, fresh cache           full build throughput
  rerun     kg build --jobs J, same (warm) cache     cached re-run
  dask      kg build --scheduler local:J, fresh cache  the Dask path (kg/distributed.py) beside
            the pool: J worker processes of a LocalCluster, its scheduling overhead per batch
            from summary.json's `cluster` (skipped with --skip-dask or without dask installed)
  baseline  jieba.posseg + kg's cleaning, entity, graph, HTML and export code, 1 process

    .venv/bin/python bench/scale.py                                   # 1k, 10k, 50k
    .venv/bin/python bench/scale.py --sizes 50,100 --results-dir /tmp/bench-smoke  # smoke test
"""
# Thread caps first (inherited by every subprocess): one BLAS/OpenMP thread per process.
import os  # noqa: F401
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _threads  # noqa: E402,F401

import argparse  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _systems  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
DEFAULT_PD = REPO.parent / "shared" / "data" / "people_daily_1998" / "199801.txt"
DEFAULT_SIZES = (1000, 10000, 50000)
DOCS_PER_FILE = 500
GENERATOR_VERSION = 1
SENTENCE_FINAL = "。！？"
CLOSERS = "”’」』）)】》\"'"
POLL_SECONDS = 0.2
PSS_EVERY_SECONDS = 1.0

# Thresholds of the issue ("fast at any corpus size").
PARALLEL_SPEEDUP_MIN = 1.6  # issue 17: --jobs 2 against --jobs 1, whole process, at 1,000 documents
DASK_VS_POOL_MIN = 0.9  # issue 15: the Dask path's throughput against the process pool's (same jobs)
DASK_SIZE = 10000
CACHE_SPEEDUP_MIN = 20.0
CACHE_SIZE = 10000
RSS_LIMIT_BYTES = 2 * 10**9  # "under 2 GB"
RSS_SIZE = 50000
# "Not growing linearly": the RSS added per 1k documents from the middle to the largest size
# must be at most this share of the RSS added per 1k documents from the smallest to the middle
# size (linear growth gives 1.0), or at most FLAT_MB_PER_1K (flat within noise).
RSS_MARGINAL_SHARE_MAX = 0.5
FLAT_MB_PER_1K = 2.0

STAGE_KEYS = ("analysis", "entities", "graph", "html", "write")
FIT_MIN_DOCS = 1000  # estimates fit start-up cost and growth only from sizes this large


# ---- corpus ------------------------------------------------------------------------------


def _sentence_end(sentence: str) -> str:
    return sentence.rstrip(CLOSERS)[-1:] if sentence.rstrip(CLOSERS) else ""


class SentencePool:
    """Real sentences of People's Daily 1998 (ending in 。！？) and their comma cut points."""

    def __init__(self, path: Path):
        from kg.clean import split_sentences
        from kg.corpora import read_people_daily_1998

        self.sentences: list[str] = []
        for para in read_people_daily_1998(path):
            for start, end in split_sentences(para.text):
                s = para.text[start:end]
                if _sentence_end(s) in SENTENCE_FINAL and len(s) >= 6:
                    self.sentences.append(s)
        self.cuts = [[i + 1 for i, ch in enumerate(s[:-1]) if ch == "，"] for s in self.sentences]
        self.with_commas = [i for i, c in enumerate(self.cuts) if c]
        if not self.with_commas:
            raise SystemExit(f"no usable sentences in {path}")


def generate_documents(pool: SentencePool, n_docs: int, seed: int):
    """Yield (doc_id, text, stats) for n_docs documents; see the module docstring."""
    from kg.clean import normalize_chars, passage_key

    rng = random.Random(seed)
    used: set[str] = set()
    for i in range(n_docs):
        n_sent = rng.randint(5, 15)
        sentences = []
        dups = 0
        for _ in range(n_sent):
            for attempt in range(50):
                a = pool.with_commas[rng.randrange(len(pool.with_commas))]
                b = rng.randrange(len(pool.sentences))
                prefix = pool.sentences[a][: rng.choice(pool.cuts[a])]
                cut_b = rng.choice([0] + pool.cuts[b])
                sentence = prefix + pool.sentences[b][cut_b:]
                key = passage_key(normalize_chars(sentence))
                if key not in used:
                    used.add(key)
                    break
            else:
                dups += 1
            sentences.append(sentence)
        paragraphs, k = [], 0
        while k < len(sentences):
            take = rng.randint(1, 4)
            paragraphs.append("".join(sentences[k : k + take]))
            k += take
        yield f"doc{i:06d}", "\n".join(paragraphs), {"sentences": n_sent, "duplicate_sentences": dups}


def prepare_corpora(workdir: Path, sizes: list[int], pd_path: Path, seed: int) -> dict[int, dict]:
    """Write corpus-N/part-XXXX.jsonl for each size (reused when the manifest matches)."""
    manifests: dict[int, dict] = {}
    todo = []
    for size in sizes:
        folder = workdir / f"corpus-{size}"
        manifest_path = folder / ".manifest.json"
        want = {"size": size, "seed": seed, "generator": GENERATOR_VERSION, "source": str(pd_path)}
        if manifest_path.is_file():
            got = json.loads(manifest_path.read_text())
            if all(got.get(k) == v for k, v in want.items()):
                manifests[size] = got
                continue
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        todo.append(size)
    if not todo:
        return manifests
    started = time.perf_counter()
    pool = SentencePool(pd_path)
    largest = max(todo)
    handles: dict[int, object] = {}
    stats = {size: {"documents": 0, "characters": 0, "sentences": 0, "duplicate_sentences": 0} for size in todo}
    for i, (doc_id, text, st) in enumerate(generate_documents(pool, largest, seed)):
        line = json.dumps({"id": doc_id, "text": text}, ensure_ascii=False) + "\n"
        part = i // DOCS_PER_FILE
        for size in todo:
            if i >= size:
                continue
            if i % DOCS_PER_FILE == 0:
                if size in handles:
                    handles[size].close()
                handles[size] = open(workdir / f"corpus-{size}" / f"part-{part:04d}.jsonl", "w", encoding="utf-8")
            handles[size].write(line)
            s = stats[size]
            s["documents"] += 1
            s["characters"] += len(text)
            s["sentences"] += st["sentences"]
            s["duplicate_sentences"] += st["duplicate_sentences"]
    for h in handles.values():
        h.close()
    seconds = time.perf_counter() - started
    for size in todo:
        manifest = {"size": size, "seed": seed, "generator": GENERATOR_VERSION, "source": str(pd_path),
                    "pool_sentences": len(pool.sentences), "generation_seconds_all_sizes": round(seconds, 2), **stats[size]}
        (workdir / f"corpus-{size}" / ".manifest.json").write_text(json.dumps(manifest, indent=2))
        manifests[size] = manifest
    return manifests


# ---- measured subprocesses ---------------------------------------------------------------


def _kill_tree(proc) -> None:
    """Stop a process this script started, and its children (ours too)."""
    import psutil

    try:
        children = proc.children(recursive=True)
    except psutil.NoSuchProcess:
        children = []
    for p in [proc] + children:
        try:
            p.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs([proc] + children, timeout=10)


def run_measured(cmd: list[str], log_path: Path, env: dict | None = None, timeout: float = 0) -> dict:
    """Run `cmd`, polling the whole process tree: peak of summed RSS (and PSS, every second),
    CPU seconds of the tree, and the CPU other processes on the machine used meanwhile.
    With `timeout` (seconds, 0 = none) the tree is killed when it runs longer."""
    import psutil

    me = psutil.Process()
    own0 = sum(me.cpu_times()[:2])
    busy0 = _systems.busy_cpu_seconds()
    cpu_by_pid: dict[int, float] = {}
    peak_rss = peak_pss = peak_main_rss = 0
    peak_procs = 0
    next_pss = 0.0
    timed_out = False
    started = time.perf_counter()
    with open(log_path, "wb") as log:
        proc = psutil.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
        while True:
            try:
                procs = [proc] + proc.children(recursive=True)
            except psutil.NoSuchProcess:
                procs = []
            now = time.perf_counter()
            want_pss = now >= next_pss
            rss = pss = 0
            for p in procs:
                try:
                    with p.oneshot():
                        mem = p.memory_info()
                        t = p.cpu_times()
                    rss += mem.rss
                    if p.pid == proc.pid:
                        peak_main_rss = max(peak_main_rss, mem.rss)
                    cpu_by_pid[p.pid] = t.user + t.system
                    if want_pss:
                        pss += p.memory_full_info().pss
                except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                    continue
            peak_rss = max(peak_rss, rss)
            peak_procs = max(peak_procs, len(procs))
            if want_pss:
                peak_pss = max(peak_pss, pss)
                next_pss = now + PSS_EVERY_SECONDS
            if proc.poll() is not None:
                break
            if timeout and now - started > timeout:
                _kill_tree(proc)
                timed_out = True
                break
            try:  # returns as soon as the build ends: its wall time is not rounded up to the next poll
                proc.wait(timeout=POLL_SECONDS)
            except psutil.TimeoutExpired:
                pass
        rc = proc.wait()
    wall = time.perf_counter() - started
    tree_cpu = sum(cpu_by_pid.values())
    own = sum(me.cpu_times()[:2]) - own0
    other = max(0.0, _systems.busy_cpu_seconds() - busy0 - tree_cpu - own)
    return {"rc": rc, "timed_out": timed_out, "wall_seconds": round(wall, 3), "peak_rss_bytes": peak_rss, "peak_pss_bytes": peak_pss,
            "peak_main_rss_bytes": peak_main_rss, "max_processes": peak_procs, "cpu_seconds": round(tree_cpu, 2),
            "other_processes_cores": round(other / wall, 2) if wall else 0.0, "log": str(log_path)}


def kg_command() -> list[str]:
    exe = Path(sys.executable).parent / "kg"
    return [str(exe)] if exe.is_file() else [sys.executable, "-m", "kg.cli"]


def kg_build(corpus: Path, out: Path, jobs: int, cache: Path | None, log: Path, timeout: float = 0,
             scheduler: str | None = None) -> dict:
    if out.exists():
        shutil.rmtree(out)
    cmd = kg_command() + ["build", str(corpus), "--out", str(out), "--jobs", str(jobs), "--quiet"]
    cmd += ["--scheduler", scheduler] if scheduler else []
    cmd += ["--cache-dir", str(cache)] if cache else ["--no-cache"]
    result = run_measured(cmd, log, timeout=timeout)
    result["command"] = " ".join(cmd)
    if result["timed_out"]:
        return result
    summary_path = out / "summary.json"
    if result["rc"] != 0 or not summary_path.is_file():
        tail = Path(log).read_text(encoding="utf-8", errors="replace")[-2000:]
        raise SystemExit(f"kg build failed (exit {result['rc']}): {' '.join(cmd)}\n{tail}")
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    result["summary"] = {k: summary.get(k) for k in ("documents", "characters", "duplicate_passages_dropped", "entities",
                                                      "edges", "relations", "cache_hits", "cache_misses", "seconds",
                                                      "jobs", "model", "kg_version")}
    result["summary"]["skipped"] = len(summary.get("skipped") or [])
    result["timings"] = summary.get("timings") or {}
    if summary.get("cluster"):
        result["cluster"] = summary["cluster"]
    chars = summary.get("characters") or 0
    result["chars_per_second"] = round(chars / result["wall_seconds"]) if result["wall_seconds"] else None
    sec = summary.get("seconds") or 0
    result["chars_per_second_build"] = round(chars / sec) if sec else None
    return result


def self_command(*args: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), *args]


def worker_run(args: list[str], result_json: Path, log: Path, timeout: float = 0) -> dict:
    if result_json.exists():
        result_json.unlink()
    measured = run_measured(self_command(*args, "--result-json", str(result_json)), log, timeout=timeout)
    if measured["timed_out"]:
        return measured
    if measured["rc"] != 0 or not result_json.is_file():
        tail = Path(log).read_text(encoding="utf-8", errors="replace")[-2000:]
        raise SystemExit(f"worker failed (exit {measured['rc']}): {args}\n{tail}")
    measured.update(json.loads(result_json.read_text(encoding="utf-8")))
    return measured


# ---- workers (run as subprocesses of this script) ----------------------------------------


def _jieba_analysis(posseg, clean, merge_nr: bool):
    from kg.types import DocAnalysis, Mention

    mentions = []
    for index, sentence in enumerate(clean.sentences):
        text = clean.text[sentence.start : sentence.end]
        for start, end, label in _systems.jieba_spans(posseg, text, merge_nr):
            s, e = sentence.start + start, sentence.start + end
            mentions.append(Mention(s, e, clean.text[s:e], label, index))
    return DocAnalysis(doc_id=clean.id, text=clean.text, sentences=list(clean.sentences), mentions=mentions,
                       title=clean.title, dropped_passages=clean.dropped_passages)


def _finish(facts, out_dir: Path | None, timings: dict, write: bool = True) -> dict:
    """entities (resolve), graph, html, write: kg's own code, timed stage by stage."""
    from kg.entities import resolve
    from kg.export import FORMATS, render_files, write_outputs
    from kg.graph import GraphOptions, build_graph
    from kg.render import render_html_text

    t = time.perf_counter()
    resolution = resolve(facts)
    timings["resolve"] = time.perf_counter() - t
    timings["entities"] = timings.get("document_facts", 0.0) + timings["resolve"]
    t = time.perf_counter()
    graph = build_graph(resolution, GraphOptions())
    timings["graph"] = time.perf_counter() - t
    t = time.perf_counter()
    html, _info = render_html_text(graph, max_nodes=300)
    timings["html"] = time.perf_counter() - t
    t = time.perf_counter()
    files = render_files(graph, resolution, FORMATS)
    files["graph.html"] = html.encode("utf-8")
    if write and out_dir is not None:
        write_outputs(out_dir, files)
    timings["write"] = time.perf_counter() - t
    return {"entities": graph.number_of_nodes(), "edges": graph.number_of_edges()}


def baseline_worker(corpus: Path, out_dir: Path, result_json: Path, merge_nr: bool) -> None:
    """jieba.posseg instead of kg's model; everything else is kg's code, as in kg build."""
    started = time.perf_counter()
    from kg.build import BuildSummary, clean_documents
    from kg.cache import FactSpill
    from kg.entities import document_facts

    posseg = _systems.load_jieba()
    load = time.perf_counter() - started
    summary, skipped, facts = BuildSummary(), [], FactSpill()  # as kg build: facts wait on disk
    timings = {"load": load, "analysis": 0.0, "document_facts": 0.0}
    loop_started = time.perf_counter()
    for clean in clean_documents([str(corpus)], skipped, summary):  # ingest + clean happen while iterating
        t1 = time.perf_counter()
        analysis = _jieba_analysis(posseg, clean, merge_nr)
        t2 = time.perf_counter()
        facts.append(document_facts(analysis))
        timings["analysis"] += t2 - t1
        timings["document_facts"] += time.perf_counter() - t2
    # ingest + clean = loop time not spent in jieba or in document_facts
    timings["ingest_clean"] = time.perf_counter() - loop_started - timings["analysis"] - timings["document_facts"]
    counts = _finish(facts, out_dir, timings)
    total = time.perf_counter() - started
    result = {"documents": summary.documents, "characters": summary.characters,
              "duplicate_passages_dropped": summary.duplicate_passages_dropped, "skipped": len(skipped),
              "seconds": round(total, 3), "timings": {k: round(v, 3) for k, v in timings.items()},
              "jieba": _systems.jieba_version(), "merge_nr": merge_nr, **counts}
    result_json.write_text(json.dumps(result))


def stages_worker(corpus: Path, cache_dir: Path, result_json: Path) -> None:
    """Per-stage times of kg's build from a warm cache, for when summary.json has no `timings`."""
    started = time.perf_counter()
    from kg.build import BuildSummary, StageTimer, clean_documents, facts_with_cache
    from kg.cache import AnalysisCache, FactSpill

    summary, skipped, facts = BuildSummary(), [], FactSpill()
    cache = AnalysisCache(cache_dir)
    timer = StageTimer()
    try:
        t0 = time.perf_counter()
        facts.extend(facts_with_cache(clean_documents([str(corpus)], skipped, summary), None, 1, cache, summary, timer))
        timings = {"document_facts": timer.seconds.get("document_facts", 0.0)}
        timings["analysis_cached"] = time.perf_counter() - t0 - timings["document_facts"]
    finally:
        cache.close()
    counts = _finish(facts, None, timings, write=False)
    # render the other formats too (the write stage without touching the disk)
    result = {"documents": summary.documents, "cache_hits": summary.cache_hits, "cache_misses": summary.cache_misses,
              "seconds": round(time.perf_counter() - started, 3), "timings": {k: round(v, 3) for k, v in timings.items()},
              "source": "measured separately from a warm cache (summary.json had no timings)", **counts}
    result_json.write_text(json.dumps(result))


# ---- report ------------------------------------------------------------------------------


RUNS = ("single", "full", "rerun", "dask", "baseline")


def _mb(b) -> str:
    return f"{b / 2**20:,.0f}" if b else "-"


def _fmt(x, spec=",.0f") -> str:
    return "-" if x is None else format(x, spec)


def _done(run: dict | None) -> bool:
    return bool(run) and not run.get("timed_out")


def stage_times(size_result: dict) -> dict:
    t = (size_result.get("full") or {}).get("timings") or {}
    if t:
        return {"source": "summary.json `timings` of the full build", **t}
    s = size_result.get("stages") or {}
    if _done(s):
        return {"source": "separate warm-cache run (summary.json has no `timings`); analysis = cached", **s["timings"],
                "analysis": s["timings"].get("analysis_cached")}
    return {}


def markdown(results: dict) -> str:
    m = results["machine"]
    lines = [
        f"Machine: {m['nproc']} cores ({m['cpu_model']}), {m['memory_gib']} GiB RAM; {m['date']}; kg --jobs "
        f"{results['jobs']} for full and rerun; one BLAS thread per process. chars/s = characters / wall time of the "
        "whole command. Peak RSS: summed over the process tree (parent, forkserver, workers), polled every 0.2 s; "
        "PSS in brackets (shared pages counted once).",
        "",
        f"Corpus: generated at bench time from People's Daily 1998 sentences spliced at a comma (seed {results['seed']}), "
        "5-15 sentences per document; see bench/README.md.",
        "",
        "| docs | chars | run | wall s | chars/s | peak RSS MB [PSS] | cache hits | notes |",
        "|---:|---:|---|---:|---:|---:|---:|---|",
    ]
    notes = {"single": "kg --jobs 1 --no-cache", "full": f"kg --jobs {results['jobs']}, fresh cache",
             "rerun": f"kg --jobs {results['jobs']}, warm cache", "baseline": "jieba.posseg + kg's entity/graph/html/export code",
             "dask": f"kg --scheduler local:{results['jobs']}, fresh cache"}
    for size in results["sizes"]:
        r = results["results"][str(size)]
        chars = r["corpus"]["characters"]
        for name in RUNS:
            run = r.get(name)
            if not run:
                continue
            note = [notes[name]]
            docs = run.get("summary", run).get("documents")
            if docs is not None and docs != r["corpus"]["documents"]:
                note.append(f"{docs} of {r['corpus']['documents']} docs kept")
            if run.get("timed_out"):
                note.append("TIMED OUT, killed")
            if run.get("other_processes_cores", 0) > 0.25:
                note.append(f"busy machine: others used {run['other_processes_cores']} cores")
            hits = run.get("summary", {}).get("cache_hits") if name in ("full", "rerun", "dask") else None
            if run.get("cluster"):
                c = run["cluster"]
                note.append(f"{c['batches']} batches, {c['overhead_per_batch_seconds'] * 1000:,.0f} ms overhead per batch")
            wall = f"{'> ' if run.get('timed_out') else ''}{run['wall_seconds']:,.1f}"
            lines.append(f"| {size:,} | {chars:,} | {name} | {wall} | {_fmt(run.get('chars_per_second'))} | "
                         f"{_mb(run['peak_rss_bytes'])} [{_mb(run['peak_pss_bytes'])}] | {_fmt(hits, ',')} | "
                         f"{'; '.join(note)} |")
    lines += ["", "Stage times in seconds (entities = document_facts + resolve):", "",
              "| docs | system | analysis | document_facts | resolve | entities | graph | html | write | source |",
              "|---:|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for size in results["sizes"]:
        r = results["results"][str(size)]
        st = stage_times(r)
        if st:
            lines.append(f"| {size:,} | kg | " + " | ".join(_fmt(st.get(k), ".2f") for k in (
                "analysis", "document_facts", "resolve", "entities", "graph", "html", "write")) + f" | {st['source']} |")
        b = r.get("baseline")
        if _done(b):
            t = dict(b["timings"])
            t["analysis"] = t.get("analysis", 0) + t.get("ingest_clean", 0)
            lines.append(f"| {size:,} | jieba baseline | " + " | ".join(_fmt(t.get(k), ".2f") for k in (
                "analysis", "document_facts", "resolve", "entities", "graph", "html", "write"))
                + " | baseline worker (analysis = ingest + clean + jieba) |")
    lines += ["", *results["checks"]]
    return "\n".join(lines)


def _pair(single: dict, full: dict) -> dict:
    """One interleaved single/full pair: the two throughputs and their ratio."""
    a, b = single["chars_per_second"], full["chars_per_second"]
    return {"single_chars_per_second": a, "full_chars_per_second": b, "single_seconds": single.get("wall_seconds"),
            "full_seconds": full.get("wall_seconds"), "ratio": round(b / a, 4) if a else 0.0}


def threshold_checks(results: dict) -> list[str]:
    out = []
    sizes = results["sizes"]
    res = {s: results["results"][str(s)] for s in sizes}
    # 1. parallel speed-up
    both = [s for s in sizes if res[s].get("single") and res[s].get("full")]
    for s in both:
        a, b = res[s]["single"], res[s]["full"]
        primary = "" if s == max(both) else "(info) "
        if not (_done(a) and _done(b)):
            out.append(f"FAIL: {primary}speed-up at {s:,} docs not measured: a run timed out")
            continue
        ratio = b["chars_per_second"] / a["chars_per_second"] if a["chars_per_second"] else 0.0
        pairs = res[s].get("pairs") or []
        if len(pairs) > 1:
            ratio = statistics.median(p["ratio"] for p in pairs)
            each = ", ".join(f"x{p['ratio']:.2f}" for p in pairs)
            out.append(f"{'PASS' if ratio >= PARALLEL_SPEEDUP_MIN else 'FAIL'}: {primary}full build "
                       f"throughput / single-process at {s:,} docs, median of {len(pairs)} interleaved pairs = "
                       f"x{ratio:.2f} ({each}; needs >= {PARALLEL_SPEEDUP_MIN}, {results['jobs']} jobs)")
            continue
        out.append(f"{'PASS' if ratio >= PARALLEL_SPEEDUP_MIN else 'FAIL'}: {primary}full build "
                   f"throughput / single-process at {s:,} docs = {b['chars_per_second']:,} / {a['chars_per_second']:,} "
                   f"chars/s = x{ratio:.2f} (needs >= {PARALLEL_SPEEDUP_MIN}, {results['jobs']} jobs)")
    if not both:
        out.append("SKIP: parallel speed-up (no size has both single and full runs)")
    # 1b. the Dask path beside the pool (issue 15)
    with_dask = [s for s in sizes if res[s].get("dask") and res[s].get("full")]
    for s in with_dask:
        pool, dask = res[s]["full"], res[s]["dask"]
        primary = "" if s == (DASK_SIZE if DASK_SIZE in with_dask else max(with_dask)) else "(info) "
        if not (_done(pool) and _done(dask)):
            out.append(f"FAIL: {primary}Dask path at {s:,} docs not measured: a run timed out")
            continue
        ratio = dask["chars_per_second"] / pool["chars_per_second"] if pool["chars_per_second"] else 0.0
        c = dask.get("cluster") or {}
        docs = c.get("documents") or 0
        per_doc = c.get("overhead_per_batch_seconds", 0) * c.get("batches", 0) / docs * 1000 if docs else 0.0
        out.append(f"{'PASS' if ratio >= DASK_VS_POOL_MIN else 'FAIL'}: {primary}Dask LocalCluster throughput / process "
                   f"pool at {s:,} docs = {dask['chars_per_second']:,} / {pool['chars_per_second']:,} chars/s = "
                   f"x{ratio:.2f} (needs >= {DASK_VS_POOL_MIN}, {results['jobs']} workers); {c.get('batches', 0)} "
                   f"batches of up to {c.get('batch_documents', '?')} documents, scheduling overhead "
                   f"{c.get('overhead_per_batch_seconds', 0) * 1000:,.0f} ms per batch ({per_doc:.1f} ms per document; "
                   f"worker time in batches {c.get('task_seconds', 0):,.1f} s, model loads {c.get('load_seconds', 0):.1f} s, "
                   f"cluster start {c.get('startup_seconds', 0):.1f} s)")
    # 2. cached re-run
    cache_size = CACHE_SIZE if CACHE_SIZE in sizes else max(sizes)
    label = "" if cache_size == CACHE_SIZE else f" [threshold is defined at {CACHE_SIZE:,}; measured at {cache_size:,}]"
    full, rerun = res[cache_size].get("full"), res[cache_size].get("rerun")
    if _done(full) and _done(rerun):
        ratio = full["wall_seconds"] / rerun["wall_seconds"]
        out.append(f"{'PASS' if ratio >= CACHE_SPEEDUP_MIN else 'FAIL'}: cached re-run at {cache_size:,} docs is "
                   f"x{ratio:.1f} faster ({full['wall_seconds']:.1f} s -> {rerun['wall_seconds']:.1f} s wall; "
                   f"{rerun['summary']['cache_hits']}/{rerun['summary']['documents']} cache hits; "
                   f"needs >= {CACHE_SPEEDUP_MIN:g}){label}")
    else:
        out.append(f"FAIL: cached re-run at {cache_size:,} docs not measured: a run timed out{label}")

    # 3. peak RSS at the largest size
    def kg_peak(s):
        return max((res[s][n]["peak_rss_bytes"] for n in ("single", "full", "rerun") if res[s].get(n)), default=0)  # the pool's

    rss_size = RSS_SIZE if RSS_SIZE in sizes else max(sizes)
    peak = kg_peak(rss_size)
    label = "" if rss_size == RSS_SIZE else f" [threshold is defined at {RSS_SIZE:,}; measured at {rss_size:,}]"
    partial = any(r.get("timed_out") for n in ("single", "full", "rerun") if (r := res[rss_size].get(n)))
    out.append(f"{'PASS' if peak < RSS_LIMIT_BYTES and not partial else 'FAIL'}: peak RSS (max of kg runs, summed over "
               f"the process tree) at {rss_size:,} docs = {peak / 1e9:.2f} GB (needs < {RSS_LIMIT_BYTES / 1e9:g} GB)"
               f"{' - a run timed out, so this is a lower bound' if partial else ''}{label}")
    # 4. growth
    if len(sizes) >= 3:
        s1, s2, s3 = sizes[0], sizes[len(sizes) // 2], sizes[-1]
        r1, r2, r3 = kg_peak(s1), kg_peak(s2), kg_peak(s3)
        m1 = (r2 - r1) / ((s2 - s1) / 1000) / 2**20
        m2 = (r3 - r2) / ((s3 - s2) / 1000) / 2**20
        ok = (m2 <= FLAT_MB_PER_1K or (m1 > 0 and m2 <= RSS_MARGINAL_SHARE_MAX * m1)) and not partial
        out.append(f"{'PASS' if ok else 'FAIL'}: RSS growth {s1:,}/{s2:,}/{s3:,} docs = {_mb(r1)}/{_mb(r2)}/{_mb(r3)} MB: "
                   f"{m1:+.1f} MB per 1k docs up to {s2:,}, {m2:+.1f} MB per 1k docs beyond (needs <= "
                   f"{RSS_MARGINAL_SHARE_MAX:g} x the first, or <= {FLAT_MB_PER_1K:g} MB per 1k docs; linear growth = 1 x)"
                   f"{' - a run at the largest size timed out' if partial else ''}")
    else:
        out.append("SKIP: RSS growth (needs 3 sizes)")
    # baseline comparison (information)
    for s in sizes:
        b, f = res[s].get("baseline"), res[s].get("full")
        if _done(b) and _done(f):
            out.append(f"INFO: {s:,} docs: kg full build {f['chars_per_second']:,} chars/s, peak RSS {_mb(f['peak_rss_bytes'])} MB; "
                       f"jieba baseline {b['chars_per_second']:,} chars/s, peak RSS {_mb(b['peak_rss_bytes'])} MB")
        st = stage_times(res[s])
        if st and st.get("resolve") is not None and _done(f) and st["resolve"] > 0.3 * f["wall_seconds"]:
            out.append(f"INFO: {s:,} docs: kg.entities.resolve took {st['resolve']:.1f} s, "
                       f"{st['resolve'] / f['wall_seconds']:.0%} of the full build's wall time")
    for s in sizes:
        for name in RUNS + ("stages",):
            run = res[s].get(name)
            if run and run.get("other_processes_cores", 0) > 0.25:
                out.append(f"WARNING: other processes used {run['other_processes_cores']} cores on average during {name} "
                           f"at {s:,} docs: its times are not reliable")
    return out


def extrapolate(points: list[tuple[int, float]], size: int) -> tuple[float, float, float]:
    """(seconds at `size`, fixed seconds, exponent). Fixed start-up cost from a least-squares
    line through all sizes (clamped to [0, smallest time]); the rest follows a power law
    through the largest size, its exponent from the two largest sizes clamped to [1, 3]
    (never better than linear, so a super-linear stage shows)."""
    import math

    points = sorted(points)
    n2, t2 = points[-1]
    fixed = 0.0
    if len(points) >= 2 and points[-2][0] < FIT_MIN_DOCS:
        return t2 * size / n2, 0.0, 1.0  # too small to fit: proportional (start-up scales too: an upper bound)
    if len(points) >= 2:
        xs, ys = zip(*points)
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        sxx = sum((x - mx) ** 2 for x in xs)
        slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else 0.0
        fixed = min(max(0.0, my - slope * mx), min(ys))
    k = 1.0
    if len(points) >= 2:
        n1, t1 = points[-2]
        v1, v2 = t1 - fixed, t2 - fixed
        if v1 > 0 and v2 > 0 and n2 > n1:
            k = min(3.0, max(1.0, math.log(v2 / v1) / math.log(n2 / n1)))
    return fixed + (t2 - fixed) * (size / n2) ** k, fixed, k


def estimate(results: dict, target_sizes: list[int]) -> list[str]:
    sizes = results["sizes"]
    per_run: dict[str, list[tuple[int, float]]] = {}
    for s in sizes:
        r = results["results"][str(s)]
        for name in RUNS + ("stages",):
            if _done(r.get(name)):
                per_run.setdefault(name, []).append((s, r[name]["wall_seconds"]))
    if not per_run:
        return []
    biggest = max(sizes)
    lines = ["ESTIMATE: at {:,} docs, wall seconds per 1k documents (start-up included): ".format(biggest) + ", ".join(
        f"{name} {dict(pts)[biggest] / biggest * 1000:.1f}" for name, pts in per_run.items() if biggest in dict(pts))]
    fits = {name: extrapolate(pts, biggest) for name, pts in per_run.items()}
    lines.append("ESTIMATE: fitted start-up seconds and growth exponents (1 = linear): "
                 + ", ".join(f"{name} {f[1]:.1f} s / {f[2]:.2f}" for name, f in fits.items()))
    total = upper = 0.0
    for size in target_sizes:
        parts = {name: extrapolate(pts, size)[0] for name, pts in per_run.items()}
        prop = sum(dict(pts)[max(dict(pts))] * size / max(dict(pts)) for pts in per_run.values())
        sub = sum(parts.values())
        total += sub
        upper += prop
        lines.append(f"ESTIMATE: {size:,} docs: about {sub / 60:,.0f} min for all runs ("
                     + ", ".join(f"{n} {t / 60:,.1f}" for n, t in parts.items())
                     + f" min); {prop / 60:,.0f} min if start-up scaled too")
    lines.append(f"ESTIMATE: sizes {','.join(map(str, target_sizes))}: about {total / 60:,.0f} min in all "
                 f"({upper / 60:,.0f} min scaling this run's per-1k times); from this run's times, so a busy machine "
                 "overstates them and small sizes make the fit uncertain")
    return lines


def _inside_repo(path: Path) -> bool:
    try:
        path.resolve().relative_to(REPO)
        return True
    except ValueError:
        return False


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)), help="document counts (default 1000,10000,50000)")
    parser.add_argument("--jobs", type=int, default=2, help="kg --jobs for the full build and the re-run (default 2)")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="corpora, caches and outputs (outside the repository; default a temp folder, removed after)")
    parser.add_argument("--keep", action="store_true", help="keep the temp work folder")
    parser.add_argument("--seed", type=int, default=1998)
    parser.add_argument("--data", type=Path, default=DEFAULT_PD, help="People's Daily 1998 (199801.txt)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="single/full pairs per size, interleaved; the speed-up check takes their median (default 1)")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--skip-dask", action="store_true", help="no `kg build --scheduler local:J` run")
    parser.add_argument("--skip-single-above", type=int, default=0,
                        help="skip the --jobs 1 run for sizes above N (saves time; the speed-up is then checked at "
                             "the largest size that has it)")
    parser.add_argument("--stage-timings", choices=("auto", "always", "never"), default="auto",
                        help="separate warm-cache run to time kg's entity/graph/html stages: auto = only when "
                             "summary.json has no `timings`")
    parser.add_argument("--run-timeout", type=float, default=3600,
                        help="kill any one measured run after this many seconds and report it as timed out "
                             "(default 3600; 0 = no limit)")
    parser.add_argument("--no-merge-nr", action="store_true", help="baseline: keep consecutive jieba nr words apart")
    parser.add_argument("--results-dir", type=Path, default=REPO / "bench" / "results")
    parser.add_argument("--readme", action="store_true", help="write the results table into bench/README.md")
    parser.add_argument("--estimate-sizes", default=",".join(map(str, DEFAULT_SIZES)),
                        help="sizes to estimate the full run time for from this run")
    # internal: workers
    parser.add_argument("--baseline-worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--stages-worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--cache-dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out-dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result-json", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.baseline_worker:
        baseline_worker(args.baseline_worker, args.out_dir, args.result_json, not args.no_merge_nr)
        return 0
    if args.stages_worker:
        stages_worker(args.stages_worker, args.cache_dir, args.result_json)
        return 0

    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    if not sizes or min(sizes) < 1:
        parser.error("--sizes needs positive integers")
    try:
        import psutil  # noqa: F401
    except ImportError:
        parser.error("psutil is needed: .venv/bin/pip install psutil")

    import importlib.util

    dask = not args.skip_dask and importlib.util.find_spec("distributed") is not None
    if not args.skip_dask and not dask:
        print("[scale] dask not installed (pip install 'kg[dask]'): no Dask run", file=sys.stderr)
    temp = args.workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="kg-bench-")) if temp else args.workdir
    if _inside_repo(workdir):
        parser.error(f"--workdir {workdir} is inside the repository: corpus text must stay outside it")
    workdir.mkdir(parents=True, exist_ok=True)
    logs = workdir / "logs"
    logs.mkdir(exist_ok=True)

    def say(msg: str) -> None:
        print(f"[scale {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)

    machine = _systems.machine_info()
    results = {"sizes": sizes, "jobs": args.jobs, "seed": args.seed, "machine": machine, "workdir": str(workdir),
               "thresholds": {"parallel_speedup_min": PARALLEL_SPEEDUP_MIN, "cache_speedup_min": CACHE_SPEEDUP_MIN,
                              "cache_size": CACHE_SIZE, "rss_limit_bytes": RSS_LIMIT_BYTES, "rss_size": RSS_SIZE,
                              "rss_marginal_share_max": RSS_MARGINAL_SHARE_MAX, "flat_mb_per_1k": FLAT_MB_PER_1K,
                              "dask_vs_pool_min": DASK_VS_POOL_MIN, "dask_size": DASK_SIZE},
               "results": {}}
    bench_started = time.perf_counter()
    tmo = args.run_timeout
    try:
        say(f"generating corpora {sizes} in {workdir}")
        t = time.perf_counter()
        manifests = prepare_corpora(workdir, sizes, args.data, args.seed)
        results["generation_seconds"] = round(time.perf_counter() - t, 2)
        for size in sizes:
            corpus = workdir / f"corpus-{size}"
            r = results["results"][str(size)] = {"corpus": manifests[size]}
            say(f"{size} docs, {manifests[size]['characters']:,} chars")
            if not (args.skip_single_above and size > args.skip_single_above):
                say("  kg build --jobs 1 --no-cache")
                r["single"] = kg_build(corpus, workdir / f"out-{size}-single", 1, None, logs / f"{size}-single.log", tmo)
                shutil.rmtree(workdir / f"out-{size}-single", ignore_errors=True)
            cache = workdir / f"cache-{size}"
            shutil.rmtree(cache, ignore_errors=True)
            say(f"  kg build --jobs {args.jobs} (fresh cache)")
            r["full"] = kg_build(corpus, workdir / f"out-{size}-full", args.jobs, cache, logs / f"{size}-full.log", tmo)
            if args.repeat > 1 and r.get("single") and _done(r["single"]) and _done(r["full"]):
                # more single/full pairs, interleaved: the ratio is the pairs' median (this
                # kind of machine drifts by about 10% within minutes)
                r["pairs"] = [_pair(r["single"], r["full"])]
                for i in range(2, args.repeat + 1):
                    say(f"  pair {i} of {args.repeat}: kg build --jobs 1 --no-cache, --jobs {args.jobs} (fresh cache)")
                    one = kg_build(corpus, workdir / f"out-{size}-single", 1, None, logs / f"{size}-single-{i}.log", tmo)
                    shutil.rmtree(workdir / f"out-{size}-single", ignore_errors=True)
                    fresh = workdir / f"cache-{size}-{i}"
                    shutil.rmtree(fresh, ignore_errors=True)
                    two = kg_build(corpus, workdir / f"out-{size}-full-{i}", args.jobs, fresh, logs / f"{size}-full-{i}.log",
                                   tmo)
                    shutil.rmtree(workdir / f"out-{size}-full-{i}", ignore_errors=True)
                    shutil.rmtree(fresh, ignore_errors=True)
                    if _done(one) and _done(two):
                        r["pairs"].append(_pair(one, two))
            say(f"  kg build --jobs {args.jobs} (warm cache)")
            r["rerun"] = kg_build(corpus, workdir / f"out-{size}-rerun", args.jobs, cache, logs / f"{size}-rerun.log", tmo)
            shutil.rmtree(workdir / f"out-{size}-full", ignore_errors=True)
            shutil.rmtree(workdir / f"out-{size}-rerun", ignore_errors=True)
            if dask:
                dask_cache = workdir / f"cache-{size}-dask"
                shutil.rmtree(dask_cache, ignore_errors=True)
                say(f"  kg build --scheduler local:{args.jobs} (fresh cache)")
                r["dask"] = kg_build(corpus, workdir / f"out-{size}-dask", args.jobs, dask_cache, logs / f"{size}-dask.log",
                                     tmo, scheduler=f"local:{args.jobs}")
                shutil.rmtree(workdir / f"out-{size}-dask", ignore_errors=True)
                shutil.rmtree(dask_cache, ignore_errors=True)
            if args.stage_timings == "always" or (args.stage_timings == "auto" and not r["full"].get("timings")):
                say("  kg stage timings from the warm cache")
                r["stages"] = worker_run(["--stages-worker", str(corpus), "--cache-dir", str(cache)],
                                         workdir / f"stages-{size}.json", logs / f"{size}-stages.log", tmo)
            shutil.rmtree(cache, ignore_errors=True)
            if not args.skip_baseline:
                say("  baseline: jieba.posseg + kg entity/graph code")
                out = workdir / f"out-{size}-baseline"
                b = worker_run(["--baseline-worker", str(corpus), "--out-dir", str(out)]
                               + (["--no-merge-nr"] if args.no_merge_nr else []),
                               workdir / f"baseline-{size}.json", logs / f"{size}-baseline.log", tmo)
                if _done(b):
                    b["chars_per_second"] = round(b["characters"] / b["wall_seconds"]) if b["wall_seconds"] else None
                r["baseline"] = b
                shutil.rmtree(out, ignore_errors=True)
            for name in RUNS + ("stages",):
                if (r.get(name) or {}).get("timed_out"):
                    say(f"  {name} timed out after {tmo:.0f} s")
            # partial results survive an interrupted bench
            args.results_dir.mkdir(parents=True, exist_ok=True)
            (args.results_dir / "scale.partial.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))
    finally:
        if temp and not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    results["bench_seconds"] = round(time.perf_counter() - bench_started, 1)
    results["checks"] = threshold_checks(results)
    results["estimates"] = estimate(results, [int(s) for s in args.estimate_sizes.split(",") if s.strip()])

    table = markdown(results)
    print(table)
    print()
    for line in results["estimates"]:
        print(line)
    print(f"bench wall time: {results['bench_seconds']:.0f} s (generation {results['generation_seconds']:.1f} s)")
    args.results_dir.mkdir(parents=True, exist_ok=True)
    (args.results_dir / "scale.json").write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (args.results_dir / "scale.md").write_text(table + "\n", encoding="utf-8")
    partial_path = args.results_dir / "scale.partial.json"
    if partial_path.exists():
        partial_path.unlink()
    if args.readme:
        _systems.update_readme(table, "scale")
    say(f"wrote {args.results_dir / 'scale.json'} and scale.md{' and bench/README.md' if args.readme else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
