"""What the gradients lab feeds the network, and what its loss asks for.

- a generated sequence: T random one-hot tokens; the loss at the last step asks the network to
  recall the FIRST token (random tokens have no next token worth predicting);
- the user's text: the network reads every token but the last, and the loss asks it to predict
  that last one, the text's own next token;
- a trained vanilla RNN from the Train page, validated before use, with its own vocabulary.
Pure NumPy: no Streamlit here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from visualizer.nn import cells
from visualizer.data import encoding
from visualizer.nn import rnn
from visualizer.data.trained_model import TrainedModel
from visualizer.data.corpus import folds_case

GENERATED_VOCAB = 8  # symbols in a generated sequence
SOURCES = ("generated", "user")  # the sequence: random symbols, or the text the user typed


def generated_sequence(length: int, seed: int, vocab_size: int = GENERATED_VOCAB):
    """A random one-hot sequence: (X (T, V), ids (T,), token labels)."""
    if length < 1:
        raise ValueError("the sequence needs at least one step")
    ids = np.random.default_rng(seed + 1013).integers(0, vocab_size, length)  # offset: not the weights' stream
    return encoding.one_hot(ids, vocab_size), ids, tuple(f"s{i}" for i in ids)


def parse_cells(text: str) -> tuple[str, ...]:
    """'rnn,lstm' -> ('rnn', 'lstm'): known names in registry order, unknown ones dropped."""
    wanted = {c.strip().lower() for c in str(text).split(",")}
    return tuple(c for c in cells.CELLS if c in wanted)


def user_sequence(text: str, mode: str, vocab: encoding.Vocab | None = None):
    """The user's text as a one-hot sequence: (X (T, V), ids (T,), tokens, V).

    With a trained model's vocab, tokens it has not seen map to <unk> (or raise if it has none).
    """
    if vocab is None:
        enc = encoding.encode_text(text, mode, "onehot")
        return enc.X, enc.ids, enc.tokens, len(enc.vocab)
    tokens = encoding.tokenize(text, mode)
    if folds_case(vocab, mode):  # the story's word models read lower case
        tokens = [t.lower() for t in tokens]
    ids = vocab.encode(tokens, unknown="unk")
    return encoding.one_hot(ids, len(vocab)), ids, tuple(tokens), len(vocab)


def trained_vanilla(model: object) -> TrainedModel | None:
    """The model if it is a usable vanilla RNN in float64 (another cell or inconsistent shapes give None)."""
    if not isinstance(model, TrainedModel) or model.cell != "rnn":
        return None
    params, vocab = model.params, model.vocab
    try:
        if not isinstance(params, rnn.RNNParams) or not isinstance(vocab, encoding.Vocab):
            return None
        rnn.check_shapes(params)
        if params.input_size != len(vocab) or params.output_size != len(vocab) or model.level not in encoding.MODES:
            return None
        if not all(np.all(np.isfinite(v)) for v in params.as_dict().values()):
            return None
    except (AttributeError, TypeError, ValueError):
        return None
    return model.as_float64()


@dataclass(frozen=True)
class Sequence:
    """What the network reads and what the last step's loss asks for."""

    X: np.ndarray  # (T, V) one-hot inputs
    ids: np.ndarray  # (T,) their token ids
    tokens: tuple[str, ...]  # (T,) their labels
    V: int  # vocabulary size (the output layer's width)
    target: int  # the id the loss at step T asks for
    target_token: str
    task: str  # "next": predict the token after the input; "recall": name the first token
    vocab: tuple[str, ...] = ()  # token of every output id


def sequence_for(
    source: str,
    *,
    text: str = "",
    mode: str = "words",
    length: int = 200,
    seed: int = 0,
    vocab: encoding.Vocab | None = None,
) -> Sequence:
    """The page's sequence: generated (random tokens) or the user's text; over a trained vocab if given.

    Generated: T random tokens and the loss asks the last step to recall the first one (random
    tokens have no next token worth predicting). The user's text: the network reads every token but
    the last, and the loss asks it to predict that last one, the text's own next token.
    """
    if source == "generated":
        V = GENERATED_VOCAB if vocab is None else len(vocab)
        X, ids, tokens = generated_sequence(length, seed, V)
        tokens = tokens if vocab is None else tuple(vocab.decode(ids))
        names = tuple(f"s{i}" for i in range(V)) if vocab is None else vocab.tokens
        return Sequence(X, ids, tokens, V, int(ids[0]), tokens[0], "recall", names)
    if source == "user":
        if vocab is None:
            enc = encoding.encode_text(text, mode, "onehot")
            X, ids, tokens, V, names = enc.X, enc.ids, enc.tokens, len(enc.vocab), enc.vocab.tokens
        else:
            X, ids, tokens, V = user_sequence(text, mode, vocab)
            names = vocab.tokens
        if len(tokens) < 2:
            raise ValueError(
                "Type at least two tokens: the network reads all but the last and learns to predict the last one."
            )
        return Sequence(X[:-1], ids[:-1], tuple(tokens[:-1]), V, int(ids[-1]), tokens[-1], "next", tuple(names))
    raise ValueError(f"unknown source {source!r}; choose generated or user")
