"""One function computed in a forked child while this process goes on with other work.

After the analysis a build's tail runs on one core; where two steps of it need only what is
already computed (the corpus's events need the facts and the entities, not the graph), a
child forked at that moment computes one while this process computes the other. The child
sees this process's memory as it was at the fork (copy-on-write) and sends back only its
result, pickled, through a pipe. Where fork is missing, or a thread is running (forking
then could copy a lock held by a thread that does not exist in the child), or the child
fails, the function is computed here when its result is asked for: the result never
depends on the child.
"""
from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import threading
from typing import Any, Callable, Iterator


def can_fork() -> bool:
    return hasattr(os, "fork") and sys.platform.startswith("linux") and threading.active_count() == 1


def call(function: Callable[..., Any], *args) -> Callable[[], Any]:
    """Starts `function(*args)` in a forked child; the function returned waits for its
    result (or computes it here, when no child could do it)."""
    if not can_fork():
        return lambda: function(*args)
    read, write = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read)
        os.close(write)
        return lambda: function(*args)
    if pid == 0:  # the child: compute, send, and end without running this process's exit handlers
        code = 1
        try:
            os.close(read)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            data = pickle.dumps(function(*args), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write, "wb") as out:
                out.write(data)
            code = 0
        finally:
            os._exit(code)
    os.close(write)

    def result() -> Any:
        with os.fdopen(read, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(pid, 0)
        if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 and data:
            try:
                return pickle.loads(data)
            except Exception:  # noqa: BLE001 - a damaged answer: compute it here
                pass
        return function(*args)

    return result


STREAM_BUFFER_BYTES = 16 << 20  # what a stream holds here ahead of its reader (the child waits past it)
PIPE_BYTES = 1 << 20  # Linux's default limit for an unprivileged process
_END, _ERROR = "kg-forked-end", "kg-forked-error"


def stream(function: Callable[..., Iterator], *args) -> Iterator:
    """The items of the generator `function(*args)`, made in a forked child that runs ahead
    of the reader (by at most STREAM_BUFFER_BYTES of pickled items), so that its work
    overlaps whatever this process does meanwhile (a build reads and cleans the articles in
    a child while it loads the model). The items are those `function(*args)` gives here,
    in order; an exception of the generator is raised here. Where no child can be forked,
    the generator runs here."""
    if not can_fork():
        yield from function(*args)
        return
    read, write = os.pipe()
    with contextlib.suppress(OSError, AttributeError):  # a big pipe: the reading thread wakes (and takes the GIL) rarely
        import fcntl

        fcntl.fcntl(write, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    try:
        pid = os.fork()
    except OSError:
        os.close(read)
        os.close(write)
        yield from function(*args)
        return
    if pid == 0:
        _stream_child(read, write, function, args)
    os.close(write)
    frames = _Frames(read)
    try:
        while True:
            item = pickle.loads(frames.next())
            if isinstance(item, tuple) and len(item) == 2 and item[0] == _ERROR:
                raise item[1]
            if item == _END:
                return
            yield item
    finally:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)  # done, or a reader that stopped early: the child is not needed
        frames.close()
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)


def _stream_child(read: int, write: int, function, args) -> None:
    code = 1
    try:
        os.close(read)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        with os.fdopen(write, "wb", buffering=PIPE_BYTES) as out:
            def send(item) -> None:
                data = pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)
                out.write(len(data).to_bytes(8, "little"))
                out.write(data)
            try:
                for count, item in enumerate(function(*args)):
                    send(item)
                    if count == 0:  # the first item at once (the reader may start work on it), the rest in big writes
                        out.flush()
                send(_END)
            except Exception as exc:  # noqa: BLE001 - raised in the reader instead
                try:
                    send((_ERROR, exc))
                except Exception:  # noqa: BLE001 - an exception that does not pickle
                    send((_ERROR, RuntimeError(f"{type(exc).__name__}: {exc}")))
        code = 0
    finally:
        os._exit(code)


class _Frames:
    """Length-prefixed frames from a pipe, drained by a thread into a bounded buffer (a
    child blocked on a full pipe would otherwise wait for this process)."""

    def __init__(self, fd: int):
        self._fd = fd
        self._buffer = bytearray()
        self._done = False
        self._closed = False
        self._ready = threading.Condition()
        self._thread = threading.Thread(target=self._drain, name="kg-forked-stream", daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        try:
            while True:
                with self._ready:
                    while len(self._buffer) > STREAM_BUFFER_BYTES and not self._closed:
                        self._ready.wait()
                    if self._closed:
                        return
                chunk = os.read(self._fd, 4 * PIPE_BYTES)
                with self._ready:
                    if not chunk:
                        return
                    self._buffer += chunk
                    self._ready.notify_all()
        except OSError:
            return
        finally:
            with self._ready:
                self._done = True
                self._ready.notify_all()

    def _take(self, size: int) -> bytes:
        with self._ready:
            while len(self._buffer) < size:
                if self._done:
                    raise EOFError("the child ended before its last item")
                self._ready.wait()
            data = bytes(self._buffer[:size])
            del self._buffer[:size]
            self._ready.notify_all()
            return data

    def next(self) -> bytes:
        return self._take(int.from_bytes(self._take(8), "little"))

    def close(self) -> None:
        with self._ready:
            self._closed = True
            self._ready.notify_all()
        self._thread.join(timeout=5)
        with contextlib.suppress(OSError):
            os.close(self._fd)
