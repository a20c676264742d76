"""The widget groups pages share, each drawn by one function: sequence, network, seed, clipping, weights.

Bounds and options come from the settings table (`state.SETTINGS`) through `core.control`; labels that
mean the same thing on every page are written once here.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from visualizer.maths import encoding
from visualizer.ui.core import control, set_setting

Settings = dict[str, Any]

ACT_HELP = "f in h_t = f(W_hh h_(t-1) + W_xh x_t + b_h)"
MODE_LABELS = {"chars": "characters", "words": "words", "numbers": "numbers"}
REPR_LABELS = {"onehot": "one-hot", "embedding": "embedding / value"}
WEIGHT_LABELS = {"random": "random (untrained)", "trained": "trained"}


def text_box(settings: Settings) -> str:
    """The sequence the RNN reads."""
    return control(settings, "text", st.text_area, "Type a sequence", height=90, max_chars=encoding.MAX_TEXT_CHARS)


def split_mode(settings: Settings) -> str:
    """Characters, words or numbers."""
    return control(settings, "mode", st.radio, "Split into", horizontal=True, format_func=MODE_LABELS.get)


def sequence(settings: Settings) -> None:
    """The sequence group: text, how it is split, and how x_t is built."""
    st.subheader("Sequence")
    text_box(settings)
    split_mode(settings)
    control(settings, "representation", st.radio, "x_t is", horizontal=True, format_func=REPR_LABELS.get)
    if settings["representation"] == "embedding" and settings["mode"] != "numbers":
        control(settings, "embed_size", st.slider, "Embedding size")


def hidden_size(settings: Settings, name: str = "hidden", **kwargs) -> int:
    """The hidden size H (the Train page's model has its own setting and range)."""
    return control(settings, name, st.slider, "Hidden size H", **kwargs)


def activation(settings: Settings) -> str:
    return control(settings, "activation", st.selectbox, "Activation f", help=ACT_HELP)


def seed(settings: Settings) -> int:
    return control(settings, "seed", st.number_input, "Seed", step=1)


def network(settings: Settings) -> None:
    """The network group of an untrained vanilla RNN: H, f, weight scale and seed."""
    st.subheader("Network")
    hidden_size(settings)
    activation(settings)
    control(settings, "scale", st.slider, "Weight scale", step=0.05)
    seed(settings)


def sequence_and_network(settings: Settings, *, where=st.sidebar) -> None:
    """Both groups, in the sidebar: what most pages show."""
    with where:
        sequence(settings)
        network(settings)


def clipping(settings: Settings, *, label: str = "Clip the gradient by norm") -> bool:
    """Clip on/off and its threshold; returns whether clipping is on."""
    if control(settings, "clip", st.toggle, label):
        control(settings, "clip_norm", st.number_input, "Largest gradient norm ‖∇θ‖ after clipping")
    return bool(settings["clip"])


def weights(settings: Settings, available: tuple[str, ...], *, why_not: str = "", help: str = "") -> str:
    """The weights picker: which of the available weights the page uses ('random' is always there).

    When only random weights exist the picker is replaced by `why_not` and the setting falls back.
    """
    options = [w for w in ("random", *available) if w in WEIGHT_LABELS]
    if len(options) == 1:
        if settings["weights"] != "random":
            set_setting(settings, "weights", "random")
        if why_not:
            st.caption(why_not)
        return "random"
    if settings["weights"] not in options:
        set_setting(settings, "weights", options[-1])
    return control(
        settings,
        "weights",
        st.radio,
        "Weights",
        options=options,
        horizontal=True,
        format_func=WEIGHT_LABELS.get,
        help=help or "random weights, or a trained network",
    )
