"""A session's training on this server's shared workers: the Streamlit side of visualizer/serving.

Train starts a job in the training service (one per server process): it trains in the background,
in worker processes, fairly shared with every other student's (serving/scheduler.py). The page's
fragment only *shows* the job: each rerun takes the latest trainer and the scheduler's numbers
(this student's speed, how many train, a queue place only when admission had to queue).
Stop takes the job out at once and waits at most for its chunk in flight, so the page then shows
exactly the steps trained. A closed tab frees its share by itself: the job lives in the session's
state (dropped with the session) and the scheduler drops a job whose page stopped asking.
"""

from __future__ import annotations

import streamlit as st

from visualizer.content import training_share
from visualizer.labs.training import train
from visualizer.serving.scheduler import Share
from visualizer.serving.service import Job, TrainingService

JOB_KEY = "_train_job"
WATCH_PACE = 10.0  # steps/s at the "watch" speed
SHOW_EVERY = {"watch": 0.5, "fast": 0.7}  # seconds between redraws of a training page (a class of ~10)
SHOW_EVERY_PER_STUDENT = 0.03  # ... plus this per student training: 50 students redraw every ~1.5-2 s
SHOW_EVERY_MAX = 2.5
FIRST_CHUNK_WAIT_S = 0.5  # the Train click waits at most this long for the first steps


@st.cache_resource(show_spinner=False)
def service() -> TrainingService:
    """The one training service of this server process."""
    return TrainingService()


def warm_workers() -> None:
    """Start the worker processes when the Train page is first opened (as a lecturer does before class),
    so the first Train press does not wait for a process start."""
    service().warm()


def pace(speed: str) -> float | None:
    """Steps per second the job asks for: the watch pace, or None (fast: as much as its share allows)."""
    return WATCH_PACE if speed == "watch" else None


def job() -> Job | None:
    return st.session_state.get(JOB_KEY)


def begin(trainer: train.Trainer, *, until_step: int, speed: str) -> Job:
    """Start training `trainer` in the background up to `until_step` (any previous job of this session ends)."""
    end()
    st.session_state[JOB_KEY] = j = service().start(trainer, until_step=until_step, pace=pace(speed))
    service().first_chunk(j, FIRST_CHUNK_WAIT_S)  # the click's own run shows the first steps (a class: most of them)
    st.session_state["trainer"] = j.trainer
    return j


def follow(cfg: train.TrainConfig, speed: str) -> None:
    """The settings that apply to a running model at once (pace, learning rate, clipping, window)."""
    if (j := job()) is not None:
        service().set_live(j, pace=pace(speed), lr=cfg.lr, clip=cfg.clip, clipnorm=cfg.clipnorm, window=cfg.window)


def progress() -> tuple[train.Trainer, Share]:
    """The job's latest trainer (also put in the session's state) and what the scheduler gives it now."""
    j = job()
    assert j is not None, "progress() needs a job: call begin() first"
    share = service().share(j)
    st.session_state["trainer"] = j.trainer
    return j.trainer, share


def sentence(share: Share, trainer: train.Trainer, run_start: int) -> str:
    """The sentence under the progress bar, from the scheduler's numbers."""
    return training_share.share_sentence(
        share.state,
        share.training,
        share.steps_per_s,
        place=share.place,
        min_pace=share.min_pace,
        measured=trainer.step_count > run_start and share.steps_per_s > 0,
    )


def show_every(speed: str) -> float:
    """Seconds between redraws of a training page: longer when many train (drawing is the server's work,
    training is the workers'; the steps go on between redraws)."""
    training, _ = service().counts()
    return min(SHOW_EVERY_MAX, SHOW_EVERY[speed] + SHOW_EVERY_PER_STUDENT * training)


def end() -> train.Trainer | None:
    """Stop this session's job (within its chunk in flight); returns the trainer exactly as trained."""
    j = st.session_state.pop(JOB_KEY, None)
    if j is None:
        return None
    trainer = service().stop(j)
    st.session_state["trainer"] = trainer
    return trainer
