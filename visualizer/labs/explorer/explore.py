"""One sequence through one cell, computed once: what the explorer, Home, the sequence types and the lesson show.

    Unroll = encoded input + a cell's weights + its forward trace [+ the next-token loss + BPTT step by step]

`untrained` and `trained` run the forward pass only (h_t = f(W_hh h_(t-1) + W_xh x_t + b_h) over every step),
over the user's text and an optional second sequence read by the same weights; `unroll` adds the loss and the
backward pass the explorer walks through. Tokens are scored with softmax and cross-entropy (predict the next
token); numbers read as values are scored with squared error (predict the next value, regression). The vanilla
cell's backward is kept per step (bptt.BackwardSteps); a gated cell's as ‖∂L/∂h_t‖ (and ‖∂L/∂c_t‖) per step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import numpy as np

from visualizer.data import encoding
from visualizer.data.corpus import folds_case
from visualizer.data.trained_model import TrainedModel
from visualizer.labs.explorer import bptt
from visualizer.nn import cells, rnn


@dataclass(frozen=True)
class Unroll:
    """One sequence through one cell: the forward pass, and (from `unroll`) the loss and the backward pass."""

    cell: str  # "rnn" | "lstm" | "gru"
    enc: encoding.Encoded
    params: Any  # RNNParams | LSTMParams | GRUParams
    trace: Any  # RNNTrace | LSTMTrace | GRUTrace (single sequence)
    loss: bptt.NextTokenLoss | None = None  # None: forward pass only
    steps: bptt.BackwardSteps | None = None  # vanilla cell
    gated: bptt.GatedBackward | None = None  # LSTM / GRU
    compare: Unroll | None = None  # a second sequence read by the same weights (forward only), if any

    @property
    def T(self) -> int:
        return self.trace.X.shape[0]

    @property
    def regression(self) -> bool:
        return self.enc.regression

    @property
    def cs(self) -> np.ndarray | None:
        """(T+1, H) memory cells of an LSTM, else None."""
        return getattr(self.trace, "cs", None)

    @property
    def dh(self) -> np.ndarray:
        return self.steps.dh if self.steps is not None else self.gated.dh  # type: ignore[union-attr]

    @property
    def dh_norm(self) -> np.ndarray:
        with np.errstate(over="ignore", invalid="ignore"):
            return np.linalg.norm(self.dh, axis=-1)

    @property
    def loss_norm(self) -> np.ndarray:
        """(T,) ‖W_hyᵀ(ŷ_t − y_t)‖: what each step's own loss sends into h_t."""
        src = self.steps.from_output if self.steps is not None else self.gated.from_output  # type: ignore[union-attr]
        with np.errstate(over="ignore", invalid="ignore"):
            return np.linalg.norm(src, axis=-1)

    @property
    def running(self) -> np.ndarray:
        """(T,) running ‖∂L/∂W_hh‖ (vanilla) or ‖∂L/∂W_h‖ (gated), summed over steps t..T."""
        return self.steps.running_W_hh if self.steps is not None else self.gated.running_W_h  # type: ignore[union-attr]

    @property
    def backward_start(self) -> int:
        """The step the backward pass opens on: the last step with a loss (the last step predicts nothing,
        its error and gradient are zero), or step 1 when no step has one (a single token)."""
        last = None if self.loss is None else self.loss.last_scored
        return self.T if self.loss is None else (last or 1)

    def predicted_values(self) -> np.ndarray | None:
        """(T,) the next value guessed at each step, in the units typed (regression only)."""
        if not self.regression:
            return None
        return self.enc.values.unscale(self.trace.logits[:, 0])  # type: ignore[union-attr]

    def predictions(self) -> list[tuple[str, str]] | None:
        """(label, hover) per step for the chain in regression mode: the guessed next value."""
        guess = self.predicted_values()
        if guess is None:
            return None
        raw = self.enc.raw_values
        out = []
        for t in range(self.T):
            nxt = f"; the next value is {raw[t + 1]:.4g}" if t + 1 < self.T else "; nothing comes next"  # type: ignore[index]
            out.append((f"→ {guess[t]:.3g}", f"predicted next value {guess[t]:.4g}{nxt}"))
        return out


def make_params(cell: str, enc: encoding.Encoded, hidden: int, *, seed: int = 0, scale: float = 1.0):
    """Random weights for the cell: one input per x_t entry, one output per token (one for a value)."""
    out = 1 if enc.regression else len(enc.vocab)
    return cells.CELLS[cell].init(enc.X.shape[1], hidden, out, seed=seed, scale=scale)


