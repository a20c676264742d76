"""The explorer's sentences that depend on its numbers, each built from those numbers.

backward_headline   which step the error enters at and where it flows, naming only steps that exist
later_source        what reaches h_t from later steps (nothing after the last step)
embedding_*         what the 2-D embedding map and the nearest-neighbour table really show: the share of
                    the spread the two axes keep, and how the table's similarities compare with chance
numbers_notice      why the typed text is not read as numbers, and what is shown instead
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

# The 2-D map is called faithful ("near roughly means similar") only when its two axes keep at least this share
# of the vectors' spread; below it, distances on the map are a shadow of the real ones.
MAP_FAITHFUL = 0.5


# ---------------------------------------------------------------------------- backward pass


def later_source(t: int, T: int) -> str:
    """What flows into h_t from later steps, named by a step that exists: step t+1, or nothing after the last."""
    if t < T:
        return f"what step {t + 1} sends back"
    return f"nothing flows back from later: step {T} is the last step"


def backward_headline(t: int, T: int, last_scored: int | None, sym: Callable[[str, int], str]) -> str:
    """The sentence above the chain at step t of the backward pass (markdown).

    Args:
        t, T: the 1-based step shown and the sequence length.
        last_scored: the last step with a loss term (bptt.NextTokenLoss.last_scored), None when no step has one.
        sym: a symbol at a step in the page's notation, e.g. sym("ŷ", 3) -> "ŷ_3".
    """
    head = f"**Step {t} of {T}, backward:** "
    if last_scored is None:
        return head + (
            "a single token predicts nothing (no token comes after it), so there is no loss and every gradient is "
            "zero. Type a longer sequence to watch the error flow back."
        )
    if t > last_scored:
        return head + (
            f"step {t} predicts nothing (no token comes after it), so no error enters at {sym('ŷ', t)}, and "
            f"nothing flows back from later: the gradient here is zero. The error starts at step {last_scored}."
        )
    if t == T:
        later = " (nothing flows back from later: it is the last step)"
    elif t + 1 > last_scored:
        later = f" (nothing flows back from step {t + 1}: it has no loss)"
    else:
        later = f" and joins what flows back from step {t + 1}"
    onward = f", then goes on to {sym('h', t - 1)}." if t > 1 else "; step 1 is the first, so the pass ends here."
    return head + f"the error of step {t} enters at {sym('ŷ', t)}{later}{onward}"


# ---------------------------------------------------------------------------- the embedding map


def _percent(share: float) -> str:
    return f"{100 * share:.0f} %"


def embedding_title(share: float) -> str:
    """The map's title: a claim about closeness only when its two axes keep enough of the spread."""
    if share >= MAP_FAITHFUL:
        return f"Each token's vector, flattened to 2-D ({_percent(share)} of the spread kept): near ≈ similar"
    return f"Each token's vector, flattened to 2-D: only {_percent(share)} of the spread kept, distances are rough"


def embedding_caption(
    share: float, dim: int, chance: float, pairs: Sequence[tuple[str, str, float]], trained: bool
) -> str:
    """How to read the map and the table, from their numbers.

    Args:
        share: the share of the vectors' spread the map's two axes keep (0..1).
        dim: the vectors' length; chance: the mean nearest-neighbour cosine of random directions (same count, dim).
        pairs: (token, its nearest token, cosine) as the table lists them.
    """
    if share >= MAP_FAITHFUL:
        map_part = (
            f"The map's two axes keep {_percent(share)} of the spread, so tokens close on the map have roughly "
            "similar vectors."
        )
    else:
        map_part = (
            f"The map's two axes keep only {_percent(share)} of the spread: distances here are a rough shadow, and "
            f"tokens close on the map may point quite different ways in all {dim} dimensions."
        )
    table = (
        f"The table is measured in all {dim} dimensions: each token of your sequence beside the token whose vector "
        f"points most nearly the same way (cosine 1: same direction, 0: unrelated). For scale, random directions "
        f"give a nearest neighbour at cosine {chance:.2f} on average."
    )
    above = [(w, v) for w, v, c in pairs if c > chance]
    if not pairs:
        verdict = ""
    elif not above:
        verdict = " No pair in the table is more alike than chance: these vectors have not grouped the tokens."
    elif len(above) == len(pairs):
        verdict = " Every pair in the table is more alike than chance."
    else:
        names = ", ".join(f"{w}–{v}" for w, v in above)
        verdict = f" {len(above)} of the {len(pairs)} pairs are more alike than chance ({names}); the others are not."
    origin = (
        " Trained weights can pull tokens used alike together; the comparison with chance says whether they have."
        if trained
        else " These vectors are random (untrained): any likeness is chance."
    )
    return f"{map_part} {table}{verdict}{origin}"


# ---------------------------------------------------------------------------- numbers


def numbers_notice(reason: str, example: str) -> str:
    """Why the typed text is not read as numbers, and the example the views read meanwhile."""
    return (
        f"{reason.strip()} Meanwhile the views below read the example “{example}”: type your own numbers "
        "(e.g. 3, 1, 4, 1, 5) in the text box to replace it."
    )
