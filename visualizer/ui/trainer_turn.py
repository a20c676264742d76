"""A session's turn on this process's trainers: the Streamlit side of visualizer/trainer_pool.py.

One pool per server process: at most ~cores − 1 trainings at a time (RNNVIS_TRAINERS changes it),
the others wait first-come first-served. The training itself runs in worker processes
(trainer_pool.TrainingProcesses), so it never holds this process's interpreter lock. The Train
page's fragment calls `train_chunk` once per timed rerun: it trains a short slice when this session
holds a trainer, else draws the queue notice ("Waiting for a free trainer — 3 ahead"); a waiting
session polls every QUEUE_POLL_EVERY seconds, not at the training pace. `release_turn()` on Stop,
Reset and when a run ends. A closed tab frees its place by itself: the ticket lives in the
session's state (dropped with the session) and the pool forgets tickets that stop polling.
"""

from __future__ import annotations

import streamlit as st

from visualizer.labs.training import train
from visualizer.trainer_pool import Place, TrainerPool, training_processes

TICKET_KEY = "_trainer_ticket"
WAITING_KEY = "_trainer_waiting"
_STARTED_KEY = "_trainer_started"  # this run has trained a first slice
YIELD_STEPS = 4  # the first slice of a run: its progress shows at once
QUEUE_POLL_EVERY = 1.5  # seconds between a waiting session's polls (its notice updates at this pace)


@st.cache_resource(show_spinner=False)
def trainer_pool() -> TrainerPool:
    """The one pool of this server process."""
    return TrainerPool()


@st.cache_resource(show_spinner=False)
def warm_workers() -> bool:
    """Start the training worker processes once per server, when the Train page is first opened
    (as a lecturer does before class), so the first Train press does not wait for a process start."""
    training_processes().warm()
    return True


def _place() -> Place:
    """This session's place now, joining the queue if it has no ticket yet (a poll is also a heartbeat)."""
    ss = st.session_state
    if ss.get(TICKET_KEY) is None:
        ss[TICKET_KEY] = trainer_pool().join()
    return trainer_pool().poll(ss[TICKET_KEY])


def training_turn() -> bool:
    """Poll this session's place; draw the queue notice when waiting."""
    ss = st.session_state
    pool = trainer_pool()
    place = _place()
    if place.running:
        if ss.pop(WAITING_KEY, False):
            st.rerun(scope="app")  # the panel's timer goes back to the training pace
        return True
    ss[WAITING_KEY] = True
    ahead = "next in line" if place.ahead == 0 else f"{place.ahead} ahead"
    st.info(
        f"Waiting for a free trainer — {ahead}. This server trains {pool.slots} model"
        f"{'s' if pool.slots != 1 else ''} at a time so that every page stays responsive; yours starts by "
        "itself. Stop leaves the queue.",
        icon="⏳",
    )
    return False


def waiting() -> bool:
    """True while this session's training waits in the queue (joining it if needed; a heartbeat)."""
    queued = not _place().running
    if queued:
        st.session_state[WAITING_KEY] = True  # when the turn comes, training_turn reruns the page at the training pace
    return queued


def train_chunk(trainer: train.Trainer, seconds: float, *, until_step: int, steps: int | None = None) -> bool:
    """Train if this session holds a trainer: True; False when it waits (notice drawn).

    `steps` steps when given, else about `seconds` of training, in a worker process. The run that
    takes the trainer (the click on Train) trains one short slice only and answers at once: its
    progress bar, or its place in the queue, shows without waiting for a whole chunk.
    """
    fresh = not st.session_state.get(_STARTED_KEY)
    if not training_turn():
        return False
    st.session_state[_STARTED_KEY] = True
    if steps is not None or fresh:
        training_processes().run(trainer, steps=steps or YIELD_STEPS, until_step=until_step)
    else:
        training_processes().run(trainer, steps=YIELD_STEPS, seconds=seconds, until_step=until_step)
    return True


def release_turn() -> None:
    """Give this session's trainer (or queue place) to the next in line."""
    st.session_state.pop(WAITING_KEY, None)
    st.session_state.pop(_STARTED_KEY, None)
    trainer_pool().release(st.session_state.pop(TICKET_KEY, None))
