"""Step-through explorer: the RNN reads the user's sequence one step at a time, every view on the same step."""

import streamlit as st

from visualizer.ui import controls, core, explorer

settings = core.page_setup("explorer", "Step-through explorer")
controls.sequence_and_network(settings)
trained = explorer.sidebar(settings)

st.title("🔍 Step-through explorer")
st.markdown(
    "Type a sequence in the sidebar and step through it: at every step the **same cell** mixes the new "
    "input x_t with the memory h_(t-1) into h_t, and predicts the next token from h_t."
)
result = explorer.run(settings, trained)
if result is not None:
    core.overflow_note(result.trace)
    if result.enc_b is not None and trained is None:
        st.caption(
            "Comparing two sequences: the network's vocabulary covers both, so its random weights differ "
            "from the single-sequence view."
        )
    explorer.downloads(settings, result)
    explorer.fold(settings, result.enc.tokens)
    explorer.steps(settings, result, trained)

core.sync_url(settings)