def unroll(cell: str, enc: encoding.Encoded, params, activation: str = "tanh") -> Unroll:
    """Forward, next-item loss and backward of one sequence through the cell."""
    spec = cells.CELLS[cell]
    if cell == "rnn":
        trace: Any = rnn.forward(params, enc.X, activation=activation)
    else:
        trace = spec.forward(params, enc.X)
    if enc.regression:
        loss = bptt.next_token_loss(trace, enc.X[:, 0], "squared_error")
    else:
        loss = bptt.next_token_loss(trace, enc.ids, "cross_entropy")
    if cell == "rnn":
        return Unroll(cell, enc, params, trace, loss, bptt.backward_steps(params, trace, loss.dout), None)
    return Unroll(cell, enc, params, trace, loss, None, bptt.gated_backward(cell, params, trace, loss.dout))


def embedding_vectors(u: Unroll) -> np.ndarray | None:
    """(V, dim) a vector per vocabulary token: the columns of E, or of the input weights for one-hot x_t
    (a one-hot picks one column of W_xh, so trained input weights are the learned embedding)."""
    if u.regression:
        return None
    if u.enc.E is not None:
        return u.enc.E.T
    W = u.params.W_xh if u.cell == "rnn" else u.params.W_x
    return W.T if W.shape[1] == len(u.enc.vocab) else None


# ---------------------------------------------------------------------------- what text is read

NUMBERS_EXAMPLE = "1, 3, 2, 5, 4, 6, 5, 7"  # read in numbers mode while the typed text holds no valid numbers


def text_to_read(text: str, mode: str) -> tuple[str, str | None]:
    """(the text the views read, why it is not the typed text or None).

    In numbers mode, text that does not read as numbers (the default words, say) is replaced by
    NUMBERS_EXAMPLE, so the page still draws every view; the reason is the tokenizer's own message.
    """
    if mode != "numbers":
        return text, None
    try:
        encoding.tokenize(text, "numbers")
    except ValueError as err:
        return NUMBERS_EXAMPLE, str(err)
    return text, None


# ---------------------------------------------------------------------------- forward only, one or two sequences


def encode_sequences(
    text: str, compare: str, mode: str, representation: str, *, emb: int, seed: int
) -> tuple[encoding.Encoded, encoding.Encoded | None]:
    """The text, and `compare` when given, over one vocabulary that covers both (so one network reads either)."""
    if compare.strip():
        return encoding.encode_pair(text, compare, mode, representation, embed_dim=emb, seed=seed)
    return encoding.encode_text(text, mode, representation, embed_dim=emb, seed=seed), None


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
) -> Unroll:
    """Random (seeded) vanilla weights over the text, forward only, and over `compare` too when it is given.

    The output layer has one unit per token (numbers read as values included). With a second sequence the
    vocabulary covers both, so the weights differ from the single view.
    """
    enc, enc_b = encode_sequences(text, compare, mode, representation, emb=emb, seed=seed)
    params = rnn.init_params(enc.X.shape[1], hidden, len(enc.vocab), seed=seed, scale=scale)
    other = None if enc_b is None else Unroll("rnn", enc_b, params, rnn.forward(params, enc_b.X, activation=act))
    return Unroll("rnn", enc, params, rnn.forward(params, enc.X, activation=act), compare=other)


def encode_for_model(text: str, model: TrainedModel) -> encoding.Encoded:
    """The text in a trained model's vocabulary (one-hot); unseen tokens read as <unk> where it has one."""
    tokens = encoding.tokenize(text, model.level)
    if folds_case(model.vocab, model.level):  # the story's word models read lower case
        tokens = [t.lower() for t in tokens]
    ids = model.vocab.encode(tokens, unknown="unk")
    return encoding.Encoded(
        tuple(tokens), model.vocab, ids, encoding.one_hot(ids, len(model.vocab)), model.level, "onehot"
    )


def trained(model: TrainedModel, text: str, compare: str = "") -> Unroll:
    """A trained vanilla RNN over the text (and `compare`), forward only; ValueError names the sequence at fault,
    or says that a stacked model is not drawn here (deep_run runs those)."""
    if model.layers > 1:
        raise ValueError(
            f"This view draws a one-layer network; the model has {model.layers} stacked layers. "
            "Pick a one-layer story model."
        )
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
    params = cast(rnn.RNNParams, model.params)  # a vanilla model: the caller checked the cell
    other = None if enc_b is None else Unroll("rnn", enc_b, params, rnn.forward(params, enc_b.X))
    return Unroll("rnn", enc, params, rnn.forward(params, enc.X), compare=other)
