"""The widget groups pages share, each drawn by one function: sequence, network, seed, clipping, weights.

Bounds and options come from the settings table (`state.SETTINGS`) through `core.control`; labels that
mean the same thing on every page are written once here.
"""

from __future__ import annotations

import streamlit as st

from visualizer.content import glossary, model_notices
from visualizer.data import encoding, pretrained
from visualizer.data.trained_model import TrainedModel
from visualizer.plots.notation import translate
from visualizer.ui.binding import control, current, set_setting
from visualizer.ui.text import md_escape

ACT_HELP = "f in h_t = f(W_hh h_(t-1) + W_xh x_t + b_h)"
MODE_LABELS = {"chars": "characters", "words": "words", "numbers": "numbers"}
REPR_LABELS = {"onehot": "one-hot", "embedding": "embedding / value"}
WEIGHT_LABELS = {"random": "random (untrained)", "trained": "trained"}


def text_box() -> str:
    """The sequence the RNN reads."""
    return control("text", st.text_area, "Type a sequence", height=90, max_chars=encoding.MAX_TEXT_CHARS)


def split_mode(*, fixed_by: str = "") -> str:
    """Characters, words or numbers; `fixed_by` names the model that fixes the split (the control is then
    disabled with that reason)."""
    if fixed_by:
        return control(
            "mode",
            st.radio,
            "Split into",
            horizontal=True,
            format_func=MODE_LABELS.get,
            disabled=True,
            help=f"{fixed_by}: the split follows it. Choose other weights to split the text another way.",
        )
    return control("mode", st.radio, "Split into", horizontal=True, format_func=MODE_LABELS.get)


# Why the input choice does not apply to trained weights: a trained model reads its own vocabulary, one-hot.
TRAINED_INPUT = (
    "Not with trained weights: a trained model reads one-hot vectors of its own vocabulary (each column of its "
    "W_xh is the learned vector of one token). Choose random weights to build x_t another way."
)


def sequence(*, trained: bool = False, own: TrainedModel | None = None) -> None:
    """The sequence group: text, how it is split, and how x_t is built.

    trained: the page runs trained weights, which fix how x_t is built (the control is shown disabled, with
    the reason); the split then picks a story model of that level. own: the student's model is used, and its
    level fixes the split."""
    st.subheader("Sequence")
    text_box()
    if own is not None:
        if current().mode != own.level:
            set_setting("mode", own.level)
            st.session_state.pop("w_mode", None)
        unit = "characters" if own.level == "chars" else "words"
        split_mode(fixed_by=f"Your model from the Train page reads {unit}")
    else:
        split_mode()
    if trained:
        control(
            "representation",
            st.radio,
            "x_t is",
            horizontal=True,
            format_func=REPR_LABELS.get,
            disabled=True,
            help=TRAINED_INPUT,
        )
        return
    control("representation", st.radio, "x_t is", horizontal=True, format_func=REPR_LABELS.get)
    s = current()
    if s.representation == "embedding" and s.mode != "numbers":
        control("embed_size", st.slider, "Embedding size")


def hidden_size(name: str = "hidden", **kwargs) -> int:
    """The hidden size H (the Train page's model has its own setting and range)."""
    return control(name, st.slider, "Hidden size H", **kwargs)


def activation() -> str:
    help_text = translate(ACT_HELP, current().notation)
    return control("activation", st.selectbox, "Activation f", help=help_text)


def seed() -> int:
    return control("seed", st.number_input, "Seed", step=1)


def network() -> None:
    """The network group of an untrained vanilla RNN: H, f, weight scale and seed."""
    st.subheader("Network")
    hidden_size()
    activation()
    control("scale", st.slider, "Weight scale", step=0.05)
    seed()


def sequence_and_network(*, where=st.sidebar) -> None:
    """Both groups, in the sidebar: what most pages show."""
    with where:
        sequence()
        network()


def clipping(*, label: str = "Clip the gradient by norm", name: str = "clip") -> bool:
    """Clip on/off (setting `name`) and its threshold; returns whether clipping is on."""
    if control(name, st.toggle, label, help=glossary.helptext("clipping")):
        control("clip_norm", st.number_input, "Largest gradient norm ‖∇θ‖ after clipping")
    return bool(getattr(current(), name))


def weights(available: tuple[str, ...], *, why_not: str = "", help: str = "") -> str:
    """The weights picker: which of the available weights the page uses ('random' is always there).

    When only random weights exist the picker is replaced by `why_not` and the setting falls back.
    """
    options = [w for w in ("random", *available) if w in WEIGHT_LABELS]
    if len(options) == 1:
        if current().weights != "random":
            set_setting("weights", "random")
        if why_not:
            st.caption(why_not)
        return "random"
    if current().weights not in options:
        set_setting("weights", options[-1])
    return control(
        "weights",
        st.radio,
        "Weights",
        options=options,
        horizontal=True,
        format_func=WEIGHT_LABELS.get,
        help=help or "random weights, or a trained network",
    )


def session_model() -> TrainedModel | None:
    """The model trained (or loaded) on the Train page in this session, if any."""
    model = st.session_state.get("trained_model")
    return model if isinstance(model, TrainedModel) else None


def weights_picker(
    *,
    levels: tuple[str, ...] = ("words", "chars"),
    cells: tuple[str, ...] = (),
    where=None,
    layers: tuple[int, ...] = (1,),
) -> pretrained.Choice:
    """Trained on the story, random (untrained), or the student's own model: the weights a page runs on.

    Bound to the settings 'weights' and 'story_model', so the URL carries the choice. `levels`, `cells` and
    `layers` say what the page can draw; a choice it cannot use falls back (story, then random) with a notice.
    """
    where = where or st.sidebar
    mine = session_model()
    # 'my model' is offered once the Train page has one (or when a link asks for it: then a notice explains)
    sources = [s for s in pretrained.SOURCES if s != "trained" or mine is not None or current().weights == s]
    names = [
        n
        for n, spec in pretrained.SHIPPED.items()
        if spec.config.level in levels and (not cells or spec.config.cell in cells) and spec.layers in layers
    ]
    with where:
        control(
            "weights",
            st.radio,
            "Weights",
            options=sources,
            format_func=model_notices.SOURCE_LABELS.get,
            help="Random weights show how numbers flow; trained weights show what a network learned to remember.",
        )
        if current().weights == "story" and names:
            if current().story_model not in names:
                set_setting("story_model", names[0])
            if len(names) > 1:
                control(
                    "story_model",
                    st.selectbox,
                    "Story model",
                    options=names,
                    format_func=lambda n: pretrained.SHIPPED[n].label,
                )
    s = current()
    choice, fallbacks = pretrained.choose(s.weights, s.story_model, mine, levels=levels, cells=cells, layers=layers)
    for fallback in fallbacks:
        where.info(md_escape(model_notices.fallback_notice(fallback)), icon="ℹ️")
    return choice
