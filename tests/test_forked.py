"""kg.forked: work in a forked child gives what it gives here, and a failing child never
changes a result."""
import os
import threading

import pytest

from kg import forked

pytestmark = pytest.mark.skipif(not forked.can_fork(), reason="needs fork (Linux)")


def numbers(n: int, size: int = 10):
    for i in range(n):
        yield i, os.getpid(), "字" * size


def test_a_stream_gives_the_generators_items_in_order_from_another_process():
    items = list(forked.stream(numbers, 500, 3000))  # 4.5 MB: past the pipe, read as it comes
    assert [i for i, _, _ in items] == list(range(500))
    assert {pid for _, pid, _ in items} == {items[0][1]} and items[0][1] != os.getpid()
    assert all(text == "字" * 3000 for _, _, text in items)


def test_a_stream_runs_ahead_only_as_far_as_its_buffer(monkeypatch):
    monkeypatch.setattr(forked, "STREAM_BUFFER_BYTES", 10_000)
    stream = forked.stream(numbers, 300, 1000)
    first = next(stream)
    assert first[0] == 0
    assert [i for i, _, _ in stream] == list(range(1, 300))


def failing(n: int):
    yield from range(n)
    raise ValueError("bad input line 7")


def test_the_generators_exception_is_raised_here_after_its_items():
    got = []
    with pytest.raises(ValueError, match="bad input line 7"):
        for item in forked.stream(failing, 3):
            got.append(item)
    assert got == [0, 1, 2]


def test_a_reader_that_stops_early_ends_the_child():
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


def test_a_call_computes_in_a_child_and_a_failed_child_is_done_again_here(tmp_path):
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
