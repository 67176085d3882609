"""Find input files, detect their encoding and turn them into `Document`s.

Supported: .txt, .md, .html/.htm (visible text only), .jsonl/.json (one article per line
with `text` and optional `id`, `title`, `date`, `url`, `source`; a JSON array of such
objects, or one such object, also works). Anything kg cannot use becomes a `Skipped` with
the file (and line) and the reason; nothing here raises for bad input.

Encodings are detected per file (kg.decode): a file that is one of the supported encodings
except for a few undecodable bytes is used, the bytes replaced by U+FFFD (which no entity
name ever contains) and reported as a `Skipped` naming the first line they are on.

File names are taken as the file system gives them (bytes that are not UTF-8 survive as
surrogate escapes, so the file can still be opened); wherever a name is shown or written
(document ids, `Skipped` paths, hence warnings and summary.json) it is `printable_path`:
such bytes as \\xNN, control and direction characters escaped, so a name can neither break
a writer nor forge a line of output.

Memory stays bounded whatever the file size: files over STREAM_BYTES (.txt, .md, .jsonl)
are decoded block by block, and a text longer than MAX_PART_CHARS becomes several
documents (`name#part1`, `name#part2`, ...) cut at paragraph ends, else at sentence ends.
.html and .json files are parsed whole and must be under MAX_FILE_BYTES.
"""
from __future__ import annotations

import contextlib
import glob
import json
import os
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterable, Iterator

from .clean import CLOSERS, SENTENCE_END
from .decode import (  # noqa: F401 - re-exported: kg.ingest is where callers look for them
    BLOCK_BYTES, CANDIDATE_ENCODINGS, DETECT_BYTES, STREAM_BYTES, Damage, DecodeError, Decoded, TextReader,
    decode_bytes, decode_file_bytes, detect_encoding)
from .dates import html_metadata, with_metadata
from .types import Document, Skipped

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".jsonl", ".json"}
WHOLE_SUFFIXES = {".html", ".htm", ".json"}  # parsed whole, so limited to MAX_FILE_BYTES
MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_PART_CHARS = 200_000  # a longer text is split into several documents


@dataclass
class InputFile:
    path: Path  # as the file system gives it (opens the file)
    display: str  # path relative to the input root it was found under: the document id (printable)

    @property
    def shown(self) -> str:
        """The path as kg shows and writes it (printable_path)."""
        return printable_path(self.path)


_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff\ud800-\udfff]")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, kept by os.fsdecode (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return _ESCAPES.get(match.group()) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def printable_path(path: str | os.PathLike | bytes) -> str:
    """A file name as text that every writer accepts and that prints as one line: bytes that
    are not UTF-8 become \\xNN, line ends \\n, other control and direction characters
    \\xNN or \\uNNNN (a name cannot forge a warning line or reorder one)."""
    text = os.fsdecode(path) if isinstance(path, bytes) else os.fspath(path)
    return text if text.isprintable() else _UNPRINTABLE.sub(_escape, text)


@dataclass
class IngestResult:
    documents: list[Document] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


# ---- finding files -------------------------------------------------------------------------


def _written_by_kg(folder: Path) -> bool:
    """Whether `folder` holds the outputs of a kg build (its summary.json says so): kg's
    files there are never inputs, even when that build's --out is not this one's."""
    try:
        with open(folder / "summary.json", "rb") as handle:
            summary = json.loads(handle.read(4 * 1024 * 1024))
    except (OSError, ValueError, RecursionError):
        return False
    return isinstance(summary, dict) and "kg_version" in summary and "outputs" in summary


