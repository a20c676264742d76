"""What the explorer's embedding view measures: a 2-D projection of the token vectors, the share of their
spread it keeps, nearest neighbours in the full space, and the likeness random directions give by chance.

    centred X = U S Vᵀ;  map = X V[:, :2];  kept = (s₁² + s₂²) / Σ sᵢ²      (principal components)
    cos(a, b) = a·b / (‖a‖ ‖b‖)                                           (nearest neighbours, all dimensions)
    chance    = mean over tokens of the largest cosine to another token, for Gaussian random vectors
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Projection:
    """Token vectors on their two directions of largest spread."""

    xy: np.ndarray  # (V, 2) coordinates on the map
    share: np.ndarray  # (2,) share of the total spread along each of the two directions

    @property
    def kept(self) -> float:
        """The share of the vectors' spread the map keeps (0..1)."""
        return float(np.sum(self.share))


def project(vectors: np.ndarray) -> Projection:
    """(V, dim) vectors -> their principal-component map; all zeros when they do not spread."""
    V = vectors.shape[0]
    centred = vectors - vectors.mean(axis=0, keepdims=True)  # (V, dim)
    if V < 2 or not np.any(centred) or not np.all(np.isfinite(centred)):
        return Projection(np.zeros((V, 2)), np.zeros(2))
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    xy = centred @ vt[:2].T  # (V, ≤2)
    share = (s[:2] ** 2) / float(np.sum(s**2))
    if xy.shape[1] < 2:  # one-dimensional vectors
        xy, share = np.c_[xy, np.zeros(V)], np.r_[share, 0.0]
    return Projection(xy, share)


def cosines(vectors: np.ndarray) -> np.ndarray:
    """(V, V) cosine similarity of every pair of rows (a zero vector counts as unrelated to all)."""
    norms = np.linalg.norm(vectors, axis=1)
    norms[norms == 0] = 1.0
    unit = vectors / norms[:, None]
    return unit @ unit.T


def nearest(vectors: np.ndarray, vocab_tokens, token: str, k: int = 5) -> list[tuple[str, float]]:
    """The k tokens whose vectors point most nearly the same way as `token`'s (cosine, all dimensions)."""
    idx = list(vocab_tokens).index(token)
    sims = cosines(vectors)[idx]
    order = [int(i) for i in np.argsort(-sims, kind="stable") if int(i) != idx][:k]
    return [(vocab_tokens[i], float(sims[i])) for i in order]


def chance_nearest(V: int, dim: int, *, draws: int = 4, seed: int = 0) -> float:
    """The mean cosine of a token's nearest neighbour when V vectors of length dim point in random directions."""
    if V < 2 or dim < 1:
        return 0.0
    rng = np.random.default_rng(seed)
    best = []
    for _ in range(draws):
        sims = cosines(rng.standard_normal((V, dim)))
        np.fill_diagonal(sims, -np.inf)
        best.append(float(np.mean(sims.max(axis=1))))
    return float(np.mean(best))
