"""Streamlit view of "What a unit remembers": the controls, units on the text, switching units off, attributions.

The numbers come from visualizer.labs.units (pure NumPy), the sentences from visualizer.content.unit_notes, the
figures from visualizer.plots.unit_figures. Everything heavy is cached per model and text; the held-out story is
read once per model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from visualizer.content import unit_notes
from visualizer.data import pretrained
from visualizer.data.trained_model import TrainedModel
from visualizer.labs.sequences import seqtasks
from visualizer.labs.units import activity, annotate, attribution, clamp, contrast, finder, translation
from visualizer.plots import unit_figures
from visualizer.ui.binding import control, current, set_setting
from visualizer.ui.compute import CACHE
from visualizer.ui.show import show_fig
from visualizer.ui.text import md_escape, show_error

SHOWN_TOKENS = {"words": 96, "chars": 360}  # how much of the story is coloured: 8 and 6 rows fit 1280×720
PER_ROW = {"words": 12, "chars": 60}  # a long word (portuguese) fits its cell at 1280 px
REACH_WINDOW = {"words": 30, "chars": 100}  # tokens looked back over (the shipped models' BPTT windows are 24-100)
REACH_WINDOWS = 256
MAX_ATTR_TOKENS = {"words": 40, "chars": 100}

# ---------------------------------------------------------------------------- cached compute


@st.cache_resource(show_spinner=False)
def model(name: str) -> TrainedModel:
    return activity.float64(pretrained.load_shipped(name))


@st.cache_data(**CACHE, show_spinner=False)
def story_activity(name: str, trained: bool) -> activity.Activity:
    m = model(name)
    return activity.read(m if trained else activity.untrained(m), pretrained.heldout_text())


@st.cache_data(**CACHE, show_spinner=False)
def text_activity(name: str, text: str) -> activity.Activity:
    return activity.read(model(name), text)


@st.cache_data(**CACHE, show_spinner=False)
def ranking(name: str, state: str, prop: str) -> finder.Ranking:
    a, u = story_activity(name, True), story_activity(name, False)
    return finder.rank(a.states(state), u.states(state), a.props[prop], annotate.PROPERTIES[prop], state)


@st.cache_data(**CACHE, show_spinner=False)
def effect(name: str, units: tuple[int, ...], to: str, state: str, which: str) -> clamp.ContrastEffect:
    c = clamp.clamp_for(story_activity(name, True), units, to, state)
    return clamp.contrast_effect(model(name), contrast.pairs(which), c)


@st.cache_data(**CACHE, show_spinner=False)
def next_tokens(name: str, prompt: str, units: tuple[int, ...], to: str, state: str) -> np.ndarray:
    c = clamp.clamp_for(story_activity(name, True), units, to, state)
    return clamp.next_token(model(name), prompt, c)


@st.cache_data(**CACHE, show_spinner=False)
def attributions(name: str, text: str) -> attribution.Attributions:
    m = model(name)
    ids, _ = pretrained.read_prompt(m, text)
    if ids.size > MAX_ATTR_TOKENS[m.level]:
        raise ValueError(unit_notes.too_long(ids.size, MAX_ATTR_TOKENS[m.level]))
    return attribution.attribute(m, ids)


@st.cache_data(**CACHE, show_spinner=False)
def reach(name: str) -> attribution.Reach:
    m = model(name)
    ids, _ = pretrained.read_prompt(m, pretrained.heldout_text())
    return attribution.reach(m, ids, window=REACH_WINDOW[m.level], windows=REACH_WINDOWS)


@st.cache_data(**CACHE, show_spinner="Translating the test sentences with units switched off…")
def gender_effect(k: int) -> translation.GenderEffect:
    model = seqtasks.load_shipped("encoder_decoder", attend=True).model
    return translation.gender_effect(model, seqtasks.load_dataset("encoder_decoder").test, k)


def _delta(points: float) -> str | None:
    """A metric's change in points; none for no change (Streamlit would draw +0.0 as a rise)."""
    return None if abs(points) < 0.05 else f"{points:+.1f} points"


# ---------------------------------------------------------------------------- controls


@dataclass(frozen=True)
class Setup:
    """What the controls chose, with the choices that do not apply already resolved."""

    name: str  # shipped model
    model: TrainedModel
    state: str  # "h" or "c" (c only for the LSTM)
    prop: str
    ranking: finder.Ranking
    unit: int


def _siblings(name: str) -> dict[str, str]:
    """The three cells' models at the level of `name` (for the side-by-side attributions)."""
    level = pretrained.SHIPPED[name].config.level
    return {
        spec.config.cell: n
        for n, spec in pretrained.SHIPPED.items()
        if spec.config.level == level and spec.layers == 1  # the page reads one layer
    }


