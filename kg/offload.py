"""Output files rendered in a second process while this one renders the others.

After the analysis a build's tail (entities, graph, layout, map, files) runs on one core,
and with `--jobs 2` or more the other cores are idle by then. GraphML, GEXF and node-link
JSON are the slowest files to render (about two thirds of the write stage) and need nothing but the graph,
so a helper process renders them from a pickled copy of the graph while this process
renders the map and the CSV files.

The helper is a fresh interpreter (`python -m kg.offload`), not a fork: it copies none
of this process's pages and none of its threads (a Dask client's), and, unlike
multiprocessing's spawn, it never re-imports the user's `__main__`. Its bytes are what
this process would write: the same functions on an identical graph (pickling keeps the
order of nodes, edges and attributes). When it cannot start, dies or answers anything
else, the files are rendered here instead, so the outputs never depend on it.

It also finds the graph's Louvain communities and the betweenness of the nodes the map draws
while this process lays out the map (the layout needs neither; both read only the edges,
their weights and the nodes' ranking).

Nothing large goes through the pipes (a pipe holds 64 KiB: a helper blocked on writing one
file could not render the next): the parent writes the pickled graph to a file of a
temporary folder and sends a line naming it, the helper writes each answer there and
answers its name, one line each, in the order asked.
"""
from __future__ import annotations

import contextlib
import json
import os
import pickle
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Callable

import networkx as nx

OFFLOADED = ("graph.graphml", "graph.gexf", "graph.json")  # the slowest files to render, graph only
MIN_DOCUMENTS = 200  # below this an interpreter's start costs about what the files do


def _renderers(graph: nx.Graph) -> dict[str, Callable[[], bytes]]:
    """The offloaded files of `graph`, rendered by kg.writers.render_files' own functions."""
    from .writers import render_files

    files = render_files(graph, None, ("graphml", "gexf", "json"))
    return {name: files[name] for name in OFFLOADED}


def wanted(files: dict) -> list[str]:
    """The names of `files` that a helper can render."""
    return [name for name in OFFLOADED if name in files]


