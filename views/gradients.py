"""Vanishing and exploding gradients: BPTT measured on a sequence, beside the Pascanu et al. bound.

Presets, controls and the cached measurement live in visualizer/ui/gradients.py, the W_hh editor in
visualizer/ui/whh_editor.py; the maths in visualizer/labs/gradients (measure, whh, presets, inputs), the presets'
words in visualizer/content/presets.py and the figures in visualizer/plots/gradient_figures.py.
"""

import streamlit as st

from visualizer import pages
from visualizer.plots import gradient_figures as gf
from visualizer.ui import gradients, shell, whh_editor

shell.page_setup(pages.GRADIENTS)
st.title("Vanishing and exploding gradients")
top, main, lower = st.container(), st.container(), st.container()  # the editor (lower) runs first: all follow it
with top:
    whh_editor.check_hand_edits()
trained, shown, act = gradients.sidebar()
result = gradients.measure(trained, shown, act)
if result is not None:
    with lower:
        result = whh_editor.section(result, trained, lambda: gradients.measure(trained, shown, act))
with top:
    gradients.preset_bar()
if result is not None:
    seq, exp = result
    floor = gf.shared_floor(exp, shown)
    with main:
        gradients.main_view(seq, exp, shown, trained, floor)
    with lower:
        gradients.heatmaps(exp, shown, floor)
        with st.expander("How to read this", expanded=False):
            st.markdown(gf.HOW_TO_READ)
        gradients.depth_section(seq, trained, act)
    gradients.downloads(exp)

shell.sync_url()
