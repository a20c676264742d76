"""The gradients lab's Streamlit views: presets, sidebar controls, the cached
measurement, the headline numbers beside the plot and the bound's verdict.

Flow of one run: the sidebar and the preset bar update the settings; the measurement runs on the
settings' W_hh (random, or edited by hand); the editor (whh_editor.py) shows that W_hh and, if a cell was just
edited, the settings take the new matrix and the measurement runs again, so every number on the
page follows the edit in the same run.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from visualizer import export
from visualizer import gradient_presets as gp
from visualizer.content import deep_notes, glossary, gradient_notes
from visualizer.content import gradient_claims as claims
from visualizer.content import presets as preset_text
from visualizer.data.trained_model import TrainedModel
from visualizer.labs.gradients import depth, whh
from visualizer.labs.gradients import inputs as gi
from visualizer.labs.gradients import measure as gradients
from visualizer.nn import cells, deep
from visualizer.plots import depth_figures
from visualizer.plots import gradient_figures as gf
from visualizer.ui import code_export, controls, whh_editor
from visualizer.ui.binding import change, control, current, hidden, presenting
from visualizer.ui.compute import CACHE, text_to_read, weights_fingerprint
from visualizer.ui.downloads import table_downloads
from visualizer.ui.show import show_fig
from visualizer.ui.text import md_escape, show_error

PAPER = (
    "Pascanu, Mikolov & Bengio (2013), *On the difficulty of training recurrent neural networks*: for the vanilla "
    "RNN, with ‖diag(f′)‖ ≤ γ, **σ_max(W_hh) < 1/γ is sufficient for the gradient to vanish**, and "
    "**σ_max(W_hh) > 1/γ is necessary for it to explode** (not sufficient)."
)


# ---------------------------------------------------------------------------- presets


def apply_preset(key: str) -> None:
    """Write every setting of a preset and drop the widgets' own copies so they show the new values."""
    preset = gp.PRESETS[key]
    change(**preset.settings)  # generated sequences: random weights, the shared weights choice untouched
    for name in preset.settings:
        st.session_state.pop(f"w_{name}", None)


def preset_bar() -> None:
    """One button per preset; the active one is highlighted and its sentence says what to notice."""
    s = current()
    active = gp.active(s) if s.seq_source == "generated" else None
    cols = st.columns(len(gp.PRESETS))
    for col, p in zip(cols, gp.PRESETS.values()):
        col.button(
            preset_text.TEXT[p.key].label,
            key=f"preset_{p.key}",
            type="primary" if active is p else "secondary",
            width="stretch",
            on_click=apply_preset,
            args=(p.key,),
            help=_preset_help(preset_text.TEXT[p.key].notice),
        )
    if not presenting():  # presenter mode: under the plot (main_view), so the buttons and the plot fit one screen
        preset_notice()


def _preset_help(notice: str) -> str:
    """A preset button's tooltip: what it shows, then the plain definition of every technical term it uses."""
    terms = glossary.terms_in(notice)
    return notice if not terms else f"{notice}\n\n{glossary.helptext(*terms)}"


def preset_notice() -> None:
    """What to notice in the active preset, or that the settings are the user's own."""
    s = current()
    active = gp.active(s) if s.seq_source == "generated" else None
    if active is not None:
        text = preset_text.TEXT[active.key]
        st.info(f"**{text.label}.** {text.notice}", icon="👀")
    else:
        st.caption("Your own settings. A button above resets everything to one of the set-ups.")


# ---------------------------------------------------------------------------- sidebar


