"""Writers for graph files and tables, and the one way kg puts them on disk.

`write_outputs` writes a run's files into a staging folder inside the output folder, then
moves each into place (a rename: readers see the old file or the whole new one) and moves
away kg's files of an earlier run that this run did not produce. If anything fails (disk
full, permissions), every file already moved is put back, so the folder holds the earlier
outputs byte for byte; an interrupt (SIGINT/SIGTERM) while the files are moved into place
is held until they all are. The commit holds an exclusive lock on the folder (a second
build waits for it) and keeps a journal, so that a run killed midway (SIGKILL) is completed
by the next kg run into that folder; other staging folders of killed runs are removed.
"""
from __future__ import annotations

import contextlib
import csv
import errno
import io
import json
import math
import os
import re
import shutil
import signal
import tempfile
import threading
import time
from pathlib import Path

import networkx as nx

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write `data` to `path` so that readers see the old file or the whole new one, never half."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp makes 0600; outputs are ordinary files
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def atomic_write_text(path: str | Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


# ---- sanitising ---------------------------------------------------------------------------

# XML 1.0 forbids these code points even when escaped.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_SURROGATES = re.compile("[\ud800-\udfff]")
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def strip_illegal(value: str) -> str:
    """`value` without the code points XML 1.0 forbids (and that UTF-8 cannot encode)."""
    return _XML_ILLEGAL.sub("", value)


def xml_safe(value: str) -> str:
    """Text as an XML reader will give it back: no forbidden code points, and line ends
    as "\n" (a parser turns a raw "\r\n" or "\r" in element text into "\n")."""
    return strip_illegal(value).replace("\r\n", "\n").replace("\r", "\n")


def spreadsheet_safe(value) -> str:
    """Neutralise spreadsheet formulas: a leading = + - @ (or tab, carriage return) gets a
    quote in front, unless the cell is a plain number such as -3.5."""
    text = "" if value is None else str(value)
    text = strip_illegal(text)
    if text.startswith(_FORMULA_PREFIXES) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def _clean_attrs(data: dict) -> dict:
    clean = {}
    for key, value in data.items():
        if value is None:
            continue  # GraphML and GEXF have no null
        if isinstance(value, float) and not math.isfinite(value):
            continue
        clean[xml_safe(str(key))] = xml_safe(value) if isinstance(value, str) else value
    return clean


def sanitized_graph(graph: nx.Graph) -> nx.Graph:
    """A copy whose ids and string attributes hold no XML-illegal characters. Two ids that
    differ only in such characters stay two nodes (the second gets a ~2 suffix)."""
    clean = nx.Graph()
    ids: dict = {}
    used: set[str] = set()
    for node, data in graph.nodes(data=True):
        base = xml_safe(str(node))
        new, n = base, 1
        while new in used:
            n += 1
            new = f"{base}~{n}"
        used.add(new)
        ids[node] = new
        clean.add_node(new, **_clean_attrs(data))
    for a, b, data in graph.edges(data=True):
        clean.add_edge(ids[a], ids[b], **_clean_attrs(data))
    return clean


# ---- writers ------------------------------------------------------------------------------


# GraphML and GEXF are written directly as text: networkx's ElementTree writers build the
# whole tree first and take about 10x longer on graphs of 100k edges.
_XML_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\t": "&#9;"})
_GRAPHML_TYPES = {bool: "boolean", int: "int", float: "double", str: "string"}


def _attr_types(items) -> dict[str, type]:
    """Attribute name -> the one type all its values can be written as."""
    types: dict[str, type] = {}
    for data in items:
        for key, value in data.items():
            kind = bool if isinstance(value, bool) else int if isinstance(value, int) else float if isinstance(value, float) else str
            old = types.get(key)
            if old is None or old == kind:
                types[key] = kind
            elif {old, kind} <= {int, float}:
                types[key] = float
            else:
                types[key] = str
    return types


def _xml_value(value, kind: type) -> str:
    if kind is bool:
        return "true" if value else "false"
    if kind is str:
        return str(value).translate(_XML_ESCAPE)
    return repr(float(value)) if kind is float else str(int(value))


def _sanitized_items(graph: nx.Graph):
    """(ids, node items, edge items) with XML-safe ids and attributes (see sanitized_graph)."""
    clean = sanitized_graph(graph)
    return list(clean.nodes(data=True)), list(clean.edges(data=True))


def graphml_bytes(graph: nx.Graph) -> bytes:
    nodes, edges = _sanitized_items(graph)
    node_types, edge_types = _attr_types(d for _, d in nodes), _attr_types(d for _, _, d in edges)
    keys: dict[tuple[str, str], str] = {}
    out = ['<?xml version="1.0" encoding="utf-8"?>\n',
           '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
           'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
           'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n']
    for domain, types in (("node", node_types), ("edge", edge_types)):
        for name, kind in types.items():
            key = f"d{len(keys)}"
            keys[(domain, name)] = key
            out.append(f'  <key id="{key}" for="{domain}" attr.name="{name.translate(_XML_ESCAPE)}" '
                       f'attr.type="{_GRAPHML_TYPES[kind]}"/>\n')
    out.append('  <graph edgedefault="undirected">\n')
    for node, data in nodes:
        out.append(f'    <node id="{node.translate(_XML_ESCAPE)}">')
        out.extend(f'<data key="{keys[("node", k)]}">{_xml_value(v, node_types[k])}</data>' for k, v in data.items())
        out.append("</node>\n")
    for a, b, data in edges:
        out.append(f'    <edge source="{a.translate(_XML_ESCAPE)}" target="{b.translate(_XML_ESCAPE)}">')
        out.extend(f'<data key="{keys[("edge", k)]}">{_xml_value(v, edge_types[k])}</data>' for k, v in data.items())
        out.append("</edge>\n")
    out.append("  </graph>\n</graphml>\n")
    return "".join(out).encode("utf-8")


_GEXF_TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}


