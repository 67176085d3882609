"""Builders for hand-made test inputs (no model needed)."""
from __future__ import annotations

import html.parser

from kg.clean import clean_document
from kg.types import DocAnalysis, Document, Mention


def analysis_of(text: str, tagged: list[tuple[str, str]], doc_id: str = "d1") -> DocAnalysis:
    """A DocAnalysis of `text` whose model mentions are `tagged` (surface, label), each
    surface taken at its successive occurrences in the text that do not overlap a mention
    tagged before it (沈阳 after 沈阳市 is the next 沈阳 standing alone)."""
    clean = clean_document(Document(doc_id, text))
    mentions = []
    cursor: dict[str, int] = {}
    for surface, label in tagged:
        start = clean.text.find(surface, cursor.get(surface, 0))
        while start >= 0 and any(m.start < start + len(surface) and start < m.end for m in mentions):
            start = clean.text.find(surface, start + 1)
        assert start >= 0, f"{surface!r} not in text"
        cursor[surface] = start + len(surface)
        end = start + len(surface)
        sentence = next(i for i, s in enumerate(clean.sentences) if s.start <= start < s.end)
        mentions.append(Mention(start, end, surface, label, sentence))
    return DocAnalysis(doc_id, clean.text, clean.sentences, mentions, written_ascii=clean.written_ascii)


class IframeCollector(html.parser.HTMLParser):
    """The attributes of every <iframe> in a page."""

    def __init__(self):
        super().__init__()
        self.frames: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if tag == "iframe":
            self.frames.append(dict(attrs))
