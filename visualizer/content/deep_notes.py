"""Sentences about stacked and bidirectional networks, each built from the numbers it speaks of.

- `row_label`: how a chart names one layer and direction ("layer 2 ←").
- `kept_at_start`: which layer and direction keeps the most gradient at the first step, with the numbers.
- `down_the_stack`: at the last step, how the gradient changes from the top layer to the bottom one.
- `model_notice`: a requested (cell, layers, bidirectional) no shipped model has, and the nearest one shown.
- `leak_note`: why a bidirectional network's next-token prediction is not a fair test.
Comparisons use content.gradient_claims.relation (equal within 10⁻⁹ relative). Pure Python.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from visualizer.content.gradient_claims import Claim, number, relation

if TYPE_CHECKING:  # types only
    from visualizer.labs.explorer.deep_run import ModelMatch

ARROWS = ("→", "←")
TRAINED_ONE_LAYER = "the trained model has one layer and reads one way"  # why the depth controls are disabled
CELL_NAMES = {"rnn": "vanilla RNN", "lstm": "LSTM", "gru": "GRU"}


def row_label(layer: int, direction: int, directions: int) -> str:
    """'layer 1' (one direction) or 'layer 1 →' / 'layer 1 ←'; layer is 0-based."""
    return f"layer {layer + 1}" + (f" {ARROWS[direction]}" if directions == 2 else "")


def kept_at_start(norms: np.ndarray, loss: float) -> Claim:
    """Which row keeps the most of the gradient at t = 1, from norms (L, dirs, T) = ‖∂L/∂h_t^[l]‖ and the loss.

    kind: 'zero' (no gradient anywhere), 'none' (no finite gradient), 'single' (one row), 'tie' (the largest are
    equal), else the winner's label.
    """
    L, dirs, _ = norms.shape
    if np.all(norms == 0):
        return Claim(
            "zero",
            f"Every ‖∂L/∂h_t‖ is exactly 0: the loss is {number(loss)}, the softmax is saturated, so no gradient flows "
            "at all. A smaller scale of W_hh or a saturating f (tanh) keeps the values in range.",
        )
    first = norms[:, :, 0]
    labels = [row_label(li, d, dirs) for li in range(L) for d in range(dirs)]
    values = [float(v) for v in first.ravel()]
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return Claim("none", "No finite gradient reaches t = 1 here (an overflow): nothing to compare.")
    if len(values) == 1:
        return Claim("single", f"‖∂L/∂h_1‖ = {number(values[0])} at t = 1: one layer, one direction.")
    order = sorted(range(len(values)), key=lambda i: math.inf if math.isnan(values[i]) else -values[i])
    best, second = order[0], order[1]
    listing = ""
    if len(values) > 2:
        every = "; ".join(
            f"{labels[i]}: {number(values[i], values[best] if i != best else None)}" for i in range(len(values))
        )
        listing = f" (every row: {every})"
    a, b = values[best], values[second]
    if a == b or (math.isfinite(a) and math.isfinite(b) and relation(a, b) == "="):
        return Claim("tie", f"At t = 1 the gradient is the same size in {labels[best]} and {labels[second]}{listing}.")
    return Claim(
        labels[best],
        f"At t = 1, {labels[best]} keeps the most gradient: ‖∂L/∂h_1‖ = {number(values[best], values[second])} "
        f"against {number(values[second], values[best])} in {labels[second]}, the next{listing}.",
    )


def down_the_stack(norms: np.ndarray) -> Claim:
    """At t = T, the forward direction's ‖∂L/∂h_T‖ from the top layer down to the bottom one.

    kind: 'single' (one layer), 'same', 'shrinks', 'grows', or 'none' (not finite or zero at the top).
    """
    L = norms.shape[0]
    if L == 1:
        return Claim("single", "One layer: the gradient only travels back through time.")
    top, bottom = float(norms[-1, 0, -1]), float(norms[0, 0, -1])
    if not (math.isfinite(top) and math.isfinite(bottom)) or top == 0:
        return Claim("none", "At t = T the gradient is zero or not finite at the top: no ratio to give.")
    ratio = bottom / top
    per_layer = ratio ** (1 / (L - 1))
    rel = relation(bottom, top)
    kind = {"=": "same", "<": "shrinks", ">": "grows"}[rel] if rel != "?" else "none"
    if kind == "same":
        return Claim(
            "same", f"At t = T the gradient is as large in layer 1 as in layer {L} (‖∂L/∂h_T‖ = {number(top)})."
        )
    verb = "shrinks" if kind == "shrinks" else "grows"
    return Claim(
        kind,
        f"Going down the stack at t = T the gradient {verb}: ‖∂L/∂h_T‖ is {number(top, bottom)} in layer {L} and "
        f"{number(bottom, top)} in layer 1, ×{number(ratio, 1.0)} in all, about ×{number(per_layer, 1.0)} per layer "
        "(geometric mean).",
    )


def model_notice(match: ModelMatch, level_words: str) -> str | None:
    """None when the shipped model is what was asked for; else what was asked, that none is shipped, and what is shown."""
    if match.exact:
        return None
    cell, layers, bidir = match.wanted

    def shape(c: str, n: int, b: bool) -> str:
        return f"{CELL_NAMES[c]} with {n} layer{'s' if n > 1 else ''}" + (", bidirectional" if b else "")

    why = ""
    if bidir and not match.bidirectional:
        why = " A story model predicts the next token, which a backward direction would already have read, so none is bidirectional."
    return (
        f"No story model is a {shape(cell, layers, bidir)} reading {level_words}; showing the nearest, "
        f"“{match.name}” ({shape(match.cell, match.layers, match.bidirectional)}).{why}"
    )


def leak_note(bidirectional: bool) -> str | None:
    """The bidirectional next-token caveat, or None for one direction."""
    if not bidirectional:
        return None
    return (
        "A bidirectional network reads the whole sequence: at step t its backward direction ←h_t has already read "
        "x_{t+1}, the token it is asked to predict. The next-token loss here shows how the gradient flows, not a fair "
        "task; bidirectional RNNs tag each token (e.g. its part of speech) or encode a whole sentence "
        "(Schuster & Paliwal 1997)."
    )


def depth_how_to_read(trained: bool, hand_edited: bool) -> str:
    """How to read the depth chart, and which weights it runs on."""
    weights = (
        "The trained model has one layer and one direction: one row."
        if trained
        else "Every layer and direction has its own random weights, each recurrent matrix scaled like the lab's W_hh"
        + (" (your hand-edited W_hh applies to the chart above only)." if hand_edited else ".")
    )
    return (
        "Each cell is ‖∂L/∂h_t‖ of one layer at one step, for the loss at t = T, on a log₁₀ colour scale; the value "
        "is on hover. The gradient reaches a layer's h_t back through time within the layer and down from the "
        f"layers above (through their input weights). {weights} Stacked RNNs as in Graves, Mohamed & Hinton (2013), "
        "*Speech recognition with deep recurrent neural networks*; bidirectional ones as in Schuster & Paliwal "
        "(1997), *Bidirectional recurrent neural networks*."
    )


def top_backward_silent(norms: np.ndarray) -> str | None:
    """The top layer's backward direction receives nothing before t = T (only the loss at T reads it), when so."""
    if norms.shape[1] != 2 or norms.shape[2] < 2 or np.any(norms[-1, 1, :-1] != 0):
        return None
    L = norms.shape[0]
    return (
        f"Layer {L} ← is 0 before t = T: the loss reads only o_T, and ←h_T of the top layer is computed first, "
        "from x_T alone, so ←h_t for t < T never reaches the loss through that layer."
    )
