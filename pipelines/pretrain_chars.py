"""Masked-character pretraining of the NER's tok2vec on raw modern news.

spaCy's `pretrain` objectives are degenerate for kg's character tokens: the token's own
character is visible through all three embedded features (ORTH, the character bigram in NORM,
the lexicon feature in LEMMA). Here about 15% of each raw sentence's characters are hidden
*before* those features are computed (80% of them replaced by a mask character, 10% by a random
character, 10% kept), so the bigrams and lexicon matches around a masked character do not show
it either; a small output layer (maxout + softmax over the --chars most frequent characters)
predicts the character from its tok2vec vector, which must read it from the context.

Text: raw_news/xwlb (CCTV news transcripts 2022-2026, markup removed) and
raw_news/thucnews_sample, split into sentences of 8-160 characters, normalised as kg normalises
input; 1% of them are held back to report a validation loss and accuracy.

Writes OUT/tok2vec.bin (the tok2vec's to_bytes) at every --save-every steps, with OUT/state.json
(step, losses); an interrupted run resumes from them (--resume). `spacy train` starts from the
weights with
  --initialize.after_init '{"@callbacks": "kg.load_tok2vec.v1", "path": "OUT/tok2vec.bin"}'
(the callback is in pipelines/checkpoints.py, loaded with --code). The tok2vec's architecture
here is the one of --config, so the weights fit that config only.

Measured (bench/README.md, "Masked-character pretraining"): the shipped recipe started from
these weights ends where it ends without them (mixed-dev F 89.94 / 90.33 for two seeds against
90.39), a little better on MSRA and Resume, worse on Weibo; `make train-model` does not use it.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

import numpy
from spacy import util
from spacy.tokens import Doc
from thinc.api import Adam, Maxout, Softmax, chain, set_dropout_rate

from kg import components  # noqa: F401  (registers kg's factories)
from kg.clean import normalize_chars, split_sentences

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
MASK = "\ue000"  # a private-use character: never in real text
_MARKUP = re.compile(r"<[^>]*>|!?\[([^\]]*)\]\([^)]*\)|https?://\S+")


def raw_sentences(data: Path, min_chars: int = 8, max_chars: int = 160) -> list[str]:
    """The raw news as normalised sentences (long ones cut into pieces of <= max_chars)."""
    texts = []
    for line in (data / "raw_news" / "xwlb" / "xwlb.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            texts.append(_MARKUP.sub(lambda m: m.group(1) or "", line))
    for line in (data / "raw_news" / "thucnews_sample" / "cnews.val.txt").read_text(encoding="utf-8").splitlines():
        texts.append(line.partition("\t")[2])
    out = []
    for text in texts:
        text = normalize_chars(text)
        for start, end in split_sentences(text):
            for s in range(start, end, max_chars):
                piece = text[s:min(end, s + max_chars)].strip()
                han = sum("\u4e00" <= ch <= "\u9fff" for ch in piece)
                if len(piece) >= min_chars and han * 2 >= len(piece):
                    out.append(piece)
    return out


def mask_text(text: str, rng: random.Random, alphabet: str, rate: float = 0.15) -> tuple[str, list[int]]:
    """`text` with about `rate` of its non-space characters hidden; the hidden positions."""
    chars = list(text)
    positions = [i for i, ch in enumerate(chars) if not ch.isspace() and rng.random() < rate]
    if not positions:
        candidates = [i for i, ch in enumerate(chars) if not ch.isspace()]
        positions = [rng.choice(candidates)] if candidates else []
    for i in positions:
        r = rng.random()
        if r < 0.8:
            chars[i] = MASK
        elif r < 0.9:
            chars[i] = rng.choice(alphabet)
    return "".join(chars), positions


class Pretrainer:
    def __init__(self, config_path: Path, lexicon: Path, chars: list[str], hidden: int, seed: int,
                 width: int | None = None):
        overrides = {"paths.lexicon": str(lexicon)}
        if width:  # train with the same override: --components.tok2vec.model.encode.width
            overrides["components.tok2vec.model.encode.width"] = width
        config = util.load_config(config_path, overrides=overrides, interpolate=False)
        self.nlp = util.load_model_from_config(config, auto_fill=True, validate=True)
        self.nlp.get_pipe("lexicon_features").initialize(lexicon_path=str(lexicon))
        self.features = [self.nlp.get_pipe("char_bigrams"), self.nlp.get_pipe("lexicon_features")]
        self.tok2vec = self.nlp.get_pipe("tok2vec").model
        self.index = {ch: k for k, ch in enumerate(chars)}  # len(chars) is the class of all others
        self.head = chain(Maxout(nO=hidden, nP=3, normalize=True, dropout=0.0), Softmax(nO=len(chars) + 1))
        util.fix_random_seed(seed)
        docs = self.docs(["初始化一个文档。"])
        self.tok2vec.initialize(X=docs)
        width = self.tok2vec.get_dim("nO")
        self.head.initialize(X=self.tok2vec.ops.alloc2f(2, width), Y=self.tok2vec.ops.alloc2f(2, len(chars) + 1))
        self.optimizer = Adam(0.001, L2=0.01, grad_clip=1.0, L2_is_weight_decay=True)

    def docs(self, texts: list[str]):
        # one token per character, spaces included, as pipelines/convert.py makes training docs
        docs = [Doc(self.nlp.vocab, words=list(t), spaces=[False] * len(t)) for t in texts]
        for feature in self.features:
            docs = list(feature.pipe(docs))
        return docs

    def _batch(self, items, rng, alphabet):
        masked, targets, rows, offset = [], [], [], 0
        for text in items:
            hidden_text, positions = mask_text(text, rng, alphabet)
            masked.append(hidden_text)
            rows.extend(offset + p for p in positions)
            targets.extend(self.index.get(text[p], len(self.index)) for p in positions)
            offset += len(text)  # self.docs makes one token per character
        return masked, numpy.asarray(rows, dtype="i"), numpy.asarray(targets, dtype="i")

    def step(self, items, rng, alphabet, *, train: bool = True) -> tuple[float, float, int]:
        masked, rows, targets = self._batch(items, rng, alphabet)
        docs = self.docs(masked)
        ops = self.tok2vec.ops
        if train:
            set_dropout_rate(self.tok2vec, 0.1)
            vectors, backprop = self.tok2vec.begin_update(docs)
        else:
            vectors, backprop = self.tok2vec.predict(docs), None
        flat = ops.xp.concatenate(vectors)
        picked = flat[rows]
        if train:
            probs, back_head = self.head.begin_update(picked)
        else:
            probs = self.head.predict(picked)
        n = len(rows)
        loss = float(-numpy.log(probs[numpy.arange(n), targets] + 1e-9).mean())
        accuracy = float((probs.argmax(axis=1) == targets).mean())
        if train:
            d_probs = probs.copy()
            d_probs[numpy.arange(n), targets] -= 1
            d_probs /= n
            d_picked = back_head(d_probs)
            d_flat = ops.alloc2f(*flat.shape)
            numpy.add.at(d_flat, rows, d_picked)
            lengths = numpy.cumsum([len(v) for v in vectors])[:-1]
            backprop(numpy.split(d_flat, lengths))
            self.tok2vec.finish_update(self.optimizer)
            self.head.finish_update(self.optimizer)
            self.optimizer.step_schedules()
        return loss, accuracy, n


def batches(sentences: list[str], chars_per_batch: int, rng: random.Random):
    order = list(range(len(sentences)))
    while True:
        rng.shuffle(order)
        batch, size = [], 0
        for k in order:
            batch.append(sentences[k])
            size += len(sentences[k])
            if size >= chars_per_batch:
                yield batch
                batch, size = [], 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--config", type=Path, default=ROOT / "pipelines" / "ner_tag.cfg")
    parser.add_argument("--lexicon", type=Path, default=ROOT / "pipelines" / "corpus" / "feature_lexicon.tsv")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--chars", type=int, default=6000, help="characters the output layer predicts")
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--width", type=int, default=0, help="the tok2vec's width (default: the config's)")
    parser.add_argument("--batch-chars", type=int, default=2000)
    parser.add_argument("--max-steps", type=int, default=10000)
    parser.add_argument("--max-minutes", type=float, default=0, help="stop (and save) after this long")
    parser.add_argument("--save-every", type=int, default=250)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--resume", action="store_true")
    parser.add_argument("--limit", type=int, default=0, help="sentences (0: all)")
    args = parser.parse_args(argv)

    rng = random.Random(args.seed)
    sentences = raw_sentences(args.data)
    rng.shuffle(sentences)
    if args.limit:
        sentences = sentences[:args.limit]
    n_dev = max(10, len(sentences) // 100)
    dev, train = sentences[:n_dev], sentences[n_dev:]
    counts = Counter(ch for s in train for ch in s)
    chars = [ch for ch, _ in counts.most_common(args.chars)]
    alphabet = "".join(ch for ch in chars[:3000] if "\u4e00" <= ch <= "\u9fff")
    print(f"{len(train):,} sentences ({sum(map(len, train)):,} chars) to train, {len(dev):,} held back; "
          f"{len(chars)} output characters cover {sum(counts[c] for c in chars) / sum(counts.values()):.4f}",
          file=sys.stderr, flush=True)

    trainer = Pretrainer(args.config, args.lexicon, chars, args.hidden, args.seed, args.width or None)
    args.out.mkdir(parents=True, exist_ok=True)
    state_path, weights_path, head_path = args.out / "state.json", args.out / "tok2vec.bin", args.out / "head.bin"
    state = {"step": 0, "log": []}
    if args.resume and state_path.exists():
        state = json.loads(state_path.read_text())
        trainer.tok2vec.from_bytes(weights_path.read_bytes())
        trainer.head.from_bytes(head_path.read_bytes())
        print(f"resumed at step {state['step']}", file=sys.stderr, flush=True)

    def save():
        # write-then-rename: an interrupted save leaves the last good weights
        for path, data in ((weights_path, trainer.tok2vec.to_bytes()), (head_path, trainer.head.to_bytes()),
                           (state_path, json.dumps(state).encode())):
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(data)
            tmp.replace(path)

    def evaluate() -> tuple[float, float]:
        dev_rng = random.Random(1)
        losses, accs, ns = [], [], []
        for k in range(0, len(dev), 64):
            loss, acc, n = trainer.step(dev[k:k + 64], dev_rng, alphabet, train=False)
            losses.append(loss * n), accs.append(acc * n), ns.append(n)
        return sum(losses) / sum(ns), sum(accs) / sum(ns)

    started = time.time()
    batch_rng = random.Random(args.seed + state["step"])
    mask_rng = random.Random(args.seed * 7919 + state["step"])
    window = []
    for items in batches(train, args.batch_chars, batch_rng):
        if state["step"] >= args.max_steps:
            break
        loss, acc, _ = trainer.step(items, mask_rng, alphabet)
        window.append((loss, acc))
        state["step"] += 1
        if state["step"] % args.save_every == 0:
            dev_loss, dev_acc = evaluate()
            row = {"step": state["step"], "train_loss": sum(l for l, _ in window) / len(window),
                   "train_acc": sum(a for _, a in window) / len(window), "dev_loss": dev_loss, "dev_acc": dev_acc,
                   "minutes": (time.time() - started) / 60}
            state["log"].append(row)
            window = []
            save()
            print(json.dumps(row), file=sys.stderr, flush=True)
        if args.max_minutes and time.time() - started > args.max_minutes * 60:
            break
    save()
    print(f"stopped at step {state['step']}: {weights_path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
