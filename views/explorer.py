"""Step-through explorer: the RNN reads the user's sequence one step at a time, forward and then backward
(back-propagation through time), every view on the same step; vanilla, LSTM or GRU cell."""

import streamlit as st

from visualizer import pages
from visualizer.ui import controls, explorer, explorer_deep, explorer_views, lesson, shell, show
from visualizer.ui.binding import current

shell.page_setup(pages.EXPLORER)
with st.sidebar:
    s = current()
    chosen = st.session_state.get("w_weights", s.weights)  # the weights radio's value in this run (drawn below)
    own = controls.session_model() if chosen == "trained" else None
    controls.sequence(trained=chosen != "random" and (own is not None or s.mode != "numbers"), own=own)
trained = explorer.sidebar()
if trained is None:
    explorer.network()

title_col, help_col = st.columns([4, 1], vertical_alignment="bottom")
title_col.title("🔍 Step-through explorer")
explorer_deep.notice(current(), trained)
result = None if explorer_deep.is_deep(trained) else explorer.run(trained)
if result is None and explorer_deep.is_deep(trained):
    deep_result = explorer_deep.run(trained)
    if deep_result is not None:
        show.overflow_note(deep_result.trace)
        explorer_deep.steps(deep_result, trained)
        explorer_deep.code(deep_result)
elif result is not None:
    u, u_b = result
    with help_col:
        explorer.how_to_read(result, trained)
    explorer.intro(u)
    show.overflow_note(u.trace)
    if u_b is not None and trained is None:
        st.caption(
            "Comparing two sequences: the network's vocabulary covers both, so its random weights differ "
            "from the single-sequence view."
        )
    explorer.input_notes(u)
    explorer.downloads(u)
    # The fold introduces the chain, in the player above it; a lesson stop about the fold opens it.
    explorer.steps(result, trained, fold_open=lesson.opens(pages.EXPLORER.key, "fold"))
    explorer_views.embedding(u, current().notation, trained is not None)
    explorer_deep.code_single(u.cell, u.params, u.enc.X, current().activation if trained is None else "tanh")

shell.sync_url()
