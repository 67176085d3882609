"""Find input files, detect their encoding and turn them into `Document`s.

Supported: .txt, .md, .html/.htm (visible text only), .jsonl/.json (one article per line
with `text` and optional `id`, `title`, `date`, `url`, `source`; a JSON array of such
objects, or one such object, also works). Anything kg cannot use becomes a `Skipped` with
the file (and line) and the reason; nothing here raises for bad input.

Encodings are detected per file: a byte-order mark (UTF-8, UTF-16, UTF-32), else UTF-8,
UTF-16 LE/BE without a mark, else GB18030 (which covers GBK and GB2312) or Big5 as chosen
by charset-normalizer. A file that is one of these except for a few undecodable bytes is
used, the bytes replaced by U+FFFD (which no entity name ever contains) and reported as a
`Skipped` naming the first line they are on.

Memory stays bounded whatever the file size: files over STREAM_BYTES (.txt, .md, .jsonl)
are decoded block by block, and a text longer than MAX_PART_CHARS becomes several
documents (`name#part1`, `name#part2`, ...) cut at paragraph ends, else at sentence ends.
.html and .json files are parsed whole and must be under MAX_FILE_BYTES.
"""
from __future__ import annotations

import codecs
import glob
import json
import os
import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator

from charset_normalizer import from_bytes

from .clean import CLOSERS, SENTENCE_END
from .dates import html_metadata, with_metadata
from .types import Document, Skipped

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".jsonl", ".json"}
WHOLE_SUFFIXES = {".html", ".htm", ".json"}  # parsed whole, so limited to MAX_FILE_BYTES
MAX_FILE_BYTES = 512 * 1024 * 1024
STREAM_BYTES = 8 * 1024 * 1024  # larger .txt/.md/.jsonl files are decoded block by block
BLOCK_BYTES = 1024 * 1024  # one block of a streamed file; its first block decides the encoding
DETECT_BYTES = 256 * 1024  # charset-normalizer judges this much of a file
MAX_PART_CHARS = 200_000  # a longer text is split into several documents
MAX_CONTROL_RATIO = 0.10  # more control characters than this (PDF extracts have a few): a binary file
MAX_DAMAGED_RATIO = 0.05  # more undecodable bytes than this: not text in the detected encoding

# Encodings charset-normalizer chooses from when a file is neither UTF-8 nor UTF-16.
CANDIDATE_ENCODINGS = ["gb18030", "big5"]


class DecodeError(ValueError):
    pass


@dataclass
class InputFile:
    path: Path
    display: str  # path relative to the input root it was found under: the document id


@dataclass
class IngestResult:
    documents: list[Document] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


# ---- finding files -------------------------------------------------------------------------


def find_inputs(paths: Iterable[str], exclude: Iterable[str | Path] = ()) -> tuple[list[InputFile], list[Skipped]]:
    """Expand files, folders (recursively) and globs into input files, sorted per argument.

    Hidden files and folders (name starting with '.') and anything under `exclude` (kg's
    own output folder) are left out silently; files of other types, broken links and
    special files (FIFOs, devices) are reported as skipped.
    """
    files: list[InputFile] = []
    skipped: list[Skipped] = []
    seen: set[Path] = set()
    excluded = [Path(p).resolve() for p in exclude]

    def is_excluded(resolved: Path) -> bool:
        return any(resolved == e or e in resolved.parents for e in excluded)

    def add(path: Path, display: str) -> None:
        if path.is_symlink() and not path.exists():
            skipped.append(Skipped(str(path), "unreadable: broken symbolic link"))
            return
        try:
            resolved = path.resolve()
        except (OSError, RuntimeError) as exc:  # symlink loop
            skipped.append(Skipped(str(path), f"unreadable: {exc}"))
            return
        if resolved in seen or is_excluded(resolved):
            return
        if not path.is_file():
            skipped.append(Skipped(str(path), "not a regular file"))
            return
        seen.add(resolved)
        files.append(InputFile(path, display.replace(os.sep, "/")))

    def walk(root: Path) -> None:
        found: list[tuple[tuple[str, ...], Path]] = []
        visited: set[str] = set()

        def unreadable(exc: OSError) -> None:
            skipped.append(Skipped(str(exc.filename or root), f"unreadable folder: {exc.strerror or exc}"))

        for folder, dirnames, filenames in os.walk(root, onerror=unreadable, followlinks=True):
            real = os.path.realpath(folder)
            if real in visited or is_excluded(Path(real)):  # a link loop, or kg's own outputs
                dirnames[:] = []
                continue
            visited.add(real)
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in filenames:
                if name.startswith("."):
                    continue
                sub = Path(folder, name)
                found.append((sub.relative_to(root).parts, sub))
        for _, sub in sorted(found):
            if sub.suffix.lower() in TEXT_SUFFIXES:
                add(sub, str(sub.relative_to(root)))
            else:
                skipped.append(Skipped(str(sub), f"unsupported file type {sub.suffix or '(none)'}"))

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
            skipped.append(Skipped(arg, "no such file, folder or glob match"))
        for match in matches:
            expand(Path(match))
    return files, skipped


