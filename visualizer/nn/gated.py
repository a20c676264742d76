"""The gated cells, LSTM and GRU, in pure NumPy: forward and exact backward, beside each other.

LSTM (Hochreiter & Schmidhuber 1997, with a forget gate), gates stacked in the order i, f, g, o:

    z_t = W_x x_t + W_h h_{t-1} + b                      (4H,) = [z_i; z_f; z_g; z_o]
    i_t = sigma(z_i)   f_t = sigma(z_f)   g_t = tanh(z_g)   o_t = sigma(z_o)
    c_t = f_t * c_{t-1} + i_t * g_t                      the cell state: an additive path through time
    h_t = o_t * tanh(c_t)
    logits_t = W_hy h_t + b_y,  p_t = softmax(logits_t)

The state is the pair (h, c): `state0` and `final_state` are tuples (h, c).

GRU (Cho et al. 2014, reset applied before the recurrent product), stacked in the order r, z, n:

    r_t = sigma(W_xr x_t + W_hr h_{t-1} + b_r)           reset gate
    u_t = sigma(W_xz x_t + W_hz h_{t-1} + b_z)           update gate (z in the papers)
    n_t = tanh(W_xn x_t + W_hn (r_t * h_{t-1}) + b_n)    candidate
    h_t = (1 - u_t) * n_t + u_t * h_{t-1}                u_t = 1 copies the old state unchanged
    logits_t = W_hy h_t + b_y,  p_t = softmax(logits_t)

W_x = [W_xr; W_xz; W_xn] is (3H, D), W_h = [W_hr; W_hz; W_hn] is (3H, H). Both cells fix their own
nonlinearities (sigmoid gates, tanh candidate); the `activation` argument of their forward is accepted for
the uniform call of the cell contract (cells.Cell) and ignored.

Every forward runs in the dtype of the parameters (float32 weights -> float32 trace), takes (T, D) or
(T, B, D), and keeps NumPy's overflow warnings quiet: overflow shows as .overflowed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from visualizer.nn import rnn

# ---------------------------------------------------------------------------- shared by the gated cells


class _Params(rnn.ParamArrays):
    """Sizes for the gated cells' frozen parameter dataclasses (stacked gate blocks)."""

    W_x: np.ndarray  # (gates * H, D)
    W_h: np.ndarray  # (gates * H, H)

    @property
    def input_size(self) -> int:
        return self.W_x.shape[1]

    @property
    def hidden_size(self) -> int:
        return self.W_h.shape[1]


class _Grads:
    """params_dict for the gated cells' gradient dataclasses."""

    PARAM_NAMES = ("dW_x", "dW_h", "db", "dW_hy", "db_y")

    def params_dict(self) -> dict[str, np.ndarray]:
        return {k: getattr(self, k) for k in self.PARAM_NAMES}


def _gated_init(
    cls,
    gates: int,
    input_size,
    hidden_size,
    output_size,
    *,
    seed=0,
    scale=1.0,
    spectral_radius_hh=None,
    dtype=np.float64,
    keep_bias=0.0,
):
    """Random weights N(0, scale^2 / fan_in), like rnn.init_params; biases zero except `keep_bias`.

    `keep_bias` goes to the second gate block, the one that keeps the old state: the LSTM's forget
    gate f and the GRU's update gate u. A positive value makes a fresh cell copy its state forward.

    With `spectral_radius_hh`, each gate's (H, H) recurrent block is rescaled to that spectral radius.
    """
    if min(input_size, hidden_size, output_size) < 1:
        raise ValueError("input, hidden and output sizes must all be at least 1")
    rng = np.random.default_rng(seed)
    H = hidden_size
    W_x = rng.standard_normal((gates * H, input_size)) * scale / np.sqrt(input_size)
    W_h = rng.standard_normal((gates * H, H)) * scale / np.sqrt(H)
    W_hy = rng.standard_normal((output_size, H)) * scale / np.sqrt(H)
    if spectral_radius_hh is not None:
        for k in range(gates):
            block = W_h[k * H : (k + 1) * H]
            rho = rnn.spectral_radius(block)
            if rho > 0:
                W_h[k * H : (k + 1) * H] = block * (spectral_radius_hh / rho)
    b = np.zeros(gates * H)
    b[H : 2 * H] = keep_bias  # rows of f (LSTM) or u (GRU)
    return cls(
        W_x=W_x.astype(dtype),
        W_h=W_h.astype(dtype),
        b=b.astype(dtype),
        W_hy=W_hy.astype(dtype),
        b_y=np.zeros(output_size, dtype),
    )


