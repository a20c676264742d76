"""Limits of memory: a vanilla RNN, an LSTM and a GRU trained live on a long-lag task, and why an RNN is slow.

The widgets, the chunked training fragment and the figures' wiring live in visualizer/ui/limits.py; the
tasks and the race are pure NumPy in visualizer/maths/lagtasks.py and longlag.py.
"""

import streamlit as st

from visualizer.ui import core, limits

settings = core.page_setup("limits", "Limits of memory")
st.title("Limits of memory")
st.markdown(
    "Can a network remember what it saw **L steps ago**? Race a vanilla RNN, an LSTM and a GRU on the same "
    "sequences with the same budget."
)

cfg, running = limits.limits_config_and_controls(settings)
limits.limits_race(settings, running)
limits.limits_sweep(settings)
limits.limits_sequential()
st.caption(limits.CITATIONS)

core.sync_url(settings)
