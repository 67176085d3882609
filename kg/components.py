"""spaCy components kg registers (importing this module registers them; the package also
declares them as `spacy_factories` entry points so plain `spacy.load` finds them)."""
from __future__ import annotations

import numpy
from spacy.attrs import IDX, LEMMA, NORM, ORTH, SPACY
from spacy.language import Language
from spacy.tokens import Doc

BOUNDARY = "\x00"  # stands for "no character" beyond the ends of the text
CACHE_LIMIT = 1 << 20  # feature strings -> hashes kept per component before starting afresh


class CharBigrams:
    """Sets each token's NORM to its text plus the next token's first character.

    The shipped NER tokenises into single characters; the bigram gives the embedding a
    word-like feature (char bigrams are a strong signal for Chinese NER) at almost no cost.
    NORM is otherwise unused by a character-level model.
    """

    def __init__(self):
        self._hashes: dict[tuple[int, int], int] = {}  # (ORTH, next ORTH) -> the bigram's hash
        self._strings = None

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        # the attributes go in as hashes through one from_array: setting token.norm_ token by
        # token costs more than the tok2vec's embedding of them
        strings = doc.vocab.strings
        if strings is not self._strings or len(self._hashes) > CACHE_LIMIT:
            self._hashes, self._strings = {}, strings
        hashes = self._hashes
        orths = doc.to_array(ORTH).tolist()
        following = orths[1:] + [0]
        norms = []
        for pair in zip(orths, following):
            value = hashes.get(pair)
            if value is None:
                nxt = strings[pair[1]][:1] if pair[1] else BOUNDARY
                value = hashes[pair] = strings.add(strings[pair[0]] + nxt)
            norms.append(value)
        doc.from_array([NORM], numpy.array(norms, dtype="uint64"))
        return doc


def char_words_and_spaces(text: str) -> tuple[list[str], list[bool]]:
    """spaCy's character segmentation (`spacy.util.get_words_and_spaces(list(text), text)`) in
    one pass: each non-space character a word; a run of whitespace a word of its own, except
    one plain space after a word, which is that word's trailing space. spaCy's version searches
    the rest of the text for each word, which is quadratic in a long paragraph."""
    if not any(ch.isspace() for ch in text):
        return list(text), [False] * len(text)
    words: list[str] = []
    spaces: list[bool] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            j = i
            while j < n and text[j].isspace():
                j += 1
            words.append(text[i:j])
            spaces.append(False)
            i = j
            continue
        words.append(text[i])
        spaces.append(False)
        i += 1
        if i < n and text[i] == " ":
            spaces[-1] = True
            i += 1
    return words, spaces


class CharTokenizer:
    """Wraps spaCy's Chinese tokenizer in its character mode with `char_words_and_spaces`:
    the same Doc, made in linear time. Anything else (saving, other modes) goes to the wrapped
    tokenizer."""

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer
        self.vocab = tokenizer.vocab

    def __call__(self, text: str) -> Doc:
        words, spaces = char_words_and_spaces(text)
        return Doc(self.vocab, words=words, spaces=spaces)

    def pipe(self, texts, batch_size: int = 1000):
        for text in texts:
            yield self(text)

    def __getattr__(self, name):
        if name == "tokenizer":  # not set yet (unpickling)
            raise AttributeError(name)
        return getattr(self.tokenizer, name)

    @staticmethod
    def wraps(tokenizer) -> bool:
        """Whether `tokenizer` is spaCy's Chinese tokenizer splitting into characters."""
        from spacy.lang.zh import ChineseTokenizer, Segmenter

        return isinstance(tokenizer, ChineseTokenizer) and tokenizer.segmenter == Segmenter.char


@Language.factory("kg_char_bigrams")
def make_char_bigrams(nlp: Language, name: str) -> CharBigrams:
    return CharBigrams()


# ---- lexicon features ------------------------------------------------------------------------

# Kinds of lexicon entries; each character gets, per kind, whether a match of that kind begins,
# continues or ends on it (B/M/E), as in SoftLexicon-style character models.
LEXICON_KINDS = ("org", "stock", "per", "per2", "loc", "adm", "title", "country")
MIN_MATCH, MAX_MATCH = 2, 16


def _char_class(ch: str) -> str:
    if "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf":
        return "H"
    if ch.isascii():
        if ch.isalpha():
            return "A" if ch.isupper() else "a"
        if ch.isdigit():
            return "d"
        return "s" if ch.isspace() else "p"
    if ch.isdigit():
        return "d"
    if ch.isspace():
        return "s"
    return "p" if not ch.isalpha() else "X"


def _feature_label(ch: str, mark: int) -> str:
    """A character's feature: its class, then each lexicon kind whose match begins (B),
    continues (M) or ends (E) on it."""
    parts = [_char_class(ch)]
    if mark:
        for k, kind in enumerate(LEXICON_KINDS):
            bits = mark >> (3 * k) & 7
            if bits:
                parts.append(kind + ":" + "".join(c for b, c in ((1, "B"), (2, "M"), (4, "E")) if bits & b))
    return "|".join(parts)


