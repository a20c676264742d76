"""Sequence types, trained: each shape run by the network shipped for its small task, on what the user types.

The view shows the shape's diagram with the real words read and emitted, the task's own output space with
probabilities (categories, a verdict and its drift, tags, generated or translated words), the held-out accuracy
measured when the model was trained, and for the encoder–decoder the attention weights and the bottleneck.
"""

from __future__ import annotations

import zlib
from typing import Any

import numpy as np
import streamlit as st

from visualizer.content import translation_doubts
from visualizer.data.encoding import UNK
from visualizer.labs.sequences import seqinfer, seqtasks
from visualizer.labs.sequences.seqnets import END
from visualizer.labs.sequences.seqtypes import FEEDBACK
from visualizer.plots import figures
from visualizer.plots import seqtask_figures as sf
from visualizer.plots.seqtype_figures import fmt_norms, type_diagram
from visualizer.ui import decoding
from visualizer.ui.binding import change, control, current, set_setting
from visualizer.ui.compute import CACHE
from visualizer.ui.show import show_fig
from visualizer.ui.text import md_escape, show_error

WEIGHT_LABELS = {"trained": "trained", "random": "random"}
PROMPTS = {  # the input box's label: what goes in and what comes out
    "one_to_one": "Your word → its category",
    "one_to_many": "Your start word → a phrase",
    "many_to_one": "Your review → positive or negative",
    "many_to_many": "Your sentence → a tag per word",
    "encoder_decoder": "Your English sentence → Czech",
}
TASKS = {
    "one_to_one": "Task: a word → its category (person, place, animal or verb).",
    "one_to_many": "Task: a start word → a phrase about it, written word by word (captioning's shape).",
    "many_to_one": "Task: a short review → positive or negative.",
    "many_to_many": "Task: a sentence → one tag per word: person, place or other (named-entity recognition).",
    "encoder_decoder": "Task: English → Czech, where the verb and adjective agree with the gender of the subject "
    "read earlier: “he was” → “on byl”, “she was” → “ona byla”; whole sentences and fragments, as in the article: "
    "“a boy who likes” → “chlapec který rád”, “a girl who likes” → “dívka která ráda”.",
}
UNITS = {  # what one evaluated example is called
    "one_to_one": "words",
    "one_to_many": "start words",
    "many_to_one": "reviews",
    "many_to_many": "sentences",
    "encoder_decoder": "sentences",
}


# ---------------------------------------------------------------------------- cached models and answers


@st.cache_resource(show_spinner=False)
def shipped(kind: str, attend: bool) -> seqtasks.ShippedTask:
    """The shipped model, loaded once per server (read-only: never mutated)."""
    return seqtasks.load_shipped(kind, attend)


@st.cache_resource(show_spinner=False)
def translation_reach() -> seqtasks.Reach:
    """What the encoder–decoder was trained on (gender words, word order, length), to judge a typed input."""
    return seqtasks.reach(seqtasks.load_dataset("encoder_decoder").train)


@st.cache_data(**CACHE, show_spinner=False)
def answer_cached(kind: str, attend: bool, text: str) -> seqinfer.Answer:
    return seqinfer.answer(shipped(kind, attend).model, text)


# ---------------------------------------------------------------------------- controls


def weights_choice() -> str:
    """Trained task model, or the random-weights view one click away."""
    return control(
        "task_weights",
        st.radio,
        "Weights",
        horizontal=True,
        format_func=WEIGHT_LABELS.get,
        help="the network trained on this shape's task, or random weights on your own sequence",
    )


def task_input(kind: str) -> str:
    """The text box, starting from the shape's example; switching shape starts from the new example."""
    example = seqtasks.SPECS[kind].example
    previous = st.session_state.get("_task_kind")
    st.session_state["_task_kind"] = kind
    if previous is not None and previous != kind:
        change(task_input="")
        st.session_state["w_task_input"] = example
    elif "w_task_input" not in st.session_state:
        st.session_state["w_task_input"] = current().task_input or example
    text = st.text_input(
        PROMPTS[kind],
        key="w_task_input",
        max_chars=300,
        help="lower-case words; punctuation is ignored. Words the task never saw are read as <unk>.",
    )
    change(task_input="" if text == example else text)
    return text


def attention_toggle() -> bool:
    return bool(
        control(
            "attention",
            st.toggle,
            "Attention",
            help="dot-product attention (Luong et al., 2015): every output step looks at all encoder states",
        )
    )


# ---------------------------------------------------------------------------- the views


