"""Small figures beside the explorer's chain: the backward pass's norms, a gated cell's gates, the
embedding space, and the predicted vs actual values of a number series. Pure Plotly, no Streamlit.

    backward_norms     ‖∂L/∂h_t‖ per step (and ‖∂L/∂c_t‖ for the LSTM), plus the running ‖∂L/∂W_hh‖
                       building up as the pass moves from t = T back to t = 1
    gate_bars          one small bar chart per gate: its value for each hidden unit at this step
    embedding_map      the vocabulary's vectors projected to 2-D (principal components), the share kept
    value_predictions  the series, the one-step-ahead predictions, revealed up to the current step
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from visualizer.content import explorer_notes
from visualizer.labs.explorer import embedding
from visualizer.plots.chain import BACK, C_COLOUR
from visualizer.plots.marks import future_cover, revealed
from visualizer.plots.notation import translate
from visualizer.plots.style import H_COLOUR, HIGHLIGHT, X_COLOUR, Y_COLOUR, figure, heading, short

# ---------------------------------------------------------------------------- backward pass


def _top(*series: np.ndarray | None) -> list[float] | None:
    """[0, a little above the largest finite value of the series], or None (autorange) when there is none."""
    values = np.concatenate([np.asarray(a, dtype=float).ravel() for a in series if a is not None])
    finite = values[np.isfinite(values)]
    top = float(finite.max()) if finite.size else 0.0
    return [0.0, top * 1.08] if top > 0 else None


def backward_norms(
    dh_norm: np.ndarray,
    running: np.ndarray,
    reached: int,
    *,
    dc_norm: np.ndarray | None = None,
    notation: str = "h",
    weight: str = "W_hh",
) -> go.Figure:
    """Bars of ‖∂L/∂h_t‖ for the steps reached (t ≥ reached), and the running ‖∂L/∂W‖ as a line.

    Args:
        dh_norm, running: (T,) per step; running[t-1] = ‖sum of the contributions of steps t..T‖.
        reached: 1-based step the backward pass has reached; earlier steps are still empty.
        dc_norm: (T,) ‖∂L/∂c_t‖ for an LSTM.
    """
    tr = lambda s: translate(s, notation)  # noqa: E731
    T = len(dh_norm)
    steps = list(range(1, T + 1))

    def keep(a: np.ndarray) -> list:
        return [float(v) if np.isfinite(v) else None for v in a]

    # Every step's figure holds the whole pass; the steps not reached yet are under a cover and the
    # current one is outlined, so stepping moves shapes only (the browser redraws those, not the chart).
    data = [
        dict(
            type="bar",
            x=steps,
            y=keep(dh_norm),
            name=tr("‖∂L/∂h_t‖"),
            marker=dict(color="#e8807f"),
            hovertemplate=tr("step %{x}<br>‖∂L/∂h_t‖ = %{y:.4g}<extra></extra>"),
        )
    ]
    if dc_norm is not None:
        data.append(
            dict(
                type="bar",
                x=steps,
                y=keep(dc_norm),
                name=tr("‖∂L/∂c_t‖"),
                marker=dict(color=C_COLOUR),
                hovertemplate=tr("step %{x}<br>‖∂L/∂c_t‖ = %{y:.4g}<extra></extra>"),
            )
        )
    data.append(
        dict(
            type="scatter",
            x=steps,
            y=keep(running),
            mode="lines+markers",
            name=tr(f"running ‖∂L/∂{weight}‖"),
            yaxis="y2",
            # a step line, flat from each step to the one before it: where the cover ends, the line shows the
            # current total only, not the slope towards the next step's (not reached yet)
            line=dict(color="#333", width=2, shape="vh"),
            hovertemplate=tr(f"after steps %{{x}}..{T}<br>‖∂L/∂{weight}‖ = %{{y:.4g}}<extra></extra>"),
        )
    )
    # Both y axes span the whole pass from the first step: the bars and the line grow into a fixed frame,
    # so what changes between steps is the data, not the scale (and the chart is drawn once per step).
    bars_top = _top(dh_norm, dc_norm)
    line_top = _top(running)
    return figure(
        data,
        dict(
            title=heading(tr(f"The error per step, and ‖∂L/∂{weight}‖ adding up from step {T} back to step {reached}")),
            barmode="group",
            height=260,
            margin=dict(l=60, r=60, t=50, b=40),
            xaxis=dict(title=heading("time step t"), range=[0.4, T + 0.6], dtick=1 if T <= 30 else None),
            yaxis=dict(title=heading(tr("‖∂L/∂h_t‖")), rangemode="tozero", range=bars_top),
            # its own round ticks (not lined up with the bars' grid, which would read 21.5, 43, 64.6 …)
            yaxis2=dict(
                title=heading(tr(f"‖∂L/∂{weight}‖")),
                overlaying="y",
                side="right",
                rangemode="tozero",
                range=line_top,
                tickmode="auto",
                showgrid=False,
            ),
            legend=dict(orientation="h", y=-0.25),
            shapes=[
                dict(
                    type="rect",
                    xref="x",
                    yref="paper",
                    x0=reached - 0.5,
                    x1=reached + 0.5,
                    y0=0,
                    y1=1,
                    line=dict(color=BACK, width=2),
                    fillcolor="rgba(214,39,40,0.08)",
                    layer="below",
                    name="current step",
                ),
                *([future_cover(0.4, reached - 0.5, "white")] if reached > 1 else []),
            ],
            plot_bgcolor="white",
            meta=revealed(reached - 0.5, T + 1),  # a live chart shows no hover under the cover
        ),
    )


# ---------------------------------------------------------------------------- gates


def gate_bars(step, *, notation: str = "h") -> go.Figure:
    """One small bar chart per gate of a gates.CellStep: each hidden unit's value (sigmoid 0..1, tanh -1..1)."""
    gates = step.gates
    k = len(gates)
    gap = 0.06
    width = (1 - gap * (k - 1)) / k
    data, layout = [], {}
    for i, g in enumerate(gates):
        ax = "" if i == 0 else str(i + 1)
        colour = H_COLOUR if g.squashed_by == "sigmoid" else X_COLOUR
        data.append(
            dict(
                type="bar",
                x=list(range(len(g.values))),
                y=g.values,
                xaxis=f"x{ax}",
                yaxis=f"y{ax}",
                marker=dict(color=colour),
                name=g.name,
                hovertemplate=f"{g.name}, unit %{{x}}<br>%{{y:.3f}}<extra></extra>",
            )
        )
        lo = 0.0 if g.squashed_by == "sigmoid" else -1.0
        left = i * (width + gap)
        layout[f"xaxis{ax}"] = dict(
            domain=[left, left + width], title=heading(f"{g.name} ({g.key})"), showticklabels=False, fixedrange=True
        )
        layout[f"yaxis{ax}"] = dict(range=[lo, 1.0], anchor=f"x{ax}", fixedrange=True, showticklabels=i == 0)
    return figure(
        data,
        dict(
            **layout,
            title=heading(translate(f"The gates at step {step.t}, one bar per hidden unit", notation)),
            height=220,
            showlegend=False,
            margin=dict(l=40, r=10, t=40, b=50),
        ),
    )


