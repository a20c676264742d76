"""Pure Plotly builders for the "What a unit remembers" page. No Streamlit here.

- text_figure: the text as a grid of tokens, each cell coloured by one unit's state after reading it (diverging,
  0 white), hover: the token, the state, the property's value.
- ranking_figure: every unit's score for a property, best first, with the untrained network's best and the best
  on shuffled labels as lines.
- next_token_figure: the next-token distribution on a prompt before and after switching units off.
- attribution_figure: for one output of a sentence, how much each earlier input counted, gradient x input and
  occlusion side by side, one row per cell (vanilla, LSTM, GRU).
- reach_figure: mean |gradient x input| against the distance back, per cell, with each half-life marked.
Token text goes into Plotly escaped (`plain`): Plotly reads a few HTML tags in text, a student's text never is.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

import numpy as np

from visualizer.nn import cells
from visualizer.plots.style import CELL_COLOURS, DIVERGING_SCALE, GHOST, HIGHLIGHT, figure, short

CELL_LABELS = {name: spec.label for name, spec in cells.CELLS.items()}


def plain(tok: str, n: int = 12) -> str:
    """A token as Plotly text: visible spaces, cut when long, and HTML-escaped (shown literally, never as markup)."""
    return html.escape(short(tok, n), quote=False)


def _layout(title: str, height: int, **extra) -> dict:
    return {
        "title": {"text": title},
        "height": height,
        "margin": {"l": 70, "r": 10, "t": 40, "b": 45},
        **extra,
    }


def text_figure(
    tokens: Sequence[str],
    values: np.ndarray,
    prop_values: np.ndarray,
    *,
    per_row: int,
    title: str,
    prop_label: str,
    value_name: str,
    classes: Sequence[str] = (),
) -> object:
    """Tokens in rows of `per_row`, each coloured by `values` (N,), hover naming the property's value."""
    n = len(tokens)
    rows = max(1, -(-n // per_row))
    z = np.full((rows, per_row), np.nan)
    text = [[""] * per_row for _ in range(rows)]
    hover = [[""] * per_row for _ in range(rows)]
    for i, tok in enumerate(tokens):
        r, c = divmod(i, per_row)
        z[r, c] = values[i]
        text[r][c] = plain(tok, 10)
        pv = prop_values[i]
        shown = "undefined" if np.isnan(pv) else classes[int(pv)] if classes else f"{pv:g}"
        hover[r][c] = f"token {i + 1} {plain(tok, 20)}<br>{value_name} = {values[i]:+.3f}<br>{prop_label}: {shown}"
    top = float(np.nanmax(np.abs(values))) if n else 1.0
    trace = {
        "type": "heatmap",
        "z": z.tolist(),
        "text": text,
        "texttemplate": "%{text}",
        "textfont": {"size": 11},
        "customdata": hover,
        "hovertemplate": "%{customdata}<extra></extra>",
        "colorscale": DIVERGING_SCALE,
        "zmin": -max(top, 1e-9),
        "zmax": max(top, 1e-9),
        "xgap": 1,
        "ygap": 2,
        "colorbar": {"title": {"text": value_name}, "thickness": 12},
    }
    return figure(
        [trace],
        _layout(
            title,
            60 + 26 * rows,
            xaxis={"visible": False},
            yaxis={"visible": False, "autorange": "reversed"},
            margin={"l": 5, "r": 5, "t": 40, "b": 5},
        ),
    )


def ranking_figure(scores: np.ndarray, untrained_best: float, shuffled_best: float, chosen: int, score_name: str):
    """Every unit's score, best first; the chosen unit in the highlight colour; the two baselines as lines."""
    order = np.argsort(-scores, kind="stable")
    xs = [f"u{int(u)}" for u in order]
    colours = [HIGHLIGHT if int(u) == chosen else "#4c78a8" for u in order]
    bars = {
        "type": "bar",
        "x": xs,
        "y": scores[order].tolist(),
        "marker": {"color": colours},
        "name": "trained units (orange: the unit shown)",
        "showlegend": False,
        "hovertemplate": "%{x}: " + score_name + " = %{y:.3f}<extra></extra>",
    }
    lines = [
        {
            "type": "scatter",
            "mode": "lines",
            "x": [xs[0], xs[-1]],
            "y": [value, value],
            "name": f"{name} ({value:.2f})",
            "line": {"dash": dash, "color": colour},
            "hovertemplate": f"{name}: %{{y:.3f}}<extra></extra>",
        }
        for name, value, dash, colour in (
            ("untrained network's best unit", untrained_best, "dash", "#444444"),
            ("best unit on shuffled labels", shuffled_best, "dot", "#999999"),
        )
    ]
    return figure(
        [bars, *lines],
        _layout(
            f"Every unit's score ({score_name}), best first; orange: the unit shown",
            300,
            xaxis={"title": {"text": "unit (ranked)"}, "tickfont": {"size": 12}, "tickangle": -90},
            yaxis={"title": {"text": score_name}, "range": [0, 1]},
            legend={"orientation": "h", "x": 1, "xanchor": "right", "y": 1.0, "yanchor": "bottom", "yref": "paper"},
            showlegend=True,
            margin={"l": 70, "r": 10, "t": 70, "b": 45},
        ),
    )


def next_token_figure(labels: Sequence[str], before: Sequence[float], after: Sequence[float], title: str):
    """Two bar series: P(next token) before and after the clamp, for the same tokens."""
    xs = [plain(t, 14) for t in labels]
    traces = [
        {
            "type": "bar",
            "x": xs,
            "y": list(vals),
            "name": name,
            "marker": {"color": colour},
            "hovertemplate": "%{x}: P = %{y:.3f}<extra>" + name + "</extra>",
        }
        for name, vals, colour in (("as trained", before, "#4c78a8"), ("units switched off", after, HIGHLIGHT))
    ]
    return figure(
        traces,
        _layout(
            title,
            300,
            barmode="group",
            xaxis={"title": {"text": "next token"}},
            yaxis={"title": {"text": "P(next token | prompt)"}, "range": [0, 1]},
            legend={"orientation": "h", "x": 1, "xanchor": "right", "y": 1.0, "yanchor": "bottom", "yref": "paper"},
            margin={"l": 70, "r": 10, "t": 70, "b": 45},
        ),
    )


def attribution_figure(
    tokens: Sequence[str], rows: Mapping[str, tuple[np.ndarray, np.ndarray, str, float]], output: int
) -> object:
    """Two heatmaps (gradient x input, occlusion), one row per cell, columns the inputs up to `output`.

    rows: cell name -> (G row (T,), occlusion row (T,), the token that cell predicts, its probability).
    """
    T = output + 1
    xs = [f"{j + 1}·{plain(t, 10)}" for j, t in enumerate(tokens[:T])]
    names = list(rows)
    ys = [f"{CELL_LABELS[n]} → {plain(rows[n][2], 10)}" for n in names]
    traces = []
    for k, (label, axis) in enumerate((("gradient × input", ""), ("occlusion", "2"))):
        z = np.array([np.asarray(rows[n][0] if k == 0 else rows[n][1])[:T] for n in names])
        top = float(np.max(np.abs(z))) if z.size else 1.0
        hover = [
            [
                f"{CELL_LABELS[n]}, output {output + 1} predicts {plain(rows[n][2], 14)} (p = {rows[n][3]:.2f})<br>"
                f"input {j + 1} {plain(tokens[j], 14)}, {output - j} steps back<br>{label} = {z[i, j]:+.3f}"
                for j in range(T)
            ]
            for i, n in enumerate(names)
        ]
        traces.append(
            {
                "type": "heatmap",
                "x": xs,
                "y": ys,
                "z": z.tolist(),
                "customdata": hover,
                "hovertemplate": "%{customdata}<extra></extra>",
                "colorscale": DIVERGING_SCALE,
                "zmin": -max(top, 1e-9),
                "zmax": max(top, 1e-9),
                "xaxis": "x" + axis,
                "yaxis": "y" + axis,
                "colorbar": {"y": 0.78 if not axis else 0.22, "len": 0.42, "thickness": 10, "title": {"text": label}},
                "texttemplate": "%{z:.2f}" if T <= 24 else "",
                "textfont": {"size": 9},
                "xgap": 1,
                "ygap": 1,
            }
        )
    return figure(
        traces,
        _layout(
            f"What counted for output {output + 1}: each earlier input, per cell (blue: made it less likely)",
            420,
            xaxis={"domain": [0, 1], "anchor": "y", "showticklabels": False},
            yaxis={"domain": [0.56, 1.0], "title": {"text": "gradient × input"}, "autorange": "reversed"},
            xaxis2={"domain": [0, 1], "anchor": "y2", "tickangle": -60, "tickfont": {"size": 12}},
            yaxis2={"domain": [0.0, 0.44], "title": {"text": "occlusion"}, "autorange": "reversed"},
            margin={"l": 190, "r": 10, "t": 40, "b": 90},
        ),
    )


def reach_figure(curves: Mapping[str, tuple[np.ndarray, float | None]], unit: str) -> object:
    """Normalised mean |gradient x input| against distance, one line per cell, half-lives as markers."""
    traces = []
    for name, (curve, half) in curves.items():
        colour = CELL_COLOURS.get(name, GHOST)
        traces.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "x": list(range(curve.size)),
                "y": curve.tolist(),
                "name": CELL_LABELS[name],
                "line": {"color": colour},
                "marker": {"size": 4},
                "hovertemplate": f"{CELL_LABELS[name]}: %{{x}} {unit} back, %{{y:.2f}} of distance 0<extra></extra>",
            }
        )
        if half is not None:
            traces.append(
                {
                    "type": "scatter",
                    "mode": "markers",
                    "x": [half],
                    "y": [curve[0] / 2],
                    "name": f"{CELL_LABELS[name]} half-life {half:.1f}",
                    "marker": {"color": colour, "size": 12, "symbol": "diamond", "line": {"color": "#222", "width": 1}},
                    "hovertemplate": f"{CELL_LABELS[name]} half-life: %{{x:.1f}} {unit}<extra></extra>",
                }
            )
    return figure(
        traces,
        _layout(
            "How far back each cell looks: mean |gradient × input| of the next token's logit",
            360,
            xaxis={"title": {"text": f"distance back ({unit})"}},
            yaxis={"title": {"text": "share of its value at distance 0"}, "rangemode": "tozero"},
            legend={"orientation": "h", "x": 0, "y": -0.25, "yanchor": "top", "yref": "paper"},
            margin={"l": 70, "r": 10, "t": 40, "b": 90},
        ),
    )


