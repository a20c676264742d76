"""Pure Plotly builders for decoding with the encoder–decoder (labs/sequences/decoding.py). No Streamlit here.

passes      the reference, the teacher-forced words and the free-running words, one row each, right / wrong
beam_tree   the prefixes a beam search kept at every step, joined to their parents, the returned path thick
"""

from __future__ import annotations

from collections.abc import Sequence

from visualizer.plots.style import HIGHLIGHT, figure, heading, short

LABEL_OFFSET = 0.24  # a node's word above it, its log-probability below, in rank units
ROWS = ("reference", "teacher forcing", "free running")
NONE_Z, RIGHT_Z, WRONG_Z = 0, 1, 2  # a cell's value: the reference, a right word, a wrong word
RIGHT, WRONG, NONE = "#c7e9c0", "#f4b6b6", "#eeeeee"  # light, so the words on them stay readable
CELL_SCALE = [[0.0, NONE], [0.33, NONE], [0.34, RIGHT], [0.66, RIGHT], [0.67, WRONG], [1.0, WRONG]]


def passes(
    reference: Sequence[str],
    forced: Sequence[str],
    free: Sequence[str],
    p_forced: Sequence[float],
    p_free: Sequence[float],
    first: int | None,
    *,
    propagated: Sequence[int] = (),
    height: int = 230,
):
    """Three rows of word cells over the steps (a heatmap of right / wrong): reference, teacher-forced and
    free-running words.

    A written word is green where it equals the reference word at that step, red elsewhere; the first
    free-running mistake (0-based `first`) is outlined in orange, and the later words it made wrong (`propagated`:
    wrong running free, right under teacher forcing) with a dashed orange line."""
    n = max(len(reference), len(forced), len(free))
    rows = (("free running", free, p_free), ("teacher forcing", forced, p_forced), ("reference", reference, None))
    z: list[list[float | None]] = []
    text: list[list[str]] = []
    hover: list[list[str]] = []
    for name, ws, ps in rows:
        z.append([None] * n)
        text.append([""] * n)
        hover.append([""] * n)
        for t, w in enumerate(ws):
            right = t < len(reference) and w == reference[t]
            z[-1][t] = NONE_Z if ps is None else (RIGHT_Z if right else WRONG_Z)
            text[-1][t] = short(w, 10)
            hover[-1][t] = f"{name}, step {t + 1}: {w}" + ("" if ps is None else f"<br>p(written) = {ps[t]:.3f}")
    trace = dict(
        type="heatmap",
        z=z,
        x=list(range(1, n + 1)),
        y=[r[0] for r in rows],
        text=text,
        texttemplate="%{text}",
        textfont=dict(size=13),
        hovertext=hover,
        hoverinfo="text",
        zmin=0,
        zmax=2,
        colorscale=CELL_SCALE,
        showscale=False,
        xgap=3,
        ygap=3,
        name="words",
    )
    shapes = []
    if first is not None and first < len(free):
        shapes.append(
            dict(type="rect", x0=first + 0.5, x1=first + 1.5, y0=-0.5, y1=0.5, line=dict(color=HIGHLIGHT, width=3))
        )
    for t in propagated:
        if t < len(free):
            shapes.append(
                dict(
                    type="rect",
                    x0=t + 0.55,
                    x1=t + 1.45,
                    y0=-0.45,
                    y1=0.45,
                    line=dict(color=HIGHLIGHT, width=2, dash="dash"),
                )
            )
            hover[0][t] += "<br>wrong only because an earlier step read the model's own mistake"
    return figure(
        [trace],
        dict(
            title=heading("The same sentence decoded two ways"),
            xaxis=dict(title=heading("word written (step)"), dtick=1, zeroline=False, showgrid=False),
            yaxis=dict(type="category", showgrid=False),
            shapes=shapes,
            height=height,
            margin=dict(l=120, r=20, t=40, b=45),
        ),
    )


