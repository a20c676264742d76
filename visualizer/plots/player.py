"""The explorer player's payload: one run (forward and backward) as one JSON-able dict, sent to the browser once.

The browser (visualizer/ui/components/explorer_player/) then owns the stepping: every step's x_t, h_t (c_t),
the gates, ŷ_t's top guesses, the loss L_t, ‖∂L/∂h_t‖ and the running ‖∂L/∂W_hh‖, the sentences and the
equations (MathML, with this step's numbers formatted by tex.py) are already here, so a step costs the server
nothing. Numbers are the library's own (explore.Unroll), rounded only for transport. Pure: no Streamlit.
"""

from __future__ import annotations

import hashlib
import json
import math
from typing import Any

import numpy as np

from visualizer.content import explorer_notes, gate_notes, player_notes
from visualizer.labs.explorer import explore, gates
from visualizer.plots import diagrams, equations, mathml
from visualizer.plots.notation import at, translate
from visualizer.plots.tex import NOTATIONS, matrix, vector_rows

TOP_K = 3  # ŷ_t's most likely tokens shown on the chain and in the drill-down
DIGITS = 6  # significant digits kept for transport (the equations carry their own rounding)


def _r(x: float) -> float | None:
    """A float for JSON: rounded to DIGITS significant digits; NaN and ±∞ become None (JSON has neither)."""
    x = float(x)
    if not math.isfinite(x):
        return None
    return float(f"{x:.{DIGITS}g}")


def _rows(a: np.ndarray) -> list[Any]:
    a = np.asarray(a, dtype=float)
    if a.ndim == 1:
        return [_r(v) for v in a]
    return [_rows(row) for row in a]


def _math(lines: list[str]) -> list[str]:
    return [mathml.to_mathml(line) for line in lines]


# ---------------------------------------------------------------------------- one step's equations


def _vanilla_equations(u: explore.Unroll, t: int, n: str) -> dict[str, list[str]]:
    enc = u.enc
    eqs = equations.step_equations(
        u.params,
        u.trace,
        t,
        notation=n,
        tokens=enc.tokens,
        vocab_tokens=() if u.regression else enc.vocab.tokens,
        ids=enc.ids,
        E=enc.E,
        values=enc.values,
    )
    return {
        "x": _math(eqs.input),
        "h": _math(eqs.symbolic[:1] + eqs.hidden),
        "y": _math(eqs.output),
        "stacked": _math(eqs.symbolic[2:] + eqs.stacked),
    }


def _gated_equations(u: explore.Unroll, t: int, n: str) -> tuple[dict[str, list[str]], list[dict[str, Any]]]:
    step = gates.cell_step(u.cell, u.trace, t)
    eqs = equations.gate_equations(step, notation=n)
    names = {"h_prev": at("h", "t-1", n), "h": at("h", "t", n), "c_prev": at("c", "t-1", n), "c": at("c", "t", n)}
    said = gate_notes.gate_sentences(step, names)
    N = NOTATIONS[n]
    xt = N.at("x", t)
    x_line = f"{xt} = {matrix(u.trace.X[t - 1])}"
    p = u.trace.probs[t - 1]
    if u.regression:
        y_line = f"{N.yhat(t)} = W_y\\,{N.at(N.h, t)} + b_y = {matrix(u.trace.logits[t - 1])}"
    else:
        y_line = f"{N.yhat(t)} = \\mathrm{{softmax}}(W_y\\,{N.at(N.h, t)} + b_y) = {matrix(p, rows=vector_rows(p), tiny=True)}"
    out = {"x": _math([x_line]), "y": _math([y_line])}
    if u.cell == "lstm":
        out["h"] = _math([eqs[k] for k in ("f", "i", "g", "o", "h")])
        out["c"] = _math([eqs["c"]])
    else:
        out["h"] = _math([eqs[k] for k in ("r", "u", "n", "h")])
    bars = [
        {"key": g.key, "name": g.name, "squash": g.squashed_by, "values": _rows(g.values), "said": said.get(g.key, "")}
        for g in step.gates
    ]
    return out, bars


def _backward_equations(u: explore.Unroll, t: int, n: str) -> list[str]:
    if u.steps is not None:
        return _math(equations.backward_symbolic(n) + equations.backward_equations(u.params, u.steps, t, notation=n))
    assert u.gated is not None
    return _math(equations.gated_backward_equations(u.gated, t, notation=n))


# ---------------------------------------------------------------------------- the fold


def fold(tokens, notation: str = "h") -> dict[str, Any]:
    """The five moves from a feed-forward net to the unrolled RNN (diagrams.scene), for the player to draw.

    Returns:
        {"moves": [[name, text] per move], "scenes": [stage 0 (the feed-forward net) … stage 5 (unrolled)],
         "xr": [x0, x1], "yr": [y0, y1]}: each scene's nodes, wires, arrows, carries, loop and labels in data units.
    """
    scenes = []
    for stage in range(diagrams.N_STAGES + 1):
        sc = diagrams.scene(stage, tokens, notation)
        scenes.append(
            {
                "nodes": [[x, y, kind, hover] for x, y, kind, hover in sc.nodes],
                "wires": [list(w) for w in sc.wires],
                "arrows": [list(a) for a in sc.arrows],
                "carries": [list(c) for c in sc.carries],
                "loop": [list(p) for p in sc.loop],
                "labels": [[x, y, text] for x, y, text in sc.labels],
            }
        )
    return {
        "moves": [[name, translate(text, notation)] for name, text in diagrams.MOVES],
        "scenes": scenes,
        "xr": list(diagrams.XR),
        "yr": list(diagrams.YR),
    }


