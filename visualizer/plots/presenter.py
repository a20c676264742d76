"""Presenter mode for figures: every font of a chart scaled by one factor, as the prose is.

A projected chart must be read from the back row: its title, axis titles, tick labels, legend,
annotations, in-cell text and colour-bar labels all grow by ``PRESENTER_SCALE`` (prose grows
from 16 px to 20 px in presenter mode; chart text from 13 px to 18 px). Layout sizes stay: the
page still fits 1280×720. Pure: takes and returns figures, never calls Streamlit.

Plotly: the layout's base font (every text without its own size inherits it) and each explicit
``size`` under a font property, in the layout and in every trace. Altair: the chart's config
(axis, legend, title, header, text marks), from the sizes Streamlit's chart theme uses.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

PRESENTER_SCALE = 1.4
PLOTLY_BASE_SIZE = 12  # plotly.js's default font size
_FONT_KEYS = ("font", "tickfont", "textfont", "titlefont", "insidetextfont", "outsidetextfont", "grouptitlefont")

# The font sizes (px) Streamlit's chart theme gives Vega-Lite charts; a chart's own config wins over them.
_VL_AXIS = {"labelFontSize": 12, "titleFontSize": 14}
_VL_LEGEND = {"labelFontSize": 14, "titleFontSize": 14}
_VL_TITLE = {"fontSize": 16, "subtitleFontSize": 14}
_VL_HEADER = {"labelFontSize": 12, "titleFontSize": 14}
_VL_TEXT = 12


def _font_sizes(node: Any, factor: float, inside_font: bool = False) -> Any:
    """A sparse update dict: every 'size' found under a font key of `node`, times factor (None if none)."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if inside_font and key == "size" and isinstance(value, (int, float)) and not isinstance(value, bool):
                out[key] = round(value * factor, 1)
            elif isinstance(value, (dict, list, tuple)):
                sub = _font_sizes(value, factor, key in _FONT_KEYS)
                if sub is not None:
                    out[key] = sub
        return out or None
    if isinstance(node, (list, tuple)) and node and all(isinstance(v, dict) for v in node):
        subs = [_font_sizes(v, factor, inside_font) for v in node]
        return [s or {} for s in subs] if any(subs) else None
    return None


def scale_plotly(fig: go.Figure, factor: float = PRESENTER_SCALE) -> go.Figure:
    """The figure with every font size times `factor` (in place; returned for chaining)."""
    if factor == 1:
        return fig
    layout = fig.layout.to_plotly_json()
    update = _font_sizes(layout, factor) or {}
    base = (layout.get("font") or {}).get("size") or PLOTLY_BASE_SIZE
    update.setdefault("font", {})["size"] = round(base * factor, 1)
    # Lists (annotations, shapes) are replaced whole by update_layout: merge the scaled sizes into them.
    for key, value in list(update.items()):
        if isinstance(value, list):
            update[key] = [_merge(dict(orig), new) for orig, new in zip(layout[key], value)]
    fig.update_layout(update)
    for trace in fig.data:
        sizes = _font_sizes(trace.to_plotly_json(), factor)
        if sizes:
            trace.update(sizes)
    return fig


def _merge(base: dict, new: dict) -> dict:
    for key, value in new.items():
        base[key] = _merge(dict(base.get(key) or {}), value) if isinstance(value, dict) else value
    return base


def scale_altair(chart, factor: float = PRESENTER_SCALE):
    """An Altair chart whose config sets axis, legend, title, header and text-mark fonts to the theme's times `factor`."""
    if factor == 1:
        return chart

    def scaled(defaults: dict[str, int]) -> dict[str, float]:
        return {k: round(v * factor, 1) for k, v in defaults.items()}

    return (
        chart.configure_axis(**scaled(_VL_AXIS))
        .configure_legend(**scaled(_VL_LEGEND))
        .configure_title(**scaled(_VL_TITLE))
        .configure_header(**scaled(_VL_HEADER))
        .configure_text(fontSize=round(_VL_TEXT * factor, 1))
    )
