"""spaCy components kg registers (importing this module registers them; the package also
declares them as `spacy_factories` entry points so plain `spacy.load` finds them)."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

BOUNDARY = "\x00"  # stands for "no character" beyond the ends of the text


class CharBigrams:
    """Sets each token's NORM to its text plus the next token's first character.

    The shipped NER tokenises into single characters; the bigram gives the embedding a
    word-like feature (char bigrams are a strong signal for Chinese NER) at almost no cost.
    NORM is otherwise unused by a character-level model.
    """

    def __call__(self, doc: Doc) -> Doc:
        texts = [t.text for t in doc]
        texts.append(BOUNDARY)
        for i, token in enumerate(doc):
            token.norm_ = texts[i] + texts[i + 1][:1]
        return doc


@Language.factory("kg_char_bigrams")
def make_char_bigrams(nlp: Language, name: str) -> CharBigrams:
    return CharBigrams()
