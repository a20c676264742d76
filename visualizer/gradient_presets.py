"""One-click set-ups of the gradients lab: the settings and the regime each promises (their words: content.presets).

A preset is a bundle of the lab's shareable settings (names from state.SETTINGS), so it lives beside the
settings, not in the maths (visualizer/labs/ takes explicit arguments only): applying it writes them all, so the
view is the same whatever came before. Each names the regime its vanilla
RNN must show (tests check the measured per-step factor against it).

The counterexample ("the spectral radius is not enough"): H = 2, relu, inputs off,

    W_hh = [[2, 2], [-2, -2]] = 2 u v^T,  u = (1, -1), v = (1, 1),  v^T u = 0  =>  W_hh^2 = 0,

so every eigenvalue is 0 (rho = 0) and a LINEAR RNN forgets everything after two steps. With
b_h = (-2, 2) the state settles at h = (2, 0) after one step (a = (2, -2)): unit 1 on, unit 2 off,
so every later Jacobian is diag(1, 0) W_hh = [[2, 2], [0, 0]], and that matrix's powers are
2^k [[1, 1], [0, 0]]: the gradient doubles at every step back. The nonlinearity's diag(f') sits
between the factors and breaks W_hh^2 = 0. What the eigenvalues cannot see, sigma_max can:
sigma_max(W_hh) = 4, and Pascanu, Mikolov & Bengio's necessary condition gamma sigma_max > 1 holds.
Pure Python/NumPy: no Streamlit here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from visualizer.labs.gradients import whh

if TYPE_CHECKING:
    from visualizer.settings import Settings

PRESET_SEED = 0

COUNTER_W_HH = np.array([[2.0, 2.0], [-2.0, -2.0]])  # nilpotent: W_hh @ W_hh = 0
COUNTER_B_H = np.array([-2.0, 2.0])


def _rotations(pairs: tuple[tuple[int, int], ...], cos_sin: tuple[tuple[float, float], ...], H: int) -> np.ndarray:
    """An (H, H) orthogonal matrix that rotates each coordinate pair (i, j) by the angle with (cos, sin)."""
    R = np.eye(H)
    for (i, j), (c, s) in zip(pairs, cos_sin):
        R[i, i], R[i, j], R[j, i], R[j, j] = c, -s, s, c
    return R


# Pythagorean cos/sin pairs with short decimals (0.6² + 0.8² = 0.28² + 0.96² = 1): the product of two layers of
# rotations has at most 4 significant digits per entry, so its link is short and exact, and the matrix stays
# orthogonal to round-off: rho = sigma_max = 1 and the bound is tight, as the page computes.
_COS_SIN = ((0.6, 0.8), (0.28, 0.96), (0.8, 0.6))


def orthogonal_w_hh() -> np.ndarray:
    """A 6 x 6 orthogonal matrix mixing every unit with its neighbours (rho = sigma_max = 1), exact in its URL form."""
    first = _rotations(((0, 1), (2, 3), (4, 5)), _COS_SIN, 6)
    second = _rotations(((1, 2), (3, 4), (5, 0)), _COS_SIN[::-1], 6)
    return first @ second


@dataclass(frozen=True)
class Preset:
    """A bundle of lab settings and the regime it promises (its title and what to notice: content.presets)."""

    key: str
    regime: str  # the vanilla RNN's measured regime: vanishing / holding / exploding
    settings: dict[str, Any] = field(default_factory=dict)


# What every preset resets, so nothing from before leaks in.
BASE: dict[str, Any] = dict(
    seq_source="generated",
    seq_length=200,
    seed=PRESET_SEED,
    hidden=6,
    input_scale=1.0,
    w_hh="",
    b_h="",
    clip=False,
    cells="rnn,lstm,gru",
    radius_kind="spectral",
)

PRESETS: dict[str, Preset] = {
    p.key: p
    for p in (
        Preset(
            "exploding",
            "exploding",
            {**BASE, "grad_activation": "linear", "radius": 1.1},
        ),
        Preset(
            "vanishing",
            "vanishing",
            {**BASE, "grad_activation": "tanh", "radius": 0.9, "radius_kind": "singular"},
        ),
        Preset(
            "edge",
            "holding",
            {**BASE, "grad_activation": "linear", "radius": 1.0},
        ),
        Preset(
            "orthogonal",
            "holding",
            {
                **BASE,
                "grad_activation": "linear",
                "radius": 1.0,
                "radius_kind": "singular",
                "w_hh": whh.encode(orthogonal_w_hh()),
            },
        ),
        Preset(
            "counter",
            "exploding",
            {
                **BASE,
                "grad_activation": "relu",
                "hidden": 2,
                "radius": 1.0,
                "input_scale": 0.0,
                "seq_length": 60,
                "cells": "rnn",
                "w_hh": whh.encode(COUNTER_W_HH),
                "b_h": whh.encode(COUNTER_B_H),
            },
        ),
    )
}


def active(current: Settings | Mapping[str, Any]) -> Preset | None:
    """The preset whose every setting the current settings still hold (None once anything differs)."""
    values = current if isinstance(current, Mapping) else current.as_dict()
    for p in PRESETS.values():
        if all(values.get(k) == v for k, v in p.settings.items()):
            return p
    return None
