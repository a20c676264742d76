"""The gradients lab's presets as a student reads them: a title and what to notice, per preset key
(the settings and the regime each promises are visualizer.labs.gradients.presets.PRESETS).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PresetText:
    label: str  # the button's title
    notice: str  # what to notice, one or two sentences


TEXT: dict[str, PresetText] = {
    "exploding": PresetText(
        "Exploding",
        (
            "Linear f, ρ = 1.1: each step back multiplies the vanilla gradient by W_hhᵀ, so it grows like "
            "1.1^(T−t) (blue, rising to the left). The LSTM and GRU, at the same scale, fade: their gates pass on"
            " less than 1."
        ),
    ),
    "vanishing": PresetText(
        "Vanishing",
        (
            "tanh, σ_max = 0.9: a step back shrinks the gradient by at least γ·σ_max = 0.9, so vanishing is "
            "guaranteed (the bound falls). The measured line falls faster still: tanh′ < 1 wherever h ≠ 0."
        ),
    ),
    "edge": PresetText(
        "Edge of stability",
        (
            "Linear f, ρ = 1: in the long run the gradient neither grows nor shrinks (×1.00 per step). σ_max is "
            "above 1, so the bound climbs anyway: it is only an upper limit."
        ),
    ),
    "orthogonal": PresetText(
        "Orthogonal W_hh",
        (
            "An orthogonal W_hh turns vectors without stretching them: ρ = σ_max = 1, and with linear f the "
            "gradient keeps its size exactly (the flat bound is tight). Switch f to tanh and it fades: tanh′ < 1."
        ),
    ),
    "counter": PresetText(
        "ρ is not enough",
        (
            "W_hh = [[2, 2], [−2, −2]] has W_hh² = 0, so ρ = 0. Yet with relu and b_h = (−2, 2) every step's "
            "Jacobian is [[2, 2], [0, 0]] and the gradient doubles at every step back. σ_max = 4 sees it; ρ "
            "cannot."
        ),
    ),
}
