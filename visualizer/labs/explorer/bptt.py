"""Back-propagation through time, split into the steps a learner walks through, t = T … 1.

For the vanilla cell (nn/rnn.py) with pre-activation z_t = W_hh h_{t-1} + W_xh x_t + b_h and the
prediction ŷ_t = W_hy h_t + b_y (softmax probabilities for tokens, the value itself for numbers):

    e_t   = ŷ_t − y_t                                   the step's own loss term, entering at ŷ_t
    δ_t   = ∂L/∂h_t = W_hyᵀ e_t + W_hhᵀ (f′(z_{t+1}) ⊙ δ_{t+1})      (δ_{T+1} = 0)
    ∂L/∂W_hh += (f′(z_t) ⊙ δ_t) h_{t-1}ᵀ,   ∂L/∂W_xh += (f′(z_t) ⊙ δ_t) x_tᵀ,   ∂L/∂W_hy += e_t h_tᵀ

The per-step contributions add up to `rnn.backward`'s gradient (the same recursion, the same
operations for δ_t; only the order of the final sums differs). e_t = ŷ_t − y_t holds for both
losses used here: softmax with cross-entropy (y_t one-hot) and squared error ½ (ŷ_t − y_t)².

The loss is next-token prediction: step t is scored on token t+1, so the last step adds nothing.
For the gated cells (nn/gated.py) `gated_backward` gives ‖∂L/∂h_t‖ and, for the LSTM, ‖∂L/∂c_t‖.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from visualizer.nn import cells, rnn

LOSSES = ("cross_entropy", "squared_error")


# ---------------------------------------------------------------------------- losses


def squared_error(pred: np.ndarray, targets: np.ndarray, mask: np.ndarray | None = None):
    """L = Σ_t m_t ½ ‖ŷ_t − y_t‖² and its gradient m_t (ŷ_t − y_t).

    Args:
        pred: (T, [B,] K) predictions; targets: the same shape; mask: (T, [B]) or None.
    Returns:
        (loss, dpred) with dpred the same shape as pred.
    """
    targets = np.asarray(targets, dtype=pred.dtype)
    if targets.shape != pred.shape:
        raise ValueError(f"targets shape {targets.shape} does not match predictions {pred.shape}")
    m = np.ones(pred.shape[:-1], pred.dtype) if mask is None else np.asarray(mask, pred.dtype)
    err = (pred - targets) * m[..., None]
    return float(0.5 * np.sum(err * (pred - targets))), err


@dataclass(frozen=True)
class NextTokenLoss:
    """Next-token loss of one sequence: per-step terms and the gradient at the outputs."""

    kind: str  # "cross_entropy" (tokens) or "squared_error" (values)
    terms: np.ndarray  # (T,) loss of step t (0 at the last step: nothing comes next)
    dout: np.ndarray  # (T, V) e_t = ŷ_t − y_t, zero at the last step
    targets: np.ndarray  # (T,) next token id, or (T, 1) next value; the last entry is a placeholder
    scored: np.ndarray  # (T,) bool: step t has a target (every step but the last), so a loss term

    @property
    def total(self) -> float:
        return float(np.sum(self.terms))

    @property
    def last_scored(self) -> int | None:
        """The 1-based last step with a loss term (where the backward pass has something to carry), or None."""
        idx = np.flatnonzero(self.scored)
        return int(idx[-1]) + 1 if idx.size else None


def next_token_loss(trace, targets_next: np.ndarray, kind: str = "cross_entropy") -> NextTokenLoss:
    """The loss of predicting item t+1 from h_t at every step but the last.

    Args:
        trace: any cell's trace of one sequence (.logits, .probs (T, V)).
        targets_next: cross_entropy: (T,) token ids of the sequence; squared_error: (T,) values. Step t's
            target is entry t+1.
    """
    T = trace.logits.shape[0]
    targets_next = np.asarray(targets_next)
    if targets_next.shape[0] != T:
        raise ValueError(f"expected {T} targets, got {targets_next.shape[0]}")
    mask = np.r_[np.ones(max(T - 1, 0)), 0.0][:T]
    if kind == "cross_entropy":
        targets = np.append(targets_next[1:].astype(np.int64), 0)
        p_t = np.take_along_axis(trace.probs, targets[:, None], axis=-1)[:, 0]
        terms = -mask * np.log(np.maximum(p_t, np.finfo(trace.probs.dtype).tiny))
        _, dout = rnn.cross_entropy(trace.probs, targets, mask)
        return NextTokenLoss(kind, terms, dout, targets, mask > 0)
    if kind == "squared_error":
        values = targets_next.astype(float).reshape(T)
        targets = np.append(values[1:], 0.0)[:, None]  # (T, 1)
        _, dout = squared_error(trace.logits, targets, mask)
        terms = 0.5 * mask * np.sum((trace.logits - targets) ** 2, axis=-1)
        return NextTokenLoss(kind, terms, dout, targets, mask > 0)
    raise ValueError(f"unknown loss {kind!r}; choose one of {', '.join(LOSSES)}")


# ---------------------------------------------------------------------------- the vanilla cell, step by step


@dataclass(frozen=True)
class BackwardSteps:
    """BPTT of one sequence through the vanilla cell, kept per step (index t-1 holds step t)."""

    e: np.ndarray  # (T, V) ŷ_t − y_t, the step's own error at the output
    from_output: np.ndarray  # (T, H) W_hyᵀ e_t
    from_future: np.ndarray  # (T, H) W_hhᵀ (f′(z_{t+1}) ⊙ δ_{t+1}); zero at t = T
    dh: np.ndarray  # (T, H) δ_t = ∂L/∂h_t, the total derivative
    fprime: np.ndarray  # (T, H) f′(z_t)
    dz: np.ndarray  # (T, H) f′(z_t) ⊙ δ_t
    hs: np.ndarray  # (T+1, H) h_0 … h_T (for the outer products)
    X: np.ndarray  # (T, D)
    running_W_hh: np.ndarray  # (T,) ‖Σ_{s=t}^{T} contribution_s(W_hh)‖ : the total as it builds up backwards
    dh0: np.ndarray  # (H,) what flows past h_0

    @property
    def T(self) -> int:
        return self.dh.shape[0]

    @property
    def dh_norm(self) -> np.ndarray:
        """(T,) ‖∂L/∂h_t‖."""
        with np.errstate(over="ignore", invalid="ignore"):
            return np.linalg.norm(self.dh, axis=-1)

    def contribution(self, t: int) -> dict[str, np.ndarray]:
        """What step t (1-based) adds to each gradient: dW_hh (H, H), dW_xh (H, D), dW_hy (V, H), db_h, db_y."""
        if not 1 <= t <= self.T:
            raise ValueError(f"step {t} is outside 1..{self.T}")
        k = t - 1
        with np.errstate(over="ignore", invalid="ignore"):
            return {
                "dW_hh": np.outer(self.dz[k], self.hs[k]),
                "dW_xh": np.outer(self.dz[k], self.X[k]),
                "dW_hy": np.outer(self.e[k], self.hs[k + 1]),
                "db_h": self.dz[k].copy(),
                "db_y": self.e[k].copy(),
            }

    def total(self) -> dict[str, np.ndarray]:
        """The sum of every step's contribution: equal to rnn.backward's gradient."""
        out = {k: np.zeros_like(v) for k, v in self.contribution(1).items()}
        for t in range(1, self.T + 1):
            for k, v in self.contribution(t).items():
                out[k] += v
        return out


def backward_steps(params: rnn.RNNParams, trace: rnn.RNNTrace, dout: np.ndarray) -> BackwardSteps:
    """BPTT for one sequence (no batch axis), step by step: the same recursion as rnn.backward.

    Args:
        params, trace: the vanilla cell and its forward trace, X (T, D).
        dout: (T, V) gradient of the loss at the outputs, e_t = ŷ_t − y_t (NextTokenLoss.dout).
    """
    if trace.X.ndim != 2:
        raise ValueError("backward_steps takes one sequence, X of shape (T, D)")
    T, H = trace.T, params.hidden_size
    with np.errstate(over="ignore", invalid="ignore"):
        from_output = dout @ params.W_hy  # (T, H), as rnn.backward computes it
        fprime = rnn.activation_grad(trace.pre, trace.hs[1:], trace.activation)  # (T, H)
        dh = np.empty_like(from_output)
        dz = np.empty_like(from_output)
        from_future = np.zeros_like(from_output)
        running = np.empty(T)
        acc = np.zeros((H, H))
        carry = np.zeros(H, dtype=from_output.dtype)
        for k in range(T - 1, -1, -1):
            from_future[k] = carry
            dh[k] = from_output[k] + carry
            dz[k] = dh[k] * fprime[k]  # backprop through f
            carry = dz[k] @ params.W_hh  # through W_hh into h_{t-1}
            acc += np.outer(dz[k], trace.hs[k])
            running[k] = np.linalg.norm(acc)
    return BackwardSteps(
        e=np.asarray(dout),
        from_output=from_output,
        from_future=from_future,
        dh=dh,
        fprime=fprime,
        dz=dz,
        hs=trace.hs,
        X=trace.X,
        running_W_hh=running,
        dh0=carry,
    )


# ---------------------------------------------------------------------------- gated cells


@dataclass(frozen=True)
class GatedBackward:
    """BPTT of one sequence through a gated cell: what the explorer's backward phase shows."""

    cell: str
    dh: np.ndarray  # (T, H) ∂L/∂h_t
    dc: np.ndarray | None  # (T, H) ∂L/∂c_t (LSTM only)
    from_output: np.ndarray  # (T, H) W_hyᵀ e_t
    running_W_h: np.ndarray  # (T,) ‖∂L/∂W_h‖ summed over steps t..T
    grads: object  # the cell's full gradient dataclass

    @property
    def dh_norm(self) -> np.ndarray:
        with np.errstate(over="ignore", invalid="ignore"):
            return np.linalg.norm(self.dh, axis=-1)

    @property
    def dc_norm(self) -> np.ndarray | None:
        if self.dc is None:
            return None
        with np.errstate(over="ignore", invalid="ignore"):
            return np.linalg.norm(self.dc, axis=-1)


