"""What each gate of a gated cell did at one step, in words, from the step's own numbers (labs.explorer.gates)."""

from __future__ import annotations

from visualizer.labs.explorer.gates import CellStep, percent, span

GRU_VARIANT = (
    "the original GRU of Cho et al. (2014): the reset gate multiplies h_(t-1) before the recurrent matrix, "
    "and h_t = u_t ⊙ h_(t-1) + (1 − u_t) ⊙ n_t (PyTorch's GRU multiplies by the reset gate after the recurrent matrix instead, r_t ⊙ (W_hn h_(t-1)): a small variant, and both are in common use)"
)


def gate_sentences(step: CellStep, names: dict[str, str] | None = None) -> dict[str, str]:
    """A plain sentence per gate saying what it did at this step (means over the hidden units).

    Args:
        names: how the states are written in the chosen notation: keys "h_prev", "h", "c_prev", "c".
    """
    n = {"h_prev": "h_(t-1)", "h": "h_t", "c_prev": "c_(t-1)", "c": "c_t", **(names or {})}
    out: dict[str, str] = {}
    spans = {g.key: span(g.values) for g in step.gates}
    if step.cell == "lstm":
        f, i, o = (percent(step.gate(k).values) for k in ("f", "i", "o"))
        lo, hi = spans["f"]
        out["f"] = (
            f"The forget gate kept {f} % of the memory {n['c_prev']} on average "
            f"(from {100 * lo:.0f} % to {100 * hi:.0f} % across units)."
        )
        out["i"] = f"The input gate let in {i} % of the candidate on average."
        glo, ghi = spans["g"]
        out["g"] = f"The candidate proposed new memory values between {glo:.2f} and {ghi:.2f}."
        out["o"] = f"The output gate showed {o} % of tanh({n['c']}) as {n['h']} on average."
    else:
        r, u = (percent(step.gate(k).values) for k in ("r", "u"))
        out["r"] = f"The reset gate let {r} % of the old state {n['h_prev']} into the candidate on average."
        out["u"] = (
            f"The update gate kept {u} % of the old state {n['h_prev']} and took {100 - u} % from the candidate "
            "on average."
        )
        nlo, nhi = spans["n"]
        out["n"] = f"The candidate proposed new state values between {nlo:.2f} and {nhi:.2f}."
    return out