def _notices(ans: seqinfer.Answer, kind: str) -> None:
    r = ans.reading
    if r.unknown:
        names = ", ".join(f"“{md_escape(w)}”" for w in r.unknown)
        st.warning(
            f"Not in this task's vocabulary, so read as {UNK}: {names}. Every unseen word gets the same {UNK} "
            f"input, which never appeared in training: on its own it gives a guess; in a sentence the other "
            "words still count.",
            icon="❓",
        )
    if r.ignored:
        st.info(
            f"This shape reads one word: only “{md_escape(r.words[0])}” is used ({r.ignored} more ignored).",
            icon="☝️",
        )
    if kind == "encoder_decoder":
        t = shipped(kind, True).extra  # the attention file holds both networks' accuracy by length
        column = "acc_attention" if ans.run.weights is not None else "acc_plain"
        table = (t["len_lo"], t["len_hi"], t[column]) if {"len_lo", "len_hi", column} <= set(t) else None
        notes = translation_doubts.doubt_notes(seqinfer.doubt(ans, translation_reach(), table))
        if notes:
            st.warning("**This translation may be wrong.** " + " ".join(md_escape(n) for n in notes), icon="⚠️")


def _focus(ans: seqinfer.Answer) -> int:
    """The output word whose attention arcs the diagram draws (0-based among the outputs)."""
    outs = ans.outputs
    gendered = seqtasks.GENDERED["m"] | seqtasks.GENDERED["f"]
    auto = next((k for k, w in enumerate(outs) if w in gendered), max(len(outs) - 2, 0))
    options = list(range(len(outs)))
    # The box belongs to this output: a new output is a new box (a kept one showed the old word, "2. která",
    # beside new arrows), and a word picked in another output goes back to the automatic choice.
    signature = "\t".join(outs)
    previous = st.session_state.get("_focus_output")
    st.session_state["_focus_output"] = signature
    if (previous is not None and previous != signature) or not 0 <= current().focus - 1 < len(outs):
        set_setting("focus", 0)
    focus = current().focus
    chosen = st.selectbox(
        "Arrows for output word",
        options=options,
        index=auto if focus == 0 else focus - 1,
        format_func=lambda k: f"{k + 1}. {outs[k]}",
        key=f"w_focus_word_{zlib.crc32(signature.encode()):08x}",
    )
    change(focus=0 if chosen == auto else chosen + 1)
    return int(chosen)


def task_views(kind: str, row: Any) -> None:
    """Everything the trained view shows for one shape; `row` holds the input, focus and toggle columns."""
    attend = kind == "encoder_decoder"
    if attend:
        with row.toggle:
            attend = attention_toggle()
    with row.input:
        text = task_input(kind)
    try:
        model_info = shipped(kind, attend)
        ans = answer_cached(kind, attend, text)
    except (FileNotFoundError, ValueError) as err:
        show_error(err)
        return
    model = model_info.model
    _notices(ans, kind)
    lay = ans.layout
    arcs = None
    if attend and ans.run.weights is not None and ans.outputs and lay.context_step is not None:
        with row.focus:
            k = _focus(ans)
        arcs = (lay.context_step + 1 + k, ans.run.weights[k])
    diagram = type_diagram(
        lay, in_labels=ans.in_labels, out_labels=ans.out_labels, h_norms=fmt_norms(ans.run.hs), attention=arcs
    )
    show_fig(diagram.update_layout(height=300, margin=dict(t=40, b=40)), key="task_diagram")
    st.caption(TASKS[kind])
    _output_space(kind, model, ans)
    _accuracy(kind, model_info)
    if kind == "encoder_decoder":
        _bottleneck()
        decoding.view(attend)
    with st.expander("Hidden states h_t at every step"):
        show_fig(
            figures.hidden_heatmap(ans.run.hs[1:], ans.in_labels, title="Hidden state at every step"),
            key="task_heatmap",
        )


def _table(model, ans: seqinfer.Answer) -> None:
    rows = seqinfer.answer_table(model, ans)
    if model.kind == "encoder_decoder":  # the encoder emits nothing (the diagram shows what it read)
        rows = [{k: v for k, v in r.items() if k != "part"} for r in rows if r["part"] == "decoder"]
    st.dataframe(rows, hide_index=True, width="stretch", height=min(400, 38 + 35 * len(rows)))


