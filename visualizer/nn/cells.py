"""Recurrent cells behind one contract, so the trainer and every lab treat them alike.

Every cell provides, as a `Cell` (the Protocol below; the registry `CELLS` holds one per cell):
    init(input_size, hidden_size, output_size, *, seed=0, dtype=np.float64) -> params
        params: a frozen dataclass with .as_dict() -> {name: array}
    forward(params, X, state0=None, *, fused_input=False) -> trace
        X (T, [B,] D); trace has .hs (T+1, [B,] H) with hs[0] = h0, .logits and .probs (T, [B,] V),
        and .final_state, which can be passed back as state0 to continue (truncated BPTT).
    backward(params, trace, dlogits) -> grads
        grads.params_dict() -> {'d' + name: array} for every array in params (exact, never clipped),
        grads.dh (T, [B,] H) = dL/dh_t.

The vanilla RNN is rnn.py; the LSTM and the GRU are gated.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from visualizer.nn import gated, rnn


class Cell(Protocol):
    """The cell contract: what every recurrent cell provides (see the module docstring)."""

    @property
    def name(self) -> str: ...  # "rnn" | "lstm" | "gru"

    @property
    def label(self) -> str: ...  # how the pages name it: "vanilla RNN", "LSTM", "GRU"

    @property
    def params_type(self) -> type: ...  # the parameter dataclass, built from a file's arrays by name

    @property
    def init(self) -> Callable[..., Any]: ...  # (input_size, hidden_size, output_size, *, seed, dtype, ...) -> Params

    @property
    def forward(self) -> Callable[..., Any]: ...  # (params, X, state0=None, *, fused_input=False) -> Trace

    @property
    def backward(self) -> Callable[..., Any]: ...  # (params, trace, dlogits) -> Grads


@dataclass(frozen=True)
class CellSpec:
    """A registry row: one cell's functions, which together satisfy `Cell`."""

    name: str
    label: str
    init: Callable[..., Any]
    forward: Callable[..., Any]
    backward: Callable[..., Any]
    params_type: type


# ---------------------------------------------------------------------------- vanilla RNN


def _rnn_init(input_size, hidden_size, output_size, *, seed=0, dtype=np.float64, **kw):
    return rnn.init_params(input_size, hidden_size, output_size, seed=seed, dtype=dtype, **kw)


def _rnn_forward(params, X, state0=None, *, fused_input=False, activation="tanh"):
    return rnn.forward(params, X, h0=state0, activation=activation, fused_input=fused_input)


def _rnn_backward(params, trace, dlogits):
    return rnn.backward(params, trace, dlogits)


# ---------------------------------------------------------------------------- registry


CELLS: dict[str, Cell] = {
    "rnn": CellSpec("rnn", "vanilla RNN", _rnn_init, _rnn_forward, _rnn_backward, rnn.RNNParams),
    "lstm": CellSpec("lstm", "LSTM", gated.lstm_init, gated.lstm_forward, gated.lstm_backward, gated.LSTMParams),
    "gru": CellSpec("gru", "GRU", gated.gru_init, gated.gru_forward, gated.gru_backward, gated.GRUParams),
}
