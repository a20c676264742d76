"""Train live: a small recurrent network learns to predict the next token of a text, in chunks.

The widgets, the chunked training fragment and the charts live in visualizer/ui.py (train section);
the trainer itself is pure NumPy in visualizer/train.py.
"""

import streamlit as st

from visualizer import ui

settings = ui.page_setup("train", "Train live")
st.title("Train an RNN live")
st.markdown(
    "After *He grew up in the United States of*, a network with memory should expect **America**. Train a "
    "small recurrent network on a text and watch it learn to predict the next character or word: the loss "
    "falls, the samples start to look like the text, and P(America) rises."
)

text = ui.train_sidebar(settings)
corpus = ui.train_corpus(settings, text)
running = ui.train_buttons(settings, text, corpus)
prompt_col, temp_col = st.columns([3, 1])
ui.control(settings, "prompt", prompt_col.text_input, "Prompt", max_chars=200)
ui.control(settings, "temp", temp_col.slider, "Temperature", min_value=0.05, max_value=3.0, step=0.05)
ui.train_panel(settings, running)
ui.train_samples(settings)
ui.train_files(settings)

ui.sync_url(settings)