def gexf_bytes(graph: nx.Graph) -> bytes:
    nodes, edges = _sanitized_items(graph)
    node_types, edge_types = _attr_types(d for _, d in nodes), _attr_types(d for _, _, d in edges)
    # GEXF edges carry their weight as an XML attribute of its own
    edge_types.pop("weight", None)
    out = ['<?xml version="1.0" encoding="utf-8"?>\n',
           '<gexf xmlns="http://www.gexf.net/1.2draft" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           'xsi:schemaLocation="http://www.gexf.net/1.2draft http://www.gexf.net/1.2draft/gexf.xsd" version="1.2">\n',
           '  <meta><creator>kg</creator></meta>\n',
           '  <graph defaultedgetype="undirected" mode="static">\n']
    node_ids, edge_ids = {}, {}
    for domain, types, ids in (("node", node_types, node_ids), ("edge", edge_types, edge_ids)):
        out.append(f'    <attributes class="{domain}" mode="static">\n')
        for name, kind in types.items():
            ids[name] = str(len(ids))
            out.append(f'      <attribute id="{ids[name]}" title="{name.translate(_XML_ESCAPE)}" type="{_GEXF_TYPES[kind]}"/>\n')
        out.append("    </attributes>\n")
    out.append("    <nodes>\n")
    for node, data in nodes:
        label = str(data.get("name", node)).translate(_XML_ESCAPE)
        out.append(f'      <node id="{node.translate(_XML_ESCAPE)}" label="{label}"><attvalues>')
        out.extend(f'<attvalue for="{node_ids[k]}" value="{_xml_value(v, node_types[k])}"/>' for k, v in data.items())
        out.append("</attvalues></node>\n")
    out.append("    </nodes>\n    <edges>\n")
    for index, (a, b, data) in enumerate(edges):
        weight = data.get("weight")
        weight_attr = f' weight="{_xml_value(weight, float)}"' if isinstance(weight, (int, float)) and not isinstance(weight, bool) else ""
        out.append(f'      <edge id="{index}" source="{a.translate(_XML_ESCAPE)}" target="{b.translate(_XML_ESCAPE)}"{weight_attr}><attvalues>')
        out.extend(f'<attvalue for="{edge_ids[k]}" value="{_xml_value(v, edge_types[k])}"/>'
                   for k, v in data.items() if k in edge_ids)
        out.append("</attvalues></edge>\n")
    out.append("    </edges>\n  </graph>\n</gexf>\n")
    return "".join(out).encode("utf-8")


