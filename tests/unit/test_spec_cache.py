"""Figure specs computed once: same JSON as Plotly's own path, reused while the figure lives."""

from __future__ import annotations

import gc
import json

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import plotly.tools

from visualizer.plots import figures, spec_cache
from visualizer.plots.presenter import scale_spec
from visualizer.plots.style import NO_TEMPLATE


def _fig() -> go.Figure:
    return figures.hidden_heatmap(np.arange(12.0).reshape(4, 3), ["a", "b", "c"], step=2)


def test_renderer_gets_exactly_plotlys_spec():
    """What st.plotly_chart does with a figure (to_dict, then to_json) gives the same JSON."""
    fig = _fig()
    direct = pio.to_json(plotly.tools.return_figure_from_figure_or_data(fig, validate_figure=True), validate=False)
    frozen = spec_cache.frozen(fig)
    via = pio.to_json(plotly.tools.return_figure_from_figure_or_data(frozen, validate_figure=True), validate=False)
    assert json.loads(via) == json.loads(direct)


def test_a_figure_shown_again_reuses_its_spec_and_forgets_it_when_gone(monkeypatch):
    fig = _fig()
    calls = []
    real = spec_cache.spec_of
    monkeypatch.setattr(spec_cache, "spec_of", lambda f, t=None: calls.append(1) or real(f, t))
    a, b = spec_cache.frozen(fig), spec_cache.frozen(fig)
    assert len(calls) == 1 and a.spec is b.spec
    key = id(fig)
    assert key in spec_cache._by_object
    del fig, a, b
    gc.collect()
    assert key not in spec_cache._by_object


def test_keyed_builds_once_per_key_and_is_bounded(monkeypatch):
    monkeypatch.setattr(spec_cache, "MAX_KEYED", 3)
    built = []

    def build():
        built.append(1)
        return _fig()

    spec_cache.keyed(("t", 1), build)
    spec_cache.keyed(("t", 1), build)
    assert len(built) == 1
    for i in range(5):
        spec_cache.keyed(("u", i), build)
    assert spec_cache.cache_sizes()[1] <= 3


def test_template_and_transform_apply_to_copies_only():
    fig = go.Figure(go.Scatter(x=[1], y=[2]))  # Plotly's default template
    plain = spec_cache.frozen(fig, template=NO_TEMPLATE)
    assert plain.to_dict()["layout"]["template"] == NO_TEMPLATE
    big = spec_cache.frozen(fig, template=NO_TEMPLATE, transform=lambda s: scale_spec(s, 2.0))
    assert big.to_dict()["layout"]["font"]["size"] == 24
    assert "size" not in plain.to_dict()["layout"].get("font", {})  # the stored spec is untouched
    assert fig.layout.template.layout.to_plotly_json() != {}  # nor the figure
