"""Step-through explorer views: the sidebar, the fold diagram and the step fragment.

The unroll and the fold diagram are cached; every step-dependent view lives in one fragment, so
stepping and playing rerun only that fragment.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from visualizer import export
from visualizer.maths import gradients, unroll
from visualizer.maths.train import TrainedModel
from visualizer.plots import diagrams, equations, figures
from visualizer.ui import controls
from visualizer.ui.core import (
    CACHE,
    control,
    md_escape,
    set_setting,
    show_error,
    show_fig,
    trace_downloads,
    weights_fingerprint,
    write_url,
)

Settings = dict[str, Any]


@st.cache_data(**CACHE, show_spinner=False)
def untrained_cached(
    text: str, compare: str, mode: str, representation: str, emb: int, hidden: int, seed: int, act: str, scale: float
) -> unroll.Unrolled:
    return unroll.untrained(
        text, mode, representation, emb=emb, hidden=hidden, seed=seed, act=act, scale=scale, compare=compare
    )


@st.cache_data(**CACHE, show_spinner=False)
def trained_cached(text: str, compare: str, fingerprint: str, _model: TrainedModel) -> unroll.Unrolled:
    """The session's trained vanilla RNN over one or two sequences (fingerprint identifies the weights)."""
    return unroll.trained(_model, text, compare)


def weights(settings: Settings) -> TrainedModel | None:
    """The weights picker: 'trained' is offered only when the Train page left a usable vanilla RNN."""
    model = st.session_state.get("trained_model")
    trained = gradients.trained_vanilla(model)
    why = (
        "The weights are random (untrained). Train a vanilla RNN on the Train page and it will be offered here."
        if model is None
        else "The trained model is not a vanilla RNN (or does not fit), so random weights are used."
    )
    available = ("trained",) if trained is not None else ()
    picked = controls.weights(
        settings, available, why_not=why, help="random weights, or the vanilla RNN trained on the Train page"
    )
    if picked != "trained" or trained is None:
        return None
    st.info(
        f"Trained vanilla RNN (tanh, H = {trained.hidden_size}, {len(trained.vocab)} {trained.level}): "
        "its own weights and vocabulary are used; the Network controls above do not apply.",
        icon="🎓",
    )
    return trained


def run(settings: Settings, trained: TrainedModel | None = None) -> unroll.Unrolled | None:
    """The cached unroll for the current settings, or None after showing why not."""
    s = settings
    compare = s["compare"] if s["compare"].strip() else ""
    try:
        if trained is not None:
            return trained_cached(s["text"], compare, weights_fingerprint(trained.params), trained)
        args = (s["mode"], s["representation"], s["embed_size"], s["hidden"], s["seed"], s["activation"], s["scale"])
        try:
            return untrained_cached(s["text"], compare, *args)
        except ValueError as err:
            if not (compare and str(err).startswith("Second sequence")):
                raise
            show_error(err)
            return untrained_cached(s["text"], "", *args)
    except ValueError as err:
        show_error(err)
        return None


@st.cache_resource(max_entries=32, show_spinner=False)
def fold_figure_cached(stage: int, tokens: tuple[str, ...]):
    """The fold diagram never depends on the step: built once per stage and shared (read-only)."""
    return diagrams.fold_figure(stage, tokens)


_SPEEDS = {2.0: "slow (2 s)", 1.0: "normal (1 s)", 0.5: "fast (0.5 s)"}
_MOVES = {
    "|◀ First": lambda t, T: 1,
    "◀ Back": lambda t, T: t - 1,
    "Next ▶": lambda t, T: t + 1,
    "Last ▶|": lambda t, T: T,
}


def sidebar(settings: Settings):
    """Notation, a second sequence, and the weights choice; returns the trained model or None."""
    with st.sidebar:
        st.subheader("Explorer")
        control(
            settings,
            "notation",
            st.radio,
            "Notation",
            options=["h", "a"],
            horizontal=True,
            format_func={"h": "h, W_hh", "a": "a, W_aa (the notation of many courses)"}.get,
        )
        control(
            settings,
            "compare",
            st.text_input,
            "Compare with a second sequence",
            max_chars=2000,
            placeholder="e.g. the united kingdom of great britain",
        )
        return weights(settings)


