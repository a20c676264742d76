"""LightFigure: a figure kept as its dicts until something reads it, then an ordinary go.Figure."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import plotly.graph_objects as go
import pytest

from visualizer.plots import figures
from visualizer.plots.style import LightFigure, figure, heading


def _bars() -> LightFigure:
    fig = figures.hidden_heatmap(np.array([[0.1, 0.7], [0.2, -0.3]]), ["a", "b"], step=2)
    assert isinstance(fig, LightFigure) and isinstance(fig, go.Figure)
    return fig


def test_showing_needs_no_plotly_objects_and_gives_the_same_spec():
    light = _bars()
    spec = light.to_dict()
    assert light.__dict__["_light"] is not None  # still the plain dicts: nothing was built
    full = go.Figure(spec)  # what Plotly makes of the same dicts
    assert full.layout.title.text == spec["layout"]["title"]["text"]
    np.testing.assert_array_equal(np.asarray(full.data[0].y), np.asarray(spec["data"][0]["y"]))
    assert light.to_plotly_json() == spec


def test_reading_builds_the_figure_in_place():
    light = _bars()
    assert light.layout.title.text.startswith("Hidden state")  # an attribute Plotly keeps: built on first access
    assert light.__dict__["_light"] is None and len(light.data) == 1
    assert light["layout"]["title"]["text"] == light.layout.title.text


@pytest.mark.parametrize("first", ["item", "update", "add_trace"])
def test_any_first_use_works(first):
    light = figure([dict(type="scatter", x=[1, 2], y=[3, 4])], {"title": heading("t"), "height": 200})
    if first == "item":
        assert light["layout"]["height"] == 200
    elif first == "update":
        light.update_layout(height=300)
        assert light.to_dict()["layout"]["height"] == 300  # a change after building is in the spec
    else:
        light.add_trace(go.Scatter(x=[0], y=[0]))
        assert len(light.to_dict()["data"]) == 2


def test_copies_and_pickles_survive():
    for make in (copy.deepcopy, lambda f: pickle.loads(pickle.dumps(f))):
        light = _bars()
        twin = make(light)
        assert twin.layout.title.text == light.layout.title.text
        np.testing.assert_array_equal(np.asarray(twin.data[0].y), np.asarray(light.data[0].y))


def test_a_missing_attribute_is_still_an_attribute_error():
    light = _bars()
    with pytest.raises(AttributeError):
        light.no_such_thing  # noqa: B018
