"""The unit finder: how well each hidden unit tracks a property of the text, against two baselines.

The score of unit k for a property y over the tokens where y is defined (x = the unit's state, N tokens):

    binary, number:  |r|, Pearson's correlation  r = cov(x, y) / (sd(x) sd(y))
    category:        eta, the correlation ratio  eta^2 = sum_g n_g (mean_g x - mean x)^2 / sum_t (x_t - mean x)^2

For a property with two values eta = |r| exactly, so the scores are comparable; both lie in [0, 1] and a
unit that is constant (or a property that is) scores 0. Baselines: the best score of any unit of an untrained
network of the same shape and seed, and the best score of the trained units on labels shuffled among the
tokens where the property is defined (a permutation from an explicit seed).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from visualizer.labs.units import annotate

SCORE_NAMES = {"binary": "|r|", "number": "|r|", "category": "η"}


def pearson_abs(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """|r| between every column of x (N, H) and y (N,); 0 where either is constant. Returns (H,)."""
    xc = x - x.mean(axis=0)
    yc = y - y.mean()
    sx = np.sqrt(np.sum(xc * xc, axis=0))
    sy = float(np.sqrt(np.sum(yc * yc)))
    num = np.abs(yc @ xc)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.where((sx > 1e-12) & (sy > 1e-12), num / np.maximum(sx * sy, 1e-300), 0.0)
    return np.clip(r, 0.0, 1.0)


def correlation_ratio(x: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """eta between every column of x (N, H) and integer groups (N,); 0 where x is constant. Returns (H,)."""
    xc = x - x.mean(axis=0)
    total = np.sum(xc * xc, axis=0)
    between = np.zeros(x.shape[1])
    for g in np.unique(groups):
        sel = groups == g
        between += sel.sum() * xc[sel].mean(axis=0) ** 2
    with np.errstate(invalid="ignore", divide="ignore"):
        eta2 = np.where(total > 1e-12, between / np.maximum(total, 1e-300), 0.0)
    return np.sqrt(np.clip(eta2, 0.0, 1.0))


def scores(states: np.ndarray, values: np.ndarray, kind: str) -> np.ndarray:
    """Every unit's score for a property (NaN values skipped); (H,) zeros when fewer than 2 values are defined."""
    keep = ~np.isnan(values)
    x, y = states[keep], values[keep]
    if y.size < 2 or np.unique(y).size < 2:
        return np.zeros(states.shape[1])
    if kind == "category":
        return correlation_ratio(x, y.astype(np.int64))
    return pearson_abs(x, y)


def shuffled(values: np.ndarray, seed: int = 0) -> np.ndarray:
    """The values permuted among the tokens where they are defined (NaNs stay where they are)."""
    out = values.copy()
    keep = np.flatnonzero(~np.isnan(values))
    out[keep] = values[keep][np.random.default_rng(seed).permutation(keep.size)]
    return out


@dataclass(frozen=True)
class Ranking:
    """Units ranked by how well they track one property, and the two baselines."""

    prop: annotate.Property
    state: str  # "h" or "c"
    scores: np.ndarray  # (H,) every trained unit's score
    untrained: np.ndarray  # (H,) every unit of the untrained network
    shuffled: np.ndarray  # (H,) every trained unit on shuffled labels
    n: int  # tokens where the property is defined

    @property
    def score_name(self) -> str:
        return SCORE_NAMES[self.prop.kind]

    @property
    def order(self) -> np.ndarray:
        """Unit indices, best first (ties: the lower index first)."""
        return np.argsort(-self.scores, kind="stable")

    @property
    def best(self) -> int:
        return int(self.order[0])

    def top(self, k: int) -> tuple[int, ...]:
        return tuple(int(u) for u in self.order[:k])

    @property
    def untrained_best(self) -> float:
        return float(self.untrained.max()) if self.untrained.size else 0.0

    @property
    def shuffled_best(self) -> float:
        return float(self.shuffled.max()) if self.shuffled.size else 0.0

    def beats_baselines(self, unit: int) -> bool:
        """True when `unit` scores above every untrained unit and every unit on shuffled labels."""
        s = float(self.scores[unit])
        return s > self.untrained_best and s > self.shuffled_best


def rank(
    trained: np.ndarray, untrained: np.ndarray, values: np.ndarray, prop: annotate.Property, state: str, seed: int = 0
) -> Ranking:
    """Rank the trained network's units (states (N, H)) for `prop` against the untrained network's (N, H)."""
    return Ranking(
        prop=prop,
        state=state,
        scores=scores(trained, values, prop.kind),
        untrained=scores(untrained, values, prop.kind),
        shuffled=scores(trained, shuffled(values, seed), prop.kind),
        n=int(np.sum(~np.isnan(values))),
    )


def chosen_units(ranking: Ranking, unit: int, k: int) -> tuple[int, tuple[int, ...]]:
    """(the unit shown, the units switched off): `unit` (-1 or out of range: the best), and either that unit
    (k = 0) or the top k for the property."""
    shown = ranking.best if not 0 <= unit < ranking.scores.size else int(unit)
    return shown, ((shown,) if k <= 0 else ranking.top(k))
