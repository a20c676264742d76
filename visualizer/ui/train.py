"""Train live views: text and model controls, chunked training fragment, charts, samples, files."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import streamlit as st

from visualizer.content import model_notices
from visualizer.data import corpus as corpus_module
from visualizer.data import pretrained, trained_model
from visualizer.labs.training import predict, train
from visualizer.nn import cells
from visualizer.plots import train_figures
from visualizer.settings import Settings
from visualizer.ui import controls, train_extras, trainer_turn
from visualizer.ui import train_watch as watch
from visualizer.ui.binding import control, current, set_setting
from visualizer.ui.show import show_chart
from visualizer.ui.text import md_escape, show_error

TRAIN_BATCH = 16  # parallel streams per training step
_SPEED_LABELS = {"watch": f"watch (~{trainer_turn.WATCH_PACE:.0f} steps/s)", "fast": "fast"}
_START_LABELS = {"scratch": "scratch (random weights)", "story": "the model trained on the story"}
TRAIN_RUN_LENGTHS = (200, 500, 1000, 2000, 5000)
_TRAIN_STRUCTURE = ("cell", "level", "hidden", "opt", "seed")  # changing these needs a new model
_OPT_LABELS = {"sgd": "SGD", "adagrad": "Adagrad", "adam": "Adam"}
_TRAIN_SOURCES = {"default": "built-in story", "paste": "paste text", "upload": "upload .txt"}


@st.cache_data(max_entries=8, ttl=3600, show_spinner=False)  # texts up to 200 KB: keep few
def corpus_cached(text: str, level: str) -> corpus_module.Corpus:
    return corpus_module.build_corpus(text, level)


def corpus_text() -> str | None:
    """The chosen training text, validated; None after showing why it cannot be used."""
    source = st.radio(
        "Training text", list(_TRAIN_SOURCES), format_func=_TRAIN_SOURCES.get, key="train_source", horizontal=True
    )
    try:
        if source == "default":
            return corpus_module.default_corpus()
        if source == "paste":
            raw = st.text_area(
                "Paste your text", key="train_paste", height=150, max_chars=corpus_module.MAX_CORPUS_BYTES
            )
            return corpus_module.read_corpus(raw)
        up = st.file_uploader(
            f"A UTF-8 .txt file, up to {corpus_module.MAX_CORPUS_BYTES // 1000} KB", type=["txt"], key="train_upload"
        )
        if up is None:
            st.info("Upload a .txt file to train on it.")
            return None
        return corpus_module.read_corpus(up.getvalue())
    except ValueError as err:
        show_error(err)
        return None


def config(s: Settings) -> train.TrainConfig:
    """The run the settings describe. The Train page clips by its own setting (train_clip, on by default):
    the gradients page's `clip` shows clipping off first."""
    return train.TrainConfig(
        cell=s.cell,
        level=s.level,
        hidden=s.train_hidden,
        window=s.window,
        batch=TRAIN_BATCH,
        opt=s.optimizer,
        lr=s.lr,
        clip=s.train_clip,
        clipnorm=s.clip_norm,
        seed=s.seed,
    )


def story_model(cfg: train.TrainConfig) -> trained_model.TrainedModel:
    """The shipped model with the chosen cell and level."""
    return pretrained.load_shipped(f"{cfg.cell}-{cfg.level}")


@st.cache_data(max_entries=8, ttl=3600, show_spinner=False)
def heldout_ids(text: str, level: str, _vocab, vocab_key: int) -> np.ndarray | None:
    """The held-out part of the story in the model's vocabulary, when the text is the story; else None."""
    if text != corpus_module.default_corpus():
        return None
    return corpus_module.build_corpus(pretrained.heldout_text(), level, vocab=_vocab).ids


