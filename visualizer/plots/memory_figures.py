"""Pure figure builders for the proof of memory: contrast pairs side by side, occlusion strength per column.

No Streamlit here; each builder returns an alt.Chart or go.Figure that tests can read back.
"""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import plotly.graph_objects as go

from visualizer.plots.train_figures import LOSS_COLOR, WATCH_COLOR, show_token

BASELINE_COLOR = "#888"
POSITIVE = "#f58518"  # the token made the prediction more likely
NEGATIVE = "#4c78a8"  # the token made it less likely


def contrast_chart(
    candidates: list[str],
    dists: dict[str, list[float]],
    answers: dict[str, str],
    *,
    height: int = 160,
) -> alt.Chart:
    """Bars of P(candidate | prompt) for each model/prompt panel, the right answer in orange.

    Args:
        candidates: the answers compared (e.g. the languages), in order.
        dists: panel title -> probabilities of the candidates (same order).
        answers: panel title -> the right answer for that panel ("" when the panel has none, e.g. a baseline).
    """
    rows = [
        {"panel": panel, "token": show_token(c), "p": float(p), "hit": c == answers.get(panel, ""), "rank": i}
        for panel, ps in dists.items()
        for i, (c, p) in enumerate(zip(candidates, ps))
    ]
    return (
        alt.Chart(alt.Data(values=rows))
        .mark_bar()
        .encode(
            y=alt.Y("token:N", title=None, sort=alt.EncodingSortField(field="rank", order="ascending")),
            x=alt.X("p:Q", title="probability", scale=alt.Scale(domain=[0, 1])),
            color=alt.condition(alt.datum.hit, alt.value(WATCH_COLOR), alt.value(LOSS_COLOR)),
            tooltip=[
                alt.Tooltip("panel:N", title="prompt"),
                alt.Tooltip("token:N", title="next"),
                alt.Tooltip("p:Q", title="probability", format=".3f"),
            ],
        )
        .properties(height=height, width=180)
        .facet(facet=alt.Facet("panel:N", title=None, sort=list(dists)), columns=len(dists))
    )


def occlusion_figure(tokens, strength: np.ndarray, target: str, logp: float, *, height: int = 300) -> go.Figure:
    """The prompt as an unrolled chain of columns; above each, how much that token moved log p(target).

    Bar t = log p(target | prompt) - log p(target | prompt without token t): orange raised the prediction,
    blue lowered it. The last column's arrow points at the predicted token.
    """
    tokens = list(tokens)
    strength = np.asarray(strength, dtype=np.float64)
    if strength.shape != (len(tokens),):
        raise ValueError("one strength per token")
    T = len(tokens)
    xs = list(range(1, T + 1))
    labels = [show_token(t) for t in tokens]
    top = float(np.max(np.abs(strength))) if T and np.any(strength) else 1.0
    data = [
        go.Bar(
            x=xs,
            y=strength,
            marker_color=[POSITIVE if s >= 0 else NEGATIVE for s in strength],
            customdata=labels,
            hovertemplate="%{customdata}: Δ log p = %{y:.3f}<extra></extra>",
            name="effect of the token",
            yaxis="y",
        ),
        go.Scatter(
            x=xs + [T + 1],
            y=[0.0] * (T + 1),
            mode="lines+markers+text",
            line=dict(color="#4c78a8", width=2),
            marker=dict(symbol=["square"] * T + ["circle"], size=16, color=["#c6dbef"] * T + [WATCH_COLOR]),
            text=labels + [f"→ {show_token(target)}"],
            textposition="bottom center",
            hovertemplate="%{text}<extra></extra>",
            name="the chain h_1 … h_T",
            yaxis="y2",
        ),
    ]
    layout = dict(
        title=dict(text=f"Which earlier tokens matter for “{show_token(target)}” (p = {math.exp(logp):.2f})"),
        xaxis=dict(
            tickvals=xs + [T + 1], ticktext=[str(x) for x in xs] + ["next"], range=[0.4, T + 1.6], showgrid=False
        ),
        yaxis=dict(
            title=dict(text="Δ log p when dropped"),
            domain=[0.38, 1.0],
            range=[-1.1 * top, 1.1 * top],
            zeroline=True,
        ),
        yaxis2=dict(domain=[0.0, 0.3], range=[-1, 0.5], visible=False),
        height=height,
        showlegend=False,
        bargap=0.3,
        margin=dict(l=60, r=20, t=50, b=30),
        plot_bgcolor="white",
    )
    return go.Figure(data=data, layout=layout)


def strength_row(strength: np.ndarray, steps: list[int], *, y: float = 3.2) -> dict:
    """A scatter trace to add to an unrolled-chain figure: one marker per column, colour and size = strength.

    `steps` are the 1-based columns drawn; strength is indexed by step - 1. Extend the chain's y range to y + 0.5.
    """
    s = np.asarray(strength, dtype=np.float64)
    top = float(np.max(np.abs(s))) or 1.0
    vals = [float(s[t - 1]) for t in steps]
    return dict(
        type="scatter",
        x=steps,
        y=[y] * len(steps),
        mode="markers",
        name="effect on the prediction",
        marker=dict(
            symbol="square",
            size=[10 + 18 * abs(v) / top for v in vals],
            color=vals,
            cmin=-top,
            cmax=top,
            colorscale=[[0, NEGATIVE], [0.5, "#f2f2f2"], [1, POSITIVE]],
            line=dict(width=1, color="#333"),
        ),
        hovertemplate="step %{x}: Δ log p = %{marker.color:.3f}<extra></extra>",
    )


def add_strength(chain: go.Figure, strength: np.ndarray, steps: list[int], *, y: float = 3.2) -> go.Figure:
    """An unrolled-chain figure (figures.unrolled_chain) with a row of occlusion strengths above its columns.

    strength[t - 1] belongs to step t; `steps` are the 1-based columns the chain draws. The y axis grows to fit.
    """
    chain.add_trace(go.Scatter(**{k: v for k, v in strength_row(strength, steps, y=y).items() if k != "type"}))
    ticks = list(chain.layout.yaxis.tickvals or ()) + [y]
    labels = list(chain.layout.yaxis.ticktext or ()) + ["effect Δlog p"]
    low = chain.layout.yaxis.range[0] if chain.layout.yaxis.range else -0.9
    chain.update_layout(yaxis=dict(tickvals=ticks, ticktext=labels, range=[low, y + 0.5]))
    return chain
