"""Home: what an RNN is, a live example, and the way to each page. The entry script."""

import streamlit as st

from visualizer.ui import core, home

settings = core.page_setup("home", "Home")
st.title("🔁 RNN Visualizer")
home.intro()
model = home.example(settings)
home.feedforward_note()
home.memory_proof(model)
home.explore_links()

core.sync_url(settings)
