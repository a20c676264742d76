"""Step-through explorer: sidebar, cached forward + backward, the fold diagram, and the step fragment.

Stepping: the forward phase reveals steps 1..t (the future stays empty); the backward phase walks
t = T … 1 and shows back-propagation through time. Buttons (with keyboard shortcuts ← → Home End),
the slider, a click on a column of the chain, and the player all move the same `step` setting;
every step-dependent view lives in one fragment, so a step reruns only that fragment.
"""

from __future__ import annotations

import math
from typing import Any

import streamlit as st

from visualizer import export
from visualizer.content import explorer_notes, model_notices
from visualizer.data import encoding
from visualizer.data.trained_model import TrainedModel
from visualizer.labs.explorer import explore
from visualizer.labs.explorer import explore as unroll
from visualizer.plots.notation import NOTATION_LABELS, at, translate
from visualizer.ui import controls, explorer_views
from visualizer.ui.binding import control, current, presenting, set_setting, write_url
from visualizer.ui.compute import CACHE, weights_fingerprint
from visualizer.ui.downloads import trace_downloads
from visualizer.ui.live_chart import live_fig
from visualizer.ui.text import md_escape, show_error

CELL_LABELS = {"rnn": "vanilla RNN", "lstm": "LSTM", "gru": "GRU"}


# ---------------------------------------------------------------------------- compute (cached)


@st.cache_data(**CACHE, show_spinner=False)
def untrained_cached(
    text: str,
    compare: str,
    cell: str,
    mode: str,
    representation: str,
    emb: int,
    hidden: int,
    seed: int,
    act: str,
    scale: float,
) -> tuple[explore.Unroll, explore.Unroll | None]:
    """Random weights of the chosen cell over the text (and a second sequence, one vocabulary for both)."""
    if compare.strip():
        enc, enc_b = encoding.encode_pair(text, compare, mode, representation, embed_dim=emb, seed=seed)
    else:
        enc, enc_b = encoding.encode_text(text, mode, representation, embed_dim=emb, seed=seed), None
    params = explore.make_params(cell, enc, hidden, seed=seed, scale=scale)
    return explore.unroll(cell, enc, params, act), None if enc_b is None else explore.unroll(cell, enc_b, params, act)


@st.cache_data(**CACHE, show_spinner=False)
def trained_cached(
    text: str, compare: str, fingerprint: str, _model: TrainedModel
) -> tuple[explore.Unroll, explore.Unroll | None]:
    """A trained model over one or two sequences (fingerprint identifies the weights)."""
    out: list[explore.Unroll | None] = []
    for prefix, t in (("", text), ("Second sequence: ", compare)):
        if prefix and not t.strip():
            out.append(None)
            continue
        try:
            enc = unroll.encode_for_model(t, _model)
        except ValueError as err:
            raise ValueError(f"{prefix}{err}") from None
        out.append(explore.unroll(_model.cell, enc, _model.params))
    assert out[0] is not None
    return out[0], out[1]


def weights() -> TrainedModel | None:
    """The shared weights picker (trained on the story by default, random, or the Train page's model).

    A story model of the chosen cell is offered; the student's own model is used whatever its cell (the
    cell choice then follows it). Returns the model in use (float64), or None for random weights.
    """
    s = current()
    own = st.session_state.get("w_weights", s.weights) == "trained"  # the radio's value in this run
    # A trained model reads the split chosen above: a story model of that level (characters or words);
    # numbers (values or categories) need random weights.
    levels = ("words", "chars") if own else (s.mode,)  # the student's model: its own level (the split follows it)
    choice = controls.weights_picker(levels=levels, cells=() if own else (s.cell,))
    if choice.model is None:
        st.caption("The weights are random (untrained): watch how the numbers flow, not whether guesses are right.")
        return None
    model = choice.model.as_float64()
    st.info(
        f"Weights {md_escape(model_notices.choice_label(choice))}: the model's own cell, vocabulary and {model.level} are used; the "
        "Network controls do not apply.",
        icon="🎓",
    )
    return model


def run(trained: TrainedModel | None = None):
    """(unroll, second unroll or None) for the current settings, or None after showing why not."""
    s = current()
    compare = s.compare if s.compare.strip() else ""
    text, why_not = explore.text_to_read(s.text, s.mode)
    if why_not:
        st.warning(md_escape(explorer_notes.numbers_notice(why_not, text)), icon="🔢")
    try:
        if trained is not None:
            return trained_cached(text, compare, weights_fingerprint(trained.params), trained)
        args = (
            s.cell,
            s.mode,
            s.representation,
            s.embed_size,
            s.hidden,
            s.seed,
            s.activation,
            s.scale,
        )
        try:
            return untrained_cached(text, compare, *args)
        except ValueError as err:
            if not (compare and str(err).startswith("Second sequence")):
                raise
            show_error(err)
            return untrained_cached(text, "", *args)
    except ValueError as err:
        show_error(err)
        return None


# ---------------------------------------------------------------------------- sidebar