# ---- decoding ------------------------------------------------------------------------------


@dataclass
class Damage:
    """Undecodable bytes met while decoding one file (each replaced by U+FFFD)."""

    newline: bytes = b"\n"  # the encoded line end, to find the line of the first bad byte
    count: int = 0  # bytes replaced
    first_line: int | None = None
    lines_before: int = 0  # newlines decoded before the current block

    def note(self, exc: UnicodeDecodeError) -> None:
        self.count += exc.end - exc.start
        if self.first_line is None:
            self.first_line = self.lines_before + exc.object[: exc.start].count(self.newline) + 1


_active = threading.local()


def _replace_and_count(exc: UnicodeError):
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    damage = getattr(_active, "damage", None)
    if damage is not None:
        damage.note(exc)
    return "\ufffd", exc.end


codecs.register_error("kg.count", _replace_and_count)


class _Counting:
    """`with _Counting(damage):` decodes with errors="kg.count" note their damage there."""

    def __init__(self, damage: Damage):
        self.damage = damage

    def __enter__(self) -> Damage:
        self.previous = getattr(_active, "damage", None)
        _active.damage = self.damage
        return self.damage

    def __exit__(self, *exc) -> None:
        _active.damage = self.previous


def _newline_bytes(encoding: str, head: bytes = b"") -> bytes:
    if encoding in ("utf-16", "utf-32"):  # byte order from the byte-order mark
        big = head.startswith((codecs.BOM_UTF32_BE, codecs.BOM_UTF16_BE))
        return "\n".encode(f"{encoding}-{'be' if big else 'le'}")
    if encoding in ("utf-16-le", "utf-16-be"):
        return "\n".encode(encoding)
    return b"\n"


def _decode_counting(data: bytes, encoding: str, final: bool = True) -> tuple[str, Damage]:
    damage = Damage(newline=_newline_bytes(encoding, data[:4]))
    with _Counting(damage):
        decoder = codecs.getincrementaldecoder(encoding)(errors="kg.count")
        text = decoder.decode(data, final=final)
    return text, damage


def _decodes(data: bytes, encoding: str, final: bool) -> str | None:
    try:
        return codecs.getincrementaldecoder(encoding)(errors="strict").decode(data, final=final)
    except UnicodeDecodeError:
        return None


def _is_textlike(ch: str) -> bool:
    code = ord(ch)
    return (
        0x20 <= code <= 0x7E
        or ch in "\n\r\t"
        or 0x4E00 <= code <= 0x9FFF  # CJK unified ideographs
        or 0x3000 <= code <= 0x303F  # CJK punctuation
        or 0xFF00 <= code <= 0xFFEF  # full-width forms
        or 0x2000 <= code <= 0x206F  # general punctuation: “ ” … —
        or 0xA0 <= code <= 0xFF
    )


def _guess_utf16(data: bytes) -> str | None:
    """utf-16-le or utf-16-be when `data` reads as Chinese or Latin text in one byte order."""
    sample = data[:65536]
    if len(sample) < 4:
        return None
    scores = {}
    for encoding in ("utf-16-le", "utf-16-be"):
        text = _decodes(sample if len(sample) % 2 == 0 else sample[:-1], encoding, final=False)
        if text:
            scores[encoding] = sum(map(_is_textlike, text)) / len(text)
    if not scores:
        return None
    best = max(scores, key=scores.get)
    return best if scores[best] >= 0.9 else None


