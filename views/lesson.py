"""Guided lesson: every stop of the narrated path through the pages, each a link a lecturer can start from."""

import streamlit as st

from visualizer import pages
from visualizer.ui import lesson as view
from visualizer.ui import shell

shell.page_setup(pages.LESSON)
st.title("🎓 Guided lesson")
st.markdown(
    "A path through every page in the order a course teaches recurrent networks: what memory means, how "
    "the loop is built, how it is trained, why it forgets, and what came next. Each stop opens a page in a "
    "prepared state, with a few sentences, one thing to notice and a question the app checks. Previous/Next "
    "(or PageUp/PageDown, as a presentation clicker sends) move between stops; start anywhere below. Every "
    "technical term is defined in the [glossary](#glossary) at the end."
)
view.index()
view.glossary()

shell.sync_url()
