"""Pure Plotly builders for the "Limits of memory" page. No Streamlit here.

- race_figure: test accuracy (or MSE) of each cell against the training step, with the baseline
  (chance / the mean predictor) as a dashed line and the "solved" level as a dotted one.
- sweep_figure: the best score each cell reached within the budget, against the lag L (shipped sweep),
  plus the user's live run as large markers.
- gradient_lag_figure: ||dL/dh_1|| at initialisation against L, log axis.
- timing_figure: time until the output at position T is ready, against T on linear axes: the RNN's grows
  with T (h_T needs every earlier step), a position-wise layer's stays flat (y_T needs only x_T), and the
  chart says that layer has no memory.
All take plain lists and dicts, so tests can read the traces.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import plotly.graph_objects as go

from visualizer.nn import cells
from visualizer.plots.style import ALERT, CELL_COLOURS, FONT, H_COLOUR, NO_TEMPLATE

CELL_LABELS = {name: spec.label for name, spec in cells.CELLS.items()}
BASELINE_COLOUR = "#666666"  # chance / the mean predictor, dashed
Curve = tuple[Sequence[int], Sequence[float]]


def _layout(title: str, x_title: str, y_title: str, height: int, **extra) -> dict:
    return {
        "font": FONT,
        "template": NO_TEMPLATE,
        "title": {"text": title},
        "height": height,
        "margin": {"l": 60, "r": 10, "t": 40, "b": 45},
        "xaxis": {"title": {"text": x_title}},
        "yaxis": {"title": {"text": y_title}},
        # Anchored to the figure's bottom edge (not a fraction of the plot's height below it, which a short chart's
        # axis title outgrows): Plotly makes room for it under the x-axis title.
        "legend": {"orientation": "h", "x": 0, "y": 0, "yref": "container", "yanchor": "bottom"},
        "hovermode": "x unified",
        **extra,
    }


def _finite(xs: Sequence, ys: Sequence) -> tuple[list, list]:
    pairs = [(x, y) for x, y in zip(xs, ys) if y is not None and math.isfinite(y)]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def _metric_axis(metric: str) -> tuple[str, dict]:
    if metric == "accuracy":
        return "test accuracy", {"range": [0, 1.02], "tickformat": ".0%"}
    return "test MSE", {"rangemode": "tozero"}


def _hline(y: float, name: str, dash: str, x_range: tuple[float, float]) -> go.Scatter:
    return go.Scatter(
        x=list(x_range),
        y=[y, y],
        mode="lines",
        name=name,
        line={"color": BASELINE_COLOUR, "dash": dash, "width": 1.5},
        hovertemplate=f"{name}: %{{y:.3g}}<extra></extra>",
    )


def race_figure(
    curves: Mapping[str, Curve],
    *,
    metric: str,
    baseline: float,
    solved_level: float,
    steps: int,
    lag: int,
    height: int = 280,
) -> go.Figure:
    """Each cell's test score against the training step; baseline dashed, the solved level dotted."""
    y_title, y_axis = _metric_axis(metric)
    fmt = ".1%" if metric == "accuracy" else ".4f"
    traces = []
    for name, (xs, ys) in curves.items():
        x, y = _finite(xs, ys)
        traces.append(
            go.Scatter(
                x=x,
                y=y,
                mode="lines+markers" if len(x) < 30 else "lines",
                name=CELL_LABELS[name],
                line={"color": CELL_COLOURS[name], "width": 2.5},
                hovertemplate=f"%{{y:{fmt}}}<extra>{CELL_LABELS[name]}</extra>",
            )
        )
    base_name = "chance (baseline)" if metric == "accuracy" else "always the mean (baseline)"
    traces.append(_hline(baseline, base_name, "dash", (0, steps)))
    traces.append(_hline(solved_level, "counts as solved", "dot", (0, steps)))
    if metric != "accuracy":  # an untrained start can be far above the baseline: keep the baseline in view
        y_axis = {"range": [0, 1.5 * baseline]}
    layout = _layout(f"Test {metric} while training, L = {lag}", "training step", y_title, height)
    # The legend sits beside the title, so a short viewport shows the whole chart.
    layout["legend"] = {"orientation": "h", "x": 1, "xanchor": "right", "y": 1.02, "yanchor": "bottom"}
    layout["margin"] = {**layout["margin"], "b": 40}
    layout["yaxis"].update(y_axis)
    layout["xaxis"]["range"] = [0, steps]
    return go.Figure(data=traces, layout=layout)