def _check_input(params, X) -> np.ndarray:
    X = np.asarray(X, dtype=params.W_h.dtype)
    D = params.input_size
    if X.ndim not in (2, 3) or X.shape[-1] != D:
        raise ValueError(f"X must be (T, {D}) or (T, B, {D}); got {X.shape}")
    return X


def _sigmoid(a: np.ndarray) -> np.ndarray:
    return rnn.activate(a, "sigmoid")


def _outputs(params, hs: np.ndarray, fused: bool) -> tuple[np.ndarray, np.ndarray]:
    logits = rnn._project(hs[1:], params.W_hy, fused) + params.b_y  # (T, [B,] V)
    return logits, rnn.softmax(logits)


def _output_backward(params, trace, dlogits):
    """(dW_hy, db_y, dh_out): the output layer's gradients and what each output sends into its h_t."""
    dW_hy = rnn._sum_outer(dlogits, trace.hs[1:])
    db_y = dlogits.reshape(-1, dlogits.shape[-1]).sum(0)
    return dW_hy, db_y, dlogits @ params.W_hy  # (T, [B,] H)


def _initial(state0, T_batch: tuple, H: int, dtype) -> np.ndarray:
    out = np.zeros((*T_batch, H), dtype)
    if state0 is not None:
        out[...] = state0
    return out


# ---------------------------------------------------------------------------- LSTM


@dataclass(frozen=True)
class LSTMParams(_Params):
    """LSTM weights, gates stacked [i; f; g; o]: input, forget, candidate, output."""

    W_x: np.ndarray  # (4H, D) input -> gates
    W_h: np.ndarray  # (4H, H) hidden -> gates, the temporal loop
    b: np.ndarray  # (4H,)
    W_hy: np.ndarray  # (V, H) hidden -> output logits
    b_y: np.ndarray  # (V,)

    GATE_NAMES = ("i", "f", "g", "o")


@dataclass(frozen=True)
class LSTMTrace(rnn.Trace):
    X: np.ndarray  # (T, [B,] D)
    gates: np.ndarray  # (T, [B,] 4H) activated [i, f, g, o]
    cs: np.ndarray  # (T+1, [B,] H) cell states, cs[0] = c0
    tanh_c: np.ndarray  # (T, [B,] H) tanh(c_t)
    hs: np.ndarray  # (T+1, [B,] H) hidden states, hs[0] = h0
    logits: np.ndarray  # (T, [B,] V)
    probs: np.ndarray  # (T, [B,] V)

    @property
    def final_state(self) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[override]  # the LSTM's state is (h, c)
        return self.hs[-1], self.cs[-1]


@dataclass(frozen=True)
class LSTMGrads(_Grads):
    dW_x: np.ndarray  # (4H, D)
    dW_h: np.ndarray  # (4H, H)
    db: np.ndarray  # (4H,)
    dW_hy: np.ndarray  # (V, H)
    db_y: np.ndarray  # (V,)
    dh0: np.ndarray  # ([B,] H)
    dc0: np.ndarray  # ([B,] H)
    dh: np.ndarray  # (T, [B,] H) dL/dh_t, the total derivative
    dc: np.ndarray  # (T, [B,] H) dL/dc_t
    dpre: np.ndarray | None = None  # (T, [B,] 4H) dL/dz_t; dL/dx_t = dpre_t @ W_x


def lstm_init(
    input_size,
    hidden_size,
    output_size,
    *,
    seed=0,
    scale=1.0,
    spectral_radius_hh=None,
    dtype=np.float64,
    forget_bias=1.0,
    **_,
) -> LSTMParams:
    """Random LSTM weights; the forget-gate bias starts at 1 so the cell remembers by default."""
    return _gated_init(
        LSTMParams,
        4,
        input_size,
        hidden_size,
        output_size,
        seed=seed,
        scale=scale,
        spectral_radius_hh=spectral_radius_hh,
        dtype=dtype,
        keep_bias=forget_bias,
    )


def _split_lstm_state(state0):
    if state0 is None:
        return None, None
    if isinstance(state0, tuple):
        return state0
    return state0, None  # a bare h0: the cell state starts at zero


