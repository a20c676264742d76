"""Presenter mode scales every font of a figure, and nothing else."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from visualizer.plots import figures
from visualizer.plots.presenter import PRESENTER_SCALE, scale_altair, scale_plotly, scale_spec, scale_vega


def _fig() -> go.Figure:
    fig = go.Figure(
        go.Heatmap(z=np.eye(3), texttemplate="%{z}", textfont={"size": 10}, colorbar={"tickfont": {"size": 9}}),
        layout={
            "font": {"size": 13},
            "title": {"text": "T", "font": {"size": 16}},
            "xaxis": {"title": {"text": "step", "font": {"size": 12}}, "tickfont": {"size": 11}},
            "legend": {"font": {"size": 10}},
            "annotations": [{"text": "a", "x": 0, "y": 0, "font": {"size": 14, "color": "red"}}, {"text": "b"}],
            "height": 300,
        },
    )
    return fig


def test_every_explicit_font_size_and_the_base_font_scale():
    fig = scale_plotly(_fig(), 2.0)
    lay = fig.layout
    assert lay.font.size == 26 and lay.title.font.size == 32
    assert lay.xaxis.title.font.size == 24 and lay.xaxis.tickfont.size == 22 and lay.legend.font.size == 20
    assert lay.annotations[0].font.size == 28 and lay.annotations[0].font.color == "red"
    assert lay.annotations[1].text == "b" and lay.annotations[1].font.size is None  # inherits the base font
    assert fig.data[0].textfont.size == 20 and fig.data[0].colorbar.tickfont.size == 18
    assert lay.height == 300 and lay.annotations[0].x == 0  # sizes of the layout itself do not change


def test_base_font_defaults_to_plotlys_when_unset_and_factor_one_is_a_no_op():
    fig = go.Figure(go.Scatter(x=[1], y=[1]))
    assert scale_plotly(fig, 1.5).layout.font.size == 18
    assert fig.layout.font.size is None  # the original is left alone
    before = _fig().to_dict()
    assert scale_plotly(_fig(), 1).to_dict() == before


def test_a_legend_under_the_plot_moves_to_the_figures_bottom_edge():
    """The grown axis title would run into a legend a fixed fraction below the plot; Plotly makes room at the edge."""
    below = {"layout": {"legend": {"orientation": "h", "y": -0.25, "x": 0}, "height": 250}}
    legend = scale_spec(below, 1.25)["layout"]["legend"]
    assert legend == {"orientation": "h", "x": 0, "y": 0, "yref": "container", "yanchor": "bottom"}
    assert below["layout"]["legend"]["y"] == -0.25  # the input spec is not changed
    beside = {"layout": {"legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 1}}}
    assert scale_spec(beside, 1.25)["layout"]["legend"] == beside["layout"]["legend"]
    vertical = {"layout": {"legend": {"y": -0.2}}}
    assert scale_spec(vertical, 1.25)["layout"]["legend"] == {"y": -0.2}
    assert scale_spec(below, 1) is below  # normal mode: as built


def test_animation_frames_scale_too():
    spec = {
        "data": [{"type": "scatter", "x": [1], "y": [1]}],
        "layout": {"annotations": [{"text": "a", "font": {"size": 10}}]},
        "frames": [{"layout": {"annotations": [{"text": "b", "font": {"size": 10}}]}, "data": [{"x": [2]}]}],
    }
    out = scale_spec(spec, 2.0)
    assert out["frames"][0]["layout"]["annotations"][0]["font"]["size"] == 20
    assert out["layout"]["annotations"][0]["font"]["size"] == 20 and out["layout"]["font"]["size"] == 24
    assert spec["layout"]["annotations"][0]["font"]["size"] == 10  # the input spec is not changed


def test_real_builders_scale_and_stay_valid():
    fig = figures.hidden_heatmap(np.zeros((4, 3)), ["a", "b", "c"], step=2)
    big = scale_plotly(fig)
    assert big.layout.font.size == pytest.approx(fig.layout.font.size * PRESENTER_SCALE, abs=0.1)
    go.Figure(big.to_dict())  # still a valid figure


def test_altair_config_scales_the_theme_sizes():
    chart = alt.Chart(pd.DataFrame({"x": [1, 2], "y": [3, 4]})).mark_line().encode(x="x", y="y")
    config = scale_altair(chart, 2.0).to_dict()["config"]
    assert config["axis"]["labelFontSize"] == 24 and config["axis"]["titleFontSize"] == 28
    assert config["title"]["fontSize"] == 32 and config["legend"]["labelFontSize"] == 28
    assert scale_altair(chart, 1) is chart


def test_a_vega_lite_spec_gets_the_same_config_as_an_altair_chart():
    chart = alt.Chart(pd.DataFrame({"x": [1, 2], "y": [3, 4]})).mark_line().encode(x="x", y="y")
    spec = {"mark": "line", "config": {"axis": {"grid": False}}}
    scaled = scale_vega(spec, 2.0)
    expected = scale_altair(chart, 2.0).to_dict()["config"]
    for part in ("axis", "legend", "title", "header", "text"):
        assert {k: v for k, v in scaled["config"][part].items() if k != "grid"} == expected[part]
    assert scaled["config"]["axis"]["grid"] is False and spec["config"] == {"axis": {"grid": False}}  # a copy
    assert scale_vega(spec, 1) is spec
