"""Pure Plotly builders for the gradients page. No Streamlit here.

- gradient_norms: ||dL/dh_t|| per cell, ||dh_T/dh_t||_2 for the vanilla cell and the bound
  (gamma sigma_max)^(T - t), against t on a log axis. Values work in log10 so nothing overflows;
  points beyond plotting range are drawn as capped triangle markers at the edge, exact zeros as gaps.
- gradient_heatmap: log10 |dL/dh_t[j]| for every unit j and step t (H x T), signed value on hover.
- eigenvalue_plane: eigenvalues of W_hh in the complex plane with the unit circle.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from visualizer.maths import cells
from visualizer.maths.gradients import Experiment
from visualizer.plots.figures import token_labels
from visualizer.plots.style import ALERT, BOUND_COLOUR, CELL_COLOURS, FONT

CELL_LABELS = {name: spec.label for name, spec in cells.CELLS.items()}

LOG10_CAP = 300.0
BOUND_HEADROOM = 6.0  # decades of the bound shown above the highest measured value  # beyond 1e±300 a point is drawn as a capped marker at the edge


def _log10(values: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log10(np.abs(np.asarray(values, dtype=float)))


def _line(t: np.ndarray, log10v: np.ndarray, name: str, colour: str, dash: str, tokens, group: str) -> list[go.Scatter]:
    """A line with gaps for zeros/NaN, plus capped markers for points beyond 1e±300."""
    inside = np.isfinite(log10v) & (np.abs(log10v) <= LOG10_CAP)
    y = np.where(inside, np.power(10.0, np.clip(log10v, -LOG10_CAP, LOG10_CAP)), np.nan)
    hover = [
        f"{tok}<br>log10 = {v:.2f}" if np.isfinite(v) else f"{tok}<br>{'0' if v == -np.inf else 'inf/NaN'}"
        for tok, v in zip(tokens, log10v)
    ]
    traces = [
        go.Scatter(
            x=t,
            y=y,
            mode="lines",
            name=name,
            legendgroup=group,
            line=dict(color=colour, dash=dash, width=2),
            text=hover,
            hovertemplate="t = %{x}<br>%{y:.3g}<br>%{text}<extra>" + name + "</extra>",
        )
    ]
    over = np.isinf(log10v) & (log10v > 0) | (np.isfinite(log10v) & (log10v > LOG10_CAP)) | np.isnan(log10v)
    under = np.isfinite(log10v) & (log10v < -LOG10_CAP)
    for mask, edge, symbol, what in (
        (over, LOG10_CAP, "triangle-up", "above range"),
        (under, -LOG10_CAP, "triangle-down", "below range"),
    ):
        if mask.any():
            traces.append(
                go.Scatter(
                    x=t[mask],
                    y=np.full(int(mask.sum()), 10.0**edge),
                    mode="markers",
                    name=f"{name}: {what}",
                    legendgroup=group,
                    showlegend=False,
                    marker=dict(color=colour, symbol=symbol, size=8),
                    text=[hover[i] for i in np.flatnonzero(mask)],
                    hovertemplate="t = %{x}<br>" + what + " (capped)<br>%{text}<extra>" + name + "</extra>",
                )
            )
    return traces


def gradient_norms(
    exp: Experiment, cells_shown=None, *, show_jacobian: bool = True, show_bound: bool = True
) -> go.Figure:
    """||dL/dh_t|| for each cell shown (default all), the vanilla ||dh_T/dh_t||_2 and its bound, log y axis."""
    T = exp.T
    t = np.arange(1, T + 1)
    tokens = [f"token {tok!s}" for tok in exp.tokens]
    fig = go.Figure()
    measured: list[np.ndarray] = []  # log10 of every measured line, to frame the y axis

    def add(log10v, name, colour, dash, group):
        measured.append(np.clip(log10v, -LOG10_CAP, LOG10_CAP))
        for tr in _line(t, log10v, name, colour, dash, tokens, group):
            fig.add_trace(tr)

    for name, r in exp.cells.items():
        if cells_shown is not None and name not in cells_shown:
            continue
        label = cells.CELLS[name].label
        colour = CELL_COLOURS.get(name, "#333333")
        add(_log10(r.dh_norm), f"‖∂L/∂h_t‖ {label}", colour, "solid", name)
        if r.clip_scale < 1.0:
            add(
                _log10(r.dh_norm) + np.log10(r.clip_scale),
                f"{label} after clipping (×{r.clip_scale:.2g})",
                colour,
                "dashdot",
                name + "clip",
            )
    if exp.jacobian is not None and show_jacobian:
        add(exp.jacobian.log10_norm, "‖∂h_T/∂h_t‖₂ vanilla RNN", CELL_COLOURS["rnn"], "dash", "jac")
    if exp.jacobian is not None and show_bound:
        j = exp.jacobian
        name = f"bound (γ·σ_max)^(T−t) = ({j.gamma:g}·{j.sigma_max:.3g})^(T−t)"
        for tr in _line(t, j.log10_bound, name, BOUND_COLOUR, "dot", tokens, "bound"):
            fig.add_trace(tr)
    fig.update_layout(
        title=f"Gradient of the loss at the last step (t = {T}), sent back through time",
        xaxis_title="time step t (the loss is at t = T)",
        yaxis_title="norm (log scale)",
        yaxis=dict(type="log", exponentformat="power"),
        legend=dict(orientation="h", yanchor="top", y=-0.18, x=0),
        font=FONT,
        height=520,
        margin=dict(l=70, r=20, t=60, b=40),
        hovermode="closest",
    )
    _fit_range(fig, measured, exp.jacobian.log10_bound if exp.jacobian is not None and show_bound else None)
    return fig


def _fit_range(
    fig: go.Figure, measured: list[np.ndarray], log10_bound: np.ndarray | None, headroom: float = BOUND_HEADROOM
) -> None:
    """Frame the measured lines; a bound far above them runs off the top, with a note saying where it ends."""
    values = np.concatenate([m[np.isfinite(m)] for m in measured]) if measured else np.array([])
    if values.size == 0:
        return
    lo, hi = float(values.min()), float(values.max())
    top = hi
    if log10_bound is not None:
        b = log10_bound[np.isfinite(log10_bound)]
        if b.size:
            lo = min(lo, max(float(b.min()), lo - headroom))
            top = max(hi, min(float(b.max()), hi + headroom))
            if b.max() > top + 1e-9:
                fig.add_annotation(
                    x=0.01,
                    y=0.99,
                    xref="paper",
                    yref="paper",
                    showarrow=False,
                    xanchor="left",
                    text=f"bound leaves the plot: it reaches 10^{b.max():.0f} at t = 1 (loose)",
                    font=dict(color=BOUND_COLOUR),
                )
    pad = max(0.5, 0.05 * (top - lo))
    fig.update_yaxes(range=[lo - pad, top + pad])


def gradient_heatmap(dh: np.ndarray, tokens, *, title: str = "Per-unit gradient ∂L/∂h_t") -> go.Figure:
    """log10 |dL/dh_t[j]|, units down the side and steps along the bottom; signed values on hover.

    Args:
        dh: (T, H) gradients dL/dh_t.
        tokens: T labels.
    """
    T, H = dh.shape
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.log10(np.abs(dh)).T  # (H, T)
    z = np.where(np.isfinite(z), z, np.nan)
    finite = z[np.isfinite(z)]
    zmax = float(finite.max()) if finite.size else 0.0
    zmin = max(float(finite.min()) if finite.size else -1.0, zmax - 40.0)  # 40 decades keep the colours legible
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=token_labels(tokens),
            y=[f"h[{j}]" for j in range(H)],
            zmin=zmin,
            zmax=zmax if zmax > zmin else zmin + 1.0,
            colorscale="Viridis",
            colorbar=dict(title="log₁₀ |∂L/∂h_t[j]|"),
            customdata=dh.T,  # (H, T) signed values for the hover
            hovertemplate="step %{x}<br>unit %{y}<br>∂L/∂h = %{customdata:.3g}<br>log10 |·| = %{z:.2f}<extra></extra>",
        )
    )
    labels = token_labels(tokens)
    every = max(1, -(-T // 25))  # at most ~25 tick labels, the rest on hover
    fig.update_xaxes(tickmode="array", tickvals=labels[::every], ticktext=labels[::every], tickangle=-45)
    fig.update_layout(
        title=title,
        xaxis_title="time step t and its token",
        yaxis_title="hidden unit j",
        yaxis=dict(autorange="reversed"),
        font=FONT,
        height=max(260, 40 + 14 * H),
        margin=dict(l=70, r=20, t=50, b=40),
    )
    return fig


def eigenvalue_plane(eigs: np.ndarray, *, title: str = "Eigenvalues of W_hh") -> go.Figure:
    """Eigenvalues as points in the complex plane, with the unit circle and the spectral-radius circle."""
    eigs = np.asarray(eigs, dtype=complex)
    theta = np.linspace(0, 2 * np.pi, 181)
    rho = float(np.max(np.abs(eigs))) if eigs.size else 0.0
    fig = go.Figure(
        [
            go.Scatter(
                x=np.cos(theta),
                y=np.sin(theta),
                mode="lines",
                name="unit circle |λ| = 1",
                line=dict(color="#333333", width=1.5),
                hoverinfo="skip",
            ),
            go.Scatter(
                x=rho * np.cos(theta),
                y=rho * np.sin(theta),
                mode="lines",
                name=f"spectral radius {rho:.3g}",
                line=dict(color=CELL_COLOURS["rnn"], width=1, dash="dot"),
                hoverinfo="skip",
            ),
            go.Scatter(
                x=eigs.real,
                y=eigs.imag,
                mode="markers",
                name="eigenvalues λ",
                marker=dict(color=np.where(np.abs(eigs) > 1, ALERT, CELL_COLOURS["rnn"]), size=8),
                customdata=np.abs(eigs),
                hovertemplate="λ = %{x:.3f} %{y:+.3f}i<br>|λ| = %{customdata:.3f}<extra></extra>",
            ),
        ]
    )
    lim = max(1.1, rho * 1.1)
    fig.update_layout(
        title=title,
        xaxis_title="real part",
        yaxis_title="imaginary part",
        xaxis=dict(range=[-lim, lim], zeroline=True),
        yaxis=dict(range=[-lim, lim], scaleanchor="x", scaleratio=1, zeroline=True),
        legend=dict(orientation="h", yanchor="top", y=-0.15, x=0),
        font=FONT,
        height=460,
        margin=dict(l=60, r=20, t=50, b=40),
    )
    return fig


# Shown beside the norm plot: what each line is, and when the bound is loose.
HOW_TO_READ = """
**How to read this.** The loss sits at the **last** step only: the output at t = T must name the sequence's
first token. Back-propagation through time carries that error back, step by step, to every earlier h_t.

