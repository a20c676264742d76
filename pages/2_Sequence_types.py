"""Sequence types: one cell, five input/output shapes, run on the user's own sequence."""

import streamlit as st

from visualizer.ui import controls, core, seqtypes

settings = core.page_setup("seqtypes", "Sequence types")
st.title("Sequence types: one cell, five shapes")
st.markdown(
    "The same recurrent cell, h_t = f(W_hh · h_(t-1) + W_xh · x_t + b_h), can be wired to read one "
    "input or many and to emit one output or many. Pick a shape and watch the cell run that way on your "
    "sequence (edit it in the sidebar)."
)
controls.sequence_and_network(settings)
kind = seqtypes.shape_picker(settings)

result = seqtypes.run(settings, kind)
if result is not None:
    seqtypes.run_views(result[1], settings["activation"])
seqtypes.applications(kind)
seqtypes.feedforward_comparison(None if result is None else result[0], settings["hidden"])

core.sync_url(settings)
