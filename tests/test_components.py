import spacy

from kg.components import LEXICON_KINDS, LexiconFeatures, read_feature_lexicon


def _bits(*kinds):
    return sum(1 << LEXICON_KINDS.index(k) for k in kinds)


def test_lexicon_features_mark_begin_middle_end_per_kind():
    feats = LexiconFeatures({"沈阳市": _bits("adm"), "沈阳": _bits("adm", "loc"), "张明": _bits("per2")})
    got = feats.features("张明在沈阳市a1")
    assert got[0] == "H|per2:B" and got[1] == "H|per2:E"
    assert got[2] == "H"  # no match covers 在
    assert got[3] == "H|loc:B|adm:B"
    assert got[4] == "H|loc:E|adm:ME"  # ends 沈阳, inside 沈阳市
    assert got[5] == "H|adm:E"
    assert got[6:] == ["a", "d"]  # character classes without matches


def test_lexicon_features_ignore_single_characters_and_empty_kinds():
    feats = LexiconFeatures({"京": _bits("adm"), "北京": 0})
    assert feats.features("北京") == ["H", "H"]


def test_lexicon_features_component_round_trips_inside_a_pipeline(tmp_path):
    lexicon = tmp_path / "lex.tsv"
    lexicon.write_text("# comment\n平安银行\torg,stock\n谢永林\tper\n", encoding="utf-8")
    nlp = spacy.blank("zh")
    pipe = nlp.add_pipe("kg_lexicon_features")
    pipe.initialize(lexicon_path=str(lexicon))
    doc = nlp("平安银行谢永林")
    assert doc[0].lemma_ == "H|org:B|stock:B" and doc[6].lemma_ == "H|per:E"
    nlp.to_disk(tmp_path / "pipe")
    again = spacy.load(tmp_path / "pipe")
    assert [t.lemma_ for t in again("平安银行谢永林")] == [t.lemma_ for t in doc]


def test_feature_lexicon_reader_rejects_unknown_kinds(tmp_path):
    import pytest

    path = tmp_path / "bad.tsv"
    path.write_text("沈阳\tadm\n鞍钢\tfactory\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.tsv:2"):
        read_feature_lexicon(path)


def test_char_bigrams_pair_each_character_with_the_next():
    from kg.components import BOUNDARY

    for _ in range(2):  # a second, fresh vocabulary gets its own strings
        nlp = spacy.blank("zh")
        pipe = nlp.add_pipe("kg_char_bigrams")
        doc = pipe(nlp.make_doc("沈阳市a沈阳"))
        assert [t.norm_ for t in doc] == ["沈阳", "阳市", "市a", "a沈", "沈阳", "阳" + BOUNDARY]
        assert pipe(nlp.make_doc("")).text == ""


def test_lexicon_features_set_the_same_features_as_their_strings():
    nlp = spacy.blank("zh")
    pipe = nlp.add_pipe("kg_lexicon_features")
    pipe.set_lexicon({"沈阳市": _bits("adm"), "张明": _bits("per2")})
    text = "张明 在沈阳市"
    doc = pipe(nlp.make_doc(text))
    features = pipe.features(text)
    assert [t.lemma_ for t in doc] == [features[t.idx] for t in doc]
    assert doc[0].lemma_ == "H|per2:B"


def test_char_tokenizer_makes_spacys_character_docs():
    import random

    from spacy.util import get_words_and_spaces

    from kg.components import CharTokenizer, char_words_and_spaces

    rng = random.Random(5)
    alphabet = ["张", "明", "a", "1", "，", " ", "  ", "\n", "\u3000", "\t", " \n "]
    texts = ["", " ", "张明", " 张 明 ", "张  明\n", "a b\u3000c"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))) for _ in range(300)]
    for text in texts:
        assert char_words_and_spaces(text) == get_words_and_spaces(list(text), text), repr(text)
    nlp = spacy.blank("zh")  # the character segmenter
    assert CharTokenizer.wraps(nlp.tokenizer)
    fast = CharTokenizer(nlp.tokenizer)
    for text in texts[:50]:
        a, b = fast(text), nlp.tokenizer(text)
        assert a.text == text and [(t.text, t.whitespace_) for t in a] == [(t.text, t.whitespace_) for t in b]
    assert fast.to_bytes() == nlp.tokenizer.to_bytes()  # the rest goes to spaCy's tokenizer


def test_lexicon_features_read_text_with_spaces_and_newlines():
    nlp = spacy.blank("zh")
    pipe = nlp.add_pipe("kg_lexicon_features")
    pipe.set_lexicon({"沈阳市": _bits("adm")})
    text = "在 沈阳市\n\n沈阳市  a"
    doc = pipe(nlp.make_doc(text))
    features = pipe.features(text)
    assert [t.lemma_ for t in doc] == [features[t.idx] for t in doc]
    assert [t.lemma_ for t in doc if t.text == "沈"] == ["H|adm:B", "H|adm:B"]


def test_key_table_makes_each_key_once_and_finds_it_after_merges():
    import numpy

    from kg.components import KeyTable

    made = []

    def make(key):
        made.append(key)
        return key * 7 + 1

    table = KeyTable(make)
    rng = numpy.random.default_rng(1)
    for _ in range(40):  # enough new keys to merge the pending ones several times
        keys = rng.integers(0, 3000, size=200).astype("uint64") * numpy.uint64(1 << 40)
        assert (table(keys) == keys * numpy.uint64(7) + numpy.uint64(1)).all()
    assert len(made) == len(set(made)) == len(table)
    assert len(table.keys) > 0 and table(numpy.zeros(0, dtype="uint64")).shape == (0,)


def test_lexicon_features_round_trip_with_and_without_the_stored_prefix_table():
    import srsly

    from kg.components import LexiconFeatures

    lexicon = {"沈阳市": _bits("adm"), "沈阳": _bits("adm"), "张明": _bits("per2"), "沈阳市政府": _bits("org"),
               "x": _bits("adm")}  # too short: filtered out
    pipe = LexiconFeatures(lexicon)
    text = "张明在沈阳市政府，沈阳人"
    data = pipe.to_bytes()
    assert "lengths_at" in srsly.msgpack_loads(data)
    loaded = LexiconFeatures().from_bytes(data)
    old = LexiconFeatures().from_bytes(srsly.msgpack_dumps({"lexicon": lexicon}))  # a model saved before the table
    assert loaded.features(text) == old.features(text) == pipe.features(text)
    assert loaded.lexicon == pipe.lexicon and "x" not in loaded.lexicon
    assert loaded.features(text)[3] == "H|org:B|adm:B"
