"""The sequence loss of `kg_tag_ner` (`loss = "crf"`): the negative log-likelihood of the
reference tags among all valid BILUO sequences, as in a linear-chain CRF whose transition
scores are 0 for a valid transition and -inf for an invalid one.

The per-token cross-entropy trains each tag apart while the decoder searches whole valid
sequences; this loss trains what the decoder searches. Tokens the corpus leaves unannotated
(missing) are summed over: the reference term is the total score of every valid sequence
that agrees with the known tags, so such a token still learns from its annotated neighbours.

Both terms come from one scaled forward-backward pass (float64) over a batch of documents,
run for the free and the constrained sequences side by side; the gradient with respect to
each token's logits is its tag marginals minus its constrained tag marginals.
"""
from __future__ import annotations

import numpy

FLOOR = 1e-30  # a probability below this counts as this, so no valid sequence has weight 0


def transitions(n_labels: int) -> tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray]:
    """(allowed, start, end) of the BILUO tags of `kg.tag_ner.tag_names`: allowed[i, j] is 1
    where tag j may follow tag i; start and end mark the tags a sequence may open and close on."""
    k = n_labels
    n = 1 + 4 * k
    b, i, l, u = (numpy.arange(k) * 4 + 1 + j for j in range(4))
    opening = numpy.concatenate([[0], b, u])
    closed = numpy.concatenate([[0], l, u])
    allowed = numpy.zeros((n, n))
    allowed[numpy.ix_(closed, opening)] = 1.0
    allowed[b, i] = allowed[b, l] = 1.0
    allowed[i, i] = allowed[i, l] = 1.0
    start = numpy.zeros(n)
    start[opening] = 1.0
    end = numpy.zeros(n)
    end[closed] = 1.0
    return allowed, start, end


def crf_loss(probs: list[numpy.ndarray], gold: list[numpy.ndarray], n_labels: int):
    """(loss, gradients, skipped) for a batch: `probs` are each document's (tokens x tags)
    softmax outputs (per-token shifts of the logits, which leave sequence scores unchanged),
    `gold` its tag ids with -1 where the tag is missing. The gradients are with respect to
    the logits; documents whose known tags admit no valid sequence get none and are counted
    in `skipped`."""
    allowed, start, end = transitions(n_labels)
    n_tags = len(start)
    grads = [numpy.zeros((len(p), n_tags), dtype="float32") for p in probs]
    order = sorted((d for d in range(len(probs)) if len(probs[d])), key=lambda d: -len(probs[d]))
    if not order:
        return 0.0, grads, 0
    lengths = numpy.array([len(probs[d]) for d in order])
    longest = int(lengths[0])
    n_rows = 2 * len(order)  # row 2j: document j free; row 2j + 1: the same held to its tags
    weights = numpy.zeros((longest, n_rows, n_tags))
    for j, d in enumerate(order):
        p = numpy.maximum(numpy.asarray(probs[d], dtype="float64"), FLOOR)
        p /= p.max(axis=1, keepdims=True)
        length = len(p)
        weights[:length, 2 * j] = p
        tags = numpy.asarray(gold[d])
        mask = numpy.ones_like(p)
        known = tags >= 0
        mask[known] = 0.0
        mask[numpy.flatnonzero(known), tags[known]] = 1.0
        weights[:length, 2 * j + 1] = p * mask
    # rows still running at position t: a prefix, as the documents go longest first
    active = 2 * numpy.searchsorted(-lengths, -numpy.arange(longest), side="left")
    alpha = numpy.zeros_like(weights)
    scale = numpy.ones((longest, n_rows))
    dead = numpy.zeros(n_rows, dtype=bool)  # rows with no valid sequence
    alpha[0] = weights[0] * start
    for t in range(longest):
        n = int(active[t])
        if t:
            alpha[t, :n] = (alpha[t - 1, :n] @ allowed) * weights[t, :n]
        total = alpha[t, :n].sum(axis=1)
        dead[:n] |= total <= 0
        scale[t, :n] = numpy.where(total > 0, total, 1.0)
        alpha[t, :n] /= scale[t, :n, None]
    last = numpy.repeat(lengths - 1, 2)
    rows = numpy.arange(n_rows)
    closing = alpha[last, rows] @ end
    dead |= closing <= 0
    closing = numpy.where(closing > 0, closing, 1.0)
    beta = numpy.zeros_like(weights)
    beta[last, rows] = end / closing[:, None]
    for t in range(longest - 2, -1, -1):
        n = int(active[t + 1])  # rows that go on past t
        beta[t, :n] = ((weights[t + 1, :n] * beta[t + 1, :n]) @ allowed.T) / scale[t + 1, :n, None]
    log_z = numpy.log(scale).sum(axis=0) + numpy.log(closing)
    loss = 0.0
    skipped = 0
    for j, d in enumerate(order):
        if dead[2 * j] or dead[2 * j + 1]:
            skipped += 1
            continue
        length = int(lengths[j])
        free = alpha[:length, 2 * j] * beta[:length, 2 * j]
        held = alpha[:length, 2 * j + 1] * beta[:length, 2 * j + 1]
        grads[d][:] = free - held
        loss += float(log_z[2 * j] - log_z[2 * j + 1])
    return loss, grads, skipped
