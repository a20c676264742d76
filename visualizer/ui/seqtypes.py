"""Sequence types views: one cell wired five ways, the run on the user's sequence, and where each shape is used."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

from visualizer.content import seqtype_gallery
from visualizer.labs.explorer.explore import Unroll
from visualizer.labs.sequences import seqtypes
from visualizer.plots import figures
from visualizer.plots.seqtype_figures import fmt_norms, type_diagram
from visualizer.ui.binding import control, current, presenting
from visualizer.ui.compute import CACHE, text_to_read, unroll, unroll_cached
from visualizer.ui.show import show_fig
from visualizer.ui.text import md_escape

INTRO = (
    "One recurrent cell, h_t = f(W_hh · h_(t-1) + W_xh · x_t + b_h), wired to read one input or many and to emit "
    "one output or many. Each shape here is trained on a small task of its own; switch to random weights to compare."
)
GENERATES = ("one_to_many", "encoder_decoder")
READS = {
    "one_to_one": "It reads only the first token of your sequence and emits one output; nothing is carried over.",
    "one_to_many": "It reads the first token of your sequence, then feeds each token it emits back in as the next input.",
    "many_to_one": "It reads every token; only the last step's output counts (the others are computed and dropped).",
    "many_to_many": "It reads a token and emits an output at every step: one output per input, aligned.",
    "encoder_decoder": "The encoder reads every token and emits nothing; its final state starts the decoder, "
    "which has its own weights and writes tokens, feeding each back in.",
}


@st.cache_data(**CACHE, show_spinner=False)
def run_cached(
    kind: str,
    text: str,
    mode: str,
    rep: str,
    emb: int,
    hidden: int,
    seed: int,
    act: str,
    scale: float,
    outlen: int,
) -> seqtypes.SeqRun:
    base = unroll_cached(text, mode, rep, emb, hidden, seed, act, scale)
    return seqtypes.run(kind, base.enc, base.params, activation=act, outlen=outlen, seed=seed, scale=scale)


def shape_picker() -> str:
    """The sequence type, on one line."""
    return control("seqtype", st.radio, "Sequence type", format_func=seqtypes.LABELS.get, horizontal=True)


@dataclass(frozen=True)
class ControlRow:
    """The row under the shape picker: the input box, a companion (the attention focus), weights, a toggle."""

    input: Any
    focus: Any
    weights: Any
    toggle: Any


def control_row(kind: str) -> ControlRow:
    """Columns for the row; the encoder–decoder needs two more (the focus word and the attention toggle)."""
    if kind == "encoder_decoder":
        return ControlRow(*st.columns([3.0, 1.5, 1.6, 1.3], vertical_alignment="bottom"))
    # presenter mode: a wider weights column keeps its two options on one line at the large font
    inp, weights, toggle = st.columns([4.5, 2.3, 0.6] if presenting() else [4.5, 1.6, 1.3], vertical_alignment="bottom")
    return ControlRow(inp, toggle, weights, toggle)


def random_controls(kind: str, row: ControlRow) -> None:
    """With random weights: the output length where the shape generates, and one line on how it reads."""
    if kind in GENERATES:
        with row.input:
            control("output_length", st.slider, "Output length (tokens generated)")
        st.caption(f"🔁 {READS[kind]}")
    else:
        row.input.caption(f"🔁 {READS[kind]}")


def run(kind: str) -> tuple[Unroll, seqtypes.SeqRun] | None:
    """The untrained cell over the text, and the shape's run; None after showing why not."""
    s = current()
    text = text_to_read(s)
    base = unroll(s, text)
    if base is None:
        return None
    res = run_cached(
        kind,
        text,
        s.mode,
        s.representation,
        s.embed_size,
        s.hidden,
        s.seed,
        s.activation,
        s.scale,
        s.output_length,
    )
    return base, res


