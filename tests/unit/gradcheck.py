"""Float64 central finite differences, shared by every gradient test."""

import numpy as np


def numeric_grad(f, x: np.ndarray, eps: float = 1e-4) -> np.ndarray:
    """d f / d x by fourth-order central differences in float64; f() reads x in place.

    The five-point stencil has truncation error O(eps^4), so a larger eps keeps the rounding
    error (~1e-16 |f| / eps) small too, even for gradients of 1e-5.
    """
    g = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        vals = []
        for k in (2, 1, -1, -2):
            x[i] = old + k * eps
            vals.append(f())
        x[i] = old
        g[i] = (-vals[0] + 8 * vals[1] - 8 * vals[2] + vals[3]) / (12 * eps)
    return g


def rel_error(a: np.ndarray, b: np.ndarray) -> float:
    """max |a - b| / max(|a|, |b|, tiny), over the whole array."""
    denom = max(np.max(np.abs(a)), np.max(np.abs(b)), 1e-12)
    return float(np.max(np.abs(a - b)) / denom)