def controls() -> Setup | None:
    """The model, state, property and unit; None (after saying why) when the model cannot be loaded."""
    left, mid, right, last = st.columns([1.2, 1, 1.2, 1.4])
    with left:
        name = control("unit_model", st.selectbox, "Story model", format_func=lambda n: pretrained.SHIPPED[n].label)
    try:
        m = model(name)
    except ValueError as err:
        show_error(err)
        return None
    is_lstm = m.cell == "lstm"
    with mid:
        if is_lstm:
            state = control(
                "unit_state",
                st.radio,
                "State",
                horizontal=True,
                format_func=lambda s: unit_notes.STATE_NAMES[s],
                help="h_t is what every cell outputs; c_t is the LSTM's cell state.",
            )
        else:  # the setting keeps its value for the next LSTM; this cell shows h_t, and says why
            state = "h"
            st.radio(
                "State", ["h_t"], horizontal=True, disabled=True, key="units_state_h", help=unit_notes.NO_CELL_STATE
            )
    with right:
        prop = control(
            "unit_prop",
            st.selectbox,
            "Property of the text",
            format_func=lambda k: annotate.PROPERTIES[k].label,
        )
    rank = ranking(name, state, prop)
    H = m.hidden_size
    if current().unit >= H:
        st.info(unit_notes.too_many_units(H), icon="ℹ️")
        set_setting("unit", -1)
    best = rank.best
    options = [-1, *[int(u) for u in rank.order]]
    with last:
        picked = control(
            "unit",
            st.selectbox,
            "Unit (ranked by the finder)",
            options=options,
            format_func=lambda u: (
                f"the best: unit {best} ({rank.score_name} {rank.scores[best]:.2f})"
                if u == -1
                else f"unit {u} ({rank.score_name} {rank.scores[u]:.2f})"
            ),
        )
    unit, _ = finder.chosen_units(rank, int(picked), 0)
    return Setup(name=name, model=m, state=state, prop=prop, ranking=rank, unit=unit)


# ---------------------------------------------------------------------------- 1. units on the text


def units_panel(setup: Setup) -> None:
    st.subheader("1 · A unit on the text")
    rank, unit, state = setup.ranking, setup.unit, setup.state
    # The coloured text first, so it is on screen at 1280×720 (a projector); the verdict and the text box under it.
    figure_slot = st.container(key="main_figure")
    st.markdown(unit_notes.finder_verdict(rank, unit), help=unit_notes.SCORE_HELP + "\n\n" + unit_notes.BASELINE_HELP)
    text = control(
        "unit_text",
        st.text_area,
        "Your own text to colour (empty: the held-out story, never trained on)",
        height=68,
        placeholder='Leo grew up in Japan. He said: " I speak Japanese. "',
    )
    level = setup.model.level
    act = story_activity(setup.name, True)
    source = "the held-out story"
    if text.strip():
        try:
            act = text_activity(setup.name, text)
            source = "your text"
        except ValueError as err:
            show_error(err)
    if act.unknown:
        st.caption("Words this model never saw, read as <unk>: " + md_escape(", ".join(act.unknown[:12])))
    n = SHOWN_TOKENS[level]
    prop = annotate.PROPERTIES[setup.prop]
    values = act.states(state)[:n, unit]
    fig = unit_figures.text_figure(
        act.tokens[:n],
        values,
        act.props[setup.prop][:n],
        per_row=PER_ROW[level],
        title=unit_notes.text_title(unit, state, source),
        prop_label=prop.label,
        classes=prop.classes,
        value_name=f"{unit_notes.STATE_NAMES[state]}[{unit}]",
    )
    with figure_slot:
        show_fig(fig, key="units_text")
    show_fig(
        unit_figures.ranking_figure(rank.scores, rank.untrained_best, rank.shuffled_best, unit, rank.score_name),
        key="units_rank",
    )
    st.caption(unit_notes.scored_over(rank.n, prop.label))


# ---------------------------------------------------------------------------- 2. switch units off