def sidebar() -> tuple[TrainedModel | None, tuple[str, ...], str]:
    """Sidebar controls. Returns (trained model or None, cells to draw, activation)."""
    hand = bool(current().w_hh)
    trained = None
    with st.sidebar:
        st.subheader("Sequence")
        source = control(
            "seq_source",
            st.radio,
            "Sequence",
            horizontal=True,
            format_func={"generated": "generated", "user": "my text"}.get,
        )
        if source == "user":
            # On the user's text a trained network asks a meaningful question (its next token); on
            # generated random symbols the page studies random weights, so the shared choice is left alone.
            trained = gi.trained_vanilla(controls.weights_picker(cells=("rnn",)).model)
        use_trained = trained is not None
        if source == "generated":
            control("seq_length", st.slider, "Length T", step=5)
        else:
            controls.text_box()
            if not use_trained:
                controls.split_mode()
        st.subheader("Network")
        if use_trained:
            st.info("Trained vanilla RNN (tanh): its own W_hh, hidden size and vocabulary are used.", icon="🎓")
        else:
            control("grad_activation", st.selectbox, "Activation f", help=controls.ACT_HELP)
            if hand:
                H = len(whh.decode_matrix(current().w_hh))
                st.caption(f"W_hh ({H}×{H}) is set by hand below the plot: scale, orthogonalise or reset it there.")
            else:
                control("radius", st.slider, "Scale of W_hh", step=0.05)
                control(
                    "radius_kind",
                    st.radio,
                    "The scale sets",
                    horizontal=True,
                    format_func={"spectral": "spectral radius ρ", "singular": "largest singular value σ_max"}.get,
                )
            controls.hidden_size(
                on_change=whh_editor.clear_hand_edits,
                help="changing H starts again from a random W_hh" if hand else None,
            )
            control(
                "input_scale",
                st.slider,
                "Input strength",
                step=0.1,
                help="scales W_xh: small inputs keep tanh out of saturation; 0 leaves the recurrence alone",
            )
        depth_controls(use_trained)
        controls.seed()
        controls.clipping()
        if not use_trained and not hidden("cells"):
            st.session_state.setdefault("w_cells", list(gi.parse_cells(current().cells)))
            chosen = st.multiselect(
                "Cells to draw", options=list(cells.CELLS), format_func=lambda c: gf.CELL_LABELS[c], key="w_cells"
            )
            change(cells=",".join(c for c in cells.CELLS if c in chosen))
    if use_trained:
        return trained, ("rnn",), "tanh"
    s = current()
    return None, gi.parse_cells(s.cells), s.grad_activation


def depth_controls(use_trained: bool) -> None:
    """Layers and direction of the depth chart; disabled, with the reason, on a trained model (one layer, →)."""
    why = deep_notes.TRAINED_ONE_LAYER if use_trained else None
    control(
        "grad_layers",
        st.slider,
        "Layers (depth chart)",
        disabled=use_trained,
        help=why or "stacked recurrent layers of the chart of the gradient across depth and time",
    )
    control(
        "grad_bidir",
        st.toggle,
        "Bidirectional (depth chart)",
        disabled=use_trained,
        help=why or "a second direction of every layer reads the sequence from t = T back to 1",
    )


# ---------------------------------------------------------------------------- measurement


@st.cache_data(**CACHE, show_spinner="Back-propagating through time…")
def _measure_cached(
    source, text, mode, length, hidden_size, seed, radius, rkind, act, clip_norm, cell_names, w_text, b_text,
    input_scale, weights_key, _trained=None,
):  # fmt: skip
    params, vocab, level = (None, None, mode) if _trained is None else (_trained.params, _trained.vocab, _trained.level)
    seq = gi.sequence_for(source, text=text, mode=level, length=length, seed=seed, vocab=vocab)
    W, b, _ = whh.hand_edits(w_text, b_text, hidden_size)
    exp = gradients.run(
        seq.X,
        seq.tokens,
        seq.target,
        hidden=hidden_size,
        seed=seed,
        radius=radius,
        rkind=rkind,
        activation=act,
        cell_names=cell_names,
        clip_norm=clip_norm,
        output_size=seq.V,
        rnn_params=params,
        W_hh=None if params is not None else W,
        b_h=None if params is not None else b,
        input_scale=input_scale,
    )
    return seq, exp