def fold_labels(notation: str) -> dict[str, str]:
    """The fold's title and hint (the one-layer and the deep payloads share them)."""
    return {
        "fold_title": "Where the chain comes from: five moves from a feed-forward net to an RNN",
        "fold_hint": translate(
            "The faint grey picture is where the move started. Move 4 is the folded RNN, x_t → h_t (with its "
            "loop) → ŷ_t; move 5 unrolls it over your sequence, one copy per token.",
            notation,
        ),
    }


# ---------------------------------------------------------------------------- the payload


def _top(u: explore.Unroll, t: int) -> list[list[Any]]:
    """ŷ_t's TOP_K most likely tokens as [token, p], most likely first (regression: [[guess, None]])."""
    if u.regression:
        guess = u.predicted_values()
        assert guess is not None
        return [[f"{guess[t - 1]:.4g}", None]]
    p = u.trace.probs[t - 1]
    if not np.all(np.isfinite(p)):
        return []
    order = np.argsort(-p, kind="stable")[:TOP_K]
    return [[u.enc.vocab.tokens[int(i)], _r(p[int(i)])] for i in order]


def payload(
    u: explore.Unroll,
    u_b: explore.Unroll | None = None,
    *,
    notation: str = "h",
    step: int = 1,
    phase: str = "forward",
    present: bool = False,
) -> dict[str, Any]:
    """Everything the player shows for every step of the run, as one JSON-able dict.

    Args:
        u: the run (explore.unroll: forward, loss and backward); u_b: a second sequence read by the same weights.
        step, phase: where the player opens (the page's settings; the browser moves them from there).
    Returns:
        {"id", "T", "cell", "steps": [one dict per step t = 1..T], "heat": {...}, "labels": {...}, ...}
    """
    n = notation
    T = u.T
    tokens = list(u.enc.tokens)
    assert u.loss is not None, "the player needs the loss and the backward pass: explore.unroll"
    terms = u.loss.terms
    dh_norm, loss_norm, running = u.dh_norm, u.loss_norm, u.running
    dc_norm = None if u.gated is None else u.gated.dc_norm
    last = u.loss.last_scored

    def sym(base: str, k: int) -> str:
        return at(base, k, n)

    steps: list[dict[str, Any]] = []
    total, scored = 0.0, 0
    for t in range(1, T + 1):
        nxt = tokens[t] if t < T else None
        head, rest = player_notes.forward_headline(t, T, tokens[t - 1], nxt, sym, regression=u.regression)
        back = explorer_notes.backward_headline(t, T, last, sym).replace("**", "")
        back_head, _, back_rest = back.partition(": ")
        loss_t = _r(terms[t - 1]) if u.loss.scored[t - 1] else None
        if loss_t is not None:
            total += float(terms[t - 1])
            scored += 1
        bars: list[dict[str, Any]] = []
        if u.cell == "rnn":
            eq = _vanilla_equations(u, t, n)
        else:
            eq, bars = _gated_equations(u, t, n)
        eq["back"] = _backward_equations(u, t, n)
        steps.append(
            {
                "t": t,
                "token": tokens[t - 1],
                "next": nxt,
                "x": _rows(u.trace.X[t - 1]),
                "h": _rows(u.trace.hs[t]),
                "c": None if u.cs is None else _rows(u.cs[t]),
                "top": _top(u, t),
                "loss": loss_t,
                "loss_sum": player_notes.loss_sum(t, total, scored),
                "dh": _r(dh_norm[t - 1]),
                "from_loss": _r(loss_norm[t - 1]),
                "dc": None if dc_norm is None else _r(dc_norm[t - 1]),
                "running": _r(running[t - 1]),
                "head": head,
                "rest": rest,
                "back_head": back_head + ":",
                "back_rest": back_rest,
                "eq": eq,
                "gates": bars,
            }
        )
    heat: dict[str, Any] = {"h": _rows(u.trace.hs[1:]), "c": None if u.cs is None else _rows(u.cs[1:])}
    if u_b is not None:
        heat["b"] = {"tokens": list(u_b.enc.tokens), "h": _rows(u_b.trace.hs[1:])}
    weight = "W_hh" if u.cell == "rnn" else "W_h"
    labels = {
        **{k: translate(v, n) for k, v in player_notes.CONTROLS.items()},
        **{f"node_{k}": translate(v, n) for k, v in player_notes.NODE_TITLES.items()},
        "hint": translate(player_notes.HINT, n),
        "loss": player_notes.loss_label(u.regression),
        "loss_explained": player_notes.LOSS_EXPLAINED_VALUES if u.regression else player_notes.LOSS_EXPLAINED,
        "running": translate(f"‖∂L/∂{weight}‖ so far", n),
        "dh": translate("‖∂L/∂h_t‖", n),
        "h": "a" if n == "a" else "h",
        **fold_labels(n),
        "variant": "This is " + translate(gate_notes.GRU_VARIANT, n) + "." if u.cell == "gru" else "",
        "notation": n,
    }
    body = {
        "T": T,
        "cell": u.cell,
        "regression": u.regression,
        "tokens": tokens,
        "backward_start": u.backward_start,
        "total_loss": _r(u.loss.total),
        "steps": steps,
        "heat": heat,
        "fold": fold(tokens, n),
        "labels": labels,
        "present": present,
    }
    # The run's identity: the browser keeps its own step while the run is the same (a rerun for a report of
    # the step re-sends this payload) and opens at `step` when the run changed.
    ident = hashlib.sha1(json.dumps(body, sort_keys=True, allow_nan=False).encode()).hexdigest()[:16]
    return {**body, "id": ident, "step": max(1, min(T, step)), "phase": phase}
