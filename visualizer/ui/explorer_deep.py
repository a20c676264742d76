"""The explorer's stacked and bidirectional networks: the depth controls, the run (random or trained weights),
the player with layers as rows, and the code panel for the network on screen.

Which network is on screen: with random weights, the `layers` and `bidirectional` settings; with story weights,
the shipped model nearest to them (deep_run.nearest_model, with deep_notes.model_notice when it is not what was
asked); the student's own model has its own shape (the controls are disabled, with the reason).
"""

from __future__ import annotations

import streamlit as st

from visualizer.content import deep_notes
from visualizer.data.trained_model import TrainedModel
from visualizer.labs.explorer import deep_run, explore
from visualizer.nn import deep
from visualizer.plots import deep_player
from visualizer.settings import Settings
from visualizer.ui import code_export, player
from visualizer.ui.binding import control, current, presenting
from visualizer.ui.compute import CACHE, weights_fingerprint
from visualizer.ui.text import md_escape, show_error

OWN_MODEL = "your own model (Train page) has its own shape: its layers and directions are used"
COMPARE_ONE_LAYER = "a second sequence is compared in the one-layer, one-direction view only"
LEVEL_WORDS = {"words": "words", "chars": "characters"}


def own_model_chosen() -> bool:
    """The weights radio says 'my model' in this run."""
    return st.session_state.get("w_weights", current().weights) == "trained"


def depth_controls() -> None:
    """Layers (1–3) and the bidirectional switch, in the sidebar; disabled with the reason for the own model."""
    why = OWN_MODEL if own_model_chosen() else None
    with st.sidebar:
        control("layers", st.slider, "Layers", disabled=why is not None, help=why or "stacked recurrent layers")
        control(
            "bidirectional",
            st.toggle,
            "Bidirectional",
            disabled=why is not None,
            help=why or "a second direction of every layer reads the sequence from t = T back to 1",
        )


def wanted() -> bool:
    """The settings ask for more than one layer or a second direction (and the weights can follow)."""
    s = current()
    return (s.layers > 1 or s.bidirectional) and not own_model_chosen()


def story_match(s: Settings) -> deep_run.ModelMatch | None:
    """The shipped story model nearest to the requested shape, or None when none reads the split."""
    try:
        return deep_run.nearest_model(s.cell, s.mode, s.layers, s.bidirectional)
    except ValueError:
        return None


def picker_shape(s: Settings) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """The (cells, layers) the weights picker offers: the nearest shipped model's when depth is asked for."""
    if not wanted() or st.session_state.get("w_weights", s.weights) != "story":
        return (s.cell,), (1,)
    match = story_match(s)
    if match is None:
        return (s.cell,), (1,)
    return (match.cell,), (match.layers,)


def notice(s: Settings, trained: TrainedModel | None) -> None:
    """What was asked that no shipped model has, and the model shown instead."""
    if trained is None or not wanted():
        return
    match = story_match(s)
    if match is None:
        return
    text = deep_notes.model_notice(match, LEVEL_WORDS.get(s.mode, s.mode))
    if text is not None:
        st.warning(md_escape(text), icon="🧱")


def is_deep(trained: TrainedModel | None) -> bool:
    """The network on screen has more than one layer or two directions."""
    if trained is not None:
        return trained.layers > 1
    s = current()
    return s.layers > 1 or s.bidirectional


# ---------------------------------------------------------------------------- compute (cached)


@st.cache_data(**CACHE, show_spinner=False)
def random_cached(
    text: str,
    cell: str,
    layers: int,
    bidirectional: bool,
    mode: str,
    representation: str,
    emb: int,
    hidden: int,
    seed: int,
    act: str,
    scale: float,
) -> deep_run.DeepRun:
    """Seeded random weights of the requested shape over the text."""
    return deep_run.random_run(
        text,
        mode,
        representation,
        cell=cell,
        layers=layers,
        bidirectional=bidirectional,
        emb=emb,
        hidden=hidden,
        seed=seed,
        act=act,
        scale=scale,
    )


@st.cache_data(**CACHE, show_spinner=False)
def trained_cached(text: str, fingerprint: str, _model: TrainedModel) -> deep_run.DeepRun:
    """A trained stacked model over the text (fingerprint identifies the weights)."""
    return deep_run.trained_run(_model, text)


def run_key(trained: TrainedModel | None) -> str:
    """What identifies the run: the text and the weights' settings or fingerprint."""
    s = current()
    text, _ = explore.text_to_read(s.text, s.mode)
    if trained is not None:
        return repr(("deep", text, weights_fingerprint(trained.params)))
    return repr(
        ("deep", text, s.cell, s.layers, s.bidirectional, s.mode, s.representation, s.embed_size, s.hidden)
        + (s.seed, s.activation, s.scale)
    )


def run(trained: TrainedModel | None) -> deep_run.DeepRun | None:
    """The deep run for the current settings, or None after showing why not (never a traceback)."""
    s = current()
    text, _ = explore.text_to_read(s.text, s.mode)
    try:
        if trained is not None:
            return trained_cached(text, weights_fingerprint(trained.params), trained)
        act = s.activation if s.cell == "rnn" else "tanh"
        return random_cached(
            text,
            s.cell,
            s.layers,
            s.bidirectional,
            s.mode,
            s.representation,
            s.embed_size,
            s.hidden,
            s.seed,
            act,
            s.scale,
        )
    except ValueError as err:
        show_error(err)
        return None


@st.cache_data(**CACHE, show_spinner=False)
def _payload_cached(key: str, notation: str, present: bool, _r: deep_run.DeepRun) -> dict:
    return deep_player.payload(_r, notation=notation, present=present)


# ---------------------------------------------------------------------------- views


def steps(r: deep_run.DeepRun, trained: TrainedModel | None) -> None:
    """The player with one row per layer and direction, and the sentences that say how to read it."""
    s = current()
    data = _payload_cached(run_key(trained), s.notation, presenting(), r)
    with st.container(key="main_figure"):
        player.show(data, key="explorer_player")
    for line in data["deep"]["notes"]:
        st.caption(md_escape(line))


def code(r: deep_run.DeepRun) -> None:
    """The network on screen as PyTorch/Keras code and a state_dict download, collapsed, below the player."""
    code_export.code_panel(current(), r.params, r.enc.X, key="explorer_code")


def code_single(cell: str, params, X, activation: str) -> None:
    """The same panel for the one-layer network on screen."""
    code_export.code_panel(current(), deep.as_network(cell, params, activation), X, key="explorer_code")