def _json_value(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None  # NaN and Infinity are not JSON
    return value


def node_link_text(graph: nx.Graph) -> str:
    data = nx.node_link_data(graph, edges="edges")
    for item in data["nodes"] + data["edges"]:
        for key, value in item.items():
            item[key] = _json_value(value)
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return _SURROGATES.sub("\ufffd", text)  # lone surrogates cannot be written as UTF-8


def _csv_cell(value, safe: bool) -> str:
    text = spreadsheet_safe(value) if safe else strip_illegal("" if value is None else str(value))
    # line ends as "\n": the csv module quotes a cell holding "\n" but not one holding a bare "\r"
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _csv_text(header: list[str], rows, safe: bool = True) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_cell(v, safe) for v in row])
    return buffer.getvalue()


ENTITY_COLUMNS = ["id", "name", "type", "subtype", "aliases", "mentions", "documents", "titles", "affiliations"]
EDGE_COLUMNS = ["source", "target", "weight", "npmi", "relation", "title", "documents"]
RELATION_COLUMNS = ["head", "relation", "tail", "title", "document", "sentence"]


def entities_csv(graph: nx.Graph) -> str:
    rows = (
        [node] + [graph.nodes[node].get(col, "") for col in ENTITY_COLUMNS[1:]]
        for node in sorted(graph, key=lambda n: (-graph.nodes[n].get("mentions", 0), n))
    )
    return "\ufeff" + _csv_text(ENTITY_COLUMNS, rows)  # BOM: spreadsheets then read UTF-8


def edges_csv(graph: nx.Graph) -> str:
    rows = ([a, b] + [d.get(col, "") for col in EDGE_COLUMNS[2:]] for a, b, d in sorted(graph.edges(data=True)))
    return "\ufeff" + _csv_text(EDGE_COLUMNS, rows)


def relations_csv(resolution, graph: nx.Graph) -> str:
    rows = []
    for p in resolution.positions:
        if p.organisation is None or p.person not in graph or p.organisation not in graph:
            continue
        rows.append([graph.nodes[p.person]["name"], "holds_position_at", graph.nodes[p.organisation]["name"],
                     p.title, p.document, p.sentence])
    return "\ufeff" + _csv_text(RELATION_COLUMNS, rows)


def neo4j_nodes_csv(graph: nx.Graph) -> str:
    header = ["id:ID", "name", ":LABEL", "subtype", "aliases:string[]", "mentions:int", "documents:int",
              "titles:string[]", "affiliations:string[]", "community:int", "degree_centrality:float"]
    rows = []
    for node in sorted(graph):
        d = graph.nodes[node]
        label = {"PERSON": "Person", "ORG": "Organization", "LOC": "Place"}.get(d.get("type"), "Entity")
        rows.append([node, d.get("name", ""), f"Entity;{label}", d.get("subtype", ""),
                     d.get("aliases", "").replace("|", ";"), d.get("mentions", 0), d.get("documents", 0),
                     d.get("titles", "").replace("|", ";"), d.get("affiliations", "").replace("|", ";"),
                     d.get("community", -1), d.get("degree_centrality", 0.0)])
    return _csv_text(header, rows, safe=False)


def neo4j_relationships_csv(graph: nx.Graph) -> str:
    header = [":START_ID", ":END_ID", ":TYPE", "weight:int", "npmi:float", "title", "documents:int"]
    rows = []
    for a, b, d in sorted(graph.edges(data=True)):
        rel_type = "HOLDS_POSITION_AT" if d.get("relation") == "holds_position_at" else "CO_OCCURS"
        if rel_type == "HOLDS_POSITION_AT" and graph.nodes[b].get("type") == "PERSON":
            a, b = b, a  # person -> organisation
        rows.append([a, b, rel_type, d.get("weight", 0), d.get("npmi", 0.0), d.get("title", ""), d.get("documents", 0)])
    return _csv_text(header, rows, safe=False)


