"""Detect the text encoding of a file's bytes and decode them (kg.ingest reads the files).

Encodings: a byte-order mark (UTF-8, UTF-16, UTF-32), else UTF-8, UTF-16 LE/BE without a
mark, else GB18030 (which covers GBK and GB2312) or Big5. A file that is one of these except
for a few undecodable bytes is used, the bytes replaced by U+FFFD and counted (`Damage`).
When both GB18030 and Big5 decode the bytes (short texts often do), the reading chosen is
the one that reads as Chinese: converted to simplified characters, it uses common
characters and no stray symbols (kana, bopomofo, private-use code points); a reading that
wins by a small margin is flagged as uncertain (`Decoded.uncertain`).

Large files are decoded block by block (`TextReader`), so memory stays bounded.
"""
from __future__ import annotations

import codecs
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO, Iterator

from charset_normalizer import from_bytes

STREAM_BYTES = 8 * 1024 * 1024  # larger .txt/.md/.jsonl files are decoded block by block
BLOCK_BYTES = 1024 * 1024  # one block of a streamed file; its first block decides the encoding
DETECT_BYTES = 256 * 1024  # charset-normalizer judges this much of a file
MAX_CONTROL_RATIO = 0.10  # more control characters than this (PDF extracts have a few): a binary file
MAX_DAMAGED_RATIO = 0.05  # more undecodable bytes than this: not text in the detected encoding

# Encodings charset-normalizer chooses from when a file is neither UTF-8 nor UTF-16.
CANDIDATE_ENCODINGS = ["gb18030", "big5"]


class DecodeError(ValueError):
    pass


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


UNCERTAIN_MARGIN = 0.2  # GB18030 and Big5 readings closer than this: the guess is reported


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def chinese_score(text: str) -> float:
    """How much `text` reads as Chinese: the share of its Chinese characters that, written
    in simplified characters, are among the 3,755 everyday ones (GB2312 level 1), counting
    stray symbols (kana, bopomofo, box drawing, private-use code points) as failures. A
    right reading of news scores near 1 whether it was simplified or traditional; the same
    bytes read in the other encoding give rare characters and symbols."""
    from hanziconv import HanziConv

    simplified = HanziConv.toSimplified(text[:5000])
    han = common = stray = 0
    for ch in simplified:
        if _is_han(ch):
            han += 1
            common += _common_in(ch, "gb18030")
        elif not _is_textlike(ch):
            stray += 1
    return common / (han + stray) if han + stray else 0.0


def _gb_or_big5(sample: bytes, complete: bool) -> tuple[str, str | None] | None:
    """(encoding, why it is uncertain or None) when GB18030 and Big5 both decode `sample`
    without error, chosen by the text each gives; None when they do not both decode."""
    readings = {enc: _decodes(sample, enc, final=complete) for enc in CANDIDATE_ENCODINGS}
    if any(text is None for text in readings.values()):
        return None
    scores = {enc: chinese_score(text) for enc, text in readings.items()}
    best = max(CANDIDATE_ENCODINGS, key=lambda enc: (scores[enc], -CANDIDATE_ENCODINGS.index(enc)))
    other = next(enc for enc in CANDIDATE_ENCODINGS if enc != best)
    if scores[best] - scores[other] >= UNCERTAIN_MARGIN:
        return best, None
    return best, (f"encoding uncertain: read as {best.upper()}, but {other.upper()} decodes it as well "
                  f"(scores {scores[best]:.2f} and {scores[other]:.2f}); saving it as UTF-8 removes the doubt")


def detect_encoding(data: bytes, complete: bool = True) -> str:
    """The codec that decodes `data`: a whole file, or (complete=False) the first block of one.

    Raises DecodeError for binary data or bytes that are none of the supported encodings.
    """
    return detect(data, complete)[0]


def detect(data: bytes, complete: bool = True) -> tuple[str, str | None]:
    """`detect_encoding`, with a line saying why the guess is uncertain (or None)."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return encoding, None
    has_nul = b"\x00" in data
    if has_nul:  # ASCII-heavy UTF-16 is valid UTF-8 full of NULs: try it first
        guess = _guess_utf16(data)
        if guess:
            return guess, None
    if _decodes(data, "utf-8", final=complete) is not None:
        return "utf-8", None
    if not has_nul:
        # short GB18030/Big5 text also reads as UTF-16 (two bytes, one character, no NUL):
        # a confident Chinese reading wins over that guess
        sample = _detection_sample(data if complete else _trim_partial(data))
        both = _gb_or_big5(sample, complete and len(sample) == len(data))
        if both and both[1] is None:
            return both
        guess = _guess_utf16(data)
        if guess:
            return guess, None
    if has_nul:
        raise DecodeError("binary file (NUL bytes)")
    if _looks_like_damaged_utf8(data if complete else _trim_partial(data)):
        return "utf-8", None
    sample = _detection_sample(data if complete else _trim_partial(data))
    both = _gb_or_big5(sample, complete and len(sample) == len(data))  # else it may end inside a character
    if both:
        return both
    choice = _charset_normalizer_choice(sample)
    if choice:
        return choice, None
    # a few bad bytes in a GB18030 or Big5 file: the encoding that decodes with fewest errors
    damage = {enc: _decode_counting(sample, enc, final=False)[1].count for enc in CANDIDATE_ENCODINGS}
    best = min(CANDIDATE_ENCODINGS, key=lambda enc: damage[enc])
    if damage[best] <= max(2, len(sample) // 200):
        return best, None
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
    uncertain: str | None = None  # why the encoding guess is weak, when it is


def decode_file_bytes(data: bytes) -> Decoded:
    """Detect the encoding of a whole file and decode it; undecodable bytes become U+FFFD
    and are counted. Raises DecodeError for binary or undecodable data."""
    encoding, uncertain = detect(data)
    text, damage = _decode_counting(data, encoding)
    _check_not_binary(text, encoding)
    return Decoded(text, encoding, damage, uncertain)


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
        self.uncertain: str | None = None  # why the encoding guess is weak, when it is
        self.empty = True  # no non-blank text (yet)

    def pieces(self) -> Iterator[str]:
        if self.size <= STREAM_BYTES:
            data = self.path.read_bytes()
            if not data.strip():
                return
            decoded = decode_file_bytes(data)
            self.encoding, self.damage, self.uncertain = decoded.encoding, decoded.damage, decoded.uncertain
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
        self.encoding, self.uncertain = detect(block, complete=len(block) < BLOCK_BYTES + DETECT_BYTES)
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
