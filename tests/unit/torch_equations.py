"""A NumPy stand-in for the part of PyTorch the exported code uses, with PyTorch's documented equations.

torch is not installed here. The stand-in lets a test run the exact PyTorch script the app generates
(content.framework_code.pytorch_code): `import torch` / `from torch import nn` resolve to these modules while
it runs. Tensors are NumPy float64 arrays; `nn.RNN/LSTM/GRU` implement the equations and the parameter names,
shapes and registration order of https://pytorch.org/docs/stable/generated/torch.nn.RNN.html, …/torch.nn.LSTM.html,
…/torch.nn.GRU.html (time first, batch_first=False; initial states zero; outputs of both directions concatenated),
and `nn.Linear` is y = x Wᵀ + b. `load_state_dict` is strict, like PyTorch's default: a missing or unexpected key,
or a shape that differs, raises.

Keras's equations (https://keras.io/api/layers/recurrent_layers/: SimpleRNN, LSTM, GRU with reset_after=False,
Bidirectional(merge_mode="concat"), Dense) are in `keras_forward`, for the weight lists the Keras script builds.
"""

from __future__ import annotations

import contextlib
import sys
import types
from collections import OrderedDict

import numpy as np


def _sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


# ---------------------------------------------------------------------------- torch


class Parameter(np.ndarray):
    def __new__(cls, data):
        return np.array(data, dtype=np.float64).view(cls)


class Module:
    def __init__(self):
        object.__setattr__(self, "_params", OrderedDict())
        object.__setattr__(self, "_modules", OrderedDict())

    def __setattr__(self, name, value):
        if isinstance(value, Parameter):
            self._params[name] = value
        elif isinstance(value, Module):
            self._modules[name] = value
        object.__setattr__(self, name, value)

    def register_parameter(self, name, param):
        setattr(self, name, param)

    def state_dict(self, prefix=""):
        out = OrderedDict((prefix + k, v) for k, v in self._params.items())
        for name, m in self._modules.items():
            out.update(m.state_dict(prefix + name + "."))
        return out

    def load_state_dict(self, state, strict=True):
        own = self.state_dict()
        missing, unexpected = own.keys() - state.keys(), state.keys() - own.keys()
        if missing or unexpected:
            raise RuntimeError(f"missing {sorted(missing)}, unexpected {sorted(unexpected)}")
        for k, p in own.items():
            v = np.asarray(state[k])
            if v.shape != p.shape:
                raise RuntimeError(f"size mismatch for {k}: {v.shape} vs {p.shape}")
            p[...] = v

    def double(self):
        return self

    def eval(self):
        return self

    def __call__(self, *args):
        return self.forward(*args)


class Linear(Module):
    def __init__(self, in_features, out_features):
        super().__init__()
        self.weight = Parameter(np.zeros((out_features, in_features)))
        self.bias = Parameter(np.zeros(out_features))

    def forward(self, x):
        return x @ self.weight.T + self.bias