def lstm_forward(params: LSTMParams, X, state0=None, *, fused_input=False, activation=None) -> LSTMTrace:
    """Run the LSTM over X, (T, D) or (T, B, D); state0 = (h0, c0), a bare h0, or None (zeros)."""
    X = _check_input(params, X)
    T, H = X.shape[0], params.hidden_size
    batch = X.shape[1:-1]
    h0, c0 = _split_lstm_state(state0)
    hs, cs = np.empty((T + 1, *batch, H), X.dtype), np.empty((T + 1, *batch, H), X.dtype)
    hs[0], cs[0] = _initial(h0, batch, H, X.dtype), _initial(c0, batch, H, X.dtype)
    gates = np.empty((T, *batch, 4 * H), X.dtype)
    tanh_c = np.empty((T, *batch, H), X.dtype)
    with np.errstate(over="ignore", invalid="ignore"):
        XW = rnn._project(X, params.W_x, fused_input) + params.b  # (T, [B,] 4H)
        for t in range(T):
            z = XW[t] + hs[t] @ params.W_h.T  # ([B,] 4H)
            gates[t, ..., : 2 * H] = _sigmoid(z[..., : 2 * H])  # i, f
            gates[t, ..., 2 * H : 3 * H] = np.tanh(z[..., 2 * H : 3 * H])  # g
            gates[t, ..., 3 * H :] = _sigmoid(z[..., 3 * H :])  # o
            i, f, g, o = (gates[t, ..., k * H : (k + 1) * H] for k in range(4))
            cs[t + 1] = f * cs[t] + i * g
            tanh_c[t] = np.tanh(cs[t + 1])
            hs[t + 1] = o * tanh_c[t]
        logits, probs = _outputs(params, hs, fused_input)
    return LSTMTrace(X=X, gates=gates, cs=cs, tanh_c=tanh_c, hs=hs, logits=logits, probs=probs)


def lstm_backward(params: LSTMParams, trace: LSTMTrace, dlogits: np.ndarray) -> LSTMGrads:
    """Back-propagation through time for the LSTM: exact, never clipped."""
    H, T = params.hidden_size, trace.T
    with np.errstate(over="ignore", invalid="ignore"):
        dW_hy, db_y, dh_out = _output_backward(params, trace, dlogits)
        dh = np.empty_like(dh_out)
        dc = np.empty_like(dh_out)
        dz = np.empty_like(trace.gates)  # (T, [B,] 4H) gradient at the gate pre-activations
        carry_h = np.zeros_like(trace.hs[0])  # dL/dh_t arriving from step t+1
        carry_c = np.zeros_like(trace.cs[0])  # dL/dc_t arriving from step t+1
        for t in range(T - 1, -1, -1):
            i, f, g, o = (trace.gates[t, ..., k * H : (k + 1) * H] for k in range(4))
            dh[t] = dh_out[t] + carry_h
            tc = trace.tanh_c[t]
            dc[t] = carry_c + dh[t] * o * (1.0 - tc * tc)  # backprop through h = o * tanh(c)
            dz[t, ..., :H] = dc[t] * g * i * (1.0 - i)  # through c = f c' + i g, then sigma'
            dz[t, ..., H : 2 * H] = dc[t] * trace.cs[t] * f * (1.0 - f)
            dz[t, ..., 2 * H : 3 * H] = dc[t] * i * (1.0 - g * g)
            dz[t, ..., 3 * H :] = dh[t] * tc * o * (1.0 - o)
            carry_c = dc[t] * f  # the additive path: only the forget gate scales it
            carry_h = dz[t] @ params.W_h
        dW_x = rnn._sum_outer(dz, trace.X)
        dW_h = rnn._sum_outer(dz, trace.hs[:-1])
        db = dz.reshape(-1, dz.shape[-1]).sum(0)
    return LSTMGrads(
        dW_x=dW_x, dW_h=dW_h, db=db, dW_hy=dW_hy, db_y=db_y, dh0=carry_h, dc0=carry_c, dh=dh, dc=dc, dpre=dz
    )


# ---------------------------------------------------------------------------- GRU


@dataclass(frozen=True)
class GRUParams(_Params):
    """GRU weights, stacked [r; z; n]: reset, update, candidate."""

    W_x: np.ndarray  # (3H, D) input -> gates
    W_h: np.ndarray  # (3H, H) hidden -> gates; the n rows act on r * h
    b: np.ndarray  # (3H,)
    W_hy: np.ndarray  # (V, H)
    b_y: np.ndarray  # (V,)

    GATE_NAMES = ("r", "z", "n")


@dataclass(frozen=True)
class GRUTrace(rnn.Trace):
    X: np.ndarray  # (T, [B,] D)
    gates: np.ndarray  # (T, [B,] 3H) activated [r, u, n]
    hs: np.ndarray  # (T+1, [B,] H), hs[0] = h0
    logits: np.ndarray  # (T, [B,] V)
    probs: np.ndarray  # (T, [B,] V)