def run_views(res: seqtypes.SeqRun, activation: str) -> None:
    """The shape's diagram, its hidden states and what it emitted."""
    lay = res.layout
    if res.overflowed:
        st.warning("Overflow: some hidden values became infinite or NaN. Lower the weight scale.", icon="💥")
    show_fig(
        type_diagram(lay, in_labels=res.in_labels, out_labels=res.out_labels, h_norms=fmt_norms(res.hs)).update_layout(
            height=300, margin=dict(t=40, b=40)
        ),
        key="seq_diagram",
    )
    st.caption(
        "How to read this: each column is one use of the same cell. Green diamonds are your tokens, brown "
        "ones are the network's own previous output fed back (dashed line), a grey one is the decoder's "
        "<start> vector. Blue arrows carry the hidden state forward; in encoder–decoder the orange square is "
        "the encoder's final state, the context c that becomes the decoder's first hidden state (purple "
        "squares: the decoder's separate weights). Yellow circles are the outputs the network emits."
    )

    left, right = st.columns(2)
    with left:
        heat = figures.hidden_heatmap(
            res.hs[1:],
            res.in_labels,
            activation=activation,
            step=None if lay.context_step is None else lay.context_step + 1,
            title="Hidden state at every step (columns labelled by the token read)",
        )
        show_fig(heat.update_xaxes(tickangle=-45), key="seq_heatmap")
        st.caption(
            "How to read this: one column per step, one row per hidden unit; red positive, blue negative."
            + (" The outlined column is the context c handed to the decoder." if lay.context_step is not None else "")
        )
    with right:
        st.markdown(f"**Emitted: {lay.n_outputs} output(s) from {lay.n_inputs} input token(s)**")
        st.dataframe(
            seqtypes.emitted_table(res), hide_index=True, width="stretch", height=min(420, 40 + 35 * lay.n_steps)
        )
        st.caption(
            "The weights are random (untrained): the tokens are guesses drawn from the cell's output "
            "and a fixed seed, so the same settings always emit the same tokens. Change the seed to redraw."
        )


def applications(kind: str) -> None:
    """Examples of the chosen shape and the gallery of applications."""
    st.subheader(f"Where {seqtypes.LABELS[kind].lower()} is used")
    for ex in seqtype_gallery.EXAMPLES[kind]:
        with st.container(border=True):
            st.markdown(f"**{ex.title}** — reads {ex.reads}; emits {ex.emits}.\n\n{ex.note}")

    st.subheader("Applications and their shapes")
    # A Markdown table wraps its cells, so the long "why" column is never cut off at 1280 px.
    lines = ["| | application | reads | emits | shape | why |", "|---|---|---|---|---|---|"]
    for a in seqtype_gallery.GALLERY:
        cells = (a.name, a.reads, a.emits, seqtypes.LABELS[a.kind], a.why)
        mark = "▶" if a.kind == kind else ""
        bold = (lambda t: f"**{t}**") if mark else (lambda t: t)
        lines.append(f"| {mark} | " + " | ".join(bold(md_escape(c)) for c in cells) + " |")
    st.markdown("\n".join(lines))
    st.caption("Applications mapped to the five shapes; ▶ and bold mark those of the shape selected above.")


def feedforward_comparison(base: Unroll | None, hidden: int) -> None:
    """Why a feed-forward network can't read a sequence, with the weight counts for this one."""
    st.subheader("Why a feed-forward network can't do this")
    cols = st.columns(len(seqtype_gallery.WHY_NOT_FEEDFORWARD))
    for col, (head, body) in zip(cols, seqtype_gallery.WHY_NOT_FEEDFORWARD):
        col.markdown(f"**{head}**\n\n{body}")
    if base is not None:
        enc = base.enc
        T, D, V = len(enc.tokens), enc.X.shape[1], len(enc.vocab)
        counts = seqtypes.parameter_counts(T, D, hidden, V)
        a, b = st.columns(2)
        a.metric("RNN weights (any length)", f"{counts['rnn']:,}")
        b.metric(f"Feed-forward weights (exactly {T} tokens)", f"{counts['feedforward']:,}")
        st.caption(
            f"A one-hidden-layer feed-forward net that reads all {T} tokens at once and predicts one output "
            f"per token needs weights for every position, and cannot take {T + 1} tokens at all. The RNN "
            "reuses one set of weights at every step."
        )
