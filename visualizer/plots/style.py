"""The one figure style: colours, fonts, the Plotly config and the fast figure constructor every builder uses.

Colours follow the chain's reading: green inputs x_t, blue hidden states h_t, yellow outputs ŷ_t, orange for
what is highlighted (the current step, the true next token). Cells keep one colour on every chart.
"""

from __future__ import annotations

from typing import Any

import plotly.colors
import plotly.graph_objects as go

# Diverging scale: blue negative, white zero, red positive. Unvalidated figures need the explicit
# list: plotly.js knows "RdBu" but not Plotly.py's reversed "_r" names.
DIVERGING = "RdBu_r"
DIVERGING_SCALE = plotly.colors.get_colorscale(DIVERGING)
HIGHLIGHT = "#f58518"
FONT = dict(family="Inter, Segoe UI, sans-serif", size=13)
X_COLOUR, H_COLOUR, Y_COLOUR = "#54a24b", "#4c78a8", "#eeca3b"
GHOST = "#d9d9d9"  # where a diagram's move started
DECODER_COLOUR = "#b279a2"  # the encoder-decoder's second set of weights
FEEDBACK_COLOUR = "#9d755d"  # an output fed back in as the next input
ALERT = "#d62728"  # outside the unit circle, overflow
BOUND_COLOUR = "#222222"  # theoretical bounds, drawn dotted and dark: on top of every line, never lost among them
SIGMA_COLOUR = "#999999"  # sigma_max's circle beside the eigenvalues
CELL_COLOURS = {"rnn": H_COLOUR, "lstm": HIGHLIGHT, "gru": X_COLOUR}  # vanilla RNN, LSTM, GRU

# The Plotly toolbar's camera button exports at slide resolution (1600x900 at 2x).
PLOTLY_CONFIG: dict[str, Any] = {
    "displaylogo": False,
    "toImageButtonOptions": {"format": "png", "width": 1600, "height": 900, "scale": 2, "filename": "rnn-visualizer"},
    "modeBarButtonsToRemove": ["lasso2d", "select2d"],
}


# Streamlit themes every chart in the browser, so Plotly's own default template (~7 KB) would only be
# built, deep-copied and sent with each figure on every rerun: an empty one costs nothing.
NO_TEMPLATE: dict[str, dict] = {"layout": {}}


class LightFigure(go.Figure):
    """A go.Figure kept as the plain dicts it was built from until something reads or changes it.

    Showing a figure only needs its spec (``to_dict``); building Plotly's object tree first, even
    unvalidated, was a third of the server time of an explorer step (each step draws three figures).
    Any other use — ``fig.layout``, ``fig.data``, ``update_layout``, ``fig["layout"]`` — builds the
    real figure in place on first access (``__getattr__`` runs when Plotly's own attributes are not
    there yet), after which it is an ordinary go.Figure.
    """

    def __init__(self, data: Any = None, layout: dict | None = None, frames: list[dict] | None = None, **_: Any):
        if isinstance(data, dict) and ("data" in data or "layout" in data):  # pickling / copy hands one dict
            data, layout, frames = data.get("data"), data.get("layout"), data.get("frames")
        spec: dict[str, Any] = {"data": list(data or []), "layout": dict(layout or {})}
        if frames:
            spec["frames"] = list(frames)
        self.__dict__["_light"] = spec

    def _materialise(self) -> bool:
        spec = self.__dict__.get("_light")
        if spec is None:
            return False
        self.__dict__["_light"] = None  # attributes read during __init__ must fail normally, not recurse
        go.Figure.__init__(self, data=spec["data"], layout=spec["layout"], frames=spec.get("frames"), _validate=False)
        return True

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or not self._materialise():
            raise AttributeError(name)
        return getattr(self, name)

    def __getitem__(self, prop: Any) -> Any:
        self._materialise()
        return super().__getitem__(prop)

    def to_dict(self) -> dict[str, Any]:
        spec = self.__dict__.get("_light")
        if spec is None:
            return super().to_dict()
        out: dict[str, Any] = {"data": [dict(t) for t in spec["data"]], "layout": dict(spec["layout"])}
        if "frames" in spec:
            out["frames"] = [dict(f) for f in spec["frames"]]
        return out

    def to_plotly_json(self) -> dict[str, Any]:
        return self.to_dict()


def figure(data: list[dict], layout: dict, frames: list[dict] | None = None) -> go.Figure:
    """A figure from plain dicts without per-property validation (titles must be {'text': ...}).

    A LightFigure: the dicts are the spec until something asks for Plotly's objects."""
    return LightFigure(data=data, layout={"font": FONT, "template": NO_TEMPLATE, **layout}, frames=frames)


def heading(text: str) -> dict:
    """A layout title for figures built without validation."""
    return {"text": text}


def short(tok: str, n: int = 12) -> str:
    """A token as a short visible label: spaces, newlines and tabs shown, long tokens cut with an ellipsis."""
    tok = tok.replace(" ", "␣").replace("\n", "↵").replace("\t", "⇥")
    return tok if len(tok) <= n else tok[: n - 1] + "…"
