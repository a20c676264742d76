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
    H_COLOUR,
    HIGHLIGHT,
    X_COLOUR,
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


def difference_heatmap(
    H_a: np.ndarray,
    tokens_a,
    H_b: np.ndarray,
    tokens_b,
    *,
    step: int | None = None,
    activation: str = "tanh",
) -> go.Figure:
    """h_t(A) − h_t(B) over the steps both sequences have: where do the two memories differ?

    Args:
        H_a: (T_a, H) and H_b: (T_b, H) hidden states; the first min(T_a, T_b) steps are compared.
    """
    L = min(len(H_a), len(H_b))
    diff = H_a[:L] - H_b[:L]  # (L, H)
    lo, hi = value_range(activation, np.concatenate([H_a[:L], H_b[:L]]).ravel())
    span = hi - lo  # the largest possible difference for a bounded activation
    labels = [f"{short(a, 6)}∣{short(b, 6)}" for a, b in zip(tokens_a[:L], tokens_b[:L])]
    return hidden_heatmap(
        diff,
        labels,
        step=step if step is not None and step <= L else None,
        activation=activation,
        zrange=(-span, span),
        colorbar_title="A − B",
        title=f"Difference h_t(A) − h_t(B) over the first {L} step(s) (white: the same memory)",
    )


# ---------------------------------------------------------------------------- one step's input and output

MAX_BARS = 40  # a larger vocabulary shows its most likely tokens only


def _label_room(vocab_tokens, n_bars: int, numbered: bool) -> int:
    """The bottom margin (px) that fits the longest label any step could show under -45° rotation.

    The labels change from step to step; with a margin sized for the step's own labels the plot would
    jump up and down as you step (and the browser would draw it twice: Plotly widens a margin that is
    too small and draws again). Measured in Chromium with the app's 12 px tick font: a rotated label
    needs ~4.3 px per character below the axis, plus ~60 px for the ticks and the axis title."""
    longest = max((len(short(tok)) for tok in vocab_tokens), default=1) + (len(f"{n_bars}. ") if numbered else 0)
    return int(64 + 4.6 * longest)


def output_bars(
    p: np.ndarray,
    vocab_tokens,
    *,
    step: int,
    next_token: str | None = None,
    ymax: float | None = None,
    max_bars: int = MAX_BARS,
) -> go.Figure:
    """The distribution ŷ_t over the vocabulary as bars; the token that actually comes next is orange.

    Args:
        p: (V,) probabilities at this step.
        next_token: the input token at step t+1, if there is one.
        ymax: a fixed top for the y axis, so bars can be compared from step to step.
    """
    V = len(p)
    idx = np.arange(V) if max_bars >= V else np.argsort(-np.nan_to_num(p, nan=-1.0))[:max_bars]
    labels = [short(vocab_tokens[i]) for i in idx]
    bar = dict(
        type="bar",
        x=[f"{k + 1}. {lab}" if max_bars < V else lab for k, lab in enumerate(labels)],
        y=p[idx],
        marker=dict(color=[HIGHLIGHT if vocab_tokens[i] == next_token else H_COLOUR for i in idx]),
        hovertemplate="next token %{x}<br>p = %{y:.4f}<extra></extra>",
    )
    shown = "" if max_bars >= V else f" (the {max_bars} most likely of {V})"
    yaxis = dict(title=heading("probability"), rangemode="tozero")
    if ymax:
        yaxis["range"] = [0, ymax]
    rotated = len(idx) > 10
    return figure(
        [bar],
        dict(
            title=heading(f"ŷ_{step}: probability of each next token{shown}"),
            yaxis=yaxis,
            xaxis=dict(title=heading("next token"), type="category", tickangle=-45 if rotated else 0),
            height=300,
            margin=dict(l=60, r=20, t=50, b=_label_room(vocab_tokens, len(idx), max_bars < V) if rotated else 60),
            showlegend=False,
        ),
    )


def input_vector(
    x: np.ndarray,
    vocab_tokens,
    *,
    step: int,
    token: str,
    E: np.ndarray | None = None,
    w: int | None = None,
) -> go.Figure:
    """x_t as colour: the one-hot row o_w, or the embedding matrix E with the column E·o_w outlined.

    Args:
        x: (D,) the input vector at this step.
        E: (dim, V) embedding matrix; when given, column w is x.
    """
    if E is not None and w is not None:
        dim = E.shape[0]
        fig = hidden_heatmap(
            E.T,
            vocab_tokens,
            step=w + 1,
            activation="linear",
            colorbar_title="E entry",
            title=f"x_{step} = E·o_w: '{short(token)}' picks column {w + 1} of E",
            row_name="e",
            row_title="embedding dimension",
        )
        fig.layout.xaxis.title.text = "vocabulary token (columns of E)"
        fig.layout.height = max(200, min(420, 90 + 22 * dim))
        return fig
    D = x.size
    onehot = len(vocab_tokens) == D and D > 1
    labels = list(vocab_tokens) if onehot else [f"x[{j}]" for j in range(D)]
    lo, hi = value_range("linear", x)
    trace = dict(
        type="heatmap",
        z=x[None, :],
        x=token_labels(labels),
        y=[f"x_{step}"],
        zmin=min(lo, 0.0),
        zmax=max(hi, 1.0),
        colorscale=[[0, "#2166ac"], [0.5, "#ffffff"], [1, X_COLOUR]] if lo < 0 else [[0, "#ffffff"], [1, X_COLOUR]],
        showscale=False,
        text=[[f"{v:g}" for v in x]],
        hovertemplate="%{x}: %{z}<extra></extra>",
    )
    if D <= 40:
        trace["texttemplate"] = "%{text}"
    kind = "one-hot, a single 1 at its position" if onehot else "the value itself"
    return figure(
        [trace],
        dict(
            title=heading(f"x_{step} = '{short(token)}': {kind}"),
            height=170,
            xaxis=dict(type="category", tickangle=-45) if D > 10 else dict(type="category"),
            yaxis=dict(type="category"),
            margin=dict(l=60, r=20, t=50, b=50),
        ),
    )
