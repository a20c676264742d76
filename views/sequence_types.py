"""Sequence types: one cell, five input/output shapes, each trained on a small task of its own (or random)."""

import streamlit as st

from visualizer import pages
from visualizer.ui import controls, seqtasks, seqtypes, shell
from visualizer.ui.binding import current, presenting

shell.page_setup(pages.SEQTYPES)
st.title("Sequence types: one cell, five shapes")
if not presenting():  # presenter mode: under the diagram, so the controls and the diagram fit one screen
    st.caption(seqtypes.INTRO)
kind = seqtypes.shape_picker()
row = seqtypes.control_row(kind)
with row.weights:
    weights = seqtasks.weights_choice()

base = None
if weights == "trained":
    seqtasks.task_views(kind, row)
else:
    seqtypes.random_controls(kind, row)
    controls.sequence_and_network()
    result = seqtypes.run(kind)
    if result is not None:
        base = result[0]
        seqtypes.run_views(result[1], current().activation)
if presenting():
    st.caption(seqtypes.INTRO)
seqtypes.applications(kind)
seqtypes.feedforward_comparison(base, current().hidden)

shell.sync_url()
