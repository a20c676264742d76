"""Vanishing and exploding gradients: BPTT measured on a sequence, beside the Pascanu et al. bound."""

import streamlit as st

from visualizer.ui import core, gradients

settings = core.page_setup("gradients", "Gradients")
st.title("Vanishing and exploding gradients")
st.markdown(
    "Why can an RNN not remember far back? Train it on a loss at the **last** step and measure how much "
    "gradient reaches each earlier step, for the vanilla cell and for LSTM and GRU cells on the same sequence."
)

trained, shown, act = gradients.sidebar(settings)
exp = gradients.experiment(settings, trained, shown, act)
if exp is not None:
    gradients.metrics(exp, shown, settings["clip"])
    gradients.downloads(settings, exp)
    gradients.views(exp, shown)

core.sync_url(settings)
