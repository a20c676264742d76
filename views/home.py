"""Home: what an RNN is, a live example, and the way to each page (the default page of app.py's navigation)."""

import streamlit as st

from visualizer import pages
from visualizer.ui import home, shell

shell.page_setup(pages.HOME)
st.title("🔁 RNN Visualizer")
home.intro()
model = home.example()
home.feedforward_note()
home.memory_proof(model)
home.explore_links()

shell.sync_url()