def _looks_like_damaged_utf8(data: bytes) -> bool:
    """Mostly valid UTF-8 with a few bad bytes (not GBK or Big5, which read as UTF-8 give
    far more errors than valid multi-byte characters). Judged on 64 KB from the first error."""
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError as exc:
        start = max(0, exc.start - 4096)
    window = data[start : start + 65536]
    while start and window and 0x80 <= window[0] <= 0xBF:  # begin at a character
        window = window[1:]
    text, damage = _decode_counting(window, "utf-8")
    errors = text.count("\ufffd")  # at most one per undecodable run of bytes
    valid_multibyte = sum(1 for ch in text if ord(ch) > 0x7F) - errors
    return valid_multibyte >= 4 * errors


@lru_cache(maxsize=65536)
def _common_in(ch: str, encoding: str) -> bool:
    """Is `ch` among the common characters of the encoding: GB2312 level 1 (3755 characters
    of everyday simplified Chinese), or Big5's frequently used block (5401 characters)?"""
    try:
        lead = ch.encode("gb2312" if encoding == "gb18030" else "big5")[0]
    except UnicodeEncodeError:
        return False
    return 0xB0 <= lead <= 0xD7 if encoding == "gb18030" else 0xA4 <= lead <= 0xC6


def _common_ratio(text: str, encoding: str) -> float:
    hanzi = [ch for ch in text[:5000] if "\u4e00" <= ch <= "\u9fff"]
    if not hanzi:
        return 0.0
    return sum(_common_in(ch, encoding) for ch in hanzi) / len(hanzi)


def _trim_partial(data: bytes) -> bytes:
    """The first block of a long file, cut after its last line end (so that no character is
    cut in two) when it has one."""
    cut = data.rfind(b"\n")
    return data[: cut + 1] if cut >= len(data) // 2 else data


_NON_ASCII = re.compile(rb"[\x80-\xff]")


def _detection_sample(data: bytes) -> bytes:
    """At most DETECT_BYTES of `data`, from the line where the first non-ASCII byte is (an
    ASCII preamble says nothing about the encoding)."""
    if len(data) <= DETECT_BYTES:
        return data
    found = _NON_ASCII.search(data)
    start = data.rfind(b"\n", 0, found.start()) + 1 if found else 0
    return data[start : start + DETECT_BYTES]


def _charset_normalizer_choice(data: bytes) -> str | None:
    matches = list(from_bytes(data, cp_isolation=CANDIDATE_ENCODINGS))
    if not matches:
        return None
    least = min(m.chaos for m in matches)
    close = [m for m in matches if m.chaos <= least + 0.02 and m.encoding in CANDIDATE_ENCODINGS]
    if not close:
        return matches[0].encoding
    # short texts decode as both GB18030 and Big5; the right reading uses common characters
    close.sort(key=lambda m: (-_common_ratio(str(m), m.encoding), CANDIDATE_ENCODINGS.index(m.encoding)))
    return close[0].encoding