def fold(settings: Settings, tokens) -> None:
    """Section 1: the five moves from a feed-forward net to the RNN (the figure is cached)."""
    st.subheader("1 · The temporal loop: from a feed-forward net to an RNN")
    left, right = st.columns([1, 2])
    with left:
        stage = control(settings, "fold", st.slider, "Move (of five)", min_value=1, max_value=diagrams.N_STAGES)
        name, text = diagrams.MOVES[stage - 1]
        st.markdown(f"**Move {stage}: {name}.** {text}")
        st.caption(
            "How to read this: the faint grey picture is where the move started. ▶ Play the five moves "
            "(on the figure) animates the whole fold; move 4 is the folded RNN, x → h (with its loop) → ŷ."
        )
    with right:
        show_fig(fold_figure_cached(stage, tokens[:4]), key="explorer_fold")


def steps(settings: Settings, result: unroll.Unrolled, trained: TrainedModel | None) -> None:
    """Play/speed controls, then every step-dependent view in one fragment: a step click or a tick
    of the player reruns only the fragment, from the cached unroll."""
    play_col, speed_col, _ = st.columns([1, 1, 2], vertical_alignment="center")
    playing = play_col.toggle("▶ Play through the steps", key="explorer_play", help="advance one time step at a time")
    speed = speed_col.select_slider(
        "Speed",
        options=list(_SPEEDS),
        format_func=_SPEEDS.get,
        key="explorer_speed",
        value=1.0,
        label_visibility="collapsed",
    )
    st.session_state["_explorer_full"] = True
    st.fragment(_step_views, run_every=speed if playing else None)(settings, result, trained, playing)


def _hold() -> None:
    st.session_state["_explorer_hold"] = True  # a click is not a tick of the player


def _scrubbed(settings: Settings) -> None:
    set_setting(settings, "step", st.session_state["w_step"])
    _hold()


def _go_to(settings: Settings, label: str, T: int) -> None:
    set_setting(settings, "step", max(1, min(T, _MOVES[label](settings["step"], T))))
    _hold()


