"""One-click set-ups of the gradients lab, each with what it promises and what to notice.

A preset is a bundle of the lab's shareable settings (names from state.SETTINGS): applying it
writes them all, so the view is the same whatever came before. Each names the regime its vanilla
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

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from visualizer.labs.gradients import whh

PRESET_SEED = 0

COUNTER_W_HH = np.array([[2.0, 2.0], [-2.0, -2.0]])  # nilpotent: W_hh @ W_hh = 0
COUNTER_B_H = np.array([-2.0, 2.0])


def orthogonal_w_hh(hidden: int = 6, seed: int = PRESET_SEED) -> np.ndarray:
    """A seeded random (H, H) matrix made orthogonal (rho = sigma_max = 1)."""
    return whh.orthogonalise(np.random.default_rng(seed).standard_normal((hidden, hidden)))


@dataclass(frozen=True)
class Preset:
    """A named bundle of lab settings, the regime it promises and the sentence that says what to see."""

    key: str
    label: str
    notice: str  # what to notice, one or two sentences
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
            "Exploding",
            "Linear f, ρ = 1.1: each step back multiplies the vanilla gradient by W_hhᵀ, so it grows like 1.1^(T−t) "
            "(blue, rising to the left). The LSTM and GRU, at the same scale, fade: their gates pass on less than 1.",
            "exploding",
            {**BASE, "grad_activation": "linear", "radius": 1.1},
        ),
        Preset(
            "vanishing",
            "Vanishing",
            "tanh, σ_max = 0.9: a step back shrinks the gradient by at least γ·σ_max = 0.9, so vanishing is "
            "guaranteed (the bound falls). The measured line falls faster still: tanh′ < 1 wherever h ≠ 0.",
            "vanishing",
            {**BASE, "grad_activation": "tanh", "radius": 0.9, "radius_kind": "singular"},
        ),
        Preset(
            "edge",
            "Edge of stability",
            "Linear f, ρ = 1: in the long run the gradient neither grows nor shrinks (×1.00 per step). "
            "σ_max is above 1, so the bound climbs anyway: it is only an upper limit.",
            "holding",
            {**BASE, "grad_activation": "linear", "radius": 1.0},
        ),
        Preset(
            "orthogonal",
            "Orthogonal W_hh",
            "An orthogonal W_hh turns vectors without stretching them: ρ = σ_max = 1, and with linear f the gradient "
            "keeps its size exactly (the flat bound is tight). Switch f to tanh and it fades: tanh′ < 1.",
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
            "ρ is not enough",
            "W_hh = [[2, 2], [−2, −2]] has W_hh² = 0, so ρ = 0. Yet with relu and b_h = (−2, 2) every step's Jacobian "
            "is [[2, 2], [0, 0]] and the gradient doubles at every step back. σ_max = 4 sees it; ρ cannot.",
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

DEFAULT_PRESET = "exploding"  # the page opens on it: one gradient explodes, two vanish


def active(values: dict[str, Any]) -> Preset | None:
    """The preset whose every setting the current values still hold (None once anything differs)."""
    for p in PRESETS.values():
        if all(values.get(k) == v for k, v in p.settings.items()):
            return p
    return None
