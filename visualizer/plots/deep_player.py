"""The explorer player's payload for a stacked and/or bidirectional network (labs.explorer.deep_run.DeepRun).

Same shape as plots.player.payload (the browser's stepping, step sentences and loss line are shared), plus
`deep`: the rows of the chain, bottom layer first, each layer's → row then its ← row:

    deep.rows[i]          {"label", "layer" (1-based), "dir" (0 →, 1 ←)}
    steps[t-1].rows[i]    {"h": h_t^[l] of that direction (H,), "dh": ‖∂L/∂h_t^[l]‖}   (DeepRun.hs, dh_norm)
    heat.rows[i]          [label, (T, H) h_t^[l], full]: full = the ← rows, complete from the first step
    deep.wnorm[i]         ‖∂L/∂W_hh^[l]‖ (vanilla) or ‖∂L/∂W_h^[l]‖ (gated) of that row, summed over all steps
    steps[t-1].rows[i].running   the same, summed over the steps its BPTT has walked so far (labs.explorer.deep_bptt)

The equations name the layer: h_t^[l] reads h_t^[l−1] (layer 1 reads x_t; with two directions the layer below's
[→h_t; ←h_t]), and ŷ_t reads the top layer's [→h_t^[L]; ←h_t^[L]] (deep.py's layout; Schuster & Paliwal 1997,
Graves, Mohamed & Hinton 2013). Numbers are the library's own, rounded only for transport. Pure: no Streamlit.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import numpy as np

from visualizer.content import deep_notes, deep_player_notes, explorer_notes, player_notes
from visualizer.labs.explorer.deep_bptt import running_weight_norms
from visualizer.labs.explorer.deep_run import DeepRun
from visualizer.nn import deep
from visualizer.plots import player
from visualizer.plots.mathml import to_mathml
from visualizer.plots.notation import at, translate
from visualizer.plots.tex import NOTATIONS, matrix, vector_rows

ARROW = ("→", "←")


def rows_of(r: DeepRun) -> list[tuple[int, int]]:
    """(layer index 0.., direction) of every row, bottom layer first, → before ←."""
    return [(li, d) for li in range(r.params.num_layers) for d in range(r.params.directions)]


def _h(li: int, d: int, t: str, dirs: int) -> str:
    """h_t^{[l]} with its direction's arrow when there are two."""
    return (ARROW[d] if dirs == 2 else "") + f"h_{{{t}}}^{{[{li + 1}]}}"


def _input(li: int, dirs: int) -> str:
    """What layer li reads at step t: x_t, h_t^[l-1], or o_t^[l-1] = [→h_t^[l-1]; ←h_t^[l-1]] (_concat)."""
    if li == 0:
        return "x_t"
    if dirs == 1:
        return _h(li - 1, 0, "t", 1)
    return f"o_t^{{[{li}]}}"


def _concat(li: int, t: str) -> str:
    """o_t^[l] = [→h_t^[l]; ←h_t^[l]]: what a bidirectional layer passes up."""
    return f"o_{{{t}}}^{{[{li + 1}]}} = [{_h(li, 0, t, 2)};\\,{_h(li, 1, t, 2)}]"


def _cell_line(r: DeepRun, li: int, d: int) -> str:
    """The symbolic equation of one row."""
    dirs = r.params.directions
    prev = "t-1" if d == 0 else "t+1"
    h, hp, inp = _h(li, d, "t", dirs), _h(li, d, prev, dirs), _input(li, dirs)
    sup = f"^{{[{li + 1}]}}"
    if r.cell == "rnn":
        f = "\\tanh" if r.params.activation == "tanh" else f"\\mathrm{{{r.params.activation}}}"
        return f"{h} = {f}(W_{{xh}}{sup}\\,{inp} + W_{{hh}}{sup}\\,{hp} + b_h{sup})"
    name = "LSTM" if r.cell == "lstm" else "GRU"
    state = f", {hp.replace('h_', 'c_', 1)}" if r.cell == "lstm" else ""
    return f"{h} = \\mathrm{{{name}}}{sup}({inp}, {hp}{state})"


