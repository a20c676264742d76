"""Pure Plotly builders for the gradients page. No Streamlit here.

- gradient_norms: ||dL/dh_t|| per cell, ||dh_T/dh_t||_2 for the vanilla cell and the bound
  (gamma sigma_max)^(T - t), against t on a log axis with one label per decade (or per few).
  Values work in log10 so nothing overflows. The bound is drawn last and thick, so no line hides it;
  where it leaves the frame an arrow says where it goes.
- gradient_heatmap: log10 |dL/dh_t[j]| for every unit j and step t (H x T), signed value on hover.
- eigenvalue_plane: eigenvalues of W_hh in the complex plane, the unit circle, rho and sigma_max.

One floor (`shared_floor`) serves the lines and the heatmaps: SPAN_DECADES below the largest
measured value, but always below where each line starts (t = T). Lines drop below it as triangle markers on the floor; heatmap cells below it take
the floor's colour; the exact values stay in the hover.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from visualizer.content import gradient_claims
from visualizer.labs.gradients.measure import Experiment
from visualizer.nn import cells
from visualizer.plots.style import ALERT, BOUND_COLOUR, CELL_COLOURS, FONT, NO_TEMPLATE, SIGMA_COLOUR, short

CELL_LABELS = {name: spec.label for name, spec in cells.CELLS.items()}

LOG10_CAP = 300.0  # beyond 1e300 a point is drawn as a capped marker at the edge
SPAN_DECADES = 40.0  # the shared floor sits this many decades below the largest measured value
BOUND_HEADROOM = 6.0  # decades of the bound shown above the highest measured value
MAX_TICK_LABELS = 10  # token labels along an x axis: about what fits without turning them
# A legend under the plot is anchored to the figure's bottom edge, where Plotly makes room for it below the
# x-axis title; a fixed fraction of the plot's height below the axis runs into that title.
LEGEND_UNDER = dict(orientation="h", x=0, y=0, yref="container", yanchor="bottom")


def _log10(values: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log10(np.abs(np.asarray(values, dtype=float)))


def _short(tok: str, n: int = 8) -> str:
    return short(str(tok), n)


def thinned_ticks(tokens, max_labels: int = MAX_TICK_LABELS) -> tuple[list[int], list[str]]:
    """Tick positions (steps t, 1-based) and labels 't<br>token' for at most max_labels steps."""
    T = len(tokens)
    every = max(1, math.ceil(T / max_labels))
    steps = list(range(1, T + 1, every))
    return steps, [f"{t}<br>{_short(tokens[t - 1])}" for t in steps]


def decade_axis(lo: float, hi: float, max_labels: int = 8) -> dict:
    """A log axis over [10^lo, 10^hi] labelled only at powers of ten (every few decades if many)."""
    step = max(1, math.ceil((hi - lo) / max_labels))
    return dict(
        type="log",
        range=[lo, hi],
        dtick=step,
        tick0=0,
        exponentformat="power",
        showexponent="all",
        minor=dict(ticks="", showgrid=False),
    )


def _shown(exp: Experiment, cells_shown) -> list[str]:
    return [n for n in exp.cells if cells_shown is None or n in cells_shown]


def shared_floor(exp: Experiment, cells_shown=None) -> float:
    """log10 of the one floor the norm plot and the heatmaps share (a whole decade).

    It reaches down to the smallest value either draws (a unit's |∂L/∂h_t[j]| is often far below the
    norm), but no further than SPAN_DECADES below the largest, and always below where each line starts.
    """
    parts, cells_dh = [], []
    for n in _shown(exp, ("rnn",) if cells_shown is not None and not cells_shown else cells_shown):
        r = exp.cells[n]
        parts.append(_log10(r.dh_norm))
        cells_dh.append(_log10(r.dh).ravel())
        if r.clip_scale < 1.0:  # the clipped line sits lower: it must be above the floor too
            parts.append(_log10(r.dh_norm) + np.log10(r.clip_scale))
    if exp.jacobian is not None:
        parts.append(exp.jacobian.log10_norm)
    values = np.concatenate(parts + cells_dh) if parts else np.array([])
    values = values[np.isfinite(values)]
    if values.size == 0:
        return -1.0
    hi = min(float(values.max()), LOG10_CAP)
    floor = max(float(values.min()), hi - SPAN_DECADES)
    # every line starts at t = T: the floor stays below each start, or an exploding line would lose its foot
    starts = np.array([p[-1] for p in parts if len(p)])
    starts = starts[np.isfinite(starts)]
    if starts.size:
        floor = min(floor, float(starts.min()) - 1.0)
    return float(math.floor(max(floor, -LOG10_CAP)))


def _line(t, log10v, name, colour, dash, hover, group, floor) -> list[go.Scatter]:
    """A line with gaps for zeros/NaN, plus markers on the floor / at the cap for points beyond them."""
    inside = np.isfinite(log10v) & (log10v >= floor) & (log10v <= LOG10_CAP)
    y = np.where(inside, np.power(10.0, np.clip(log10v, floor, LOG10_CAP)), np.nan)
    traces = [
        go.Scatter(
            x=t,
            y=y,
            mode="lines",
            name=name,
            legendgroup=group,
            line=dict(color=colour, dash=dash, width=2),
            text=hover,
            hovertemplate="%{text}<br>%{y:.3g}<extra>" + name + "</extra>",
        )
    ]
    over = (np.isinf(log10v) & (log10v > 0)) | (np.isfinite(log10v) & (log10v > LOG10_CAP)) | np.isnan(log10v)
    under = np.isfinite(log10v) & (log10v < floor)
    for mask, edge, symbol, what in (
        (over, LOG10_CAP, "triangle-up", "above the plot's range"),
        (under, floor, "triangle-down-open", f"below the floor 1e{floor:.0f}"),
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
                    marker=dict(color=colour, symbol=symbol, size=6),
                    text=[hover[i] for i in np.flatnonzero(mask)],
                    hovertemplate="%{text}<br>" + what + "<extra>" + name + "</extra>",
                )
            )
    return traces


def bound_name(gamma: float, smax: float) -> str:
    """The bound's legend entry: whose bound it is (the vanilla RNN's), what it is made of and what it says."""
    return gradient_claims.bound_legend(gamma, smax)


def gradient_norms(
    exp: Experiment, cells_shown=None, *, show_jacobian: bool = True, show_bound: bool = True, floor=None
) -> go.Figure:
    """||dL/dh_t|| for each cell shown (default all), the vanilla ||dh_T/dh_t||_2 and its bound, log y axis."""
    T = exp.T
    t = np.arange(1, T + 1)
    floor = shared_floor(exp, cells_shown) if floor is None else float(floor)
    hover = [f"t = {i} · {_short(tok, 16)}" for i, tok in enumerate(exp.tokens, start=1)]
    fig = go.Figure(layout={"template": NO_TEMPLATE})
    measured: list[np.ndarray] = []  # log10 of every measured line, to frame the y axis

    def add(log10v, name, colour, dash, group):
        measured.append(np.clip(log10v, floor, LOG10_CAP))
        for tr in _line(t, log10v, name, colour, dash, hover, group, floor):
            fig.add_trace(tr)

    for name in _shown(exp, cells_shown):
        r = exp.cells[name]
        label, colour = CELL_LABELS[name], CELL_COLOURS.get(name, "#333333")
        add(_log10(r.dh_norm), f"‖∂L/∂h_t‖ {label}", colour, "solid", name)
        if r.clip_scale < 1.0:
            scaled = _log10(r.dh_norm) + np.log10(r.clip_scale)
            add(scaled, f"{label} after clipping (×{r.clip_scale:.2g})", colour, "dashdot", name + "clip")
    j = exp.jacobian
    if j is not None and show_jacobian:
        add(j.log10_norm, "‖∂h_T/∂h_t‖₂ vanilla RNN (Jacobian product)", CELL_COLOURS["rnn"], "dash", "jac")
    lo, hi = _frame(measured, floor)
    if any(np.any(np.isfinite(m) & (m <= floor)) for m in measured):
        fig.add_hline(y=10.0**floor, line=dict(color="#bbbbbb", width=1, dash="dash"))
        fig.add_annotation(  # annotations on a log axis take log10 coordinates
            x=0,
            xref="paper",
            y=floor,
            yref="y",
            text=f"floor 10<sup>{floor:.0f}</sup>: ▽ marks smaller values (exact in the hover)",
            showarrow=False,
            xanchor="left",
            yanchor="bottom",
            font=dict(size=11, color="#666666"),
        )
    bound_hi = hi
    if j is not None and show_bound:  # drawn last: on top of every line
        b = j.log10_bound
        bound_hi = max(hi, min(float(np.nanmax(b)), hi + BOUND_HEADROOM)) if np.isfinite(b).any() else hi
        name = bound_name(j.gamma, j.sigma_max)
        fig.add_trace(
            go.Scatter(
                x=t,
                y=np.where(np.abs(b) <= LOG10_CAP, np.power(10.0, np.clip(b, -LOG10_CAP, LOG10_CAP)), np.nan),
                mode="lines",
                name=name,
                legendgroup="bound",
                line=dict(color=BOUND_COLOUR, dash="dot", width=3),
                text=[f"{h}<br>log10 = {v:.1f}" for h, v in zip(hover, b)],
                hovertemplate="%{text}<extra>bound, vanilla RNN only</extra>",
            )
        )
        _mark_bound_exit(fig, b, lo, bound_hi)
        visible = np.flatnonzero((b >= lo) & (b <= bound_hi))
        # Name the bound on the plot itself where it starts to show, if the label fits there (in the left half);
        # a bound that enters the frame further right is already named by its exit arrow.
        if visible.size and visible.min() < T / 2:
            k = int(visible.min())
            fig.add_annotation(
                x=k + 1,
                y=float(b[k]),
                text="bound (vanilla RNN only)",
                showarrow=False,
                xanchor="left",
                yanchor="bottom",
                bgcolor="rgba(255,255,255,0.8)",  # the gated cells' lines may run along it: keep the label legible
                font=dict(color=BOUND_COLOUR, size=12),
            )
    pad = 0.4
    fig.update_layout(
        title=dict(text=f"The gradient of the loss at t = T = {T}, sent back through time", x=0, xanchor="left"),
        xaxis=dict(title="time step t (the loss is at t = T; read right to left)", range=[0.5, T + 0.5]),
        yaxis=dict(title="size (log scale)", **decade_axis(lo - pad, bound_hi + pad)),
        legend=LEGEND_UNDER | dict(font=dict(size=12), tracegroupgap=0),
        font=FONT,
        height=400,
        margin=dict(l=60, r=10, t=34, b=10),
        hovermode="closest",
    )
    ticks, labels = thinned_ticks(exp.tokens, 12)
    if T <= 40:  # few steps: name their tokens
        fig.update_xaxes(tickmode="array", tickvals=ticks, ticktext=labels)
    return fig


def _frame(measured: list[np.ndarray], floor: float) -> tuple[float, float]:
    values = np.concatenate([m[np.isfinite(m)] for m in measured]) if measured else np.array([])
    if values.size == 0:
        return floor, floor + 1.0
    return max(floor, float(values.min())), max(float(values.max()), float(values.min()) + 1.0)


def _mark_bound_exit(fig: go.Figure, log10_bound: np.ndarray, lo: float, hi: float) -> None:
    """An arrow where the bound leaves the frame, saying how far it goes: it never leaves silently."""
    b = log10_bound
    T = len(b)
    for beyond, edge, word in ((b > hi + 1e-9, hi, "above"), (b < lo - 1e-9, lo, "below")):
        if not beyond.any():
            continue
        t_out = int(np.flatnonzero(beyond).max()) + 1  # the bound crosses the edge between t_out and t_out + 1
        far = float(b[0])
        left = t_out > T / 4  # the note goes left of the exit, where the bound is off the plot, if there is room
        fig.add_annotation(
            x=min(t_out + 0.5, T),
            y=edge,
            xref="x",
            yref="y",
            ax=-40 if left else 40,
            ay=40 if word == "above" else -40,
            showarrow=True,
            arrowhead=2,
            arrowcolor=BOUND_COLOUR,
            xanchor="right" if left else "left",
            align="right" if left else "left",
            bgcolor="rgba(255,255,255,0.85)",
            text=f"vanilla RNN's bound goes on {word} the plot:<br>10<sup>{far:.0f}</sup> at t = 1",
            font=dict(color=BOUND_COLOUR, size=12),
        )


def gradient_heatmap(dh: np.ndarray, tokens, *, title: str = "Per-unit gradient ∂L/∂h_t", floor=None) -> go.Figure:
    """log10 |dL/dh_t[j]|, units down the side and steps along the bottom; signed values on hover.

    Args:
        dh: (T, H) gradients dL/dh_t.
        tokens: T labels.
        floor: log10 of the colour scale's bottom (shared with the norm plot); cells below take its colour.
    """
    T, H = dh.shape
    z = _log10(dh).T  # (H, T)
    z = np.where(np.isfinite(z), z, np.nan)
    finite = z[np.isfinite(z)]
    zmax = float(finite.max()) if finite.size else 0.0
    zmin = float(floor) if floor is not None else max(float(finite.min()) if finite.size else -1.0, zmax - SPAN_DECADES)
    zmax = zmax if zmax > zmin else zmin + 1.0
    shown = np.where(np.isfinite(z), np.clip(z, zmin, zmax), np.nan)
    steps, labels = thinned_ticks(tokens)
    hover_tok = np.array([[f"t = {t} · {_short(tok, 16)}" for t, tok in enumerate(tokens, start=1)]] * H)
    fig = go.Figure(
        go.Heatmap(
            z=shown,
            x=np.arange(1, T + 1),
            y=[f"h[{j}]" for j in range(H)],
            zmin=zmin,
            zmax=zmax,
            colorscale="Viridis",
            colorbar=dict(title="log₁₀ |∂L/∂h_t[j]|", thickness=12, dtick=max(1, math.ceil((zmax - zmin) / 6))),
            customdata=np.stack([dh.T, z], axis=-1),  # (H, T, 2): signed value, exact log10
            text=hover_tok,
            hovertemplate="%{text}<br>unit %{y}<br>∂L/∂h = %{customdata[0]:.3g}<br>"
            "log10 |·| = %{customdata[1]:.2f}<extra></extra>",
        ),
        layout={"template": NO_TEMPLATE},
    )
    fig.update_xaxes(tickmode="array", tickvals=steps, ticktext=labels, tickangle=0)
    fig.update_layout(
        title=title,
        xaxis_title="time step t and its token",
        yaxis_title="hidden unit j",
        yaxis=dict(autorange="reversed"),
        font=FONT,
        height=max(240, 90 + 16 * H),
        margin=dict(l=60, r=10, t=40, b=10),
    )
    return fig


def eigenvalue_plane(
    eigs: np.ndarray, sigma_max: float | None = None, *, title: str = "Eigenvalues of W_hh"
) -> go.Figure:
    """Eigenvalues as points in the complex plane, the unit circle, the rho circle and (if given) sigma_max's."""
    eigs = np.asarray(eigs, dtype=complex)
    theta = np.linspace(0, 2 * np.pi, 181)
    rho = float(np.max(np.abs(eigs))) if eigs.size else 0.0
    if sigma_max is not None and rho < 1e-9 * max(1.0, sigma_max):
        rho = 0.0  # a nilpotent W_hh: round-off, not an eigenvalue

    def circle(r, name, colour, dash, width=1.0):
        return go.Scatter(
            x=r * np.cos(theta),
            y=r * np.sin(theta),
            mode="lines",
            name=name,
            line=dict(color=colour, width=width, dash=dash),
            hoverinfo="skip",
        )

    data = [
        circle(1.0, "unit circle |λ| = 1", "#333333", "solid", 1.5),
        circle(rho, f"spectral radius ρ = {rho:.3g}", CELL_COLOURS["rnn"], "dot"),
    ]
    if sigma_max is not None and np.isfinite(sigma_max):
        data.append(circle(sigma_max, f"σ_max = {sigma_max:.3g} (most one step stretches)", SIGMA_COLOUR, "dash"))
    data.append(
        go.Scatter(
            x=eigs.real,
            y=eigs.imag,
            mode="markers",
            name="eigenvalues λ",
            marker=dict(color=np.where(np.abs(eigs) > 1, ALERT, CELL_COLOURS["rnn"]), size=8),
            customdata=np.abs(eigs),
            hovertemplate="λ = %{x:.3f} %{y:+.3f}i<br>|λ| = %{customdata:.3f}<extra></extra>",
        )
    )
    fig = go.Figure(data, layout={"template": NO_TEMPLATE})
    reach = max(1.0, rho, sigma_max if sigma_max is not None and np.isfinite(sigma_max) else 0.0)
    lim = 1.1 * reach
    fig.update_layout(
        title=title,
        xaxis_title="real part",
        yaxis_title="imaginary part",
        xaxis=dict(range=[-lim, lim], zeroline=True),
        yaxis=dict(range=[-lim, lim], scaleanchor="x", scaleratio=1, zeroline=True),
        legend=LEGEND_UNDER,
        font=FONT,
        height=420,
        margin=dict(l=50, r=10, t=40, b=10),
    )
    return fig