def new_trainer(text: str, cfg: train.TrainConfig, start_from: str) -> train.Trainer:
    """A trainer from scratch, or continuing the story model; it also scores the held-out text when it can."""
    if start_from == "story":
        model = story_model(cfg)
        corpus = corpus_module.build_corpus(text, model.level, vocab=model.vocab)
        cfg = replace(cfg, hidden=model.hidden_size)
        params = model.params
    else:
        corpus, params = corpus_cached(text, cfg.level), None
    held = heldout_ids(text, cfg.level, corpus.vocab, hash(corpus.vocab.tokens))
    trainer = train.Trainer(corpus, cfg, params=params, heldout=held)
    trainer.started_from = start_from  # type: ignore[attr-defined]  # read by buttons() for the settings check
    return trainer


def start(text: str | None, cfg: train.TrainConfig) -> None:
    """Train / Resume (a callback): build a model if there is none, then run for the chosen steps."""
    ss = st.session_state
    try:
        trainer = ss.get("trainer")
        if trainer is None:
            if text is None:
                raise ValueError("There is no training text yet: choose or upload one in the sidebar.")
            trainer = new_trainer(text, cfg, current().train_start)
    except ValueError as err:
        ss["train_msg"] = ("error", str(err))
        return
    ss.update(
        trainer=trainer,
        train_running=True,
        train_run_start=trainer.step_count,
        train_target=trainer.step_count + ss["train_steps"],
    )
    trainer_turn.begin(trainer, until_step=ss["train_target"], speed=current().train_speed)


def stop() -> None:
    """Stop (a callback): the page then shows exactly the steps trained."""
    st.session_state["train_running"] = False
    trainer_turn.end()


def reset() -> None:
    trainer_turn.end()
    for key in ("trainer", "trained_model", "train_running"):
        st.session_state.pop(key, None)


def load_model() -> None:
    """on_change of the .npz uploader: validate, then continue from the model on the current text."""
    ss = st.session_state
    up = ss.get("train_model_upload")
    if up is None:
        return
    try:
        model = trained_model.load_npz(up.getvalue())
        trainer = train.trainer_from_model(
            model, ss.get("train_text") or corpus_module.default_corpus(), config(current())
        )
    except ValueError as err:
        ss["train_msg"] = ("error", f"The model file was not loaded: {err}")
        return
    trainer_turn.end()  # a run in progress stops: the loaded model replaces it
    for name, value in (("cell", model.cell), ("level", model.level), ("train_hidden", model.hidden_size)):
        set_setting(name, value)
    ss.update(trainer=trainer, train_running=False, trained_model=model.as_float64())
    ss["train_msg"] = (
        "success",
        f"Loaded a {cells.CELLS[model.cell].label} with H={model.hidden_size} and {len(model.vocab)} "
        f"tokens; {trainer.corpus.unknown} tokens of the text are outside its vocabulary.",
    )


def sidebar() -> str | None:
    """The training text and the model/optimiser controls; returns the validated text or None."""
    with st.sidebar:
        st.subheader("Text")
        st.session_state["train_text"] = text = corpus_text()
        st.subheader("Model and training")
        control(
            "level",
            st.radio,
            "Predict the next",
            horizontal=True,
            format_func={"chars": "character", "words": "word"}.get,
        )
        control("cell", st.selectbox, "Cell", format_func=lambda c: cells.CELLS[c].label, key="w_cell_select")
        control(
            "train_start",
            st.radio,
            "Start from",
            format_func=_START_LABELS.get,
            help="Train a new network from random weights, or go on training the one shipped with the app.",
        )
        s = current()
        if s.train_start == "story":
            shipped = pretrained.SHIPPED[f"{s.cell}-{s.level}"]
            st.caption(
                f"Starts from the {shipped.label} model trained on the story for {shipped.steps:,} steps "
                f"(H = {shipped.config.hidden}: the hidden-size slider does not apply)."
            )
        else:
            controls.hidden_size("train_hidden", step=8)
        control("window", st.slider, "Truncated-BPTT window T")
        control("optimizer", st.selectbox, "Optimiser", format_func=_OPT_LABELS.get)
        control(
            "lr",
            st.number_input,
            "Learning rate",
            step=0.001,
            format="%.5f",
            help="typical: Adam 0.01, Adagrad 0.1, SGD 1.0",
        )
        controls.clipping(label="Clip the gradient norm", name="train_clip")
        controls.seed()
    return text


