"""The unrolled chain: one column per step, x_t below, h_t in the middle, ŷ_t above. Pure Plotly.

Two phases, as back-propagation through time is taught:

    forward   steps 1..t are revealed; later columns are empty grey outlines (the future is unknown)
    backward  every step is computed; red arrows carry ∂L/∂h_t right to left, h_t -> h_{t-1}, for the
              steps already back-propagated (t..T), and each step's own loss enters at ŷ_t (red arrow
              down into h_t). Arrow width grows with ‖∂L/∂h_t‖ (and ‖W_hyᵀ(ŷ_t − y_t)‖ for the loss).

Clicking a node selects its column (the page uses Plotly selection events to jump there).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from visualizer.plots.figures import arrow_traces
from visualizer.plots.notation import at, translate
from visualizer.plots.style import ALERT, H_COLOUR, HIGHLIGHT, X_COLOUR, Y_COLOUR, figure, heading, short

CHAIN_WINDOW = 12  # columns drawn at once; longer sequences scroll with the current step
FUTURE = "#e6e6e6"
BACK = ALERT  # the backward pass's colour, on every figure
C_COLOUR = "#9467bd"
_WIDTH_LEVELS = 5  # arrow widths are binned so arrows of one width share one trace


def chain_window(T: int, step: int, width: int = CHAIN_WINDOW) -> tuple[int, int]:
    """(first, last) 1-based steps of a window of `width` columns that contains `step`, kept in 1..T."""
    if width >= T:
        return 1, T
    first = min(max(1, step - width // 2), T - width + 1)
    return first, first + width - 1


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
        window: (first, last) 1-based steps to draw; all when None.
        X: (T, D) inputs, shown on hover when given.
        reveal: forward phase: steps after it are drawn as empty grey outlines. None shows all.
        backward: backward phase: red arrows for the steps already back-propagated.
        predictions: (label, hover) per step instead of the top tokens (regression: the predicted value).
    Traces: arrows first (up, carry, [memory], [backward]), then x_t, carried-in h, h_t, [c_t], ŷ_t.
    """
    tr = lambda s: translate(s, notation)  # noqa: E731
    T = len(tokens)
    first, last = window or (1, T)
    steps = list(range(first, last + 1))
    shown = T if reveal is None else reveal
    past = [t for t in steps if t <= shown]
    carry = first - 1  # the state flowing in from the left: h_0, or the last step before the window
    up = [(t, 0, t, 1) for t in past] + [(t, 1, t, 2) for t in past]
    fade = backward is not None  # the forward arrows step back while the error flows
    data = arrow_traces(up, color="#ddd" if fade else "#999", shorten=0.24, head=9)
    data += arrow_traces(
        [(t - 1, 1, t, 1) for t in past], color="#b9c9dd" if fade else H_COLOUR, width=2.5, shorten=0.24, head=11
    )
    if cs is not None:
        data += arrow_traces([(t - 0.7, 1.45, t + 0.3, 1.45) for t in past], color=C_COLOUR, width=2, head=9)
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

    def is_future(t: int) -> bool:
        return t > shown

    sizes = [36 if t == step else 26 for t in steps]
    data.append(
        dict(
            type="scatter",
            x=steps,
            y=[0] * len(steps),
            mode="markers+text",
            name=tr("x_t (input)"),
            marker=dict(
                symbol="diamond",
                size=sizes,
                color=[FUTURE if is_future(t) else X_COLOUR for t in steps],
                line=dict(width=1, color="#333"),
            ),
            text=["" if is_future(t) else short(tokens[t - 1]) for t in steps],
            textposition="bottom center",
            customdata=["not read yet" if is_future(t) else (_vec(X[t - 1]) if X is not None else "") for t in steps],
            hovertemplate=tr("x_%{x} = %{text}<br>%{customdata}<extra></extra>"),
        )
    )
    with np.errstate(over="ignore", invalid="ignore"):  # exploding states: the norm may be inf
        norms = [float(np.linalg.norm(hs[t])) for t in [carry] + steps]
    data.append(
        dict(
            type="scatter",
            x=[carry],
            y=[1],
            mode="markers+text",
            name=tr("carried-in state"),
            marker=dict(symbol="square", size=20, color="#ddd", line=dict(width=1, color="#333")),
            text=[tr("h₀ = 0") if carry == 0 and not np.any(hs[0]) else at("h", carry, notation)],
            textposition="bottom center",
            customdata=[[f"{norms[0]:.3f}", _vec(hs[carry])]],
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
            marker=dict(
                symbol="square",
                size=sizes,
                color=[FUTURE if is_future(t) else HIGHLIGHT if t == step else H_COLOUR for t in steps],
                line=dict(width=1, color="#333"),
            ),
            text=h_text or None,
            textposition="top left",
            textfont=dict(color=BACK, size=11),
            customdata=[
                ["–", "not computed yet"] if is_future(t) else [f"{n:.3f}", _vec(hs[t])]
                for n, t in zip(norms[1:], steps)
            ],
            hovertemplate=tr("h_%{x}<br>‖h‖ = %{customdata[0]}<br>%{customdata[1]}<extra></extra>"),
        )
    )
    if cs is not None:
        data.append(
            dict(
                type="scatter",
                x=[t + 0.3 for t in past],
                y=[1.45] * len(past),
                mode="markers",
                name=tr("c_t (memory cell)"),
                marker=dict(symbol="square", size=12, color=C_COLOUR, line=dict(width=1, color="#333")),
                customdata=[[t, _vec(cs[t])] for t in past],
                hovertemplate=tr("c_%{customdata[0]} (memory cell)<br>%{customdata[1]}<extra></extra>"),
            )
        )
    top, hover = [], []
    for t in steps:
        if is_future(t):
            top.append("")
            hover.append("not predicted yet")
            continue
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
    data.append(
        dict(
            type="scatter",
            x=steps,
            y=[2] * len(steps),
            mode="markers+text",
            name=tr("ŷ_t (top prediction)"),
            marker=dict(
                symbol="circle",
                size=sizes,
                color=[FUTURE if is_future(t) else Y_COLOUR for t in steps],
                line=dict(width=1, color="#333"),
            ),
            text=top,
            textposition="top center",
            customdata=hover,
            hovertemplate=tr("ŷ_%{x}: ") + "%{customdata}<extra></extra>",
        )
    )
    shapes = []
    if step is not None and first <= step <= last:
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
                range=[carry - 0.6, last + 0.6],
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
            clickmode="event+select",
            dragmode=False,
        ),
    )