FORMATS = ("html", "graphml", "gexf", "json", "csv")


def render_files(graph: nx.Graph, resolution, formats: tuple[str, ...]) -> dict:
    """The output files for the requested formats: relative name -> a function that renders
    the file's bytes. `write_outputs` renders each when it writes it, so one output at a time
    is in memory, and nothing is put in place until all are written."""
    files: dict = {}
    if "graphml" in formats:
        files["graph.graphml"] = lambda: graphml_bytes(graph)
    if "gexf" in formats:
        files["graph.gexf"] = lambda: gexf_bytes(graph)
    if "json" in formats:
        files["graph.json"] = lambda: node_link_text(graph).encode("utf-8")
    if "csv" in formats:
        files["entities.csv"] = lambda: entities_csv(graph).encode("utf-8")
        files["edges.csv"] = lambda: edges_csv(graph).encode("utf-8")
        files["relations.csv"] = lambda: relations_csv(resolution, graph).encode("utf-8")
        files["neo4j/nodes.csv"] = lambda: neo4j_nodes_csv(graph).encode("utf-8")
        files["neo4j/relationships.csv"] = lambda: neo4j_relationships_csv(graph).encode("utf-8")
    return files



# ---- putting files in place ----------------------------------------------------------------

OWN_FILES = ("graph.html", "graph.graphml", "graph.gexf", "graph.json", "entities.csv", "edges.csv",
             "relations.csv", "neo4j/nodes.csv", "neo4j/relationships.csv", "summary.json",
             "events.csv", "neo4j/events.csv")  # the last two: kg/events.py
STAGING_PREFIX = ".kg-staging-"
_STAGING_PID = re.compile(re.escape(STAGING_PREFIX) + r"(\d+)-")


class OutputError(RuntimeError):
    """kg could not write its outputs; the output folder holds what it held before."""


def _output_error(out_dir: Path, exc: OSError) -> OutputError:
    if exc.errno == errno.ENOSPC:
        reason = "no space left on device"
    elif exc.errno == errno.EDQUOT:
        reason = "disk quota exceeded"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        reason = "not writable (" + (exc.strerror or str(exc)) + ")"
    else:
        reason = exc.strerror or str(exc)
    where = f" ({exc.filename})" if exc.filename and exc.errno not in (errno.ENOSPC, errno.EDQUOT) else ""
    return OutputError(f"cannot write outputs to {out_dir}: {reason}{where}; earlier outputs there are unchanged")


def check_output_dir(out_dir: str | Path) -> bool:
    """Fail early, before any analysis, when `out_dir` cannot be made or written to.
    Returns whether it made the folder."""
    out_dir = Path(out_dir)
    made = not out_dir.is_dir()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-probe-", dir=out_dir)
        os.close(fd)
        os.unlink(probe)
        with output_lock(out_dir, wait=False) as locked:
            if locked:  # a commit killed midway is completed now, not only by the next write
                recover_commit(out_dir)
    except OSError as exc:
        raise _output_error(out_dir, exc) from None
    return made


def _alive(pid: int) -> bool:
    if os.name == "nt":  # os.kill(pid, 0) would end the process there
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_staging(out_dir: str | Path) -> list[str]:
    """Remove staging folders (and probe files) left in `out_dir` by runs that were killed."""
    removed = []
    try:
        entries = list(Path(out_dir).iterdir())
    except OSError:
        return removed
    for entry in entries:
        match = _STAGING_PID.match(entry.name)
        if not match:
            continue
        pid = int(match.group(1))
        if pid == os.getpid() or _alive(pid):
            continue  # this run, or another one still writing
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                entry.unlink()
        removed.append(entry.name)
    return removed


