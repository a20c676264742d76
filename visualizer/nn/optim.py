"""Optimisers: SGD, Adagrad, Adam.

SGD:     theta <- theta - lr g
Adagrad: G <- G + g^2;                 theta <- theta - lr g / (sqrt(G) + eps)
Adam:    m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2;
         m^ = m / (1 - b1^k);     v^ = v / (1 - b2^k);   theta <- theta - lr m^ / (sqrt(v^) + eps)
"""

from __future__ import annotations

import numpy as np

OPTIMIZERS = ("sgd", "adagrad", "adam")

# ---------------------------------------------------------------------------- optimisers


class SGD:
    """theta <- theta - lr g."""

    def __init__(self, lr: float):
        self.lr = lr

    def update(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        return {k: p - self.lr * grads[k] for k, p in params.items()}


class Adagrad:
    """Per-entry step lr / sqrt(sum of past squared gradients): frequent features slow down."""

    def __init__(self, lr: float, eps: float = 1e-8):
        self.lr, self.eps = lr, eps
        self.G: dict[str, np.ndarray] = {}

    def update(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        out = {}
        for k, p in params.items():
            g = grads[k]
            G = self.G.setdefault(k, np.zeros_like(p))
            G += g * g
            out[k] = p - self.lr * g / (np.sqrt(G) + self.eps)
        return out


class Adam:
    """Running means of g and g^2, bias-corrected for their zero start (Kingma & Ba, 2015)."""

    def __init__(self, lr: float, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8):
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.k = 0  # updates made so far
        self.m: dict[str, np.ndarray] = {}
        self.v: dict[str, np.ndarray] = {}

    def update(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        self.k += 1
        b1, b2 = self.beta1, self.beta2
        c1, c2 = 1.0 - b1**self.k, 1.0 - b2**self.k  # bias corrections
        out = {}
        for key, p in params.items():
            g = grads[key]
            m = self.m.setdefault(key, np.zeros_like(p))
            v = self.v.setdefault(key, np.zeros_like(p))
            m *= b1
            m += (1.0 - b1) * g
            v *= b2
            v += (1.0 - b2) * (g * g)
            out[key] = p - self.lr * (m / c1) / (np.sqrt(v / c2) + self.eps)
        return out


def make_optimizer(name: str, lr: float):
    """An optimiser by name: 'sgd', 'adagrad' or 'adam'."""
    classes = {"sgd": SGD, "adagrad": Adagrad, "adam": Adam}
    if name not in classes:
        raise ValueError(f"unknown optimiser {name!r}; choose one of {', '.join(OPTIMIZERS)}")
    if not (lr > 0 and np.isfinite(lr)):
        raise ValueError("the learning rate must be a positive number")
    return classes[name](lr)
