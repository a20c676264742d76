"""Presenter mode for figures: every font of a chart scaled by one factor, as the prose is.

A projected chart must be read from the back row: its title, axis titles, tick labels, legend,
annotations, in-cell text and colour-bar labels all grow by ``PRESENTER_SCALE``, the factor the
prose grows by in presenter mode (16 px -> 20 px). Streamlit's chart theme sizes ticks and titles
in rem, so those follow the page's root font by themselves; the sizes a figure sets itself (its
base font, annotations, in-cell text) are scaled here. Layout sizes stay: the page still fits
1280×720. Pure: takes and returns figures, never calls Streamlit.

A horizontal legend under the plot (paper y < 0) sits a fixed fraction of the plot's height below it,
which the larger tick labels and axis title outgrow: presenter mode anchors it to the figure's bottom
edge instead (yref "container"), where Plotly makes room for it under the axis title.

Plotly: the layout's base font (every text without its own size inherits it) and each explicit
``size`` under a font property, in the layout and in every trace. Altair: the chart's config
(axis, legend, title, header, text marks), from the sizes Streamlit's chart theme uses.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

PRESENTER_SCALE = 1.25  # = the prose: 1.25rem in presenter mode (visualizer/ui/core.py)
PLOTLY_BASE_SIZE = 12  # plotly.js's default font size
_FONT_KEYS = ("font", "tickfont", "textfont", "titlefont", "insidetextfont", "outsidetextfont", "grouptitlefont")

# The font sizes (px) Streamlit's chart theme gives Vega-Lite charts; a chart's own config wins over them.
_VL_AXIS = {"labelFontSize": 12, "titleFontSize": 14}
_VL_LEGEND = {"labelFontSize": 14, "titleFontSize": 14}
_VL_TITLE = {"fontSize": 16, "subtitleFontSize": 14}
_VL_HEADER = {"labelFontSize": 12, "titleFontSize": 14}
_VL_TEXT = 12


def _scaled(node: Any, factor: float, inside_font: bool = False) -> Any:
    """A copy of `node` with every 'size' under a font key times factor (other values shared, not copied)."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if inside_font and key == "size" and isinstance(value, (int, float)) and not isinstance(value, bool):
                out[key] = round(value * factor, 1)
            elif isinstance(value, (dict, list)):
                out[key] = _scaled(value, factor, key in _FONT_KEYS)
            else:
                out[key] = value
        return out
    if isinstance(node, list):
        return [_scaled(v, factor, inside_font) if isinstance(v, (dict, list)) else v for v in node]
    return node


def scale_spec(spec: dict, factor: float = PRESENTER_SCALE) -> dict:
    """A figure spec (fig.to_dict()) with the base font and every explicit font size times `factor`.

    Frames of an animation are scaled too, so a played animation keeps the large text.
    """
    if factor == 1:
        return spec
    base = ((spec.get("layout") or {}).get("font") or {}).get("size") or PLOTLY_BASE_SIZE
    out = _scaled(spec, factor)
    layout = out.setdefault("layout", {})
    layout["font"] = {**(layout.get("font") or {}), "size": round(base * factor, 1)}
    legend = layout.get("legend")
    if _legend_below(legend):
        layout["legend"] = {**legend, "yref": "container", "y": 0, "yanchor": "bottom"}
    return out


def _legend_below(legend: Any) -> bool:
    """A horizontal legend placed under the plot area, in paper coordinates."""
    if not isinstance(legend, dict) or legend.get("orientation") != "h":
        return False
    y = legend.get("y")
    return isinstance(y, (int, float)) and y < 0 and legend.get("yref", "paper") == "paper"


def scale_plotly(fig: go.Figure, factor: float = PRESENTER_SCALE) -> go.Figure:
    """A new figure: `fig` with every font size times `factor` (the original is left as it was)."""
    if factor == 1:
        return fig
    return go.Figure(scale_spec(fig.to_dict(), factor), skip_invalid=False)


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


def scale_vega(spec: dict, factor: float = PRESENTER_SCALE) -> dict:
    """A Vega-Lite spec (a dict) whose config sets the same fonts as `scale_altair` does (a copy; spec unchanged)."""
    if factor == 1:
        return spec

    def scaled(defaults: dict[str, int]) -> dict[str, float]:
        return {k: round(v * factor, 1) for k, v in defaults.items()}

    config = dict(spec.get("config", {}))
    for part, defaults in (("axis", _VL_AXIS), ("legend", _VL_LEGEND), ("title", _VL_TITLE), ("header", _VL_HEADER)):
        config[part] = {**config.get(part, {}), **scaled(defaults)}
    config["text"] = {**config.get("text", {}), "fontSize": round(_VL_TEXT * factor, 1)}
    return type(spec)({**spec, "config": config})
