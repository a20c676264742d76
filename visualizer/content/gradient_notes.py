"""The gradients lab's notes on values out of floating-point range, in words (labs.gradients.measure.RangeNote)."""

from __future__ import annotations

from visualizer.labs.gradients.measure import FLOAT32_MAX, RangeNote
from visualizer.nn import cells


def range_note(note: RangeNote) -> str:
    """A plain-language sentence for a value that left float64, would not fit in float32, or vanished to 0."""
    label = cells.CELLS[note.cell].label if note.cell else ""
    if note.kind == "overflowed":
        return (
            f"{label}: values overflowed float64 (inf or NaN); those steps are drawn as gaps "
            "or as markers at the edge of the plot."
        )
    if note.kind == "float32_gradient":
        what = "||dL/dh_t||" if note.what == "dh" else "the parameter gradient's norm"
        return (
            f"{label}: {what} reaches {note.size:.3g}, beyond float32's {FLOAT32_MAX:.3g}: "
            "on a GPU in float32 this gradient would be inf."
        )
    if note.kind == "float32_state":
        return (
            f"{label}: the hidden state reaches {note.size:.3g}, beyond float32's range: "
            "in float32 the forward pass itself would overflow."
        )
    if note.kind == "saturated":
        return (
            f"{label}: the output saturated (softmax put probability 1.0 on the target), so the "
            "loss and every gradient are exactly 0: nothing is left to back-propagate."
        )
    return (
        "The Jacobian product or its bound exceeds float64 (1.8e308): those points are drawn at the "
        "top edge as capped markers; their exact size is in the hover (log10)."
    )
