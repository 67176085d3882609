"""The per-document analysis on a dask.distributed cluster (``kg build --scheduler ADDRESS``).

kg.build hands this module the same work it gives its process pool: cleaned documents in,
(analysis, facts) pairs out, by the same function (kg.build._analyse_and_extract). Only the
place where it runs changes, so a cluster build gives the outputs of ``--jobs 1``. The client
keeps everything else (cache, spill, resolution, graph, files).

- ``local:N`` starts a LocalCluster of N single-threaded worker processes on this machine;
  anything else is the address of a running scheduler (``tcp://host:8786``).
- Documents travel in batches of BATCH_DOCUMENTS; a chunk's batches are submitted at once and
  their results gathered as each finishes (``as_completed``), each future released once read,
  so neither the client nor the cluster holds more than the chunks kg.build keeps in flight.
- Each worker process loads the model once, on its first batch (kg.nlp.load_pipeline is
  cached per process), and keeps it for every later batch and build.
- A worker that dies mid-batch: the scheduler runs its batch again elsewhere (Dask's own
  rescheduling, up to ``distributed.scheduler.allowed-failures`` deaths per batch; an exception
  raised by a batch is retried RETRIES times). The analysis is a pure function, so a batch run
  twice gives the same results.
- Every batch reports its worker's model and rule fingerprints; a worker with another kg
  or model is an error, never results cached under this kg's keys.

Nothing here imports Dask at module level: a build without a scheduler never loads it.
"""
from __future__ import annotations

import logging
import os
import re
import socket
import threading
import time
import uuid
from pathlib import Path

LOCAL = "local"
BATCH_DOCUMENTS = 16  # per task: about a second of NER, so the scheduler's ~1 ms per task is noise
RETRIES = 2  # re-runs of a batch whose code raised (a dead worker is rescheduled without counting here)
DEFAULT_TIMEOUT = 30.0  # seconds to reach the scheduler, and for a first worker to join ($KG_DASK_TIMEOUT)
# A local cluster shares this machine's cores with its workers, so the servers' periodic
# work is cut: a worker's profiler samples the task's stack every 10 ms and the event loops
# tick every 20 ms, each time taking the GIL from the NER.
LOCAL_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "500ms",
    "distributed.worker.memory.monitor-interval": "500ms",
}
_ADDRESS = re.compile(r"^(?:[a-z][a-z0-9+.-]*://)?\S+$")


class ClusterError(ConnectionError):
    """The cluster cannot be used: Dask missing, scheduler unreachable, no workers, a batch
    that killed too many workers, a worker with another kg. An OSError, so the CLI reports
    it as a failed run (exit 1, earlier outputs unchanged)."""


def check_scheduler(value) -> str | None:
    """The `scheduler` option in its canonical form (None: the process pool); raises
    ValueError with the reason. Only the form is checked here: reaching it is the build's."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"must be a Dask scheduler address or local:N, not {value!r}")
    value = value.strip()
    if not value:
        return None
    if value == LOCAL or value.startswith(LOCAL + ":"):
        count = value[len(LOCAL) + 1:]
        if value == LOCAL:
            from .nlp import default_jobs

            return f"{LOCAL}:{default_jobs()}"
        if not count.isdigit() or int(count) < 1:
            raise ValueError(f"{value!r}: local:N needs a whole number of worker processes of at least 1 (local:2)")
        return f"{LOCAL}:{int(count)}"
    if not _ADDRESS.match(value):
        raise ValueError(f"{value!r} is not a scheduler address (tcp://host:8786) or local:N")
    return value


def _distributed():
    try:
        import distributed
    except ImportError:
        raise ClusterError("--scheduler needs Dask's distributed scheduler: pip install 'kg[dask]'") from None
    return distributed


def _timeout() -> float:
    try:
        return float(os.environ.get("KG_DASK_TIMEOUT", DEFAULT_TIMEOUT))
    except ValueError:
        return DEFAULT_TIMEOUT


# ---- on the workers -----------------------------------------------------------------------

_LOCK = threading.Lock()  # one model per worker process; a worker with several threads takes turns


def _test_hooks(size: int) -> None:
    """Test-only: KG_TEST_DASK_MARKERS=DIR records each batch start (task key, worker pid,
    batch size) and KG_TEST_DASK_DELAY=S holds the batch S seconds, so that a test can kill a
    worker while it is inside a batch (tests/test_distributed.py)."""
    markers = os.environ.get("KG_TEST_DASK_MARKERS")
    if markers:
        from distributed import get_worker

        key = str(get_worker().get_current_task())
        name = re.sub(r"[^A-Za-z0-9_.-]", "_", key)
        temp = Path(markers) / f".{name}.{os.getpid()}"
        temp.write_text(f"{size}\n", encoding="utf-8")
        os.replace(temp, Path(markers) / temp.name[1:])  # whole, or not there
    delay = float(os.environ.get("KG_TEST_DASK_DELAY") or 0)
    if delay:
        time.sleep(delay)


def run_batch(func, model: str | None, docs: list) -> tuple[dict, list]:
    """One batch on a worker: `func` (kg.build._analyse_and_extract) on the documents, with
    this process's model, loaded on its first batch. Returns (worker header, results)."""
    from . import nlp
    from .build import rules_version

    _test_hooks(len(docs))
    with _LOCK:
        loads = nlp.load_pipeline.cache_info().misses
        started = time.perf_counter()
        nlp._init_worker(model)  # cached: a load only on this process's first batch (or a new model)
        loaded = time.perf_counter()
        results = func(docs)
        finished = time.perf_counter()
        header = {"worker": f"{socket.gethostname()}:{os.getpid()}", "model": nlp.pipeline_id(model),
                  "rules": rules_version(), "load_seconds": loaded - started, "seconds": finished - loaded,
                  "loads": nlp.load_pipeline.cache_info().misses - loads}
    return header, results