def sweep_figure(
    lags: Sequence[int],
    best: Mapping[str, Sequence[float]],
    *,
    metric: str,
    baseline: Sequence[float],
    live: Mapping[str, float] | None = None,
    live_lag: int | None = None,
    height: int = 300,
) -> go.Figure:
    """Best test score within the budget against the lag, one line per cell; the live run as big markers."""
    y_title, y_axis = _metric_axis(metric)
    fmt = ".1%" if metric == "accuracy" else ".4f"
    traces = []
    for name, ys in best.items():
        x, y = _finite(lags, ys)
        traces.append(
            go.Scatter(
                x=x,
                y=y,
                mode="lines+markers",
                name=CELL_LABELS[name],
                legendgroup=name,
                line={"color": CELL_COLOURS[name], "width": 2},
                hovertemplate=f"L = %{{x}}: %{{y:{fmt}}}<extra>{CELL_LABELS[name]}</extra>",
            )
        )
    base_name = "chance" if metric == "accuracy" else "always the mean"
    traces.append(
        go.Scatter(
            x=list(lags),
            y=list(baseline),
            mode="lines",
            name=base_name,
            line={"color": BASELINE_COLOUR, "dash": "dash", "width": 1.5},
            hovertemplate=f"{base_name}: %{{y:{fmt}}}<extra></extra>",
        )
    )
    for name, value in (live or {}).items():
        if live_lag is not None and math.isfinite(value):
            traces.append(
                go.Scatter(
                    x=[live_lag],
                    y=[value],
                    mode="markers",
                    name=f"{CELL_LABELS[name]}, your run",
                    legendgroup=name,
                    showlegend=False,
                    marker={"color": CELL_COLOURS[name], "size": 14, "symbol": "star", "line": {"width": 1}},
                    hovertemplate=f"your run, L = %{{x}}: %{{y:{fmt}}}<extra>{CELL_LABELS[name]}</extra>",
                )
            )
    layout = _layout(f"Best test {metric} within the budget, by lag", "lag L (steps to remember)", y_title, height)
    layout["yaxis"].update(y_axis)
    layout["hovermode"] = "closest"
    return go.Figure(data=traces, layout=layout)


def gradient_lag_figure(lags: Sequence[int], norms: Mapping[str, Sequence[float]], *, height: int = 300) -> go.Figure:
    """||dL/dh_1|| at initialisation against the lag, log axis: how much of the error reaches the clue."""
    traces = []
    for name, ys in norms.items():
        x, y = _finite(lags, ys)
        pairs = [(a, b) for a, b in zip(x, y) if b > 0]  # a log axis cannot show an exact zero
        traces.append(
            go.Scatter(
                x=[p[0] for p in pairs],
                y=[p[1] for p in pairs],
                mode="lines+markers",
                name=CELL_LABELS[name],
                line={"color": CELL_COLOURS[name], "width": 2},
                hovertemplate=f"L = %{{x}}: %{{y:.2e}}<extra>{CELL_LABELS[name]}</extra>",
            )
        )
    layout = _layout("‖∂L/∂h₁‖ before training, by lag", "lag L", "‖∂L/∂h₁‖ (log scale)", height)
    layout["yaxis"].update({"type": "log", "exponentformat": "power"})
    layout["hovermode"] = "closest"
    return go.Figure(data=traces, layout=layout)


def timing_figure(
    lengths: Sequence[int], loop_seconds: Sequence[float], last_seconds: Sequence[float], *, height: int = 300
) -> go.Figure:
    """Time until the output at position T is ready, against T, linear axes: it grows for the RNN, stays flat
    for a position-wise layer, which has no memory (said on the chart: it is no equivalent of the RNN).

    Args:
        lengths: the measured sequence lengths T.
        loop_seconds: the RNN's loop over all T steps (the only way to h_T), per T.
        last_seconds: the position-wise layer's output at T alone (one row), per T.
    """
    rows = (
        ("vanilla RNN: h_T waits for T steps in a row", loop_seconds, H_COLOUR, list(lengths)),
        ("layer with no memory: y_T from x_T, 1 step", last_seconds, ALERT, [1] * len(lengths)),
    )
    traces = [
        go.Scatter(
            x=list(lengths),
            y=[1e3 * s for s in secs],
            mode="lines+markers",
            name=name,
            line={"color": colour, "width": 2.5},
            customdata=steps,
            hovertemplate="T = %{x}: %{y:.3f} ms, %{customdata} step(s) one after another<extra></extra>",
        )
        for name, secs, colour, steps in rows
    ]
    layout = _layout(
        "Time until the output at position T is ready (measured here)", "sequence length T", "time (ms)", height
    )
    layout["xaxis"].update({"rangemode": "tozero"})
    layout["yaxis"].update({"rangemode": "tozero"})
    layout["hovermode"] = "closest"
    fig = go.Figure(data=traces, layout=layout)
    if lengths:
        T = lengths[-1]
        fig.add_annotation(
            x=T,
            y=1e3 * last_seconds[-1],
            text="no memory: y_T sees only x_T,<br>so this layer is <b>not</b> an equivalent of the RNN",
            showarrow=False,
            xanchor="right",
            yanchor="bottom",
            yshift=6,
            align="right",
            font={"color": ALERT, "size": 12},
        )
    return fig
