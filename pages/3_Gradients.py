"""Vanishing and exploding gradients: BPTT measured on a sequence, beside the Pascanu et al. bound.

Controls and the cached measurement live in visualizer/ui.py (gradients section); the maths in
visualizer/gradients.py and the figures in visualizer/gradient_figures.py.
"""

import streamlit as st

from visualizer import export, ui
from visualizer.plots import gradient_figures as gf

settings = ui.page_setup("gradients", "Gradients")
st.title("Vanishing and exploding gradients")
st.markdown(
    "Why can an RNN not remember far back? Train it on a loss at the **last** step and measure how much "
    "gradient reaches each earlier step, for the vanilla cell and for LSTM and GRU cells on the same sequence."
)

trained, shown, act = ui.gradient_controls(settings)
exp = ui.gradient_experiment(settings, trained, shown, act)
if exp is not None:
    ui.gradient_metrics(exp, shown, settings["clip"])
    with st.sidebar:
        st.subheader("Download")
        ui.table_downloads(
            settings, "Gradients", lambda: export.gradient_table(exp), name="rnn-gradients", key="grad_dl"
        )
        st.caption("Per step: ‖∂L/∂h_t‖ for each cell, log₁₀ ‖∂h_T/∂h_t‖ and log₁₀ of the bound.")
    for note in exp.warnings:
        st.warning(note, icon="💥")
    if not shown:
        st.info("Pick at least one cell to draw in the sidebar; the Jacobian and the bound are shown alone.")
    ui.show_fig(gf.gradient_norms(exp, shown), key="grad_norms")
    with st.expander("How to read this", expanded=True):
        st.markdown(gf.HOW_TO_READ)
    left, right = st.columns([3, 2])
    with left:
        drawn = shown or ("rnn",)
        for tab, name in zip(st.tabs([gf.CELL_LABELS[c] for c in drawn]), drawn):
            with tab:
                ui.show_fig(
                    gf.gradient_heatmap(
                        exp.cells[name].dh, exp.tokens, title=f"{gf.CELL_LABELS[name]}: per-unit gradient ∂L/∂h_t"
                    ),
                    key=f"grad_heat_{name}",
                )
        st.caption(
            "Each column is ∂L/∂h_t for one step (colour: log₁₀ of its size, signed value on hover). "
            "Yellow on the right fading to dark on the left is vanishing."
        )
    with right:
        ui.show_fig(gf.eigenvalue_plane(exp.eigenvalues), key="grad_eigs")
        st.caption(
            "Eigenvalues λ of W_hh; red ones lie outside the unit circle. Along an eigenvector, a linear RNN "
            "multiplies the gradient by λ per step: |λ| < 1 shrinks it, |λ| > 1 grows it."
        )

ui.sync_url(settings)
