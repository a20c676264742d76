"""The explorer player's sentences for a stacked or bidirectional network (the player draws layers as rows).

backward_row_note  what the backward direction's row shows at step k of the forward pass, and why
weight_norms_label what the per-layer ‖∂L/∂W_hh^[l]‖ beside the backward pass are (whole-sequence totals)
running_label      which steps the running per-layer norms have summed
row_legend         how to read the rows of the chain
Pure Python.
"""

from __future__ import annotations

from visualizer.content.deep_notes import leak_note

WEIGHT = {"rnn": "W_hh", "lstm": "W_h", "gru": "W_h"}


def backward_row_note(layers: int) -> str:
    """Why the ← rows are complete at every step of the forward pass, and what the → rows have read."""
    rows = "row" if layers == 1 else "rows"
    out = (
        f"The ← {rows} run right to left: ←h_t is computed from ←h_(t+1), so the backward direction reads the whole "
        "sequence, from the last token back to the first, before step 1 can use it; the player shows the ← rows "
        "complete at every step. The → rows are revealed step by step: →h_t^[1] has read x_1 … x_t only"
    )
    if layers == 1:
        return out + "."
    return out + (
        "; from layer 2 up, →h_t^[l] also reads ←h_t^[l−1], which has read the whole sequence, so those → rows "
        "already depend on later tokens too."
    )


def row_legend(layers: int, bidirectional: bool) -> str:
    """How the chain's rows stack (bottom to top)."""
    stack = "x_t at the bottom, " + ", ".join(f"layer {li}" for li in range(1, layers + 1)) + " above it, ŷ_t on top"
    two = (
        "; each layer has two rows: → (reads t = 1..T, arrows left to right) and ← (reads t = T..1, arrows right "
        "to left), and the layer above reads their concatenation [→h_t; ←h_t]"
        if bidirectional
        else ""
    )
    return f"One row per layer: {stack}{two}. Layer l reads h_t^[l−1] (layer 1 reads x_t)."


def weight_norms_label(cell: str, bidirectional: bool = False) -> str:
    """The heading of the per-layer weight-gradient norms in the backward pass."""
    per = "per layer and direction" if bidirectional else "per layer"
    return (
        f"‖∂L/∂{WEIGHT[cell]}^[l]‖ {per}, summed over all steps (the whole sequence's gradient of that layer's "
        "recurrent weights, not a running total)"
    )


def running_label(cell: str, bidirectional: bool) -> str:
    """The heading of the running per-row norms: which steps each direction's sum covers at step t."""
    which = (
        "→ rows: steps t … T (their BPTT walks from T down); ← rows: steps 1 … t (theirs walks up from 1)"
        if bidirectional
        else "steps t … T, as the backward pass walks from T down"
    )
    return f"Running ‖∂L/∂{WEIGHT[cell]}^[l]‖ per layer ({which})"


def notes(layers: int, bidirectional: bool) -> list[str]:
    """The sentences shown under a deep player, in order (the leak note first when bidirectional)."""
    out = [row_legend(layers, bidirectional)]
    leak = leak_note(bidirectional)
    if leak is not None:
        out += [leak, backward_row_note(layers)]
    return out
