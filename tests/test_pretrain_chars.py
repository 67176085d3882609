import random
from pathlib import Path

import numpy
import pytest

from pipelines.pretrain_chars import MASK, Pretrainer, mask_text

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "pipelines" / "ner_tag.cfg"


def test_mask_text_hides_about_the_rate_and_never_a_space():
    rng = random.Random(0)
    text = "国家发展改革委 今天召开新闻发布会，介绍经济运行情况。" * 40
    masked, positions = mask_text(text, rng, alphabet="的一是在", rate=0.15)
    assert len(masked) == len(text)
    assert 0.10 < len(positions) / len(text) < 0.20
    assert all(not text[p].isspace() for p in positions)
    changed = [i for i in range(len(text)) if masked[i] != text[i]]
    assert set(changed) <= set(positions)  # only hidden positions change
    assert sum(masked[p] == MASK for p in positions) / len(positions) > 0.7


def test_mask_text_hides_one_character_of_a_short_text():
    masked, positions = mask_text("张明", random.Random(3), alphabet="的", rate=0.0)
    assert len(positions) == 1


@pytest.fixture(scope="module")
def trainer(tmp_path_factory):
    lexicon = tmp_path_factory.mktemp("lex") / "feature_lexicon.tsv"
    lexicon.write_text("深圳市\tadm\n腾讯控股\tstock\n", encoding="utf-8")
    chars = list("深圳市腾讯控股有限公司在今天发布了新产品。")
    return Pretrainer(CONFIG, lexicon, chars, hidden=32, seed=0)


def test_pretrainer_learns_to_predict_hidden_characters(trainer):
    texts = ["腾讯控股有限公司在深圳市发布了新产品。", "深圳市今天发布了新产品。"] * 4
    rng = random.Random(0)
    first = trainer.step(texts, random.Random(1), "今天", train=False)[0]
    for _ in range(150):
        trainer.step(texts, rng, "今天")
    after = trainer.step(texts, random.Random(1), "今天", train=False)[0]
    assert after < first * 0.6


def test_masked_features_do_not_show_the_hidden_character(trainer):
    # the bigram (NORM) and lexicon (LEMMA) features are computed on the masked text
    doc = trainer.docs(["腾" + MASK + "控股"])[0]
    assert "讯" not in doc[0].norm_ and "讯" not in doc[1].norm_
    assert "stock" not in doc[0].lemma_


def test_load_tok2vec_callback_puts_the_pretrained_weights_in_the_pipeline(trainer, tmp_path):
    from spacy import util

    from pipelines.checkpoints import load_tok2vec

    weights = tmp_path / "tok2vec.bin"
    weights.write_bytes(trainer.tok2vec.to_bytes())
    config = util.load_config(CONFIG, interpolate=False)
    nlp = util.load_model_from_config(config, auto_fill=True)
    nlp.get_pipe("tok2vec").model.initialize(X=trainer.docs(["初始化。"]))
    load_tok2vec(str(weights))(nlp)
    want = [n.get_param(p) for n in trainer.tok2vec.walk() for p in n.param_names if n.has_param(p)]
    got = [n.get_param(p) for n in nlp.get_pipe("tok2vec").model.walk() for p in n.param_names if n.has_param(p)]
    assert len(want) == len(got) > 0
    assert all(numpy.array_equal(a, b) for a, b in zip(want, got))