def sidebar() -> TrainedModel | None:
    """Cell, notation, a second sequence and the weights choice; returns the trained model or None."""
    with st.sidebar:
        st.subheader("Explorer")
        control("cell", st.radio, "Cell", horizontal=True, format_func=CELL_LABELS.get)
        control("notation", st.radio, "Notation", horizontal=True, format_func=NOTATION_LABELS.get)
        control(
            "compare",
            st.text_input,
            "Compare with a second sequence",
            max_chars=2000,
            placeholder="e.g. the united kingdom of great britain",
        )
        return weights()


def network() -> None:
    """The untrained network's controls; the activation f only exists in the vanilla cell."""
    with st.sidebar:
        st.subheader("Network")
        controls.hidden_size()
        if current().cell == "rnn":
            controls.activation()
        else:
            st.caption("Gated cells have their own nonlinearities: sigmoid gates and a tanh candidate.")
        control("scale", st.slider, "Weight scale", step=0.05)
        controls.seed()


def intro(u: explore.Unroll) -> None:
    """The page's first sentences, in the chosen notation and for the cell in use; unknown words named."""
    n = current().notation
    vocab = u.enc.vocab.index
    unknown = [t for t in dict.fromkeys(u.enc.tokens) if t not in vocab]
    if unknown:
        st.info(md_escape(model_notices.unknown_notice(unknown)), icon="ℹ️")
    what = {
        "rnn": "mixes the new input x_t with the memory h_(t-1) into h_t",
        "lstm": "uses four gates to update a memory cell c_t and show part of it as h_t",
        "gru": "uses two gates to blend the memory h_(t-1) with a new candidate into h_t",
    }[u.cell]
    task = "the next value" if u.regression else "the next token"
    st.markdown(
        translate(
            f"At every step the **same cell** {what} and predicts {task}; the **backward pass** then carries "
            "every prediction's error back to the first step.",
            n,
        )
    )


def input_notes(u: explore.Unroll) -> None:
    """Under the sequence controls: why an embedding is shorter than a one-hot, and what numbers mode does."""
    V = len(u.enc.vocab)
    with st.sidebar:
        if u.regression:
            st.caption(
                "Numbers are read as **values**: each x_t is one number, scaled to mean 0 and spread 1, and the "
                "network predicts the next value (regression, squared error). Choose one-hot to read them as "
                "categories instead."
            )
        elif u.enc.E is not None:
            dim = u.enc.E.shape[0]
            st.caption(
                f"A one-hot x_t has one slot per vocabulary token (V = {V}); an embedding gives each token a dense "
                f"vector of {dim} numbers. Shorter is the point: related tokens can share directions, and the input "
                "weights shrink from H×V to H×"
                + str(dim)
                + "."
                + (f" Here {dim} ≥ V, so it saves nothing: pick a size below {V}." if dim >= V else "")
            )


def downloads(u: explore.Unroll) -> None:
    """The trace as CSV/JSON (built only when a button is clicked), column names in the notation."""
    n = current().notation
    with st.sidebar:
        st.subheader("Download")
        trace_downloads(lambda: export.explorer_trace(u, n), key="explorer_trace")
        st.caption(
            translate("Every step's x_t, h_t, ŷ_t and ∂L/∂h_t (next-item loss). Figures: camera icon on each chart.", n)
        )


# ---------------------------------------------------------------------------- stepping

_SPEEDS = {2.0: "slow (2 s)", 1.0: "normal (1 s)", 0.5: "fast (0.5 s)"}
# label -> (keyboard shortcut, forward move, backward move); a backward move gets the step it opens on as T
_MOVES = {
    "|◀ First": ("Home", lambda t, T: 1, lambda t, T: T),
    "◀ Back": ("Left", lambda t, T: t - 1, lambda t, T: t + 1),
    "Next ▶": ("Right", lambda t, T: t + 1, lambda t, T: t - 1),
    "Last ▶|": ("End", lambda t, T: T, lambda t, T: 1),
}
PHASES = {"forward": "Forward pass", "backward": "Backward pass (BPTT)"}


def steps(result, trained: TrainedModel | None) -> None:
    """The player, then every step-dependent view in one fragment (a step reruns only the fragment)."""
    T = result[0].T
    # Presenter mode's larger type needs wider pass and play columns (nothing cut to "…" on a projector).
    widths = [2.5, 1.0, 0.85, 0.7] if presenting() else [1.75, 1.3, 0.6, 0.95]
    phase_col, play_col, speed_col, help_col = st.columns(widths, vertical_alignment="center")
    with phase_col:
        control(
            "phase",
            st.segmented_control,
            "Pass",
            format_func=PHASES.get,
            on_change=_phase_changed,
            args=(T, result[0].backward_start),
            selection_mode="single",
            required=True,
            label_visibility="collapsed",
        )
    playing = play_col.toggle(
        "▶ Play" if presenting() else "▶ Play through the steps", key="explorer_play", help="one step at a time"
    )
    speed = speed_col.select_slider(
        "Speed",
        options=list(_SPEEDS),
        format_func=_SPEEDS.get,
        key="explorer_speed",
        value=1.0,
        label_visibility="collapsed",
    )
    u, u_b = result
    s = current()
    with help_col.popover("Help" if presenting() else "How to read", icon=":material/help:", width="stretch"):
        st.markdown(
            "\n\n".join(explorer_views.how_to_read(u, u_b, s.notation, s.phase == "backward", trained is not None))
        )
    st.session_state["_explorer_full"] = True
    st.fragment(_step_views, run_every=speed if playing else None)(result, trained, playing)


