"""The gradients lab's presets as a student reads them: a title and what to look at, per preset key
(the settings and the regime each promises are visualizer.gradient_presets.PRESETS).

A preset's own note says what it sets up and where to look; it states no measured outcome (which line
rises, whether the bound is tight): those are computed from the run (content.gradient_claims and the
measured regimes beside the plot), so the note can never contradict the numbers beside it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PresetText:
    label: str  # the button's title
    notice: str  # what it sets up and what to look at, one or two sentences (no measured outcome)


TEXT: dict[str, PresetText] = {
    "exploding": PresetText(
        "Exploding",
        (
            "Linear f, W_hh scaled to ρ = 1.1: with linear f each step back multiplies the vanilla RNN's gradient by "
            "W_hhᵀ, whose largest eigenvalue has size 1.1. The LSTM and GRU get the same scale: compare the three."
        ),
    ),
    "vanishing": PresetText(
        "Vanishing",
        (
            "tanh, W_hh scaled to σ_max = 0.9: one step back can stretch the vanilla RNN's gradient by at most "
            "γ·σ_max. Compare its measured line with the bound."
        ),
    ),
    "edge": PresetText(
        "Edge of stability",
        (
            "Linear f, W_hh scaled to ρ = 1, the edge between shrinking and growing in the long run. Compare what "
            "the bound says with the measured line."
        ),
    ),
    "orthogonal": PresetText(
        "Orthogonal W_hh",
        (
            "An orthogonal W_hh turns vectors without stretching them. With linear f, compare the vanilla RNN's "
            "Jacobian product with the bound; then switch f to tanh and compare again."
        ),
    ),
    "counter": PresetText(
        "ρ is not enough",
        (
            "W_hh = [[2, 2], [−2, −2]] is nilpotent (W_hh² = 0), so ρ = 0: a linear RNN would forget everything after two "
            "steps. With relu and b_h = (−2, 2) every step's Jacobian is [[2, 2], [0, 0]]. Compare what ρ and "
            "σ_max predict with the measured line."
        ),
    ),
}
