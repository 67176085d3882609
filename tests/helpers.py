"""Builders for hand-made test inputs (no model needed)."""
from __future__ import annotations

from kg.clean import clean_document
from kg.types import DocAnalysis, Document, Mention


def analysis_of(text: str, tagged: list[tuple[str, str]], doc_id: str = "d1") -> DocAnalysis:
    """A DocAnalysis of `text` whose model mentions are `tagged` (surface, label), each
    surface taken at its successive occurrences in the text."""
    clean = clean_document(Document(doc_id, text))
    mentions = []
    cursor: dict[str, int] = {}
    for surface, label in tagged:
        start = clean.text.find(surface, cursor.get(surface, 0))
        assert start >= 0, f"{surface!r} not in text"
        cursor[surface] = start + len(surface)
        end = start + len(surface)
        sentence = next(i for i, s in enumerate(clean.sentences) if s.start <= start < s.end)
        mentions.append(Mention(start, end, surface, label, sentence))
    return DocAnalysis(doc_id, clean.text, clean.sentences, mentions)
