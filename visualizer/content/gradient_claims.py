"""The gradients lab's judgements of its own numbers, in words: every comparison computed, none written.

Each sentence that compares or judges numbers (rho against sigma_max, "normal", gamma sigma_max against 1,
"vanishing guaranteed", "only an upper limit", "tight") is built here from those numbers, with one
stated tolerance:

    a = b   when  |a - b| <= REL_TOL * max(|a|, |b|)          (REL_TOL = 1e-9, relative)

Printed numbers follow the same verdict: two numbers judged different are printed with as many
significant digits as it takes to tell them apart (never "γ·σ_max = 1 > 1"), two judged equal are
printed alike. The bound (gamma sigma_max)^(T - t) of Pascanu, Mikolov & Bengio (2013) is a bound on
the vanilla RNN's Jacobian product only, so every sentence about it names the vanilla RNN.
Pure Python: no Streamlit here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from visualizer.labs.gradients.measure import JacobianProfile

REL_TOL = 1e-9  # two numbers within this relative distance are called equal
TOL_WORDS = "equal within 10⁻⁹ relative"
MAX_DIGITS = 15  # more significant digits than float64 holds would print noise

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
Relation = Literal["<", "=", ">", "?"]  # "?": a value is NaN, so nothing can be said


@dataclass(frozen=True)
class Claim:
    """A verdict (for tests and for the page's choice of box) and the sentence that says it."""

    kind: str
    text: str


def relation(a: float, b: float, rel: float = REL_TOL) -> Relation:
    """'<', '=' or '>' between a and b, equal within `rel` relative to the larger size; '?' if either is NaN."""
    if math.isnan(a) or math.isnan(b):
        return "?"
    if a == b or abs(a - b) <= rel * max(abs(a), abs(b)):
        return "="
    return "<" if a < b else ">"


def number(x: float, ref: float | None = None, digits: int = 3) -> str:
    """x to `digits` significant digits, or more (zeros kept) until it prints unlike ref when the two differ.

    A value at round-off level beside ref (|x| <= REL_TOL |ref|) prints as 0.
    """
    if not math.isfinite(x):
        return "∞" if x > 0 else "−∞" if x < 0 else "NaN"
    if ref is None or not math.isfinite(ref):
        return f"{x:.{digits}g}"
    if x != 0 and abs(x) <= REL_TOL * abs(ref):
        return "0"
    text = f"{x:.{digits}g}"
    if relation(x, ref) == "=":
        return f"{ref:.{digits}g}"  # equal numbers print alike
    while digits < MAX_DIGITS and f"{x:.{digits}g}" == f"{ref:.{digits}g}":
        digits += 1
        text = f"{x:#.{digits}g}"  # '#' keeps trailing zeros: 1.0000 beside 1.0001, not 1
    return text


# ---------------------------------------------------------------------------- rho against sigma_max


def rho_sigma(rho: float, smax: float, non_normality: float) -> Claim:
    """How the spectral radius compares with sigma_max, and what W_hh's normality has to do with it.

    rho <= sigma_max for every matrix, with equality for every normal one (W W^T = W^T W), so
    rho < sigma_max proves W_hh non-normal; equality does not prove it normal.
    non_normality is ||W W^T - W^T W||_F / ||W||_F^2 (whh.non_normality), 0 for a normal matrix.
    """
    normal = non_normality <= REL_TOL
    rel = relation(rho, smax)
    r, s = number(rho, smax), number(smax, rho)
    if rel == "<":
        return Claim(
            "less",
            f"ρ = {r} < σ_max = {s}, so W_hh is **non-normal** (W Wᵀ ≠ Wᵀ W; a normal matrix has ρ = σ_max): its "
            "eigenvectors are not at right angles, so one step can stretch a vector by up to σ_max although in the "
            "long run W_hh^k grows like ρ^k.",
        )
    if rel == "=" and normal:
        return Claim(
            "equal_normal",
            f"ρ = σ_max = {s} ({TOL_WORDS}): W_hh is normal (W Wᵀ = Wᵀ W, {TOL_WORDS}), and for a normal "
            "matrix the two are always equal.",
        )
    if rel == "=":
        return Claim(
            "equal_non_normal",
            f"ρ = σ_max = {s} ({TOL_WORDS}), although W_hh is non-normal (‖W Wᵀ − Wᵀ W‖ / ‖W‖² = "
            f"{non_normality:.2g}): equality is certain for normal matrices, and possible for others.",
        )
    if rel == ">":  # impossible in exact arithmetic: the eigenvalues of a defective W_hh carry round-off
        return Claim(
            "rounding",
            f"ρ = {r} and σ_max = {s}: ρ can never exceed σ_max, so the eigenvalues computed here carry "
            "round-off error (W_hh is close to a matrix with repeated eigenvalues).",
        )
    return Claim("unknown", "ρ or σ_max is not a number here (the weights overflowed), so they cannot be compared.")


# ---------------------------------------------------------------------------- the bound


def bound_rate(gamma: float, smax: float) -> Claim:
    """What the vanilla RNN's bound (gamma sigma_max)^(T - t) says: vanishing guaranteed, flat, or an upper limit."""
    rate = gamma * smax
    shown = number(rate, 1.0)
    rel = relation(rate, 1.0)
    if rel == "<":
        return Claim(
            "vanishing",
            f"For the vanilla RNN, γ·σ_max = {shown} < 1: **the bound is informative.** Every step back multiplies "
            f"the size of its gradient by at most {shown}, so vanishing is guaranteed, whatever the input. "
            "(The bound does not apply to the LSTM or the GRU.)",
        )
    if rel == "=":
        return Claim(
            "flat",
            f"For the vanilla RNN, γ·σ_max = 1 ({TOL_WORDS}): the bound is flat. It only says the gradient "
            "cannot grow. (The bound does not apply to the LSTM or the GRU.)",
        )
    if rel == ">":
        return Claim(
            "upper_limit",
            f"For the vanilla RNN, γ·σ_max = {shown} > 1: **the bound is only an upper limit.** It says the "
            f"gradient cannot grow faster than ×{shown} per step; it does not say that it grows. Trust the "
            "measured lines. (The bound does not apply to the LSTM or the GRU.)",
        )
    return Claim("unknown", "γ·σ_max is not a number here (the weights overflowed): the bound says nothing.")


def bound_legend(gamma: float, smax: float) -> str:
    """The bound's legend entry: whose bound it is, what it is made of and what it says."""
    claim = bound_rate(gamma, smax)
    says = {"vanishing": "vanishing guaranteed", "flat": "cannot grow", "upper_limit": "an upper limit only"}
    rate = "1" if claim.kind == "flat" else number(gamma * smax, 1.0)
    return f"bound, vanilla RNN only: (γ·σ_max)^(T−t) = {rate}^(T−t): {says.get(claim.kind, 'says nothing')}"


def tightness(jac: JacobianProfile) -> Claim:
    """Whether the vanilla RNN's Jacobian product reaches its bound at every step (tight) or how far below it ends."""
    n, b = np.asarray(jac.log10_norm, float), np.asarray(jac.log10_bound, float)
    ok = np.isfinite(n) & np.isfinite(b)
    if len(n) >= 2 and n[0] == -np.inf and np.isfinite(b[0]):  # a dead relu made the product exactly 0
        return Claim("below", "The vanilla RNN's Jacobian product is exactly 0 at t = 1: far below its bound.")
    if len(n) < 2 or not ok[0]:
        return Claim("unknown", "The vanilla RNN's Jacobian product cannot be compared with its bound here.")
    gap = n[ok] - b[ok]  # log10(product / bound) <= 0, up to round-off
    if np.all(np.abs(gap) <= math.log10(1 + REL_TOL)):
        return Claim(
            "tight",
            f"The vanilla RNN's Jacobian product equals its bound at every step ({TOL_WORDS}): here the bound is tight.",
        )
    far = float(n[0] - b[0])  # at t = 1, the farthest step back
    if far > math.log10(1 + REL_TOL):  # cannot happen in exact arithmetic
        return Claim("above", "The vanilla RNN's Jacobian product exceeds its bound: round-off in an overflowing case.")
    ratio = f"{10**far:.2g}" if far > -3 else "10" + f"{far:.0f}".translate(_SUPERSCRIPT)
    return Claim(
        "below",
        f"The vanilla RNN's Jacobian product stays below its bound: at t = 1 it is {ratio} × the bound, so here "
        "the bound is not tight.",
    )
