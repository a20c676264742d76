"""Home: what an RNN is, a live example, and the way to each page. The entry script."""

import streamlit as st

from visualizer import ui
from visualizer.plots import figures

settings = ui.page_setup("home", "Home")
st.title("🔁 RNN Visualizer")
st.markdown(
    """
A **recurrent neural network** reads a sequence one element at a time and carries a **hidden state**
from each step to the next. That hidden state is its *short-term memory*: what it has gathered so far
about this sentence. Its **weights** are its *long-term memory*: learned once, then used the same way
at every step and on every sequence, today and tomorrow.

A feed-forward network can't do this. It takes a fixed number of inputs all at once and gives each
input position its own weights, so it has no way to read "the united states of …" word by word and
no memory of what came earlier. An RNN applies **one** cell, with **one** set of weights, at every step,
and feeds its own hidden state back in: the *temporal loop*.
"""
)
st.latex(
    r"h_t = f\left(W_{hh}\,h_{t-1} + W_{xh}\,x_t + b_h\right) \qquad \hat y_t = \mathrm{softmax}\left(W_{hy}\,h_t + b_y\right)"
)

left, right = st.columns([1, 2])
with left:
    st.subheader("Try it")
    ui.control(settings, "text", st.text_input, "A sequence (split into words)", max_chars=400)
    st.caption("The weights are random (untrained), so the predictions are guesses; the *flow* is what to watch.")
    st.markdown(
        "Think of *He grew up in the United States of …*: you expect **America** because you remember the "
        "words before it. Each h_t below is the network's memory after one more word."
    )
result = ui.unroll({**settings, "mode": "words", "repr": "onehot", "hidden": 6, "act": "tanh", "scale": 1.0, "emb": 6})
if result is not None:
    enc, params, trace = result
    with right:
        st.subheader("The same cell, unrolled over your words")
        ui.show_fig(
            figures.unrolled_chain(
                enc.tokens,
                trace.hs,
                trace.probs,
                enc.vocab.tokens,
                step=enc.X.shape[0],
                window=(max(1, len(enc.tokens) - 11), len(enc.tokens)),
            ),
            key="home_chain",
        )
    ui.show_fig(
        figures.hidden_heatmap(
            trace.hs[1:],
            enc.tokens,
            step=len(enc.tokens),
            title="Hidden state over time: each column is h_t after reading that word",
        ),
        key="home_heatmap",
    )
    st.caption(
        "How to read this: each column is the memory after that word; red is positive, blue negative. "
        "Columns change because each new word is mixed with everything remembered so far."
    )

st.subheader("Explore")
for path, label, icon, blurb in ui.nav_pages()[1:]:
    st.page_link(path, label=f"**{label}** — {blurb}", icon=icon)

ui.sync_url(settings)