- **Solid lines**, ‖∂L/∂h_t‖ (one per cell): how much the last output's error can still change the memory at step t.
  Read them from right (t = T) to left. A line falling to the left is a **vanishing** gradient: the early steps
  get almost no learning signal, so the network cannot learn to use them. A line rising to the left is **exploding**.
- **Dashed blue**, ‖∂h_T/∂h_t‖₂: the size of the product of the step Jacobians J_k = diag(f′(a_k)) W_hh from t to T.
  The vanilla gradient is this product applied to ∂L/∂h_T, so the two lines fall or rise together.
- **Grey dots**, the bound (γ·σ_max(W_hh))^(T−t) (Pascanu, Mikolov & Bengio 2013): each Jacobian has norm at most
  max|f′| · σ_max, so the product cannot exceed the bound. γ = 1 for tanh, relu and linear, ¼ for sigmoid. When
  γ·σ_max < 1 the bound itself decays, and vanishing is **guaranteed**.
- **When the bound is loose:** tanh and sigmoid saturate, so f′(a) is far below γ at most steps (tanh near ±1 has
  f′ ≈ 0); a random W_hh is **non-normal**, so σ_max is larger than the spectral radius ρ and the bound grows even
  when ρ = 1; and a product of matrices is rarely as large as the product of their norms. The bound says when
  gradients *must* vanish, not that they will explode.
- **Gated cells** (LSTM, GRU) carry their state forward through an addition scaled by a gate (c_t = f ⊙ c_(t−1) + …,
  h_t = u ⊙ h_(t−1) + …), not through W_hh and f′ at every step, so their lines stay up longer. Their recurrent
  matrices get the same scale as W_hh, and they start with the keep gate biased open (+2), a common initialisation.
- **Clipping** rescales the whole parameter gradient when its norm exceeds the threshold: it tames exploding updates
  (the dash-dot line shifts down, same slope), but it only ever shrinks, so it does nothing for vanishing.
"""
