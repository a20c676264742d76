"""Step-through explorer: sidebar, cached forward + backward, and the player.

Stepping: the forward phase reveals steps 1..t (the future stays empty); the backward phase walks
t = T … 1 and shows back-propagation through time. The run is sent once to the player (ui/player.py), which
steps in the browser: buttons, keys (← → Home End, Space plays), the scrubber and clicks on the chain; the
server learns the step when the student pauses.
"""

from __future__ import annotations

import streamlit as st

from visualizer import export
from visualizer.content import explorer_notes, model_notices
from visualizer.data import encoding
from visualizer.data.trained_model import TrainedModel
from visualizer.labs.explorer import explore
from visualizer.labs.explorer import explore as unroll
from visualizer.plots import player as player_payload
from visualizer.plots.notation import NOTATION_LABELS, translate
from visualizer.ui import controls, explorer_deep, explorer_views, player
from visualizer.ui.binding import control, current, presenting
from visualizer.ui.compute import CACHE, weights_fingerprint
from visualizer.ui.downloads import trace_downloads
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
    cells, layers = explorer_deep.picker_shape(s)  # depth asked for: the nearest shipped model's shape
    choice = controls.weights_picker(levels=levels, cells=() if own else cells, layers=layers)
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
    explorer_deep.depth_controls()
    with st.sidebar:
        why = explorer_deep.COMPARE_ONE_LAYER if explorer_deep.wanted() else None
        control(
            "compare",
            st.text_input,
            "Compare with a second sequence",
            max_chars=2000,
            placeholder="e.g. the united kingdom of great britain",
            disabled=why is not None,
            **({"help": why} if why else {}),
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


# ---------------------------------------------------------------------------- the player

PHASES = {"forward": "Forward pass", "backward": "Backward pass (BPTT)"}


@st.cache_data(**CACHE, show_spinner=False)
def _payload_cached(run_key: str, notation: str, present: bool, _result) -> dict:
    """The player's payload for one run (run_key identifies it: the text and every setting it was computed from)."""
    u, u_b = _result
    return player_payload.payload(u, u_b, notation=notation, present=present)


def run_key(trained: TrainedModel | None) -> str:
    """What identifies the current run: the text, the second sequence and the weights' settings or fingerprint."""
    s = current()
    text, _ = explore.text_to_read(s.text, s.mode)
    if trained is not None:
        return repr((text, s.compare, weights_fingerprint(trained.params)))
    return repr(
        (text, s.compare, s.cell, s.mode, s.representation, s.embed_size, s.hidden, s.seed, s.activation, s.scale)
    )


def how_to_read(result, trained: TrainedModel | None) -> None:
    """How to read the player, in a popover beside the title (the text does not change with the step)."""
    u, u_b = result
    s = current()
    with st.popover("How to read" if not presenting() else "Help", icon=":material/help:", width="stretch"):
        st.markdown("\n\n".join(explorer_views.how_to_read(u, u_b, s.notation, trained is not None)))


def steps(result, trained: TrainedModel | None, *, fold_open: bool = False) -> None:
    """The player: the fold above, chain, step sentence, the node's computation and the heatmap, stepped in the
    browser. fold_open: a lesson stop narrates the fold, which opens."""
    s = current()
    data = _payload_cached(run_key(trained), s.notation, presenting(), result)
    with st.container(key="main_figure"):  # what a projector must show whole (tests/browser/test_projector.py)
        player.show(data, key="explorer_player", fold_open=fold_open)
