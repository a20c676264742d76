"""Stacked (deep) and bidirectional RNNs built from the cells of cells.CELLS: forward and exact backward.

Layer l = 1..L reads the sequence its layer below wrote (layer 1 reads x_t); with two directions the forward
direction reads it from t = 1 to T and the backward direction from t = T down to 1, each with its own weights:

    →h_t^[l] = cell(→h_{t-1}^[l], o_t^[l-1])           o_t^[0] = x_t
    ←h_t^[l] = cell(←h_{t+1}^[l], o_t^[l-1])
    o_t^[l]  = [→h_t^[l]; ←h_t^[l]]                      (2H,): the concatenation (only →h_t^[l] with one direction)
    logits_t = W_hy o_t^[L] + b_y,  p_t = softmax(logits_t)

Every state starts at zero (→h_0 = ←h_{T+1} = 0, and c = 0 for the LSTM). This is the layout of PyTorch's
`nn.RNN/LSTM/GRU(num_layers=L, bidirectional=True)` followed by an `nn.Linear`, and of Keras's stacked
`Bidirectional(..., merge_mode="concat")` layers (Schuster & Paliwal 1997 for the bidirectional RNN; Graves,
Mohamed & Hinton 2013 for stacking them).

Each (layer, direction) is one cell of cells.CELLS run with an identity read-out (W_hy = I, b_y = 0): its
"logits" are its h_t, and its own exact backward, given dL/dh_t from the layer above as "dlogits", returns the
weights' gradients, dL/dh_t through time, and dL/d(pre-activations), from which dL/d(input) = dpre @ W_in.
Arrays are time-first: X (T, D) or (T, B, D). Pure NumPy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from visualizer.nn import cells, rnn

MAX_LAYERS = 3
DIRECTIONS = ("forward", "backward")  # index d: 0 reads t = 1..T, 1 reads t = T..1
# The recurrent arrays of one (layer, direction) of each cell, and which of them reads the layer's input.
RECURRENT = {"rnn": ("W_xh", "W_hh", "b_h"), "lstm": ("W_x", "W_h", "b"), "gru": ("W_x", "W_h", "b")}
INPUT_WEIGHT = {"rnn": "W_xh", "lstm": "W_x", "gru": "W_x"}
GATES = {"rnn": 1, "lstm": 4, "gru": 3}


# ---------------------------------------------------------------------------- parameters


@dataclass(frozen=True)
class DeepParams:
    """Weights of a stacked, optionally bidirectional network of one cell kind, and its output layer."""

    cell: str  # "rnn" | "lstm" | "gru"
    layers: tuple[tuple[dict[str, np.ndarray], ...], ...]  # layers[li][d]: the RECURRENT[cell] arrays by name
    W_hy: np.ndarray  # (V, dirs * H) top layer's [→h_t; ←h_t] -> logits
    b_y: np.ndarray  # (V,)
    activation: str = "tanh"  # the vanilla cell's f (the gated cells fix their own)

    @property
    def num_layers(self) -> int:
        return len(self.layers)

    @property
    def directions(self) -> int:
        return len(self.layers[0])

    @property
    def bidirectional(self) -> bool:
        return self.directions == 2

    @property
    def hidden_size(self) -> int:
        return self.layers[0][0][RECURRENT[self.cell][1]].shape[1]

    @property
    def input_size(self) -> int:
        return self.layers[0][0][INPUT_WEIGHT[self.cell]].shape[1]

    @property
    def output_size(self) -> int:
        return self.W_hy.shape[0]

    def as_dict(self) -> dict[str, np.ndarray]:
        """Every array by a flat name: 'l0.d0.W_hh', …, 'W_hy', 'b_y' (the gradient check's handle)."""
        out = {
            f"l{li}.d{d}.{k}": v
            for li, dirs in enumerate(self.layers)
            for d, ws in enumerate(dirs)
            for k, v in ws.items()
        }
        return {**out, "W_hy": self.W_hy, "b_y": self.b_y}

    def astype(self, dtype) -> DeepParams:
        return replace_arrays(self, {k: v.astype(dtype) for k, v in self.as_dict().items()})

    def cell_params(self, li: int, d: int):
        """Layer l, direction d as the cell's own params with an identity read-out (its logits are its h_t)."""
        H = self.hidden_size
        W = self.layers[li][d]
        dtype = W[RECURRENT[self.cell][1]].dtype
        return cells.CELLS[self.cell].params_type(**W, W_hy=np.eye(H, dtype=dtype), b_y=np.zeros(H, dtype))


def init(
    cell: str,
    input_size: int,
    hidden_size: int,
    output_size: int,
    *,
    layers: int = 1,
    bidirectional: bool = False,
    seed: int = 0,
    scale: float = 1.0,
    activation: str = "tanh",
    dtype=np.float64,
) -> DeepParams:
    """Seeded weights: each (layer, direction) is the cell's own init with seed + 10 l + d (input size D for
    layer 1, dirs * H above); the output layer N(0, scale^2 / (dirs * H)) from seed + 1000, its bias zero."""
    if not 1 <= layers <= MAX_LAYERS:
        raise ValueError(f"layers must be between 1 and {MAX_LAYERS}; got {layers}")
    dirs = 2 if bidirectional else 1
    spec = cells.CELLS[cell]
    rows = []
    for li in range(layers):
        fan_in = input_size if li == 0 else dirs * hidden_size
        row = []
        for d in range(dirs):
            p = spec.init(fan_in, hidden_size, 1, seed=seed + 10 * li + d, scale=scale, dtype=dtype).as_dict()
            row.append({k: p[k] for k in RECURRENT[cell]})
        rows.append(tuple(row))
    rng = np.random.default_rng(seed + 1000)
    W_hy = rng.standard_normal((output_size, dirs * hidden_size)) * scale / np.sqrt(dirs * hidden_size)
    return DeepParams(cell, tuple(rows), W_hy.astype(dtype), np.zeros(output_size, dtype), activation)


def from_single(cell: str, params: Any, activation: str = "tanh") -> DeepParams:
    """A one-layer, one-direction network from a cell's own params (the explorer's model, a shipped model)."""
    arrays = params.as_dict()
    return DeepParams(cell, (({k: arrays[k] for k in RECURRENT[cell]},),), arrays["W_hy"], arrays["b_y"], activation)


def as_network(cell: str, params: Any, activation: str = "tanh") -> DeepParams:
    """Any model's weights as a DeepParams network: a DeepParams as it is, a cell's own params as one layer."""
    return params if isinstance(params, DeepParams) else from_single(cell, params, activation)


def replace_arrays(params: DeepParams, arrays: dict[str, np.ndarray]) -> DeepParams:
    """The same network with arrays named as in `as_dict` taken from `arrays`."""
    rows = tuple(
        tuple({k: arrays.get(f"l{li}.d{d}.{k}", v) for k, v in ws.items()} for d, ws in enumerate(dirs))
        for li, dirs in enumerate(params.layers)
    )
    return DeepParams(
        params.cell, rows, arrays.get("W_hy", params.W_hy), arrays.get("b_y", params.b_y), params.activation
    )


# ---------------------------------------------------------------------------- forward


@dataclass(frozen=True)
class DeepTrace:
    """What the forward pass computed. Every per-layer array is in natural time order (t = 1..T)."""

    X: np.ndarray  # (T, [B,] D)
    cell_traces: tuple[tuple[Any, ...], ...]  # [li][d]: the cell's own trace; d = 1 runs on reversed time
    outputs: tuple[np.ndarray, ...]  # [li]: (T, [B,] dirs*H) o_t^[li] = [→h_t; ←h_t]
    logits: np.ndarray  # (T, [B,] V)
    probs: np.ndarray  # (T, [B,] V)

    @property
    def T(self) -> int:
        return self.X.shape[0]

    def h(self, li: int, d: int) -> np.ndarray:
        """(T, [B,] H) h_t of layer l, direction d, for t = 1..T in natural order."""
        hs = self.cell_traces[li][d].hs[1:]
        return hs if d == 0 else hs[::-1]

    @property
    def overflowed(self) -> bool:
        return not (all(np.all(np.isfinite(o)) for o in self.outputs) and np.all(np.isfinite(self.logits)))

    @property
    def final_state(self) -> tuple[Any, ...]:
        """One state per layer (the forward direction's last: h_T, or (h_T, c_T)): pass it back as state0."""
        return tuple(row[0].final_state for row in self.cell_traces)


def _run_direction(x: np.ndarray, d: int) -> np.ndarray:
    return x if d == 0 else x[::-1]


def forward(params: DeepParams, X: np.ndarray, state0: Any = None, *, fused_input: bool = False) -> DeepTrace:
    """Run every layer, both directions, then the output layer; X is (T, D) or (T, B, D).

    state0: None (every state zero) or, for one direction only, a tuple with one cell state per layer (what
    `final_state` returns), to continue a sequence (truncated BPTT, sampling). fused_input: the cells' fast path.
    """
    X = np.asarray(X, dtype=params.W_hy.dtype)
    if X.ndim not in (2, 3) or X.shape[-1] != params.input_size:
        D = params.input_size
        raise ValueError(f"X must be (T, {D}) or (T, B, {D}); got {X.shape}")
    if state0 is not None and (params.bidirectional or len(state0) != params.num_layers):
        raise ValueError("state0 continues a one-direction network: one state per layer")
    spec = cells.CELLS[params.cell]
    kw: dict[str, Any] = {"fused_input": fused_input}
    if params.cell == "rnn":
        kw["activation"] = params.activation
    inp, traces, outputs = X, [], []
    with np.errstate(over="ignore", invalid="ignore"):
        for li in range(params.num_layers):
            row = tuple(
                spec.forward(
                    params.cell_params(li, d),
                    _run_direction(inp, d),
                    None if state0 is None else state0[li],
                    **kw,
                )
                for d in range(params.directions)
            )
            traces.append(row)
            inp = np.concatenate([_run_direction(tr.hs[1:], d) for d, tr in enumerate(row)], axis=-1)
            outputs.append(inp)  # (T, [B,] dirs*H)
        logits = inp @ params.W_hy.T + params.b_y
        probs = rnn.softmax(logits)
    return DeepTrace(X, tuple(traces), tuple(outputs), logits, probs)


# ---------------------------------------------------------------------------- backward


@dataclass(frozen=True)
class DeepGrads:
    """Exact gradients: every array of every layer and direction, the output layer, the input, and dL/dh_t."""

    layers: tuple[tuple[dict[str, np.ndarray], ...], ...]  # [li][d]: 'd' + name -> gradient
    dW_hy: np.ndarray  # (V, dirs*H)
    db_y: np.ndarray  # (V,)
    dX: np.ndarray  # (T, [B,] D) dL/dx_t
    dh: tuple[tuple[np.ndarray, ...], ...]  # [li][d]: (T, [B,] H) dL/dh_t^[li], natural time order, total derivative

    def params_dict(self) -> dict[str, np.ndarray]:
        """'d' + each name of DeepParams.as_dict."""
        out = {
            f"dl{li}.d{d}.{k[1:]}": v
            for li, dirs in enumerate(self.layers)
            for d, gs in enumerate(dirs)
            for k, v in gs.items()
        }
        return {**out, "dW_hy": self.dW_hy, "db_y": self.db_y}

    def dh_norms(self) -> np.ndarray:
        """(L, dirs, T) ‖dL/dh_t^[li]‖ per layer, direction and step (summed over a batch's streams squared)."""
        with np.errstate(over="ignore", invalid="ignore"):
            return np.array(
                [[np.sqrt(np.sum(np.square(g).reshape(g.shape[0], -1), axis=1)) for g in row] for row in self.dh]
            )


def backward(params: DeepParams, trace: DeepTrace, dlogits: np.ndarray, *, input_grad: bool = True) -> DeepGrads:
    """Back-propagation through the output layer, then through each layer from the top down, each direction
    through time by its cell's exact backward; what reaches a layer's input goes to the layer below.

    input_grad=False skips dL/dx_t (the bottom layer's dpre @ W_in, the largest product with one-hot inputs:
    training does not need it); dX is then zeros.
    """
    spec = cells.CELLS[params.cell]
    H, top = params.hidden_size, trace.outputs[-1]
    with np.errstate(over="ignore", invalid="ignore"):
        dW_hy = rnn._sum_outer(dlogits, top)
        db_y = dlogits.reshape(-1, dlogits.shape[-1]).sum(0)
        d_out = dlogits @ params.W_hy  # (T, [B,] dirs*H) dL/do_t^[L] from the outputs
        layer_grads: list[tuple[dict[str, np.ndarray], ...]] = []
        layer_dh: list[tuple[np.ndarray, ...]] = []
        for li in range(params.num_layers - 1, -1, -1):
            d_in = None
            grads_row, dh_row = [], []
            for d in range(params.directions):
                cp = params.cell_params(li, d)
                g = spec.backward(cp, trace.cell_traces[li][d], _run_direction(d_out[..., d * H : (d + 1) * H], d))
                assert g.dpre is not None  # every cell's backward returns it
                grads = g.params_dict()
                grads_row.append({f"d{k}": grads[f"d{k}"] for k in RECURRENT[params.cell]})
                dh_row.append(_run_direction(g.dh, d))
                if li == 0 and not input_grad:
                    continue
                part = _run_direction(g.dpre @ getattr(cp, INPUT_WEIGHT[params.cell]), d)  # into o_t^[l-1]
                d_in = part if d_in is None else d_in + part
            layer_grads.append(tuple(grads_row))
            layer_dh.append(tuple(dh_row))
            d_out = d_in  # type: ignore[assignment]
    dX = d_out if d_out is not None else np.zeros_like(trace.X)
    return DeepGrads(tuple(layer_grads[::-1]), dW_hy, db_y, dX, tuple(layer_dh[::-1]))


# ---------------------------------------------------------------------------- one entry point for any network


def run(cell: str, params: Any, X: np.ndarray, state0: Any = None, **kw: Any) -> Any:
    """Forward pass of a one-layer cell (cells.CELLS) or of a DeepParams network, by what `params` is: the
    trace has .logits, .probs and .final_state either way (what prediction, sampling and training read)."""
    if isinstance(params, DeepParams):
        return forward(params, X, state0, fused_input=kw.get("fused_input", False))
    return cells.CELLS[cell].forward(params, X, state0, **kw)


def file_names(params: DeepParams) -> dict[str, str]:
    """as_dict name -> a name a model file may hold ('l0.d1.W_hh' -> 'l0_d1_W_hh')."""
    return {k: k.replace(".", "_", 2) if k.startswith("l") and k[1].isdigit() else k for k in params.as_dict()}
