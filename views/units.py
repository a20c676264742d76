"""What a unit remembers: hidden units on the story's text, units switched off, and what each output looked at."""

import streamlit as st

from visualizer import pages
from visualizer.content import unit_notes
from visualizer.ui import shell
from visualizer.ui import units as view

shell.page_setup(pages.UNITS)
st.title("What a unit remembers")
st.markdown(
    "A trained network remembers, but **what** does it keep, and **where**? Colour the story by one hidden unit, "
    "find the units that track a property of the text, switch them off, and see which earlier words each "
    "prediction leaned on."
)

setup = view.controls()
if setup is not None:
    view.units_panel(setup)
    view.clamp_panel(setup)
    view.attribution_panel(setup)
st.caption(unit_notes.CITATIONS)

shell.sync_url()
