"""The explorer's fold diagram: the five moves from a feed-forward net to an RNN, drawn on the user's tokens.

Playing advances the `fold` setting on a fragment timer, so the slider, the move's text and the figure
always show the same move.
"""

from __future__ import annotations

import streamlit as st

from visualizer.plots import diagrams
from visualizer.plots.notation import translate
from visualizer.ui.binding import control, current, set_setting, write_url
from visualizer.ui.show import show_fig


@st.cache_resource(max_entries=32, show_spinner=False)
def fold_figure_cached(stage: int, tokens: tuple[str, ...], notation: str):
    """The fold diagram never depends on the step: built once per stage, tokens and notation (read-only)."""
    return diagrams.fold_figure(stage, tokens, notation=notation, animated=False)


def _fold_play_changed() -> None:
    if st.session_state.get("explorer_fold_play"):
        set_setting("fold", 1)  # play the five moves from the first


def fold(tokens, *, opened: bool = False) -> None:
    """The five moves from a feed-forward net to the RNN, on the user's tokens. Playing advances the
    move setting itself (a timer on a fragment), so the slider, the text and the figure stay together.

    opened: a lesson stop names the fold: the panel starts switched on."""
    n = current().notation
    if opened:
        st.session_state.setdefault("explorer_fold_show", True)
    # A toggle, not an expander: a collapsed expander still builds and sends its figure on every page
    # open (a seventh of an open's server time); a toggle draws nothing until it is on.
    if not st.toggle(
        "Where the chain comes from: five moves from a feed-forward net to an RNN", key="explorer_fold_show"
    ):
        return
    with st.container(border=True):
        playing = st.toggle("▶ Play the five moves", key="explorer_fold_play", on_change=_fold_play_changed)
        st.session_state["_fold_full"] = True
        st.fragment(_fold_view, run_every=1.6 if playing else None)(tuple(tokens), n, playing)


def _fold_view(tokens: tuple[str, ...], n: str, playing: bool) -> None:
    if playing and not st.session_state.pop("_fold_full", False):  # a tick of the timer
        if current().fold >= diagrams.N_STAGES:
            st.session_state["explorer_fold_play"] = False
            st.rerun(scope="app")
        set_setting("fold", current().fold + 1)
    st.session_state.pop("_fold_full", None)
    left, right = st.columns([1, 2])
    with left:
        stage = control("fold", st.slider, "Move (of five)", min_value=1, max_value=diagrams.N_STAGES)
        name, text = diagrams.MOVES[stage - 1]
        st.markdown(f"**Move {stage}: {name}.** {translate(text, n)}")
        st.caption(
            translate(
                "How to read this: the faint grey picture is where the move started. Move 4 is the folded RNN, "
                "x_t → h_t (with its loop) → ŷ_t; move 5 unrolls it over your sequence, one copy per token.",
                n,
            )
        )
    with right:
        show_fig(fold_figure_cached(stage, tokens, n), key="explorer_fold")
    write_url()
