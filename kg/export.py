"""The one way kg puts its files on disk (the writers are in kg/writers.py).

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
import errno
import json
import os
import re
import shutil
import signal
import tempfile
import threading
import time
from pathlib import Path

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


# The writers live in kg/writers.py; their names stay importable from here.
from .writers import (  # noqa: F401
    DOCUMENT_COLUMNS, EDGE_COLUMNS, ENTITY_COLUMNS, FORMATS, RELATION_COLUMNS, _is_number, documents_csv, edges_csv,
    entities_csv,
    gexf_bytes, graphml_bytes, neo4j_nodes_csv, neo4j_relationships_csv, node_link_text, relations_csv,
    render_files, sanitized_graph, spreadsheet_safe, strip_illegal, xml_safe,
)


# ---- putting files in place ----------------------------------------------------------------

OWN_FILES = ("graph.html", "graph.graphml", "graph.gexf", "graph.json", "entities.csv", "edges.csv", "documents.csv",
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
        # a killed run's commit is completed before its staging counts as stale; when another
        # build holds the folder it is alive and will do both, so this run stages meanwhile
        with output_lock(out_dir, wait=False) as held:
            if held:
                recover_commit(out_dir)
                remove_stale_staging(out_dir)
        staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=out_dir))
    except OSError as exc:
        raise _output_error(out_dir, exc) from None
    try:
        for name in files:  # in the caller's order (summary.json last: it states the write's time)
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
