"""The options of a build: one object behind both `kg.build(...)` and `kg build`.

The CLI's flags and the Python keywords are this dataclass's fields (tests check that
neither adds one of its own), and every check of a value is made here, so the two faces
cannot drift apart. Kept free of spaCy so that `kg --help` stays quick.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from .export import FORMATS
from .graph import WINDOWS

# The CLI flag of each field whose name differs from the flag (`--no-cache`, `--quiet`,
# `--out`), so that an error names what the user typed.
CLI_FLAGS = {"out_dir": "--out", "use_cache": "--no-cache", "progress": "--quiet"}


class OptionError(ValueError):
    """A build option kg cannot use. `option` is the field's name, `flag` the CLI's."""

    def __init__(self, option: str, message: str):
        self.option, self.message = option, message
        self.flag = CLI_FLAGS.get(option, "--" + option.replace("_", "-"))
        super().__init__(f"{option}: {message}")


def parse_formats(formats: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """'html, csv' or ['html', 'csv'] -> ('html', 'csv'); raises OptionError on an unknown one."""
    items = formats.split(",") if isinstance(formats, str) else list(formats)
    chosen = tuple(dict.fromkeys(str(f).strip() for f in items if str(f).strip()))  # order kept, repeats once
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise OptionError("formats", f"unknown format(s) {', '.join(unknown) or '(none)'}; "
                                     f"choose from {', '.join(FORMATS)}")
    return chosen


@dataclass
class BuildOptions:
    """Every setting of one build (see README, "CLI"). Values are checked on creation."""

    out_dir: Path | None = None  # None: write no file (the graph stays in memory)
    model: str | None = None  # spaCy pipeline name or folder; None: kg's shipped zh_kg_news
    window: str = "sentence"  # co-occurrence unit: sentence, paragraph or document
    min_weight: int = 1
    min_npmi: float = -1.0
    max_edges: int = 100_000  # 0: no limit
    max_html_nodes: int = 300
    formats: tuple[str, ...] = FORMATS
    jobs: int = 0  # 0: all cores
    cache_dir: Path | None = None
    use_cache: bool = True
    aliases: Path | None = None
    strict: bool = False
    progress: bool = True
    spill_dir: Path | None = None  # where the per-document facts wait between passes (default: $TMPDIR)
    scheduler: str | None = None  # a Dask scheduler address or local:N (kg.distributed); None: the process pool

    def __post_init__(self) -> None:
        for name in ("out_dir", "cache_dir", "aliases", "spill_dir"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, Path):
                setattr(self, name, Path(value))
        if self.model is not None:
            self.model = str(self.model)
        self.formats = parse_formats(self.formats)
        if self.window not in WINDOWS:
            raise OptionError("window", f"{self.window!r} is not one of {', '.join(WINDOWS)}")
        self._integer("min_weight", 1)
        self._integer("max_edges", 0)
        self._integer("max_html_nodes", 1)
        self._integer("jobs", 0)
        if isinstance(self.min_npmi, bool) or not isinstance(self.min_npmi, (int, float)) \
                or not -1.0 <= self.min_npmi <= 1.0:
            raise OptionError("min_npmi", f"must be a number from -1 to 1, not {self.min_npmi!r}")
        self.min_npmi = float(self.min_npmi)
        if self.scheduler is not None:
            from .distributed import check_scheduler  # the value's form only: Dask is not imported

            try:
                self.scheduler = check_scheduler(self.scheduler)
            except ValueError as exc:
                raise OptionError("scheduler", str(exc)) from None
        if self.aliases is not None and not self.aliases.is_file():
            raise OptionError("aliases", f"file {str(self.aliases)!r} does not exist")

    def _integer(self, name: str, minimum: int) -> None:
        value = getattr(self, name)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise OptionError(name, f"must be a whole number of at least {minimum}, not {value!r}")

    def replace(self, **changes) -> BuildOptions:
        """A copy with some fields changed (checked again)."""
        return dataclasses.replace(self, **changes)
