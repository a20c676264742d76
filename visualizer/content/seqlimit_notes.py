"""The sequential limit in words, from its own measurement (labs.long_lags.seqlimit.Timing).

Every comparison is computed from the times: how much the RNN's time to h_T grew while T grew, and whether
the memory-less layer's time to its output at T stayed flat (within FLAT_FACTOR, the spread a timer shows
on a shared machine for the same work) or not.
"""

from __future__ import annotations

from visualizer.labs.long_lags.seqlimit import Timing

FLAT_FACTOR = 2.0  # the same work timed at different T: within this factor counts as "flat"


def growth(seconds: tuple[float, ...]) -> float:
    """Time at the longest T over time at the shortest (nan without two positive times)."""
    if len(seconds) < 2 or not seconds[0] > 0:
        return float("nan")
    return seconds[-1] / seconds[0]


def timing_caption(t: Timing) -> str:
    """What the chart measured, with the numbers each statement rests on."""
    T0, T1 = t.lengths[0], t.lengths[-1]
    rnn, layer = growth(t.loop_seconds), growth(t.last_seconds)
    if layer == layer and max(layer, 1 / layer) <= FLAT_FACTOR:
        flat = f"it stayed flat (×{layer:.2g}, within the ×{FLAT_FACTOR:g} a timer's noise allows)"
    else:
        flat = f"it changed ×{layer:.2g}, more than a timer's noise (×{FLAT_FACTOR:g}): the machine was busy"
    return (
        f"Measured on this server when the page was first opened: the fastest of 15 rounds, H = {t.hidden}, float64, "
        f"one core. From T = {T0} to T = {T1} (×{T1 / T0:g}) the RNN's time to h_T grew ×{rnn:.3g}: its steps run one "
        f"after another, about {t.per_step_us:.1f} µs each, and more cores cannot shorten that chain. The layer with "
        f"no memory computes its output at T from x_T alone: {flat}. Over a whole sequence on one core that layer "
        f"does all T positions in one product, about {t.ratio:.0f}× faster than the loop; with more cores its rows "
        "run side by side, each as fast as the flat line. It buys that by forgetting: its output at T cannot depend "
        "on x_1 … x_(T−1)."
    )
