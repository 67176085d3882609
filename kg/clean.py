"""Text cleaning: web artefacts, invisible characters, character normalisation, paragraph
re-joining, duplicate passages, sentences.

Every step that feeds the model keeps character offsets: `normalize_chars` maps one
character to exactly one character, so spans found on the normalised text are spans of
the original text too.
"""
from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from dataclasses import dataclass

from .types import CleanDocument, Document, Sentence

CLEANING_VERSION = "2"  # 2: invisible characters removed (remove_invisible)

SENTENCE_END = "。！？；!?;"
# Closing quotes/brackets that belong to the sentence they end.
CLOSERS = "”’」』）)】》\"'"
PARAGRAPH_END = SENTENCE_END + "…：:" + CLOSERS

_ASCII_TO_FULLWIDTH_PUNCT = {",": "，", "(": "（", ")": "）", ":": "：", ";": "；", "?": "？", "!": "！"}


_WIDTH_TABLE = {code: code - 0xFEE0 for r in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A)) for code in range(r[0], r[1] + 1)}
_WIDTH_TABLE.update({0x3000: " "})
_WIDTH_TABLE.update({code: " " for code in list(range(0, 32)) + list(range(0x7F, 0xA0)) if chr(code) not in "\n\t"})
_CJK_CLASS = "\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff\u3000-\u303f\uff00-\uff0f\U00020000-\U0002ffff"
_DECIMAL_POINT = re.compile(r"(?<=\d)．(?=\d)")
_PUNCT_IN_CHINESE = re.compile(rf"(?<=[{_CJK_CLASS}])[,():;?!]|[,():;?!](?=[{_CJK_CLASS}])")


def _code_points(predicate, ranges) -> str:
    """A regex character class body of the code points in `ranges` that satisfy `predicate`."""
    return "".join(re.escape(chr(c)) for lo, hi in ranges for c in range(lo, hi) if predicate(chr(c)))


# Searched where such characters are (the BMP, Brahmi to Musical Symbols, tags, variation
# selectors): scanning all of Unicode at import would cost a noticeable fraction of a second.
_SCAN = [(0x80, 0x10000), (0x11000, 0x1E000), (0xE0000, 0xE01F0)]
_FORMAT = _code_points(lambda ch: unicodedata.category(ch) == "Cf", _SCAN)  # ZWSP, ZWJ, RLM, BOM, soft hyphen ...
_MARKS = _code_points(lambda ch: unicodedata.category(ch) in ("Mn", "Mc", "Me"), _SCAN)
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_INVISIBLE = re.compile(f"[{_FORMAT}]+")
_MARKS_AFTER = re.compile(f"(^|.)([{_MARKS}]+)", re.S)
_PAST_BMP = re.compile("[\U00010000-\U0010ffff]")


def _presence_test(class_body: str):
    """A fast "does the text hold any of these characters?" for a class of `_code_points`:
    a class reaching past the BMP is no bitmap and scans slowly, so its BMP part is searched
    first and the rest only in a text that has characters past the BMP at all."""
    chars = sorted(set(re.sub(r"\\(.)", r"\1", class_body)))
    bmp = re.compile("[" + "".join(re.escape(c) for c in chars if c < "\U00010000") + "]")
    astral = "".join(re.escape(c) for c in chars if c >= "\U00010000")
    astral_re = re.compile(f"[{astral}]") if astral else None

    def present(text: str) -> bool:
        if bmp.search(text):
            return True
        return astral_re is not None and _PAST_BMP.search(text) is not None and astral_re.search(text) is not None
    return present


_has_marks = _presence_test(_MARKS)
_has_format = _presence_test(_FORMAT)
_HAN_CHAR = re.compile(f"[{_HAN}]")
_CONTROL_IN_WORD = re.compile(f"(?<=[{_HAN}])[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x84\\x86-\\x9f]+(?=[{_HAN}])")
_LINE_BREAKS = str.maketrans({"\u2028": "\n", "\u2029": "\n", "\x85": "\n"})


