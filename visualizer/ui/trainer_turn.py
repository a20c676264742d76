"""A session's turn on this process's trainers: the Streamlit side of visualizer/trainer_pool.py.

One pool per server process: at most ~cores trainings at a time (RNNVIS_TRAINERS changes it), the
others wait first-come first-served. The Train page's fragment calls `train_chunk` once per timed
rerun: it trains a short slice when this session holds a trainer, else draws the queue notice
("Waiting for a free trainer — 3 ahead"). `release_turn()` on Stop, Reset and when a run ends. A
closed tab frees its place by itself: the ticket lives in the session's state (dropped with the
session) and the pool forgets tickets that stop polling.
"""

from __future__ import annotations

import time

import streamlit as st

from visualizer.maths import train
from visualizer.trainer_pool import TrainerPool

TICKET_KEY = "_trainer_ticket"
YIELD_STEPS = 4  # steps between yields: other sessions' runs are served in between


@st.cache_resource(show_spinner=False)
def trainer_pool() -> TrainerPool:
    """The one pool of this server process."""
    return TrainerPool()


def training_turn() -> bool:
    """Poll this session's place (joining the queue if needed); draw the queue notice when waiting."""
    ss = st.session_state
    pool = trainer_pool()
    ticket = ss.get(TICKET_KEY)
    if ticket is None:
        ss[TICKET_KEY] = ticket = pool.join()
    place = pool.poll(ticket)
    if place.running:
        return True
    ahead = "next in line" if place.ahead == 0 else f"{place.ahead} ahead"
    st.info(
        f"Waiting for a free trainer — {ahead}. This server trains {pool.slots} model"
        f"{'s' if pool.slots != 1 else ''} at a time so that every page stays responsive; yours starts by "
        "itself. Stop leaves the queue.",
        icon="⏳",
    )
    return False


def train_chunk(trainer: train.Trainer, seconds: float, *, until_step: int) -> bool:
    """Train for about `seconds` if this session holds a trainer: True; False when it waits (notice drawn).

    Training goes in slices of YIELD_STEPS steps with a yield between them. The run that takes the
    trainer (the click on Train) trains one slice only and answers at once: its progress bar, or its
    place in the queue, shows without waiting for a whole chunk.
    """
    fresh = TICKET_KEY not in st.session_state
    if not training_turn():
        return False
    t0 = time.perf_counter()
    while trainer.step_count < until_step and not trainer.diverged:
        trainer.train(min(YIELD_STEPS, until_step - trainer.step_count))
        if fresh or time.perf_counter() - t0 >= seconds:
            break
        time.sleep(0)  # hand the interpreter to other sessions' threads between slices
    return True


def release_turn() -> None:
    """Give this session's trainer (or queue place) to the next in line."""
    trainer_pool().release(st.session_state.pop(TICKET_KEY, None))
