"""spaCy components kg registers (importing this module registers them; the package also
declares them as `spacy_factories` entry points so plain `spacy.load` finds them)."""
from __future__ import annotations

import numpy
from spacy.attrs import IDX, LEMMA, NORM, ORTH, SPACY
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch, registry

BOUNDARY = "\x00"  # stands for "no character" beyond the ends of the text
CACHE_LIMIT = 1 << 20  # feature strings -> hashes kept per component before starting afresh


class KeyTable:
    """uint64 keys -> uint64 values, looked up for a whole array at once: known keys are found
    with numpy.searchsorted in a sorted array; a key not seen before is made once by `make` (one
    Python call) and waits in a dict until enough have come to merge them into the array, so
    the merges cost O(n log n) in all."""

    def __init__(self, make):
        self.make = make
        self.keys = numpy.zeros(0, dtype="uint64")
        self.values = numpy.zeros(0, dtype="uint64")
        self.pending: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self.keys) + len(self.pending)

    def __call__(self, keys: numpy.ndarray) -> numpy.ndarray:
        out = numpy.empty(len(keys), dtype="uint64")
        if len(self.keys):
            pos = numpy.searchsorted(self.keys, keys)
            numpy.minimum(pos, len(self.keys) - 1, out=pos)
            found = self.keys[pos] == keys
            out[found] = self.values[pos[found]]
            missing = numpy.flatnonzero(~found)
        else:
            missing = numpy.arange(len(keys))
        if len(missing):
            pending, make = self.pending, self.make
            for i, key in zip(missing.tolist(), keys[missing].tolist()):
                value = pending.get(key)
                if value is None:
                    value = pending[key] = make(key)
                out[i] = value
            if len(pending) > max(256, len(self.keys) // 8):
                self._merge()
        return out

    def _merge(self) -> None:
        count = len(self.pending)
        keys = numpy.concatenate([self.keys, numpy.fromiter(self.pending.keys(), dtype="uint64", count=count)])
        values = numpy.concatenate([self.values, numpy.fromiter(self.pending.values(), dtype="uint64", count=count)])
        order = numpy.argsort(keys, kind="stable")
        self.keys, self.values, self.pending = keys[order], values[order], {}


class _BatchedFeature:
    """A component that sets one token attribute for a batch of documents at once: its
    `set_batch` looks the values up in KeyTables made per vocabulary (`_reset`, `_tables`)."""

    _strings = None

    def __call__(self, doc: Doc) -> Doc:
        self.set_batch([doc])
        return doc

    def pipe(self, docs, batch_size: int = 1000):
        for batch in minibatch(docs, batch_size):
            self.set_batch(batch)
            yield from batch

    def _start(self, docs: list[Doc]) -> list[Doc]:
        """The non-empty documents, with the tables ready for their vocabulary."""
        docs = [doc for doc in docs if len(doc)]
        if docs:
            strings = docs[0].vocab.strings
            if strings is not self._strings or any(len(table) > CACHE_LIMIT for table in self._tables()):
                self._reset(strings)
        return docs

    @staticmethod
    def _set(docs: list[Doc], attr: int, values: numpy.ndarray, ends: list[int]) -> None:
        start = 0
        for doc, end in zip(docs, ends):
            doc.from_array([attr], values[start:end])
            start = end


class CharBigrams(_BatchedFeature):
    """Sets each token's NORM to its text plus the next token's first character.

    The shipped NER tokenises into single characters; the bigram gives the embedding a
    word-like feature (char bigrams are a strong signal for Chinese NER) at almost no cost.
    NORM is otherwise unused by a character-level model.
    """

    def _tables(self):
        return self._ids, self._bigrams

    def _reset(self, strings) -> None:
        # per vocabulary: ORTH -> a small id (from 1; 0 is "no next token"), and the pair of
        # ids (first << 32 | next) -> the bigram string's hash
        texts = [BOUNDARY]

        def new_id(orth: int) -> int:
            texts.append(strings[orth])
            return len(texts) - 1

        def new_bigram(key: int) -> int:
            return strings.add(texts[key >> 32] + texts[key & 0xFFFFFFFF][:1])

        self._strings, self._ids, self._bigrams = strings, KeyTable(new_id), KeyTable(new_bigram)

    def set_batch(self, docs: list[Doc]) -> None:
        """The NORMs of a batch of documents: the attributes go in as hashes through one
        from_array per document, looked up for the whole batch at once (setting token.norm_
        token by token costs more than the tok2vec's embedding of them)."""
        docs = self._start(docs)
        if not docs:
            return
        orths = [doc.to_array(ORTH) for doc in docs]
        ids = self._ids(numpy.concatenate(orths))
        following = numpy.zeros_like(ids)
        following[:-1] = ids[1:]
        ends = numpy.cumsum([len(a) for a in orths])
        following[ends - 1] = 0  # a document's last token has no next one
        self._set(docs, NORM, self._bigrams((ids << numpy.uint64(32)) | following), ends.tolist())


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
MARK_BITS = 3 * len(LEXICON_KINDS)  # B, M, E per kind
MARK_MASK = (1 << MARK_BITS) - 1
# a bit set of kinds -> the B bit of each of its kinds (kind k's B, M, E are bits 3k, 3k+1, 3k+2)
SPREAD = [sum(1 << (3 * k) for k in range(len(LEXICON_KINDS)) if kinds >> k & 1) for kinds in range(1 << len(LEXICON_KINDS))]


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


class LexiconFeatures(_BatchedFeature):
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

    def _marks(self, text: str) -> list[int]:
        n = len(text)
        marks = [0] * n  # 3 bits per kind: B, M, E
        lexicon, lengths_at, spread = self.lexicon, self._lengths_at, SPREAD
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
                begin = spread[kinds]  # the B bit of each of the entry's kinds; M and E follow it
                last = i + length - 1
                marks[i] |= begin
                marks[last] |= begin << 2
                middle = begin << 1
                for j in range(i + 1, last):
                    marks[j] |= middle
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

    def _tables(self):
        return self._codes, self._features

    def _reset(self, strings) -> None:
        # per vocabulary: ORTH -> 1 + the code point of a one-character token (0 otherwise),
        # and (code point << MARK_BITS | marks) -> the feature string's hash
        def code(orth: int) -> int:
            text = strings[orth]
            return ord(text) + 1 if len(text) == 1 else 0

        def feature(key: int) -> int:
            return strings.add(_feature_label(chr(key >> MARK_BITS), key & MARK_MASK))

        self._strings, self._codes, self._features = strings, KeyTable(code), KeyTable(feature)

    def set_batch(self, docs: list[Doc]) -> None:
        """The LEMMAs of a batch of documents. Character tokens: one feature per token, read
        off the token's first character (a multi-character token, from another tokenizer,
        takes its first character's); looked up for the whole batch at once and set by one
        from_array per document."""
        docs = self._start(docs)
        if not docs:
            return
        strings = docs[0].vocab.strings
        arrays = [doc.to_array([ORTH, SPACY, IDX]) for doc in docs]
        ends = numpy.cumsum([len(a) for a in arrays]).tolist()
        codes = self._codes(numpy.concatenate([a[:, 0] for a in arrays]))
        keys = []
        start = 0
        for doc, array, end in zip(docs, arrays, ends):
            doc_codes = codes[start:end]
            start = end
            # doc.text from the arrays (doc.text makes a Token object per character)
            if doc_codes.all() and not array[:, 1].any():  # one character per token, no trailing spaces
                text = (doc_codes - numpy.uint64(1)).astype("uint32").tobytes().decode("utf-32-le", "surrogatepass")
            else:
                text = "".join(strings[orth] + (" " if space else "") for orth, space in array[:, :2].tolist())
            chars = numpy.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="uint32").astype("uint64")
            marks = numpy.array(self._marks(text), dtype="uint64")
            starts = array[:, 2]
            keys.append((chars[starts] << numpy.uint64(MARK_BITS)) | marks[starts])
        self._set(docs, LEMMA, self._features(numpy.concatenate(keys)), ends)

    def initialize(self, get_examples=None, *, nlp=None, lexicon_path: str | None = None) -> None:
        if lexicon_path:
            self.set_lexicon(read_feature_lexicon(lexicon_path))

    def to_bytes(self, *, exclude=()) -> bytes:
        import srsly

        # the prefix table too (each prefix's lengths as bytes): building it from 160k names
        # took 0.24 s of every model load, reading it back takes a few hundredths
        lengths_at = {prefix: bytes(lengths) for prefix, lengths in self._lengths_at.items()}
        return srsly.msgpack_dumps({"lexicon": self.lexicon, "lengths_at": lengths_at})

    def from_bytes(self, data: bytes, *, exclude=()):
        import srsly

        msg = srsly.msgpack_loads(data)
        if "lengths_at" in msg:  # written by to_bytes above: the lexicon already filtered
            self.lexicon, self._lengths_at, self._labels = msg["lexicon"], msg["lengths_at"], {}
        else:  # saved before the table was stored
            self.set_lexicon(msg["lexicon"])
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


