"""Vanishing and exploding gradients through time: BPTT measured beside the theory.

The loss sits at the LAST step only (many-to-one): L = -log p_T[y]. On the user's text the input is
every token but the last and y is the last one, so the question is the natural one: "what comes
next?". On a generated (random) sequence there is no next token to predict, so y is the sequence's
first token: the last output has to recall the start. Back-propagation through time sends dL/dh_T
back through every step. For the vanilla cell h_k = f(a_k), a_k = W_hh h_{k-1} + W_xh x_k + b_h,

    J_k = dh_k / dh_{k-1} = diag(f'(a_k)) W_hh                      (H, H) one step's Jacobian
    dh_T / dh_t = J_T J_{T-1} ... J_{t+1}                           T - t factors
    dL/dh_t = (dh_T / dh_t)^T dL/dh_T                               only the last output has a loss

so going back one step multiplies the gradient by J_k^T = W_hh^T diag(f'(a_k)). Since
||diag(f')||_2 = max |f'| <= gamma and ||W_hh||_2 = sigma_max (Pascanu, Mikolov & Bengio 2013),

    || dh_T / dh_t ||_2  <=  prod_k ||diag(f'(a_k))|| ||W_hh||  <=  (gamma sigma_max)^(T - t).

gamma = max |f'| is 1 for tanh, relu and linear, 1/4 for sigmoid (rnn.activation(name).gamma). Their
result: if sigma_max < 1/gamma the gradient from far back vanishes, geometrically; so
sigma_max > 1/gamma is NECESSARY for it to explode (not sufficient). The condition is on
sigma_max, not on the spectral radius rho = max |eigenvalue|: rho <= sigma_max, and a tanh RNN with
gamma rho < 1 can still grow while gamma sigma_max > 1; a nilpotent W_hh (rho = 0) can even make
the gradient double at every step (the "counter" preset of presets.py).

The Jacobian product is accumulated from T backwards and renormalised at every step
(P = s Q with ||Q||_2 = 1, log s accumulated), so its norm is exact in log space even where
the value itself lies outside float64; such values are reported as inf or 0 and flagged.

The gated cells (nn/gated.py) get the same loss and the same recurrent scale; their dL/dh_t comes
from their own exact backward passes. Gradient clipping (rnn.clip_grad_norm) rescales the
parameter gradient as a whole: it caps an exploding update but cannot lift a vanished one.
Pure NumPy: no Streamlit here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import cast

import numpy as np

from visualizer.labs.gradients import whh
from visualizer.labs.gradients.whh import eigenvalues, rescale, sigma_max
from visualizer.nn import cells, rnn

KEEP_BIAS = 2.0  # gated cells start with forget (LSTM) / update (GRU) gates biased open
FLOAT32_MAX = float(np.finfo(np.float32).max)  # what a GPU in float32 can hold
_LOG_MAX = float(np.log(np.finfo(np.float64).max))


# ---------------------------------------------------------------------------- W_hh


def _rescale_blocks(W_h: np.ndarray, target: float, kind: str) -> np.ndarray:
    """Each (H, H) gate block of a stacked recurrent matrix rescaled alike."""
    H = W_h.shape[1]
    return np.concatenate([rescale(W_h[k : k + H], target, kind) for k in range(0, W_h.shape[0], H)])


def scaled_params(
    cell: str,
    input_size: int,
    hidden: int,
    output_size: int,
    *,
    seed: int,
    radius: float,
    rkind: str = "spectral",
    input_scale: float = 1.0,
):
    """Seeded weights for one cell with its recurrent matrix (every gate block) rescaled to `radius`.

    input_scale multiplies the input weights (W_xh or W_x): small inputs keep tanh out of saturation,
    0 leaves the recurrence alone with its bias.
    """
    spec = cells.CELLS[cell]
    if cell == "rnn":
        w = spec.init(input_size, hidden, output_size, seed=seed).as_dict()
        return rnn.RNNParams(**{**w, "W_hh": rescale(w["W_hh"], radius, rkind), "W_xh": w["W_xh"] * input_scale})
    keep = {"lstm": {"forget_bias": KEEP_BIAS}, "gru": {"update_bias": KEEP_BIAS}}[cell]
    w = spec.init(input_size, hidden, output_size, seed=seed, **keep).as_dict()
    return spec.params_type(**{**w, "W_h": _rescale_blocks(w["W_h"], radius, rkind), "W_x": w["W_x"] * input_scale})


def with_recurrence(params: rnn.RNNParams, W_hh: np.ndarray | None = None, b_h: np.ndarray | None = None):
    """params with a hand-made W_hh (H, H) and/or b_h (H,); the other weights are cut or kept to size H."""
    W_hh = params.W_hh if W_hh is None else np.asarray(W_hh, dtype=np.float64)
    H = W_hh.shape[0]
    if W_hh.shape != (H, H):
        raise ValueError(f"W_hh must be square; got {W_hh.shape}")
    if params.hidden_size != H:
        raise ValueError(f"W_hh is {H}×{H} but the network has {params.hidden_size} hidden units")
    b_h = params.b_h if b_h is None else np.asarray(b_h, dtype=np.float64)
    if b_h.shape != (H,):
        raise ValueError(f"b_h needs {H} numbers, one per hidden unit; got {b_h.size}")
    return rnn.RNNParams(**{**params.as_dict(), "W_hh": W_hh, "b_h": b_h})


# ---------------------------------------------------------------------------- sequences


def last_step_cross_entropy(probs: np.ndarray, target: int) -> tuple[float, np.ndarray]:
    """Cross-entropy at the last step only, and dL/dlogits (zero at every other step)."""
    T = probs.shape[0]
    targets = np.full(T, target, dtype=np.int64)
    mask = np.zeros(T)
    mask[-1] = 1.0
    return rnn.cross_entropy(probs, targets, mask)


# ---------------------------------------------------------------------------- Jacobian products


@dataclass(frozen=True)
class JacobianProfile:
    """||dh_T/dh_t||_2 for t = 1..T and the Pascanu bound, in log10 and as plain values."""

    log10_norm: np.ndarray  # (T,) exact, finite or -inf (an exactly zero product)
    log10_bound: np.ndarray  # (T,)
    gamma: float
    sigma_max: float

    @property
    def norm(self) -> np.ndarray:
        """Plain values: inf beyond float64, 0 below it."""
        return _from_log10(self.log10_norm)

    @property
    def bound(self) -> np.ndarray:
        return _from_log10(self.log10_bound)

    @property
    def out_of_range(self) -> bool:
        """True when a norm or bound does not fit in float64 (shown as inf)."""
        return bool(np.any(self.log10_norm * np.log(10) > _LOG_MAX) or np.any(self.log10_bound * np.log(10) > _LOG_MAX))


def _from_log10(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore", under="ignore"):
        return np.power(10.0, x)


def step_jacobians(params: rnn.RNNParams, trace: rnn.RNNTrace) -> np.ndarray:
    """J_k = diag(f'(a_k)) W_hh for k = 1..T, (T, H, H). Unbatched traces only."""
    fprime = rnn.activation_grad(trace.pre, trace.hs[1:], trace.activation)  # (T, H)
    return fprime[:, :, None] * params.W_hh[None]


def jacobian_norms(params: rnn.RNNParams, trace: rnn.RNNTrace) -> JacobianProfile:
    """||J_T ... J_{t+1}||_2 for t = 1..T (1 at t = T), accumulated from T backwards, and the bound."""
    T, H = trace.T, params.hidden_size
    gamma = rnn.activation(trace.activation).gamma
    smax = sigma_max(params.W_hh)
    log_norm = np.zeros(T)  # natural log; log_norm[t-1] is for h_t
    Q, log_s = np.eye(H), 0.0  # running product = exp(log_s) * Q with ||Q||_2 = 1
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        J = step_jacobians(params, trace)
        for t in range(T - 1, 0, -1):  # the product for h_t gains J_{t+1} on the right
            Q = Q @ J[t]
            n = sigma_max(Q) if np.all(np.isfinite(Q)) else float("nan")
            if not np.isfinite(n):  # a NaN / inf in the trace: nothing more can be measured
                log_norm[:t] = np.nan
                break
            if n == 0.0:  # some f' was exactly 0 on every path (dead relu): the product is zero for good
                log_norm[:t] = -np.inf
                break
            log_s += np.log(n)
            log_norm[t - 1] = log_s
            Q = Q / n
        with np.errstate(divide="ignore"):
            rate = np.log(gamma * smax) if gamma * smax > 0 else -np.inf
        steps = np.arange(T - 1, -1, -1, dtype=float)  # T - t for t = 1..T
        log_bound = np.where(steps == 0, 0.0, steps * rate)
    return JacobianProfile(log_norm / np.log(10), log_bound / np.log(10), gamma, smax)


# ---------------------------------------------------------------------------- per-cell gradients


@dataclass(frozen=True)
class CellGradients:
    """What the last step's loss sends back to every h_t in one cell, and the parameter-gradient norm."""

    cell: str
    dh: np.ndarray  # (T, H) dL/dh_t
    dh_norm: np.ndarray  # (T,) ||dL/dh_t||_2
    loss: float
    grad_norm: float  # global norm of all parameter gradients, before clipping
    clip_scale: float = 1.0  # factor clipping applied (1 = untouched)
    overflowed: bool = False  # an inf or NaN appeared in the forward or backward pass
    p_last: np.ndarray | None = None  # (V,) the output distribution at t = T

    @property
    def top(self) -> int:
        """The token id the cell itself predicts at t = T (-1 when unknown)."""
        return int(np.argmax(self.p_last)) if self.p_last is not None and np.all(np.isfinite(self.p_last)) else -1

    @property
    def clipped_norm(self) -> float:
        return self.grad_norm * self.clip_scale

    def rate(self) -> float:
        """Average factor per step by which ||dL/dh_t|| changes going back in time (<1 vanishes)."""
        return growth_rate(self.dh_norm)


def growth_rate(norms: np.ndarray) -> float:
    """10^slope of log10(norm) against steps back from T: the mean factor per step back."""
    with np.errstate(divide="ignore", invalid="ignore"):
        y = np.log10(norms[::-1])  # index = steps back from T
    ok = np.isfinite(y)
    if ok.sum() < 2:
        return float("nan")
    x = np.arange(len(y))[ok]
    slope = np.polyfit(x, y[ok], 1)[0]
    return float(10.0**slope)


REGIME_TOL = 0.02  # a per-step factor within 1 ± this counts as "holding"


def regime(rate: float, tol: float = REGIME_TOL) -> str:
    """'vanishing', 'holding' or 'exploding' for a per-step factor ('not measurable' without one)."""
    if not np.isfinite(rate):
        return "not measurable"
    return "vanishing" if rate < 1 - tol else "exploding" if rate > 1 + tol else "holding"


def cell_gradients(
    cell: str, params, X: np.ndarray, target: int, *, activation: str = "tanh", clip_norm: float | None = None
) -> tuple[CellGradients, cells.Trace]:
    """Forward, last-step loss and exact backward for one cell; optional clipping by norm.

    Returns (CellGradients, the forward trace).
    """
    spec = cells.CELLS[cell]
    trace = spec.forward(params, X, activation=activation)
    loss, dlogits = last_step_cross_entropy(trace.probs, target)
    grads = spec.backward(params, trace, dlogits)
    scale = 1.0
    norm = rnn.global_norm(grads.params_dict().values())
    if clip_norm is not None:
        clipped, norm = rnn.clip_grad_norm(grads, clip_norm)
        after = rnn.global_norm(clipped.params_dict().values())
        scale = after / norm if norm > 0 and np.isfinite(norm) else 1.0
    with np.errstate(over="ignore", invalid="ignore"):
        dh_norm = np.sqrt(np.sum(np.square(grads.dh), axis=-1))
    bad = not (np.all(np.isfinite(grads.dh)) and np.isfinite(norm) and np.all(np.isfinite(trace.hs)))
    p_last = np.asarray(trace.probs[-1], dtype=float) if len(trace.probs) else None
    return CellGradients(cell, grads.dh, dh_norm, loss, norm, scale, bad, p_last), trace


# ---------------------------------------------------------------------------- the whole experiment


@dataclass(frozen=True)
class Experiment:
    """Everything the gradients page draws, for one sequence and one set of settings."""

    tokens: tuple[str, ...]
    activation: str
    radius: float
    rkind: str
    rnn_params: rnn.RNNParams
    cells: dict[str, CellGradients]
    jacobian: JacobianProfile | None  # vanilla cell only
    eigenvalues: np.ndarray  # (H,) of W_hh
    spectral_radius: float
    range_notes: list[RangeNote] = field(default_factory=list)  # values out of float range (content says them)
    target: int = 0  # the id the last step's loss asks for

    @property
    def T(self) -> int:
        return len(self.tokens)

    @property
    def sigma_max(self) -> float:
        return sigma_max(self.rnn_params.W_hh)

    @property
    def non_normality(self) -> float:
        return whh.non_normality(self.rnn_params.W_hh)


def run(
    X: np.ndarray,
    tokens,
    target: int,
    *,
    hidden: int,
    seed: int,
    radius: float,
    rkind: str,
    activation: str,
    cell_names=("rnn", "lstm", "gru"),
    clip_norm: float | None = None,
    output_size: int | None = None,
    rnn_params: rnn.RNNParams | None = None,
    W_hh: np.ndarray | None = None,
    b_h: np.ndarray | None = None,
    input_scale: float = 1.0,
) -> Experiment:
    """Measure every requested cell on X (T, D) with the loss at the last step.

    rnn_params, when given (trained weights), replaces the vanilla cell's random weights as they are.
    W_hh / b_h, when given (edited by hand), replace the random ones; the hidden size is then W_hh's,
    and the gated cells' recurrent blocks get W_hh's own rho or sigma_max (per rkind) as their scale.
    input_scale multiplies the random input weights of every cell.
    """
    if activation not in rnn.ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}")
    X = np.asarray(X, dtype=np.float64)
    D, V = X.shape[1], output_size or X.shape[1]
    unknown = [c for c in cell_names if c not in cells.CELLS]
    if unknown:
        raise ValueError(f"unknown cell(s): {', '.join(unknown)}")
    gated_radius = radius
    if rnn_params is None:
        if W_hh is not None:
            hidden = np.asarray(W_hh).shape[0]
            measure = rnn.spectral_radius(W_hh) if rkind == "spectral" else sigma_max(W_hh)
            gated_radius = measure if 1e-9 < measure < np.inf else radius
        rnn_params = scaled_params("rnn", D, hidden, V, seed=seed, radius=radius, rkind=rkind, input_scale=input_scale)
        if W_hh is not None or b_h is not None:
            rnn_params = with_recurrence(rnn_params, W_hh, b_h)
    results: dict[str, CellGradients] = {}
    jac = None
    h_max: dict[str, float] = {}
    for name in cell_names:
        p = (
            rnn_params
            if name == "rnn"
            else scaled_params(
                name,
                D,
                rnn_params.hidden_size,
                V,
                seed=seed,
                radius=gated_radius,
                rkind=rkind,
                input_scale=input_scale,
            )
        )
        results[name], trace = cell_gradients(name, p, X, target, activation=activation, clip_norm=clip_norm)
        with np.errstate(invalid="ignore"):
            h_max[name] = float(np.nanmax(np.abs(trace.hs), initial=0.0))
        if name == "rnn":
            jac = jacobian_norms(rnn_params, cast(rnn.RNNTrace, trace))
    return Experiment(
        tuple(tokens),
        activation,
        radius,
        rkind,
        rnn_params,
        results,
        jac,
        eigenvalues(rnn_params.W_hh),
        rnn.spectral_radius(rnn_params.W_hh),
        range_notes(results, jac, h_max),
        int(target),
    )


