"""The vanilla (Elman) RNN in pure NumPy: forward, loss, exact backward, clipping.

Equations, for t = 1..T (many courses write a for h, W_aa for W_hh, W_ax for W_xh, W_ya for W_hy):

    a_t      = W_hh h_{t-1} + W_xh x_t + b_h          pre-activation
    h_t      = f(a_t)                                 f in {tanh, sigmoid, relu, linear}
    logits_t = W_hy h_t + b_y
    p_t      = softmax(logits_t)                      computed as exp(z - max z) / sum

The stacked form W_h [h_{t-1}; x_t] with W_h = [W_hh | W_xh] is the same product.

Arrays are time-first. A single sequence X is (T, D); a batch of B parallel streams is (T, B, D)
and every other array gains the same B axis, so one code path serves the views and the trainer.
Vectors are rows, so W x is written x @ W.T.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from typing import Any, cast

import numpy as np

# ---------------------------------------------------------------------------- activations


@dataclass(frozen=True)
class Activation:
    """An activation f with its derivative and gamma = sup |f'|, kept together (one op beside its backward)."""

    name: str
    f: Callable[[np.ndarray], np.ndarray]
    fprime: Callable[[np.ndarray, np.ndarray], np.ndarray]  # f'(a), given a and the already computed h = f(a)
    gamma: float  # largest |f'(a)| over all a: the gamma of the Pascanu et al. (2013) bound


def _sigmoid(a: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(a))  # split by sign so exp never overflows
    return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


ACTIVATION_TABLE: dict[str, Activation] = {
    act.name: act
    for act in (
        Activation("tanh", np.tanh, lambda a, h: 1.0 - h * h, 1.0),
        Activation("sigmoid", _sigmoid, lambda a, h: h * (1.0 - h), 0.25),
        Activation("relu", lambda a: np.maximum(a, 0.0), lambda a, h: (a > 0).astype(a.dtype), 1.0),
        Activation("linear", lambda a: a.copy(), lambda a, h: np.ones_like(a), 1.0),
    )
}
ACTIVATIONS = tuple(ACTIVATION_TABLE)


def activation(name: str) -> Activation:
    """The table entry for `name`; ValueError naming the choices otherwise."""
    try:
        return ACTIVATION_TABLE[name]
    except KeyError:
        raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}") from None


# ---------------------------------------------------------------------------- parameters


class ParamArrays:
    """What every cell's frozen parameter dataclass shares: its arrays by name, a dtype cast,
    and the output size (all cells end in logits = W_hy h_t + b_y)."""

    W_hy: np.ndarray  # every cell ends in logits = W_hy h_t + b_y

    def as_dict(self) -> dict[str, np.ndarray]:
        return {f.name: getattr(self, f.name) for f in fields(cast(Any, self))}

    def astype(self, dtype):
        return type(self)(**{k: v.astype(dtype) for k, v in self.as_dict().items()})

    @property
    def output_size(self) -> int:
        return self.W_hy.shape[0]


@dataclass(frozen=True)
class RNNParams(ParamArrays):
    """Weights of a vanilla RNN. Fixed after creation; the trainer builds new ones."""

    W_xh: np.ndarray  # (H, D) input -> hidden
    W_hh: np.ndarray  # (H, H) hidden -> hidden, the temporal loop
    W_hy: np.ndarray  # (V, H) hidden -> output logits
    b_h: np.ndarray  # (H,)
    b_y: np.ndarray  # (V,)

    @property
    def input_size(self) -> int:
        return self.W_xh.shape[1]

    @property
    def hidden_size(self) -> int:
        return self.W_hh.shape[0]


def check_shapes(params: RNNParams) -> None:
    """Raise ValueError naming the first array whose shape breaks the (H, D, V) contract."""
    H, D, V = params.hidden_size, params.input_size, params.output_size
    expected = {"W_xh": (H, D), "W_hh": (H, H), "W_hy": (V, H), "b_h": (H,), "b_y": (V,)}
    for name, shape in expected.items():
        got = getattr(params, name).shape
        if got != shape:
            raise ValueError(f"{name} has shape {got}, expected {shape}")