def _write_synced(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:  # mode 0666 less the umask: ordinary files
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    """Make renames in `path` durable (best effort: not every file system allows it)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def signals_deferred():
    """Hold SIGINT and SIGTERM while the body runs; deliver one to its handler afterwards
    (only when the body finished: on an exception, that exception is what propagates)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        previous[sig] = signal.signal(sig, lambda signum, frame: received.append(signum))
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
    if received:
        signum = received[0]
        handler = previous[signum]
        if callable(handler):
            handler(signum, None)
        elif handler == signal.SIG_DFL:
            signal.raise_signal(signum)


def _commit_step() -> None:
    """Test-only hooks that make races and crashes of the commit reproducible with real
    processes: KG_TEST_COMMIT_DELAY=S sleeps S seconds at every step, and
    KG_TEST_COMMIT_KILL=N kills this process (SIGKILL) at the N-th step (1-based)."""
    delay = os.environ.get("KG_TEST_COMMIT_DELAY")
    if delay:
        time.sleep(float(delay))
    kill_at = os.environ.get("KG_TEST_COMMIT_KILL")
    if kill_at:
        _commit_step.count = getattr(_commit_step, "count", 0) + 1
        if _commit_step.count == int(kill_at):
            os.kill(os.getpid(), signal.SIGKILL)


def _commit(staging: Path, out_dir: Path, names: list[str]) -> None:
    """Move staged files into `out_dir` and move away kg's files this run did not produce;
    on any failure put everything back as it was. Called with the folder locked.

    A journal written before the first move names the staging folder and the files; a
    process killed (SIGKILL, power loss) midway leaves it, and the next kg run completes
    the commit from it (`recover_commit`). So that this is always possible, every new file
    is at each moment either in place or still in the staging folder (a rollback moves it
    back there before putting the earlier file back)."""
    backup = staging / ".previous"
    placed: list[tuple[str, bool]] = []  # (name, an earlier file was there)
    moved_away: list[str] = []
    made_dirs: list[Path] = []
    remove = [name for name in OWN_FILES if name not in names and os.path.lexists(out_dir / name)
              and not (out_dir / name).is_dir()]
    _write_journal(out_dir, staging, names, remove)
    try:
        for name in names:
            target = out_dir / name
            if not target.parent.is_dir():
                target.parent.mkdir(parents=True)
                made_dirs.append(target.parent)
            had = os.path.lexists(target)
            if had:  # keep the earlier file (a second link: no copy, no space) to put back
                kept = backup / name
                kept.parent.mkdir(parents=True, exist_ok=True)
                try:
                    os.link(target, kept, follow_symlinks=False)
                except OSError:
                    shutil.copy2(target, kept, follow_symlinks=False)
            _commit_step()
            os.replace(staging / name, target)
            placed.append((name, had))
        for name in remove:
            kept = backup / name
            kept.parent.mkdir(parents=True, exist_ok=True)
            _commit_step()
            os.replace(out_dir / name, kept)
            moved_away.append(name)
    except BaseException:
        for name in moved_away:
            with contextlib.suppress(OSError):
                os.replace(backup / name, out_dir / name)
        for name, had in reversed(placed):
            with contextlib.suppress(OSError):
                os.replace(out_dir / name, staging / name)  # the new file stays recoverable
                if had:
                    os.replace(backup / name, out_dir / name)
        for folder in reversed(made_dirs):
            with contextlib.suppress(OSError):
                folder.rmdir()
        with contextlib.suppress(OSError):
            (out_dir / JOURNAL).unlink()
        raise
    for folder in {(out_dir / name).parent for name in moved_away} - {out_dir}:
        with contextlib.suppress(OSError):
            folder.rmdir()  # neo4j/ when this run wrote no CSV files (only if empty)
    for folder in {(out_dir / name).parent for name in names}:
        _fsync_dir(folder)
    _commit_step()
    (out_dir / JOURNAL).unlink()
    _fsync_dir(out_dir)


JOURNAL = ".kg-commit.json"  # present only while a commit is under way (or was killed midway)


def _write_journal(out_dir: Path, staging: Path, names: list[str], remove: list[str]) -> None:
    record = {"staging": staging.name, "place": names, "remove": remove, "pid": os.getpid()}
    atomic_write_bytes(out_dir / JOURNAL, json.dumps(record).encode("utf-8"))
    _fsync_dir(out_dir)


def recover_commit(out_dir: str | Path) -> bool:
    """Complete a commit that a killed kg left half done (its journal is still there): the
    staged files not yet in place are moved in and the earlier run's leftovers removed, so
    the folder holds the whole new set. Call with the folder locked. Returns whether there
    was anything to recover."""
    out_dir = Path(out_dir)
    journal = out_dir / JOURNAL
    try:
        record = json.loads(journal.read_bytes())
        staging = out_dir / record["staging"]
        place, remove = list(record["place"]), list(record["remove"])
    except FileNotFoundError:
        return False
    except (OSError, ValueError, KeyError, TypeError):  # written atomically, so not ours
        with contextlib.suppress(OSError):
            journal.unlink()
        return False
    if not _STAGING_PID.match(staging.name) or staging.parent != out_dir:
        journal.unlink()
        return False
    for name in place:
        source = staging / name
        if os.path.lexists(source):  # not yet moved in (or moved back by a rollback)
            (out_dir / name).parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, out_dir / name)
    for name in remove:
        target = out_dir / name
        if name not in place and os.path.lexists(target) and not target.is_dir():
            target.unlink()
    for folder in {(out_dir / name).parent for name in place + remove}:
        _fsync_dir(folder)
    journal.unlink()
    _fsync_dir(out_dir)
    shutil.rmtree(staging, ignore_errors=True)
    return True


