"""Train live: a small recurrent network learns to predict the next token of a text, in chunks."""

import time

import streamlit as st

from visualizer import cells, state, train, ui
from visualizer import train_figures as tf

SS = st.session_state
RUN_EVERY = 0.5  # seconds between chunks while training: the page stays responsive
CHUNK_SECONDS = 0.25  # time spent training in one chunk
RUN_LENGTHS = (200, 500, 1000, 2000, 5000)
OPT_LABELS = {"sgd": "SGD", "adagrad": "Adagrad", "adam": "Adam"}
STRUCTURE = ("cell", "level", "hidden", "opt", "seed")  # changing these needs a new model


settings = ui.page_setup("train", "Train live")
st.title("Train an RNN live")
st.markdown("After *He grew up in the United States of*, a network with memory should expect **America**. Train a "
            "small recurrent network on a text and watch it learn to predict the next character or word: the loss "
            "falls, the samples start to look like the text, and P(America) rises.")

cell_names = [c for c in state.SETTINGS["cell"].choices if c in cells.CELLS]
if settings["cell"] not in cell_names:
    ui.set_setting(settings, "cell", "rnn")
with st.sidebar:
    st.subheader("Text")
    SS["train_text"] = text = ui.train_corpus_text()
    st.subheader("Model and training")
    ui.control(settings, "level", st.radio, "Predict the next", options=list(train.LEVELS), horizontal=True,
               format_func={"chars": "character", "words": "word"}.get)
    ui.control(settings, "cell", st.selectbox, "Cell", options=cell_names, format_func=lambda c: cells.CELLS[c].label)
    ui.control(settings, "thidden", st.slider, "Hidden size H", min_value=8, max_value=256, step=8)
    ui.control(settings, "window", st.slider, "Truncated-BPTT window T", min_value=4, max_value=100)
    ui.control(settings, "opt", st.selectbox, "Optimiser", options=list(train.OPTIMIZERS), format_func=OPT_LABELS.get)
    ui.control(settings, "lr", st.number_input, "Learning rate", min_value=1e-5, max_value=1.0, step=0.001,
               format="%.5f", help="typical: Adam 0.01, Adagrad 0.1, SGD 1.0")
    if ui.control(settings, "clip", st.checkbox, "Clip the gradient norm"):
        ui.control(settings, "clipnorm", st.number_input, "Largest gradient norm", min_value=0.01, max_value=1000.0)
    ui.control(settings, "seed", st.number_input, "Seed", min_value=0, max_value=2**31 - 1, step=1)

corpus = None
if text is not None:
    try:
        corpus = ui.train_corpus_cached(text, settings["level"])
        st.caption(f"Training text: {len(corpus):,} {settings['level']}, {len(corpus.vocab)} distinct"
                   + (f" ({corpus.unknown:,} rare words shown as `<unk>`)" if corpus.unknown else "") + ".")
    except ValueError as err:
        ui.show_error(err)

cfg, trainer = ui.train_config(settings), SS.get("trainer")
running = bool(SS.get("train_running")) and trainer is not None
left, mid, right, steps_col = st.columns([1, 1, 1, 2])
steps_col.selectbox("Steps per run", RUN_LENGTHS, index=3, key="train_steps", label_visibility="collapsed",
                    format_func=lambda n: f"train for {n:,} steps")
left.button("Resume" if trainer is not None else "Train", icon=":material/play_arrow:", on_click=ui.train_start, args=(text, cfg), type="primary",
            disabled=running or (corpus is None and trainer is None), width="stretch")
mid.button("Stop", icon=":material/pause:", on_click=ui.train_stop, disabled=not running, width="stretch")
right.button("Reset", icon=":material/restart_alt:", on_click=ui.train_reset, disabled=trainer is None, width="stretch")
if msg := SS.pop("train_msg", None):
    (st.success if msg[0] == "success" else st.error)(ui.md_escape(msg[1]))
if trainer is not None:
    for name in ("lr", "clip", "clipnorm", "window"):  # these apply to the running model at once
        setattr(trainer.config, name, getattr(cfg, name))
    changed = [n for n in STRUCTURE if getattr(trainer.config, n) != getattr(cfg, n)]
    if changed or (text is not None and text != trainer.corpus.text):
        st.info("The model was built with other settings (" + ", ".join(changed or ["text"]) + "). Resume keeps "
                "training it; Reset starts a new model with the current settings.", icon="ℹ️")

