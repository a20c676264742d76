"""Limits of memory: a vanilla RNN, an LSTM and a GRU trained live on a long-lag task, and why an RNN is slow."""

import streamlit as st

from visualizer.ui import core
from visualizer.ui import limits as view

settings = core.page_setup("limits", "Limits of memory")
st.title("Limits of memory")
st.markdown(
    "Can a network remember what it saw **L steps ago**? Race a vanilla RNN, an LSTM and a GRU on the same "
    "sequences with the same budget."
)

running = view.controls(settings)
view.race_panel(running)
view.sweep_panel(settings)
view.sequential_panel()
st.caption(view.CITATIONS)

core.sync_url(settings)
