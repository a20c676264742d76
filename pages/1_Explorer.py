"""Step-through explorer: the RNN reads the user's sequence one step at a time, every view on the same step.

The unroll and the fold diagram are cached; every step-dependent view lives in one fragment
(visualizer/ui.py, explorer section), so stepping and playing rerun only that fragment.
"""

import streamlit as st

from visualizer import export, ui

settings = ui.page_setup("explorer", "Step-through explorer")
ui.sequence_controls(settings)
trained = ui.explorer_sidebar(settings)

st.title("🔍 Step-through explorer")
st.markdown(
    "Type a sequence in the sidebar and step through it: at every step the **same cell** mixes the new "
    "input x_t with the memory h_(t-1) into h_t, and predicts the next token from h_t."
)
result = ui.explorer_unroll(settings, trained)
if result is not None:
    enc, params, trace, enc_b, trace_b = result
    ui.overflow_note(trace)
    if enc_b is not None and trained is None:
        st.caption(
            "Comparing two sequences: the network's vocabulary covers both, so its random weights differ "
            "from the single-sequence view."
        )
    with st.sidebar:
        st.subheader("Download")
        ui.trace_downloads(
            settings,
            lambda: export.next_token_trace(enc.tokens, enc.ids, params, trace, enc.vocab.tokens),
            key="explorer_trace",
        )
        st.caption("Every step's x_t, h_t, ŷ_t and dL/dh_t (next-token loss). Figures: camera icon on each chart.")
    ui.explorer_fold(settings, enc.tokens)
    ui.explorer_steps(settings, result, trained)

ui.sync_url(settings)