@dataclass(frozen=True)
class GRUGrads(_Grads):
    dW_x: np.ndarray  # (3H, D)
    dW_h: np.ndarray  # (3H, H)
    db: np.ndarray  # (3H,)
    dW_hy: np.ndarray  # (V, H)
    db_y: np.ndarray  # (V,)
    dh0: np.ndarray  # ([B,] H)
    dh: np.ndarray  # (T, [B,] H)
    dpre: np.ndarray | None = None  # (T, [B,] 3H) dL/d(pre-activations); dL/dx_t = dpre_t @ W_x


def gru_init(
    input_size,
    hidden_size,
    output_size,
    *,
    seed=0,
    scale=1.0,
    spectral_radius_hh=None,
    dtype=np.float64,
    update_bias=0.0,
    **_,
) -> GRUParams:
    """Random GRU weights; biases zero unless `update_bias` opens the update gate (keeps the state)."""
    return _gated_init(
        GRUParams,
        3,
        input_size,
        hidden_size,
        output_size,
        seed=seed,
        scale=scale,
        spectral_radius_hh=spectral_radius_hh,
        dtype=dtype,
        keep_bias=update_bias,
    )


def gru_forward(params: GRUParams, X, state0=None, *, fused_input=False, activation=None) -> GRUTrace:
    """Run the GRU over X, (T, D) or (T, B, D); state0 = h0 or None (zeros)."""
    X = _check_input(params, X)
    T, H = X.shape[0], params.hidden_size
    batch = X.shape[1:-1]
    hs = np.empty((T + 1, *batch, H), X.dtype)
    hs[0] = _initial(state0, batch, H, X.dtype)
    gates = np.empty((T, *batch, 3 * H), X.dtype)
    W_hrz, W_hn = params.W_h[: 2 * H], params.W_h[2 * H :]
    with np.errstate(over="ignore", invalid="ignore"):
        XW = rnn._project(X, params.W_x, fused_input) + params.b  # (T, [B,] 3H)
        for t in range(T):
            h = hs[t]
            ru = _sigmoid(XW[t, ..., : 2 * H] + h @ W_hrz.T)  # ([B,] 2H) reset and update
            r, u = ru[..., :H], ru[..., H:]
            n = np.tanh(XW[t, ..., 2 * H :] + (r * h) @ W_hn.T)
            gates[t] = np.concatenate([ru, n], axis=-1)
            hs[t + 1] = (1.0 - u) * n + u * h
        logits, probs = _outputs(params, hs, fused_input)
    return GRUTrace(X=X, gates=gates, hs=hs, logits=logits, probs=probs)


def gru_backward(params: GRUParams, trace: GRUTrace, dlogits: np.ndarray) -> GRUGrads:
    """Back-propagation through time for the GRU: exact, never clipped."""
    H, T = params.hidden_size, trace.T
    W_hrz, W_hn = params.W_h[: 2 * H], params.W_h[2 * H :]
    with np.errstate(over="ignore", invalid="ignore"):
        dW_hy, db_y, dh_out = _output_backward(params, trace, dlogits)
        dh = np.empty_like(dh_out)
        da = np.empty_like(trace.gates)  # (T, [B,] 3H) gradient at the pre-activations
        carry = np.zeros_like(trace.hs[0])
        h_prev = trace.hs[:-1]
        r, u, n = trace.gates[..., :H], trace.gates[..., H : 2 * H], trace.gates[..., 2 * H :]
        rh = r * h_prev  # (T, [B,] H) what W_hn acted on
        for t in range(T - 1, -1, -1):
            dh[t] = dh_out[t] + carry
            da[t, ..., 2 * H :] = dh[t] * (1.0 - u[t]) * (1.0 - n[t] * n[t])  # through (1-u) n, tanh
            drh = da[t, ..., 2 * H :] @ W_hn  # into r * h_{t-1}
            da[t, ..., :H] = drh * h_prev[t] * r[t] * (1.0 - r[t])
            da[t, ..., H : 2 * H] = dh[t] * (h_prev[t] - n[t]) * u[t] * (1.0 - u[t])
            # h_{t-1} reaches h_t directly (u h), through the reset product, and through r and u.
            carry = dh[t] * u[t] + drh * r[t] + da[t, ..., : 2 * H] @ W_hrz
        dW_x = rnn._sum_outer(da, trace.X)
        dW_h = np.concatenate([rnn._sum_outer(da[..., : 2 * H], h_prev), rnn._sum_outer(da[..., 2 * H :], rh)])
        db = da.reshape(-1, da.shape[-1]).sum(0)
    return GRUGrads(dW_x=dW_x, dW_h=dW_h, db=db, dW_hy=dW_hy, db_y=db_y, dh0=carry, dh=dh, dpre=da)
