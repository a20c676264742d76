"""Everything the step-through explorer shows for one sequence, computed once: forward, loss, backward.

    Unroll = encoded input + a cell's weights + its forward trace + the next-token loss + BPTT step by step

Tokens are scored with softmax and cross-entropy (predict the next token); numbers read as values
are scored with squared error (predict the next value, regression). The vanilla cell's backward is
kept per step (bptt.BackwardSteps); a gated cell's as ‖∂L/∂h_t‖ (and ‖∂L/∂c_t‖) per step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from visualizer.labs.explorer import bptt
from visualizer.nn import cells
from visualizer.data import encoding
from visualizer.nn import rnn


@dataclass(frozen=True)
class Unroll:
    """One sequence through one cell, forward and backward."""

    cell: str  # "rnn" | "lstm" | "gru"
    enc: encoding.Encoded
    params: Any  # RNNParams | LSTMParams | GRUParams
    trace: Any  # RNNTrace | LSTMTrace | GRUTrace (single sequence)
    loss: bptt.NextTokenLoss
    steps: bptt.BackwardSteps | None  # vanilla cell
    gated: bptt.GatedBackward | None  # LSTM / GRU

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