def clamp_panel(setup: Setup) -> None:
    st.subheader("2 · Switch units off")
    a, b, c, d = st.columns([1.2, 0.9, 1.1, 1.1])
    with a:
        k = control("clamp_k", st.slider, "Units switched off: the unit shown (0) or the top k for the property")
    with b:
        to = control(
            "clamp_to",
            st.radio,
            "Hold them at",
            format_func=lambda t: {"zero": "0", "mean": "their mean on the story"}[t],
        )
    with c:
        which = control("contrast", st.radio, "Contrast prompts", format_func=lambda w: contrast.LABELS[w])
    pairs = contrast.pairs(which)
    if current().pair > len(pairs):
        set_setting("pair", 1)
    with d:
        pair = control("pair", st.slider, "Contrast prompt drawn", max_value=len(pairs))
    _, units = finder.chosen_units(setup.ranking, setup.unit, k)
    eff = effect(setup.name, units, to, setup.state, which)
    control_units = clamp.random_units(setup.model.hidden_size, len(units), exclude=units, seed=0)
    ctrl = effect(setup.name, control_units, to, setup.state, which)
    m1, m2, m3 = st.columns(3)
    m1.metric("Contrast prompts right, as trained", f"{eff.before.accuracy:.0%}", help=f"{eff.n_prompts} prompts")
    m2.metric(
        "… with these units switched off",
        f"{eff.after.accuracy:.0%}",
        delta=_delta((eff.after.accuracy - eff.before.accuracy) * 100),
    )
    m3.metric(
        unit_notes.random_metric_label(len(units)),
        f"{ctrl.after.accuracy:.0%}",
        delta=_delta((ctrl.after.accuracy - ctrl.before.accuracy) * 100),
        help="units " + ", ".join(str(u) for u in control_units) + " (drawn with seed 0)",
    )
    st.markdown(unit_notes.clamp_verdict(eff, ctrl, units, setup.state, to))
    p = pairs[pair - 1]
    before = next_tokens(setup.name, p.prompt_a, (), to, setup.state)
    after = next_tokens(setup.name, p.prompt_a, units, to, setup.state)
    top = np.argsort(-(before + after), kind="stable")[:8]
    labels = setup.model.vocab.decode(top)
    show_fig(
        unit_figures.next_token_figure(
            labels, before[top].tolist(), after[top].tolist(), f"Next token after prompt {pair} (right: {p.answer_a})"
        ),
        key="units_next",
    )
    st.caption(f"Prompt {pair}: “{md_escape(p.prompt_a)} …”")
    translation_panel()


def translation_panel() -> None:
    """The encoder–decoder with attention (Sequence types page): its gender units switched off."""
    st.markdown(unit_notes.TRANSLATION_HEADING)
    left, right = st.columns([1, 2])
    with left:
        k = control("enc_k", st.slider, "Encoder units switched off (the top k for the gender)")
    try:
        e = gender_effect(k)
    except (FileNotFoundError, ValueError) as err:
        show_error(err)
        return
    with right:
        a, b, c = st.columns(3)
        a.metric("Gender right, as trained", f"{e.before:.0%}", help=f"{e.n} test sentences")
        b.metric("… units off", f"{e.after:.0%}", delta=_delta((e.after - e.before) * 100))
        c.metric(
            unit_notes.random_metric_label(k),
            f"{e.control:.0%}",
            delta=_delta((e.control - e.before) * 100),
            help="units " + ", ".join(str(u) for u in e.control_units) + " (drawn with seed 0)",
        )
    st.markdown(md_escape(unit_notes.gender_verdict(e)))


# ---------------------------------------------------------------------------- 3. what mattered


def _pick_output() -> None:
    """A click on an output of the chain explains that output (the slider follows)."""
    event = st.session_state.get("units_chain")
    points = getattr(getattr(event, "selection", None), "points", None) or []
    picked = [p for p in points if p.get("curve_number") == unit_figures.CHAIN_OUTPUTS]
    if picked:
        set_setting("attr_out", int(picked[-1]["x"]) + 1)


def attribution_panel(setup: Setup) -> None:
    st.subheader("3 · What mattered, for every output")
    text = control("attr_text", st.text_input, "Sentence (each output is explained for its top prediction)")
    models = _siblings(setup.name)
    results: dict[str, attribution.Attributions] = {}
    try:
        for cell, name in models.items():
            results[cell] = attributions(name, text)
    except ValueError as err:
        show_error(err)
        return
    first = next(iter(results.values()))
    T = len(first.tokens)
    out = control(
        "attr_out",
        st.slider,
        "Output explained (0: the last)",
        max_value=T,
        help="Output t predicts the token after input t. Hover a square to read its value.",
    )
    t = T - 1 if out == 0 or out > T else out - 1
    own = results[setup.model.cell]
    show_fig(
        unit_figures.chain_figure(
            own.tokens, own.targets, own.target_p, own.grad_x_input, own.occlusion, t, setup.model.cell
        ),
        key="units_chain",
        on_select=_pick_output,
        selection_mode="points",
    )
    rows = {
        cell: (r.grad_x_input[t], r.occlusion[t], r.targets[t], float(r.target_p[t])) for cell, r in results.items()
    }
    show_fig(unit_figures.attribution_figure(first.tokens, rows, t), key="units_attr")
    st.caption(unit_notes.ATTRIBUTION_HELP)
    reaches = {cell: reach(name) for cell, name in models.items()}
    unit = "words" if setup.model.level == "words" else "characters"
    show_fig(
        unit_figures.reach_figure({c: (r.curve, r.half_life) for c, r in reaches.items()}, unit),
        key="units_reach",
    )
    st.markdown(unit_notes.reach_verdict(reaches))
    st.caption(unit_notes.reach_caption(REACH_WINDOWS, REACH_WINDOW[setup.model.level], unit))