def remove_invisible(text: str) -> str:
    """Take out what would hide inside a name without being seen: format characters (zero-width
    space and joiners, direction marks, soft hyphens, byte-order marks), combining marks on
    Chinese characters (or on no letter), and control characters between two Chinese characters (PDF
    extraction leaves them inside words: 北方\\x01智造 is 北方智造); line and paragraph
    separators (U+2028, U+2029, NEL) become line ends. Other control characters become
    spaces later (normalize_chars). This changes the text's length, so it runs before any
    offset is taken: offsets index the cleaned text."""
    if text.isascii():  # nothing here applies to ASCII (controls between Chinese characters only)
        return text
    if "\u2028" in text or "\u2029" in text or "\x85" in text:  # translate() scans slowly
        text = text.translate(_LINE_BREAKS)
    if _has_format(text):
        text = _INVISIBLE.sub("", text)
    if _has_marks(text):
        text = _MARKS_AFTER.sub(_keep_marks_of_letters, text)
    return _CONTROL_IN_WORD.sub("", text)


# What a scraper leaves in a text file or a JSON field: HTML tags and character references,
# links (bare, or in Markdown's [text](url)) and e-mail addresses. None is a name, and the
# model reads a link's letters as one (tv.cctv.com/.../VIDEUIG4gR67C77y...shtml gave the ORG
# VIDEUIG). Only tags of HTML's own names are taken for markup: 《》 and a < b stay text.
_BLOCK_TAGS = ("html|head|body|title|meta|link|p|br|div|section|article|header|footer|nav|aside|main|h[1-6]|li|ul|ol|dl|dt|dd|table|thead|"
               "tbody|tfoot|tr|td|th|caption|blockquote|pre|figure|figcaption|hr|center|form|address")
_INLINE_TAGS = ("span|strong|b|i|em|u|s|small|big|font|a|img|sup|sub|mark|abbr|cite|code|q|time|label|"
                "iframe|video|audio|source|picture|embed|object|param|input|button|select|option|textarea|wbr|"
                "ins|del|o:p")
_BLOCK_TAG = re.compile(rf"</?(?:{_BLOCK_TAGS})(?:\s[^<>]*)?/?>", re.I)
_INLINE_TAG = re.compile(rf"</?(?:{_INLINE_TAGS})(?:\s[^<>]*)?/?>", re.I)
_HIDDEN_ELEMENT = re.compile(r"<(script|style|noscript|template)\b[^>]*>.*?</\1\s*>|<!--.*?-->", re.I | re.S)
_CHAR_REFERENCE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_URL_CHARS = r"[A-Za-z0-9\-._~:/?#@!$&*+,;=%]"  # RFC 3986's characters but brackets and quotes: ASCII only
_MARKDOWN_LINK = re.compile(rf"!?\[([^\[\]\n]*)\]\(\s*(?:(?:https?|ftp)://|www\.){_URL_CHARS}*\s*\)", re.I)
_URL = re.compile(rf"(?:(?:https?|ftp)://|www\.)(?:{_URL_CHARS})+", re.I)
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_URL_END_PUNCT = ".,;:!?"


def _url_removed(match: re.Match) -> str:
    """A link goes; ASCII punctuation it swallowed at its end (…见www.gov.cn.) stays."""
    url = match.group(0)
    return url[len(url.rstrip(_URL_END_PUNCT)):]


def remove_web_artefacts(text: str) -> str:
    """Take out what a web page or a scraper leaves in an article's text: script, style and
    comment elements whole, block tags (<p>, <br>, <div>, <td> ...) as line ends, inline tags
    (<strong>, <a>, <span> ...) as nothing; character references (&nbsp; &ldquo; &#20013;) as
    their characters; Markdown links to a URL as their text; bare links (http://..., www...)
    and e-mail addresses. Each test is skipped where its telltale character is absent, so clean
    text costs a few substring searches. Runs before any offset is taken."""
    if "<" in text and ">" in text:
        if "</" in text or "<!--" in text:
            text = _HIDDEN_ELEMENT.sub("", text)
        text = _INLINE_TAG.sub("", _BLOCK_TAG.sub("\n", text))
    if "&" in text and ";" in text:
        text = _CHAR_REFERENCE.sub(lambda m: html.unescape(m.group(0)).replace("\xa0", " "), text)
    if "](" in text:
        text = _MARKDOWN_LINK.sub(r"\1", text)
    if "://" in text or "www." in text or "WWW." in text:
        text = _URL.sub(_url_removed, text)
    if "@" in text:
        text = _EMAIL.sub("", text)
    return text


