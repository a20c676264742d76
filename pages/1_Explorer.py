"""Step-through explorer: the RNN reads the user's sequence one step at a time, forward and then backward
(back-propagation through time), every view on the same step; vanilla, LSTM or GRU cell."""

import streamlit as st

from visualizer.ui import controls, core, explorer, explorer_fold, explorer_views

settings = core.page_setup("explorer", "Step-through explorer")
with st.sidebar:
    controls.sequence(settings)
trained = explorer.sidebar(settings)
if trained is None:
    explorer.network(settings)

st.title("🔍 Step-through explorer")
result = explorer.run(settings, trained)
if result is not None:
    u, u_b = result
    explorer.intro(settings, u)
    core.overflow_note(u.trace)
    if u_b is not None and trained is None:
        st.caption(
            "Comparing two sequences: the network's vocabulary covers both, so its random weights differ "
            "from the single-sequence view."
        )
    explorer.input_notes(settings, u)
    explorer.downloads(settings, u)
    explorer.steps(settings, result, trained)
    explorer_views.embedding(u, settings["notation"], trained is not None)
    explorer_fold.fold(settings, u.enc.tokens)

core.sync_url(settings)