class LexiconFeatures:
    """Sets each token's LEMMA (unused by a character-level model) to its character class plus
    the lexicon matches over it, e.g. ``H|org:B|loc:E``: the embedding then knows that a
    character starts a known organisation name or ends a known place, which a character model
    cannot learn for names it never saw in training (listed companies' short names, towns).

    The lexicon maps a name to a bit set of `LEXICON_KINDS`; it is built from the lexicons in
    shared/data by `pipelines/build_lexicons.py --features` and stored inside the pipeline
    (`to_disk`), so a packaged model needs nothing else at run time.
    """

    def __init__(self, lexicon: dict[str, int] | None = None):
        self.lexicon: dict[str, int] = {}
        self.set_lexicon(lexicon or {})

    def set_lexicon(self, lexicon: dict[str, int]) -> None:
        self.lexicon = {k: v for k, v in lexicon.items() if MIN_MATCH <= len(k) <= MAX_MATCH and v}
        # per first two characters, the lengths of the entries that start with them (longest
        # first): a position is tried only at the lengths some entry there can have
        by_prefix: dict[str, set[int]] = {}
        for k in self.lexicon:
            by_prefix.setdefault(k[:MIN_MATCH], set()).add(len(k))
        self._lengths_at = {p: tuple(sorted(ls, reverse=True)) for p, ls in by_prefix.items()}
        self._labels: dict[tuple[str, int], str] = {}
        self._hashes: dict[tuple[str, int], int] = {}
        self._texts: dict[int, str] = {}
        self._strings = None

    def _marks(self, text: str) -> list[int]:
        n = len(text)
        marks = [0] * n  # 3 bits per kind: B, M, E
        lexicon, lengths_at = self.lexicon, self._lengths_at
        for i in range(n - MIN_MATCH + 1):
            lengths = lengths_at.get(text[i:i + MIN_MATCH])
            if lengths is None:
                continue
            for length in lengths:
                if i + length > n:
                    continue
                kinds = lexicon.get(text[i:i + length])
                if not kinds:
                    continue
                last = i + length - 1
                for k in range(len(LEXICON_KINDS)):
                    if kinds >> k & 1:
                        marks[i] |= 1 << (3 * k)
                        marks[last] |= 4 << (3 * k)
                        for j in range(i + 1, last):
                            marks[j] |= 2 << (3 * k)
        return marks

    def features(self, text: str) -> list[str]:
        """Each character's feature string."""
        labels = self._labels  # (character, marks) -> its feature string, made once
        out = []
        for ch, mark in zip(text, self._marks(text)):
            label = labels.get((ch, mark))
            if label is None:
                label = labels[(ch, mark)] = _feature_label(ch, mark)
            out.append(label)
        return out

    def __call__(self, doc: Doc) -> Doc:
        # character tokens: one feature per token, read off the token's first character
        # (a multi-character token, from another tokenizer, takes its first character's)
        if not len(doc):
            return doc
        strings = doc.vocab.strings
        if strings is not self._strings or len(self._hashes) > CACHE_LIMIT:
            self._hashes, self._texts, self._strings = {}, {}, strings
        hashes = self._hashes  # (character, marks) -> the feature string's hash
        texts = self._texts  # ORTH -> the token's text
        # doc.text, from the arrays: doc.text makes a Token object per character
        orths, spaces, starts = doc.to_array([ORTH, SPACY, IDX]).T.tolist()
        pieces = []
        for orth, space in zip(orths, spaces):
            piece = texts.get(orth)
            if piece is None:
                piece = texts[orth] = strings[orth]
            pieces.append(piece + " " if space else piece)
        text = "".join(pieces)
        marks = self._marks(text)
        space = None
        values = []
        for start in starts:
            if start < len(text):
                key = (text[start], marks[start])
                value = hashes.get(key)
                if value is None:
                    value = hashes[key] = strings.add(_feature_label(*key))
            else:
                value = space = space or strings.add("s")
            values.append(value)
        doc.from_array([LEMMA], numpy.array(values, dtype="uint64"))
        return doc

    def initialize(self, get_examples=None, *, nlp=None, lexicon_path: str | None = None) -> None:
        if lexicon_path:
            self.set_lexicon(read_feature_lexicon(lexicon_path))

    def to_bytes(self, *, exclude=()) -> bytes:
        import srsly

        return srsly.msgpack_dumps({"lexicon": self.lexicon})

    def from_bytes(self, data: bytes, *, exclude=()):
        import srsly

        self.set_lexicon(srsly.msgpack_loads(data)["lexicon"])
        return self

    def to_disk(self, path, *, exclude=()) -> None:
        from pathlib import Path

        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / "lexicon.msgpack").write_bytes(self.to_bytes())

    def from_disk(self, path, *, exclude=()):
        from pathlib import Path

        return self.from_bytes((Path(path) / "lexicon.msgpack").read_bytes())


def read_feature_lexicon(path) -> dict[str, int]:
    """`name<TAB>kind[,kind...]` lines (see LEXICON_KINDS) to name -> bit set."""
    from pathlib import Path

    out: dict[str, int] = {}
    bit = {kind: 1 << k for k, kind in enumerate(LEXICON_KINDS)}
    with Path(path).open(encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            name, _, kinds = line.partition("\t")
            try:
                out[name] = out.get(name, 0) | sum(bit[k] for k in kinds.split(","))
            except KeyError as exc:
                raise ValueError(f"{path}:{lineno}: unknown lexicon kind {exc}") from None
    return out


@Language.factory("kg_lexicon_features")
def make_lexicon_features(nlp: Language, name: str) -> LexiconFeatures:
    return LexiconFeatures()


from . import tag_ner  # noqa: E402,F401  (registers kg_tag_ner)
