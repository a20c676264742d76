"""Sequence types, encoder–decoder: how the trained translator decodes (teacher forcing vs free running, greedy
vs beam search), on a held-out sentence whose reference translation is known."""

from __future__ import annotations

import streamlit as st

from visualizer.content import decoding_notes as notes
from visualizer.labs.sequences import decoding, seqtasks
from visualizer.labs.sequences.seqnets import END
from visualizer.plots import decoding_figures as df
from visualizer.ui.binding import control, current, set_setting
from visualizer.ui.show import show_fig
from visualizer.ui.text import md_escape


@st.cache_resource(show_spinner=False)
def _examples() -> tuple[seqtasks.TaskExample, ...]:
    return seqtasks.load_dataset("encoder_decoder").test


@st.cache_resource(show_spinner=False)
def _held_out(attend: bool) -> decoding.HeldOut:
    return decoding.held_out(seqtasks.load_shipped("encoder_decoder", attend).model, _examples())


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def _decode(attend: bool, index: int, width: int):
    """(comparison, beam, greedy beam, prefixes) for held-out sentence `index` (0-based)."""
    model = seqtasks.load_shipped("encoder_decoder", attend).model
    ex = _examples()[index]
    src = model.vocab_in.encode(list(ex.src), unknown="unk")
    comp = decoding.compare(model, src, model.vocab_out.encode([*ex.tgt, END]))
    beam = decoding.beam_search(model, src, width)
    greedy = beam if width == 1 else decoding.beam_search(model, src, 1)
    return comp, beam, greedy, decoding.prefixes(beam, model)


def view(attend: bool) -> None:
    """The decoding section of the trained encoder–decoder."""
    st.subheader("Decoding: teacher forcing vs free running, greedy vs beam search")
    try:
        model = seqtasks.load_shipped("encoder_decoder", attend).model
        examples, held = _examples(), _held_out(attend)
    except (FileNotFoundError, ValueError) as err:
        st.error(f"The decoding view needs the shipped translator: {md_escape(str(err))}")
        return
    if not examples:
        st.info("There are no held-out sentences to decode.")
        return
    options = list(range(len(examples) + 1))
    asked = current().decode_pair
    if asked > len(examples):  # a link beyond the held-out set: fall back, and say so
        st.info(notes.pair_fallback(asked, len(examples)), icon="🔗")
        set_setting("decode_pair", 0)
    pick_col, beam_col = st.columns([3, 1.4], vertical_alignment="bottom")
    with pick_col:
        control(
            "decode_pair",
            st.selectbox,
            "Held-out sentence (its reference translation is known)",
            options=options,
            format_func=lambda k: (
                "automatic: the first it gets wrong"
                if k == 0
                else f"{k}. {' '.join(examples[k - 1].src)}" + (" ✗" if k - 1 in held.wrong else "")
            ),
        )
    with beam_col:
        width = control("beam", st.slider, "Beam width", help="1 = greedy decoding")
    index, automatic = held.pick(current().decode_pair)
    ex = examples[index]
    st.caption(md_escape(notes.pick_note(" ".join(ex.src), index + 1, len(held.wrong), held.total, automatic)))
    comp, beam, greedy, prefixes = _decode(attend, index, int(width))
    words = model.vocab_out.tokens
    ref = [words[i] for i in comp.reference]
    first = comp.first_free_mistake
    wrote = words[comp.free.writes[first]] if first is not None and first < len(comp.free.writes) else "nothing"
    wanted = ref[first] if first is not None and first < len(ref) else "nothing"
    after = len(ref) - 1 - first if first is not None else 0
    left, right = st.columns([3, 2])
    left.markdown(notes.TEACHER_FORCING)
    right.markdown(
        md_escape(
            notes.comparison(
                first, wrote, wanted, len(comp.propagated), max(after, 0), len(comp.forced_mistakes), len(ref)
            )
        )
    )
    show_fig(  # full width: ten or more words, each readable in its cell
        df.passes(
            ref,
            [words[i] for i in comp.forced.writes],
            [words[i] for i in comp.free.writes],
            comp.forced.p_written,
            comp.free.p_written,
            first,
            propagated=comp.propagated,
        ),
        key="decode_passes",
    )
    st.caption(notes.COMPARISON_CAPTION)
    levels = [[(words[n.word], n.score, n.parent, n.finished) for n in level] for level in beam.levels]
    left, right = st.columns([3, 2])
    left.markdown(notes.BEAM)
    text = lambda ids: " ".join(words[i] for i in ids if words[i] != END)  # noqa: E731
    right.markdown(
        md_escape(notes.beam_result(int(width), text(beam.best), beam.best_score, text(greedy.best), greedy.best_score))
    )
    show_fig(df.beam_tree(levels, beam.best_path, prefixes, width=int(width)), key="decode_beam")
    st.caption(notes.TREE_CAPTION)
