import itertools

import numpy
import pytest
import spacy
from spacy.tokens import Doc, Span
from spacy.training import Example

from kg.tag_ner import tag_names, tags_to_spans, valid, viterbi


def _ids(*names, labels=("LOC", "ORG")):
    index = {tag: i for i, tag in enumerate(tag_names(labels))}
    return [index[name] for name in names]


def test_valid_accepts_whole_entities_only():
    assert valid(_ids("O", "B-ORG", "I-ORG", "L-ORG", "U-LOC", "O"))
    assert valid([])
    assert not valid(_ids("I-ORG"))  # no B before it
    assert not valid(_ids("B-ORG", "L-LOC"))  # labels differ
    assert not valid(_ids("B-ORG", "O"))  # never closed
    assert not valid(_ids("O", "B-ORG"))  # open at the end
    assert not valid(_ids("U-ORG", "L-ORG"))


def _brute_force(scores, n_labels):
    n_tags = 1 + 4 * n_labels
    candidates = [s for s in itertools.product(range(n_tags), repeat=len(scores)) if valid(list(s))]
    return max(candidates, key=lambda seq: sum(scores[i, t] for i, t in enumerate(seq)))


@pytest.mark.parametrize("n_labels", [1, 2])
def test_viterbi_finds_the_best_valid_sequence_in_a_batch_of_mixed_lengths(n_labels):
    rng = numpy.random.default_rng(7)
    n_tags = 1 + 4 * n_labels
    for _ in range(20):
        lengths = rng.integers(0, 5, size=6)
        batch = [numpy.log(rng.dirichlet(numpy.full(n_tags, 0.4), size=n)).astype("float32") for n in lengths]
        decoded = viterbi(batch, n_labels)
        assert [len(d) for d in decoded] == list(lengths)
        for scores, tags in zip(batch, decoded):
            assert valid(list(tags))
            best = _brute_force(scores, n_labels)
            assert sum(scores[i, t] for i, t in enumerate(tags)) == pytest.approx(
                sum(scores[i, t] for i, t in enumerate(best)), abs=1e-4)


def test_viterbi_prefers_a_valid_entity_to_the_locally_best_tags():
    # Locally, B-ORG then O wins; O cannot follow an open B, so the search closes the entity.
    tags = tag_names(["ORG"])
    scores = numpy.full((2, len(tags)), numpy.log(0.01), dtype="float32")
    scores[0, tags.index("B-ORG")] = numpy.log(0.9)
    scores[1, tags.index("O")] = numpy.log(0.6)
    scores[1, tags.index("L-ORG")] = numpy.log(0.3)
    (decoded,) = viterbi([scores], 1)
    assert [tags[t] for t in decoded] == ["B-ORG", "L-ORG"]


def test_tags_to_spans_reads_entities_with_their_labels():
    nlp = spacy.blank("zh")
    doc = Doc(nlp.vocab, words=list("张明在沈阳市"), spaces=[False] * 6)
    labels = ("LOC", "PERSON")
    spans = tags_to_spans(doc, numpy.array(_ids("B-PERSON", "L-PERSON", "O", "B-LOC", "I-LOC", "L-LOC",
                                                 labels=labels)), labels)
    assert [(s.text, s.label_) for s in spans] == [("张明", "PERSON"), ("沈阳市", "LOC")]


def _pipeline(loss="token"):
    nlp = spacy.blank("zh")  # character tokens
    nlp.add_pipe("tok2vec", config={"model": {
        "@architectures": "spacy.Tok2Vec.v2",
        "embed": {"@architectures": "spacy.MultiHashEmbed.v2", "width": 32, "attrs": ["ORTH"], "rows": [500],
                  "include_static_vectors": False},
        "encode": {"@architectures": "spacy.MaxoutWindowEncoder.v2", "width": 32, "depth": 1,
                   "window_size": 1, "maxout_pieces": 2}}})
    nlp.add_pipe("kg_tag_ner", name="ner", config={"loss": loss, "model": {
        "@architectures": "spacy.Tagger.v2", "nO": None, "normalize": False,
        "tok2vec": {"@architectures": "spacy.Tok2VecListener.v1", "width": 32, "upstream": "*"}}})
    return nlp


TRAIN = [("张明在沈阳市工作", [(0, 2, "PERSON"), (3, 6, "LOC")]),
         ("李华去沈阳市", [(0, 2, "PERSON"), (3, 6, "LOC")]),
         ("沈阳市欢迎张明", [(0, 3, "LOC"), (5, 7, "PERSON")])]


def _examples(nlp):
    return [Example.from_dict(nlp.make_doc(text), {"entities": ents}) for text, ents in TRAIN]


def test_the_component_learns_entities_and_round_trips_through_disk(tmp_path):
    nlp = _pipeline()
    examples = _examples(nlp)
    optimizer = nlp.initialize(lambda: examples)
    assert nlp.get_pipe("ner").labels == ("LOC", "PERSON")
    for _ in range(60):
        nlp.update(examples, sgd=optimizer, drop=0.0)
    got = [[(e.text, e.label_) for e in nlp(text).ents] for text, _ in TRAIN]
    assert got == [[(text[s:e], label) for s, e, label in ents] for text, ents in TRAIN]
    scores = nlp.evaluate(_examples(nlp))
    assert scores["ents_f"] == pytest.approx(1.0)
    nlp.to_disk(tmp_path / "pipe")
    again = spacy.load(tmp_path / "pipe")
    assert [[(e.text, e.label_) for e in again(t).ents] for t, _ in TRAIN] == got
    assert again("").ents == ()


