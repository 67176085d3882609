"""A tagging NER (`kg_tag_ner`): each token's BILUO tag scored by a softmax over its tok2vec
vector, the tags decoded to entities by a Viterbi search over the valid tag sequences.

spaCy's transition-based NER decides one action per token in a loop over the parser's
states; with a narrow tok2vec that loop is a third of the pipeline's time. A tagger scores
all tokens with one matrix product, and the search is a few array operations per position
over a batch of documents, so the head costs a small fraction of the tok2vec. The search
allows only valid sequences (I/L continue a B of the same label; B and I are followed by
I or L), so every decoded entity is whole.

Training: with `loss = "token"` the loss is the tagger's cross-entropy over BILUO tags from
the reference entities, and tokens the corpus leaves unannotated (missing, not outside) add
no loss, as in spaCy's NER; with `loss = "crf"` it is the likelihood of the reference among
the valid sequences, which the search decodes (`kg.crf`).
"""
from __future__ import annotations

from typing import Callable, Iterable

import numpy
from spacy.attrs import ENT_IOB, ENT_TYPE
from spacy.language import Language
from spacy.pipeline.tagger import Tagger
from spacy.scorer import get_ner_prf
from spacy.tokens import Doc, Span
from spacy.training import validate_examples, validate_get_examples
from spacy.util import registry
from thinc.api import Config, Model, SequenceCategoricalCrossentropy

from kg.crf import crf_loss

DEFAULT_MODEL = Config().from_str("""
[model]
@architectures = "spacy.Tagger.v2"
nO = null
normalize = false

[model.tok2vec]
@architectures = "spacy.HashEmbedCNN.v2"
pretrained_vectors = null
width = 96
depth = 4
embed_size = 2000
window_size = 1
maxout_pieces = 3
subword_features = true
""")["model"]

LOSSES = ("token", "crf")
PREFIXES = "BILU"  # tag index of (label k, prefix p): 1 + 4k + PREFIXES.index(p); 0 is O
FLOOR = 1e-30  # probabilities below this count as this (log of 0 is -inf)


def tag_names(labels: Iterable[str]) -> list[str]:
    return ["O"] + [f"{p}-{label}" for label in labels for p in PREFIXES]


def valid(tags: list[int]) -> bool:
    """Whether a sequence of tag ids (as in `tag_names`) is a valid BILUO sequence."""
    inside = None  # the label of an open B/I, else None
    for tag in tags:
        prefix, label = (tag - 1) % 4, (tag - 1) // 4
        if inside is None:
            if tag and prefix in (1, 2):  # I or L without its B
                return False
            inside = label if tag and prefix == 0 else None
        else:
            if not tag or prefix not in (1, 2) or label != inside:
                return False
            inside = label if prefix == 1 else None
    return inside is None


def viterbi(scores: list[numpy.ndarray], n_labels: int) -> list[numpy.ndarray]:
    """The best valid BILUO tag sequence of each document, given its (tokens x tags) log-scores.

    The valid sequences make the search linear in the tags: O, B-x and U-x follow the best
    of O, L-* and U-*; I-x and L-x follow the better of B-x and I-x. All documents advance
    together, longest first, so position t works on the documents longer than t (a prefix
    of them) and no work goes to padding; a document ends on the best of O, L-* and U-*."""
    k = n_labels
    n_tags = 1 + 4 * k
    out = [numpy.zeros(0, dtype="int16") for _ in scores]
    order = sorted((i for i in range(len(scores)) if len(scores[i])), key=lambda i: -len(scores[i]))
    if not order:
        return out
    closed_tags = numpy.array([0] + [3 + 4 * i for i in range(k)] + [4 + 4 * i for i in range(k)], dtype="int16")
    b_tags = (1 + 4 * numpy.arange(k)).astype("int16")
    first = numpy.full(n_tags, -numpy.inf, dtype="float32")  # a sequence opens with O, B or U
    first[0] = 0.0
    first[1::4] = 0.0
    first[4::4] = 0.0
    lengths = numpy.array([len(scores[i]) for i in order])
    flat = numpy.concatenate([scores[i] for i in order]).astype("float32", copy=False)
    offsets = numpy.concatenate([[0], numpy.cumsum(lengths)[:-1]])
    longest = int(lengths[0])
    active = numpy.searchsorted(-lengths, -numpy.arange(longest), side="left")  # documents longer than t
    ends = numpy.zeros(len(order), dtype="int16")
    back_closed: list = [None] * longest  # per position: the best closed tag before it
    back_inside: list = [None] * longest  # per position and label: I-x (not B-x) before its I/L-x

    def finish(delta, lo, hi):
        ends[lo:hi] = closed_tags[delta[lo:hi][:, closed_tags].argmax(axis=1)]

    delta = flat[offsets] + first
    for t in range(1, longest):
        n, n_before = int(active[t]), int(active[t - 1])
        if n < n_before:
            finish(delta, n, n_before)  # these end at t - 1
        closed = delta[:n, closed_tags]
        best = closed.argmax(axis=1)
        back_closed[t] = closed_tags[best]
        opened = closed[numpy.arange(n), best]
        cells = delta[:n, 1:].reshape(n, k, 4)
        inside = cells[:, :, 1] > cells[:, :, 0]
        back_inside[t] = inside
        carried = numpy.where(inside, cells[:, :, 1], cells[:, :, 0])
        step = numpy.empty((n, n_tags), dtype="float32")
        grid = step[:, 1:].reshape(n, k, 4)
        step[:, 0] = opened
        grid[:, :, 0] = opened[:, None]
        grid[:, :, 3] = opened[:, None]
        grid[:, :, 1] = carried
        grid[:, :, 2] = carried
        step += flat[offsets[:n] + t]
        delta = step
    finish(delta, 0, int(active[longest - 1]))
    result = numpy.empty(len(flat), dtype="int16")
    tag = ends[:0]
    for t in range(longest - 1, -1, -1):
        n = int(active[t])
        tag = numpy.concatenate([tag, ends[len(tag):n]])  # the documents ending at t join
        result[offsets[:n] + t] = tag
        if t:
            prefix, label = (tag - 1) % 4, numpy.maximum(tag - 1, 0) // 4
            continues = (tag > 0) & ((prefix == 1) | (prefix == 2))
            before = b_tags[label] + back_inside[t][numpy.arange(n), label]
            tag = numpy.where(continues, before, back_closed[t]).astype("int16")
    for j, i in enumerate(order):
        out[i] = result[offsets[j]:offsets[j] + lengths[j]]
    return out


