"""The Limits-of-memory figures: traces, axes and the baseline lines; the settings match the library."""

import pytest

from visualizer import state
from visualizer.labs.long_lags import lagtasks, longlag
from visualizer.plots import limits_figures as lf


def test_race_figure_has_three_cells_baseline_and_solved_line():
    curves = {"rnn": ([0, 25, 50], [0.25, 0.26, 0.24]), "lstm": ([0, 25, 50], [0.25, 0.9, 1.0]), "gru": ([0], [0.3])}
    fig = lf.race_figure(curves, metric="accuracy", baseline=0.25, solved_level=0.95, steps=100, lag=30)
    names = [t.name for t in fig.data]
    assert names[:3] == ["vanilla RNN", "LSTM", "GRU"]
    assert "chance (baseline)" in names and "counts as solved" in names
    base = next(t for t in fig.data if t.name == "chance (baseline)")
    assert list(base.y) == [0.25, 0.25] and list(base.x) == [0, 100]
    assert fig.layout.yaxis.title.text == "test accuracy" and fig.layout.xaxis.title.text == "training step"
    assert "L = 30" in fig.layout.title.text


def test_race_figure_mse_keeps_baseline_in_view_and_drops_nan():
    curves = {"rnn": ([0, 5], [3.0, float("nan")])}
    fig = lf.race_figure(curves, metric="MSE", baseline=0.167, solved_level=0.0167, steps=10, lag=20)
    assert list(fig.data[0].y) == [3.0]
    assert fig.layout.yaxis.range[1] > 0.167 and "always the mean (baseline)" in [t.name for t in fig.data]


def test_sweep_figure_live_stars_and_baseline():
    lags = [5, 10, 20]
    best = {"rnn": [1.0, 0.6, 0.25], "lstm": [1.0, 1.0, 1.0], "gru": [1.0, 1.0, 0.98]}
    fig = lf.sweep_figure(lags, best, metric="accuracy", baseline=[0.25] * 3, live={"rnn": 0.3}, live_lag=15)
    stars = [t for t in fig.data if t.marker is not None and t.marker.symbol == "star"]
    assert len(stars) == 1 and list(stars[0].x) == [15] and list(stars[0].y) == [0.3]
    assert list(fig.data[0].x) == lags and fig.layout.xaxis.title.text.startswith("lag L")


def test_gradient_figure_is_log_scaled():
    fig = lf.gradient_lag_figure([2, 5, 10], {"rnn": [1e-2, 1e-5, 0.0], "lstm": [1e-2, 5e-3, 1e-3]})
    assert fig.layout.yaxis.type == "log" and list(fig.data[0].x) == [2, 5]  # an exact zero cannot be drawn


def test_timing_figure_shows_the_limit_on_linear_axes_and_names_the_layer_memoryless():
    """Issue 27 item 11: two parallel lines on log axes hid the limit; the layer was unlabelled as memoryless."""
    lengths = [16, 256, 1024]
    t = lf.timing_figure(lengths, [1.6e-4, 2.56e-3, 1.024e-2], [2e-6, 2.1e-6, 2e-6])
    assert t.layout.xaxis.type in (None, "linear") and t.layout.yaxis.type in (None, "linear")
    rnn, layer = t.data
    assert list(rnn.y) == pytest.approx([0.16, 2.56, 10.24]) and list(rnn.customdata) == lengths  # T steps in a row
    assert list(layer.customdata) == [1, 1, 1] and max(layer.y) / min(layer.y) < 1.1  # flat: y_T needs only x_T
    assert "no memory" in layer.name and "RNN" in rnn.name
    notes = " ".join(a.text for a in t.layout.annotations)
    assert "not</b> an equivalent of the RNN" in notes
    assert "position T" in t.layout.title.text


@pytest.mark.parametrize(
    "build",
    [
        lambda: lf.timing_figure([16, 32], [1e-4, 2e-4], [1e-6, 1e-6]),
        lambda: lf.gradient_lag_figure([2, 5], {"rnn": [1e-2, 1e-3]}),
        lambda: lf.sweep_figure([5, 10], {"rnn": [1.0, 0.5]}, metric="accuracy", baseline=[0.25, 0.25]),
    ],
)
def test_legends_under_a_chart_sit_at_its_bottom_edge_not_on_the_axis_title(build):
    """A legend a fixed fraction of a short plot below it ran into the x-axis title (issue 27 item 11)."""
    legend = build().layout.legend
    assert legend.yref == "container" and legend.y == 0 and legend.yanchor == "bottom"


def test_settings_match_the_library_and_keep_short_links():
    by_param = state.BY_PARAM
    assert by_param["ltask"].choices == lagtasks.TASKS
    assert (by_param["lag"].lo, by_param["lag"].hi) == (lagtasks.MIN_LAG, lagtasks.MAX_LAG)
    assert by_param["lhidden"].hi == longlag.MAX_RACE_HIDDEN
    cfg = longlag.LagConfig()
    values = {"lag_task": cfg.task, "lag": cfg.lag, "lag_hidden": cfg.hidden, "lag_steps": cfg.steps}
    values |= {"lag_lr": cfg.lr, "lag_clip": cfg.clipnorm, "keep_bias": cfg.keep_bias}
    assert {k: state.SETTINGS[k].default for k in values} == values
    query = state.to_query({**state.defaults(), "lag_task": "adding", "lag": 30, "keep_bias": 2.0})
    assert query == {"ltask": "adding", "lag": "30", "keep": "2"}
    assert state.parse(query)[0] == {"lag_task": "adding", "lag": 30, "keep_bias": 2.0}
