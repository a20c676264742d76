"""Train page pieces for watching training and judging what was learned: the loss-spike note, a live sample,
memoryless baselines for the loss chart, the prompt and samples, and the proof of memory once training stops."""

from __future__ import annotations

import streamlit as st

from visualizer.content import training_notes
from visualizer.data import corpus
from visualizer.labs.memory_proof import memory
from visualizer.labs.training import predict, train
from visualizer.ui import memory as memory_views
from visualizer.ui.binding import control, current
from visualizer.ui.text import md_escape, show_error

PROOF_POLL_S = 0.7  # seconds between checks while the proof of memory is measured (one student) ...
PROOF_POLL_PER_PENDING = 0.03  # ... plus this per proof still measured: a class of 50 checks every ~2 s
PROOF_POLL_MAX = 2.5


def spike_note(trainer: train.Trainer) -> None:
    """A plain-language note on the latest loss spike, its cause read from its numbers."""
    if trainer.spikes:
        st.warning(training_notes.spike_note(trainer.spikes[-1]), icon="⚡")


LIVE_SAMPLE_EVERY = train.MEASURE_EVERY  # steps between two live samples (a sample of 120 characters is ~10-30 ms)


def live_sample(trainer: train.Trainer) -> None:
    """A short sample from the model, drawn anew every LIVE_SAMPLE_EVERY steps; it names the step it was drawn at."""
    model, s = trainer.model(), current()
    ss = st.session_state
    key = (trainer.step_count // LIVE_SAMPLE_EVERY, s.prompt, s.temperature, s.seed, model.level)
    kept = ss.get("_live_sample")
    if kept is None or kept[0] != key:
        try:
            text = predict.sample(
                model, s.prompt, 120 if model.level == "chars" else 25, temperature=s.temperature, seed=s.seed
            )
        except ValueError:
            return
        ss["_live_sample"] = kept = (key, trainer.step_count, text)
    _, step, text = kept
    glue = "" if model.level == "chars" else " "
    st.markdown(f"**Sample at step {step:,}:** {md_escape(s.prompt + glue + text)}")


@st.cache_data(max_entries=8, ttl=3600, show_spinner=False)
def baselines_cached(text: str, level: str, vocab_key: int, _trainer: train.Trainer) -> dict[str, float]:
    """Memoryless cross-entropies on the held-out text (the training text when there is none)."""
    held = _trainer.heldout
    b = memory.baselines(_trainer.corpus.ids, len(_trainer.corpus.vocab), held, on_train=held is None)
    return dict(zip(b.names, b.heldout or b.train))


def memory_proof() -> None:
    """The proof of memory for the stopped model: baselines, contrast pairs side by side, occlusion on the chain."""
    ss = st.session_state
    trainer = ss.get("trainer")
    if trainer is None:
        return
    st.subheader("What does it remember?")
    if ss.get("train_running"):
        st.caption("The contrast prompts and the effect of each earlier word appear here when training is stopped.")
        return
    if trainer.corpus.text != corpus.default_corpus():
        st.caption("The contrast prompts are written for the built-in story: train on it to measure them.")
        return
    model = trainer.model()
    if not memory_views.proof_ready(model):  # measured in the background: Stop answered at once
        every = min(PROOF_POLL_MAX, PROOF_POLL_S + PROOF_POLL_PER_PENDING * memory_views.proofs_pending())
        st.fragment(_await_proof, run_every=every)(model)
        return
    memory_views.memory_section(model, key="train")


def _await_proof(model) -> None:
    """Shown while the proof is measured; the page redraws itself when it is ready."""
    if memory_views.proof_ready(model):
        st.rerun(scope="app")
    st.caption("Measuring what the model remembers (held-out loss, contrast prompts)… it appears here when ready.")


def prompt_controls() -> None:
    """The prompt the model continues, and the sampling temperature."""
    prompt_col, temp_col = st.columns([3, 1])
    with prompt_col:
        control("prompt", st.text_input, "Prompt", max_chars=200)
    with temp_col:
        control("temperature", st.slider, "Temperature", step=0.05)


def samples() -> None:
    """Text sampled from the stopped model after the prompt, at the chosen temperature."""
    trainer = st.session_state.get("trainer")
    if trainer is None:
        return
    if st.session_state.get("train_running"):
        st.caption("Longer samples from the model appear here when training is stopped.")
        return
    model, s = trainer.model(), current()
    st.subheader("Samples")
    try:
        sample = predict.sample(
            model, s.prompt, 300 if model.level == "chars" else 60, temperature=s.temperature, seed=s.seed
        )
    except ValueError as err:
        show_error(err)
        return
    st.code(s.prompt + ("" if model.level == "chars" else " ") + sample, language=None, wrap_lines=True)
    st.caption(
        "The prompt, then tokens drawn one at a time from softmax(z / temperature): low temperature "
        "picks the likeliest token, high temperature takes risks."
    )
