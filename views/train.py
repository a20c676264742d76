"""Train live: a small recurrent network learns to predict the next token of a text, in chunks."""

import streamlit as st

from visualizer import pages
from visualizer.ui import shell, train_extras
from visualizer.ui import train as view
from visualizer.ui import train_watch as watch
from visualizer.ui.binding import current

shell.page_setup(pages.TRAIN)
st.title("Train an RNN live")
st.markdown(
    "After *He grew up in the United States of*, a network with memory should expect **America**. Train a "
    "small recurrent network on a text and watch it learn to predict the next character or word: the loss "
    "falls, the samples start to look like the text, and P(America) rises."
)

text = view.sidebar()
corpus = view.corpus(text)
running = view.buttons(text, corpus)
watch.prompt_controls()
view.panel(running)
train_extras.bptt_windows(corpus, view.config(current()))
watch.samples()
watch.memory_proof()
view.files()

shell.sync_url()
