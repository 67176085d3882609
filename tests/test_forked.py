"""kg.forked: work in a forked child gives what it gives here, and a failing child never
changes a result.

kg.forked forks only while no other thread runs, and a test session has threads left by
earlier tests: the checks that need a child run in a fresh interpreter (`in_fresh_python`)."""
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from kg import forked

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(not (hasattr(os, "fork") and sys.platform.startswith("linux")),
                                reason="needs fork (Linux)")


def in_fresh_python(check: str) -> None:
    done = subprocess.run([sys.executable, "-c", f"from tests.test_forked import {check}; {check}()"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr


def numbers(n: int, size: int = 10):
    for i in range(n):
        yield i, os.getpid(), "字" * size


def check_a_stream_gives_the_generators_items_in_order_from_another_process():
    assert forked.can_fork()  # no thread in a fresh interpreter: the child path really runs
    items = list(forked.stream(numbers, 500, 3000))  # 4.5 MB: past the pipe, read as it comes
    assert [i for i, _, _ in items] == list(range(500))
    assert {pid for _, pid, _ in items} == {items[0][1]} and items[0][1] != os.getpid()
    assert all(text == "字" * 3000 for _, _, text in items)


def check_a_stream_runs_ahead_only_as_far_as_its_buffer():
    forked.STREAM_BUFFER_BYTES = 10_000  # a fresh interpreter of its own
    stream = forked.stream(numbers, 300, 1000)
    first = next(stream)
    assert first[0] == 0
    assert [i for i, _, _ in stream] == list(range(1, 300))


def failing(n: int):
    yield from range(n)
    raise ValueError("bad input line 7")


def check_the_generators_exception_is_raised_here_after_its_items():
    got = []
    with pytest.raises(ValueError, match="bad input line 7"):
        for item in forked.stream(failing, 3):
            got.append(item)
    assert got == [0, 1, 2]


def check_a_reader_that_stops_early_ends_the_child():
    stream = forked.stream(numbers, 10_000_000)
    first, child, _ = next(stream)
    assert first == 0 and child != os.getpid()
    stream.close()  # runs the generator's finally: the child is killed and reaped
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)


def test_with_a_thread_running_the_work_stays_here():
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not forked.can_fork()
        assert {pid for _, pid, _ in forked.stream(numbers, 5)} == {os.getpid()}
        assert forked.call(os.getpid)() == os.getpid()
    finally:
        stop.set()
        thread.join()


def check_a_call_computes_in_a_child_and_a_failed_child_is_done_again_here():
    import tempfile

    tmp_path = Path(tempfile.mkdtemp())
    assert forked.call(os.getpid)() != os.getpid()
    assert forked.call(sorted, [3, 1, 2])() == [1, 2, 3]
    marker = tmp_path / "ran-here"

    def dies_in_the_child(parent: int):
        if os.getpid() != parent:
            os._exit(3)
        marker.write_text("yes")
        return "done here"

    assert forked.call(dies_in_the_child, os.getpid())() == "done here"
    assert marker.read_text() == "yes"


def first_then_waits(signal_file: str):
    """One item, then the next only once the reader has signalled that it has the first
    (or, after 20 s, "late": the first item was held back in the child's buffer)."""
    import time

    yield "first"
    deadline = time.monotonic() + 20
    while not os.path.exists(signal_file) and time.monotonic() < deadline:
        time.sleep(0.01)
    yield "second" if os.path.exists(signal_file) else "late"


def check_a_streams_first_item_comes_before_the_child_makes_more():
    import tempfile

    signal_file = os.path.join(tempfile.mkdtemp(), "got-first")
    stream = forked.stream(first_then_waits, signal_file)
    assert next(stream) == "first"
    Path(signal_file).write_text("yes")
    assert list(stream) == ["second"]


def test_a_streams_first_item_comes_before_the_child_makes_more():
    """A build starts loading the model on the first document, while the child reads on."""
    in_fresh_python("check_a_streams_first_item_comes_before_the_child_makes_more")


def test_a_stream_gives_the_generators_items_in_order_from_another_process():
    in_fresh_python("check_a_stream_gives_the_generators_items_in_order_from_another_process")


def test_a_stream_runs_ahead_only_as_far_as_its_buffer():
    in_fresh_python("check_a_stream_runs_ahead_only_as_far_as_its_buffer")


def test_the_generators_exception_is_raised_here_after_its_items():
    in_fresh_python("check_the_generators_exception_is_raised_here_after_its_items")


def test_a_reader_that_stops_early_ends_the_child():
    in_fresh_python("check_a_reader_that_stops_early_ends_the_child")


def test_a_call_computes_in_a_child_and_a_failed_child_is_done_again_here():
    in_fresh_python("check_a_call_computes_in_a_child_and_a_failed_child_is_done_again_here")