def find_inputs(paths: Iterable[str], exclude: Iterable[str | Path] = (),
                notes: list[str] | None = None) -> tuple[list[InputFile], list[Skipped]]:
    """Expand files, folders (recursively) and globs into input files, sorted per argument.

    Hidden files and folders (name starting with '.') are left out silently, and so is
    kg's own output folder (`exclude`): wholly when it lies inside an input folder, only
    kg's own files in it when it is an input folder or above one (`--out .`), so the inputs
    are still read; either way a line in `notes` says so. Files of other types, broken
    links and special files (FIFOs, devices) are reported as skipped.
    """
    from .export import OWN_FILES  # the names of kg's own output files

    files: list[InputFile] = []
    skipped: list[Skipped] = []
    seen: set[Path] = set()
    outs = [Path(p).resolve() for p in exclude]
    own = {out / name for out in outs for name in OWN_FILES}
    inside: set[Path] = set()  # output folders inside an input folder: left out whole

    def note(line: str) -> None:
        if notes is not None and line not in notes:
            notes.append(line)

    def is_excluded(resolved: Path) -> bool:
        return resolved in own or any(resolved == e or e in resolved.parents for e in inside)

    def add(path: Path, display: str) -> None:
        if path.is_symlink() and not path.exists():
            skipped.append(Skipped(printable_path(path), "unreadable: broken symbolic link"))
            return
        try:
            resolved = path.resolve()
        except (OSError, RuntimeError) as exc:  # symlink loop
            skipped.append(Skipped(printable_path(path), f"unreadable: {printable_path(str(exc))}"))
            return
        if resolved in seen or is_excluded(resolved):
            return
        if not path.is_file():
            skipped.append(Skipped(printable_path(path), "not a regular file"))
            return
        seen.add(resolved)
        files.append(InputFile(path, printable_path(display.replace(os.sep, "/"))))

    def walk(root: Path) -> None:
        found: list[tuple[tuple[str, ...], Path]] = []
        visited: set[str] = set()
        with contextlib.suppress(OSError, RuntimeError):
            real_root = root.resolve()
            for out in outs:
                if real_root in out.parents:
                    inside.add(out)
                    note(f"the output folder {printable_path(out)} is inside the input folder "
                         f"{printable_path(root)}: it is not read as input")
                elif out == real_root or out in real_root.parents:
                    note(f"the output folder {printable_path(out)} holds the input folder {printable_path(root)}: "
                         "its files are read, kg's own output files there are not")

        def unreadable(exc: OSError) -> None:
            skipped.append(Skipped(printable_path(exc.filename or root), f"unreadable folder: {exc.strerror or exc}"))

        for folder, dirnames, filenames in os.walk(root, onerror=unreadable, followlinks=True):
            real = os.path.realpath(folder)
            if real in visited or is_excluded(Path(real)):  # a link loop, or kg's own outputs
                dirnames[:] = []
                continue
            visited.add(real)
            if "summary.json" in filenames and _written_by_kg(Path(real)):  # an earlier run's --out
                own.update(Path(real) / name for name in OWN_FILES)
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in filenames:
                if name.startswith(".") or Path(real, name) in own:  # hidden, or kg's own output file
                    continue
                sub = Path(folder, name)
                found.append((sub.relative_to(root).parts, sub))
        for _, sub in sorted(found):
            if sub.suffix.lower() in TEXT_SUFFIXES:
                add(sub, str(sub.relative_to(root)))
            else:
                skipped.append(Skipped(printable_path(sub), f"unsupported file type {printable_path(sub.suffix) or '(none)'}"))

    def expand(path: Path) -> None:
        if path.is_dir():
            walk(path)
        else:
            add(path, path.name)

    for arg in paths:
        path = Path(arg)
        if path.exists() or path.is_symlink():
            expand(path)
            continue
        matches = sorted(glob.glob(arg, recursive=True))
        if not matches:
            skipped.append(Skipped(printable_path(arg), "no such file, folder or glob match"))
        for match in matches:
            expand(Path(match))
    return files, skipped


# ---- splitting long texts ------------------------------------------------------------------



