"""The explorer's views beside the player: how to read it, and the embedding map (which does not change with the
step). The step views themselves are the player (ui/player.py), stepped in the browser.
"""

from __future__ import annotations

import streamlit as st

from visualizer.content import explorer_notes, player_notes
from visualizer.labs.explorer import embedding as embedding_lab
from visualizer.labs.explorer import explore
from visualizer.plots import step_figures
from visualizer.plots.notation import translate
from visualizer.ui.show import show_fig
from visualizer.ui.text import md_escape


def _caption(text: str, n: str) -> None:
    st.caption(translate(text, n))


def how_to_read(u: explore.Unroll, u_b: explore.Unroll | None, n: str, trained: bool) -> list[str]:
    """How to read the player, one paragraph per part, in the chosen notation."""
    text = player_notes.how_to_read(
        u.cell,
        memory=u.cs is not None,
        regression=u.regression,
        embedding=u.enc.E is not None,
        compare=u_b is not None,
        trained=trained,
    )
    return [translate(t, n) for t in text]


def embedding(u: explore.Unroll, n: str, trained: bool) -> None:
    """Similar tokens, similar vectors: the embedding (or, for one-hot inputs, the input weights' columns).
    Drawn outside the step fragment: it does not change with the step."""
    vectors = explore.embedding_vectors(u)
    if vectors is None or len(u.enc.vocab) < 3:
        return
    source = "the embedding matrix E" if u.enc.E is not None else translate("the input weights W_xh", n)
    # A toggle, not an expander: nothing is computed or sent until a student asks for it.
    if not st.toggle(f"Which tokens get similar vectors? (from {source})", key="explorer_embedding_show"):
        return
    with st.container(border=True):
        vocab = u.enc.vocab.index
        typed = [w for w in dict.fromkeys(u.enc.tokens) if w in vocab][:8]  # unknown words have no vector
        pairs = [(w, *embedding_lab.nearest(vectors, u.enc.vocab.tokens, w, k=1)[0]) for w in typed]
        # A large vocabulary: name only your tokens and their nearest neighbours (hover shows the rest).
        named = None if len(vocab) <= 40 else {w for w, _, _ in pairs} | {v for _, v, _ in pairs}
        fig = step_figures.embedding_map(vectors, u.enc.vocab.tokens, labelled=named)
        show_fig(fig, key="explorer_embedding")
        rows = [f"| {md_escape(w)} | {md_escape(v)} | {c:.2f} |" for w, v, c in pairs]  # tokens shown literally
        st.markdown("\n".join(["| token | most similar token | cosine similarity |", "|---|---|---|", *rows]))
        chance = embedding_lab.chance_nearest(*vectors.shape)
        kept = embedding_lab.project(vectors).kept
        _caption(explorer_notes.embedding_caption(kept, vectors.shape[1], chance, pairs, trained), n)
