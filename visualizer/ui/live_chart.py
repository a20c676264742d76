"""Plotly charts that stay mounted while their figures change: the explorer's step views.

Streamlit's own chart element takes its identity from its figure, so a new step's figure is a new
element: the browser throws the old chart away and draws the new one from nothing (Plotly.newPlot),
and each such drawing forces the whole page to lay itself out again. Stepping the explorer changed
three to five charts per click, ~300–450 ms of browser work against a 250 ms target.

`live_fig` shows figures in a small component instead (`livechart/`: an HTML page and a script,
Streamlit's component protocol spoken with postMessage). Its identity is its key, so it stays on the
page between steps, and each rerun hands it the new specs, which it redraws in place (Plotly.react)
inside its own frame; figures that sit together share a frame (rows of charts side by side). It looks
like Streamlit's charts (`livechart/look.json` is Streamlit's light chart theme as a Plotly template)
and, with `on_click`, reports a click on a point (its x) as its value.

Plotly's browser bundle is the 2-D "cartesian" one when tools/fetch_plotly_bundle.py has fetched it,
else the full one from the plotly package; it is copied once, next to the page, into a directory under
the system's temporary directory (the package itself may be read-only). The browser fetches it once,
not once per frame: the first frame of a page fetches it for the page and keeps it in the browser's
Cache Storage under Plotly's version, so a reload costs the server nothing (Streamlit serves component
files without a cache lifetime and gzips them on every request: ~160 ms of CPU for the full bundle).
tools/serve.py's nginx serves it precompressed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import plotly
import streamlit.components.v1 as components
from plotly.io.json import to_json_plotly

from visualizer import ROOT
from visualizer.plots import presenter, spec_cache
from visualizer.plots.style import NO_TEMPLATE
from visualizer.ui import compat
from visualizer.ui.binding import presenting
from visualizer.ui.served import served_copy
from visualizer.ui.show import plotly_config

FRONTEND = Path(__file__).with_name("livechart")
KEYS_JS = Path(__file__).with_name("keys.js")  # key forwarding, shared with the live equations' frame
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
# Plotly's 2-D-only bundle, fetched by tools/fetch_plotly_bundle.py (make run / make test): a third of the
# full bundle's size and of its evaluation time, which every chart frame pays once when a page opens.
CARTESIAN_DIR = ROOT / ".cache" / "plotly"
# The trace types the cartesian bundle draws (plotly.js's dist README); the live charts use only these.
CARTESIAN_TYPES = frozenset({"scatter", "bar", "heatmap", "histogram", "histogram2d", "contour", "box", "image"})


def plotly_bundle() -> Path:
    """The bundle the live charts load: the cartesian one for the installed plotly.js version if fetched,
    else the full one from the plotly package."""
    from plotly.offline import get_plotlyjs_version

    cartesian = CARTESIAN_DIR / f"plotly-cartesian-{get_plotlyjs_version()}.min.js"
    return cartesian if cartesian.is_file() else PLOTLY_JS


def look() -> dict:
    """Streamlit's light chart theme as a Plotly template (livechart/look.json), titles in the theme's text colour."""
    template = json.loads((FRONTEND / "look.json").read_text())
    template["layout"]["title"]["font"]["color"] = compat.TEXT_COLOR
    return template


def page_html() -> str:
    """The component's page as served: index.html with its script and Streamlit's look written in (one
    request per chart frame, not three), and the script told Plotly's version (its cache key)."""
    script = KEYS_JS.read_text() + "\n" + (FRONTEND / "main.js").read_text()
    script = script.replace("__PLOTLY_VERSION__", plotly.__version__)
    script = script.replace("const LOOK = null;", "const LOOK = " + json.dumps(look()) + ";")
    # "</" cannot end the inline script early: the script and the template contain none of it
    if "</" in script:
        raise ValueError("main.js must not contain '</' (it is written inline into the page)")
    return (
        (FRONTEND / "index.html").read_text().replace('<script src="main.js"></script>', f"<script>\n{script}</script>")
    )


def served_dir() -> Path:
    """The directory Streamlit serves the component from: its page (page_html()) and Plotly's bundle (as
    plotly.min.js, whichever plotly_bundle() chose); a new version of either gets a fresh directory."""
    return served_copy("livechart", {"index.html": page_html()}, {"plotly.min.js": plotly_bundle()})


COMPONENT = components.declare_component("livechart", path=str(served_dir()))


def _spec(fig, scale: float) -> dict:
    """What the frame is sent for one figure: its data and layout, without a template (the frame's look
    is Streamlit's), fonts scaled in presenter mode."""
    spec = spec_cache.frozen(fig, template=NO_TEMPLATE, transform=presenter.scale_spec if scale != 1 else None).spec
    layout = {k: v for k, v in spec.get("layout", {}).items() if k not in ("template", "meta")}
    out = {"data": spec.get("data", []), "layout": layout}
    meta = spec.get("layout", {}).get("meta")
    if isinstance(meta, dict) and "revealed_x" in meta:
        # Read by the frame, not by Plotly: a changed `meta` would make Plotly draw the chart anew.
        out["revealed_x"] = meta["revealed_x"]
    elif meta is not None:
        layout["meta"] = meta
    return out


def live_fig(figs, key: str, *, on_click: Callable[[], None] | None = None) -> Any:
    """Show Plotly figures in one frame whose charts are redrawn in place when the figures change.

    `figs` is a figure, or rows of figures (a list of lists: each row's figures side by side, each row
    as tall as its tallest figure). Figures that sit together on the page belong in one call: each frame
    evaluates Plotly once when the page opens. `key` is the frame's identity (required: without one a
    changed figure would be a new frame). With `on_click`, a click on a point sets the value to
    {"x": the point's x, "click": a counter} and calls `on_click` (read it from st.session_state[key])."""
    rows = figs if isinstance(figs, list) else [[figs]]
    config = plotly_config()
    scale = presenter.PRESENTER_SCALE if presenting() else 1.0
    return COMPONENT(
        spec=to_json_plotly({"rows": [[_spec(fig, scale) for fig in row] for row in rows if row]}),
        config=config,
        font_scale=scale,
        clickable=on_click is not None,
        key=key,
        default=None,
        on_change=on_click,
    )