prompt_col, temp_col = st.columns([3, 1])
ui.control(settings, "prompt", prompt_col.text_input, "Prompt", max_chars=200)
ui.control(settings, "temp", temp_col.slider, "Temperature", min_value=0.05, max_value=3.0, step=0.05)


@st.fragment(run_every=RUN_EVERY if running else None)
def training_panel() -> None:
    """Train one chunk (while running), then draw progress, the loss curve and P(next)."""
    trainer = SS.get("trainer")
    if trainer is None:
        st.info("Press **Train** to start. Training runs in chunks; Stop keeps the model, Resume goes on from it.")
        return
    if SS.get("train_running"):
        t0 = time.perf_counter()
        while trainer.step_count < SS["train_target"] and not trainer.diverged and time.perf_counter() - t0 < CHUNK_SECONDS:
            trainer.train(min(20, SS["train_target"] - trainer.step_count))
        SS["trained_model"] = trainer.model().session_dict()
        done = trainer.step_count - SS["train_run_start"]
        st.progress(min(1.0, done / max(1, SS["train_target"] - SS["train_run_start"])),
                    text=f"Training: step {trainer.step_count:,} ({done:,} of {SS['train_target'] - SS['train_run_start']:,} this run)")
        if trainer.step_count >= SS["train_target"] or trainer.diverged:
            SS["train_running"] = False
            st.rerun()
    if trainer.diverged:
        st.error("Training stopped: the loss became infinite or NaN. Lower the learning rate or clip the gradient, then Reset.")
    show_training(trainer)


def show_training(trainer: train.Trainer) -> None:
    last = trainer.grad_norms.values[-1] if len(trainer.grad_norms) else float("nan")
    st.caption(f"Step {trainer.step_count:,} · {trainer.tokens_seen:,} tokens read · loss {trainer.loss_estimate:.3f} "
               f"nats per token · gradient norm before clipping {last:.3g}")
    model = trainer.model()
    left, right = st.columns([3, 2])
    left.altair_chart(tf.loss_chart(trainer.losses.steps, trainer.losses.values, len(model.vocab)), width="stretch")
    left.caption("How to read this: the loss is the average surprise, −log P(true next token). Random guessing costs "
                 "ln V (dashed); every point below it is something learned.")
    if len(trainer.watch):
        label = train.WATCH_NEXT[model.level]
        right.altair_chart(tf.watch_chart(trainer.watch.steps, trainer.watch.values, repr(label)), width="stretch")
        right.caption(f"How to read this: how sure the model is that “{train.WATCH_PROMPT}” goes on with "
                      f"{label!r}{' (the product over its characters)' if model.level == 'chars' else ''}.")
    try:
        probs = train.next_token_probs(model, settings["prompt"])
        expected = train.tokenize(train.WATCH_NEXT[model.level], model.level)[0]
        right.altair_chart(tf.next_token_chart(train.top_k(model, probs, 10), highlight=expected), width="stretch")
        right.caption("How to read this: the model's probabilities for the token after your prompt (␣ is a space; "
                      "orange: the start of 'America').")
    except ValueError as err:
        with right:
            ui.show_error(err)


training_panel()

trainer = SS.get("trainer")
if trainer is not None and not SS.get("train_running"):
    model = trainer.model()
    st.subheader("Samples")
    try:
        sample = train.sample(model, settings["prompt"], 300 if model.level == "chars" else 60,
                              temperature=settings["temp"], seed=settings["seed"])
        st.code(settings["prompt"] + ("" if model.level == "chars" else " ") + sample, language=None, wrap_lines=True)
        st.caption("The prompt, then tokens drawn one at a time from softmax(z / temperature): low temperature "
                   "picks the likeliest token, high temperature takes risks.")
    except ValueError as err:
        ui.show_error(err)
elif trainer is not None:
    st.caption("Samples from the model appear here when training is stopped.")
with st.expander("Save or load the weights"):
    if trainer is not None:
        st.download_button("Download the weights (.npz)", train.save_npz(trainer.model()), file_name="rnn-weights.npz",
                           mime="application/octet-stream", on_click="ignore")
    st.file_uploader("Load weights saved by this page (.npz)", type=["npz"], key="train_model_upload",
                     on_change=ui.train_load_model, args=(settings,))
    st.caption("Other pages (explorer, gradients) can use the trained vanilla RNN: choose “trained” weights there.")

ui.sync_url(settings)
