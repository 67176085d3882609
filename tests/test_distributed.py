"""kg build --scheduler: the analysis on a real Dask cluster (kg/distributed.py).

A LocalCluster started by kg (local:2) and a cluster of `dask scheduler` and `dask worker`
processes on 127.0.0.1 started by these tests must give the outputs of --jobs 1 on the
sample corpus, also when a worker is killed inside a batch. Skipped where Dask is not
installed (CI installs it: the `test` extra holds kg[dask]'s pin).
"""
import contextlib
import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import kg
import kg.distributed
from kg.cli import main
from kg.nlp import DEFAULT_MODEL, MODELS_DIR
from kg.options import OptionError

SAMPLE = Path(__file__).resolve().parent.parent / "kg" / "data" / "sample"
DASK = Path(sys.executable).parent / "dask"
HAS_DASK = importlib.util.find_spec("distributed") is not None
needs_model = pytest.mark.skipif(not (MODELS_DIR / DEFAULT_MODEL).is_dir(), reason="model not packaged")
needs_dask = pytest.mark.skipif(not HAS_DASK, reason="dask[distributed] not installed (pip install 'kg[dask]')")
BATCH = 3  # documents per batch in these tests: the 23 sample documents make 8 batches, several per worker
BATCHES = 8
DELAY = 1.0  # seconds each batch of the external cluster waits: a window to kill its worker inside one


def run_build(*args, expect=0):
    result = CliRunner().invoke(main, ["build", *map(str, args), "--quiet"])
    assert result.exit_code == expect, result.output
    return result