def measure(trained: TrainedModel | None, shown: tuple[str, ...], act: str):
    """(sequence, experiment) for the current settings, or None after showing why not."""
    s = current()
    key = "random" if trained is None else weights_fingerprint(trained.params)
    # numbers mode on the random network with text that is not numbers: an example of numbers, said so
    text = text_to_read(s) if trained is None and s.seq_source == "user" else s.text
    try:
        return _measure_cached(
            s.seq_source,
            text,
            s.mode,
            s.seq_length,
            s.hidden,
            s.seed,
            s.radius,
            s.radius_kind,
            act,
            s.clip_norm if s.clip else None,
            tuple(dict.fromkeys(("rnn", *shown))),
            s.w_hh,
            s.b_h,
            s.input_scale,
            key,
            _trained=trained,
        )
    except ValueError as err:
        show_error(err)
        return None


@st.cache_data(**CACHE, show_spinner="Back-propagating through the layers…")
def _depth_cached(
    X, target, V, hidden_size, seed, radius, rkind, act, input_scale, cell, layers, bidir, weights_key, _trained=None,
):  # fmt: skip
    if _trained is not None:
        params = deep.from_single("rnn", _trained.params, "tanh")
    else:
        params = depth.depth_params(
            cell, X.shape[1], hidden_size, V, layers=layers, bidirectional=bidir, seed=seed, radius=radius,
            rkind=rkind, input_scale=input_scale, activation=act,
        )  # fmt: skip
    return params, depth.profile(params, X, target)


def depth_section(seq: gi.Sequence, trained: TrainedModel | None, act: str) -> None:
    """The gradient across depth and time on one chart for the lab's own sequence, what it shows in computed
    sentences, and the code panel."""
    s = current()
    st.subheader("Across depth and time")
    if trained is None:
        control(
            "cell",
            st.radio,
            "Cell (depth chart)",
            horizontal=True,
            format_func=gf.CELL_LABELS.get,
            help="the cell of every layer of the chart below",
            key="w_cell_depth",
        )
        s = current()
    key = "random" if trained is None else weights_fingerprint(trained.params)
    try:
        params, prof = _depth_cached(
            seq.X, seq.target, seq.V, s.hidden, s.seed, s.radius, s.radius_kind, act, s.input_scale, s.cell,
            s.grad_layers, s.grad_bidir, key, _trained=trained,
        )  # fmt: skip
    except ValueError as err:
        show_error(err)
        return
    X = seq.X
    show_fig(depth_figures.depth_heatmap(prof), key="grad_depth")
    kept, down = deep_notes.kept_at_start(prof.norms, prof.loss), deep_notes.down_the_stack(prof.norms)
    silent = deep_notes.top_backward_silent(prof.norms)
    st.caption(" ".join(t for t in (kept.text, down.text, silent) if t))
    st.caption(deep_notes.depth_how_to_read(trained is not None, bool(s.w_hh)))
    code_export.code_panel(s, params, X, key="grad_code")


# ---------------------------------------------------------------------------- numbers and words


def headline(exp, shown, clip: bool = False) -> None:
    """Each cell's measured factor per step, rho and sigma_max side by side, and the bound's rate."""
    for name in shown:
        r = exp.cells[name]
        rate = r.rate()
        st.metric(
            f"{gf.CELL_LABELS[name]}: {gradients.regime(rate)}",
            f"×{rate:.3g}" if rate == rate else "—",
            help="per step back: the average factor by which ‖∂L/∂h_t‖ changes per step going back in time; "
            f"holding = within ×1 ± {gradients.REGIME_TOL:g}",
        )
        if clip:
            st.caption(
                f"‖∇θ‖ before clipping {r.grad_norm:.3g} → after {r.clipped_norm:.3g}"
                + ("" if r.clip_scale < 1 else " (under the threshold: untouched)")
            )
    j = exp.jacobian
    left, right = st.columns(2)
    rho, smax = exp.spectral_radius, j.sigma_max
    left.metric("ρ(W_hh)", claims.number(rho, smax), help=glossary.helptext("spectral radius"))
    right.metric("σ_max(W_hh)", claims.number(smax, rho), help=glossary.helptext("σ_max", "non-normal"))
    st.caption(claims.rho_sigma(rho, smax, exp.non_normality).text)
    st.metric(
        "γ·σ_max (the bound's rate)",
        f"{j.gamma:g}·{claims.number(smax, 1 / j.gamma)} = {claims.number(j.gamma * smax, 1.0)}",
        help="the rate of the vanilla RNN's bound (not the LSTM's or GRU's); γ = max |f′|: 1 for tanh, relu and linear, ¼ for sigmoid",
    )