def corpus(text: str | None) -> corpus_module.Corpus | None:
    """The tokenised corpus with a one-line summary, or None after showing why not."""
    if text is None:
        return None
    level = current().level
    try:
        corpus = corpus_cached(text, level)
    except ValueError as err:
        show_error(err)
        return None
    st.caption(
        f"Training text: {len(corpus):,} {level}, {len(corpus.vocab)} distinct"
        + (f" ({corpus.unknown:,} rare words shown as `<unk>`)" if corpus.unknown else "")
        + "."
    )
    return corpus


def buttons(text: str | None, corpus: corpus_module.Corpus | None) -> bool:
    """Train/Resume, Stop, Reset and the run length; live settings reach a running model. Returns running."""
    ss = st.session_state
    cfg, trainer = config(current()), ss.get("trainer")
    running = bool(ss.get("train_running")) and trainer is not None
    left, mid, right, steps_col = st.columns([1, 1, 1, 2])
    steps_col.selectbox(
        "Steps per run",
        TRAIN_RUN_LENGTHS,
        index=3,
        key="train_steps",
        label_visibility="collapsed",
        format_func=lambda n: f"train for {n:,} steps",
    )
    left.button(
        "Resume" if trainer is not None else "Train",
        icon=":material/play_arrow:",
        on_click=start,
        args=(text, cfg),
        type="primary",
        disabled=running or (corpus is None and trainer is None),
        width="stretch",
    )
    mid.button("Stop", icon=":material/pause:", on_click=stop, disabled=not running, width="stretch")
    right.button("Reset", icon=":material/restart_alt:", on_click=reset, disabled=trainer is None, width="stretch")
    control(
        "train_speed",
        st.segmented_control,
        "Speed",
        format_func=_SPEED_LABELS.get,
        help="watch: a few steps per second, with the charts and a sample updating; fast: as many steps as fit",
    )
    if msg := ss.pop("train_msg", None):
        (st.success if msg[0] == "success" else st.error)(md_escape(msg[1]))
    if trainer is not None:
        for name in ("lr", "clip", "clipnorm", "window"):  # these apply to the running model at once
            setattr(trainer.config, name, getattr(cfg, name))
        if running:
            trainer_turn.follow(cfg, current().train_speed)
        started = getattr(trainer, "started_from", "scratch")
        structure = [n for n in _TRAIN_STRUCTURE if not (n == "hidden" and started == "story")]
        changed = [n for n in structure if getattr(trainer.config, n) != getattr(cfg, n)]
        if started != current().train_start:
            changed.append("start from")
        if changed or (text is not None and text != trainer.corpus.text):
            st.info(
                "The model was built with other settings (" + ", ".join(changed or ["text"]) + "). Resume keeps "
                "training it; Reset starts a new model with the current settings.",
                icon="ℹ️",
            )
    return running


def panel(running: bool) -> None:
    """A fragment that, while training runs in the background, redraws progress and the charts now and then."""
    trainer_turn.warm_workers()
    every = trainer_turn.show_every(current().train_speed) if running else None
    st.fragment(_train_panel, run_every=every)()


def _train_panel() -> None:
    ss = st.session_state
    trainer = ss.get("trainer")
    if trainer is None:
        st.info("Press **Train** to start. Training runs in chunks; Stop keeps the model, Resume goes on from it.")
        return
    if ss.get("train_running"):
        # Training runs in the background, in worker processes shared fairly by every student; this only shows it.
        job = trainer_turn.job() or trainer_turn.begin(
            trainer, until_step=ss["train_target"], speed=current().train_speed
        )
        trainer, share = trainer_turn.progress()
        sentence = trainer_turn.sentence(share, trainer, ss["train_run_start"])
        if share.state == "queued":
            st.info(sentence, icon="⏳")
            return
        ss["trained_model"] = trainer.model().as_float64()
        done, total = trainer.step_count - ss["train_run_start"], ss["train_target"] - ss["train_run_start"]
        st.progress(
            min(1.0, done / max(1, total)),
            text=f"Training: step {trainer.step_count:,} ({done:,} of {total:,} this run)",
        )
        st.caption(sentence)
        if job.error:
            st.error(f"Training stopped: {md_escape(job.error)}")
        if job.finished or job.error:
            ss["train_running"] = False
            trainer_turn.end()
            st.rerun()
    if trainer.diverged:
        st.error(
            "Training stopped: the loss became infinite or NaN. Lower the learning rate or clip the gradient, "
            "then Reset."
        )
    watch.spike_note(trainer)
    _train_charts(trainer)
    if ss.get("train_running") and current().train_speed == "watch":
        watch.live_sample(trainer)