def spectral_radius(W: np.ndarray) -> float:
    """Largest |eigenvalue| rho(W) of a square matrix (0 for an empty matrix, inf when W is not finite)."""
    if not np.all(np.isfinite(W)):
        return float("inf")
    return float(np.max(np.abs(np.linalg.eigvals(W)))) if W.size else 0.0


def init_params(
    input_size: int,
    hidden_size: int,
    output_size: int,
    *,
    seed: int = 0,
    scale: float = 1.0,
    spectral_radius_hh: float | None = None,
    dtype=np.float64,
) -> RNNParams:
    """Random weights from an explicit generator: same arguments, same weights.

    Entries are N(0, scale^2 / fan_in) (Xavier-like); biases start at zero. When
    `spectral_radius_hh` is given, W_hh is rescaled so its largest |eigenvalue| equals it exactly.
    """
    if min(input_size, hidden_size, output_size) < 1:
        raise ValueError("input, hidden and output sizes must all be at least 1")
    rng = np.random.default_rng(seed)
    W_xh = rng.standard_normal((hidden_size, input_size)) * scale / np.sqrt(input_size)
    W_hh = rng.standard_normal((hidden_size, hidden_size)) * scale / np.sqrt(hidden_size)
    W_hy = rng.standard_normal((output_size, hidden_size)) * scale / np.sqrt(hidden_size)
    if spectral_radius_hh is not None:
        rho = spectral_radius(W_hh)
        W_hh = W_hh * (spectral_radius_hh / rho) if rho > 0 else W_hh
    return RNNParams(
        W_xh=W_xh.astype(dtype),
        W_hh=W_hh.astype(dtype),
        W_hy=W_hy.astype(dtype),
        b_h=np.zeros(hidden_size, dtype),
        b_y=np.zeros(output_size, dtype),
    )


# ---------------------------------------------------------------------------- activations


def activate(a: np.ndarray, name: str) -> np.ndarray:
    """f(a) elementwise."""
    return activation(name).f(a)


def activation_grad(a: np.ndarray, h: np.ndarray, name: str) -> np.ndarray:
    """f'(a), using the already computed h = f(a) where that is cheaper."""
    return activation(name).fprime(a, h)


def softmax(z: np.ndarray) -> np.ndarray:
    """Stable softmax over the last axis: shifting by the max keeps exp() <= 1."""
    with np.errstate(over="ignore", invalid="ignore"):
        z = z - np.max(z, axis=-1, keepdims=True)
        e = np.exp(z)
        return e / np.sum(e, axis=-1, keepdims=True)


# ---------------------------------------------------------------------------- forward


class Trace:
    """What every cell's forward trace shares (vanilla, LSTM, GRU): inputs, hidden states and outputs.

    Each cell's frozen trace dataclass adds what its own backward pass needs (pre-activations, gates).
    """

    X: np.ndarray  # (T, [B,] D) inputs
    hs: np.ndarray  # (T+1, [B,] H) hidden states, hs[0] = h0, hs[t] = h_t
    logits: np.ndarray  # (T, [B,] V)
    probs: np.ndarray  # (T, [B,] V)

    @property
    def T(self) -> int:
        return self.X.shape[0]

    @property
    def overflowed(self) -> bool:
        """True when a value became inf or NaN (extreme weights with relu/linear)."""
        return not (np.all(np.isfinite(self.hs)) and np.all(np.isfinite(self.logits)))

    @property
    def final_state(self) -> np.ndarray:
        """The state to continue from (the LSTM's trace returns (h_T, c_T))."""
        return self.hs[-1]


@dataclass(frozen=True)
class RNNTrace(Trace):
    """Everything the vanilla forward pass computed, kept for display and for backward."""

    X: np.ndarray  # (T, [B,] D) inputs
    pre: np.ndarray  # (T, [B,] H) pre-activations a_t
    hs: np.ndarray  # (T+1, [B,] H) hidden states, hs[0] = h0, hs[t] = h_t
    logits: np.ndarray  # (T, [B,] V)
    probs: np.ndarray  # (T, [B,] V)
    activation: str


def _recur(params: RNNParams, h_prev: np.ndarray, xw_t: np.ndarray, activation: str):
    """One recurrence given the input projection xw_t = W_xh x_t. Returns (a_t, h_t)."""
    a = xw_t + h_prev @ params.W_hh.T + params.b_h  # ([B,] H)
    return a, activate(a, activation)


