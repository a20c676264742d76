"""One step of a gated cell, gate by gate, read from the cell's own forward trace (nn/gated.py).

LSTM (gates stacked [i; f; g; o] in W_x, W_h, b):

    i_t = σ(W_i [h_{t-1}; x_t] + b_i)        input gate: how much of the candidate is written
    f_t = σ(W_f [h_{t-1}; x_t] + b_f)        forget gate: how much of the old memory is kept
    g_t = tanh(W_g [h_{t-1}; x_t] + b_g)     candidate memory
    o_t = σ(W_o [h_{t-1}; x_t] + b_o)        output gate: how much of the memory is shown
    c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t,   h_t = o_t ⊙ tanh(c_t)

GRU, the original variant of Cho et al. (2014) — the reset gate multiplies h_{t-1} *before* the
recurrent matrix, and the update gate weighs the old state (cuDNN and PyTorch apply r after W_hn):

    r_t = σ(W_r [h_{t-1}; x_t] + b_r)                        reset gate
    u_t = σ(W_u [h_{t-1}; x_t] + b_u)                        update gate: how much of h_{t-1} is kept
    n_t = tanh(W_xn x_t + W_hn (r_t ⊙ h_{t-1}) + b_n)        candidate state
    h_t = u_t ⊙ h_{t-1} + (1 − u_t) ⊙ n_t

The values here are slices of trace.gates, so they are the forward pass's numbers, not a re-computation.
What each gate did, in words, is visualizer.content.gate_notes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Gate:
    """One gate (or state) of one step: its key, name, role and values."""

    key: str  # "i", "f", "g", "o" | "r", "u", "n"
    name: str  # "forget gate"
    values: np.ndarray  # (H,)
    squashed_by: str  # "sigmoid" (in 0..1) or "tanh" (in -1..1)


@dataclass(frozen=True)
class CellStep:
    """Everything the cell view shows for step t (1-based) of a gated cell."""

    cell: str  # "lstm" | "gru"
    t: int
    gates: tuple[Gate, ...]
    h_prev: np.ndarray  # (H,)
    h: np.ndarray  # (H,)
    c_prev: np.ndarray | None = None  # (H,) LSTM only
    c: np.ndarray | None = None  # (H,) LSTM only

    def gate(self, key: str) -> Gate:
        return next(g for g in self.gates if g.key == key)


# (key, name, squashing function) in the order the cell stacks its gate blocks.
GATES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "lstm": (
        ("i", "input gate", "sigmoid"),
        ("f", "forget gate", "sigmoid"),
        ("g", "candidate", "tanh"),
        ("o", "output gate", "sigmoid"),
    ),
    "gru": (("r", "reset gate", "sigmoid"), ("u", "update gate", "sigmoid"), ("n", "candidate", "tanh")),
}


def cell_step(cell: str, trace, t: int) -> CellStep:
    """Gate values of step t (1-based) from a single-sequence trace (X (T, D), gates (T, G·H))."""
    if cell not in GATES:
        raise ValueError(f"no gates in cell {cell!r}; choose lstm or gru")
    T = trace.X.shape[0]
    if not 1 <= t <= T:
        raise ValueError(f"step {t} is outside 1..{T}")
    H = trace.hs.shape[-1]
    row = trace.gates[t - 1]  # (G·H,)
    gates = tuple(Gate(key, name, row[k * H : (k + 1) * H], sq) for k, (key, name, sq) in enumerate(GATES[cell]))
    if cell == "lstm":
        return CellStep(cell, t, gates, trace.hs[t - 1], trace.hs[t], trace.cs[t - 1], trace.cs[t])
    return CellStep(cell, t, gates, trace.hs[t - 1], trace.hs[t])


def percent(values: np.ndarray) -> int:
    """Mean of gate values in 0..1 as a whole percentage."""
    return int(round(100 * float(np.mean(values)))) if values.size else 0


def span(values: np.ndarray) -> tuple[float, float]:
    """(smallest, largest) value of a gate across the hidden units."""
    return float(np.min(values)), float(np.max(values))
