"""The app's network in PyTorch's state_dict names and layout, and back.

PyTorch's recurrent layers (docs: https://pytorch.org/docs/stable/generated/torch.nn.RNN.html, …LSTM.html,
…GRU.html) keep, for layer k and each direction (suffix "" forward, "_reverse" backward):

    weight_ih_l{k}{sfx}  (G*H, in_k)    in_0 = D, in_k = dirs*H above: the layer reads [→h; ←h] of the one below
    weight_hh_l{k}{sfx}  (G*H, H)
    bias_ih_l{k}{sfx}    (G*H,)
    bias_hh_l{k}{sfx}    (G*H,)

with G = 1 (RNN), 4 (LSTM, rows stacked i, f, g, o) or 3 (GRU, rows stacked r, z, n), and an `nn.Linear`
read-out `weight` (V, dirs*H), `bias` (V,). Its equations, per the same pages:

    RNN:  h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)                       (nonlinearity 'tanh' or 'relu')
    LSTM: i, f, g, o = σ, σ, tanh, σ of (W_i* x_t + b_i* + W_h* h_{t-1} + b_h*);  c_t = f c_{t-1} + i g;
          h_t = o tanh(c_t)
    GRU:  r, z = σ(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr), σ(…z…);
          n = tanh(W_in x_t + b_in + r ∘ (W_hn h_{t-1} + b_hn));  h_t = (1 - z) n + z h_{t-1}

The app's gate orders are PyTorch's (LSTM i, f, g, o; GRU r, z, n with the app's update gate u = z), and its
weights are PyTorch's matrices as they are (both compute W x). The app has one bias per gate where PyTorch has
two that are only ever added, so the export writes the app's bias as bias_ih and zeros as bias_hh; reading a
PyTorch file back adds them. The one thing a layout cannot bridge is the GRU's candidate: the app applies the
reset gate before the recurrent product, n = tanh(W_xn x + W_hn (r ∘ h) + b_n) (Cho et al. 2014), PyTorch after
it, r ∘ (W_hn h + b_hn) — the same file loaded into `nn.GRU` computes another function (content.framework_code
says so and ships a small module with the app's equation). The vanilla cell's sigmoid and linear activations
have no `nn.RNN` nonlinearity either. Pure NumPy.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np

from visualizer.nn import deep

RNN_PREFIX = "rnn."  # the recurrent module's name in the exported model (Model.rnn)
OUT_PREFIX = "out."  # the read-out nn.Linear (Model.out)
EXAMPLE_PREFIX = "example."  # the input the app ran and the logits it computed: not part of the state_dict
SUFFIXES = ("", "_reverse")
# What PyTorch's own nn.RNN can run of the vanilla cell's activations (nonlinearity=...).
TORCH_NONLINEARITIES = ("tanh", "relu")


def key(kind: str, layer: int, direction: int) -> str:
    """PyTorch's parameter name, e.g. key('weight_hh', 1, 1) = 'weight_hh_l1_reverse'."""
    return f"{kind}_l{layer}{SUFFIXES[direction]}"


def state_dict(params: deep.DeepParams) -> dict[str, np.ndarray]:
    """{'rnn.weight_ih_l0': …, …, 'out.weight', 'out.bias'}: float64 arrays in PyTorch's layout."""
    w_in, w_rec, bias = deep.RECURRENT[params.cell]
    out: dict[str, np.ndarray] = {}
    for li, row in enumerate(params.layers):
        for d, W in enumerate(row):
            out[RNN_PREFIX + key("weight_ih", li, d)] = np.array(W[w_in], np.float64)
            out[RNN_PREFIX + key("weight_hh", li, d)] = np.array(W[w_rec], np.float64)
            out[RNN_PREFIX + key("bias_ih", li, d)] = np.array(W[bias], np.float64)
            out[RNN_PREFIX + key("bias_hh", li, d)] = np.zeros_like(W[bias], np.float64)  # PyTorch adds the two
    out[OUT_PREFIX + "weight"] = np.array(params.W_hy, np.float64)
    out[OUT_PREFIX + "bias"] = np.array(params.b_y, np.float64)
    return out