def _project(A: np.ndarray, W: np.ndarray, fused: bool) -> np.ndarray:
    """A_t @ W.T for every t. Fused: one BLAS call for the whole sequence (the trainer's path).
    Otherwise one call per step: BLAS sums in a different order for a (T, D) block than for a
    single row, and the step-by-step views must reproduce the unroll bit for bit."""
    if fused or len(A) == 0:
        return A @ W.T
    return np.stack([a_t @ W.T for a_t in A])


def step(params: RNNParams, h_prev: np.ndarray, x_t: np.ndarray, activation: str = "tanh"):
    """One time step, for the step-by-step views. Returns (a_t, h_t, logits_t, p_t).

    Runs the same operations as `forward` on a length-1 sequence, so the numbers agree exactly.
    """
    trace = forward(params, np.asarray(x_t)[None], h0=h_prev, activation=activation)
    return trace.pre[0], trace.hs[1], trace.logits[0], trace.probs[0]


def forward(
    params: RNNParams,
    X: np.ndarray,
    h0: np.ndarray | None = None,
    activation: str = "tanh",
    *,
    fused_input: bool = False,
) -> RNNTrace:
    """Run the RNN over X, (T, D) or (T, B, D). h0 defaults to zeros.

    fused_input=True computes W_xh x_t for all steps as one matrix product (the trainer's fast
    path); the default projects step by step so `step` reproduces every number bit for bit.
    """
    X = np.asarray(X, dtype=params.W_hh.dtype)
    if X.ndim not in (2, 3) or X.shape[-1] != params.input_size:
        raise ValueError(f"X must be (T, {params.input_size}) or (T, B, {params.input_size}); got {X.shape}")
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}; choose one of {', '.join(ACTIVATIONS)}")
    T, H = X.shape[0], params.hidden_size
    batch = X.shape[1:-1]  # () or (B,)
    hs = np.empty((T + 1, *batch, H), dtype=X.dtype)
    hs[0] = 0.0 if h0 is None else h0
    pre = np.empty((T, *batch, H), dtype=X.dtype)
    with np.errstate(over="ignore", invalid="ignore"):
        XW = _project(X, params.W_xh, fused_input)  # (T, [B,] H) input projections
        for t in range(T):  # only the recurrence is sequential
            pre[t], hs[t + 1] = _recur(params, hs[t], XW[t], activation)
        logits = _project(hs[1:], params.W_hy, fused_input) + params.b_y  # (T, [B,] V)
        probs = softmax(logits)
    return RNNTrace(X=X, pre=pre, hs=hs, logits=logits, probs=probs, activation=activation)


# ---------------------------------------------------------------------------- loss


def cross_entropy(probs: np.ndarray, targets: np.ndarray, mask: np.ndarray | None = None):
    """Summed cross-entropy over the unmasked steps and its gradient w.r.t. the logits.

    Args:
        probs: (T, [B,] V) softmax outputs.
        targets: (T, [B]) integer class per step.
        mask: (T, [B]) 1 where the step counts, 0 elsewhere (many-to-one: only the last step).
    Returns:
        (loss, dlogits) with dlogits = mask * (p - onehot(target)), the same shape as probs.
    """
    targets = np.asarray(targets, dtype=np.int64)
    if targets.shape != probs.shape[:-1]:
        raise ValueError(f"targets shape {targets.shape} does not match probs {probs.shape[:-1]}")
    m = np.ones(targets.shape, probs.dtype) if mask is None else np.asarray(mask, probs.dtype)
    p_target = np.take_along_axis(probs, targets[..., None], axis=-1)[..., 0]
    # Clamp at the smallest normal number so a fully confident wrong answer costs ~708, not inf.
    loss = float(-np.sum(m * np.log(np.maximum(p_target, np.finfo(probs.dtype).tiny))))
    dlogits = probs.copy()
    np.put_along_axis(dlogits, targets[..., None], np.take_along_axis(dlogits, targets[..., None], -1) - 1.0, -1)
    return loss, dlogits * m[..., None]


# ---------------------------------------------------------------------------- backward


