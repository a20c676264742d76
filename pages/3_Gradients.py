"""Vanishing and exploding gradients: BPTT measured on a sequence, beside the Pascanu et al. bound.

Presets, controls and the cached measurement live in visualizer/ui/gradients.py, the W_hh editor in
visualizer/ui/whh_editor.py; the maths in visualizer/labs/gradients (measure, whh, presets, inputs), the presets'
words in visualizer/content/presets.py and the figures in visualizer/plots/gradient_figures.py.
"""

import streamlit as st

from visualizer.plots import gradient_figures as gf
from visualizer.ui import core, gradients, whh_editor

settings = core.page_setup("gradients", "Gradients")
st.title("Vanishing and exploding gradients")
top, main, lower = st.container(), st.container(), st.container()  # the editor (lower) runs first: all follow it
with top:
    whh_editor.check_hand_edits(settings)
trained, shown, act = gradients.sidebar(settings)
result = gradients.measure(settings, trained, shown, act)
if result is not None:
    with lower:
        result = whh_editor.section(settings, result, trained, lambda: gradients.measure(settings, trained, shown, act))
with top:
    gradients.preset_bar(settings)
if result is not None:
    seq, exp = result
    floor = gf.shared_floor(exp, shown)
    with main:
        gradients.main_view(settings, seq, exp, shown, trained, floor)
    with lower:
        gradients.heatmaps(exp, shown, floor)
        with st.expander("How to read this", expanded=False):
            st.markdown(gf.HOW_TO_READ)
    gradients.downloads(settings, exp)

core.sync_url(settings)