def kg_cli(*args, env=None) -> subprocess.CompletedProcess:
    """`kg` in a process of its own: all it prints, Dask's logging included, is in the result."""
    return subprocess.run([sys.executable, "-m", "kg.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=600, env={**os.environ, **(env or {})})


def outputs(out: Path):
    """What must not change: nodes, edges with their weights, and the CSV exports byte for byte."""
    data = json.loads((out / "graph.json").read_text(encoding="utf-8"))
    nodes = {n["id"]: (n["name"], n["type"], n["subtype"], n["aliases"], n["mentions"], n["documents"]) for n in data["nodes"]}
    links = data.get("edges", data.get("links"))
    edges = {(e["source"], e["target"]): (e["weight"], e["relation"], e.get("title"), e.get("documents")) for e in links}
    files = {name: (out / name).read_bytes() for name in ("entities.csv", "edges.csv", "relations.csv")}
    return nodes, edges, files


def summary_of(out: Path) -> dict:
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    out = tmp_path_factory.mktemp("jobs1")
    run_build(SAMPLE, "--out", out, "--jobs", "1", "--no-cache", "--formats", "json,csv")
    nodes, edges, _ = outputs(out)
    assert nodes and edges  # a comparison with an empty graph would prove nothing
    return out


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(kg.distributed, "BATCH_DOCUMENTS", BATCH)


def markers_seen(folder: Path) -> list[tuple[str, int, int]]:
    """(task key, worker pid, documents) of every batch the workers started."""
    seen = []
    for path in folder.iterdir():
        if path.name.startswith("."):  # being written
            continue
        key, pid = path.name.rsplit(".", 1)
        seen.append((key, int(pid), int(path.read_text())))
    return seen


# ---- the option ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["local:0", "local:x", "local:-1", "tcp://host :1"])
def test_a_bad_scheduler_is_a_usage_error_in_python_and_on_the_command_line(tmp_path, value):
    with pytest.raises(OptionError) as raised:
        kg.build(tmp_path, scheduler=value)
    assert raised.value.option == "scheduler"
    result = CliRunner().invoke(main, ["build", str(tmp_path), "--out", str(tmp_path / "o"), "--scheduler", value])
    assert result.exit_code == 2 and "--scheduler" in result.output


def test_scheduler_values_in_canonical_form():
    assert kg.distributed.check_scheduler(None) is None
    assert kg.distributed.check_scheduler(" local:02 ") == "local:2"
    assert kg.distributed.check_scheduler("tcp://10.0.0.5:8786") == "tcp://10.0.0.5:8786"


@needs_model
def test_a_default_build_does_not_import_dask(tmp_path):
    code = ("import sys, kg; kg.build(sys.argv[1], jobs=1, use_cache=False, progress=False); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))")
    done = subprocess.run([sys.executable, "-c", code, str(SAMPLE / "2026-03-05-shenyang-robot-park.txt")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_without_dask_the_scheduler_option_says_what_to_install(tmp_path):
    # distributed made unimportable in a fresh interpreter; no model is needed to get there
    code = ("import sys; sys.modules['distributed'] = None; import kg\n"
            "try:\n    kg.build(sys.argv[1], scheduler='local:1', use_cache=False, progress=False)\n"
            "except kg.distributed.ClusterError as exc:\n    print(exc)\n")
    done = subprocess.run([sys.executable, "-c", code, str(SAMPLE / "2026-03-05-shenyang-robot-park.txt")],
                          capture_output=True, text=True, timeout=300)
    assert "pip install 'kg[dask]'" in done.stdout, done.stdout + done.stderr


# ---- a LocalCluster started by kg -----------------------------------------------------------


@needs_dask
@needs_model
def test_local_cluster_of_two_processes_gives_the_outputs_of_one_process(reference, tmp_path, small_batches):
    out = tmp_path / "local2"
    run_build(SAMPLE, "--out", out, "--scheduler", "local:2", "--no-cache", "--formats", "json,csv")
    assert outputs(out) == outputs(reference)
    cluster = summary_of(out)["cluster"]
    assert cluster["workers"] == 2 and cluster["batches"] == BATCHES and cluster["documents"] == 23
    # every worker that ran batches loaded the model once, though each ran several
    assert cluster["model_loads"] == cluster["workers_used"] <= 2


# ---- `dask scheduler` and `dask worker` processes -------------------------------------------


def _stop(procs):
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@contextlib.contextmanager
def dask_cluster(base: Path, workers: int):
    """A `dask scheduler` and `workers` single-threaded `dask worker` processes (each under its
    nanny, as Dask runs them) on 127.0.0.1; every batch records its start in base/markers and
    waits DELAY s. Yields (address, markers, processes: scheduler first)."""
    from distributed import Client

    markers = base / "markers"
    markers.mkdir(parents=True)
    scheduler_file = base / "scheduler.json"
    env = {**os.environ, "KG_TEST_DASK_MARKERS": str(markers), "KG_TEST_DASK_DELAY": str(DELAY)}
    logs = [open(base / f"{name}.log", "wb") for name in ["scheduler"] + [f"worker{i}" for i in range(workers)]]  # noqa: SIM115
    procs = [subprocess.Popen([str(DASK), "scheduler", "--host", "127.0.0.1", "--port", "0",
                               "--dashboard-address", "127.0.0.1:0", "--scheduler-file", str(scheduler_file)],
                              stdout=logs[0], stderr=subprocess.STDOUT, env=env)]
    try:
        deadline = time.monotonic() + 60
        address = None
        while address is None and time.monotonic() < deadline:
            try:
                address = json.loads(scheduler_file.read_text())["address"]
            except (OSError, ValueError, KeyError):  # not there yet, or still being written
                time.sleep(0.1)
        assert address, (base / "scheduler.log").read_text()
        for log in logs[1:]:
            procs.append(subprocess.Popen([str(DASK), "worker", address, "--nthreads", "1", "--host", "127.0.0.1",
                                           "--no-dashboard"], stdout=log, stderr=subprocess.STDOUT, env=env))
        with Client(address, timeout=30) as client:
            client.wait_for_workers(workers, timeout=120)
        yield address, markers, procs
    finally:
        _stop(procs[1:])
        _stop(procs[:1])
        for log in logs:
            log.close()


@pytest.fixture(scope="module")
def external_cluster(tmp_path_factory):
    """Two workers, shared by the tests below (a killed one is restarted by its nanny)."""
    if not HAS_DASK or not DASK.is_file():
        pytest.skip("dask[distributed] not installed")
    if not (MODELS_DIR / DEFAULT_MODEL).is_dir():
        pytest.skip("model not packaged")
    with dask_cluster(tmp_path_factory.mktemp("dask"), 2) as (address, markers, _):
        yield address, markers


def _clear(markers: Path) -> None:
    for path in markers.iterdir():
        path.unlink()


@needs_dask
@needs_model
def test_scheduler_address_gives_the_outputs_of_one_process_and_the_cache_decides_what_is_sent(
        reference, external_cluster, tmp_path, small_batches):
    address, markers = external_cluster
    _clear(markers)
    cache = tmp_path / "cache"
    # some documents analysed (and cached) beforehand, by this process: the cluster gets the rest
    first = sorted(SAMPLE.iterdir())[:6]
    run_build(*first, "--out", tmp_path / "part", "--jobs", "1", "--cache-dir", cache, "--formats", "json")
    out = tmp_path / "dask"
    run_build(SAMPLE, "--out", out, "--scheduler", address, "--cache-dir", cache, "--formats", "json,csv")
    assert outputs(out) == outputs(reference)
    summary = summary_of(out)
    sent = sum(size for _, _, size in markers_seen(markers))
    assert summary["cache_hits"] > 0 and summary["cache_misses"] == summary["documents"] - summary["cache_hits"]
    assert sent == summary["cache_misses"] == summary["cluster"]["documents"] < 23
    # everything cached: the cluster is not even asked
    _clear(markers)
    again = tmp_path / "again"
    run_build(SAMPLE, "--out", again, "--scheduler", address, "--cache-dir", cache, "--formats", "json,csv")
    assert summary_of(again)["cache_misses"] == 0 and summary_of(again)["cluster"] == {}
    assert markers_seen(markers) == []
    assert outputs(again) == outputs(reference)


@needs_dask
@needs_model
def test_a_worker_killed_inside_a_batch_changes_nothing(reference, external_cluster, tmp_path, small_batches):
    address, markers = external_cluster
    _clear(markers)
    killed: list[tuple[str, int]] = []

    def kill_the_first_worker_to_start_a_batch():
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            seen = markers_seen(markers)
            if seen:
                key, pid, _ = seen[0]
                os.kill(pid, signal.SIGKILL)  # it is inside the batch: every batch waits DELAY s first
                killed.append((key, pid))
                return
            time.sleep(0.02)

    killer = threading.Thread(target=kill_the_first_worker_to_start_a_batch)
    killer.start()
    out = tmp_path / "killed"
    try:
        run_build(SAMPLE, "--out", out, "--scheduler", address, "--no-cache", "--formats", "json,csv")
    finally:
        killer.join()
    assert killed, "no batch started"
    key, pid = killed[0]
    again = [p for k, p, _ in markers_seen(markers) if k == key and p != pid]
    assert again, "the killed worker's batch was not run again elsewhere"
    assert outputs(out) == outputs(reference)
    cluster = summary_of(out)["cluster"]
    assert cluster["batches"] == BATCHES and cluster["documents"] == 23  # each batch's results taken once


# ---- a cluster that is not there ---------------------------------------------------------


@needs_dask
@needs_model
def test_a_scheduler_lost_mid_build_fails_cleanly_and_keeps_the_earlier_outputs(reference, tmp_path):
    if not DASK.is_file():
        pytest.skip("no dask command")
    out = tmp_path / "out"
    shutil.copytree(reference, out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    with dask_cluster(tmp_path / "dask", 1) as (address, markers, procs):
        def kill_the_scheduler_once_a_batch_runs():
            deadline = time.monotonic() + 120
            while not markers_seen(markers) and time.monotonic() < deadline:
                time.sleep(0.02)
            procs[0].kill()

        killer = threading.Thread(target=kill_the_scheduler_once_a_batch_runs)
        killer.start()
        try:
            done = kg_cli("build", SAMPLE, "--out", out, "--scheduler", address, "--no-cache", "--formats", "json,csv",
                          "--quiet")
        finally:
            killer.join()
    assert markers_seen(markers), "no batch started before the scheduler went"
    assert done.returncode == 1, done.stderr
    assert f"lost the Dask scheduler at {address} mid-build" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@needs_dask
@needs_model
def test_an_unreachable_scheduler_fails_cleanly_and_keeps_the_earlier_outputs(reference, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(reference, out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    address = f"tcp://127.0.0.1:{_free_port()}"
    started = time.monotonic()
    done = kg_cli("build", SAMPLE, "--out", out, "--scheduler", address, "--no-cache", "--formats", "json,csv",
                  "--quiet", env={"KG_DASK_TIMEOUT": "2"})
    assert done.returncode == 1, done.stderr
    assert f"cannot reach the Dask scheduler at {address}" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert time.monotonic() - started < 60
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


# ---- the process pool starts once too (issue 17) -------------------------------------------


def _worker_model(_=None):
    import kg.nlp

    return os.getpid(), id(kg.nlp._worker_nlp), kg.nlp.load_pipeline.cache_info().misses


@needs_model
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the pool forks on Linux only")
def test_pool_workers_start_with_the_model_this_process_loaded():
    from kg.build import start_workers
    from kg.nlp import load_pipeline

    pool = start_workers(None, 2)
    try:
        nlp = load_pipeline(None)
        loads = load_pipeline.cache_info().misses
        seen = pool.map(_worker_model, range(4), chunksize=1)
    finally:
        pool.terminate()
        pool.join()
    assert all(pid != os.getpid() for pid, _, _ in seen)
    # the very object loaded here (inherited by fork), and no load of their own
    assert {(model, misses) for _, model, misses in seen} == {(id(nlp), loads)}


def _worker_settings():
    import dask

    return (dask.config.get("distributed.worker.profile.enabled"), dask.config.get("distributed.admin.tick.interval"))


@needs_dask
def test_a_local_cluster_starts_its_workers_without_the_profiler():
    from kg.distributed import LOCAL_CONFIG, DaskPool

    pool = DaskPool("local:1", None, ("m", "r"))
    try:
        assert set(pool.client.run(_worker_settings).values()) == {
            (LOCAL_CONFIG["distributed.worker.profile.enabled"], LOCAL_CONFIG["distributed.admin.tick.interval"])}
        assert LOCAL_CONFIG["distributed.worker.profile.enabled"] is False
    finally:
        pool.terminate()
    import dask

    assert dask.config.get("distributed.worker.profile.enabled") is True  # this process's own settings are untouched
