"""Sequence types: one cell, five input/output shapes, each trained on a small task of its own (or random)."""

import streamlit as st

from visualizer.ui import controls, core, seqtasks, seqtypes

settings = core.page_setup("seqtypes", "Sequence types")
st.title("Sequence types: one cell, five shapes")
st.caption(
    "One recurrent cell, h_t = f(W_hh · h_(t-1) + W_xh · x_t + b_h), wired to read one input or many and to emit "
    "one output or many. Each shape here is trained on a small task of its own; switch to random weights to compare."
)
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
seqtypes.applications(kind)
seqtypes.feedforward_comparison(base, settings["hidden"])

core.sync_url(settings)