# ---- the tok2vec's encoder --------------------------------------------------------------------


def _document_window_encoder(layer, width: int, window_size: int, depth: int):
    """A residual CNN of `layer`s (each over a window of `window_size` characters either side)
    whose windows close at each document's own ends: the layers run on a Ragged batch and
    thinc's seq2col takes the documents' lengths. spaCy's Mish encoder instead joins a batch's
    documents end to end, so a character's vector depends on whichever documents share its
    batch (and kg's results would depend on batching, --jobs and the cache); its Maxout
    encoder pads `window_size * depth` rows between documents, which every layer then computes
    too (8 rows a document at window 2 and depth 4: a sixth more rows for sentences of news).
    Here each document's vectors are those it gets alone, in training as at inference."""
    from thinc.api import chain, clone, expand_window, residual, with_array, with_ragged

    model = clone(residual(chain(expand_window(window_size=window_size), with_array(layer))), depth)
    model.set_dim("nO", width)
    return with_ragged(model)


@registry.architectures("kg.MishWindowEncoder.v1")
def mish_window_encoder(width: int, window_size: int, depth: int):
    """spaCy's MishWindowEncoder.v2 (Mish layers with layer norm), windows closed at each
    document's ends (`_document_window_encoder`)."""
    from thinc.api import Mish

    layer = Mish(nO=width, nI=width * (window_size * 2 + 1), dropout=0.0, normalize=True)
    return _document_window_encoder(layer, width, window_size, depth)


@registry.architectures("kg.MaxoutWindowEncoder.v1")
def maxout_window_encoder(width: int, window_size: int, maxout_pieces: int, depth: int):
    """spaCy's MaxoutWindowEncoder.v2 (maxout layers with layer norm) without its padding rows:
    windows closed at each document's ends (`_document_window_encoder`)."""
    from thinc.api import Maxout

    layer = Maxout(nO=width, nI=width * (window_size * 2 + 1), nP=maxout_pieces, dropout=0.0, normalize=True)
    return _document_window_encoder(layer, width, window_size, depth)


from . import tag_ner  # noqa: E402,F401  (registers kg_tag_ner)