def _output_space(kind: str, model, ans: seqinfer.Answer) -> None:
    """The task's outputs in its own output space, with probabilities."""
    labels = model.vocab_out.tokens
    left, right = st.columns([3, 2])
    if kind == "one_to_one":
        with left:
            show_fig(sf.label_bars(labels, ans.run.probs[0], title="p(category | word)"), key="task_output")
        with right:
            st.markdown(f"**Answer: {md_escape(ans.text)}**")
            st.markdown(
                "**A feed-forward net in disguise.** With one step, h_1 = tanh(W_xh x_1 + W_hh h_0 + b_h) and "
                "h_0 = 0, so W_hh multiplies zeros: its gradient is exactly 0 and training never changed it. "
                "What is left, ŷ = softmax(W_hy tanh(W_xh x + b_h) + b_y), is a one-hidden-layer network."
            )
    elif kind == "many_to_one":
        p = ans.run.probs  # (S, 2): the output layer read after every word
        with left:
            pos = labels.index("positive")
            show_fig(sf.verdict_drift(ans.in_labels, p[:, pos]), key="task_drift")
        with right:
            show_fig(sf.label_bars(labels, p[-1], title="The verdict, after the last word"), key="task_output")
            st.caption(
                "The left chart reads the same output layer from h_t after every word: the hidden state drifts "
                "toward the verdict as the words come in. Only the last step's output is the network's answer."
            )
    elif kind == "many_to_many":
        with left:
            show_fig(sf.tag_heatmap(ans.in_labels, labels, ans.run.probs), key="task_output")
        with right:
            _table(model, ans)
    elif kind == "encoder_decoder" and ans.run.weights is not None:
        with left:
            W = ans.run.weights
            show_fig(sf.attention_heatmap(ans.reading.labels, ans.outputs, W), key="task_attention")
        with right:
            st.markdown(f"**Translation: {md_escape(ans.text)}**")
            _table(model, ans)
    else:  # the generators without attention: the words, each with its probability and the runner-up
        with left:
            st.markdown(f"**{'Translation' if kind == 'encoder_decoder' else 'Phrase'}: {md_escape(ans.text)}**")
            _table(model, ans)
        with right:
            st.caption(f"Each word is the most probable one; it is fed back as the next input. Writing stops at {END}.")
            note = _memory_note(ans)
            if note:
                st.markdown(note)


def _memory_note(ans: seqinfer.Answer) -> str:
    """A sentence when two steps read the same fed-back word but write different words: the hidden state
    made the difference."""
    lay, seen = ans.layout, dict[str, tuple[int, str]]()
    for t in range(lay.n_steps):
        word, out = ans.in_labels[t], ans.out_labels[t]
        if lay.source[t] != FEEDBACK or out is None:
            continue
        if word in seen and seen[word][1] != out:
            a, first = seen[word]
            return (
                f"Steps {a + 1} and {t + 1} both read “{md_escape(word)}”, yet write “{md_escape(first)}” and "
                f"“{md_escape(out)}”: the input is the same, so the difference comes from the hidden state, "
                "which carries what was read and written before."
            )
        seen.setdefault(word, (t, out))
    return ""


def _accuracy(kind: str, info: seqtasks.ShippedTask) -> None:
    n, unit = info.n_eval, UNITS[kind]
    if seqtasks.SPECS[kind].metric == "tokens":
        what = f"{info.heldout:.0%} of the tags right in {n} held-out {unit} it never saw in training"
    elif info.evaluated_on == "test":
        what = f"right on {info.heldout:.0%} of {n} held-out {unit} it never saw in training"
    else:
        what = (
            f"right on {info.heldout:.0%} of the {n} {unit} it was trained on. There is no held-out set: every "
            f"input is a single word it knows, and an unseen word has no vector of its own ({UNK})"
        )
    if kind == "encoder_decoder" and {"acc_sentence", "acc_fragment"} <= set(info.extra):
        x = info.extra
        what = "exact on " + " and ".join(
            translation_doubts.form_accuracy(float(x[f"acc_{f}"]), int(x[f"n_{f}"]), f) for f in seqtasks.FORMS
        )
    st.caption(f"Trained with `python -m visualizer.pretrain seqtask_{kind}` (seeded): {what}.")


def _bottleneck() -> None:
    """Accuracy by input length without and with attention, measured when the models were trained."""
    plain, att = shipped("encoder_decoder", False), shipped("encoder_decoder", True)
    t = att.extra
    if not {"len_lo", "len_hi", "acc_plain", "acc_attention", "n"} <= set(t):
        return
    st.markdown("**The single-vector bottleneck, and what attention changes**")
    left, right = st.columns([3, 2])
    with left:
        show_fig(
            sf.length_accuracy(t["len_lo"], t["len_hi"], t["acc_plain"], t["acc_attention"], t["n"]),
            key="task_lengths",
        )
    with right:
        a, b = st.columns(2)
        a.markdown("**Without attention**")
        b.markdown("**With attention**")
        for col, info in ((a, plain), (b, att)):
            x = info.extra
            col.metric("Sentences, exact", f"{float(x.get('acc_sentence', np.nan)):.0%}")
            col.metric("Fragments, exact", f"{float(x.get('acc_fragment', np.nan)):.0%}")
            col.metric("Gender agreement", f"{float(x.get('agreement', np.nan)):.0%}")
        st.caption(
            f"Held out, never seen in training: {int(t.get('n_sentence', 0))} whole sentences and "
            f"{int(t.get('n_fragment', 0))} fragments (subject phrases with no verb). "
            "Both networks have the same hidden size (64) and the same training. Without attention the decoder sees the sentence only "
            "through the encoder's last state: it keeps the subject's gender (byl / byla) but loses details such as "
            "the city or the hobby, more so the longer the sentence. With attention each output word reads all "
            "encoder states again, weighted by α."
        )