def gated_backward(cell: str, params, trace, dout: np.ndarray) -> GatedBackward:
    """The cell's exact backward, plus the running ‖∂L/∂W_h‖ as the steps t = T … 1 add their terms.

    Step t adds dz_t ⊗ (what W_h multiplied at step t), where dz_t is the gradient at the gate
    pre-activations rebuilt from the cell's own ∂L/∂h_t (and ∂L/∂c_t); at t = 1 the total is grads.dW_h.
    """
    spec = cells.CELLS[cell]
    grads = spec.backward(params, trace, dout)
    T = trace.logits.shape[0]
    with np.errstate(over="ignore", invalid="ignore"):
        dz = _gated_dz(cell, params, trace, grads)  # (T, G) gradient at the gate pre-activations
        h_in = _gated_h_in(cell, params, trace)  # (T, G, H) what W_h multiplied at each step, per gate row
        running = np.empty(T)
        acc = np.zeros_like(params.W_h)
        for k in range(T - 1, -1, -1):
            acc += dz[k][:, None] * h_in[k]
            running[k] = np.linalg.norm(acc)
    return GatedBackward(
        cell=cell,
        dh=grads.dh,
        dc=getattr(grads, "dc", None),
        from_output=dout @ params.W_hy,
        running_W_h=running,
        grads=grads,
    )


