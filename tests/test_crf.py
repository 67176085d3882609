import itertools

import numpy
import pytest
import spacy

from kg.crf import crf_loss, transitions
from kg.tag_ner import tag_names, valid


def _brute_nll(logits, gold):
    """-log P(sequences agreeing with the known tags | valid sequences), by enumeration."""
    n_tags = logits.shape[1]
    every, agreeing = [], []
    for seq in itertools.product(range(n_tags), repeat=len(logits)):
        if not valid(list(seq)):
            continue
        score = sum(logits[t, tag] for t, tag in enumerate(seq))
        every.append(score)
        if all(g < 0 or g == tag for g, tag in zip(gold, seq)):
            agreeing.append(score)
    return numpy.logaddexp.reduce(every) - numpy.logaddexp.reduce(agreeing)


def _softmax(logits):
    e = numpy.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def test_transitions_allow_exactly_the_valid_pairs():
    allowed, start, end = transitions(2)
    for i, j in itertools.product(range(9), repeat=2):
        assert bool(allowed[i, j]) == valid([i, j]) or not (start[i] and end[j])
    for i in range(9):
        assert bool(start[i] and end[i]) == valid([i])


def _batch(rng, n_labels):
    n_tags = 1 + 4 * n_labels
    lengths = (4, 1, 3, 4, 2)
    logits = [rng.normal(size=(n, n_tags)) * 2 for n in lengths]
    gold = [numpy.full(n, -1) for n in lengths]
    gold[0][:2] = [1, 3]  # B-0 L-0, then missing
    gold[2][:] = [0, 4, 0]  # O U-0 O
    gold[4][:] = [5, 7]  # B-1 L-1
    gold[3][3] = 0  # one known O at the end, the rest missing
    return logits, gold


@pytest.mark.parametrize("n_labels", [1, 2])
def test_the_loss_and_its_gradient_match_enumeration(n_labels):
    rng = numpy.random.default_rng(n_labels)
    logits, gold = _batch(rng, n_labels)
    if n_labels == 1:
        gold[4][:] = [1, 3]
    loss, grads, skipped = crf_loss([_softmax(x) for x in logits], gold, n_labels)
    assert skipped == 0
    assert loss == pytest.approx(sum(_brute_nll(x, g) for x, g in zip(logits, gold)), rel=1e-9)
    eps = 1e-5
    for d in (0, 3):
        numeric = numpy.zeros_like(logits[d])
        for t, j in numpy.ndindex(*logits[d].shape):
            up, down = logits[d].copy(), logits[d].copy()
            up[t, j] += eps
            down[t, j] -= eps
            numeric[t, j] = (_brute_nll(up, gold[d]) - _brute_nll(down, gold[d])) / (2 * eps)
        assert numpy.abs(numeric - grads[d]).max() < 1e-5


def test_a_fully_unannotated_document_adds_nothing_and_an_impossible_one_is_skipped():
    rng = numpy.random.default_rng(0)
    probs = [_softmax(rng.normal(size=(3, 5))) for _ in range(2)]
    gold = [numpy.full(3, -1), numpy.array([0, 2, 0])]  # I-0 after O: no valid sequence
    loss, grads, skipped = crf_loss(probs, gold, 1)
    assert loss == pytest.approx(0.0, abs=1e-9)
    assert numpy.abs(grads[0]).max() < 1e-6
    assert skipped == 1 and not grads[1].any()


def test_a_long_document_stays_finite():
    rng = numpy.random.default_rng(1)
    logits = rng.normal(size=(3000, 13)) * 30  # sharp scores over a long paragraph
    gold = numpy.zeros(3000, dtype=int)
    loss, grads, skipped = crf_loss([_softmax(logits)], [gold], 3)
    assert skipped == 0 and numpy.isfinite(loss) and loss > 0
    assert numpy.isfinite(grads[0]).all()
    assert numpy.allclose(grads[0].sum(axis=1), 0.0, atol=1e-5)


def test_the_component_learns_with_the_sequence_loss(tmp_path):
    from tests.test_tag_ner import TRAIN, _examples, _pipeline

    nlp = _pipeline(loss="crf")
    examples = _examples(nlp)
    optimizer = nlp.initialize(lambda: examples)
    losses = []
    for _ in range(60):
        losses.append(nlp.update(examples, sgd=optimizer, drop=0.0)["ner"])
    assert losses[-1] < losses[0] / 10
    got = [[(e.text, e.label_) for e in nlp(text).ents] for text, _ in TRAIN]
    assert got == [[(text[s:e], label) for s, e, label in ents] for text, ents in TRAIN]
    nlp.to_disk(tmp_path / "pipe")
    assert spacy.load(tmp_path / "pipe").get_pipe("ner").loss == "crf"


def test_an_unknown_loss_is_refused():
    nlp = spacy.blank("zh")
    with pytest.raises(ValueError, match="loss must be one of"):
        nlp.add_pipe("kg_tag_ner", config={"loss": "hinge"})


def test_tag_ids_of_the_transitions_are_those_of_tag_names():
    names = tag_names(["LOC", "PER"])
    allowed, _, _ = transitions(2)
    assert allowed[names.index("B-PER"), names.index("L-PER")]
    assert not allowed[names.index("B-PER"), names.index("L-LOC")]
    assert allowed[names.index("U-LOC"), names.index("B-PER")]


def test_the_tagger_training_config_builds_its_pipeline_with_the_sequence_loss():
    from pathlib import Path

    from spacy.util import load_config, load_model_from_config

    import kg.components  # noqa: F401  (the feature components' factories)

    path = Path(__file__).resolve().parent.parent / "pipelines" / "ner_tag.cfg"
    nlp = load_model_from_config(load_config(path), auto_fill=True, validate=True)
    ner = nlp.get_pipe("ner")
    assert ner.loss == "crf" and ner.outside_penalty == 0.0
    assert nlp.config["components"]["tok2vec"]["model"]["encode"]["width"] == 80