def worker_model_loads() -> int:
    """Run on a worker (client.run): how many pipelines this process has loaded."""
    from . import nlp

    return nlp.load_pipeline.cache_info().misses


# ---- on the client ------------------------------------------------------------------------


def _quiet_dask_logs() -> dict[str, int]:
    """Every logger of Dask's (its config gives some their own level) to CRITICAL; returns
    the levels to restore."""
    import distributed  # noqa: F401  (its loggers exist once it is imported)

    names = ["distributed"] + [n for n in logging.root.manager.loggerDict if n.startswith("distributed.")]
    levels = {name: logging.getLogger(name).level for name in names}
    for name in names:
        logging.getLogger(name).setLevel(logging.CRITICAL)
    return levels


class DaskPool:
    """The process pool's face (map_async(...).get(), terminate, join) over a Dask cluster,
    so kg.build's chunking, cache and ordering stay one code path."""

    def __init__(self, scheduler: str, model: str | None, expect: tuple[str, str]):
        distributed = _distributed()
        self.scheduler, self.model, self.expect = scheduler, model, expect
        self.cluster = self.client = None
        self._token = uuid.uuid4().hex[:12]
        self._count = 0
        self._seen: set[str] = set()  # workers whose batches came back
        self.stats = {"scheduler": scheduler, "workers": 0, "threads": 0, "batch_documents": BATCH_DOCUMENTS,
                      "batches": 0, "documents": 0,
                      "task_seconds": 0.0, "load_seconds": 0.0, "model_loads": 0, "startup_seconds": 0.0,
                      "first_submit": None, "last_result": None}
        started = time.perf_counter()
        timeout = _timeout()
        address = scheduler
        # kg reports every cluster problem in one line of its own; Dask's client would also log
        # tracebacks (a lost scheduler, on close). KG_DEBUG=1 keeps them. Restored on terminate.
        self._log_levels = {} if os.environ.get("KG_DEBUG") else _quiet_dask_logs()
        try:
            if scheduler.startswith(LOCAL + ":"):
                import dask

                # one thread per process: the processes are the parallelism (and each has its model);
                # its logs stay quiet (a batch's error reaches this client through its future);
                # the nannies pass LOCAL_CONFIG on to their workers
                with dask.config.set(LOCAL_CONFIG):
                    self.cluster = distributed.LocalCluster(n_workers=int(scheduler.split(":", 1)[1]),
                                                            threads_per_worker=1, processes=True,
                                                            dashboard_address="127.0.0.1:0", silence_logs=logging.CRITICAL)
                address = self.cluster.scheduler_address
            self.client = distributed.Client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            self.terminate()
            raise ClusterError(f"cannot reach the Dask scheduler at {scheduler} ({exc})") from None
        except BaseException:
            self.terminate()
            raise
        try:
            self.client.wait_for_workers(1, timeout=timeout)
        except (OSError, TimeoutError):
            self.terminate()
            raise ClusterError(f"the Dask scheduler at {scheduler} has no workers (none joined in {timeout:g} s)") from None
        except BaseException:
            self.terminate()
            raise
        threads = self.client.nthreads()
        self.stats.update(workers=len(threads), threads=sum(threads.values()),
                          startup_seconds=round(time.perf_counter() - started, 3))

    @property
    def threads(self) -> int:
        return max(1, self.stats["threads"])

    def map_async(self, func, docs: list, chunksize: int | None = None) -> _Batches:
        """`func` over `docs` on the cluster, BATCH_DOCUMENTS to a task (`chunksize` is the
        process pool's and is not used)."""
        futures = []
        for start in range(0, len(docs), BATCH_DOCUMENTS):
            self._count += 1
            futures.append(self.client.submit(run_batch, func, self.model, docs[start:start + BATCH_DOCUMENTS],
                                              key=f"kg-analyse-{self._token}-{self._count}", pure=False,
                                              retries=RETRIES))
        if self.stats["first_submit"] is None:
            self.stats["first_submit"] = time.perf_counter()
        return _Batches(self, futures)

    def _received(self, header: dict, documents: int) -> None:
        if (header["model"], header["rules"]) != self.expect:
            raise ClusterError(
                f"Dask worker {header['worker']} runs model {header['model']} with entity rules {header['rules']}, "
                f"this kg has {self.expect[0]} and {self.expect[1]}: install the same kg (and model) on the workers")
        s = self.stats
        s["batches"] += 1
        s["documents"] += documents
        s["task_seconds"] += header["seconds"]
        s["load_seconds"] += header["load_seconds"]
        s["model_loads"] += header["loads"]
        self._seen.add(header["worker"])
        s["last_result"] = time.perf_counter()

    def summary(self) -> dict:
        """What summary.json reports under `cluster`: the cluster's size and where the time went.
        overhead_per_batch_seconds: the analysis wall time times the worker threads, less the
        time workers spent in batches (NER, rules, model loads), per batch; an upper bound on
        the scheduling cost, since it also counts workers waiting for this client."""
        s = dict(self.stats)
        first, last = s.pop("first_submit"), s.pop("last_result")
        wall = (last - first) if first is not None and last is not None else 0.0
        s["analysis_wall_seconds"] = round(wall, 3)
        s["workers_used"] = len(self._seen)
        busy = s["task_seconds"] + s["load_seconds"]
        s["overhead_per_batch_seconds"] = round(max(0.0, wall * s["threads"] - busy) / s["batches"], 4) if s["batches"] else 0.0
        s["task_seconds"], s["load_seconds"] = round(s["task_seconds"], 3), round(s["load_seconds"], 3)
        return s

    def terminate(self) -> None:
        """Close the client (the scheduler forgets this build's batches) and a local cluster."""
        client, cluster = self.client, self.cluster
        self.client = self.cluster = None
        if client is not None:
            try:
                client.close(timeout=10)
            except Exception:  # closing a client whose scheduler is gone
                pass
        if cluster is not None:
            try:
                cluster.close(timeout=10)
            except Exception:
                pass
        for name, level in getattr(self, "_log_levels", {}).items():
            logging.getLogger(name).setLevel(level)
        self._log_levels = {}

    def join(self) -> None:
        pass


class _Batches:
    """One chunk's batches on the cluster; `get` gathers each as it finishes, in any order,
    and returns the results in document order."""

    def __init__(self, pool: DaskPool, futures: list):
        self.pool, self.futures = pool, futures

    def get(self) -> list:
        distributed = _distributed()
        from distributed.scheduler import KilledWorker

        index = {future.key: i for i, future in enumerate(self.futures)}
        results: list = [None] * len(self.futures)
        try:
            for future in distributed.as_completed(self.futures, loop=self.pool.client.loop):
                header, items = future.result()
                self.pool._received(header, len(items))
                results[index[future.key]] = items
                future.release()  # the cluster may forget it: memory there stays bounded too
        except KilledWorker as exc:
            raise ClusterError(f"a batch of documents killed Dask workers too many times ({exc}); "
                               "see the workers' logs (memory limit?)") from None
        except (distributed.client.FutureCancelledError, OSError) as exc:
            if isinstance(exc, ClusterError):
                raise
            raise ClusterError(f"lost the Dask scheduler at {self.pool.scheduler} mid-build ({exc})") from None
        finally:
            self.futures = []
        return [item for batch in results for item in batch]