def _cut_point(text: str, limit: int) -> int:
    """Where to end a part of at most `limit` characters: after a line end, else after a
    sentence end, else after a comma or space, in the second half; else at `limit`."""
    low = limit // 2
    cut = text.rfind("\n", low, limit)
    if cut >= 0:
        return cut + 1
    cut = max(text.rfind(ch, low, limit) for ch in SENTENCE_END)
    if cut >= 0:
        cut += 1
        while cut < limit and text[cut] in CLOSERS:
            cut += 1
        return cut
    cut = max(text.rfind(ch, low, limit) for ch in "，,、 \t")
    return cut + 1 if cut >= 0 else limit


def split_parts(pieces: Iterable[str], limit: int | None = None) -> Iterator[str]:
    """Re-cut a stream of text pieces into parts of at most `limit` characters, at
    paragraph or sentence ends where possible. Joined, the parts are the input."""
    limit = limit or MAX_PART_CHARS
    pending: list[str] = []
    size = 0
    for piece in pieces:
        pending.append(piece)
        size += len(piece)
        if size <= limit:
            continue
        buffer = "".join(pending)
        while len(buffer) > limit:
            cut = _cut_point(buffer, limit)
            yield buffer[:cut]
            buffer = buffer[cut:]
        pending, size = [buffer], len(buffer)
    if size:
        yield "".join(pending)


def _part_ids(base: str, parts: Iterable[str]) -> Iterator[tuple[str, str]]:
    """(id, text) of each non-blank part: `base` when there is one, `base#partN` when many."""
    held: str | None = None
    number = 0
    for part in parts:
        if not part.strip():
            continue
        if held is not None:
            number += 1
            yield f"{base}#part{number}", held
        held = part
    if held is not None:
        yield (f"{base}#part{number + 1}" if number else base), held


# ---- formats -------------------------------------------------------------------------------

class _VisibleText(HTMLParser):
    """Collects visible text of an HTML page as paragraphs; prefers the article body."""

    BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section",
             "article", "header", "footer", "blockquote", "pre", "td", "th", "dd", "dt", "ul", "ol", "table"}
    HIDDEN = {"script", "style", "noscript", "template", "head", "svg", "iframe", "object"}
    CHROME = {"nav", "footer", "aside", "menu", "form", "button", "select"}
    ARTICLE_HINT = re.compile(r"article|content|正文|main|text|detail", re.I)

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self._in_title = False
        self._hidden = 0
        self._chrome = 0
        self._stack: list[tuple[str, bool]] = []  # (tag, is_article_container)
        self._article_depth = 0
        self.all_parts: list[str] = []
        self.article_parts: list[str] = []
        self.has_article = False

    def handle_starttag(self, tag, attrs):
        tag = tag.lower()
        if tag == "title":
            self._in_title = True
        if tag in self.HIDDEN:
            self._hidden += 1
            return
        if tag in ("br", "img", "hr", "meta", "link", "input"):
            if tag == "br":
                self._newline()
            return
        if tag in self.CHROME:
            self._chrome += 1
        hint = " ".join(v or "" for k, v in attrs if k in ("class", "id"))
        is_article = tag == "article" or bool(hint and self.ARTICLE_HINT.search(hint))
        if is_article:
            self._article_depth += 1
            self.has_article = True
        self._stack.append((tag, is_article))
        if tag in self.BLOCK:
            self._newline()

    def handle_endtag(self, tag):
        tag = tag.lower()
        if tag == "title":
            self._in_title = False
        if tag in self.HIDDEN:
            self._hidden = max(0, self._hidden - 1)
            return
        if tag in self.CHROME:
            self._chrome = max(0, self._chrome - 1)
        # close up to the matching start tag (HTML in the wild is not well nested)
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                for _, was_article in self._stack[i:]:
                    if was_article:
                        self._article_depth -= 1
                del self._stack[i:]
                break
        if tag in self.BLOCK:
            self._newline()

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        if self._hidden or self._chrome:
            return
        self.all_parts.append(data)
        if self._article_depth > 0:
            self.article_parts.append(data)

    def _newline(self):
        self.all_parts.append("\n")
        if self._article_depth > 0:
            self.article_parts.append("\n")

    def text(self) -> str:
        parts = self.article_parts if self.has_article and "".join(self.article_parts).strip() else self.all_parts
        lines = [re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in "".join(parts).split("\n")]
        return "\n".join(lines)


