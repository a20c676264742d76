"""Every page's frame: page set-up (settings from the URL on a new visit), the site map, chrome CSS, and
the end of a run (share panel, settings back into the address bar).

Settings flow (see visualizer/settings.py): on the first run of a page visit the URL's parameters are
parsed into the session's settings (bad ones fall back with a notice); widgets read from and write to
those settings (ui/binding.py); at the end of every run the settings are written back to the URL, so
the address bar always reproduces the view.
"""

from __future__ import annotations

# Imported up front, under this module's import lock: Plotly looks pandas up with sys.modules.get()
# and no lock, so two sessions starting at once on a fresh server could otherwise see a half-imported
# pandas ("partially initialized module 'pandas' has no attribute 'Series'"; found by tools/loadtest.py).
from dataclasses import replace

import pandas  # noqa: F401
import streamlit as st

from visualizer import state
from visualizer.pages import BY_KEY, HOME, Page
from visualizer.settings import Settings
from visualizer.ui import compat
from visualizer.ui.binding import current, hidden, presenting, store, write_url
from visualizer.ui.lesson import panel
from visualizer.ui.links import site_map
from visualizer.ui.share import share_panel
from visualizer.ui.text import md_escape

# One style element per page (each element also costs a gap of vertical space): constants only.
_CHROME_CSS = {
    (present, no_sidebar): compat.BASE_CSS
    + (compat.PRESENT_CSS if present else "")
    + (compat.NO_SIDEBAR_CSS if no_sidebar else "")
    for present in (False, True)
    for no_sidebar in (False, True)
}


def page_setup(page: Page) -> Settings:
    """Configure the page and return the session's settings (the URL applied on a new visit)."""
    present = presenting() or st.query_params.get("present") in ("1", "true")
    st.set_page_config(
        page_title=f"{page.title} · RNN Visualizer",
        page_icon="🔁",
        layout="wide",
        initial_sidebar_state="collapsed" if present and not st.query_params.get("lesson") else "auto",
    )
    if st.session_state.get("_page") != page.key:
        # A new visit (or a fresh session): the URL speaks. Query params are cleared when the
        # user switches pages, so an empty URL keeps the session's settings.
        st.session_state["_page"] = page.key
        values, notices = state.parse(st.query_params.to_dict())
        store(replace(current(), **values))
        for key in list(st.session_state):  # widgets must show the URL's values, not stale ones
            if isinstance(key, str) and key.startswith("w_") and key[2:] in values:
                del st.session_state[key]
        st.session_state["_notices"] = notices
    panel()
    site_map()
    if st.session_state.get("_notices"):
        st.warning(
            "This link had settings that could not be used, so defaults were used instead:\n\n"
            + "\n".join(f"- {md_escape(n)}" for n in st.session_state["_notices"]),
            icon="🔗",
        )
    st.markdown(_CHROME_CSS[presenting(), hidden("sidebar")], unsafe_allow_html=True)
    return current()


def sync_url() -> None:
    """Draw the share/present panel, then write the non-default settings to the address bar.

    Called at the end of every page, after all widgets have updated the settings.
    """
    if not hidden("share"):
        share_panel(BY_KEY.get(st.session_state.get("_page", ""), HOME))
    write_url()