LOCK_TIMEOUT = 600.0  # seconds a build waits for another one writing the same folder


class OutputBusy(OutputError):
    """Another kg build held the output folder for longer than the lock timeout."""


@contextlib.contextmanager
def output_lock(out_dir: Path, wait: bool = True):
    """Hold an exclusive lock on `out_dir` itself (flock on the folder: no lock file to leave
    behind; the kernel drops it when the process dies). Waits up to KG_LOCK_TIMEOUT seconds
    (default LOCK_TIMEOUT) for another build, then raises OutputBusy. With wait=False it
    yields False at once when the folder is busy."""
    if fcntl is None:  # pragma: no cover - Windows: no advisory locks on folders
        yield True
        return
    fd = os.open(out_dir, os.O_RDONLY)
    try:
        timeout = float(os.environ.get("KG_LOCK_TIMEOUT") or LOCK_TIMEOUT)
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not wait:
                    yield False
                    return
                if time.monotonic() >= deadline:
                    raise OutputBusy(f"another kg build is writing {out_dir}; gave up after waiting {timeout:g} s "
                                     "(KG_LOCK_TIMEOUT); earlier outputs there are unchanged") from None
                time.sleep(0.05)
        yield True
    finally:
        os.close(fd)  # releases the lock


def write_outputs(out_dir: str | Path, files: dict[str, bytes]) -> list[Path]:
    """Write every file so that `out_dir` holds either all of this run's outputs or,
    after a failure (raised as OutputError), exactly what it held before. kg's files of an
    earlier run that this run did not produce are removed, so runs never mix."""
    out_dir = Path(out_dir)
    names = sorted(files)
    for name in names:
        if Path(name).is_absolute() or ".." in Path(name).parts:
            raise ValueError(f"output file name {name!r} must be relative and stay inside the folder")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with output_lock(out_dir):  # a killed run's commit is completed before its staging counts as stale
            recover_commit(out_dir)
            remove_stale_staging(out_dir)
        staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=out_dir))
    except OSError as exc:
        raise _output_error(out_dir, exc) from None
    try:
        for name in names:
            data = files[name]
            # a callable renders its file only now: one output in memory at a time
            _write_synced(staging / name, data() if callable(data) else data)
            del data
        _fsync_dir(staging)
        # rendering needs no lock; the commit does: two builds into one folder never mix
        with output_lock(out_dir):
            recover_commit(out_dir)
            with signals_deferred():
                _commit(staging, out_dir, names)
    except OSError as exc:
        raise _output_error(out_dir, exc) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [out_dir / name for name in names]