def detect_encoding(data: bytes, complete: bool = True) -> str:
    """The codec that decodes `data`: a whole file, or (complete=False) the first block of one.

    Raises DecodeError for binary data or bytes that are none of the supported encodings.
    """
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return encoding
    has_nul = b"\x00" in data
    if has_nul:  # ASCII-heavy UTF-16 is valid UTF-8 full of NULs: try it first
        guess = _guess_utf16(data)
        if guess:
            return guess
    if _decodes(data, "utf-8", final=complete) is not None:
        return "utf-8"
    if not has_nul:
        guess = _guess_utf16(data)
        if guess:
            return guess
    if has_nul:
        raise DecodeError("binary file (NUL bytes)")
    if _looks_like_damaged_utf8(data if complete else _trim_partial(data)):
        return "utf-8"
    sample = _detection_sample(data if complete else _trim_partial(data))
    choice = _charset_normalizer_choice(sample)
    if choice:
        return choice
    # a few bad bytes in a GB18030 or Big5 file: the encoding that decodes with fewest errors
    damage = {enc: _decode_counting(sample, enc, final=False)[1].count for enc in CANDIDATE_ENCODINGS}
    best = min(CANDIDATE_ENCODINGS, key=lambda enc: damage[enc])
    if damage[best] <= max(2, len(sample) // 200):
        return best
    raise DecodeError("could not detect the text encoding (not UTF-8, UTF-16, GB18030 or Big5)")


def _check_not_binary(text: str, encoding: str) -> None:
    sample = text[:20000]
    if not sample:
        return
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t\f\v")
    if control / len(sample) > MAX_CONTROL_RATIO:
        raise DecodeError("binary file (control characters)")
    damaged = sample.count("\ufffd")
    if damaged > 8 and damaged / len(sample) > MAX_DAMAGED_RATIO:
        raise DecodeError(f"too many undecodable bytes (not valid {encoding})")


@dataclass
class Decoded:
    text: str
    encoding: str
    damage: Damage


def decode_file_bytes(data: bytes) -> Decoded:
    """Detect the encoding of a whole file and decode it; undecodable bytes become U+FFFD
    and are counted. Raises DecodeError for binary or undecodable data."""
    encoding = detect_encoding(data)
    text, damage = _decode_counting(data, encoding)
    _check_not_binary(text, encoding)
    return Decoded(text, encoding, damage)


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return (text, encoding). Raises DecodeError for binary or undecodable data."""
    decoded = decode_file_bytes(data)
    return decoded.text, decoded.encoding


class TextReader:
    """The decoded text of one file, in pieces: the whole text for a small file, blocks of
    about BLOCK_BYTES for a large one (encoding detected on the first block)."""

    def __init__(self, path: Path, size: int | None = None):
        self.path = path
        self.size = path.stat().st_size if size is None else size
        self.encoding = ""
        self.damage = Damage()
        self.empty = True  # no non-blank text (yet)

    def pieces(self) -> Iterator[str]:
        if self.size <= STREAM_BYTES:
            data = self.path.read_bytes()
            if not data.strip():
                return
            decoded = decode_file_bytes(data)
            self.encoding, self.damage = decoded.encoding, decoded.damage
            self.empty = not decoded.text.strip()
            yield decoded.text
            return
        with open(self.path, "rb") as handle:
            yield from self._stream(handle)

    def _stream(self, handle: BinaryIO) -> Iterator[str]:
        block = handle.read(BLOCK_BYTES)
        self.encoding = "ascii"
        checked = False
        # ASCII reads the same in every candidate encoding but UTF-16/32 (which have NULs):
        # decide on the first block that holds something else
        while block and block.isascii() and b"\x00" not in block:
            text = block.decode("ascii")
            if not checked:
                _check_not_binary(text, self.encoding)
                checked = True
            self._account(text)
            yield text
            block = handle.read(BLOCK_BYTES)
        if not block:
            return
        block += handle.read(DETECT_BYTES)  # enough non-ASCII text to judge
        self.encoding = detect_encoding(block, complete=len(block) < BLOCK_BYTES + DETECT_BYTES)
        self.damage = Damage(newline=_newline_bytes(self.encoding, block[:4]), lines_before=self.damage.lines_before)
        decoder = codecs.getincrementaldecoder(self.encoding)(errors="kg.count")
        while True:
            final = not block
            with _Counting(self.damage):
                text = decoder.decode(block, final=final)
            if text:
                if not checked:
                    _check_not_binary(text, self.encoding)
                    checked = True
                self._account(text)
                yield text
            if final:
                return
            block = handle.read(BLOCK_BYTES)

    def _account(self, text: str) -> None:
        self.damage.lines_before += text.count("\n")
        self.empty = self.empty and not text.strip()


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
    path = str(file.path)
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
    path = str(file.path)
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
        yield with_metadata(Document(id=doc_id, text=part, path=str(file.path), title=title), meta)


def _text_documents(reader: TextReader, file: InputFile, markdown: bool) -> Iterator[Document]:
    parts: Iterable[str] = split_parts(reader.pieces())
    if markdown:
        parts = (markdown_to_text(part) for part in parts)
    for doc_id, part in _part_ids(file.display, parts):
        yield Document(id=doc_id, text=part, path=str(file.path))


def read_file(file: InputFile, skipped: list[Skipped]) -> Iterator[Document]:
    """Documents of one file; problems are appended to `skipped`."""
    path = str(file.path)
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


def iter_documents(paths: Iterable[str], skipped: list[Skipped], exclude: Iterable[str | Path] = ()) -> Iterator[Document]:
    """Streaming form of `ingest`: documents one file at a time."""
    files, early = find_inputs(paths, exclude)
    skipped.extend(early)
    for file in files:
        yield from read_file(file, skipped)
