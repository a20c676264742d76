"""The entry script: registers every page of the one page table (visualizer/pages.py) and runs the one asked for.

Streamlit's own page list stays hidden (`position="hidden"`, and `showSidebarNavigation = false` in
.streamlit/config.toml): the sidebar's site map is drawn by visualizer/ui/shell.py from the same table.
"""

import streamlit as st

from visualizer.pages import PAGES

st.navigation(
    [
        st.Page(page.script, title=page.label, icon=page.icon, url_path=page.url_path or None, default=page.is_home)
        for page in PAGES
    ],
    position="hidden",
).run()
