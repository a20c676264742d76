"""Train page additions: perplexity beside the loss, and truncated BPTT drawn from the trainer's own settings."""

from __future__ import annotations

import streamlit as st

from visualizer.content import training_extras_notes as notes
from visualizer.data import corpus as corpus_module
from visualizer.labs.training import tbptt, train
from visualizer.plots import tbptt_figures
from visualizer.plots.train_figures import show_token
from visualizer.ui.show import show_fig

SHOWN_WINDOWS = 3


def perplexity(trainer: train.Trainer) -> None:
    """exp(mean L_t) of the recent training loss, with one sentence, and of the held-out loss when there is one."""
    ppl = tbptt.perplexity(trainer.loss_estimate)
    text = notes.perplexity_sentence(ppl, trainer.corpus.level, len(trainer.corpus.vocab))
    if len(trainer.heldout_losses):
        text += " " + notes.heldout_perplexity(tbptt.perplexity(trainer.heldout_losses.values[-1]))
    st.caption(text)


def bptt_windows(corpus: corpus_module.Corpus | None, cfg: train.TrainConfig) -> None:
    """The text cut into the windows stream 1 reads next, with the carried state and the stopped gradient."""
    trainer: train.Trainer | None = st.session_state.get("trainer")
    if trainer is not None:  # the running model: its own text, stream positions and step count
        corpus, start, step = trainer.corpus, int(trainer.positions[0]), trainer.step_count + 1
    elif corpus is not None:
        start, step = int(tbptt.stream_starts(len(corpus), cfg.batch)[0]), 1
    else:
        return
    st.subheader("Truncated BPTT: how the text is cut")
    if len(corpus) < 2:
        st.info("The text is too short to cut into windows.")
        return
    names = [show_token(t) for t in corpus.vocab.tokens]
    wins = tbptt.windows(corpus.ids, names, cfg.window, start=start, count=SHOWN_WINDOWS, first_step=step)
    st.markdown(
        notes.tbptt_sentence(
            cfg.window,
            cfg.batch,
            len(corpus),
            corpus.level,
            tbptt.steps_per_pass(len(corpus), cfg.window, cfg.batch),
            step,
        )
    )
    show_fig(tbptt_figures.windows_figure(wins, level=corpus.level, batch=cfg.batch), key="tbptt_windows")
    st.caption(notes.TBPTT_CAPTION)
