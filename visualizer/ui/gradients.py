"""Vanishing and exploding gradients views: sidebar controls, cached measurement, metrics."""

from __future__ import annotations

from typing import Any

import streamlit as st

from visualizer import export
from visualizer.maths import cells, gradients
from visualizer.maths.train import TrainedModel
from visualizer.plots import gradient_figures
from visualizer.ui import controls
from visualizer.ui.core import CACHE, control, hidden, show_error, show_fig, table_downloads, weights_fingerprint

Settings = dict[str, Any]


def sidebar(settings: Settings) -> tuple[TrainedModel | None, tuple[str, ...], str]:
    """Sidebar controls of the gradients page. Returns (trained model or None, cells to draw, activation)."""
    trained = gradients.trained_vanilla(st.session_state.get("trained_model"))
    with st.sidebar:
        st.subheader("Sequence")
        picked = controls.weights(
            settings,
            () if trained is None else ("trained",),
            help="the vanilla RNN from the Train page, or random weights",
        )
        use_trained = trained is not None and picked == "trained"
        source = control(
            settings,
            "seq_source",
            st.radio,
            "Sequence",
            horizontal=True,
            format_func={"generated": "generated", "user": "my text"}.get,
        )
        if source == "generated":
            control(settings, "seq_length", st.slider, "Length T", step=5)
        else:
            controls.text_box(settings)
            if not use_trained:
                controls.split_mode(settings)
        st.subheader("Network")
        if not use_trained:
            control(settings, "radius", st.slider, "Scale of W_hh", step=0.05)
            control(
                settings,
                "radius_kind",
                st.radio,
                "The scale sets",
                horizontal=True,
                format_func={"spectral": "spectral radius ρ", "singular": "largest singular value σ_max"}.get,
            )
            controls.activation(settings)
            controls.hidden_size(settings)
        controls.seed(settings)
        controls.clipping(settings)
        if use_trained:
            st.info("Trained vanilla RNN (tanh): its own W_hh, hidden size and vocabulary are used.", icon="🎓")
        elif not hidden(settings, "cells"):
            st.session_state.setdefault("w_cells", list(gradients.parse_cells(settings["cells"])))
            chosen = st.multiselect(
                "Cells to draw",
                options=list(cells.CELLS),
                format_func=lambda c: gradient_figures.CELL_LABELS[c],
                key="w_cells",
            )
            settings["cells"] = ",".join(c for c in cells.CELLS if c in chosen)
    if use_trained:
        return trained, ("rnn",), "tanh"
    return None, gradients.parse_cells(settings["cells"]), settings["activation"]


@st.cache_data(**CACHE, show_spinner="Back-propagating through time…")
def _measure_cached(
    source, text, mode, glen, hidden_size, seed, radius, rkind, act, clip_norm, cell_names, weights_key, _trained=None
):
    params, vocab, level = (None, None, mode) if _trained is None else (_trained.params, _trained.vocab, _trained.level)
    X, ids, tokens, V = gradients.sequence_for(source, text=text, mode=level, length=glen, seed=seed, vocab=vocab)
    return gradients.run(
        X,
        tokens,
        int(ids[0]),
        hidden=hidden_size,
        seed=seed,
        radius=radius,
        rkind=rkind,
        activation=act,
        cell_names=cell_names,
        clip_norm=clip_norm,
        output_size=V,
        rnn_params=params,
    )


def experiment(settings: Settings, trained: TrainedModel | None, shown: tuple[str, ...], act: str):
    """The cached measurement for the current settings, or None after showing why not."""
    s = settings
    key = "random" if trained is None else weights_fingerprint(trained.params)
    try:
        return _measure_cached(
            s["seq_source"],
            s["text"],
            s["mode"],
            s["seq_length"],
            s["hidden"],
            s["seed"],
            s["radius"],
            s["radius_kind"],
            act,
            s["clip_norm"] if s["clip"] else None,
            tuple(dict.fromkeys(("rnn", *shown))),
            key,
            _trained=trained,
        )
    except ValueError as err:
        show_error(err)
        return None


def metrics(exp, shown, clip: bool) -> None:
    """W_hh's spectrum, the bound's rate, and each cell's measured factor per step back."""
    j = exp.jacobian
    cols = st.columns(4)
    cols[0].metric("spectral radius ρ(W_hh)", f"{exp.spectral_radius:.3g}")
    cols[1].metric("σ_max(W_hh)", f"{j.sigma_max:.3g}")
    cols[2].metric("γ = max |f′|", f"{j.gamma:g}")
    cols[3].metric(
        "γ·σ_max (bound's rate)",
        f"{j.gamma * j.sigma_max:.3g}",
        help="below 1, the bound forces the gradient to vanish geometrically",
    )
    for col, name in zip(st.columns(max(1, len(shown))), shown):
        r = exp.cells[name]
        rate = r.rate()
        col.metric(
            f"{gradient_figures.CELL_LABELS[name]}: {gradients.regime(rate)}, per step back",
            f"×{rate:.3g}" if rate == rate else "—",
            help="average factor by which ‖∂L/∂h_t‖ changes per step going back in time",
        )
        if clip:
            col.caption(
                f"‖∇θ‖ before clipping {r.grad_norm:.3g} → after {r.clipped_norm:.3g}"
                + ("" if r.clip_scale < 1 else " (under the threshold: untouched)")
            )


def downloads(settings: Settings, exp) -> None:
    """The per-step gradient table as CSV/JSON, in the sidebar."""
    with st.sidebar:
        st.subheader("Download")
        table_downloads(settings, "Gradients", lambda: export.gradient_table(exp), name="rnn-gradients", key="grad_dl")
        st.caption("Per step: ‖∂L/∂h_t‖ for each cell, log₁₀ ‖∂h_T/∂h_t‖ and log₁₀ of the bound.")


def views(exp, shown: tuple[str, ...]) -> None:
    """Warnings, the norms chart with how to read it, per-unit heatmaps and the eigenvalue plane."""
    gf = gradient_figures
    for note in exp.warnings:
        st.warning(note, icon="💥")
    if not shown:
        st.info("Pick at least one cell to draw in the sidebar; the Jacobian and the bound are shown alone.")
    show_fig(gf.gradient_norms(exp, shown), key="grad_norms")
    with st.expander("How to read this", expanded=True):
        st.markdown(gf.HOW_TO_READ)
    left, right = st.columns([3, 2])
    with left:
        drawn = shown or ("rnn",)
        for tab, name in zip(st.tabs([gf.CELL_LABELS[c] for c in drawn]), drawn):
            with tab:
                show_fig(
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
        show_fig(gf.eigenvalue_plane(exp.eigenvalues), key="grad_eigs")
        st.caption(
            "Eigenvalues λ of W_hh; red ones lie outside the unit circle. Along an eigenvector, a linear RNN "
            "multiplies the gradient by λ per step: |λ| < 1 shrinks it, |λ| > 1 grows it."
        )