def from_state_dict(
    sd: dict[str, np.ndarray], cell: str, *, layers: int, bidirectional: bool, activation: str = "tanh"
) -> deep.DeepParams:
    """The app's network from arrays named as `state_dict` writes them (the two biases summed).

    For a GRU, summing b_ih and b_hh on the n rows is exact only when b_hn = 0 (in PyTorch's nn.GRU b_hn sits
    inside r ∘ (…)); ValueError otherwise, and for a missing array or a shape that does not fit.
    """
    w_in, w_rec, bias = deep.RECURRENT[cell]
    dirs = 2 if bidirectional else 1
    rows = []
    try:
        for li in range(layers):
            row = []
            for d in range(dirs):

                def get(kind: str, li: int = li, d: int = d) -> np.ndarray:
                    return np.asarray(sd[RNN_PREFIX + key(kind, li, d)], np.float64)

                b_hh = get("bias_hh")
                if cell == "gru":
                    H = b_hh.shape[0] // 3
                    if np.any(b_hh[2 * H :] != 0):
                        raise ValueError(
                            f"{key('bias_hh', li, d)}: the candidate's b_hn is not zero; the app's GRU has no place for it"
                        )
                row.append({w_in: get("weight_ih"), w_rec: get("weight_hh"), bias: get("bias_ih") + b_hh})
            rows.append(tuple(row))
        W_hy, b_y = np.asarray(sd[OUT_PREFIX + "weight"], np.float64), np.asarray(sd[OUT_PREFIX + "bias"], np.float64)
    except KeyError as err:
        raise ValueError(f"missing array {err.args[0]!r}") from None
    params = deep.DeepParams(cell, tuple(rows), W_hy, b_y, activation)
    reference = deep.init(
        cell, params.input_size, params.hidden_size, params.output_size, layers=layers, bidirectional=bidirectional
    ).as_dict()
    for name, arr in params.as_dict().items():
        if arr.shape != reference[name].shape:
            raise ValueError(f"{name} has shape {arr.shape}, expected {reference[name].shape}")
    return params


def npz_bytes(params: deep.DeepParams, example: np.ndarray | None = None) -> bytes:
    """The state_dict as an .npz, with the example input (T, 1, D) the app ran and its logits (T, 1, V) beside it
    under 'example.' names (the loader leaves them out of the state_dict and compares with them)."""
    arrays: dict[str, Any] = dict(state_dict(params))
    if example is not None:
        X = np.asarray(example, np.float64)
        X = X[:, None, :] if X.ndim == 2 else X  # (T, B=1, D): PyTorch's time-first default
        arrays[EXAMPLE_PREFIX + "x"] = X
        arrays[EXAMPLE_PREFIX + "logits"] = deep.forward(params, X).logits
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


# ---------------------------------------------------------------------------- what nn.GRU would compute


def nn_gru_logits(params: deep.DeepParams, X: np.ndarray) -> np.ndarray:
    """(T, [B,] V) the logits PyTorch's nn.GRU (reset gate after W_hn, per its documented equation) + nn.Linear
    would give with this network's state_dict: what loading the app's GRU into nn.GRU would compute instead."""
    if params.cell != "gru":
        raise ValueError("nn_gru_logits is for a GRU")
    H = params.hidden_size
    inp = np.asarray(X, np.float64)
    for row in params.layers:
        outs = []
        for d, W in enumerate(row):
            Wx, Wh, b = W["W_x"], W["W_h"], W["b"]  # bias_ih = b, bias_hh = 0 in the file
            h = np.zeros((*inp.shape[1:-1], H))
            hs = np.zeros((*inp.shape[:-1], H))
            for t in range(inp.shape[0] - 1, -1, -1) if d else range(inp.shape[0]):
                gi, gh = inp[t] @ Wx.T + b, h @ Wh.T
                r = 1.0 / (1.0 + np.exp(-(gi[..., :H] + gh[..., :H])))
                z = 1.0 / (1.0 + np.exp(-(gi[..., H : 2 * H] + gh[..., H : 2 * H])))
                n = np.tanh(gi[..., 2 * H :] + r * gh[..., 2 * H :])
                h = (1 - z) * n + z * h
                hs[t] = h
            outs.append(hs)
        inp = np.concatenate(outs, axis=-1)
    return inp @ params.W_hy.T + params.b_y


def nn_gru_gap(params: deep.DeepParams, X: np.ndarray) -> float:
    """max |logits of nn.GRU with these weights − the app's logits| on X: how far PyTorch's own GRU would be off."""
    return float(np.max(np.abs(nn_gru_logits(params, X) - deep.forward(params, X).logits), initial=0.0))
