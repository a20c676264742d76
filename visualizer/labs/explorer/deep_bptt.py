"""The running ‖∂L/∂W_hh^[l]‖ of every layer and direction of a deep run, as back-propagation adds its steps.

Each (layer, direction) of nn/deep.py is one cell run with an identity read-out, so the one-layer explorer's
step-by-step BPTT (bptt.backward_steps for the vanilla cell, bptt.gated_backward for LSTM/GRU) applies to it
unchanged, given what reaches its h_t from the layer above (dL/do_t^[l], the same recursion as deep.backward):

    running[l, →, t] = ‖Σ_{s=t}^{T} (step s's term of ∂L/∂W_hh^[l,→])‖    (the → direction's BPTT walks T … 1)
    running[l, ←, t] = ‖Σ_{s=1}^{t} (step s's term of ∂L/∂W_hh^[l,←])‖    (the ← direction's walks 1 … T)

so running[l, →, 1] and running[l, ←, T] are the whole gradient's norm (tested against deep.backward).
W_hh is the vanilla cell's recurrent matrix, W_h the gated cells' (all gates stacked). Pure NumPy.
"""

from __future__ import annotations

import numpy as np

from visualizer.labs.explorer import bptt
from visualizer.labs.explorer.deep_run import DeepRun
from visualizer.nn import deep


def _natural(a: np.ndarray, d: int) -> np.ndarray:
    return a if d == 0 else a[::-1]


def running_weight_norms(r: DeepRun) -> np.ndarray:
    """(L, dirs, T) the running recurrent-weight gradient norm of every row, in natural time order."""
    p, tr = r.params, r.trace
    H, L, dirs = p.hidden_size, p.num_layers, p.directions
    out = np.empty((L, dirs, r.T))
    with np.errstate(over="ignore", invalid="ignore"):
        d_out = r.loss.dout @ p.W_hy  # (T, dirs*H) dL/do_t^[L]
        for li in range(L - 1, -1, -1):
            d_in = np.zeros_like(tr.outputs[li - 1] if li else tr.X)
            for d in range(dirs):
                cp, ct = p.cell_params(li, d), tr.cell_traces[li][d]
                dsl = _natural(d_out[:, d * H : (d + 1) * H], d)  # the cell's own time order
                if p.cell == "rnn":
                    steps = bptt.backward_steps(cp, ct, dsl)
                    running, dpre = steps.running_W_hh, steps.dz
                else:
                    gb = bptt.gated_backward(p.cell, cp, ct, dsl)
                    running, dpre = gb.running_W_h, gb.grads.dpre  # type: ignore[attr-defined]
                out[li, d] = _natural(running, d)
                d_in = d_in + _natural(dpre @ getattr(cp, deep.INPUT_WEIGHT[p.cell]), d)
            d_out = d_in
    return out
