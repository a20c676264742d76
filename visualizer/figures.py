"""Pure Plotly figure builders shared by the pages. No Streamlit here.

Each builder takes NumPy arrays and plain labels and returns a go.Figure, so tests can check
what a figure contains (trace types, z shape, highlighted step, axis titles) directly.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

# Diverging scale: blue negative, white zero, red positive.
DIVERGING = "RdBu_r"
HIGHLIGHT = "#f58518"
FONT = dict(family="Inter, Segoe UI, sans-serif", size=13)

# The Plotly toolbar's camera button exports at slide resolution (1600x900 at 2x).
PLOTLY_CONFIG = {
    "displaylogo": False,
    "toImageButtonOptions": {"format": "png", "width": 1600, "height": 900, "scale": 2, "filename": "rnn-visualizer"},
    "modeBarButtonsToRemove": ["lasso2d", "select2d"],
}


def token_labels(tokens) -> list[str]:
    """Axis labels that stay unique and visible: 't. token', spaces shown as '␣'."""
    return [f"{i}. {_show(tok)}" for i, tok in enumerate(tokens, start=1)]


def _show(tok: str, n: int = 12) -> str:
    tok = tok.replace(" ", "␣").replace("\n", "↵").replace("\t", "⇥")
    return tok if len(tok) <= n else tok[: n - 1] + "…"


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


def hidden_heatmap(
    H_states: np.ndarray,
    tokens,
    *,
    step: int | None = None,
    activation: str = "tanh",
    title: str = "Hidden state h_t over time",
    zrange: tuple[float, float] | None = None,
    colorbar_title: str = "h value",
) -> go.Figure:
    """Heatmap of hidden states, units down the side and tokens along the bottom.

    Args:
        H_states: (T, H) hidden states h_1..h_T (h_0 excluded).
        tokens: T labels.
        step: 1-based step to outline, or None.
    """
    T, H = H_states.shape
    z = H_states.T  # (H, T)
    zmin, zmax = zrange or value_range(activation, H_states)
    x = token_labels(tokens)
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=x,
            y=[f"h[{j}]" for j in range(H)],
            zmin=zmin,
            zmax=zmax,
            zmid=0.0 if zmin < 0 else None,
            colorscale=DIVERGING if zmin < 0 else "Viridis",
            colorbar=dict(title=colorbar_title),
            hovertemplate="step %{x}<br>unit %{y}<br>value %{z:.4f}<extra></extra>",
        )
    )
    if step is not None and 1 <= step <= T:
        fig.add_shape(
            type="rect", x0=step - 1.5, x1=step - 0.5, y0=-0.5, y1=H - 0.5,
            line=dict(color=HIGHLIGHT, width=3), name="current step",
        )
    fig.update_layout(
        title=title,
        xaxis=dict(title="time step and token", type="category", tickangle=-45 if T > 12 else 0),
        yaxis=dict(title="hidden unit", autorange="reversed"),
        height=max(240, min(640, 90 + 22 * H)),
        margin=dict(l=60, r=20, t=50, b=60),
        font=FONT,
    )
    return fig


def unrolled_chain(
    tokens,
    hs: np.ndarray,
    probs: np.ndarray,
    vocab_tokens,
    *,
    step: int | None = None,
    window: tuple[int, int] | None = None,
) -> go.Figure:
    """The RNN unrolled over the tokens: one column per step, x_t below, h_t middle, y_t above.

    Args:
        tokens: T input tokens.
        hs: (T+1, H) hidden states with h_0 first.
        probs: (T, V) output distributions.
        vocab_tokens: V labels of the output classes.
        step: 1-based current step, drawn highlighted.
        window: (first, last) 1-based steps to draw; all when None.
    """
    T = len(tokens)
    first, last = window or (1, T)
    steps = list(range(first, last + 1))
    top = [_show(vocab_tokens[int(np.argmax(probs[t - 1]))]) if np.all(np.isfinite(probs[t - 1])) else "NaN" for t in steps]
    norm = [float(np.linalg.norm(hs[t])) for t in steps]
    fig = go.Figure()
    # Arrows: x_t -> h_t, h_t -> y_t, h_{t-1} -> h_t (the hidden state carried forward).
    for i, t in enumerate(steps):
        fig.add_annotation(x=t, y=1.15, ax=t, ay=0.3, xref="x", yref="y", axref="x", ayref="y", showarrow=True, arrowhead=2, arrowcolor="#888", text="")
        fig.add_annotation(x=t, y=1.85, ax=t, ay=1.0 + 0.3, xref="x", yref="y", axref="x", ayref="y", showarrow=True, arrowhead=2, arrowcolor="#888", text="")
        prev = t - 1
        if prev >= first:
            fig.add_annotation(x=t - 0.22, y=1, ax=prev + 0.22, ay=1, xref="x", yref="y", axref="x", ayref="y", showarrow=True, arrowhead=2, arrowcolor="#4c78a8", arrowwidth=2, text="")
    colours = [HIGHLIGHT if t == step else "#4c78a8" for t in steps]
    sizes = [34 if t == step else 26 for t in steps]
    fig.add_trace(go.Scatter(
        x=steps, y=[0] * len(steps), mode="markers+text", name="x_t (input)",
        marker=dict(symbol="diamond", size=sizes, color="#54a24b"),
        text=[_show(tokens[t - 1]) for t in steps], textposition="bottom center",
        hovertemplate="x_%{x}: %{text}<extra></extra>",
    ))
    fig.add_trace(go.Scatter(
        x=steps, y=[1] * len(steps), mode="markers", name="h_t (hidden state)",
        marker=dict(symbol="square", size=sizes, color=colours, line=dict(width=1, color="#333")),
        customdata=np.array([[f"{n:.3f}", _vec(hs[t])] for n, t in zip(norm, steps)], dtype=object),
        hovertemplate="h_%{x}<br>‖h‖ = %{customdata[0]}<br>%{customdata[1]}<extra></extra>",
    ))
    fig.add_trace(go.Scatter(
        x=steps, y=[2] * len(steps), mode="markers+text", name="ŷ_t (top prediction)",
        marker=dict(symbol="circle", size=sizes, color="#eeca3b"),
        text=top, textposition="top center",
        customdata=[f"{float(np.max(probs[t - 1])):.3f}" for t in steps],
        hovertemplate="ŷ_%{x}: most likely next token %{text} (p = %{customdata})<extra></extra>",
    ))
    fig.update_layout(
        title="The unrolled chain: the same cell at every step",
        xaxis=dict(title="time step t", range=[first - 0.7, last + 0.7], dtick=1, zeroline=False),
        yaxis=dict(tickvals=[0, 1, 2], ticktext=["input x_t", "hidden h_t", "output ŷ_t"], range=[-0.7, 2.7], zeroline=False, showgrid=False),
        height=300, showlegend=False, margin=dict(l=90, r=20, t=50, b=40), font=FONT,
    )
    return fig


def _vec(v: np.ndarray, n: int = 6) -> str:
    shown = ", ".join(f"{x:.3f}" for x in v[:n])
    return f"[{shown}{', …' if v.size > n else ''}]"
