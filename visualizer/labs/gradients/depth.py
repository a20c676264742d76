"""The gradient across depth and across time at once: ‖∂L/∂h_t^[l]‖ for every layer l, direction and step t.

The lab's loss (measure.py): cross-entropy at the last step only, L = -log p_T[y], read from the top layer's
o_T = [→h_T; ←h_T]. In a stacked network the gradient reaches h_t^[l] along two kinds of path: back through time
within a layer (the recurrent Jacobians, as in the one-layer lab) and down through the layers (each layer's input
weights); nn/deep.py computes the exact total. Each (layer, direction) gets the lab's weights: its recurrent
matrix (every gate block) rescaled to the lab's radius, the forget/update gate biased open for the gated cells,
the first layer's input weights scaled by the input strength (the layers above read the layer below unscaled).
Pure NumPy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from visualizer.labs.gradients import measure
from visualizer.nn import deep


@dataclass(frozen=True)
class DepthProfile:
    """‖∂L/∂h_t^[l]‖ of one network on one sequence."""

    cell: str
    norms: np.ndarray  # (L, dirs, T) ‖∂L/∂h_t^[l]‖; norms[l, d, t-1] for step t
    loss: float

    @property
    def layers(self) -> int:
        return self.norms.shape[0]

    @property
    def directions(self) -> int:
        return self.norms.shape[1]

    @property
    def T(self) -> int:
        return self.norms.shape[2]

    def rows(self) -> list[tuple[int, int]]:
        """(layer, direction) of every row of the chart, bottom layer first, → before ←."""
        return [(li, d) for li in range(self.layers) for d in range(self.directions)]


def depth_params(
    cell: str,
    input_size: int,
    hidden: int,
    output_size: int,
    *,
    layers: int,
    bidirectional: bool,
    seed: int,
    radius: float,
    rkind: str = "spectral",
    input_scale: float = 1.0,
    activation: str = "tanh",
) -> deep.DeepParams:
    """Seeded weights of every (layer, direction) as measure.scaled_params makes them for one layer."""
    if not 1 <= layers <= deep.MAX_LAYERS:
        raise ValueError(f"layers must be between 1 and {deep.MAX_LAYERS}; got {layers}")
    dirs = 2 if bidirectional else 1
    rows = []
    for li in range(layers):
        fan_in = input_size if li == 0 else dirs * hidden
        row = []
        for d in range(dirs):
            p = measure.scaled_params(
                cell,
                fan_in,
                hidden,
                1,
                seed=seed + 10 * li + d,
                radius=radius,
                rkind=rkind,
                input_scale=input_scale if li == 0 else 1.0,
            ).as_dict()
            row.append({k: p[k] for k in deep.RECURRENT[cell]})
        rows.append(tuple(row))
    rng = np.random.default_rng(seed + 1000)
    W_hy = rng.standard_normal((output_size, dirs * hidden)) / np.sqrt(dirs * hidden)
    return deep.DeepParams(cell, tuple(rows), W_hy, np.zeros(output_size), activation)


def profile(params: deep.DeepParams, X: np.ndarray, target: int) -> DepthProfile:
    """‖∂L/∂h_t^[l]‖ for the last-step loss asking for `target`; X is (T, D)."""
    trace = deep.forward(params, X)
    loss, dlogits = measure.last_step_cross_entropy(trace.probs, target)
    grads = deep.backward(params, trace, dlogits)
    return DepthProfile(params.cell, grads.dh_norms(), float(loss))
