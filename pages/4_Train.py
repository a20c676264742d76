"""Train live: a small recurrent network learns to predict the next token of a text, in chunks."""

import streamlit as st

from visualizer.ui import core
from visualizer.ui import train as view
from visualizer.ui import train_watch as watch

settings = core.page_setup("train", "Train live")
st.title("Train an RNN live")
st.markdown(
    "After *He grew up in the United States of*, a network with memory should expect **America**. Train a "
    "small recurrent network on a text and watch it learn to predict the next character or word: the loss "
    "falls, the samples start to look like the text, and P(America) rises."
)

text = view.sidebar(settings)
corpus = view.corpus(settings, text)
running = view.buttons(settings, text, corpus)
view.prompt_controls(settings)
view.panel(settings, running)
view.samples(settings)
watch.memory_proof(settings)
view.files(settings)

core.sync_url(settings)
