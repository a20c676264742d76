"""Pure builders for the Train page's live charts: the loss curve, P(next) over training, next-token bars.

Each takes plain lists and returns a Vega-Lite spec (a `VegaSpec`, a dict; `.to_dict()` gives it too).
The charts are redrawn every second or two for every student training, so the chart *structure* is
built with Altair once per shape (title, curves, mark options: a few distinct ones) and kept, with its
data as named datasets; each call only fills in the data. Building and validating an Altair chart takes
~100 ms here, which a class of fifty redrawing three charts could not afford. No Streamlit here.
"""

from __future__ import annotations

import copy
import functools
import math
from typing import Any

import altair as alt

from visualizer.plots.style import H_COLOUR as LOSS_COLOR
from visualizer.plots.style import HIGHLIGHT as WATCH_COLOR


class VegaSpec(dict):
    """A Vega-Lite spec (a plain dict) that also answers `.to_dict()`, as an Altair chart does."""

    def to_dict(self) -> dict[str, Any]:
        return self


def _filled(template: dict[str, Any], description: str | None = None, **datasets: list[dict]) -> VegaSpec:
    """A copy of a cached template with its named datasets filled in (the template itself never changes)."""
    spec = VegaSpec(copy.deepcopy(template))
    spec["datasets"] = {name: rows for name, rows in datasets.items()}
    if description is not None:
        spec["description"] = description
    return spec


def rows_of(spec: dict[str, Any], part: dict[str, Any] | None = None) -> list[dict]:
    """The data rows a spec (or one of its layers) draws: its inline values, or the named dataset it refers to."""
    data = (part or spec).get("data", {})
    return data["values"] if "values" in data else spec.get("datasets", {}).get(data.get("name"), [])


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
) -> VegaSpec:
    """Mean cross-entropy per token against the step: training (and held-out) curves, the uniform guess ln V
    and each memoryless baseline (name -> its held-out loss) as horizontal rules."""
    rows = [{"step": s, "loss": v, "curve": "training text"} for s, v in zip(steps, losses) if math.isfinite(v)]
    if heldout is not None:
        rows += [{"step": s, "loss": v, "curve": "held-out text"} for s, v in zip(*heldout) if math.isfinite(v)]
    rules = [{"y": math.log(max(vocab_size, 1)), "label": "uniform guess, ln V"}]
    rules += [{"y": v, "label": f"{name} (no memory)"} for name, v in (baselines or {}).items() if math.isfinite(v)]
    template = _loss_template(heldout is not None, len(rows) < 40, height)
    return _filled(template, loss_description(steps, losses), loss_rows=rows, loss_rules=rules)


@functools.lru_cache(maxsize=16)
def _loss_template(with_heldout: bool, points: bool, height: int) -> dict[str, Any]:
    curves = ["training text", "held-out text"] if with_heldout else ["training text"]
    line = (
        alt.Chart(alt.NamedData(name="loss_rows"))
        .mark_line(point=points)
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
    guess = (
        alt.Chart(alt.NamedData(name="loss_rules"))
        .mark_rule(strokeDash=[6, 4], color="#888")
        .encode(y="y:Q", tooltip=[alt.Tooltip("label:N", title=""), alt.Tooltip("y:Q", title="loss", format=".3f")])
    )
    labels = (
        alt.Chart(alt.NamedData(name="loss_rules"))
        .mark_text(align="right", baseline="bottom", dx=-2, dy=-2, color="#666", fontSize=11)
        .encode(y="y:Q", x=alt.value(alt.expr("width")), text="label:N")
    )
    return (guess + labels + line).properties(height=height, title="Loss while training").to_dict()


def loss_description(steps: list[int], losses: list[float]) -> str:
    """The chart's text for screen readers (and for tests): the span of the training curve and where it ends."""
    points = [(s, v) for s, v in zip(steps, losses) if math.isfinite(v)]
    if not points:
        return "Loss while training: no step yet."
    (s0, v0), (s1, v1) = points[0], points[-1]
    return f"Loss while training, steps {s0:,} to {s1:,}: from {v0:.3f} to {v1:.3f} nats per token."


def watch_chart(
    steps: list[int], probs: list[float], label: str, *, until: int | None = None, height: int = 200
) -> VegaSpec:
    """P(label) after a fixed prompt (named in the page's caption), on a fixed 0..1 axis; the step axis runs to
    `until` (the step trained so far: P is measured every few steps, the axis still spans the whole run)."""
    rows = [{"step": s, "p": p} for s, p in zip(steps, probs)]
    spec = _filled(_watch_template(label, len(rows) < 60, height), watch_rows=rows)
    last = max([until or 0, *steps, 1])
    spec["encoding"]["x"]["scale"] = {"domain": [0, last], "nice": False}
    return spec


@functools.lru_cache(maxsize=16)
def _watch_template(label: str, points: bool, height: int) -> dict[str, Any]:
    return (
        alt.Chart(alt.NamedData(name="watch_rows"))
        .mark_line(color=WATCH_COLOR, point=alt.OverlayMarkDef(color=WATCH_COLOR) if points else False)
        .encode(
            x=alt.X("step:Q", title="training step"),
            y=alt.Y("p:Q", title=f"P({label})", scale=alt.Scale(domain=[0, 1])),
            tooltip=[alt.Tooltip("step:Q", title="step"), alt.Tooltip("p:Q", title="probability", format=".3f")],
        )
        .properties(height=height, title=f"P(next is {label}) as training goes on")
        .to_dict()
    )


def next_token_chart(
    top: list[tuple[str, float]], *, highlight: str | None = None, height: int | None = None
) -> VegaSpec:
    """Horizontal bars of the most probable next tokens, most probable on top."""
    rows = [{"token": show_token(t), "p": p, "rank": i, "hit": t == highlight} for i, (t, p) in enumerate(top)]
    return _filled(_next_token_template(height or 24 * max(len(rows), 1) + 40), token_rows=rows)


@functools.lru_cache(maxsize=16)
def _next_token_template(height: int) -> dict[str, Any]:
    return (
        alt.Chart(alt.NamedData(name="token_rows"))
        .mark_bar()
        .encode(
            y=alt.Y("token:N", title="next token", sort=alt.EncodingSortField(field="rank", order="ascending")),
            x=alt.X("p:Q", title="probability", scale=alt.Scale(domain=[0, 1])),
            color=alt.condition(alt.datum.hit, alt.value(WATCH_COLOR), alt.value(LOSS_COLOR)),
            tooltip=[alt.Tooltip("token:N", title="token"), alt.Tooltip("p:Q", title="probability", format=".3f")],
        )
        .properties(height=height, title="P(next token | prompt)")
        .to_dict()
    )