def _step_views(settings: Settings, result: unroll.Unrolled, trained: TrainedModel | None, playing: bool) -> None:
    enc, params, trace, enc_b, trace_b = result.enc, result.params, result.trace, result.enc_b, result.trace_b
    T, tokens, vocab = trace.T, enc.tokens, enc.vocab.tokens
    full_run, held = st.session_state.pop("_explorer_full", False), st.session_state.pop("_explorer_hold", False)
    if settings["step"] > T:
        set_setting(settings, "step", T)
    if playing and not full_run and not held:  # a timer tick: advance, and stop at the end
        if settings["step"] >= T:
            st.session_state["explorer_play"] = False
            st.rerun(scope="app")
        set_setting(settings, "step", settings["step"] + 1)

    bar = st.columns([1.2, 1.2, 1.2, 1.2, 6], vertical_alignment="bottom")
    for col, label in zip(bar, _MOVES):
        col.button(label, on_click=_go_to, args=(settings, label, T), key=f"explorer_{label}", width="stretch")
    with bar[4]:
        if T > 1:
            # A new T gives the slider a new identity, which would reset it to 1: hand it the step explicitly.
            st.session_state["w_step"] = settings["step"]
            control(
                settings,
                "step",
                st.slider,
                "Time step t",
                min_value=1,
                max_value=T,
                on_change=_scrubbed,
                args=(settings,),
            )
    t = settings["step"]
    st.markdown(
        f"**Step {t} of {T}:** the network reads x\\_{t} = “{md_escape(tokens[t - 1])}”"
        + (f" and should predict “{md_escape(tokens[t])}” next." if t < T else ", the last token.")
    )

    st.subheader("2 · The unrolled chain")
    show_fig(
        figures.unrolled_chain(
            tokens, trace.hs, trace.probs, vocab, step=t, window=figures.chain_window(T, t), X=trace.X
        ),
        key="explorer_chain",
    )
    st.caption(
        "How to read this: one column per step, read left to right. Green diamonds are the inputs, blue "
        "boxes the hidden state, yellow circles the predictions (top next token written above). Blue arrows "
        "carry h_(t-1) into h_t: that is the memory. The orange column is the current step; hover for values."
    )

    st.subheader(f"3 · The equations at step {t}, with their numbers")
    eqs = equations.step_equations(
        params, trace, t, notation=settings["notation"], tokens=tokens, vocab_tokens=vocab, ids=enc.ids, E=enc.E
    )
    for line in eqs.symbolic[:2] + eqs.input + eqs.hidden + eqs.output:
        st.latex(line)
    with st.expander("The stacked form: one matrix [W_hh | W_xh] times one vector [h_(t-1); x_t]"):
        for line in eqs.symbolic[2:] + eqs.stacked:
            st.latex(line)
    st.caption(
        "How to read this: the first product carries the memory forward, the second brings in the new input; "
        "their sum (plus the bias) goes through f. Large matrices show their first and last rows and columns, "
        "with dots for the rest."
    )
    left, right = st.columns(2)
    with left:
        w = int(enc.ids[t - 1])
        show_fig(
            figures.input_vector(
                trace.X[t - 1], vocab, step=t, token=tokens[t - 1], E=enc.E, w=w if enc.E is not None else None
            ),
            key="explorer_input",
        )
        st.caption(
            "How to read this: x_t is what the network actually receives. One-hot: a 1 in the token's slot. "
            "Embedding: the one-hot o_w picks one column of the matrix E, a short dense vector."
        )
    with right:
        show_fig(
            figures.output_bars(
                trace.probs[t - 1],
                vocab,
                step=t,
                next_token=tokens[t] if t < T else None,
                ymax=min(1.0, float(trace.probs.max()) * 1.1),
            ),
            key="explorer_bars",
        )
        st.caption(
            "How to read this: the bars are ŷ_t, the network's guess for the next token; the orange bar is "
            "the token that really comes next. "
            + (
                "These are trained weights: a good model puts its tallest bar on the orange one."
                if trained
                else "The weights are random (untrained), so the guesses are arbitrary: watch how they change "
                "with the memory, not whether they are right."
            )
        )

    st.subheader("4 · The hidden state over time")
    zrange = figures.shared_range(trace.activation, trace.hs[1:], *(() if trace_b is None else (trace_b.hs[1:],)))
    if trace_b is None or enc_b is None:
        show_fig(
            figures.hidden_heatmap(trace.hs[1:], tokens, step=t, activation=trace.activation, zrange=zrange),
            key="explorer_heatmap",
        )
    else:
        a_col, b_col = st.columns(2)
        with a_col:
            show_fig(
                figures.hidden_heatmap(
                    trace.hs[1:], tokens, step=t, activation=trace.activation, zrange=zrange, title="A: your sequence"
                ),
                key="explorer_heatmap",
            )
        with b_col:
            show_fig(
                figures.hidden_heatmap(
                    trace_b.hs[1:],
                    enc_b.tokens,
                    step=t,
                    activation=trace.activation,
                    zrange=zrange,
                    title="B: the second sequence",
                ),
                key="explorer_heatmap_b",
            )
        show_fig(
            figures.difference_heatmap(
                trace.hs[1:], tokens, trace_b.hs[1:], enc_b.tokens, step=t, activation=trace.activation
            ),
            key="explorer_diff",
        )
    st.caption(
        "How to read this: each column is h_t, the whole memory after reading that token; each row is one "
        "hidden unit (red positive, blue negative, white zero). The outlined column is the current step."
        + (
            " With two sequences, the same network reads both; the difference is white while they agree "
            "and lights up from the first token where they differ."
            if trace_b is not None
            else ""
        )
    )
    write_url(settings)  # the fragment reruns alone when stepping: keep the address bar in step


def downloads(settings: Settings, result: unroll.Unrolled) -> None:
    """The trace as CSV/JSON (built only when a button is clicked), in the sidebar."""
    enc, params, trace = result.enc, result.params, result.trace
    with st.sidebar:
        st.subheader("Download")
        trace_downloads(
            settings,
            lambda: export.next_token_trace(enc.tokens, enc.ids, params, trace, enc.vocab.tokens),
            key="explorer_trace",
        )
        st.caption("Every step's x_t, h_t, ŷ_t and dL/dh_t (next-token loss). Figures: camera icon on each chart.")
