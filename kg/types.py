"""The small dataclasses the stages pass to each other.

documents -> sentences -> mentions -> entities -> graph -> files
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

PERSON, ORG, LOC = "PERSON", "ORG", "LOC"
LABELS = (PERSON, ORG, LOC)



@dataclass
class Document:
    """One article as read from disk (text already decoded)."""

    id: str
    text: str
    path: str = ""
    title: str = ""
    date: str = ""
    url: str = ""
    source: str = ""


@dataclass(slots=True)  # one per document, kept for the whole build: no per-instance dict
class DocumentRecord:
    """What documents.csv says of one document (and what evidence links to)."""

    id: str
    path: str = ""
    title: str = ""
    date: str = ""  # ISO: YYYY-MM-DD, YYYY-MM or YYYY; "" when unknown
    url: str = ""
    source: str = ""
    characters: int = 0
    entities: int = 0  # distinct entities found in it


@dataclass
class Skipped:
    """An input kg did not use, and why."""

    path: str
    reason: str
    line: int | None = None


@dataclass(slots=True)  # many of these: no per-instance dict
class Sentence:
    start: int  # character offsets into CleanDocument.text
    end: int
    paragraph: int


@dataclass
class CleanDocument:
    """A document after cleaning: paragraphs re-joined, repeated passages dropped.

    `text` is what the model reads (character-normalised); `sentences` index into it.
    """

    id: str
    text: str
    sentences: list[Sentence]
    title: str = ""
    dropped_passages: int = 0
    source: str = ""  # the publication, when the input names it (JSON `source`)
    written_ascii: str = ""  # punctuation the source wrote in ASCII only, shown full-width in `text`: "()"


@dataclass(slots=True)  # many of these: no per-instance dict
class Mention:
    """An entity mention found by the model (after span repair)."""

    start: int  # offsets into CleanDocument.text
    end: int
    text: str
    label: str  # PERSON / ORG / LOC
    sentence: int  # index into CleanDocument.sentences


@dataclass
class DocAnalysis:
    """Everything kg keeps of one analysed document (what the cache stores)."""

    doc_id: str
    text: str
    sentences: list[Sentence]
    mentions: list[Mention]
    title: str = ""
    dropped_passages: int = 0
    written_ascii: str = ""  # as CleanDocument.written_ascii: names are reported as the source wrote them

    def sentence_text(self, index: int) -> str:
        s = self.sentences[index]
        return self.text[s.start : s.end]


@dataclass(slots=True)  # many of these: no per-instance dict
class Position:
    """An official's role: (person, title, organisation) with its evidence sentence."""

    person: str  # entity id
    title: str
    organisation: str | None  # entity id, or None when the title names no organisation
    document: str
    sentence: str


@dataclass
class Entity:
    """A canonical entity: one node of the graph."""

    id: str
    name: str
    type: str
    subtype: str = "other"
    aliases: list[str] = field(default_factory=list)  # every surface form, name first
    mentions: int = 0
    documents: int = 0  # how many documents mention it
    titles: list[str] = field(default_factory=list)
    affiliations: list[str] = field(default_factory=list)  # organisation names


@dataclass(slots=True)  # many of these: no per-instance dict
class EntityOccurrence:
    """Where an entity occurs: used to count co-occurrence."""

    entity: str  # entity id
    document: str
    sentence: int
    paragraph: int


@dataclass
class DocumentOccurrences:
    """One document's entity occurrences and the sentences worth quoting as evidence."""

    document: str
    occurrences: list[EntityOccurrence]
    sentences: dict[int, str]  # sentence index -> text


@dataclass
class Resolution:
    """The output of the entity stage.

    The occurrences are read one document at a time (`by_document`), so that the graph can
    be counted without holding the whole corpus: `resolve` sets `stream`, a function that
    reads them back from disk on each call; small inputs (tests) may instead give the flat
    `occurrences` and `sentences`.
    """

    entities: dict[str, Entity]
    occurrences: list[EntityOccurrence] = field(default_factory=list)
    positions: list[Position] = field(default_factory=list)
    sentences: dict[tuple[str, int], str] = field(default_factory=dict)  # (document, sentence) -> text
    stream: Callable[[], Iterator[DocumentOccurrences]] | None = None

    def by_document(self) -> Iterator[DocumentOccurrences]:
        """Each document's occurrences, documents in corpus order (a new pass on each call)."""
        if self.stream is not None:
            yield from self.stream()
            return
        grouped: dict[str, list[EntityOccurrence]] = {}
        for occ in self.occurrences:
            grouped.setdefault(occ.document, []).append(occ)
        texts: dict[str, dict[int, str]] = {}
        for (document, index), text in self.sentences.items():
            texts.setdefault(document, {})[index] = text
        for document, occurrences in grouped.items():
            yield DocumentOccurrences(document, occurrences, texts.get(document, {}))
