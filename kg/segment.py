"""Word segmentation with spacy-pkuseg: kg's model trained on People's Daily 1998."""
from __future__ import annotations

from typing import Callable

from .nlp import SEGMENTER_MODEL


def load_segmenter(model: str | None = None) -> Callable[[str], list[str]]:
    """A function text -> words: kg's pkuseg pipeline, or the tokenizer of `model`."""
    from .clean import normalize_chars

    nlp = load_pipeline_tokenizer(model or SEGMENTER_MODEL)

    def segment(text: str) -> list[str]:
        return [t.text for t in nlp.make_doc(normalize_chars(text))]

    return segment


def load_pipeline_tokenizer(name: str):
    import spacy

    from .nlp import ModelNotFound, model_path

    try:
        return spacy.load(model_path(name))
    except OSError as exc:
        raise ModelNotFound(f"cannot load spaCy pipeline {name!r}: {exc}") from None