def _hold() -> None:
    st.session_state["_explorer_hold"] = True  # a click is not a tick of the player


def _scrubbed() -> None:
    set_setting("step", st.session_state["w_step"])
    _hold()


def _go_to(label: str, T: int, start: int) -> None:
    set_setting("step", _moved(label, current().step, T, start, current().phase))
    _hold()


def _moved(label: str, t: int, T: int, start: int, phase: str) -> int:
    """The step a button moves to: the backward pass runs from `start` (the last step with a loss) to 1."""
    _, fwd, back = _MOVES[label]
    if phase == "backward":
        return max(1, min(max(start, t), back(t, start)))  # from the empty last step, only onwards
    return max(1, min(T, fwd(t, T)))


def _phase_changed(T: int, start: int) -> None:
    # BPTT opens on the last step with a loss (the last step predicts nothing); forward from the first token.
    set_setting("phase", st.session_state["w_phase"])
    set_setting("step", start if current().phase == "backward" else 1)
    _hold()


def clicked_step(value: Any, T: int) -> int | None:
    """The step a click on the chain asks for: the clicked point's x, rounded into 1..T (x = 0 is h₀: step 1).
    None when the value is not a click on a point (the chart's value comes from the browser: trust nothing)."""
    x = value.get("x") if isinstance(value, dict) else None
    if not isinstance(x, (int, float)) or isinstance(x, bool) or not math.isfinite(x):
        return None
    return max(1, min(T, int(round(x))))


def _clicked(T: int) -> None:
    """A click on the chain: jump to its column."""
    step = clicked_step(st.session_state.get("explorer_chain"), T)
    if step is not None:
        set_setting("step", step)
        _hold()


def _at_end(label: str, t: int, T: int, start: int, phase: str) -> bool:
    """True when the move would not change the step (so its button is disabled, not dead)."""
    return _moved(label, t, T, start, phase) == t


def _controls(T: int, start: int) -> None:
    bar = st.columns(
        [1.8, 1.5, 1.5, 1.7, 2.6] if presenting() else [1.4, 1.15, 1.15, 1.3, 4], vertical_alignment="center"
    )
    s = current()
    t, phase = s.step, s.phase
    for col, (label, (key, _, _)) in zip(bar[:4], _MOVES.items()):
        col.button(
            label,
            on_click=_go_to,
            args=(label, T, start),
            key=f"explorer_{label}",
            width="stretch",
            shortcut=key,
            disabled=_at_end(label, t, T, start, phase),
            help=f"keyboard: {key}"
            + (f" (the backward pass runs from step {start} down to 1)" if phase == "backward" else ""),
        )
    with bar[4]:
        if T > 1:
            # A new T gives the slider a new identity, which would reset it to 1: hand it the step explicitly.
            st.session_state["w_step"] = current().step
            control(
                "step",
                st.slider,
                "Time step t",
                min_value=1,
                max_value=T,
                on_change=_scrubbed,
                label_visibility="collapsed",
            )
        else:
            st.caption("One token: there is only step 1. Type more to step through a sequence.")


def _step_views(result, trained: TrainedModel | None, playing: bool) -> None:
    u, u_b = result
    T = u.T
    full_run, held = st.session_state.pop("_explorer_full", False), st.session_state.pop("_explorer_hold", False)
    if current().step > T:
        set_setting("step", T)
    backward = current().phase == "backward"
    if playing and not full_run and not held:  # a timer tick: advance, and stop at the end
        end = 1 if backward else T
        if current().step == end:
            st.session_state["explorer_play"] = False
            st.rerun(scope="app")
        set_setting("step", current().step + (-1 if backward else 1))

    _controls(T, u.backward_start)
    s = current()
    t, n = s.step, s.notation

    def sym(base: str, k: int) -> str:
        return md_escape(at(base, k, n))

    if backward:
        head = explorer_notes.backward_headline(t, T, None if u.loss is None else u.loss.last_scored, sym)
    else:
        tok, nxt = md_escape(u.enc.tokens[t - 1]), "value" if u.regression else "token"
        head = f"**Step {t} of {T}:** the network reads {sym('x', t)} = “{tok}”" + (
            f" and should predict “{md_escape(u.enc.tokens[t])}” next." if t < T else f", the last {nxt}."
        )
    st.markdown(head)
    live_fig(explorer_views.chain(u, t, n, backward), key="explorer_chain", on_click=lambda: _clicked(T))
    if backward:
        explorer_views.backward(u, t, n)
    else:
        explorer_views.forward(u, u_b, t, n, trained is not None)
    write_url()  # the fragment reruns alone when stepping: keep the address bar in step
