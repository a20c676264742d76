"""Recurrent cells behind one contract, so the trainer and the gradient page treat them alike.

Every cell provides, in a `CellSpec`:
    init(input_size, hidden_size, output_size, *, seed=0, dtype=np.float64) -> params
        params: a frozen dataclass with .as_dict() -> {name: array}
    forward(params, X, state0=None, *, fused_input=False) -> trace
        X (T, [B,] D); trace has .hs (T+1, [B,] H) with hs[0] = h0, .logits and .probs (T, [B,] V),
        and .final_state, which can be passed back as state0 to continue (truncated BPTT).
    backward(params, trace, dlogits) -> grads
        grads.params_dict() -> {'d' + name: array} for every array in params (exact, never clipped),
        grads.dh (T, [B,] H) = dL/dh_t.

The vanilla RNN (rnn.py) is registered here; LSTM and GRU live in this module beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from visualizer import rnn


@dataclass(frozen=True)
class CellSpec:
    name: str
    label: str
    init: Callable[..., Any]
    forward: Callable[..., Any]
    backward: Callable[..., Any]
    params_type: type


# ---------------------------------------------------------------------------- vanilla RNN


@dataclass(frozen=True)
class _VanillaTrace:
    """rnn.RNNTrace plus the state to continue from, in the common contract."""

    inner: rnn.RNNTrace

    def __getattr__(self, name):
        return getattr(self.inner, name)

    @property
    def final_state(self) -> np.ndarray:
        return self.inner.hs[-1]


def _rnn_init(input_size, hidden_size, output_size, *, seed=0, dtype=np.float64, **kw):
    return rnn.init_params(input_size, hidden_size, output_size, seed=seed, dtype=dtype, **kw)


def _rnn_forward(params, X, state0=None, *, fused_input=False, activation="tanh"):
    return _VanillaTrace(rnn.forward(params, X, h0=state0, activation=activation, fused_input=fused_input))


def _rnn_backward(params, trace, dlogits):
    return rnn.backward(params, trace.inner, dlogits)


CELLS: dict[str, CellSpec] = {
    "rnn": CellSpec("rnn", "vanilla RNN", _rnn_init, _rnn_forward, _rnn_backward, rnn.RNNParams),
}
