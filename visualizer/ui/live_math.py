"""The explorer's equations with numbers, kept on the page while the step changes (a Streamlit component).

`st.latex` typesets its block again on every step and hands the page ~1,500–4,000 new elements: with
the step's charts, ~50–65 ms of the browser's main thread per Next click. `live_latex` shows the block
in a small frame (`livemath/`) that typesets it with KaTeX and, when a new step's LaTeX differs only in
its numbers (the usual case: same equations, new values), rewrites those numbers in place. Screen
readers get the equations as MathML, rebuilt when the browser is idle.

KaTeX (the version Streamlit ships, so both look alike) is fetched by tools/fetch_katex.py (`make run`,
`make test`). Without it the equations are drawn by `st.latex`, as before.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
import streamlit.components.v1 as components

from visualizer import ROOT
from visualizer.plots import presenter
from visualizer.ui import compat
from visualizer.ui.binding import presenting
from visualizer.ui.live_chart import KEYS_JS
from visualizer.ui.served import served_copy

FRONTEND = Path(__file__).with_name("livemath")
KATEX_VERSION = "0.18.10"  # as tools/fetch_katex.py fetches it (a unit test checks they agree)
KATEX_DIR = ROOT / ".cache" / "katex" / KATEX_VERSION


def katex_ready(folder: Path = KATEX_DIR) -> bool:
    """KaTeX's script, style sheet and main font have been fetched."""
    return all(
        (folder / name).is_file() for name in ("katex.min.js", "katex.min.css", "fonts/KaTeX_Main-Regular.woff2")
    )


def served_dir() -> Path:
    """The frame's page and script with KaTeX's script, style sheet and fonts beside them."""
    pages = {name: (FRONTEND / name).read_text() for name in ("index.html", "main.js")}
    pages["index.html"] = pages["index.html"].replace("__TEXT_COLOR__", compat.TEXT_COLOR)  # the one theme
    pages["keys.js"] = KEYS_JS.read_text()
    files = {name: KATEX_DIR / name for name in ("katex.min.js", "katex.min.css", "fonts")}
    return served_copy("livemath", pages, files)


COMPONENT = components.declare_component("livemath", path=str(served_dir())) if katex_ready() else None


def live_latex(tex: str, key: str) -> None:
    """One display-math block (LaTeX) that stays on the page between reruns; `st.latex` without KaTeX."""
    if COMPONENT is None:
        st.latex(tex)
        return
    scale = presenter.PRESENTER_SCALE if presenting() else 1.0
    COMPONENT(tex=tex, font_scale=scale, key=key, default=None)
