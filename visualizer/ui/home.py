"""Home views: what an RNN is, a live unrolled example on the user's words, and the way to each page."""

from __future__ import annotations

import streamlit as st

from visualizer.content import model_notices
from visualizer.data import pretrained
from visualizer.data.trained_model import TrainedModel
from visualizer.labs.explorer import explore as unroll_maths
from visualizer.labs.explorer.explore import Unroll
from visualizer.labs.gradients.inputs import trained_vanilla
from visualizer.pages import PAGES
from visualizer.plots import player as player_payload
from visualizer.ui import controls, player
from visualizer.ui import memory as memory_views
from visualizer.ui.binding import control, current, presenting
from visualizer.ui.compute import CACHE, unroll, weights_fingerprint
from visualizer.ui.links import page_link
from visualizer.ui.text import md_escape, show_error

# Home's random-weights example is a small untrained word-level RNN, whatever the other pages use.
EXAMPLE = {
    "mode": "words",
    "representation": "onehot",
    "hidden": 6,
    "activation": "tanh",
    "scale": 1.0,
    "embed_size": 6,
}


WHAT_AN_RNN_IS = """
A **recurrent neural network** reads a sequence one element at a time and carries a **hidden state**
from each step to the next. That hidden state is its *short-term memory*: what it has gathered so far
about this sentence. Its **weights** are its *long-term memory*: learned once, then used the same way
at every step and on every sequence, today and tomorrow.
"""
WHY_NOT_FEEDFORWARD = """
A feed-forward network can't do this. It takes a fixed number of inputs all at once and gives each
input position its own weights, so it has no way to read "the united states of …" word by word and
no memory of what came earlier. An RNN applies **one** cell, with **one** set of weights, at every step,
and feeds its own hidden state back in: the *temporal loop*.
"""


def intro() -> None:
    """Short-term and long-term memory, and why a feed-forward net cannot read a sequence.

    In presenter mode the feed-forward paragraph waits until after the example (see `feedforward_note`),
    so the live example is on the first screen.
    """
    st.markdown(WHAT_AN_RNN_IS if presenting() else WHAT_AN_RNN_IS + WHY_NOT_FEEDFORWARD)
    st.latex(
        r"h_t = f\left(W_{hh}\,h_{t-1} + W_{xh}\,x_t + b_h\right) \qquad \hat y_t = \mathrm{softmax}\left(W_{hy}\,h_t + b_y\right)"
    )


def feedforward_note() -> None:
    """In presenter mode: the feed-forward paragraph the intro left out, under the example."""
    if presenting():
        st.markdown(WHY_NOT_FEEDFORWARD)


def example() -> TrainedModel | None:
    """The user's words through the same cell, unrolled, with the hidden state over time.

    Runs the vanilla RNN trained on the story by default (random weights on request); returns the trained
    model in use, or None for random weights.
    """
    left, right = st.columns([1, 2])
    with left:
        st.subheader("Try it")
        control("text", st.text_input, "A sequence (split into words)", max_chars=400, key="w_text_line")
        choice = controls.weights_picker(levels=("words",), cells=("rnn",), where=st.sidebar)
        model = trained_vanilla(choice.model)
        if model is None:
            st.caption(
                "The weights are random (untrained), so the predictions are guesses; the *flow* is what to watch."
            )
        else:
            st.caption(
                f"The weights were trained on a short story ({md_escape(model_notices.describe(model))}): above each "
                "step is the word it expects next."
            )
        st.markdown(
            "Think of *He grew up in the United States of …*: you expect **America** because you remember the "
            "words before it. Each h_t below is the network's memory after one more word."
        )
        result = unroll(current().changed(**EXAMPLE)) if model is None else _trained(current().text, model)
    if result is not None:
        with right:
            st.subheader("The same cell, unrolled over your words")
            data = _chain(result)
            _heatmap(data)
    return model


@st.cache_data(**CACHE, show_spinner=False)
def _trained_cached(text: str, key: str, _model: TrainedModel) -> Unroll:
    return unroll_maths.trained(_model, text)


def _trained(text: str, model: TrainedModel) -> Unroll | None:
    """The trained model over the text, naming any word it never saw (read as <unk>)."""
    try:
        _, unknown = pretrained.read_prompt(model, text)
        result = _trained_cached(text, weights_fingerprint(model.params), model)
    except ValueError as err:
        show_error(err)
        return None
    if unknown:
        st.info(md_escape(model_notices.unknown_notice(unknown)), icon="🔤")
    return result


def memory_proof(model: TrainedModel | None) -> None:
    """Does it really remember? Two numbers and one contrast pair, measured on text it never trained on."""
    if model is None:
        return
    st.subheader("Does it really remember?")
    memory_views.compact_proof(model)


@st.cache_data(**CACHE, show_spinner=False)
def _payload_cached(key: str, present: bool, _result: Unroll) -> dict:
    """The player's payload for Home's run (the key names the tokens and the weights)."""
    u = _result
    full = unroll_maths.unroll(u.cell, u.enc, u.params, getattr(u.trace, "activation", "tanh"))
    return player_payload.payload(full, present=present)


def _chain(result: Unroll) -> dict:
    """The explorer's player, compact: the chain over every word read. Returns its payload."""
    key = repr((result.enc.tokens, weights_fingerprint(result.params)))
    data = _payload_cached(key, presenting(), result)
    with st.container(key="main_figure"):  # what a projector must show whole (tests/browser/test_projector.py)
        player.show(data, key="home_player", compact=True)
    return data


def _heatmap(data: dict) -> None:
    """The hidden state over time under the chain, on the chain's step (drawn by the player: no chart library)."""
    player.show_heat(data, key="home_heat")
    st.caption(
        "How to read the heatmap: each column is h_t, the memory after that word (one row per hidden unit; hover "
        "a cell for its value); red is positive, blue negative. It follows the chain's step. Columns change "
        "because each new word is mixed with everything remembered so far."
    )


def explore_links() -> None:
    """One link per page, with its one-line description."""
    st.subheader("Explore")
    for page in PAGES[1:]:
        page_link(page, f"**{page.label}** — {page.blurb}")