def html_to_text(html: str) -> tuple[str, str]:
    """(visible text with paragraphs on separate lines, page title)."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return parser.text(), parser.title.strip()


_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_PREFIX = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")


def markdown_to_text(markdown: str) -> str:
    lines = []
    for line in markdown.splitlines():
        if re.match(r"^\s*(```|---+\s*$|\*\*\*+\s*$)", line):
            lines.append("")
            continue
        line = _MD_PREFIX.sub("", line)
        line = _MD_LINK.sub(r"\1", line)
        line = _MD_EMPHASIS.sub("", line)
        lines.append(line)
    return "\n".join(lines)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _json_string(value, fixed: list[int]) -> str:
    """A JSON field as text; lone surrogates (valid JSON escapes, invalid text) become U+FFFD."""
    text = "" if value is None else str(value)
    text, count = _SURROGATE.subn("\ufffd", text)
    fixed[0] += count
    return text


def _record_documents(item, file: InputFile, skipped: list[Skipped], lineno: int, unit: str,
                      default_id: str) -> Iterator[Document]:
    path = file.shown
    if not isinstance(item, dict) or not isinstance(item.get("text"), str):
        skipped.append(Skipped(path, f"JSON {unit} has no string field 'text'", lineno))
        return
    fixed = [0]
    text = _json_string(item["text"], fixed)
    if not text.strip():
        skipped.append(Skipped(path, "empty text", lineno))
        return
    doc_id = _json_string(item.get("id") or default_id, fixed)
    fields = {name: _json_string(item.get(name) or "", fixed) for name in ("title", "date", "url", "source")}
    if fixed[0]:
        skipped.append(Skipped(path, f"{fixed[0]} invalid character(s) (lone surrogate escapes) replaced by U+FFFD",
                               lineno))
    for part_id, part in _part_ids(doc_id, split_parts([text])):
        yield Document(id=part_id, text=part, path=path, **fields)


def _numbered_lines(pieces: Iterable[str]) -> Iterator[tuple[int, str]]:
    """Lines split on "\\n" only (U+2028 and friends are valid inside JSON strings)."""
    pending: list[str] = []
    number = 0
    for piece in pieces:
        if "\n" not in piece:
            pending.append(piece)
            continue
        lines = piece.split("\n")
        pending.append(lines[0])
        number += 1
        yield number, "".join(pending)
        for line in lines[1:-1]:
            number += 1
            yield number, line
        pending = [lines[-1]]
    if pending and "".join(pending):
        yield number + 1, "".join(pending)


def _json_documents(reader: TextReader, file: InputFile, skipped: list[Skipped]) -> Iterator[Document]:
    path = file.shown
    if file.path.suffix.lower() == ".json":
        text = "".join(reader.pieces())
        stripped = text.lstrip()
        if stripped.startswith(("[", "{")):
            try:
                whole = json.loads(text)
            except json.JSONDecodeError as exc:
                if stripped.startswith("["):
                    skipped.append(Skipped(path, f"invalid JSON: {exc.msg}", exc.lineno))
                    return
                whole = None  # several objects: one per line
            except RecursionError:
                skipped.append(Skipped(path, "invalid JSON: nested too deeply"))
                return
            if isinstance(whole, list):
                for index, item in enumerate(whole, 1):
                    yield from _record_documents(item, file, skipped, index, "item", f"{file.display}#{index}")
                return
            if isinstance(whole, dict):
                yield from _record_documents(whole, file, skipped, 1, "object", file.display)
                return
        lines: Iterable[tuple[int, str]] = enumerate(text.split("\n"), 1)
    else:
        lines = _numbered_lines(reader.pieces())
    for lineno, line in lines:
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            skipped.append(Skipped(path, f"invalid JSON line: {exc.msg}", lineno))
            continue
        except RecursionError:
            skipped.append(Skipped(path, "invalid JSON line: nested too deeply", lineno))
            continue
        yield from _record_documents(item, file, skipped, lineno, "line", f"{file.display}#{lineno}")


def _html_documents(reader: TextReader, file: InputFile) -> Iterator[Document]:
    page = "".join(reader.pieces())
    text, title = html_to_text(page)
    meta = html_metadata(page)  # date, url, source declared in <meta>/<time>
    for doc_id, part in _part_ids(file.display, split_parts([text])):
        yield with_metadata(Document(id=doc_id, text=part, path=file.shown, title=title), meta)


def _text_documents(reader: TextReader, file: InputFile, markdown: bool) -> Iterator[Document]:
    parts: Iterable[str] = split_parts(reader.pieces())
    if markdown:
        parts = (markdown_to_text(part) for part in parts)
    for doc_id, part in _part_ids(file.display, parts):
        yield Document(id=doc_id, text=part, path=file.shown)


def read_file(file: InputFile, skipped: list[Skipped]) -> Iterator[Document]:
    """Documents of one file; problems are appended to `skipped`."""
    path = file.shown
    suffix = file.path.suffix.lower()
    try:
        reader = TextReader(file.path)
    except OSError as exc:
        skipped.append(Skipped(path, f"unreadable: {exc.strerror or exc}"))
        return
    if suffix in WHOLE_SUFFIXES and reader.size > MAX_FILE_BYTES:
        skipped.append(Skipped(path, f"file larger than {MAX_FILE_BYTES // 2**20} MB ({suffix} files are read whole)"))
        return
    skips_before = len(skipped)
    count = 0
    try:
        if suffix in (".jsonl", ".json"):
            documents = _json_documents(reader, file, skipped)
        elif suffix in (".html", ".htm"):
            documents = _html_documents(reader, file)
        else:
            documents = _text_documents(reader, file, markdown=suffix in (".md", ".markdown"))
        for doc in documents:
            count += 1
            yield with_metadata(doc)  # dates normalised, or read from a dateline
    except OSError as exc:
        where = f" after {count} document(s)" if count else ""
        skipped.append(Skipped(path, f"unreadable{where}: {exc.strerror or exc}"))
    except DecodeError as exc:
        skipped.append(Skipped(path, str(exc)))
        return
    else:
        if reader.empty:
            skipped.append(Skipped(path, "empty file"))
        elif count == 0 and len(skipped) == skips_before:
            skipped.append(Skipped(path, "no text"))
    if reader.uncertain:
        skipped.append(Skipped(path, reader.uncertain + "; the file was used"))
    if reader.damage.count:
        skipped.append(Skipped(
            path,
            f"{reader.damage.count} undecodable byte(s) (not valid {reader.encoding}) replaced by U+FFFD; "
            "the rest of the file was used",
            reader.damage.first_line,
        ))


def ingest(paths: Iterable[str], exclude: Iterable[str | Path] = ()) -> IngestResult:
    files, skipped = find_inputs(paths, exclude)
    result = IngestResult(skipped=skipped)
    for file in files:
        result.documents.extend(read_file(file, result.skipped))
    return result


def iter_documents(paths: Iterable[str], skipped: list[Skipped], exclude: Iterable[str | Path] = (),
                   notes: list[str] | None = None) -> Iterator[Document]:
    """Streaming form of `ingest`: documents one file at a time (`notes`: see find_inputs)."""
    files, early = find_inputs(paths, exclude, notes)
    skipped.extend(early)
    for file in files:
        yield from read_file(file, skipped)
