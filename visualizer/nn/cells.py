"""Recurrent cells behind one contract, so the trainer and every lab treat them alike.

Every cell provides, as a `Cell` (the Protocol below; the registry `CELLS` holds one per cell):
    init(input_size, hidden_size, output_size, *, seed=0, dtype=np.float64) -> params
        params: a frozen dataclass with .as_dict() -> {name: array}
    forward(params, X, state0=None, *, fused_input=False) -> trace
        X (T, [B,] D); trace has .hs (T+1, [B,] H) with hs[0] = h0, .logits and .probs (T, [B,] V),
        and .final_state, which can be passed back as state0 to continue (truncated BPTT).
    backward(params, trace, dlogits) -> grads
        grads.params_dict() -> {'d' + name: array} for every array in params (exact, never clipped),
        grads.dh (T, [B,] H) = dL/dh_t; grads.dpre = dL/d(pre-activations), whence dL/dx_t = dpre_t @ W_in
        (nn/deep.py sends it to the layer below).

The vanilla RNN is rnn.py; the LSTM and the GRU are gated.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from visualizer.nn import gated, rnn


class Params(Protocol):
    """A cell's frozen parameter dataclass (rnn.RNNParams, gated.LSTMParams, gated.GRUParams)."""

    @property
    def input_size(self) -> int: ...

    @property
    def hidden_size(self) -> int: ...

    @property
    def output_size(self) -> int: ...

    def as_dict(self) -> dict[str, np.ndarray]: ...


class Trace(Protocol):
    """What a cell's forward pass computed (rnn.Trace); each cell's trace adds what its backward needs."""

    @property
    def X(self) -> np.ndarray: ...  # (T, [B,] D)

    @property
    def hs(self) -> np.ndarray: ...  # (T+1, [B,] H), hs[0] = h0

    @property
    def logits(self) -> np.ndarray: ...  # (T, [B,] V)

    @property
    def probs(self) -> np.ndarray: ...  # (T, [B,] V)

    @property
    def T(self) -> int: ...

    @property
    def final_state(self) -> Any: ...  # h_T, or (h_T, c_T) for the LSTM: pass it back as state0

    @property
    def overflowed(self) -> bool: ...


class Grads(Protocol):
    """A cell's exact gradients: one per parameter array (params_dict), and dL/dh_t."""

    @property
    def dh(self) -> np.ndarray: ...  # (T, [B,] H)

    @property
    def dpre(self) -> np.ndarray | None: ...  # (T, [B,] gates*H) dL/d(pre-activations): dL/dx_t = dpre_t @ W_in

    def params_dict(self) -> dict[str, np.ndarray]: ...


class Cell(Protocol):
    """The cell contract: what every recurrent cell provides (see the module docstring)."""

    @property
    def name(self) -> str: ...  # "rnn" | "lstm" | "gru"

    @property
    def label(self) -> str: ...  # how the pages name it: "vanilla RNN", "LSTM", "GRU"

    @property
    def params_type(self) -> type: ...  # the parameter dataclass, built from a file's arrays by name

    def init(self, input_size: int, hidden_size: int, output_size: int, **kw: Any) -> Params: ...

    def forward(self, params: Any, X: np.ndarray, state0: Any = None, **kw: Any) -> Trace: ...

    def backward(self, params: Any, trace: Any, dlogits: np.ndarray) -> Grads: ...


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


def input_grad(params: Any, grads: Any) -> np.ndarray:
    """dL/dx_t for every t, (T, [B,] D): the gradient at the pre-activations sent back through the input weights.

    Every cell's first operation on x_t is linear (W_xh x_t for the vanilla RNN, W_x x_t for the gated cells), so
    dL/dx_t = dpre_t @ W_x exactly, with dpre from the cell's own backward pass.
    """
    W = params.W_xh if isinstance(params, rnn.RNNParams) else params.W_x
    return grads.dpre @ W