class Helper:
    """One helper process, started at once (its imports overlap this process's work) and
    given graphs later: `communities` and `render`. Its answers are in a temporary folder
    under `directory` (the system's when None) until read."""

    def __init__(self, directory: str | Path | None = None):
        self._process: subprocess.Popen | None = None
        self._ready: set[str] = set()
        self._requests = 0
        self._betweenness: Callable[[], dict | None] | None = None
        self._folder = Path(tempfile.mkdtemp(prefix="kg-offload-", dir=directory))
        package_root = str(Path(__file__).resolve().parents[1])
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
        try:
            self._process = subprocess.Popen([sys.executable, "-m", "kg.offload"], stdin=subprocess.PIPE,
                                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        except OSError:
            self._process = None

    def _request(self, task: str, graph: nx.Graph, names: list[str], **extra) -> None:
        if self._process is None:
            return
        self._requests += 1
        path = self._folder / f"graph-{self._requests}.pickle"
        try:
            with open(path, "wb") as handle:
                pickle.dump(graph, handle, protocol=pickle.HIGHEST_PROTOCOL)
            line = json.dumps({"task": task, "graph": str(path), "names": names, "folder": str(self._folder),
                               "request": self._requests, **extra})
            self._process.stdin.write(line.encode() + b"\n")
            self._process.stdin.flush()
        except (OSError, ValueError):
            self.close()

    def communities(self, graph: nx.Graph) -> Callable[[], list | None]:
        """Starts Louvain communities of `graph` (kg.graph.louvain) in the helper; the
        function returned waits for them (None if the helper failed: compute them here).
        Only the graph's structure and weights count: attributes added meanwhile do not
        change the answer."""
        return self.structure(graph)[0]

    def structure(self, graph: nx.Graph, max_nodes: int | None = None) -> tuple[Callable[[], list | None],
                                                                               Callable[[], dict | None]]:
        """`communities`, and then, with `max_nodes`, the betweenness of the nodes the map
        draws (kg.render.map_betweenness), which the map would otherwise compute after the
        layout: two functions that wait for them (None where the helper failed). Both read
        only the edges, their weights and the nodes' mentions and names, which the layout
        and the dates leave as they are."""
        names = ["communities"] + (["betweenness"] if max_nodes is not None else [])
        self._request("communities", graph, names, max_nodes=max_nodes)

        def get(name: str):
            def wait():
                data = self._receive(name)
                return pickle.loads(data) if data is not None else None
            return wait
        self._betweenness = get("betweenness") if max_nodes is not None else None
        return get("communities"), self._betweenness or (lambda: None)

    def betweenness(self) -> dict | None:
        """The betweenness the last `structure` request asked for (None: none asked, or the
        helper failed); read once."""
        wait, self._betweenness = self._betweenness, None
        return wait() if wait is not None else None

    def render(self, graph: nx.Graph, names: list[str]) -> dict[str, Callable[[], bytes]]:
        """name -> a function that returns that file's bytes: the helper's, or rendered
        here if the helper failed. The helper renders `names` in order; the functions come
        in the reverse order, and each first tries to claim its file (`_claim`): one the
        helper has not begun is rendered here, so that whichever process is free first
        takes the last files (the two processes finish together)."""
        names = list(names)
        self._request("files", graph, names)
        request = self._requests
        renderers = _renderers(graph)

        def result(name: str) -> Callable[[], bytes]:
            def get() -> bytes:
                if self._process is not None and _claim(self._folder, request, name, on_error=False):
                    return renderers[name]()
                data = self._receive(name)
                return data if data is not None else renderers[name]()
            return get

        return {name: result(name) for name in reversed(names)}

    def _receive(self, name: str) -> bytes | None:
        try:
            while name not in self._ready:
                if self._process is None:
                    return None
                line = self._process.stdout.readline()
                if not line:
                    raise EOFError("the helper ended")
                self._ready.add(line.decode().strip())
            self._ready.discard(name)
            path = self._folder / _file_name(name)
            data = path.read_bytes()
            path.unlink()
            return data
        except Exception:  # a dead helper, a missing file: this process does the work
            self.close()
            return None

    def close(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            with contextlib.suppress(OSError, ValueError):
                process.stdin.close()
            if process.poll() is None:
                process.kill()
            with contextlib.suppress(OSError, ValueError):
                process.stdout.close()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=5)
        self._ready = set()
        shutil.rmtree(self._folder, ignore_errors=True)

    def __enter__(self) -> Helper:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _file_name(name: str) -> str:
    return name.replace("/", "_") + ".part"


def _claim(folder: Path, request: int, name: str, *, on_error: bool) -> bool:
    """Whether this process is the first to claim file `name` of request `request` (the
    helper before rendering it, the parent before waiting for it): an exclusive create, so
    exactly one of the two renders it. Where the create fails otherwise, `on_error`: the
    helper then renders, the parent waits for it, so the file is never left to neither."""
    try:
        os.close(os.open(folder / f"{request}-{_file_name(name)}.claim", os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        return False
    except OSError:
        return on_error
    return True


def _answer(folder: Path, name: str, data: bytes) -> None:
    part = folder / _file_name(name)
    with open(f"{part}.tmp", "wb") as handle:
        handle.write(data)
    os.replace(f"{part}.tmp", part)  # complete before it is announced
    sys.stdout.write(name + "\n")
    sys.stdout.flush()


def main() -> int:
    """The helper: one request per line of stdin ({"task", "graph", "names", "folder"}),
    each answer written into the folder and its name written to stdout; ends at EOF."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C reaches the group: end quietly
    for line in sys.stdin:
        request = json.loads(line)
        folder = Path(request["folder"])
        with open(request["graph"], "rb") as handle:
            graph = pickle.load(handle)
        os.unlink(request["graph"])
        if request["task"] == "communities":
            from .graph import louvain

            _answer(folder, "communities", pickle.dumps(louvain(graph), protocol=pickle.HIGHEST_PROTOCOL))
            if request.get("max_nodes") is not None:
                from .render import map_betweenness

                between = map_betweenness(graph, request["max_nodes"])
                _answer(folder, "betweenness", pickle.dumps(between, protocol=pickle.HIGHEST_PROTOCOL))
        else:
            renderers = _renderers(graph)
            for name in request["names"]:
                if _claim(folder, request["request"], name, on_error=True):  # else the parent took it
                    _answer(folder, name, renderers[name]())
    return 0


if __name__ == "__main__":
    sys.exit(main())