# Shown beside the norm plot: what each line is, and when the bound says something.
HOW_TO_READ = """
- **Solid lines**, ‖∂L/∂h_t‖ (one per cell): how much the last output's error can still change the memory at step t.
  Read them from right (t = T) to left. A line falling to the left is a **vanishing** gradient: the early steps
  get almost no learning signal, so the network cannot learn to use them. A line rising to the left is **exploding**.
- **Dashed blue**, ‖∂h_T/∂h_t‖₂: the size of the product of the step Jacobians from t to T. A step's Jacobian
  J_k = ∂h_k/∂h_(k−1) = diag(f′(a_k)) W_hh says how much each unit of h_k moves when each unit of h_(k−1) moves a little.
  Going back one step multiplies the gradient by J_kᵀ = W_hhᵀ diag(f′(a_k)), so the vanilla line follows this one.
- **Black dots**, the bound (γ·σ_max)^(T−t), **for the vanilla RNN only**: each of its Jacobians stretches a vector by
  at most max|f′| · σ_max(W_hh), so their product cannot exceed the bound. γ = 1 for tanh, relu and linear, ¼ for
  sigmoid. The LSTM and GRU do not pass their gradient through W_hh and f′ alone, so their lines may lie above it.
- **Gated cells** (LSTM, GRU) carry their state forward through an addition scaled by a gate (c_t = f ⊙ c_(t−1) + …,
  h_t = u ⊙ h_(t−1) + …), not through W_hh and f′ at every step. Their recurrent matrices get the same scale as W_hh,
  and they start with the keep gate biased open (+2), a common initialisation.
- **Clipping** rescales the whole parameter gradient when its norm exceeds the threshold: it tames exploding updates
  (the dash-dot line shifts down, same slope), but it only ever shrinks, so it does nothing for vanishing.
"""