def _keep_marks_of_letters(match: re.Match) -> str:
    """Combining marks belong to a Latin (or other alphabetic) letter before them (é);
    on a Chinese character, punctuation, a space or nothing they are noise."""
    base = match.group(1)
    if base and base.isalnum() and not _HAN_CHAR.match(base):
        return match.group(0)
    return base


def normalize_chars(text: str) -> str:
    """Map text to the character conventions the model was trained on, one char for one char.

    - full-width digits and Latin letters become ASCII (１９９８ -> 1998, ＡＢＣ -> ABC);
    - the full-width full stop between digits becomes '.' (３．５ -> 3.5);
    - ASCII punctuation , ( ) : ; ? ! next to a Chinese character becomes full-width
      (1,000 and 10:30 stay ASCII);
    - control characters (other than newline and tab) and the ideographic space become spaces.
    """
    text = text.translate(_WIDTH_TABLE)
    if "．" in text:
        text = _DECIMAL_POINT.sub(".", text)
    return _PUNCT_IN_CHINESE.sub(lambda m: _ASCII_TO_FULLWIDTH_PUNCT[m.group()], text)


_SENTENCE_RE = re.compile(r"[^。！？；!?;\n]*(?:[。！？；!?;]+[”’」』）)】》\"']*|\n|$)")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Split on 。！？； (and ASCII !?;) and line ends; return (start, end) offsets of
    non-blank sentences, whitespace trimmed."""
    spans = []
    for m in _SENTENCE_RE.finditer(text):
        start, end = m.start(), m.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans


HEADLINE_MAX_CHARS = 40
# A paragraph starting with one of these cannot start a sentence: it continues the last one.
CONTINUATION_START = "，、。；：）」』”’的了地得和与及或并而在是"


def _is_headline(paragraph: str) -> bool:
    return len(paragraph) <= HEADLINE_MAX_CHARS and not any(ch in paragraph for ch in "，,。；")


# An outlet's dateline opening a story (新华社北京1月1日电, 深圳商报讯, 央视网消息): a new
# paragraph, and in the graph no link of the outlet to what its sentence reports
DATELINE = re.compile(r"^[（(【\[]?\s*(?:新华社|中新社|本报|[\u4e00-\u9fff]{2,10}?(?:日报|晚报|早报|商报|时报|报|网|电视台|通讯社))"
                      r"[\u4e00-\u9fff]{0,8}?(?:\d{1,2}月\d{1,2}日)?(?:电|讯|消息)[】)）\]]?")
_MARKDOWN_HEADING = re.compile(r"#{1,6}\s")


def join_broken_paragraphs(paragraphs: list[str]) -> list[str]:
    """Re-join paragraphs split at column or page breaks.

    A paragraph that ends without sentence-final punctuation is joined with the next when
    it reads as a broken sentence: it is longer than a headline or holds a comma, or the
    next paragraph starts with a character that cannot start a sentence. Headlines (short,
    no commas or full stops, or marked as a Markdown heading: ### 标题) stay alone, as does
    anything followed by an opening quote or a dateline.
    """
    out: list[str] = []
    for para in paragraphs:
        para = para.strip()
        if not para:
            continue
        if out:
            prev = out[-1]
            unfinished = prev[-1] not in PARAGRAPH_END
            continues = para[0] in CONTINUATION_START
            if unfinished and (continues or (not _is_headline(prev) and para[0] not in "“「『【《"
                                             and not _MARKDOWN_HEADING.match(prev) and not DATELINE.match(para))):
                out[-1] = prev + para
                continue
        out.append(para)
    return out


MAX_SENTENCE_CHARS = 300  # longer "sentences" (tables, run-on exports) are cut for the model


def _bounded(start: int, end: int, text: str) -> list[tuple[int, int]]:
    """Cut a span longer than MAX_SENTENCE_CHARS at commas (or hard) into model-sized pieces."""
    pieces = []
    while end - start > MAX_SENTENCE_CHARS:
        window = text[start : start + MAX_SENTENCE_CHARS]
        cut = max(window.rfind(c) for c in "，,、 ")
        cut = start + (cut + 1 if cut > MAX_SENTENCE_CHARS // 3 else MAX_SENTENCE_CHARS)
        pieces.append((start, cut))
        start = cut
    pieces.append((start, end))
    return pieces


def clean_document(doc: Document, dedup: "Deduplicator | None" = None) -> CleanDocument:
    """Normalise characters, re-join broken paragraphs, drop repeated passages, split sentences.

    Repeated passages are compared sentence by sentence: a sentence already seen (in this
    document or, with a shared `dedup`, an earlier one) is dropped.
    """
    dedup = dedup if dedup is not None else Deduplicator()
    dropped_before = dedup.dropped
    raw = remove_invisible(remove_web_artefacts(doc.text.replace("\r\n", "\n").replace("\r", "\n")))
    text = normalize_chars(raw)
    paragraphs = join_broken_paragraphs(text.split("\n"))
    out_parts: list[str] = []
    sentences: list[Sentence] = []
    offset = 0
    for para in paragraphs:
        kept = []
        for start, end in split_sentences(para):
            if dedup.keep(para[start:end]):
                kept.append(para[start:end])
        if not kept:
            continue
        paragraph_index = len(out_parts)
        para_text = "".join(kept)
        pos = 0
        for sent in kept:
            for s, e in _bounded(pos, pos + len(sent), para_text):
                sentences.append(Sentence(offset + s, offset + e, paragraph_index))
            pos += len(sent)
        out_parts.append(para_text)
        offset += len(para_text) + 1
    return CleanDocument(
        id=doc.id,
        text="\n".join(out_parts),
        sentences=sentences,
        title=doc.title,
        dropped_passages=dedup.dropped - dropped_before,
        source=doc.source,
        written_ascii=written_ascii(raw, text),
    )


def written_ascii(raw: str, normalized: str) -> str:
    """The ASCII punctuation marks that `normalize_chars` turned full-width in this text and
    that the source never wrote full-width itself: there every full-width mark of the kind is
    the source's ASCII one, so a name can be reported as written (东江集团(控股)有限公司)."""
    return "".join(a for a, full in _ASCII_TO_FULLWIDTH_PUNCT.items()
                   if a in raw and full not in raw and full in normalized)


_PASSAGE_KEY_DROP = re.compile(r"[\s\W_]+", re.UNICODE)


def passage_key(passage: str) -> str:
    """Key under which near-identical passages collide: NFKC, no whitespace or punctuation."""
    norm = (passage if unicodedata.is_normalized("NFKC", passage) else unicodedata.normalize("NFKC", passage)).lower()
    norm = _PASSAGE_KEY_DROP.sub("", norm)
    return hashlib.blake2b(norm.encode("utf-8"), digest_size=12).hexdigest()


@dataclass
class Deduplicator:
    """Drops passages already seen (exact or near-identical) across all documents of a run.

    Passages shorter than `min_chars` (after normalisation) are never dropped: short lines
    such as datelines or 本报讯 legitimately repeat.
    """

    min_chars: int = 12
    seen: set | None = None
    dropped: int = 0

    def __post_init__(self) -> None:
        if self.seen is None:
            self.seen = set()

    def keep(self, passage: str) -> bool:
        stripped = _PASSAGE_KEY_DROP.sub("", passage)
        if len(stripped) < self.min_chars:
            return True
        key = int(passage_key(passage)[:16], 16)  # 64 bits as a small int: less memory per passage seen
        if key in self.seen:
            self.dropped += 1
            return False
        self.seen.add(key)
        return True
