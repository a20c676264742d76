"""Pure Altair builders for the Train page: the loss curve, P(next) over training, next-token bars.

Each takes plain lists and returns an alt.Chart, so tests can read its spec with .to_dict().
No Streamlit here.
"""

from __future__ import annotations

import math

import altair as alt

from visualizer.plots.style import H_COLOUR as LOSS_COLOR
from visualizer.plots.style import HIGHLIGHT as WATCH_COLOR


def show_token(tok: str) -> str:
    """A token as a readable label: space, newline and tab made visible."""
    return tok.replace(" ", "␣").replace("\n", "↵").replace("\t", "⇥")


def loss_chart(
    steps: list[int],
    losses: list[float],
    vocab_size: int,
    *,
    heldout: tuple[list[int], list[float]] | None = None,
    baselines: dict[str, float] | None = None,
    height: int = 260,
) -> alt.Chart:
    """Mean cross-entropy per token against the step: training (and held-out) curves, the uniform guess ln V
    and each memoryless baseline (name -> its held-out loss) as horizontal rules."""
    rows = [{"step": s, "loss": v, "curve": "training text"} for s, v in zip(steps, losses) if math.isfinite(v)]
    if heldout is not None:
        rows += [{"step": s, "loss": v, "curve": "held-out text"} for s, v in zip(*heldout) if math.isfinite(v)]
    curves = ["training text", "held-out text"] if heldout is not None else ["training text"]
    line = (
        alt.Chart(alt.Data(values=rows))
        .mark_line(point=len(rows) < 40)
        .encode(
            x=alt.X("step:Q", title="training step"),
            y=alt.Y("loss:Q", title="loss (nats per token)", scale=alt.Scale(zero=True)),
            color=alt.Color(
                "curve:N",
                title=None,
                scale=alt.Scale(domain=curves, range=[LOSS_COLOR, WATCH_COLOR][: len(curves)]),
                legend=alt.Legend(orient="top"),
            ),
            tooltip=[
                alt.Tooltip("curve:N", title=""),
                alt.Tooltip("step:Q", title="step"),
                alt.Tooltip("loss:Q", title="loss", format=".3f"),
            ],
        )
    )
    rules = [{"y": math.log(max(vocab_size, 1)), "label": "uniform guess, ln V"}]
    rules += [{"y": v, "label": f"{name} (no memory)"} for name, v in (baselines or {}).items() if math.isfinite(v)]
    guess = (
        alt.Chart(alt.Data(values=rules))
        .mark_rule(strokeDash=[6, 4], color="#888")
        .encode(y="y:Q", tooltip=[alt.Tooltip("label:N", title=""), alt.Tooltip("y:Q", title="loss", format=".3f")])
    )
    labels = (
        alt.Chart(alt.Data(values=rules))
        .mark_text(align="right", baseline="bottom", dx=-2, dy=-2, color="#666", fontSize=11)
        .encode(y="y:Q", x=alt.value(alt.expr("width")), text="label:N")
    )
    return (guess + labels + line).properties(height=height, title="Loss while training")


def watch_chart(steps: list[int], probs: list[float], label: str, *, height: int = 200) -> alt.Chart:
    """P(label) after a fixed prompt (named in the page's caption), per chunk, on a fixed 0..1 axis."""
    rows = [{"step": s, "p": p} for s, p in zip(steps, probs)]
    return (
        alt.Chart(alt.Data(values=rows))
        .mark_line(color=WATCH_COLOR, point=alt.OverlayMarkDef(color=WATCH_COLOR) if len(rows) < 60 else False)
        .encode(
            x=alt.X("step:Q", title="training step"),
            y=alt.Y("p:Q", title=f"P({label})", scale=alt.Scale(domain=[0, 1])),
            tooltip=[alt.Tooltip("step:Q", title="step"), alt.Tooltip("p:Q", title="probability", format=".3f")],
        )
        .properties(height=height, title=f"P(next is {label}) as training goes on")
    )


def next_token_chart(
    top: list[tuple[str, float]], *, highlight: str | None = None, height: int | None = None
) -> alt.Chart:
    """Horizontal bars of the most probable next tokens, most probable on top."""
    rows = [{"token": show_token(t), "p": p, "rank": i, "hit": t == highlight} for i, (t, p) in enumerate(top)]
    return (
        alt.Chart(alt.Data(values=rows))
        .mark_bar()
        .encode(
            y=alt.Y("token:N", title="next token", sort=alt.EncodingSortField(field="rank", order="ascending")),
            x=alt.X("p:Q", title="probability", scale=alt.Scale(domain=[0, 1])),
            color=alt.condition(alt.datum.hit, alt.value(WATCH_COLOR), alt.value(LOSS_COLOR)),
            tooltip=[alt.Tooltip("token:N", title="token"), alt.Tooltip("p:Q", title="probability", format=".3f")],
        )
        .properties(height=height or 24 * max(len(rows), 1) + 40, title="P(next token | prompt)")
    )
