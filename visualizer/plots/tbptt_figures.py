"""Pure Plotly builder for the Train page's truncated-BPTT picture (labs/training/tbptt.py). No Streamlit here.

windows_figure   one row per window of one stream: its tokens, the hidden state carried from the end of one
                 row to the start of the next (blue arrow), the gradient flowing back along the row and stopping
                 at the row's start (red arrow and bar)
"""

from __future__ import annotations

from collections.abc import Sequence

from visualizer.labs.training.tbptt import Window
from visualizer.plots.style import ALERT, H_COLOUR, figure, heading, short

CARRY_BAND = 1.08  # below a window: its gradient arrow at 0.55, the carried state's path at this depth
ROW = 1.7  # vertical distance between two windows, in data units
PLOT_PX = 640  # about the plot's width at 1280 px (for how many characters of a word fit in a cell)


def _arrow(x_from: float, x_to: float, y: float, colour: str) -> dict:
    """A horizontal arrow from x_from to x_to at height y, in data coordinates."""
    return dict(
        x=x_to, y=y, ax=x_from, ay=y, xref="x", yref="y", axref="x", ayref="y",
        showarrow=True, arrowhead=2, arrowwidth=2, arrowcolor=colour, text="",
    )  # fmt: skip


def _label(token: str, cell_chars: int) -> str:
    return short(token, max(1, cell_chars))


def windows_figure(wins: Sequence[Window], *, level: str, batch: int, height: int | None = None):
    """The windows as rows of tokens with the carried state and the stopped gradient drawn."""
    T = len(wins[0].tokens) if wins else 1
    cell_chars = max(1, int(PLOT_PX / max(T, 1) / 7.0))  # ~7 px per character at 11 px
    stagger = 0.0
    if cell_chars < 6 and max((len(tok) for w in wins for tok in w.tokens), default=1) > cell_chars:
        stagger, cell_chars = 0.13, 2 * cell_chars  # long tokens: every other one a little higher, twice the room
    xs, ys, text, hover = [], [], [], []
    shapes, notes = [], []
    carry_x: list[float | None] = []
    carry_y: list[float | None] = []
    for k, w in enumerate(wins):
        y = -k * ROW
        for t, tok in enumerate(w.tokens):
            xs.append(t)
            ys.append(y + (stagger if t % 2 == 0 else -stagger))
            text.append(_label(tok, cell_chars))
            hover.append(f"step {w.step}, t = {t + 1} of {T}<br>token {w.start + t + 1} of the text: {short(tok, 30)}")
        shapes.append(  # the window
            dict(
                type="rect",
                x0=-0.5,
                x1=T - 0.5,
                y0=y - 0.32,
                y1=y + 0.32,
                line=dict(color="#999", width=1),
                fillcolor="rgba(76,120,168,0.08)",
                layer="below",
            )
        )
        shapes.append(  # the gradient stops here
            dict(type="line", x0=-0.5, x1=-0.5, y0=y - 0.75, y1=y + 0.32, line=dict(color=ALERT, width=5))
        )
        notes.append(_arrow(T - 0.6, -0.4, y - 0.55, ALERT))  # the gradient flowing back through the window
        notes.append(
            dict(
                x=(T - 1) / 2,
                y=y - 0.55,
                text=f"∂L/∂h back through {T} steps, stops at the window's start",
                showarrow=False,
                font=dict(color=ALERT, size=11),
                bgcolor="white",
                xref="x",
                yref="y",
            )
        )
        if k + 1 < len(wins):  # the hidden state carried into the next window: out at the right, in at the left
            band, nxt = y - CARRY_BAND, y - ROW
            carry_x += [T - 0.5, T - 0.15, T - 0.15, -0.95, -0.95, None]
            carry_y += [y, y, band, band, nxt, None]
            notes.append(_arrow(-0.95, -0.52, nxt, H_COLOUR))
            notes.append(
                dict(
                    x=(T - 1) / 2,
                    y=band,
                    text=f"h carried into step {w.step + 1} (no gradient comes back along it)",
                    showarrow=False,
                    font=dict(color=H_COLOUR, size=11),
                    bgcolor="white",
                    xref="x",
                    yref="y",
                )
            )
    carry = dict(
        type="scatter",
        mode="lines",
        x=carry_x,
        y=carry_y,
        line=dict(color=H_COLOUR, width=2),
        hoverinfo="skip",
        name="hidden state carried",
        showlegend=False,
    )
    trace = dict(
        type="scatter",
        mode="text",
        x=xs,
        y=ys,
        text=text,
        textfont=dict(size=11, family="DejaVu Sans Mono, monospace"),
        hovertext=hover,
        hoverinfo="text",
        name="tokens",
        showlegend=False,
    )
    ticks = [-k * ROW for k in range(len(wins))]
    labels = [f"step {w.step}<br>tokens {w.start + 1}–{w.start + T}" for w in wins]
    return figure(
        [carry, trace],
        dict(
            title=heading(f"Truncated BPTT: the text cut into windows of T = {T} (stream 1 of {batch})"),
            xaxis=dict(
                title=heading(f"t, step inside the window (1–{T})"),
                range=[-1.3, T + 0.1],
                showgrid=False,
                zeroline=False,
                tickvals=[0, T - 1],
                ticktext=["1", str(T)],
            ),
            yaxis=dict(
                tickvals=ticks,
                ticktext=labels,
                range=[-(len(wins) - 1) * ROW - 1.0, 0.6],
                showgrid=False,
                zeroline=False,
            ),
            shapes=shapes,
            annotations=notes,
            height=height or 110 + 105 * len(wins),
            margin=dict(l=120, r=20, t=40, b=45),
        ),
    )