def tags_to_spans(doc: Doc, tags: numpy.ndarray, labels: tuple[str, ...]) -> list[Span]:
    """Entities of a valid BILUO tag sequence (tag ids as in `tag_names`)."""
    prefix = (tags - 1) % 4  # 0 B, 1 I, 2 L, 3 U (meaningless for O)
    is_tag = tags > 0
    starts = numpy.flatnonzero(is_tag & ((prefix == 0) | (prefix == 3)))
    ends = numpy.flatnonzero(is_tag & ((prefix == 2) | (prefix == 3))) + 1
    return [Span(doc, int(s), int(e), label=labels[(int(tags[s]) - 1) // 4]) for s, e in zip(starts, ends)]


IOB_OF_PREFIX = numpy.array([3, 1, 1, 3], dtype="uint64")  # B, I, L, U -> spaCy's ENT_IOB (3 B, 1 I)


def tags_to_iob(tags: numpy.ndarray, label_ids: numpy.ndarray) -> numpy.ndarray:
    """A valid BILUO tag sequence as the (tokens x 2) ENT_IOB, ENT_TYPE array of
    `Doc.from_array` (O is ENT_IOB 2 with no type); `label_ids` are the labels' string ids."""
    tags = tags.astype("int64")
    out = numpy.empty((len(tags), 2), dtype="uint64")
    inside = tags > 0
    shifted = numpy.maximum(tags - 1, 0)
    out[:, 0] = numpy.where(inside, IOB_OF_PREFIX[shifted % 4], 2)
    out[:, 1] = numpy.where(inside, label_ids[shifted // 4], 0)
    return out


def with_outside_penalty(scores: list[numpy.ndarray], penalty: float) -> list[numpy.ndarray]:
    """The log-scores with `penalty` taken off every O score (new arrays; the same ones when
    the penalty is 0): above 0 the search prefers entities."""
    if not penalty:
        return list(scores)
    out = [s.copy() for s in scores]
    for s in out:
        s[:, 0] -= penalty
    return out


def ner_score(examples, **kwargs):
    return get_ner_prf(examples, **kwargs)


class TagNER(Tagger):
    """Named entities from per-token BILUO tags (see the module's docstring). `labels` are
    entity labels, as for spaCy's EntityRecognizer; `tags` are the model's outputs."""

    def __init__(self, vocab, model: Model, name: str = "ner", *, scorer: Callable = ner_score,
                 outside_penalty: float = 0.0, loss: str = "token"):
        super().__init__(vocab, model, name, scorer=scorer)
        if loss not in LOSSES:
            raise ValueError(f"kg_tag_ner: loss must be one of {LOSSES}, not {loss!r}")
        self.loss = loss
        # subtracted from every O score before the search: above 0 the decoder prefers entities
        # (recall for precision); chosen on the mixed dev set, stored in the pipeline's config
        self.outside_penalty = float(outside_penalty)

    @property
    def tags(self) -> list[str]:
        return tag_names(self.labels)

    def predict(self, docs):
        """Each document's (tokens x tags) log-scores: log-probabilities, or the logits of
        an unnormalised softmax."""
        docs = list(docs)
        n_tags = len(self.tags)
        if not any(len(doc) for doc in docs):
            return [numpy.zeros((0, n_tags), dtype="float32") for _ in docs]
        scores = [self.model.ops.to_numpy(s) for s in self.model.predict(docs)]
        if self._outputs_probabilities():
            return [numpy.log(numpy.maximum(s, FLOOR)) for s in scores]
        # logits are the log-probabilities plus one constant per token, which every tag
        # sequence gains alike: the search finds the same best sequence on them
        return scores

    def _outputs_probabilities(self) -> bool:
        # spacy.Tagger.v2 with normalize = false (the usual setting) skips its softmax at
        # inference and returns logits; with normalize = true it returns probabilities
        for node in self.model.walk():
            if "softmax_normalize" in node.attrs:
                return bool(node.attrs["softmax_normalize"])
        return True

    def set_annotations(self, docs, scores) -> None:
        if isinstance(docs, Doc):
            docs = [docs]
        labels = self.labels
        label_ids = numpy.array([self.vocab.strings.add(label) for label in labels], dtype="uint64")
        tags = viterbi(with_outside_penalty(scores, self.outside_penalty), len(labels))
        if not tags:
            return
        # the same entities as doc.set_ents(tags_to_spans(...), default="outside"), read off
        # the whole batch at once and set by one from_array per document, without Spans
        values = tags_to_iob(numpy.concatenate(tags), label_ids)
        start = 0
        for doc, doc_tags in zip(docs, tags):
            if len(doc):
                doc.from_array([ENT_IOB, ENT_TYPE], values[start:start + len(doc_tags)])
            start += len(doc_tags)

    def get_loss(self, examples, scores):
        validate_examples(examples, "TagNER.get_loss")
        if self.loss == "crf":
            return self._crf_loss(examples, scores)
        loss_func = SequenceCategoricalCrossentropy(names=self.tags, normalize=False)
        known = set(self.tags)
        truths = [[tag if tag in known else None for tag in eg.get_aligned_ner()] for eg in examples]
        d_scores, loss = loss_func(scores, truths)
        if self.model.ops.xp.isnan(loss):
            raise ValueError(f"NaN loss in component {self.name!r}")
        return float(loss), d_scores

    def _crf_loss(self, examples, scores):
        index = {tag: i for i, tag in enumerate(self.tags)}
        gold = [numpy.array([index.get(tag, -1) for tag in eg.get_aligned_ner()], dtype="int64")
                for eg in examples]
        ops = self.model.ops
        loss, grads, _ = crf_loss([ops.to_numpy(s) for s in scores], gold, len(self.labels))
        if numpy.isnan(loss):
            raise ValueError(f"NaN loss in component {self.name!r}")
        return loss, [ops.asarray(g) for g in grads]

    def initialize(self, get_examples, *, nlp=None, labels=None):
        validate_get_examples(get_examples, "TagNER.initialize")
        if labels is not None:
            for label in labels:
                self.add_label(label)
        else:
            found = set()
            for example in get_examples():
                found.update(ent.label_ for ent in example.reference.ents)
            for label in sorted(found):
                self.add_label(label)
        self._require_labels()
        tags = self.tags
        index = {tag: i for i, tag in enumerate(tags)}
        doc_sample, label_sample = [], []
        for example in get_examples():
            if len(doc_sample) == 10:
                break
            if not len(example.x):
                continue
            gold = numpy.zeros((len(example.x), len(tags)), dtype="float32")
            for row, tag in enumerate(example.get_aligned_ner()):
                gold[row, index.get(tag, 0)] = 1.0
            doc_sample.append(example.x)
            label_sample.append(self.model.ops.asarray(gold, dtype="float32"))
        self.model.initialize(X=doc_sample, Y=label_sample)

    # A Tagger's rehearsal and `label_data` assume POS tags; neither is used for this component.
    def rehearse(self, examples, **kwargs):
        raise NotImplementedError("TagNER does not support rehearsal")


@Language.factory(
    "kg_tag_ner",
    assigns=["doc.ents", "token.ent_iob", "token.ent_type"],
    default_config={"model": DEFAULT_MODEL, "scorer": {"@scorers": "kg.tag_ner_scorer.v1"}, "outside_penalty": 0.0,
                    "loss": "token"},
    default_score_weights={"ents_f": 1.0, "ents_p": 0.0, "ents_r": 0.0, "ents_per_type": None},
)
def make_tag_ner(nlp: Language, name: str, model: Model, scorer: Callable, outside_penalty: float,
                 loss: str) -> TagNER:
    return TagNER(nlp.vocab, model, name, scorer=scorer, outside_penalty=outside_penalty, loss=loss)


@registry.scorers("kg.tag_ner_scorer.v1")
def make_ner_scorer():
    return ner_score
