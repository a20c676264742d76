"""Marks several figures draw: the cover over steps not reached yet, the range a live chart reveals, arrows.

Pure: plain dicts for Plotly (no Streamlit, no validation; `style.figure` wraps them once).
"""

from __future__ import annotations

import numpy as np


def future_cover(x0: float, x1: float, colour: str) -> dict:
    """An opaque rectangle over x0..x1 and the plot's whole height: the steps not reached yet."""
    return dict(
        type="rect",
        xref="x",
        yref="paper",
        x0=x0,
        x1=x1,
        y0=0,
        y1=1,
        layer="above",
        fillcolor=colour,
        line=dict(width=0),
        name="not reached yet",
    )


def revealed(lo: float, hi: float) -> dict:
    """A figure's `meta` saying which x (the x axis's own coordinates: a category's index on a category
    axis) are shown: a live chart shows no hover outside lo..hi, where a cover hides the data."""
    return {"revealed_x": [float(lo), float(hi)]}


def arrow_traces(
    segments,
    *,
    color: str = "#888",
    width: float = 1.5,
    head: int = 10,
    shorten: float = 0.0,
) -> list[dict]:
    """Straight arrows as two scatter traces: the shafts (one line, None between) and rotated triangle heads.

    Args:
        segments: (x0, y0, x1, y1) per arrow, in data units, pointing from 0 to 1.
        shorten: data units cut from both ends so arrows stop at the node's edge.
    Heads point true for axis-aligned arrows at any aspect ratio, and for diagonal ones when the axes
    are locked 1:1 (scaleanchor).
    """
    xs, ys, hx, hy, angles = [], [], [], [], []
    for x0, y0, x1, y1 in segments:
        dx, dy = x1 - x0, y1 - y0
        length = float(np.hypot(dx, dy)) or 1.0
        ux, uy = dx / length, dy / length
        ex, ey = x1 - ux * shorten, y1 - uy * shorten
        xs += [x0 + ux * shorten, ex, None]
        ys += [y0 + uy * shorten, ey, None]
        hx.append(ex)
        hy.append(ey)
        angles.append(float(np.degrees(np.arctan2(dx, dy))))  # clockwise from 'up', as Plotly rotates
    line = dict(
        type="scatter",
        x=xs,
        y=ys,
        mode="lines",
        line=dict(color=color, width=width),
        hoverinfo="skip",
        showlegend=False,
    )
    heads = dict(
        type="scatter",
        x=hx,
        y=hy,
        mode="markers",
        hoverinfo="skip",
        showlegend=False,
        marker=dict(symbol="triangle-up", size=head, angle=angles, color=color, line=dict(width=0)),
    )
    return [line, heads]