def _gated_dz(cell: str, params, trace, grads) -> np.ndarray:
    """(T, G) ∂L/∂(gate pre-activations), rebuilt from the cell's own ∂L/∂h_t and ∂L/∂c_t."""
    H = params.hidden_size
    g = trace.gates
    if cell == "lstm":
        i, f, c, o = (g[:, k * H : (k + 1) * H] for k in range(4))
        dh, dc, tc = grads.dh, grads.dc, trace.tanh_c
        return np.concatenate(
            [dc * c * i * (1 - i), dc * trace.cs[:-1] * f * (1 - f), dc * i * (1 - c * c), dh * tc * o * (1 - o)],
            axis=-1,
        )
    r, u, n = g[:, :H], g[:, H : 2 * H], g[:, 2 * H :]
    h_prev, dh = trace.hs[:-1], grads.dh
    dn = dh * (1 - u) * (1 - n * n)
    drh = dn @ params.W_h[2 * H :]
    return np.concatenate([drh * h_prev * r * (1 - r), dh * (h_prev - n) * u * (1 - u), dn], axis=-1)


def _gated_h_in(cell: str, params, trace) -> np.ndarray:
    """(T, G, H): the vector each gate row of W_h acted on at step t (h_{t-1}, or r ⊙ h_{t-1} for the GRU's n)."""
    H = params.hidden_size
    h_prev = trace.hs[:-1]  # (T, H)
    G = params.W_h.shape[0]
    out = np.broadcast_to(h_prev[:, None, :], (h_prev.shape[0], G, H)).copy()
    if cell == "gru":
        out[:, 2 * H :, :] = (trace.gates[:, :H] * h_prev)[:, None, :]
    return out
