"""Pure Plotly builder for the sequence-type diagram. No Streamlit here.

One column per step of the cell, three rows: the input x_t (bottom), the hidden state h_t
(middle) and the output ŷ_t (top). A node is drawn only where that step reads the user's token,
reads its own previous output (dashed line from ŷ_{t-1}), reads the decoder's <start> vector,
or emits an output. Blue arrows carry h_{t-1} -> h_t; in an encoder–decoder the encoder's final
state is marked as the context c and its arrow into the decoder is drawn in orange. Long
sequences keep their first and last steps (and the encoder/decoder seam) and fold the middle
into a "⋯ n steps ⋯" gap, so the picture stays readable for any length.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from visualizer.labs.sequences.seqtypes import FEEDBACK, INPUT, LABELS, START, START_LABEL, Layout
from visualizer.plots.style import (
    DECODER_COLOUR,
    FEEDBACK_COLOUR,
    H_COLOUR,
    HIGHLIGHT,
    X_COLOUR,
    Y_COLOUR,
    figure,
    heading,
    short,
)

ENCODER_COLOUR, INPUT_COLOUR, OUTPUT_COLOUR = H_COLOUR, X_COLOUR, Y_COLOUR

# Trace names, which the tests and the legend rely on.
TRACE_INPUT = "x_t: your token"
TRACE_FEEDBACK = "x_t: own previous output"
TRACE_START = "x_t: <start>"
TRACE_HIDDEN = "h_t: hidden state"
TRACE_OUTPUT = "ŷ_t: output"
TRACE_ATTENTION = "attention α"
ATTENTION_COLOUR = "#e45756"


def visible_steps(n: int, max_cols: int, keep: Sequence[int] = ()) -> list[int]:
    """0-based steps to draw: all when n <= max_cols, else the first and last few plus `keep` (±1)."""
    if n <= max_cols:
        return list(range(n))
    k = max(1, (max_cols - 3 * len(keep)) // 2)
    shown = set(range(k)) | set(range(n - k, n))
    for s in keep:
        shown |= {s - 1, s, s + 1} & set(range(n))
    return sorted(shown)


def _columns(steps: list[int]) -> tuple[dict[int, float], list[tuple[float, int]]]:
    """x position of each drawn step, and the gaps (x, number of hidden steps) between them."""
    pos: dict[int, float] = {}
    gaps: list[tuple[float, int]] = []
    x = 0.0
    for i, s in enumerate(steps):
        if i and s != steps[i - 1] + 1:
            x += 1
            gaps.append((x, s - steps[i - 1] - 1))
        x += 1
        pos[s] = x
    return pos, gaps


def _arrow(
    notes: list[dict],
    x0: float,
    y0: float,
    x1: float,
    y1: float,
    colour: str = "#888",
    width: float = 1.5,
    text: str = "",
) -> None:
    notes.append(
        dict(
            x=x1,
            y=y1,
            ax=x0,
            ay=y0,
            xref="x",
            yref="y",
            axref="x",
            ayref="y",
            showarrow=True,
            arrowhead=2,
            arrowcolor=colour,
            arrowwidth=width,
            text=text,
        )
    )


def type_diagram(
    lay: Layout,
    *,
    in_labels: Sequence[str] | None = None,
    out_labels: Sequence[str | None] | None = None,
    h_norms: Sequence[float] | None = None,
    attention: tuple[int, np.ndarray] | None = None,
    max_cols: int = 24,
) -> go.Figure:
    """The unrolled network for one sequence type and length.

    Args:
        lay: which steps read what and which emit (seqtypes.layout).
        in_labels: N tokens read (the user's, fed back, or <start>); step numbers when None.
        out_labels: N emitted tokens (None where nothing is emitted); 'ŷ' when None.
        h_norms: N values ‖h_t‖ for the hover.
        attention: (0-based decoder step, its weights α over the encoder steps, (S,)): drawn as arcs from
            every encoder state to that step, their width and label the weight.
        max_cols: most step columns drawn before the middle is folded.
    Returns:
        A figure whose traces are named TRACE_*; the input/output traces hold one node per
        drawn step that reads a token / emits an output.
    """
    N = lay.n_steps
    keep = [] if lay.context_step is None else [lay.context_step, lay.context_step + 1]
    steps = visible_steps(N, max_cols, keep)
    pos, gaps = _columns(steps)
    traces: list[dict] = []
    notes: list[dict] = []  # plain dicts, validated by the tests, not on every rerun

    def label_in(s: int) -> str:
        return (
            short(in_labels[s]) if in_labels is not None else (START_LABEL if lay.source[s] == START else f"x{s + 1}")
        )

    def label_out(s: int) -> str:
        o = out_labels[s] if out_labels is not None else None
        return short(o) if o is not None else "ŷ"

    # ---- arrows: x -> h, h -> y, h_{t-1} -> h_t, ŷ_{t-1} - - -> x_t
    for i, s in enumerate(steps):
        x = pos[s]
        _arrow(notes, x, 0.25, x, 0.78)
        if lay.emits[s]:
            _arrow(notes, x, 1.22, x, 1.75)
        if i and steps[i - 1] == s - 1:
            prev = pos[s - 1]
            seam = lay.context_step is not None and s - 1 == lay.context_step
            _arrow(notes, prev + 0.2, 1, x - 0.2, 1, HIGHLIGHT if seam else ENCODER_COLOUR, 3 if seam else 2)
            if seam:
                notes.append(
                    dict(x=(prev + x) / 2, y=1.3, text="context c", showarrow=False, font=dict(color=HIGHLIGHT))
                )
    for x, hidden in gaps:
        notes.append(dict(x=x, y=1, text=f"⋯ {hidden} steps ⋯", showarrow=False, font=dict(color="#666")))
    fb = [s for s in steps if lay.source[s] == FEEDBACK and s - 1 in pos]
    if fb:
        xs: list[float | None] = []
        ys: list[float | None] = []
        for s in fb:
            xs += [pos[s - 1] + 0.12, pos[s] - 0.12, None]
            ys += [1.85, 0.12, None]
        traces.append(
            dict(
                type="scatter",
                x=xs,
                y=ys,
                mode="lines",
                name="fed back",
                hoverinfo="skip",
                showlegend=False,
                line=dict(color=FEEDBACK_COLOUR, dash="dash", width=1.5),
            )
        )

    # ---- nodes
    def nodes(selected: list[int], y: float, name: str, symbol: str, colour, text, hover: str, position: str):
        traces.append(
            dict(
                type="scatter",
                x=[pos[s] for s in selected],
                y=[y] * len(selected),
                mode="markers+text",
                name=name,
                marker=dict(symbol=symbol, size=26, color=colour, line=dict(width=1, color="#333")),
                text=text,
                textposition=position,
                textfont=dict(size=13 if len(steps) <= 14 else 10),  # long runs: smaller labels, less overlap
                customdata=[s + 1 for s in selected],
                hovertemplate=hover + "<extra></extra>",
            )
        )

    for source, name, colour in (
        (INPUT, TRACE_INPUT, INPUT_COLOUR),
        (FEEDBACK, TRACE_FEEDBACK, FEEDBACK_COLOUR),
        (START, TRACE_START, "#bab0ac"),
    ):
        sel = [s for s in steps if lay.source[s] == source]
        nodes(
            sel,
            0,
            name,
            "diamond",
            colour,
            [label_in(s) for s in sel],
            "step %{customdata}: reads %{text}",
            "bottom center",
        )
    cells = [DECODER_COLOUR if lay.decoder[s] else ENCODER_COLOUR for s in steps]
    cells = [HIGHLIGHT if s == lay.context_step else c for s, c in zip(steps, cells)]
    norms = [f"‖h‖ = {h_norms[s]:.3f}" if h_norms is not None else "" for s in steps]
    nodes(steps, 1, TRACE_HIDDEN, "square", cells, [""] * len(steps), "", "middle center")
    traces[-1].update(hovertext=norms, hovertemplate="h at step %{customdata}<br>%{hovertext}<extra></extra>")
    sel = [s for s in steps if lay.emits[s]]
    nodes(
        sel,
        2,
        TRACE_OUTPUT,
        "circle",
        OUTPUT_COLOUR,
        [label_out(s) for s in sel],
        "step %{customdata}: emits %{text}",
        "top center",
    )

    if attention is not None and lay.context_step is not None:
        _attention_arcs(traces, notes, pos, attention, lay.context_step)

    if lay.context_step is not None:
        mid_enc = (pos[steps[0]] + pos[lay.context_step]) / 2
        mid_dec = (pos[lay.context_step + 1] + pos[steps[-1]]) / 2
        for x, text, colour in (
            (mid_enc, "encoder (weights W)", ENCODER_COLOUR),
            (mid_dec, "decoder (weights W′)", DECODER_COLOUR),
        ):
            notes.append(dict(x=x, y=2.65, text=f"<b>{text}</b>", showarrow=False, font=dict(color=colour)))

    n_in, n_out = lay.n_inputs, lay.n_outputs
    title = (
        f"{LABELS[lay.kind]}: {n_in} input{'s' * (n_in != 1)} → {n_out} output{'s' * (n_out != 1)}, "
        f"{N} step{'s' * (N != 1)} of the cell"
    )
    last = max(pos.values())
    return figure(
        traces,
        dict(
            annotations=notes,
            title=heading(title),
            xaxis=dict(
                title="time step (one column per use of the cell)",
                range=[0.3, last + 0.7],
                zeroline=False,
                showgrid=False,
                tickvals=[pos[s] for s in steps],
                ticktext=[str(s + 1) for s in steps],
            ),
            yaxis=dict(
                tickvals=[0, 1, 2],
                ticktext=["input x_t", "hidden h_t", "output ŷ_t"],
                range=[-0.75, 2.85],
                zeroline=False,
                showgrid=False,
            ),
            height=340,
            showlegend=False,
            margin=dict(l=90, r=20, t=50, b=50),
        ),
    )


def _attention_arcs(
    traces: list[dict], notes: list[dict], pos: dict[int, float], attention: tuple[int, np.ndarray], last_enc: int
) -> None:
    """Arcs from each drawn encoder state s to the decoder step: width 1 + 9 α_s, weight written on the arc."""
    step, weights = attention
    if step not in pos:
        return
    x1 = pos[step]
    span = max(x1 - pos.get(0, 1.0), 1.0)
    for s in range(min(len(weights), last_enc + 1)):
        if s not in pos:
            continue
        a = float(weights[s])
        x0 = pos[s]
        peak = 1.3 + 0.9 * (x1 - x0) / span
        u = np.linspace(0.0, 1.0, 17)
        traces.append(
            dict(
                type="scatter",
                x=x0 + (x1 - x0) * u,
                y=1.12 + (peak - 1.12) * 4 * u * (1 - u),
                mode="lines",
                name=TRACE_ATTENTION,
                showlegend=False,
                line=dict(color=ATTENTION_COLOUR, width=1 + 9 * a),
                opacity=0.25 + 0.75 * a,
                hovertemplate=f"α = {a:.3f}<extra>attention</extra>",
            )
        )
        if a >= 0.1:
            notes.append(
                dict(
                    x=(x0 + x1) / 2, y=peak + 0.06, text=f"{a:.0%}", showarrow=False, font=dict(color=ATTENTION_COLOUR)
                )
            )


def fmt_norms(hs: np.ndarray) -> list[float]:
    """‖h_t‖ for t = 1..N from hs (N+1, H)."""
    return [float(v) for v in np.linalg.norm(hs[1:], axis=-1)]