def beam_tree(
    levels: Sequence[Sequence[tuple[str, float, int, bool]]],
    best_path: Sequence[tuple[int, int]],
    prefixes: Sequence[Sequence[str]],
    *,
    width: int,
    height: int = 340,
):
    """The beam as a tree: column t holds the prefixes kept after writing t words, best at the top.

    Args:
        levels: per step, per kept prefix (best first): (last word, log-probability, parent index, finished).
        best_path: (step, index) of the returned translation's node at every step.
        prefixes: per step, per kept prefix: the whole prefix as text (for hover).
    """
    on_path = set(best_path)
    edge_x: list[float | None] = []
    edge_y: list[float | None] = []
    best_x: list[float | None] = []
    best_y: list[float | None] = []
    xs, ys, labels, scores, hovers, symbols, colours = [], [], [], [], [], [], []
    for t, level in enumerate(levels, start=1):
        for i, (word, score, parent, finished) in enumerate(level):
            carried = t > 1 and levels[t - 2][parent][3]  # a finished prefix, carried on unchanged
            px, py = (t - 1, -parent) if t > 1 else (0, 0)
            ex, ey = (best_x, best_y) if (t, i) in on_path else (edge_x, edge_y)
            ex += [px, t, None]
            ey += [py, -i, None]
            xs.append(t)
            ys.append(-i)
            labels.append("=" if carried else short(word, 10))
            scores.append("" if carried else f"{score:.2f}")
            hovers.append(f"{' '.join(prefixes[t - 1][i])}<br>log P = {score:.3f}")
            symbols.append("square" if finished else "circle")
            colours.append(HIGHLIGHT if (t, i) in on_path else "#4c78a8")
    traces = [
        dict(
            type="scatter",
            mode="lines",
            x=edge_x,
            y=edge_y,
            line=dict(color="#bbbbbb", width=1.5),
            hoverinfo="skip",
            name="kept",
            showlegend=False,
        ),
        dict(
            type="scatter",
            mode="lines",
            x=best_x,
            y=best_y,
            line=dict(color=HIGHLIGHT, width=4),
            hoverinfo="skip",
            name="returned translation",
            showlegend=False,
        ),
        dict(
            type="scatter",
            mode="markers+text",
            x=[0],
            y=[0],
            marker=dict(size=12, color="#888888"),
            text=["<start>"],
            textposition="middle left",
            hovertext=["<start>: log P = 0"],
            hoverinfo="text",
            name="start",
            showlegend=False,
        ),
        dict(
            type="scatter",
            mode="markers",
            x=xs,
            y=ys,
            marker=dict(size=11, color=colours, symbol=symbols),
            hovertext=hovers,
            hoverinfo="text",
            name="prefixes kept",
            showlegend=False,
        ),
        dict(
            type="scatter",
            mode="text",
            x=xs,
            y=[y + LABEL_OFFSET for y in ys],
            text=labels,
            textfont=dict(size=12),
            hoverinfo="skip",
            name="last word",
            showlegend=False,
        ),
        dict(
            type="scatter",
            mode="text",
            x=xs,
            y=[y - LABEL_OFFSET for y in ys],
            text=scores,
            textfont=dict(size=11, color="#555555"),
            hoverinfo="skip",
            name="log P so far",
            showlegend=False,
        ),
    ]
    steps = len(levels)
    return figure(
        traces,
        dict(
            title=heading(f"Beam search, width {width}: the beginnings kept after each word"),
            xaxis=dict(
                title=heading("words written"), dtick=1, range=[-0.9, steps + 0.5], zeroline=False, showgrid=False
            ),
            yaxis=dict(
                title=heading("rank in the beam"),
                tickvals=[-i for i in range(width)],
                ticktext=[str(i + 1) for i in range(width)],
                range=[-width + 0.6, 0.45],
                zeroline=False,
            ),
            height=max(height, 120 + 70 * width),
            margin=dict(l=70, r=20, t=40, b=45),
        ),
    )
