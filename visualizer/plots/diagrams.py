"""The temporal loop, and the five moves that turn a feed-forward network into an RNN. Pure Plotly.

Stage 0 is a feed-forward net (input layer, two hidden layers, output layer, every neuron wired to the
next layer). Then, one move per stage:

    1  squash the layers      each layer becomes one symbol: green diamond x, blue box h, yellow circle y
    2  merge the arrows       the many connections between two symbols become one arrow (one weight matrix)
    3  turn it vertical       rotate a quarter turn counter-clockwise: x at the bottom, y on top
    4  add the temporal loop  h feeds itself: h_t = f(W_hh h_{t-1} + W_xh x_t + b_h)
    5  unroll                 copy the cell once per time step; the loop becomes arrows h_{t-1} -> h_t

`fold_figure(stage)` draws one stage with the one before it as a faint ghost, and carries all five
stages as Plotly frames, so its own button can animate the whole fold.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import plotly.graph_objects as go

from visualizer.plots.marks import arrow_traces
from visualizer.plots.notation import translate
from visualizer.plots.style import GHOST, H_COLOUR, X_COLOUR, Y_COLOUR, figure, short

MOVES: tuple[tuple[str, str], ...] = (
    (
        "squash the layers",
        "Each layer of the feed-forward net collapses into one symbol: a green diamond for the input, a blue box "
        "for the hidden layer(s), a yellow circle for the output. Many neurons still sit behind each symbol.",
    ),
    (
        "merge the arrows",
        "All the connections between two layers are one weight matrix, so draw them as one arrow: "
        "W_xh from input to hidden, W_hy from hidden to output.",
    ),
    (
        "turn it vertical",
        "Rotate the picture a quarter turn counter-clockwise: input at the bottom, output on top. "
        "This is how RNNs are usually drawn.",
    ),
    (
        "add the temporal loop",
        "The new ingredient: the hidden layer's output is fed back into itself at the next step through W_hh. "
        "That loop carries the memory, h_t = f(W_hh h_(t-1) + W_xh x_t + b_h).",
    ),
    (
        "unroll",
        "Draw one copy of the cell per time step. The loop becomes arrows h_(t-1) → h_t, and every copy shares "
        "the same three weight matrices.",
    ),
)
N_STAGES = len(MOVES)

XR, YR = (-1.2, 7.4), (-1.0, 5.0)  # fixed axes, so nothing jumps between stages


@dataclass
class Scene:
    """What one stage draws: nodes, thin wires, arrows, the loop and text labels (data units)."""

    nodes: list[tuple[float, float, str, str]] = field(default_factory=list)  # (x, y, kind, hover)
    wires: list[tuple[float, float, float, float]] = field(default_factory=list)
    arrows: list[tuple[float, float, float, float]] = field(default_factory=list)
    carries: list[tuple[float, float, float, float]] = field(default_factory=list)  # h_{t-1} -> h_t
    loop: list[tuple[float, float]] = field(default_factory=list)  # a curve ending in an arrow head
    labels: list[tuple[float, float, str]] = field(default_factory=list)


_STYLE = {  # kind -> (symbol, size, colour)
    "neuron": ("circle", 14, "#9aa9b8"),
    "x": ("diamond", 40, X_COLOUR),
    "h": ("square", 46, H_COLOUR),
    "y": ("circle", 40, Y_COLOUR),
}


def _layer(x: float, n: int, centre: float = 2.0, gap: float = 0.8) -> list[tuple[float, float]]:
    return [(x, centre + (i - (n - 1) / 2) * gap) for i in range(n)]


def _feed_forward() -> Scene:
    sizes, xs = (3, 5, 5, 2), (0.0, 2.0, 4.0, 6.0)
    layers = [_layer(x, n) for x, n in zip(xs, sizes)]
    names = ("input layer", "hidden layer 1", "hidden layer 2", "output layer")
    s = Scene()
    for layer, name in zip(layers, names):
        s.nodes += [(x, y, "neuron", name) for x, y in layer]
    for a, b in zip(layers, layers[1:]):
        s.wires += [(x0, y0, x1, y1) for x0, y0 in a for x1, y1 in b]
    s.labels = [(0.0, 0.1, "input"), (3.0, -0.2, "hidden layers"), (6.0, 0.9, "output")]
    return s


def _squashed(merged: bool) -> Scene:
    s = Scene(
        nodes=[
            (0.0, 2.0, "x", "input x_t: a green diamond"),
            (3.0, 2.0, "h", "hidden layer(s) h_t: a blue box"),
            (6.0, 2.0, "y", "output ŷ_t: a yellow circle"),
        ]
    )
    if merged:
        s.arrows = [(0.0, 2.0, 3.0, 2.0), (3.0, 2.0, 6.0, 2.0)]
        s.labels = [(1.5, 2.35, "W_xh"), (4.5, 2.35, "W_hy")]
    else:  # the layers are flat, the wiring is still many lines
        offs = (-0.25, 0.0, 0.25)
        s.wires = [(0.3, 2 + a, 2.6, 2 + b) for a in offs for b in offs] + [
            (3.4, 2 + a, 5.7, 2 + b) for a in offs for b in offs
        ]
    s.labels += [(0.0, 1.25, "x"), (3.0, 1.2, "h"), (6.0, 1.25, "ŷ")]
    return s


def _vertical(loop: bool) -> Scene:
    s = Scene(
        nodes=[(3.0, 0.0, "x", "input x_t"), (3.0, 2.0, "h", "hidden state h_t"), (3.0, 4.0, "y", "output ŷ_t")],
        arrows=[(3.0, 0.0, 3.0, 2.0), (3.0, 2.0, 3.0, 4.0)],
        labels=[(2.2, 0.0, "x_t"), (2.2, 2.0, "h_t"), (2.2, 4.0, "ŷ_t"), (3.45, 1.0, "W_xh"), (3.45, 3.0, "W_hy")],
    )
    if loop:
        # A circle to the right of the box, leaving its top and coming back into its bottom.
        theta = np.linspace(np.radians(140), np.radians(-140), 40)
        s.loop = [(3.95 + 0.62 * np.cos(a) * 0.9, 2.0 + 0.62 * np.sin(a)) for a in theta]
        s.labels.append((5.15, 2.0, "W_hh"))
        s.labels.append((5.6, 1.45, "h_(t-1) → h_t"))
    return s


MAX_COPIES = 5  # copies of the cell drawn in the unrolled stage; longer inputs show the first ones, …, the last


def unrolled_steps(T: int, max_copies: int = MAX_COPIES) -> list[int | None]:
    """1-based steps drawn in the unrolled stage, None for an ellipsis: all when they fit, else the first
    max_copies - 1, an ellipsis, and always the last word."""
    if max_copies >= T:
        return list(range(1, T + 1))
    return list(range(1, max_copies)) + [None, T]


def _unrolled(tokens, notation: str = "h") -> Scene:
    tr = lambda s: translate(s, notation)  # noqa: E731
    shown: list[int | None] = unrolled_steps(len(tokens)) if len(tokens) else [1, 2, 3, 4]
    n = len(shown)
    left, right = 0.4, 6.4
    xs = [left + k * (right - left) / (n - 1) for k in range(n)] if n > 1 else [3.0]
    s = Scene()
    for x, t in zip(xs, shown):
        if t is None:
            hidden_steps = len(tokens) - MAX_COPIES
            s.labels += [(x, 2.0, "…"), (x, -0.7, f"{hidden_steps} more")]
            continue
        tok = short(tokens[t - 1], 8) if tokens else ""
        x_lab, h_lab, y_lab = tr(f"x_{t}"), tr(f"h_{t}"), tr(f"ŷ_{t}")
        s.nodes += [(x, 0.0, "x", f"{x_lab} {tok}"), (x, 2.0, "h", h_lab), (x, 4.0, "y", y_lab)]
        s.arrows += [(x, 0.0, x, 2.0), (x, 2.0, x, 4.0)]
        s.labels += [(x, -0.7, f"{x_lab} {tok}".strip()), (x, 2.0, h_lab), (x, 4.7, y_lab)]
    s.carries = [(-0.9, 2.0, xs[0], 2.0)] + [(a, 2.0, b, 2.0) for a, b in zip(xs, xs[1:])]
    s.carries.append((xs[-1], 2.0, 7.2, 2.0))
    s.labels.append((-0.75, 2.45, tr("h_0")))
    s.labels += [((a + b) / 2, 2.45, tr("W_hh")) for a, b in zip(xs, xs[1:])]
    return s


def scene(stage: int, tokens=(), notation: str = "h") -> Scene:
    """The picture after move `stage` (0 = the feed-forward net before any move), labelled in the notation."""
    if not 0 <= stage <= N_STAGES:
        raise ValueError(f"stage must be between 0 and {N_STAGES}")
    if stage == N_STAGES:
        return _unrolled(tokens, notation)
    builders = [_feed_forward, lambda: _squashed(False), lambda: _squashed(True), lambda: _vertical(False)]
    s = (builders + [lambda: _vertical(True)])[stage]()
    # Stages before the unroll hold no user text, so every label can be translated whole.
    s.labels = [(x, y, translate(text, notation)) for x, y, text in s.labels]
    s.nodes = [(x, y, kind, translate(hover, notation)) for x, y, kind, hover in s.nodes]
    return s


def _scene_traces(s: Scene, *, ghost: bool = False) -> list[dict]:
    """Always the same eight traces in the same order, so frames can replace them one for one."""
    grey = GHOST if ghost else None
    wires = dict(
        type="scatter",
        x=[v for x0, _, x1, _ in s.wires for v in (x0, x1, None)],
        y=[v for _, y0, _, y1 in s.wires for v in (y0, y1, None)],
        mode="lines",
        line=dict(color=grey or "#b8c2cc", width=1),
        hoverinfo="skip",
        showlegend=False,
    )
    arrows = arrow_traces(s.arrows, color=grey or "#666", width=2.5, head=14, shorten=0.42)
    carries = arrow_traces(s.carries, color=grey or H_COLOUR, width=3, head=14, shorten=0.42)
    lx, ly = [p[0] for p in s.loop], [p[1] for p in s.loop]
    loop = dict(
        type="scatter",
        x=lx,
        y=ly,
        mode="lines+markers",
        hoverinfo="skip",
        showlegend=False,
        line=dict(color=grey or H_COLOUR, width=3),
        marker=dict(
            symbol="triangle-up",
            size=[0] * (len(lx) - 1) + [14] if lx else [],
            angleref="previous",
            color=grey or H_COLOUR,
        ),
    )
    style = [_STYLE[k] for _, _, k, _ in s.nodes]
    nodes = dict(
        type="scatter",
        x=[n[0] for n in s.nodes],
        y=[n[1] for n in s.nodes],
        mode="markers",
        showlegend=False,
        marker=dict(
            symbol=[st[0] for st in style],
            size=[st[1] for st in style],
            color=[grey or st[2] for st in style],
            line=dict(width=1, color=grey or "#333"),
        ),
        hovertext=[n[3] for n in s.nodes],
        hoverinfo="skip" if ghost else "text",
    )
    labels = dict(
        type="scatter",
        x=[p[0] for p in s.labels],
        y=[p[1] for p in s.labels],
        text=[p[2] for p in s.labels],
        mode="text",
        textfont=dict(color=grey or "#222", size=13),
        hoverinfo="skip",
        showlegend=False,
    )
    return [wires, *arrows, *carries, loop, nodes, labels]


def _title(stage: int) -> str:
    if stage == 0:
        return "A feed-forward network"
    return f"Move {stage} of {N_STAGES}: {MOVES[stage - 1][0]}"


def fold_figure(stage: int, tokens=(), *, height: int = 420, notation: str = "h", animated: bool = True) -> go.Figure:
    """Stage `stage` (1..5) drawn over a ghost of the stage before (moves 1-3).

    With `animated`, the figure also carries frames for all stages and its own '▶ Play the five moves'
    button; a page that plays the moves itself (keeping its slider and text in step) passes False.
    """
    if not 1 <= stage <= N_STAGES:
        raise ValueError(f"stage must be between 1 and {N_STAGES}")
    # The ghost shows where the move started; after the turn the old picture only gets in the way.
    ghost = _scene_traces(scene(stage - 1, tokens, notation) if stage <= 3 else Scene(), ghost=True)
    empty = _scene_traces(Scene(), ghost=True)
    frames = [
        dict(
            name=str(k),
            data=empty + _scene_traces(scene(k, tokens, notation)),
            layout=dict(title=dict(text=_title(k))),
        )
        for k in range(N_STAGES + 1)
    ]
    play = dict(
        label="▶ Play the five moves",
        method="animate",
        args=[
            None,
            dict(
                frame=dict(duration=1600, redraw=True), transition=dict(duration=0), fromcurrent=False, mode="immediate"
            ),
        ],
    )
    layout = dict(
        title=dict(text=_title(stage)),
        height=height,
        plot_bgcolor="white",
        margin=dict(l=10, r=10, t=50, b=10),
        xaxis=dict(range=list(XR), visible=False, fixedrange=True),
        yaxis=dict(range=list(YR), visible=False, scaleanchor="x", scaleratio=1, fixedrange=True),
    )
    if not animated:
        return figure(ghost + _scene_traces(scene(stage, tokens, notation)), layout)
    return figure(
        ghost + _scene_traces(scene(stage, tokens, notation)),
        dict(
            **layout,
            updatemenus=[
                dict(
                    type="buttons",
                    x=1.0,
                    y=1.0,
                    xanchor="right",
                    yanchor="bottom",
                    direction="left",
                    showactive=False,
                    buttons=[play],
                )
            ],
        ),
        frames,
    )
