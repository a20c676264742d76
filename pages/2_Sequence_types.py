"""Sequence types: one cell, five input/output shapes, each trained on a small task of its own (or random)."""

import streamlit as st

from visualizer.ui import controls, core, seqtasks, seqtypes

settings = core.page_setup("seqtypes", "Sequence types")
st.title("Sequence types: one cell, five shapes")
if not core.presenting():  # presenter mode: under the diagram, so the controls and the diagram fit one screen
    st.caption(seqtypes.INTRO)
kind = seqtypes.shape_picker(settings)
row = seqtypes.control_row(kind)
with row.weights:
    weights = seqtasks.weights_choice(settings)

base = None
if weights == "trained":
    seqtasks.task_views(settings, kind, row)
else:
    seqtypes.random_controls(settings, kind, row)
    controls.sequence_and_network(settings)
    result = seqtypes.run(settings, kind)
    if result is not None:
        base = result[0]
        seqtypes.run_views(result[1], settings["activation"])
if core.presenting():
    st.caption(seqtypes.INTRO)
seqtypes.applications(kind)
seqtypes.feedforward_comparison(base, settings["hidden"])

core.sync_url(settings)