def _train_charts(trainer: train.Trainer) -> None:
    last = trainer.grad_norms.values[-1] if len(trainer.grad_norms) else float("nan")
    clip = (
        f" · clipped on {trainer.clip_events:,} of {trainer.step_count:,} steps"
        if trainer.config.clip
        else " · clipping off"
    )
    first = (
        f" ({trainer.losses.values[0]:.3f} at step {trainer.losses.steps[0]:,})"
        if len(trainer.losses) > 1 and trainer.losses.steps[0] < trainer.step_count
        else ""
    )
    st.caption(
        f"Step {trainer.step_count:,} · {trainer.tokens_seen:,} tokens read · loss {trainer.loss_estimate:.3f} "
        f"nats per token{first} · gradient norm before clipping {last:.3g}{clip}"
    )
    train_extras.perplexity(trainer)
    model = trainer.model()
    base = watch.baselines_cached(trainer.corpus.text, trainer.corpus.level, hash(trainer.corpus.vocab.tokens), trainer)
    left, right = st.columns([3, 2])
    held = (trainer.heldout_losses.steps, trainer.heldout_losses.values) if trainer.heldout is not None else None
    show_chart(
        train_figures.loss_chart(
            trainer.losses.steps, trainer.losses.values, len(model.vocab), heldout=held, baselines=base
        ),
        left,
    )
    left.caption(
        "How to read this: the loss is the average surprise, −log P(true next token). Random guessing costs "
        "ln V; the other dashed lines are models with no memory, measured on "
        + ("the held-out text" if held else "the training text")
        + ": unigram (word frequencies), bigram (the last token only), last 3 tokens. Below the bigram line, "
        "the network uses more than the last token."
        + (" Orange: the loss on held-out story text it never trains on." if held else "")
    )
    if len(trainer.watch):
        label = train.WATCH_NEXT[model.level]
        show_chart(
            train_figures.watch_chart(trainer.watch.steps, trainer.watch.values, repr(label), until=trainer.step_count),
            right,
        )
        right.caption(
            f"How to read this: how sure the model is that “{train.WATCH_PROMPT}” goes on with "
            f"{label!r}{' (the product over its characters)' if model.level == 'chars' else ''}."
        )
    try:
        prompt = current().prompt
        _, unknown = pretrained.read_prompt(model, prompt)
        if unknown:
            right.info(md_escape(model_notices.unknown_notice(unknown)), icon="🔤")
        probs = predict.next_token_probs(model, prompt)
        expected = trained_model.prompt_tokens(model, train.WATCH_NEXT[model.level])[0]
        show_chart(train_figures.next_token_chart(predict.top_k(model, probs, 10), highlight=expected), right)
        right.caption(
            "How to read this: the model's probabilities for the token after your prompt (␣ is a space; "
            "orange: the start of 'America')."
        )
    except ValueError as err:
        with right:
            show_error(err)


def files() -> None:
    """Download the weights (.npz, built only when clicked) and load them back, validated."""
    trainer = st.session_state.get("trainer")
    with st.expander("Save or load the weights"):
        if trainer is not None:
            st.download_button(
                "Download the weights (.npz)",
                lambda: trained_model.save_npz(trainer.model()),
                file_name="rnn-weights.npz",
                mime="application/octet-stream",
                on_click="ignore",
            )
        st.file_uploader(
            "Load weights saved by this page (.npz)",
            type=["npz"],
            key="train_model_upload",
            on_change=load_model,
        )
        st.caption("Other pages (explorer, gradients) can use the trained vanilla RNN: choose “trained” weights there.")