# ---------------------------------------------------------------------------- embeddings


def embedding_map(
    vectors: np.ndarray,
    vocab_tokens,
    *,
    highlight: str | None = None,
    title: str = "",
    labelled: set[str] | None = None,
) -> go.Figure:
    """Each token's vector projected onto the two directions of largest variance (PCA), labelled.

    The title claims closeness only when the two axes keep enough of the spread (explorer_notes.embedding_title);
    each axis names the share it keeps.

    Args:
        vectors: (V, dim) one row per vocabulary token (columns of E, or of W_xh for one-hot inputs).
        highlight: the current token, drawn in orange.
        labelled: tokens to write beside their point (all when None); the others show on hover.
    """
    proj = embedding.project(vectors)
    xy, share = proj.xy, proj.share  # (V, 2), (2,)
    labels = [short(t) for t in vocab_tokens]
    shown = [lab if labelled is None or t in labelled else "" for t, lab in zip(vocab_tokens, labels)]
    data = [
        dict(
            type="scatter",
            x=xy[:, 0],
            y=xy[:, 1],
            mode="markers+text",
            text=shown,
            hovertext=labels,
            textposition="top center",
            marker=dict(size=10, color=[HIGHLIGHT if t == highlight else Y_COLOUR for t in vocab_tokens]),
            hovertemplate="%{hovertext}<extra></extra>",
        )
    ]
    return figure(
        data,
        dict(
            title=heading(title or explorer_notes.embedding_title(proj.kept)),
            height=340,
            margin=dict(l=50, r=20, t=50, b=50),
            xaxis=dict(title=heading(f"direction 1 ({100 * share[0]:.0f} % of the spread)"), zeroline=False),
            yaxis=dict(title=heading(f"direction 2 ({100 * share[1]:.0f} % of the spread)"), zeroline=False),
            showlegend=False,
            plot_bgcolor="white",
        ),
    )


# ---------------------------------------------------------------------------- number series


def value_predictions(values: np.ndarray, predicted: np.ndarray, *, step: int, reveal: int | None = None) -> go.Figure:
    """The series and the network's guess for each next value (regression), revealed up to `reveal`.

    Args:
        values: (T,) the numbers as typed; predicted: (T,) the prediction made at step t for value t+1.
    """
    T = len(values)
    shown = T if reveal is None else reveal
    xs = list(range(1, T + 1))
    actual = [float(v) if t <= shown else None for t, v in zip(xs, values)]
    guess_x = [t + 1 for t in xs if t <= shown]  # the guess made at t is for position t+1
    guess_y = [float(predicted[t - 1]) for t in xs if t <= shown]
    data = [
        dict(
            type="scatter",
            x=xs,
            y=actual,
            mode="lines+markers",
            name="the series (x_t)",
            line=dict(color=X_COLOUR),
            hovertemplate="value %{x}: %{y:.4g}<extra></extra>",
        ),
        dict(
            type="scatter",
            x=guess_x,
            y=guess_y,
            mode="markers",
            name="predicted next value (ŷ_t)",
            marker=dict(color=Y_COLOUR, size=11, symbol="circle-open", line=dict(width=2)),
            hovertemplate="guess for value %{x}: %{y:.4g}<extra></extra>",
        ),
    ]
    return figure(
        data,
        dict(
            title=heading(explorer_notes.value_guess_title(step, T, float(predicted[step - 1]))),
            height=320,
            margin=dict(l=60, r=20, t=50, b=70),
            xaxis=dict(title=heading("position in the series"), range=[0.5, T + 1.5], dtick=1 if T <= 30 else None),
            yaxis=dict(title=heading("value")),
            shapes=[dict(type="line", x0=step + 1, x1=step + 1, y0=0, y1=1, yref="paper", line=dict(color=HIGHLIGHT))],
            legend=dict(orientation="h", y=-0.32),  # below the x-axis title, not over it
        ),
    )
