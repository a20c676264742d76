"""Vanishing and exploding gradients: BPTT measured on a sequence, beside the Pascanu et al. bound."""

import streamlit as st

from visualizer import cells, encoding, export, gradients, rnn, ui
from visualizer import gradient_figures as gf

LABEL = {name: spec.label for name, spec in cells.CELLS.items()}
HOW_TO_READ = """
**How to read this.** The loss sits at the **last** step only: the output at t = T must name the sequence's
first token. Back-propagation through time carries that error back, step by step, to every earlier h_t.

- **Solid lines**, ‖∂L/∂h_t‖ (one per cell): how much the last output's error can still change the memory at step t.
  Read them from right (t = T) to left. A line falling to the left is a **vanishing** gradient: the early steps
  get almost no learning signal, so the network cannot learn to use them. A line rising to the left is **exploding**.
- **Dashed blue**, ‖∂h_T/∂h_t‖₂: the size of the product of the step Jacobians J_k = diag(f′(a_k)) W_hh from t to T.
  The vanilla gradient is this product applied to ∂L/∂h_T, so the two lines fall or rise together.
- **Grey dots**, the bound (γ·σ_max(W_hh))^(T−t) (Pascanu, Mikolov & Bengio 2013): each Jacobian has norm at most
  max|f′| · σ_max, so the product cannot exceed the bound. γ = 1 for tanh, relu and linear, ¼ for sigmoid. When
  γ·σ_max < 1 the bound itself decays, and vanishing is **guaranteed**.
- **When the bound is loose:** tanh and sigmoid saturate, so f′(a) is far below γ at most steps (tanh near ±1 has
  f′ ≈ 0); a random W_hh is **non-normal**, so σ_max is larger than the spectral radius ρ and the bound grows even
  when ρ = 1; and a product of matrices is rarely as large as the product of their norms. The bound says when
  gradients *must* vanish, not that they will explode.
- **Gated cells** (LSTM, GRU) carry their state forward through an addition scaled by a gate (c_t = f ⊙ c_(t−1) + …,
  h_t = u ⊙ h_(t−1) + …), not through W_hh and f′ at every step, so their lines stay up longer. Their recurrent
  matrices get the same scale as W_hh, and they start with the keep gate biased open (+2), a common initialisation.
- **Clipping** rescales the whole parameter gradient when its norm exceeds the threshold: it tames exploding updates
  (the dash-dot line shifts down, same slope), but it only ever shrinks, so it does nothing for vanishing.
"""


@st.cache_data(**ui.CACHE, show_spinner="Back-propagating through time…")
def measure(source, text, mode, glen, hidden, seed, radius, rkind, act, clip_norm, cell_names, weights_key, _trained=None):
    params, vocab, level = _trained or (None, None, mode)
    X, ids, tokens, V = gradients.sequence_for(source, text=text, mode=level, length=glen, seed=seed, vocab=vocab)
    return gradients.run(X, tokens, int(ids[0]), hidden=hidden, seed=seed, radius=radius, rkind=rkind, activation=act,
                         cell_names=cell_names, clip_norm=clip_norm, output_size=V, rnn_params=params)


settings = ui.page_setup("gradients", "Gradients")
st.title("Vanishing and exploding gradients")
st.markdown("Why can an RNN not remember far back? Train it on a loss at the **last** step and measure how much "
            "gradient reaches each earlier step, for the vanilla cell and for LSTM and GRU cells on the same sequence.")

model = st.session_state.get("trained_model")
trained = gradients.trained_vanilla(model) if isinstance(model, dict) else None
with st.sidebar:
    st.subheader("Sequence")
    if trained is not None:
        ui.control(settings, "weights", st.radio, "Weights", options=["random", "trained"], horizontal=True,
                   help="the vanilla RNN from the Train page, or random weights")
    use_trained = trained is not None and settings["weights"] == "trained"
    source = ui.control(settings, "gsource", st.radio, "Sequence", options=["generated", "user"], horizontal=True,
                        format_func={"generated": "generated", "user": "my text"}.get)
    if source == "generated":
        ui.control(settings, "glen", st.slider, "Length T", min_value=5, max_value=400, step=5)
    else:
        ui.control(settings, "text", st.text_area, "Type a sequence", height=90, max_chars=encoding.MAX_TEXT_CHARS)
        if not use_trained:
            ui.control(settings, "mode", st.radio, "Split into", options=list(encoding.MODES), horizontal=True)
    st.subheader("Network")
    if not use_trained:
        ui.control(settings, "radius", st.slider, "Scale of W_hh", min_value=0.1, max_value=2.0, step=0.05)
        ui.control(settings, "rkind", st.radio, "The scale sets", options=list(gradients.RKINDS), horizontal=True,
                   format_func={"spectral": "spectral radius ρ", "singular": "largest singular value σ_max"}.get)
        ui.control(settings, "act", st.selectbox, "Activation f", options=list(rnn.ACTIVATIONS))
        ui.control(settings, "hidden", st.slider, "Hidden size H", min_value=2, max_value=64)
    ui.control(settings, "seed", st.number_input, "Seed", min_value=0, max_value=2**31 - 1, step=1)
    clip = ui.control(settings, "clip", st.toggle, "Clip the gradient by norm")
    if clip:
        ui.control(settings, "clipnorm", st.number_input, "Max norm", min_value=0.01, max_value=1000.0)
    if use_trained:
        st.info("Trained vanilla RNN (tanh): its own W_hh, hidden size and vocabulary are used.", icon="🎓")
    elif not ui.hidden(settings, "cells"):
        st.session_state.setdefault("w_cells", list(gradients.parse_cells(settings["cells"])))
        picked = st.multiselect("Cells to draw", options=list(cells.CELLS), format_func=LABEL.get, key="w_cells")
        settings["cells"] = ",".join(c for c in cells.CELLS if c in picked)