def _top_input(r: DeepRun) -> str:
    L, dirs = r.params.num_layers, r.params.directions
    if dirs == 1:
        return _h(L - 1, 0, "t", 1)
    return f"[{_h(L - 1, 0, 't', 2)};\\,{_h(L - 1, 1, 't', 2)}]"


def _equations(r: DeepRun, t: int, n: str) -> dict[str, list[str]]:
    """One step's equations, in the notation n, with this step's numbers."""
    N = NOTATIONS[n]
    dirs = r.params.directions
    x = f"{N.at('x', t)} = {matrix(r.enc.X[t - 1])}"
    hs: list[str] = []
    for li, d in rows_of(r):
        hs.append(_cell_line(r, li, d))
        hs.append(f"{_h(li, d, str(t), dirs)} = {matrix(r.hs[li][d][t - 1][None, :])}^\\top")
        if dirs == 2 and d == 1:
            hs.append(_concat(li, "t"))
    p = r.probs[t - 1]
    top = _top_input(r)
    if r.enc.regression:
        y = f"{N.yhat(t)} = W_y\\,{top} + b_y = {matrix(r.trace.logits[t - 1])}"
    else:
        y = f"{N.yhat(t)} = \\mathrm{{softmax}}(W_y\\,{top} + b_y) = {matrix(p, rows=vector_rows(p), tiny=True)}"
    norms = r.dh_norm
    L = r.params.num_layers
    back = [
        "\\frac{\\partial L}{\\partial h_t^{[l]}} = \\text{(through time)} + \\text{(from layer } l+1\\text{)}"
        if L > 1
        else "\\frac{\\partial L}{\\partial h_t} = \\text{(from the loss at t)} + \\text{(from the next step)}"
    ]
    for li, d in rows_of(r):
        back.append(
            f"\\left\\lVert\\frac{{\\partial L}}{{\\partial {_h(li, d, str(t), dirs)}}}\\right\\rVert = "
            f"{player._r(norms[li, d, t - 1])}"
        )
    return {
        "x": [to_mathml(x)],
        "h": [to_mathml(line) for line in hs],
        "y": [to_mathml(y)],
        "back": [to_mathml(line) for line in back],
    }


def _top(r: DeepRun, t: int) -> list[list[Any]]:
    """ŷ_t's most likely tokens as [token, p] (regression: [[guess, None]]), as plots.player._top."""
    if r.enc.regression:
        guess = r.enc.values.unscale(r.trace.logits[:, 0])  # type: ignore[union-attr]
        return [[f"{guess[t - 1]:.4g}", None]]
    p = r.probs[t - 1]
    if not np.all(np.isfinite(p)):
        return []
    order = np.argsort(-p, kind="stable")[: player.TOP_K]
    return [[r.enc.vocab.tokens[int(i)], player._r(p[int(i)])] for i in order]


def _weight_norms(r: DeepRun) -> list[float | None]:
    key = "d" + deep.RECURRENT[r.cell][1]
    with np.errstate(over="ignore", invalid="ignore"):
        return [player._r(float(np.linalg.norm(r.grads.layers[li][d][key]))) for li, d in rows_of(r)]