def bound_verdict(exp) -> None:
    """What the vanilla RNN's bound says here, computed (content.gradient_claims), with the paper's exact condition."""
    j = exp.jacobian
    verdict = claims.bound_rate(j.gamma, j.sigma_max)
    box = {"vanishing": (st.success, "✅"), "flat": (st.info, "➖")}.get(verdict.kind, (st.warning, "ℹ️"))
    box[0](verdict.text, icon=box[1])
    st.caption(claims.tightness(j).text + " " + PAPER + f" Here 1/γ = {1 / j.gamma:g}.")


def loss_question(seq: gi.Sequence, exp, trained: TrainedModel | None) -> None:
    """Say what the loss at the last step asks for, and what the network currently answers."""
    vanilla = exp.cells["rnn"]
    p = float(np.exp(-vanilla.loss)) if np.isfinite(vanilla.loss) else float("nan")
    who = "the trained model" if trained is not None else "the random network"
    if seq.task == "next":
        read = " ".join(seq.tokens[-6:])
        guess = ""
        if 0 <= vanilla.top < len(seq.vocab):
            guess = f"; its own top guess is “{md_escape(seq.vocab[vanilla.top])}”"
        st.caption(
            f"**The loss at t = T asks for the next token of your text.** After reading “…{md_escape(read)}”, "
            f"the output must predict “{md_escape(seq.target_token)}”: {who} gives it p = {p:.3g}{guess}."
        )
    else:
        st.caption(
            f"**The loss at t = T = {exp.T} asks the network to recall the first token**, "
            f"“{md_escape(seq.target_token)}”: random tokens have no next token worth predicting, so this is a "
            f"memory test ({who} gives it p = {p:.3g})."
        )


def heatmaps(exp, shown, floor: float) -> None:
    """One per-unit gradient heatmap per cell drawn, in tabs, on the norm plot's floor."""
    drawn = shown or ("rnn",)
    for tab, name in zip(st.tabs([gf.CELL_LABELS[c] for c in drawn]), drawn):
        with tab:
            title = f"{gf.CELL_LABELS[name]}: per-unit gradient ∂L/∂h_t"
            fig = gf.gradient_heatmap(exp.cells[name].dh, exp.tokens, title=title, floor=floor)
            show_fig(fig, key=f"grad_heat_{name}")
    st.caption(
        "Each column is ∂L/∂h_t for one step: colour is log₁₀ of its size, on the same floor as the lines above "
        f"(10^{floor:.0f}; smaller values take the floor's colour); signed value on hover."
    )


def downloads(exp) -> None:
    """The per-step gradient table as CSV/JSON, in the sidebar."""
    with st.sidebar:
        st.subheader("Download")
        table_downloads("Gradients", lambda: export.gradient_table(exp), name="rnn-gradients", key="grad_dl")
        st.caption("Per step: ‖∂L/∂h_t‖ for each cell, log₁₀ ‖∂h_T/∂h_t‖ and log₁₀ of the bound.")


def main_view(seq: gi.Sequence, exp, shown: tuple[str, ...], trained: TrainedModel | None, floor: float):
    """Warnings, the norm plot with the loss's question under it, the numbers beside it, the bound's verdict.

    In presenter mode the preset's note sits under the plot (preset_bar leaves it out).
    """
    for note in exp.range_notes:
        st.warning(gradient_notes.range_note(note), icon="💥")
    if not shown:
        st.info("Pick at least one cell to draw in the sidebar; the Jacobian and the bound are shown alone.")
    plot_col, side_col = st.columns([5, 2])
    with plot_col:
        show_fig(gf.gradient_norms(exp, shown, floor=floor), key="grad_norms")
        if presenting():
            preset_notice()
        loss_question(seq, exp, trained)
    with side_col:
        headline(exp, shown, current().clip)
    bound_verdict(exp)