def test_unannotated_tokens_add_no_loss():
    nlp = _pipeline()
    optimizer = nlp.initialize(lambda: _examples(nlp))
    ner = nlp.get_pipe("ner")
    doc = nlp.make_doc("张明在沈阳市")
    reference = nlp.make_doc("张明在沈阳市")
    reference.set_ents([Span(reference, 0, 2, "PERSON")], missing=[Span(reference, 2, 6)])
    example = Example(doc, reference)
    nlp.get_pipe("tok2vec").update([example], sgd=optimizer)  # the listener needs its batch
    scores = ner.model.predict([doc])
    _, d_scores = ner.get_loss([example], scores)
    assert numpy.abs(d_scores[0][2:]).sum() == 0.0
    assert numpy.abs(d_scores[0][:2]).sum() > 0.0


def test_logits_and_probabilities_decode_alike():
    """Tagger.v2 with normalize = false returns logits at inference: predict must pass them on
    as log-scores (log-probabilities plus one constant per token), not take their log."""
    nlp = _pipeline()
    examples = _examples(nlp)
    optimizer = nlp.initialize(lambda: examples)
    for _ in range(30):
        nlp.update(examples, sgd=optimizer, drop=0.0)
    ner = nlp.get_pipe("ner")
    docs = [nlp.get_pipe("tok2vec")(nlp.make_doc(text)) for text, _ in TRAIN]
    from_logits = ner.predict(docs)
    (softmax,) = [node for node in ner.model.walk() if "softmax_normalize" in node.attrs]
    softmax.attrs["softmax_normalize"] = True
    from_probabilities = ner.predict(docs)
    for a, b in zip(from_logits, from_probabilities):
        assert (b <= 0).all()  # log-probabilities
        gap = a - b
        assert gap == pytest.approx(numpy.repeat(gap[:, :1], gap.shape[1], axis=1), abs=1e-4)
    assert [list(t) for t in viterbi(from_logits, 2)] == [list(t) for t in viterbi(from_probabilities, 2)]


def test_annotations_set_from_arrays_match_the_spans():
    from kg.tag_ner import tags_to_iob

    nlp = spacy.blank("zh")
    labels = ("LOC", "ORG", "PERSON")
    label_ids = numpy.array([nlp.vocab.strings.add(x) for x in labels], dtype="uint64")
    rng = numpy.random.default_rng(3)
    for _ in range(30):
        n = int(rng.integers(1, 12))
        scores = numpy.log(rng.dirichlet(numpy.full(1 + 4 * len(labels), 0.3), size=n)).astype("float32")
        (tags,) = viterbi([scores], len(labels))
        doc = Doc(nlp.vocab, words=["字"] * n, spaces=[False] * n)
        doc.from_array(["ENT_IOB", "ENT_TYPE"], tags_to_iob(tags, label_ids))
        want = Doc(nlp.vocab, words=["字"] * n, spaces=[False] * n)
        want.set_ents(tags_to_spans(want, tags, labels), default="outside")
        assert [(e.start, e.end, e.label_) for e in doc.ents] == [(e.start, e.end, e.label_) for e in want.ents]
        assert [t.ent_iob_ for t in doc] == [t.ent_iob_ for t in want]


def test_the_outside_penalty_trades_o_for_entities_and_is_saved(tmp_path):
    nlp = _pipeline()
    examples = _examples(nlp)
    optimizer = nlp.initialize(lambda: examples)
    for _ in range(5):  # barely trained: scores close, so the penalty matters
        nlp.update(examples, sgd=optimizer, drop=0.0)
    texts = [text for text, _ in TRAIN] + ["王五在北京", "沈阳张明李华"]

    def entity_tokens(pipeline):
        return sum(len(e) for doc in pipeline.pipe(texts) for e in doc.ents)

    ner = nlp.get_pipe("ner")
    counts = []
    for penalty in (0.0, 2.0, 50.0):
        ner.outside_penalty = penalty
        counts.append(entity_tokens(nlp))
    assert counts[0] <= counts[1] <= counts[2] == sum(map(len, texts))  # a huge penalty: no O left
    nlp.to_disk(tmp_path / "plain")
    again = spacy.load(tmp_path / "plain", config={"components": {"ner": {"outside_penalty": 50.0}}})
    again.to_disk(tmp_path / "penalised")
    assert spacy.load(tmp_path / "penalised").get_pipe("ner").outside_penalty == 50.0


def test_the_decoder_sweep_picks_the_best_f_and_the_smaller_penalty_on_a_tie():
    from pipelines.decoder import best

    rows = [{"outside_penalty": 0.0, "f": 0.80}, {"outside_penalty": 0.5, "f": 0.82},
            {"outside_penalty": 1.0, "f": 0.82}, {"outside_penalty": 2.0, "f": 0.79}]
    assert best(rows) == 0.5