def payload(r: DeepRun, *, notation: str = "h", step: int = 1, phase: str = "forward", present: bool = False):
    """Everything the player shows for a deep run, as one JSON-able dict (plots.player.payload's keys + `deep`)."""
    n = notation
    T = r.T
    tokens = list(r.enc.tokens)
    loss = r.loss
    last = loss.last_scored
    backward_start = last or 1
    dirs, L = r.params.directions, r.params.num_layers
    norms = r.dh_norm  # (L, dirs, T)
    running = running_weight_norms(r)  # (L, dirs, T)
    top = (L - 1, 0)

    def sym(base: str, k: int) -> str:
        return at(base, k, n)

    steps: list[dict[str, Any]] = []
    total, scored = 0.0, 0
    for t in range(1, T + 1):
        nxt = tokens[t] if t < T else None
        head, rest = player_notes.forward_headline(t, T, tokens[t - 1], nxt, sym, regression=r.enc.regression)
        back = explorer_notes.backward_headline(t, T, last, sym).replace("**", "")
        back_head, _, back_rest = back.partition(": ")
        loss_t = player._r(loss.terms[t - 1]) if loss.scored[t - 1] else None
        if loss_t is not None:
            total += float(loss.terms[t - 1])
            scored += 1
        steps.append(
            {
                "t": t,
                "token": tokens[t - 1],
                "next": nxt,
                "x": player._rows(r.enc.X[t - 1]),
                "h": player._rows(r.hs[top[0]][top[1]][t - 1]),
                "c": None,
                "top": _top(r, t),
                "loss": loss_t,
                "loss_sum": player_notes.loss_sum(t, total, scored),
                "dh": player._r(norms[top[0], top[1], t - 1]),
                "from_loss": None,
                "dc": None,
                "running": None,
                "head": head,
                "rest": rest,
                "back_head": back_head + ":",
                "back_rest": back_rest,
                "eq": _equations(r, t, n),
                "gates": [],
                "rows": [
                    {
                        "h": player._rows(r.hs[li][d][t - 1]),
                        "dh": player._r(norms[li, d, t - 1]),
                        "running": player._r(running[li, d, t - 1]),
                    }
                    for li, d in rows_of(r)
                ],
            }
        )
    labels_rows = [deep_notes.row_label(li, d, dirs) for li, d in rows_of(r)]
    heat = {
        "h": player._rows(r.hs[top[0]][top[1]]),
        "c": None,
        "rows": [
            [lab, player._rows(r.hs[li][d]), d == 1] for lab, (li, d) in zip(labels_rows, rows_of(r), strict=True)
        ],
    }
    labels = {
        **{k: translate(v, n) for k, v in player_notes.CONTROLS.items()},
        **{f"node_{k}": translate(v, n) for k, v in player_notes.NODE_TITLES.items()},
        "hint": translate(player_notes.HINT, n),
        "loss": player_notes.loss_label(r.enc.regression),
        "loss_explained": player_notes.LOSS_EXPLAINED_VALUES if r.enc.regression else player_notes.LOSS_EXPLAINED,
        "running": "",
        "dh": translate("‖∂L/∂h_t‖", n),
        "h": "a" if n == "a" else "h",
        **player.fold_labels(n),
        "variant": "",
        "notation": n,
    }
    body = {
        "T": T,
        "cell": r.cell,
        "regression": r.enc.regression,
        "tokens": tokens,
        "backward_start": backward_start,
        "total_loss": player._r(loss.total),
        "steps": steps,
        "heat": heat,
        "fold": player.fold(tokens, n),
        "labels": labels,
        "present": present,
        "deep": {
            "L": L,
            "dirs": dirs,
            "rows": [
                {"label": lab, "layer": li + 1, "dir": d} for lab, (li, d) in zip(labels_rows, rows_of(r), strict=True)
            ],
            "notes": [translate(line, n) for line in deep_player_notes.notes(L, dirs == 2)],
            "wlabel": translate(deep_player_notes.weight_norms_label(r.cell, dirs == 2), n),
            "rlabel": translate(deep_player_notes.running_label(r.cell, dirs == 2), n),
            "wnorm": _weight_norms(r),
        },
    }
    ident = hashlib.sha1(json.dumps(body, sort_keys=True, allow_nan=False).encode()).hexdigest()[:16]
    return {**body, "id": ident, "step": max(1, min(T, step)), "phase": phase}
