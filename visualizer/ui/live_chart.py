"""A Plotly chart that stays mounted while its figure changes: the explorer's step views.

Streamlit's own chart element takes its identity from its figure, so a new step's figure is a new
element: the browser throws the old chart away and draws the new one from nothing (Plotly.newPlot),
and each such drawing forces the whole page to lay itself out again. Stepping the explorer changed
three to five charts per click, ~300–450 ms of browser work against a 250 ms target.

`live_fig` shows the figure in a small component instead (`livechart/`: an HTML page and a script,
Streamlit's component protocol spoken with postMessage). Its identity is its key, so it stays on the
page between steps, and each rerun hands it the new spec, which it redraws in place (Plotly.react)
inside its own frame. It looks like Streamlit's charts (`livechart/look.json` is Streamlit's light chart
theme as a Plotly template) and, with `on_click`, reports a click on a point (its x) as its value.

Plotly's browser bundle comes from the installed plotly package: it is copied once, next to the page,
into a directory under the system's temporary directory (the package itself may be read-only). The
browser fetches it once, not once per chart: the first chart of a page fetches it for the page and keeps
it in the browser's Cache Storage under Plotly's version, so a reload or another student's second visit
costs the server nothing (Streamlit serves component files without a cache lifetime and gzips them on
every request: ~160 ms of CPU for this file). tools/serve.py's nginx serves it precompressed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import plotly
import streamlit as st
import streamlit.components.v1 as components
from plotly.io.json import to_json_plotly

from visualizer.plots import presenter, spec_cache
from visualizer.plots.style import NO_TEMPLATE, PLOTLY_CONFIG
from visualizer.ui.core import SETTINGS_KEY, presenting

FRONTEND = Path(__file__).with_name("livechart")
FILES = ("index.html", "main.js", "look.json")
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def served_dir() -> Path:
    """The directory Streamlit serves the component from: the page, its script, its theme and plotly.min.js.

    Named by a hash of those files, so a new version of any of them gets a fresh directory."""
    digest = hashlib.sha256(plotly.__version__.encode())
    for name in FILES:
        digest.update((FRONTEND / name).read_bytes())
    out = Path(tempfile.gettempdir()) / f"rnnvis-livechart-{digest.hexdigest()[:16]}"
    if not (out / "plotly.min.js").exists():
        staging = Path(tempfile.mkdtemp(prefix="rnnvis-livechart-"))
        for name in FILES:
            shutil.copyfile(FRONTEND / name, staging / name)
        script = staging / "main.js"  # the script keys its cached copy of Plotly by Plotly's version
        script.write_text(script.read_text().replace("__PLOTLY_VERSION__", plotly.__version__))
        shutil.copyfile(PLOTLY_JS, staging / "plotly.min.js")
        try:
            os.replace(staging, out)  # atomic: another process may be doing the same
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)  # it won: use its copy
    return out


COMPONENT = components.declare_component("livechart", path=str(served_dir()))


def live_fig(fig, key: str, *, on_click: Callable[[], None] | None = None, alt: str = "") -> Any:
    """Show `fig` (a Plotly figure) in a chart that is redrawn in place when the figure changes.

    `key` is its identity (required: without one a changed figure would be a new chart). With
    `on_click`, a click on a point sets the chart's value to {"x": the point's x, "click": a counter}
    and calls `on_click` (read the value from st.session_state[key])."""
    settings: dict[str, Any] = st.session_state.get(SETTINGS_KEY) or {}
    fmt = settings.get("figure_format", "png")
    config = {**PLOTLY_CONFIG, "toImageButtonOptions": {**PLOTLY_CONFIG["toImageButtonOptions"], "format": fmt}}
    scale = presenter.PRESENTER_SCALE if presenting() else 1.0
    spec = spec_cache.frozen(fig, template=NO_TEMPLATE, transform=presenter.scale_spec if scale != 1 else None).spec
    layout = {k: v for k, v in spec.get("layout", {}).items() if k != "template"}
    title = (layout.get("title") or {}).get("text", "") if isinstance(layout.get("title"), dict) else ""
    return COMPONENT(
        spec=to_json_plotly({"data": spec.get("data", []), "layout": layout}),
        config=config,
        font_scale=scale,
        clickable=on_click is not None,
        alt=alt or title,
        key=key,
        default=None,
        on_change=on_click,
    )
