"""The sequential limit, measured: an RNN's forward pass is a loop over t; a position-wise layer is one product.

Recurrent layer (the vanilla cell): h_t = tanh(W_hh h_{t-1} + W_xh x_t + b) for t = 1..T. Step t needs
h_{t-1}, so the T matrix-vector products run one after the other however many cores there are.

Position-wise layer: H = tanh(X W^T + b) for all T positions at once, X (T, D). Nothing links the rows,
so it is one matrix product that BLAS (or a GPU) can spread over cores. This is the shape of the
feed-forward and attention layers that replaced recurrence for long sequences.

What the limit is, measured: the time until the output at the LAST position T is ready. The RNN's h_T
needs h_1 .. h_(T-1) first: T steps in a row, so that time grows in proportion to T whatever the cores.
The position-wise layer's output at T needs only x_T: one row's product, the same for every T (flat).
That flat line is what "all positions at once" buys with enough cores (each row on its own), and what
it costs: the layer has no memory, its output at T cannot depend on x_1 .. x_(T-1), so it is not an
equivalent of the RNN (attention adds that back by reading every position).

Both run on one BLAS thread (the library's policy: see visualizer/__init__.py), so the gap measured here comes from the dependency between steps (T small
calls instead of one large one), not from extra cores. Times are the minimum over rounds of time.perf_counter() on the machine that runs this code.
Pure NumPy: no Streamlit here.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

LENGTHS = (16, 32, 64, 128, 256, 512, 1024)


@dataclass(frozen=True)
class Timing:
    """Forward seconds per sequence length for the loop and for the one product."""

    lengths: tuple[int, ...]
    loop_seconds: tuple[float, ...]  # recurrent layer: T sequential steps
    product_seconds: tuple[float, ...]  # position-wise layer: one (T, D) x (D, H) product
    hidden: int
    last_seconds: tuple[float, ...] = ()  # position-wise layer, the output at T alone: one (1, D) x (D, H) product

    @property
    def sequential_steps(self) -> dict[str, tuple[int, ...]]:
        """Steps that must run one after another to reach the output at T: T for the RNN, 1 for the layer."""
        return {"rnn": self.lengths, "positionwise": tuple(1 for _ in self.lengths)}

    @property
    def per_step_us(self) -> float:
        """Loop time per step in microseconds: the median over lengths of time / T (robust to one slow point)."""
        return float(1e6 * np.median([s / T for s, T in zip(self.loop_seconds, self.lengths)]))

    @property
    def ratio(self) -> float:
        """Loop time over product time: the median over lengths."""
        return float(np.median([a / max(b, 1e-12) for a, b in zip(self.loop_seconds, self.product_seconds)]))


def recurrent_forward(X: np.ndarray, W_xh: np.ndarray, W_hh: np.ndarray, b: np.ndarray) -> np.ndarray:
    """h_t = tanh(W_hh h_{t-1} + W_xh x_t + b), one step after another. X (T, D) -> (T, H)."""
    XW = X @ W_xh.T + b  # (T, H): the input part has no dependence on h, so it is one product
    hs = np.empty_like(XW)
    h = np.zeros(W_hh.shape[0], X.dtype)
    for t in range(X.shape[0]):  # the loop that cannot be parallelised: h_t needs h_{t-1}
        h = np.tanh(XW[t] + W_hh @ h)
        hs[t] = h
    return hs


def positionwise_forward(X: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """H = tanh(X W^T + b) for every position at once. X (T, D) -> (T, H)."""
    return np.tanh(X @ W.T + b)


def _elapsed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def measure(lengths=LENGTHS, hidden: int = 64, *, repeats: int = 15, seed: int = 0) -> Timing:
    """Time both layers (input size = hidden size, float64) at every length; the minimum of `repeats` rounds.

    Per length: the RNN's loop over all T steps (its only way to h_T), the layer over all T positions,
    and the layer's output at position T alone.

    Each round visits every length once, so a burst of load from other work on a shared machine
    spoils one round at a few lengths, and the minimum over rounds discards it.
    """
    rng = np.random.default_rng(seed)
    H = hidden
    W_xh, W_hh, W = (rng.standard_normal((H, H)) / np.sqrt(H) for _ in range(3))
    b = np.zeros(H)
    inputs = [rng.standard_normal((T, H)) for T in lengths]
    loop = [float("inf")] * len(inputs)
    product = [float("inf")] * len(inputs)
    last = [float("inf")] * len(inputs)
    for _ in range(repeats):
        for i, X in enumerate(inputs):
            loop[i] = min(loop[i], _elapsed(lambda: recurrent_forward(X, W_xh, W_hh, b)))
            product[i] = min(product[i], _elapsed(lambda: positionwise_forward(X, W, b)))
            row = X[-1:]
            positionwise_forward(row, W, b)  # warm: the full product just evicted W from the cache
            last[i] = min(last[i], _elapsed(lambda: positionwise_forward(row, W, b)))
    return Timing(tuple(int(t) for t in lengths), tuple(loop), tuple(product), H, tuple(last))
