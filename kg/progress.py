"""The build's progress bar: documents done of an estimated total, with the time left, and
a line while the model loads (which takes seconds before the first document is done).

The total is counted before the build from the inputs' names and sizes, without decoding
them: one document per file, a JSONL file's lines, a long file's 200,000-character parts
(about 600 kB of UTF-8). The bar grows its total if the count was short.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Iterable, Iterator

PART_BYTES = 600_000  # about one 200,000-character part of UTF-8 Chinese text


def _lines(path: Path) -> int:
    count, last = 0, b"\n"
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                count += block.count(b"\n")
                last = block[-1:]
    except OSError:
        return 1
    return count + (last != b"\n")


def estimate_documents(paths: Iterable[str], exclude: Iterable = ()) -> int:
    from .ingest import find_inputs

    files, _ = find_inputs(list(paths), exclude)
    total = 0
    for file in files:
        path = Path(file.path)
        suffix = path.suffix.lower()
        if suffix == ".jsonl":
            total += max(1, _lines(path))
        else:
            try:
                size = path.stat().st_size
            except OSError:
                size = 0
            total += max(1, -(-size // PART_BYTES)) if suffix != ".json" else 1
    return total


def model_notice(enabled: bool):
    """A function the build calls just before it loads the model (or None)."""
    if not enabled:
        return None

    def notice(model: str | None = None) -> None:
        line = f"kg: loading the NER model ({model or 'zh_kg_news'}) …"
        try:
            from tqdm import tqdm

            tqdm.write(line, file=sys.stderr)  # above the bar, not inside it
        except ImportError:  # pragma: no cover
            print(line, file=sys.stderr, flush=True)

    return notice


def progress(iterable: Iterable, enabled: bool, total: int | None = None) -> Iterator:
    """`iterable` with a tqdm bar on stderr (none when disabled, not a terminal, or no tqdm)."""
    if not enabled:
        yield from iterable
        return
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover
        yield from iterable
        return
    try:
        size = os.get_terminal_size(sys.stderr.fileno())
    except (OSError, ValueError, AttributeError):
        size = os.terminal_size((0, 0))
    # a terminal that reports no size (some ptys, CI) would get an empty or hidden bar
    class Bar(tqdm):
        monitor_interval = 0  # no monitor thread: kg forks helpers only while no other thread runs (kg.forked)

    bar = Bar(total=total or None, desc="documents", unit="doc", file=sys.stderr, disable=None, leave=False,
               dynamic_ncols=size.columns > 0, ncols=None if size.columns > 0 else 80,
               nrows=None if size.lines > 0 else 24)
    try:
        for item in iterable:
            if bar.total is not None and bar.n >= bar.total:
                bar.total = bar.n + 1  # the estimate was short
            bar.update(1)
            yield item
    finally:
        bar.close()
