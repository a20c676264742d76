"""What a unit remembers: hidden units on the story's text, units switched off, and what each output looked at."""

import streamlit as st

from visualizer import pages
from visualizer.content import unit_notes
from visualizer.ui import shell
from visualizer.ui import units as view

shell.page_setup(pages.UNITS)
st.title("What a unit remembers")
st.markdown(unit_notes.INTRO)

setup = view.controls()
if setup is not None:
    view.units_panel(setup)
    view.clamp_panel(setup)
    view.attribution_panel(setup)
st.caption(unit_notes.CITATIONS)

shell.sync_url()
