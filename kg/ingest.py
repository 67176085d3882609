"""Find input files, detect their encoding and turn them into `Document`s.

Supported: .txt, .md, .html/.htm (visible text only), .jsonl/.json (one article per line
with `text` and optional `id`, `title`, `date`, `url`, `source`; a JSON array of such
objects also works). Anything kg cannot use becomes a `Skipped` with the file (and line)
and the reason; nothing here raises for bad input.
"""
from __future__ import annotations

import codecs
import glob
import json
import os
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterable, Iterator

from charset_normalizer import from_bytes

from .types import Document, Skipped

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".jsonl", ".json"}
MAX_FILE_BYTES = 512 * 1024 * 1024

# Encodings charset-normalizer may choose from when a file is not UTF-8.
CANDIDATE_ENCODINGS = ["gb18030", "big5", "utf_16_le", "utf_16_be", "utf_8"]


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


def find_inputs(paths: Iterable[str]) -> tuple[list[InputFile], list[Skipped]]:
    """Expand files, folders (recursively) and globs into input files, sorted per argument."""
    files: list[InputFile] = []
    skipped: list[Skipped] = []
    seen: set[Path] = set()

    def add(path: Path, root: Path | None) -> None:
        resolved = path.resolve()
        if resolved in seen:
            return
        seen.add(resolved)
        display = str(path.relative_to(root)) if root else path.name
        files.append(InputFile(path, display.replace(os.sep, "/")))

    for arg in paths:
        path = Path(arg)
        if path.is_dir():
            for sub in sorted(p for p in path.rglob("*") if p.is_file()):
                if any(part.startswith(".") for part in sub.relative_to(path).parts):
                    continue
                if sub.suffix.lower() in TEXT_SUFFIXES:
                    add(sub, path)
                else:
                    skipped.append(Skipped(str(sub), f"unsupported file type {sub.suffix or '(none)'}"))
        elif path.is_file():
            add(path, None)
        else:
            matches = sorted(glob.glob(arg, recursive=True))
            if not matches:
                skipped.append(Skipped(arg, "no such file, folder or glob match"))
            for match in matches:
                p = Path(match)
                if p.is_file():
                    add(p, None)
    return files, skipped


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return (text, encoding). Raises DecodeError for binary or undecodable data."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise DecodeError(f"has a {encoding} byte-order mark but does not decode: {exc.reason}") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" in data and not _looks_like_utf16(data):
        raise DecodeError("binary file (NUL bytes)")
    best = from_bytes(data, cp_isolation=CANDIDATE_ENCODINGS).best()
    if best is None:
        raise DecodeError("could not detect the text encoding")
    encoding = best.encoding
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:  # pragma: no cover - charset-normalizer decoded it already
        raise DecodeError(f"does not decode as {encoding}") from None
    if _control_ratio(text) > 0.05:
        raise DecodeError("binary file (control characters)")
    return text, encoding


def _looks_like_utf16(data: bytes) -> bool:
    sample = data[:4096]
    if len(sample) < 4:
        return False
    even_zero = sample[0::2].count(0) / max(1, len(sample[0::2]))
    odd_zero = sample[1::2].count(0) / max(1, len(sample[1::2]))
    return (even_zero > 0.2) != (odd_zero > 0.2)


def _control_ratio(text: str) -> float:
    sample = text[:20000]
    if not sample:
        return 0.0
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t\f")
    return bad / len(sample)


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


def _json_records(text: str, file: InputFile, skipped: list[Skipped]) -> Iterator[Document]:
    stripped = text.lstrip()
    if file.path.suffix.lower() == ".json" and stripped.startswith("["):
        try:
            items = json.loads(text)
        except json.JSONDecodeError as exc:
            skipped.append(Skipped(str(file.path), f"invalid JSON: {exc.msg}", exc.lineno))
            return
        numbered = [(i + 1, item) for i, item in enumerate(items)]
        unit = "item"
    else:
        numbered = []
        for lineno, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                numbered.append((lineno, json.loads(line)))
            except json.JSONDecodeError as exc:
                skipped.append(Skipped(str(file.path), f"invalid JSON line: {exc.msg}", lineno))
        unit = "line"
    for lineno, item in numbered:
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            skipped.append(Skipped(str(file.path), f"JSON {unit} has no string field 'text'", lineno))
            continue
        if not item["text"].strip():
            skipped.append(Skipped(str(file.path), "empty text", lineno))
            continue
        doc_id = str(item.get("id") or f"{file.display}#{lineno}")
        yield Document(
            id=doc_id,
            text=item["text"],
            path=str(file.path),
            title=str(item.get("title") or ""),
            date=str(item.get("date") or ""),
            url=str(item.get("url") or ""),
            source=str(item.get("source") or ""),
        )


def read_file(file: InputFile, skipped: list[Skipped]) -> Iterator[Document]:
    """Documents of one file; problems are appended to `skipped`."""
    try:
        size = file.path.stat().st_size
        if size > MAX_FILE_BYTES:
            skipped.append(Skipped(str(file.path), f"file larger than {MAX_FILE_BYTES // 2**20} MB"))
            return
        data = file.path.read_bytes()
    except OSError as exc:
        skipped.append(Skipped(str(file.path), f"unreadable: {exc.strerror or exc}"))
        return
    if not data.strip():
        skipped.append(Skipped(str(file.path), "empty file"))
        return
    try:
        text, _encoding = decode_bytes(data)
    except DecodeError as exc:
        skipped.append(Skipped(str(file.path), str(exc)))
        return
    suffix = file.path.suffix.lower()
    title = ""
    if suffix in (".jsonl", ".json"):
        yield from _json_records(text, file, skipped)
        return
    if suffix in (".html", ".htm"):
        text, title = html_to_text(text)
    elif suffix in (".md", ".markdown"):
        text = markdown_to_text(text)
    if not text.strip():
        skipped.append(Skipped(str(file.path), "no text"))
        return
    yield Document(id=file.display, text=text, path=str(file.path), title=title)


def ingest(paths: Iterable[str]) -> IngestResult:
    files, skipped = find_inputs(paths)
    result = IngestResult(skipped=skipped)
    for file in files:
        result.documents.extend(read_file(file, result.skipped))
    return result


def iter_documents(paths: Iterable[str], skipped: list[Skipped]) -> Iterator[Document]:
    """Streaming form of `ingest`: documents one file at a time."""
    files, early = find_inputs(paths)
    skipped.extend(early)
    for file in files:
        yield from read_file(file, skipped)