@dataclass(frozen=True)
class RNNGrads:
    """True gradients of the loss. dh[t-1] = dL/dh_t: the total derivative, future included."""

    dW_xh: np.ndarray  # (H, D)
    dW_hh: np.ndarray  # (H, H)
    dW_hy: np.ndarray  # (V, H)
    db_h: np.ndarray  # (H,)
    db_y: np.ndarray  # (V,)
    dh0: np.ndarray  # ([B,] H)
    dh: np.ndarray  # (T, [B,] H)
    dpre: np.ndarray | None = None  # (T, [B,] H) dL/da_t; dL/dx_t = dpre_t @ W_xh (what a layer below receives)

    PARAM_NAMES = ("dW_xh", "dW_hh", "dW_hy", "db_h", "db_y")

    def params_dict(self) -> dict[str, np.ndarray]:
        return {k: getattr(self, k) for k in self.PARAM_NAMES}


def _sum_outer(dA: np.ndarray, B: np.ndarray) -> np.ndarray:
    """sum over time (and batch) of dA_t^T B_t: (.., m) x (.., n) -> (m, n)."""
    return dA.reshape(-1, dA.shape[-1]).T @ B.reshape(-1, B.shape[-1])


def backward(params: RNNParams, trace: RNNTrace, dlogits: np.ndarray) -> RNNGrads:
    """Back-propagation through time. Returns the exact gradient; nothing is clipped here."""
    W_hh, W_hy = params.W_hh, params.W_hy
    T = trace.T
    with np.errstate(over="ignore", invalid="ignore"):
        dW_hy = _sum_outer(dlogits, trace.hs[1:])
        db_y = dlogits.reshape(-1, dlogits.shape[-1]).sum(0)
        dh_out = dlogits @ W_hy  # (T, [B,] H) what each output sends back into its h_t
        fprime = activation_grad(trace.pre, trace.hs[1:], trace.activation)
        dh = np.empty_like(dh_out)
        da = np.empty_like(dh_out)
        carry = np.zeros_like(dh_out[0]) if T else np.zeros_like(trace.hs[0])  # dL/dh_t from step t+1
        for t in range(T - 1, -1, -1):
            dh[t] = dh_out[t] + carry
            da[t] = dh[t] * fprime[t]  # backprop through f
            carry = da[t] @ W_hh  # through W_hh into h_{t-1}
        dW_hh = _sum_outer(da, trace.hs[:-1])
        dW_xh = _sum_outer(da, trace.X)
        db_h = da.reshape(-1, da.shape[-1]).sum(0)
    return RNNGrads(dW_xh=dW_xh, dW_hh=dW_hh, dW_hy=dW_hy, db_h=db_h, db_y=db_y, dh0=carry, dh=dh, dpre=da)


def global_norm(arrays) -> float:
    """sqrt of the sum of squares of every entry of every array."""
    return float(np.sqrt(sum(float(np.sum(np.square(a, dtype=np.float64))) for a in arrays)))


def clip_arrays(arrays: dict[str, np.ndarray], max_norm: float, norm: float | None = None):
    """Rescale all arrays together so their global norm is at most max_norm, keeping each dtype.

    Returns (arrays, norm before clipping). Pass `norm` when it is already known. A non-finite
    norm is returned untouched, so an overflow stays visible instead of turning into NaN.
    """
    if max_norm <= 0:
        raise ValueError("max_norm must be positive")
    norm = global_norm(arrays.values()) if norm is None else norm
    if not np.isfinite(norm) or norm <= max_norm:
        return arrays, norm
    s = max_norm / norm
    return {k: a * np.asarray(s, a.dtype) for k, a in arrays.items()}, norm


def clip_grad_norm(grads, max_norm: float):
    """Rescale the parameter gradients so their global norm is at most max_norm.

    A separate, visible step: `backward` never clips. Works for any cell's gradient dataclass
    (anything with params_dict()). Returns (clipped grads, norm before clipping). The direction is
    kept; dh, dh0 (and dc0) are diagnostics and are left as computed.
    """
    scaled, norm = clip_arrays(grads.params_dict(), max_norm)
    if not np.isfinite(norm) or norm <= max_norm:
        return grads, norm
    return replace(grads, **scaled), norm