@dataclass(frozen=True)
class RangeNote:
    """A value that left float64, would not fit in float32, or vanished to 0 (content.gradient_notes says it)."""

    kind: str  # "overflowed" | "float32_gradient" | "float32_state" | "saturated" | "jacobian_out_of_range"
    cell: str = ""  # a key of cells.CELLS; "" for the Jacobian product
    what: str = ""  # float32_gradient: "dh" (||dL/dh_t||) or "params" (the parameter gradient's norm)
    size: float = 0.0  # the value that does not fit


def range_notes(
    results: dict[str, CellGradients], jac: JacobianProfile | None, h_max: dict[str, float] | None = None
) -> list[RangeNote]:
    """Values that left float64, would not fit in float32, or vanished to 0, per cell and for the Jacobian."""
    notes = []
    for r in results.values():
        peak = float(np.nanmax(r.dh_norm, initial=0.0))
        if r.overflowed:
            notes.append(RangeNote("overflowed", r.cell))
        elif max(peak, r.grad_norm) > FLOAT32_MAX:
            what, size = ("dh", peak) if peak >= r.grad_norm else ("params", r.grad_norm)
            notes.append(RangeNote("float32_gradient", r.cell, what, size))
        elif (h_peak := (h_max or {}).get(r.cell, 0.0)) > FLOAT32_MAX:
            notes.append(RangeNote("float32_state", r.cell, size=h_peak))
        if not r.overflowed and peak == 0.0:
            notes.append(RangeNote("saturated", r.cell))
    if jac is not None and jac.out_of_range:
        notes.append(RangeNote("jacobian_out_of_range"))
    return notes
