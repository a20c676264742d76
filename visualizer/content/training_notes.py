"""What the Train page says about a loss spike, computed from the spike's own numbers.

The loss at step t is measured before step t's update, so a jump at step t was caused by step t-1's update
(or by a harder batch). It is an exploding gradient only when that update's gradient was far larger than usual;
clipping acted only when the gradient was above the cap.
"""

from __future__ import annotations

import math

from visualizer.labs.training.train import Spike

# An update's gradient counts as exploding when it is this many times the median of the steps before it.
EXPLODE_FACTOR = 5.0


def exploded(spike: Spike) -> bool:
    """True when the update that led to the spike had a gradient EXPLODE_FACTOR times the usual size or more."""
    return (
        math.isfinite(spike.prev_norm)
        and math.isfinite(spike.typical_norm)
        and spike.typical_norm > 0
        and spike.prev_norm >= EXPLODE_FACTOR * spike.typical_norm
    )


def spike_note(spike: Spike) -> str:
    """One paragraph on a loss spike: what happened, whether the gradient exploded, what clipping did."""
    head = f"Loss spike at step {spike.step:,}: the loss jumped from about {spike.before:.2f} to {spike.loss:.2f}."
    sizes = f"norm {spike.prev_norm:.3g}, against a usual {spike.typical_norm:.3g}"
    if not exploded(spike):
        return (
            f"{head} The update before it had a gradient of the usual size ({sizes}), so this is not an exploding "
            "gradient: that batch (a new stretch of the text) was harder for the model, or the learning rate "
            "carried the weights a little too far. The loss usually settles within a few steps."
        )
    ratio = spike.prev_norm / spike.typical_norm
    why = (
        f"{head} The update before it had a gradient {ratio:.0f} times the usual size ({sizes}): gradients "
        "flowing back through many steps can grow very large (an exploding gradient), and one large step throws "
        "the weights off."
    )
    if not spike.clip_on:
        return (
            f"{why} Clipping was off, so the weights took the whole step. Turn clipping on (sidebar) to cap such steps."
        )
    if spike.prev_norm > spike.clipnorm:
        return f"{why} Clipping scaled that gradient down to norm {spike.clipnorm:g}, which kept the step smaller."
    return (
        f"{why} Clipping was on at norm {spike.clipnorm:g} but did not act: the gradient was below the cap. "
        "A lower cap would limit such steps."
    )
