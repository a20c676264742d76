"""One run of the vanilla RNN over the user's sequence (and an optional second one), as a typed result.

The explorer, Home and the sequence-types page all start from this: encode the text, build (or take)
the weights, and run h_t = f(W_hh h_(t-1) + W_xh x_t + b_h) over every step.
"""

from __future__ import annotations

from dataclasses import dataclass

from visualizer.data import encoding
from visualizer.nn import rnn
from visualizer.data.trained_model import TrainedModel
from visualizer.data.corpus import folds_case


@dataclass(frozen=True)
class Unrolled:
    """A sequence, the weights that read it, and everything the forward pass computed."""

    enc: encoding.Encoded
    params: rnn.RNNParams
    trace: rnn.RNNTrace
    enc_b: encoding.Encoded | None = None  # a second sequence read by the same weights, if any
    trace_b: rnn.RNNTrace | None = None


def untrained(
    text: str,
    mode: str,
    representation: str,
    *,
    emb: int,
    hidden: int,
    seed: int,
    act: str,
    scale: float,
    compare: str = "",
) -> Unrolled:
    """Random weights (seeded) over the text, and over `compare` too when it is given.

    With a second sequence the vocabulary covers both, so the weights differ from the single view.
    """
    if compare.strip():
        enc, enc_b = encoding.encode_pair(text, compare, mode, representation, embed_dim=emb, seed=seed)
    else:
        enc, enc_b = encoding.encode_text(text, mode, representation, embed_dim=emb, seed=seed), None
    params = rnn.init_params(enc.X.shape[1], hidden, len(enc.vocab), seed=seed, scale=scale)
    trace = rnn.forward(params, enc.X, activation=act)
    return Unrolled(enc, params, trace, enc_b, None if enc_b is None else rnn.forward(params, enc_b.X, activation=act))


def encode_for_model(text: str, model: TrainedModel) -> encoding.Encoded:
    """The text in a trained model's vocabulary (one-hot); unseen tokens read as <unk> where it has one."""
    tokens = encoding.tokenize(text, model.level)
    if folds_case(model.vocab, model.level):  # the story's word models read lower case
        tokens = [t.lower() for t in tokens]
    ids = model.vocab.encode(tokens, unknown="unk")
    return encoding.Encoded(
        tuple(tokens), model.vocab, ids, encoding.one_hot(ids, len(model.vocab)), model.level, "onehot"
    )


def trained(model: TrainedModel, text: str, compare: str = "") -> Unrolled:
    """A trained vanilla RNN over the text (and `compare`); ValueError names the sequence at fault."""
    encs: list[encoding.Encoded | None] = []
    for prefix, t in (("", text), ("Second sequence: ", compare)):
        if prefix and not t.strip():
            encs.append(None)
            continue
        try:
            encs.append(encode_for_model(t, model))
        except ValueError as err:
            raise ValueError(f"{prefix}{err}") from None
    enc, enc_b = encs
    assert enc is not None
    params = model.params
    return Unrolled(
        enc, params, rnn.forward(params, enc.X), enc_b, None if enc_b is None else rnn.forward(params, enc_b.X)
    )
