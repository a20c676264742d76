"""The unrolled chain: one column per step, x_t below, h_t in the middle, ŷ_t above. Pure Plotly.

Two phases, as back-propagation through time is taught:

    forward   steps 1..t are revealed; later columns are empty grey outlines (the future is unknown)
    backward  every step is computed; red arrows carry ∂L/∂h_t right to left, h_t -> h_{t-1}, for the
              steps already back-propagated (t..T), and each step's own loss enters at ŷ_t (red arrow
              down into h_t). Arrow width grows with ‖∂L/∂h_t‖ (and ‖W_hyᵀ(ŷ_t − y_t)‖ for the loss).

Clicking a column reports its x (the explorer jumps there).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from visualizer.plots.marks import arrow_traces, future_cover, revealed
from visualizer.plots.notation import at, translate
from visualizer.plots.style import ALERT, H_COLOUR, HIGHLIGHT, X_COLOUR, Y_COLOUR, figure, heading, short

CHAIN_WINDOW = 12  # columns in view at once; a longer sequence turns half a view at a time
FUTURE = "#e6e6e6"
BACK = ALERT  # the backward pass's colour, on every figure
C_COLOUR = "#9467bd"
_WIDTH_LEVELS = 5  # arrow widths are binned so arrows of one width share one trace


def chain_window(T: int, step: int, width: int = CHAIN_WINDOW) -> tuple[int, int]:
    """(first, last) 1-based steps of a window of `width` columns that contains `step`, kept in 1..T.

    The window turns like a page, half its width at a time, when the step would reach its last column
    (so a column of what comes next stays in view): stepping moves the highlight, and only every half
    width the view (a moved view redraws the whole chart; a moved highlight only a few shapes)."""
    if width >= T:
        return 1, T
    half = max(1, width // 2)
    pages = max(0, math.ceil((step + 1 - width) / half))
    first = min(1 + half * pages, T - width + 1)
    return first, first + width - 1


def chain_block(T: int, first: int, width: int = CHAIN_WINDOW) -> tuple[int, int]:
    """(b0, b1) 1-based steps a chart of window (first, first + width - 1) draws: a block of 4 windows'
    width that holds the window and the column before it. Blocks start every 2 widths, so stepping
    (the window slides one column at a time) stays inside one block for 2 widths of steps: only the
    view moves, not the data."""
    a = max(first - 1, 1)
    b0 = 2 * width * ((a - 1) // (2 * width)) + 1
    return b0, min(T, b0 + 4 * width - 1)


@dataclass(frozen=True)
class ChainBackward:
    """What the backward phase draws: the norms per step and how far the pass has come."""

    dh_norm: np.ndarray  # (T,) ‖∂L/∂h_t‖
    loss_norm: np.ndarray  # (T,) ‖W_hyᵀ(ŷ_t − y_t)‖, what the step's own loss sends into h_t
    reached: int  # 1-based: steps reached..T are done


def _vec(v: np.ndarray, n: int = 6) -> str:
    shown = ", ".join(f"{x:.3f}" for x in v[:n])
    return f"[{shown}{', …' if v.size > n else ''}]"


def _binned_arrows(segments, norms, scale: float, **kw) -> list[dict]:
    """Arrows whose width grows with their norm, binned into a few widths (one trace pair per width)."""
    groups: dict[int, list] = {}
    for seg, n in zip(segments, norms):
        level = 0 if not np.isfinite(n) or scale <= 0 else int(round((_WIDTH_LEVELS - 1) * min(n / scale, 1.0)))
        groups.setdefault(level if np.isfinite(n) else _WIDTH_LEVELS - 1, []).append(seg)
    out: list[dict] = []
    for level, segs in sorted(groups.items()):
        out += arrow_traces(segs, color=BACK, width=1.2 + 2.2 * level, head=9 + 2 * level, **kw)
    return out


def unrolled_chain(
    tokens,
    hs: np.ndarray,
    probs: np.ndarray,
    vocab_tokens,
    *,
    step: int | None = None,
    window: tuple[int, int] | None = None,
    X: np.ndarray | None = None,
    reveal: int | None = None,
    backward: ChainBackward | None = None,
    notation: str = "h",
    cs: np.ndarray | None = None,
    predictions: list[tuple[str, str]] | None = None,
) -> go.Figure:
    """The RNN unrolled over the tokens, the current step outlined and its h_t orange.

    Args:
        tokens: T input tokens.
        hs: (T+1, H) hidden states with h_0 first; cs: (T+1, H) LSTM memory cells, drawn beside h_t.
        probs: (T, V) output distributions.
        vocab_tokens: V labels of the output classes.
        step: 1-based current step, drawn highlighted.
        window: (first, last) 1-based steps in view; all when None.
        X: (T, D) inputs, shown on hover when given.
        reveal: forward phase: steps after it are covered, drawn as empty grey outlines. None shows all.
        backward: backward phase: red arrows for the steps already back-propagated.
        predictions: (label, hover) per step instead of the top tokens (regression: the predicted value).
    Traces: arrows first (up, carry, [memory], [backward]), then x_t, [h_0], h_t, [c_t], ŷ_t.

    Stepping through the forward phase changes only the layout: the traces hold every column of a block
    of steps (`chain_block`) whatever the step; the window is the x range, and the highlight, the cover
    over the future and the future's outlines are shapes. The browser then redraws those, not the chart.
    """
    tr = lambda s: translate(s, notation)  # noqa: E731
    T = len(tokens)
    first, last = window or (1, T)
    b0, b1 = chain_block(T, first) if window else (1, T)
    steps = list(range(b0, b1 + 1))
    shown = T if reveal is None else reveal
    up = [(t, 0, t, 1) for t in steps] + [(t, 1, t, 2) for t in steps]
    fade = backward is not None  # the forward arrows step back while the error flows
    data = arrow_traces(up, color="#ddd" if fade else "#999", shorten=0.24, head=9)
    data += arrow_traces(
        [(t - 1, 1, t, 1) for t in steps if t > b0 or t == 1],
        color="#b9c9dd" if fade else H_COLOUR,
        width=2.5,
        shorten=0.24,
        head=11,
    )
    if cs is not None:
        data += arrow_traces([(t - 0.7, 1.45, t + 0.3, 1.45) for t in steps], color=C_COLOUR, width=2, head=9)
    if backward is not None:
        done = [t for t in steps if t >= backward.reached]
        both = np.r_[backward.dh_norm, backward.loss_norm, 0.0]
        scale = float(np.max(both[np.isfinite(both)]))  # one width scale for the whole pass
        data += _binned_arrows(
            # just below the forward carries, so both directions stay visible
            [(t, 0.86, t - 1, 0.86) for t in done],
            [backward.dh_norm[t - 1] for t in done],
            scale,
            shorten=0.24,
        )
        data += _binned_arrows(
            [(t + 0.12, 2, t + 0.12, 1) for t in done], [backward.loss_norm[t - 1] for t in done], scale, shorten=0.24
        )

    node = dict(size=NODE, line=dict(width=1, color="#333"))
    data.append(
        dict(
            type="scatter",
            x=steps,
            y=[0] * len(steps),
            mode="markers+text",
            name=tr("x_t (input)"),
            marker=dict(symbol="diamond", color=X_COLOUR, **node),
            text=[short(tokens[t - 1]) for t in steps],
            textposition="bottom center",
            customdata=[_vec(X[t - 1]) if X is not None else "" for t in steps],
            hovertemplate=tr("x_%{x} = %{text}<br>%{customdata}<extra></extra>"),
        )
    )
    with np.errstate(over="ignore", invalid="ignore"):  # exploding states: the norm may be inf
        norms = [float(np.linalg.norm(hs[t])) for t in steps]
    if b0 == 1:
        data.append(
            dict(
                type="scatter",
                x=[0],
                y=[1],
                mode="markers+text",
                name=tr("carried-in state"),
                marker=dict(symbol="square", size=20, color="#ddd", line=dict(width=1, color="#333")),
                text=[tr("h₀ = 0") if not np.any(hs[0]) else at("h", 0, notation)],
                textposition="bottom center",
                customdata=[[f"{float(np.linalg.norm(hs[0])):.3f}", _vec(hs[0])]],
                hovertemplate=tr("h_%{x} (carried in)<br>‖h‖ = %{customdata[0]}<br>%{customdata[1]}<extra></extra>"),
            )
        )
    h_text = []
    if backward is not None:
        h_text = [f"{backward.dh_norm[t - 1]:.2g}" if t >= backward.reached else "" for t in steps]
    data.append(
        dict(
            type="scatter",
            x=steps,
            y=[1] * len(steps),
            mode="markers+text" if h_text else "markers",
            name=tr("h_t (hidden state)"),
            marker=dict(symbol="square", color=H_COLOUR, **node),
            text=h_text or None,
            textposition="top left",
            textfont=dict(color=BACK, size=11),
            customdata=[[f"{n:.3f}", _vec(hs[t])] for n, t in zip(norms, steps)],
            hovertemplate=tr("h_%{x}<br>‖h‖ = %{customdata[0]}<br>%{customdata[1]}<extra></extra>"),
        )
    )
    if cs is not None:
        data.append(
            dict(
                type="scatter",
                x=[t + 0.3 for t in steps],
                y=[1.45] * len(steps),
                mode="markers",
                name=tr("c_t (memory cell)"),
                marker=dict(symbol="square", size=12, color=C_COLOUR, line=dict(width=1, color="#333")),
                customdata=[[t, _vec(cs[t])] for t in steps],
                hovertemplate=tr("c_%{customdata[0]} (memory cell)<br>%{customdata[1]}<extra></extra>"),
            )
        )
    top, hover = _predictions(steps, probs, vocab_tokens, predictions)
    data.append(
        dict(
            type="scatter",
            x=steps,
            y=[2] * len(steps),
            mode="markers+text",
            name=tr("ŷ_t (top prediction)"),
            marker=dict(symbol="circle", color=Y_COLOUR, **node),
            text=top,
            textposition="top center",
            customdata=hover,
            hovertemplate=tr("ŷ_%{x}: ") + "%{customdata}<extra></extra>",
        )
    )
    shapes = []
    if step is not None and b0 <= step <= b1:
        colour = BACK if backward is not None else HIGHLIGHT
        shapes.append(
            dict(
                type="rect",
                x0=step - 0.45,
                x1=step + 0.45,
                y0=-0.75,
                y1=2.75,
                layer="below",
                line=dict(color=colour, width=2),
                fillcolor="rgba(214,39,40,0.08)" if backward is not None else "rgba(245,133,24,0.10)",
                name="current step",
            )
        )
    if min(shown, last) < b1:
        # the future (forward), or the block's columns right of the view, whose labels could peek in
        cover = future_cover(min(shown, last) + 0.5, b1 + 1, "white")
        shapes.append(cover if shown <= last else cover | dict(name="out of view"))
        shapes += [outline for t in range(shown + 1, last + 1) for outline in _future_outlines(t)]
    if first > 1:  # the step carried in from before the view: shown, faded
        shapes.append(
            dict(type="rect", xref="x", yref="paper", x0=first - 1.6, x1=first - 0.5, y0=0, y1=1, layer="above",
                 fillcolor="rgba(255,255,255,0.55)", line=dict(width=0), name="before the view")
        )  # fmt: skip
    if step is not None and b0 <= step <= b1:
        shapes.append(_node_shape(step, 1, "square", HIGHLIGHT, NODE + 4, name="current state"))
    more = f" (steps {first}–{last} of {T})" if (first, last) != (1, T) else ""
    title = (
        "Backward: the error flows right to left, ‖∂L/∂h_t‖ on each arrow"
        if backward is not None
        else "The unrolled chain: the same cell, the same weights, at every step"
    )
    ticks = ["input x_t", "hidden h_t", "output ŷ_t"]
    tickvals: list[float] = [0, 1, 2]
    if cs is not None:
        tickvals, ticks = [0, 1, 1.45, 2], ["input x_t", "hidden h_t", "memory c_t", "output ŷ_t"]
    return figure(
        data,
        dict(
            title=heading(tr(title) + more),
            shapes=shapes,
            xaxis=dict(
                title=heading("time step t (click a column to go there)"),
                range=[first - 1.6, last + 0.6],
                dtick=1,
                zeroline=False,
                showgrid=False,
                fixedrange=True,
            ),
            yaxis=dict(
                tickvals=tickvals,
                ticktext=[tr(s) for s in ticks],
                range=[-0.9, 2.9],
                zeroline=False,
                showgrid=False,
                fixedrange=True,
            ),
            height=300,
            showlegend=False,
            margin=dict(l=90, r=20, t=40, b=30),
            plot_bgcolor="white",
            dragmode=False,
            # a live chart shows hover and the tokens' and predictions' labels only where nothing is covered
            # (a long label of the next column could otherwise peek out from under the cover)
            meta=revealed(first - 2, min(shown, last) + 0.5),
        ),
    )


NODE = 26  # px: the size of a column's x_t, h_t and ŷ_t markers


def _predictions(steps, probs, vocab_tokens, predictions) -> tuple[list[str], list[str]]:
    """The label above each ŷ_t (its most likely token, or the predicted value) and its hover text."""
    top, hover = [], []
    for t in steps:
        if predictions is not None:
            top.append(predictions[t - 1][0])
            hover.append(predictions[t - 1][1])
            continue
        p = probs[t - 1]
        if not np.all(np.isfinite(p)):
            top.append("NaN")
            hover.append("not a number (overflow)")
            continue
        order = np.argsort(-p)[:3]
        top.append("→ " + short(vocab_tokens[order[0]]))
        hover.append("<br>".join(f"{short(vocab_tokens[i])}: {p[i]:.3f}" for i in order))
    return top, hover


def _node_shape(x: float, y: float, kind: str, fill: str, size: int, name: str = "") -> dict:
    """A marker-like shape `size` px across at (x, y): "square", "circle" or "diamond"."""
    r = size / 2
    shape: dict = dict(
        xref="x", yref="y", xsizemode="pixel", ysizemode="pixel", xanchor=x, yanchor=y,
        fillcolor=fill, line=dict(width=1, color="#333"), layer="above", name=name,
    )  # fmt: skip
    if kind == "diamond":
        return shape | dict(type="path", path=f"M {-r} 0 L 0 {r} L {r} 0 L 0 {-r} Z")
    return shape | dict(type="rect" if kind == "square" else "circle", x0=-r, x1=r, y0=-r, y1=r)


def _future_outlines(t: int) -> list[dict]:
    """Column t not read yet: its three nodes as empty grey outlines, drawn over the cover."""
    return [
        _node_shape(t, y, kind, FUTURE, NODE, name="not read yet")
        for y, kind in ((0, "diamond"), (1, "square"), (2, "circle"))
    ]
