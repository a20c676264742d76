"""Limits of memory: a vanilla RNN, an LSTM and a GRU trained live on a long-lag task, and why an RNN is slow."""

import streamlit as st

from visualizer import pages
from visualizer.ui import limits as view
from visualizer.ui import shell

shell.page_setup(pages.LIMITS)
st.title("Limits of memory")
st.markdown(
    "Can a network remember what it saw **L steps ago**? Race a vanilla RNN, an LSTM and a GRU on the same "
    "sequences with the same budget."
)

running = view.controls()
view.race_panel(running)
view.sweep_panel()
view.sequential_panel()
st.caption(view.CITATIONS)

shell.sync_url()