class _Recurrent(Module):
    GATES = 1

    def __init__(
        self, input_size, hidden_size, num_layers=1, bidirectional=False, batch_first=False, nonlinearity="tanh"
    ):
        super().__init__()
        assert not batch_first
        self.H, self.L, self.dirs, self.nonlinearity = hidden_size, num_layers, 2 if bidirectional else 1, nonlinearity
        G = self.GATES * hidden_size
        for k in range(num_layers):
            fan_in = input_size if k == 0 else self.dirs * hidden_size
            for sfx in ("", "_reverse")[: self.dirs]:  # PyTorch's order: l0, l0_reverse, l1, …
                setattr(self, f"weight_ih_l{k}{sfx}", Parameter(np.zeros((G, fan_in))))
                setattr(self, f"weight_hh_l{k}{sfx}", Parameter(np.zeros((G, hidden_size))))
                setattr(self, f"bias_ih_l{k}{sfx}", Parameter(np.zeros(G)))
                setattr(self, f"bias_hh_l{k}{sfx}", Parameter(np.zeros(G)))

    def forward(self, x):
        T, B = x.shape[:2]
        finals = []
        for k in range(self.L):
            outs = []
            for sfx in ("", "_reverse")[: self.dirs]:
                W = [getattr(self, f"{n}_l{k}{sfx}") for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
                state = self.zero_state(B)
                hs = [None] * T
                for t in range(T - 1, -1, -1) if sfx else range(T):
                    state = self.step(x[t], state, *W)
                    hs[t] = state[0]
                outs.append(np.stack(hs))
                finals.append(state[0])
            x = np.concatenate(outs, axis=-1)
        return x, np.stack(finals)

    def zero_state(self, B):
        return (np.zeros((B, self.H)),)


class RNN(_Recurrent):
    def step(self, x, state, W_ih, W_hh, b_ih, b_hh):
        a = x @ W_ih.T + b_ih + state[0] @ W_hh.T + b_hh  # h_t = tanh(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh)
        return (np.tanh(a) if self.nonlinearity == "tanh" else np.maximum(a, 0.0),)


class LSTM(_Recurrent):
    GATES = 4

    def zero_state(self, B):
        return (np.zeros((B, self.H)), np.zeros((B, self.H)))

    def step(self, x, state, W_ih, W_hh, b_ih, b_hh):
        h, c = state
        H = self.H
        z = x @ W_ih.T + b_ih + h @ W_hh.T + b_hh  # rows i, f, g, o
        i, f, g, o = (
            _sigmoid(z[:, :H]),
            _sigmoid(z[:, H : 2 * H]),
            np.tanh(z[:, 2 * H : 3 * H]),
            _sigmoid(z[:, 3 * H :]),
        )
        c = f * c + i * g
        return (o * np.tanh(c), c)


class GRU(_Recurrent):
    GATES = 3

    def step(self, x, state, W_ih, W_hh, b_ih, b_hh):
        h, H = state[0], self.H
        gi, gh = x @ W_ih.T + b_ih, h @ W_hh.T + b_hh  # rows r, z, n
        r = _sigmoid(gi[:, :H] + gh[:, :H])
        z = _sigmoid(gi[:, H : 2 * H] + gh[:, H : 2 * H])
        n = np.tanh(gi[:, 2 * H :] + r * gh[:, 2 * H :])  # the reset gate AFTER W_hn h + b_hn
        return ((1 - z) * n + z * h,)


def _softmax(x, dim=-1):
    e = np.exp(x - x.max(axis=dim, keepdims=True))
    return e / e.sum(axis=dim, keepdims=True)


def _zeros(*shape, dtype=None):
    return np.zeros(shape, dtype=dtype or np.float64)


def modules() -> dict[str, types.ModuleType]:
    torch = types.ModuleType("torch")
    nn = types.ModuleType("torch.nn")
    for cls in (Module, Parameter, Linear, RNN, LSTM, GRU):
        setattr(nn, cls.__name__, cls)
    torch.nn = nn  # type: ignore[attr-defined]
    torch.from_numpy = lambda a: np.array(a, dtype=np.float64)  # type: ignore[attr-defined]
    torch.sigmoid, torch.tanh, torch.zeros = _sigmoid, np.tanh, _zeros  # type: ignore[attr-defined]
    torch.stack = lambda xs, dim=0: np.stack(xs, axis=dim)  # type: ignore[attr-defined]
    torch.cat = lambda xs, dim=0: np.concatenate(xs, axis=dim)  # type: ignore[attr-defined]
    torch.softmax = _softmax  # type: ignore[attr-defined]
    torch.allclose = lambda a, b, atol=1e-8, rtol=1e-5: bool(np.allclose(a, b, atol=atol, rtol=rtol))  # type: ignore[attr-defined]
    torch.no_grad = contextlib.nullcontext  # type: ignore[attr-defined]
    return {"torch": torch, "torch.nn": nn}


def run_script(code: str, cwd) -> dict:
    """Run a generated PyTorch script against the stand-in, in folder `cwd`; its globals afterwards."""
    saved = {k: sys.modules.get(k) for k in ("torch", "torch.nn")}
    sys.modules.update(modules())
    printed: list[str] = []
    env = {"__name__": "__main__", "print": lambda *a: printed.append(" ".join(map(str, a)))}
    with contextlib.chdir(cwd):
        try:
            exec(compile(code, "exported.py", "exec"), env)
        finally:
            for k, v in saved.items():
                if v is None:
                    sys.modules.pop(k, None)
                else:
                    sys.modules[k] = v
    env["printed"] = printed
    return env


# ---------------------------------------------------------------------------- Keras


def _keras_layer(cell: str, x: np.ndarray, kernel, rec, bias, H: int, activation: str) -> np.ndarray:
    """One Keras recurrent layer over x (B, T, D), return_sequences=True, zero initial state."""
    B, T = x.shape[:2]
    h, c = np.zeros((B, H)), np.zeros((B, H))
    out = np.zeros((B, T, H))
    f = {"tanh": np.tanh, "sigmoid": _sigmoid, "relu": lambda a: np.maximum(a, 0), "linear": lambda a: a}[activation]
    for t in range(T):
        xt = x[:, t]
        if cell == "rnn":  # SimpleRNN: h = f(x K + h R + b)
            h = f(xt @ kernel + h @ rec + bias)
        elif cell == "lstm":  # kernel columns i, f, c, o
            z = xt @ kernel + h @ rec + bias
            i, fg, g, o = (
                _sigmoid(z[:, :H]),
                _sigmoid(z[:, H : 2 * H]),
                np.tanh(z[:, 2 * H : 3 * H]),
                _sigmoid(z[:, 3 * H :]),
            )
            c = fg * c + i * g
            h = o * np.tanh(c)
        else:  # GRU, reset_after=False: columns z, r, h
            xz, xr, xh = (xt @ kernel[:, k * H : (k + 1) * H] + bias[k * H : (k + 1) * H] for k in range(3))
            z = _sigmoid(xz + h @ rec[:, :H])
            r = _sigmoid(xr + h @ rec[:, H : 2 * H])
            hh = np.tanh(xh + (r * h) @ rec[:, 2 * H :])
            h = z * h + (1 - z) * hh
        out[:, t] = h
    return out


def keras_forward(cell: str, weights: list, x: np.ndarray, *, H: int, bidirectional: bool, activation: str):
    """Keras's stacked (Bidirectional) layers and Dense over x (B, T, D), with `weights` as set_weights takes them."""
    for layer_w in weights[:-1]:
        fw = _keras_layer(cell, x, *layer_w[:3], H, activation)
        if bidirectional:  # the backward layer reads the reversed sequence; its outputs are reversed back
            bw = _keras_layer(cell, x[:, ::-1], *layer_w[3:6], H, activation)[:, ::-1]
            fw = np.concatenate([fw, bw], axis=-1)
        x = fw
    kernel, bias = weights[-1]
    return x @ kernel + bias
