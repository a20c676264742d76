"""The gradient across depth and time on one chart: a heatmap of log₁₀ ‖∂L/∂h_t^[l]‖, one row per layer and
direction (the top layer at the top, as the network is drawn), one column per time step. Pure Plotly."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from visualizer.content import deep_notes
from visualizer.labs.gradients.depth import DepthProfile
from visualizer.plots.style import FONT, NO_TEMPLATE

SPAN_DECADES = 12  # the colour scale spans at most this many powers of ten below the largest value


def depth_heatmap(prof: DepthProfile, *, title: str = "") -> go.Figure:
    """Rows: layer (and direction), bottom layer lowest; columns: t = 1..T; colour log₁₀ ‖∂L/∂h_t^[l]‖ (an exact 0
    takes the floor's colour), the value on hover."""
    rows = prof.rows()
    norms = np.array([prof.norms[li, d] for li, d in rows])  # (rows, T)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.log10(norms)
    finite = z[np.isfinite(z)]
    zmax = float(finite.max()) if finite.size else 0.0
    zmin = max(float(finite.min()) if finite.size else zmax - 1.0, zmax - SPAN_DECADES)
    zmax = zmax if zmax > zmin else zmin + 1.0
    shown = np.clip(np.where(np.isnan(z), zmin, z), zmin, zmax)  # 0 (log -inf) takes the floor's colour
    logs = np.where(
        np.isfinite(z), np.round(z, 2).astype(str), np.where(norms == 0, "−∞", np.where(np.isnan(norms), "NaN", "∞"))
    )
    hover = np.array([[f"{v:.3g}" for v in row] for row in norms])
    labels = [deep_notes.row_label(li, d, prof.directions) for li, d in rows]
    T = prof.T
    fig = go.Figure(
        go.Heatmap(
            z=shown,
            x=np.arange(1, T + 1),
            y=labels,
            zmin=zmin,
            zmax=zmax,
            colorscale="Viridis",
            colorbar=dict(
                title=dict(text="log₁₀ ‖∂L/∂h‖", side="right"),
                thickness=12,
                dtick=max(1, math.ceil((zmax - zmin) / 6)) if zmax - zmin >= 2 else None,  # None: Plotly's own ticks
            ),
            customdata=np.stack([hover, logs], axis=-1),  # (rows, T, 2): the norm and its log10, as text
            hovertemplate="%{y}, t = %{x}<br>‖∂L/∂h_t‖ = %{customdata[0]}<br>log₁₀ = %{customdata[1]}<extra></extra>",
        ),
        layout={"template": NO_TEMPLATE},
    )
    fig.update_layout(
        title=title or f"{deep_notes.CELL_NAMES[prof.cell]}: ‖∂L/∂h_t‖ per layer and time step (loss at t = T)",
        xaxis_title="time step t",
        yaxis_title="layer (→ forward, ← backward)" if prof.directions == 2 else "layer",
        font=FONT,
        height=max(220, 120 + 34 * len(rows)),
        margin=dict(l=70, r=10, t=40, b=40),
    )
    if T <= 20:  # whole steps only: no tick at t = 1.5
        fig.update_xaxes(dtick=1)
    return fig
