"""The sidebar's "Share & present" panel: the link that reopens this view, presenter mode, classroom links."""

from __future__ import annotations

import streamlit as st

from visualizer import export
from visualizer.pages import Page
from visualizer.ui.binding import control, current
from visualizer.ui.links import page_url

HIDEABLE = ("text", "mode", "repr", "hidden", "act", "scale", "seed", "sidebar")


def share_panel(page: Page) -> None:
    """The link that reopens this page (its address, from the page table, plus the non-default settings),
    presenter mode, the figure format, and a classroom link that hides chosen controls."""
    base = page_url(page)
    with st.sidebar.expander("🔗 Share & present", expanded=False):
        st.caption("Copy this link (the copy button is at its right): it reopens exactly this view.")
        st.code(export.share_url(base, current().as_dict()), language=None, wrap_lines=True)
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
            st.code(export.share_url(base, classroom.as_dict()), language=None, wrap_lines=True)
