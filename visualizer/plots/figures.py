"""Pure Plotly figure builders shared by the pages. No Streamlit here.

Each builder takes NumPy arrays and plain labels and returns a go.Figure, so tests can check
what a figure contains (trace types, z shape, highlighted step, axis titles) directly.

Speed: the step-by-step views rebuild a few figures on every click, so builders write plain
dicts and wrap them once with `style.figure` (Plotly's per-property validation skipped: ~10x faster).
The unit tests re-validate every builder's output with `go.Figure(fig.to_dict())`.

    hidden_heatmap      H x T hidden states, one column per token, the current step outlined
    difference_heatmap  h_t(A) − h_t(B) for two sequences, step by step
    output_bars         ŷ_t over the vocabulary, the true next token in orange
    input_vector        x_t: the one-hot o_w, or E with the column E·o_w outlined
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from visualizer.plots.marks import future_cover, revealed
from visualizer.plots.notation import translate
from visualizer.plots.style import (
    DIVERGING_SCALE,
    HIGHLIGHT,
    figure,
    heading,
    short,
)


def token_labels(tokens) -> list[str]:
    """Axis labels that stay unique and visible: 't. token', spaces shown as '␣'."""
    return [f"{i}. {short(tok)}" for i, tok in enumerate(tokens, start=1)]


def value_range(activation: str, values: np.ndarray) -> tuple[float, float]:
    """Fixed colour range: [-1, 1] for tanh, [0, 1] for sigmoid, symmetric max |v| otherwise."""
    if activation == "tanh":
        return -1.0, 1.0
    if activation == "sigmoid":
        return 0.0, 1.0
    finite = values[np.isfinite(values)]
    m = float(np.max(np.abs(finite))) if finite.size else 1.0
    m = m if m > 0 else 1.0
    return -m, m


def shared_range(activation: str, *arrays: np.ndarray) -> tuple[float, float]:
    """One colour range for several heatmaps drawn side by side, so equal colours mean equal values."""
    return value_range(activation, np.concatenate([np.ravel(a) for a in arrays]) if arrays else np.zeros(1))


# ---------------------------------------------------------------------------- heatmaps


PLOT_BG = "#f4f4f4"  # a heatmap's empty cell


def step_box(step: int, y0: float, y1: float, *, width: int = 3) -> dict:
    """An outline around column `step` (1-based) of a categorical x axis."""
    return dict(
        type="rect",
        x0=step - 1.5,
        x1=step - 0.5,
        y0=y0,
        y1=y1,
        line=dict(color=HIGHLIGHT, width=width),
        name="current step",
    )


def _three_ticks(zmin: float, zmax: float) -> list[float]:
    return [float(zmin), float((zmin + zmax) / 2), float(zmax)]


def _every_row(labels: list[str], most: int = 32) -> dict:
    """Axis settings that label every row when there are at most `most` rows."""
    return dict(tickmode="array", tickvals=labels, ticktext=labels) if len(labels) <= most else {}


def hidden_heatmap(
    H_states: np.ndarray,
    tokens,
    *,
    step: int | None = None,
    activation: str = "tanh",
    title: str = "Hidden state h_t over time",
    zrange: tuple[float, float] | None = None,
    colorbar_title: str = "h value",
    row_name: str = "h",
    row_title: str = "hidden unit",
    reveal: int | None = None,
    notation: str = "h",
) -> go.Figure:
    """Heatmap of hidden states, units down the side and tokens along the bottom.

    Args:
        H_states: (T, H) hidden states h_1..h_T (h_0 excluded).
        tokens: T labels.
        step: 1-based step to outline, or None.
        zrange: colour range; by default fixed by the activation (tanh: [-1, 1]).
        reveal: steps after it are left empty (not computed yet) and their tokens unnamed.
        notation: "h" or "a" for the labels.
    """
    T, H = H_states.shape
    zmin, zmax = zrange or value_range(activation, H_states)
    z = H_states.T  # (H, T)
    labels = token_labels(tokens)
    tr = lambda s: translate(s, notation)  # noqa: E731
    rows = [f"{'a' if notation == 'a' and row_name == 'h' else row_name}[{j}]" for j in range(H)]
    trace = dict(
        type="heatmap",
        z=z,
        x=labels,
        y=rows,  # z (H, T)
        zmin=zmin,
        zmax=zmax,
        colorscale=DIVERGING_SCALE if zmin < 0 else "Viridis",
        # Three labelled ticks (ends and middle): five crowd into each other on a short heatmap. Three
        # significant digits: a data-driven range (the memory c_t) would otherwise read "3.332815".
        colorbar=dict(
            title=heading(tr(colorbar_title)), tickvals=_three_ticks(zmin, zmax), tickformat=".3~g", thickness=14
        ),
        hovertemplate="step %{x}<br>" + row_title + " %{y}<br>value %{z:.4f}<extra></extra>",
        hoverongaps=False,
    )
    if zmin < 0:
        trace["zmid"] = 0.0
    shapes = [step_box(step, -0.5, H - 0.5)] if step is not None and 1 <= step <= T else []
    # Fixed ranges: on an autoranged axis a moved shape (the outline, the cover) makes Plotly work the
    # range out again and draw the whole chart; with these it redraws only the shapes.
    xaxis: dict[str, object] = dict(title=heading("time step and token"), type="category", range=[-0.5, T - 0.5])
    if T > 12:  # fewer labels Plotly turns only when they would overlap (narrow columns)
        xaxis["tickangle"] = -45
    extra: dict[str, object] = {}
    if reveal is not None and reveal < T:
        # The future is covered, not left out: every step's figure then holds the same data and only the
        # cover, the outline and the tick names move, which the browser redraws without redrawing the
        # cells (a live chart also turns hover off under the cover: see `revealed`).
        shapes.append(future_cover(reveal - 0.5, T - 0.5, PLOT_BG))
        names = labels[:reveal] + [f"{i}. ·" for i in range(reveal + 1, T + 1)]
        xaxis.update(tickmode="array", tickvals=labels, ticktext=names)
        extra["meta"] = revealed(-0.5, reveal - 0.5)
    return figure(
        [trace],
        dict(
            title=heading(tr(title)),
            shapes=shapes,
            xaxis=xaxis,
            plot_bgcolor=PLOT_BG,
            **extra,
            # Every unit labelled up to 32 units (Plotly would skip every other one on a short plot).
            yaxis=dict(title=heading(row_title), range=[H - 0.5, -0.5], type="category", **_every_row(rows)),
            height=max(240, min(640, 90 + 22 * H)),
            margin=dict(l=60, r=20, t=50, b=60),
        ),
    )
