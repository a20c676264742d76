"""The sidebar's "Share & present" panel: the link that reopens this view, presenter mode, classroom links."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from visualizer import export
from visualizer.pages import Page
from visualizer.ui.binding import control, current
from visualizer.ui.links import page_url

HIDEABLE = ("text", "mode", "repr", "hidden", "act", "scale", "seed", "sidebar")

# The link in a read-only box with a Copy button: a frameless components-v2 element (st.code would pull Streamlit's
# ~1.5 MB syntax-highlighter chunk into every page for one line of plain text).
_HERE = Path(__file__).parent / "components" / "copy_link"
_copy_link = st.components.v2.component(
    "rnnvis.copy_link",
    html="",
    css=(_HERE / "copy_link.css").read_text(encoding="utf-8"),
    js=(_HERE / "copy_link.js").read_text(encoding="utf-8"),
)


def copy_link(url: str, *, label: str, key: str) -> None:
    """`url` in a read-only box with a Copy button (the text is set as the box's value, never as HTML)."""
    _copy_link(key=key, data={"url": url, "label": label, "button": "Copy", "copied": "Copied to the clipboard."})


def share_panel(page: Page) -> None:
    """The link that reopens this page (its address, from the page table, plus the non-default settings),
    presenter mode, the figure format, and a classroom link that hides chosen controls."""
    base = page_url(page)
    with st.sidebar.expander("🔗 Share & present", expanded=False):
        st.caption("Copy this link: it reopens exactly this view.")
        copy_link(export.share_url(base, current().as_dict()), label="Link to this view", key="share_link")
        control("present", st.toggle, "Presenter mode (large fonts, no chrome)")
        control("figure_format", st.radio, "Figure download format", options=["png", "svg"], horizontal=True)
        chosen = st.multiselect(
            "Classroom link: hide these controls",
            options=list(HIDEABLE),
            key="w_hide_pick",
            help="Students who open the classroom link won't see these controls; their values still apply.",
        )
        if chosen:
            classroom = current().changed(hide=",".join(chosen))
            copy_link(export.share_url(base, classroom.as_dict()), label="Classroom link", key="share_classroom")