CHAIN_OUTPUTS = 2  # index of the outputs trace in chain_figure: the one whose points a click selects


def _top_inputs(tokens: Sequence[str], row: np.ndarray, t: int, k: int = 3) -> str:
    order = np.argsort(-np.abs(row[: t + 1]), kind="stable")[:k]
    return ", ".join(f"{plain(tokens[j], 12)} ({row[j]:+.2f})" for j in order)


def chain_figure(
    tokens: Sequence[str],
    targets: Sequence[str],
    target_p: np.ndarray,
    grad_x_input: np.ndarray,
    occlusion: np.ndarray,
    output: int,
    cell: str,
) -> object:
    """The unrolled chain x_t -> h_t -> y_t of one cell; inputs coloured by gradient x input for `output`.

    Hovering an output lists the inputs that counted most for it, by both methods; clicking one selects it
    (trace CHAIN_OUTPUTS holds the outputs). grad_x_input, occlusion: (T, T) [output, input].
    """
    T = len(tokens)
    xs = list(range(T))
    edges_x: list[float | None] = []
    edges_y: list[float | None] = []
    for j in xs:
        edges_x += [j, j, None, j, j, None]
        edges_y += [0, 1, None, 1, 2, None]
        if j:
            edges_x += [j - 1, j, None]
            edges_y += [1, 1, None]
    row = grad_x_input[output]
    top = float(np.max(np.abs(row[: output + 1]))) or 1.0
    colours = [float(row[j]) if j <= output else None for j in xs]
    inputs = {
        "type": "scatter",
        "mode": "markers+text",
        "x": xs,
        "y": [0] * T,
        "text": [plain(t, 10) for t in tokens],
        "textposition": "bottom center",
        "textfont": {"size": 10},
        "marker": {
            "size": 16,
            "color": [c if c is not None else 0.0 for c in colours],
            "colorscale": DIVERGING_SCALE,
            "cmin": -top,
            "cmax": top,
            "line": {"color": ["#444" if c is not None else GHOST for c in colours], "width": 1},
            "opacity": [1.0 if c is not None else 0.3 for c in colours],
        },
        "customdata": [
            f"input {j + 1} {plain(tokens[j], 14)}: gradient × input {row[j]:+.3f}, occlusion "
            f"{occlusion[output, j]:+.3f} for output {output + 1}"
            if j <= output
            else f"input {j + 1} {plain(tokens[j], 14)}: after output {output + 1}, it cannot count"
            for j in xs
        ],
        "hovertemplate": "%{customdata}<extra></extra>",
        "name": "inputs x_t",
        "cliponaxis": False,
    }
    outputs = {
        "type": "scatter",
        "mode": "markers+text",
        "x": xs,
        "y": [2] * T,
        "text": [plain(t, 10) for t in targets],
        "textposition": "top center",
        "textfont": {"size": 10},
        "marker": {
            "size": [20 if t == output else 14 for t in xs],
            "color": [HIGHLIGHT if t == output else "#eeca3b" for t in xs],
            "line": {"color": "#444", "width": 1},
            "symbol": "square",
        },
        "customdata": [
            f"output {t + 1} predicts {plain(targets[t], 14)} (p = {target_p[t]:.2f}) — click to explain it<br>"
            f"gradient × input, most: {_top_inputs(tokens, grad_x_input[t], t)}<br>"
            f"occlusion, most: {_top_inputs(tokens, occlusion[t], t)}"
            for t in xs
        ],
        "hovertemplate": "%{customdata}<extra></extra>",
        "name": "outputs ŷ_t (click one)",
        "cliponaxis": False,
    }
    hidden = {
        "type": "scatter",
        "mode": "markers",
        "x": xs,
        "y": [1] * T,
        "marker": {"size": 12, "color": "#4c78a8"},
        "hoverinfo": "skip",
        "name": f"{CELL_LABELS[cell]} h_t",
    }
    edges = {
        "type": "scatter",
        "mode": "lines",
        "x": edges_x,
        "y": edges_y,
        "line": {"color": "#bbbbbb", "width": 1},
        "hoverinfo": "skip",
        "showlegend": False,
    }
    data: list[dict] = [edges, hidden, outputs, inputs]  # outputs at CHAIN_OUTPUTS, where a click is read from
    return figure(
        data,
        _layout(
            f"{CELL_LABELS[cell]} chain: colour = what counted for output {output + 1} (gradient × input). "
            "Click an output.",
            260,
            xaxis={"visible": False, "range": [-0.8, T - 0.2]},
            yaxis={
                "range": [-0.9, 2.7],
                "tickvals": [0, 1, 2],
                "ticktext": ["x_t", "h_t", "ŷ_t"],
                "showgrid": False,
                "zeroline": False,
            },
            showlegend=False,
            margin={"l": 40, "r": 10, "t": 40, "b": 10},
            clickmode="event+select",
        ),
    )