s = settings
shown = ("rnn",) if use_trained else gradients.parse_cells(s["cells"])
act = "tanh" if use_trained else s["act"]
try:
    exp = measure(s["gsource"], s["text"], s["mode"], s["glen"], s["hidden"], s["seed"], s["radius"], s["rkind"], act,
                  s["clipnorm"] if s["clip"] else None, tuple(dict.fromkeys(("rnn", *shown))),
                  "trained" if use_trained else "random", _trained=trained if use_trained else None)
except ValueError as err:
    ui.show_error(err)
    exp = None

if exp is not None:
    j = exp.jacobian
    cols = st.columns(4)
    cols[0].metric("spectral radius ρ(W_hh)", f"{exp.spectral_radius:.3g}")
    cols[1].metric("σ_max(W_hh)", f"{j.sigma_max:.3g}")
    cols[2].metric("γ = max |f′|", f"{j.gamma:g}")
    cols[3].metric("γ·σ_max (bound's rate)", f"{j.gamma * j.sigma_max:.3g}",
                   help="below 1, the bound forces the gradient to vanish geometrically")
    cols = st.columns(max(1, len(shown)))
    for col, name in zip(cols, shown):
        r = exp.cells[name]
        rate = r.rate()
        col.metric(f"{LABEL[name]}: {gradients.regime(rate)}, per step back", f"×{rate:.3g}" if rate == rate else "—",
                   help="average factor by which ‖∂L/∂h_t‖ changes per step going back in time")
        if s["clip"]:
            col.caption(f"‖∇θ‖ before clipping {r.grad_norm:.3g} → after {r.clipped_norm:.3g}"
                        + ("" if r.clip_scale < 1 else " (under the threshold: untouched)"))
    with st.sidebar:
        st.subheader("Download")
        ui.table_downloads(settings, "Gradients", lambda: export.gradient_table(exp), name="rnn-gradients", key="grad_dl")
        st.caption("Per step: ‖∂L/∂h_t‖ for each cell, log₁₀ ‖∂h_T/∂h_t‖ and log₁₀ of the bound.")
    for note in exp.warnings:
        st.warning(note, icon="💥")
    if not shown:
        st.info("Pick at least one cell to draw in the sidebar; the Jacobian and the bound are shown alone.")
    ui.show_fig(gf.gradient_norms(exp, shown), key="grad_norms")
    with st.expander("How to read this", expanded=True):
        st.markdown(HOW_TO_READ)
    left, right = st.columns([3, 2])
    with left:
        tabs = st.tabs([LABEL[c] for c in shown or ("rnn",)])
        for tab, name in zip(tabs, shown or ("rnn",)):
            with tab:
                ui.show_fig(gf.gradient_heatmap(exp.cells[name].dh, exp.tokens,
                                                title=f"{LABEL[name]}: per-unit gradient ∂L/∂h_t"), key=f"grad_heat_{name}")
        st.caption("Each column is ∂L/∂h_t for one step (colour: log₁₀ of its size, signed value on hover). "
                   "Yellow on the right fading to dark on the left is vanishing.")
    with right:
        ui.show_fig(gf.eigenvalue_plane(exp.eigenvalues), key="grad_eigs")
        st.caption("Eigenvalues λ of W_hh; red ones lie outside the unit circle. Along an eigenvector, a linear RNN "
                   "multiplies the gradient by λ per step: |λ| < 1 shrinks it, |λ| > 1 grows it.")

ui.sync_url(settings)
