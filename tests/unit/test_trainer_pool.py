"""The trainer pool: at most `slots` run, FIFO queue with positions, release, no leaks."""

from __future__ import annotations

import concurrent.futures
import gc
import os
import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from visualizer import trainer_pool
from visualizer.labs.training import train
from visualizer.trainer_pool import Place, TrainerPool, TrainingProcesses, default_slots
from visualizer.data import corpus as corpus_module


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def test_at_most_slots_run_and_the_rest_queue_in_order():
    pool = TrainerPool(2, clock=Clock())
    tickets = [pool.join() for _ in range(5)]
    places = [pool.poll(t) for t in tickets]
    assert places == [Place(True), Place(True), Place(False, 0), Place(False, 1), Place(False, 2)]
    assert pool.counts() == (2, 3)


def test_release_hands_the_slot_to_the_first_in_line():
    pool = TrainerPool(1, clock=Clock())
    a, b, c = pool.join(), pool.join(), pool.join()
    pool.release(a)
    assert pool.poll(b) == Place(True)
    assert pool.poll(c) == Place(False, 0)
    pool.release(a)  # idempotent
    assert pool.counts() == (1, 1)


def test_stop_while_queued_leaves_the_queue():
    pool = TrainerPool(1, clock=Clock())
    a, b, c = pool.join(), pool.join(), pool.join()
    pool.release(b)
    assert pool.poll(c) == Place(False, 0)
    pool.release(a)
    assert pool.poll(c) == Place(True)


def test_a_dropped_ticket_frees_its_place():
    """A session's state is dropped with the session: its ticket is collected and its slot freed."""
    pool = TrainerPool(1, clock=Clock())
    a, b = pool.join(), pool.join()
    assert pool.poll(b) == Place(False, 0)
    del a
    gc.collect()
    assert pool.poll(b) == Place(True)
    assert pool.counts() == (1, 0)


def test_a_silent_ticket_loses_its_place_and_rejoins_at_the_back():
    clock = Clock()
    pool = TrainerPool(1, stale_after=10, clock=clock)
    a, b, c = pool.join(), pool.join(), pool.join()
    clock.t = 5
    pool.poll(b), pool.poll(c)
    clock.t = 12  # a last polled at 0: a closed tab
    assert pool.poll(b) == Place(True)
    assert pool.poll(a) == Place(False, 1)  # back, behind c


def test_slots_must_be_positive_and_default_to_the_cores(monkeypatch):
    with pytest.raises(ValueError):
        TrainerPool(0)
    monkeypatch.setenv("RNNVIS_TRAINERS", "3")
    assert default_slots() == 3 and TrainerPool().slots == 3
    monkeypatch.setenv("RNNVIS_TRAINERS", "zero")
    assert default_slots() >= 1


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 4), st.lists(st.tuples(st.sampled_from("jrp"), st.integers(0, 9)), max_size=60))
def test_invariants_under_any_sequence_of_calls(slots, ops):
    """Never more than `slots` run; a slot is never idle while someone waits; positions are 0..n-1."""
    pool = TrainerPool(slots, clock=Clock())
    held: list = []
    for op, k in ops:
        if op == "j":
            held.append(pool.join())
        elif held and op == "r":
            pool.release(held.pop(k % len(held)))
        elif held:
            pool.poll(held[k % len(held)])
        places = [pool.poll(t) for t in held]
        running = sum(p.running for p in places)
        assert running == min(slots, len(held))
        assert sorted(p.ahead for p in places if not p.running) == list(range(len(held) - running))


def test_threads_never_exceed_the_slots():
    pool = TrainerPool(2)
    inside, peak, lock = [0], [0], threading.Lock()

    def worker() -> None:
        t = pool.join()
        while not pool.poll(t).running:
            threading.Event().wait(0.001)
        with lock:
            inside[0] += 1
            peak[0] = max(peak[0], inside[0])
        threading.Event().wait(0.005)
        with lock:
            inside[0] -= 1
        pool.release(t)

    threads = [threading.Thread(target=worker) for _ in range(12)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(10)
    assert 1 <= peak[0] <= 2 and pool.counts() == (0, 0)


# ---------------------------------------------------------------------------- training in worker processes


@pytest.fixture(scope="module")
def workers():
    procs = TrainingProcesses(1)
    yield procs
    procs.shutdown()


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_training_in_a_worker_process_equals_training_here(workers, cell):
    """Same steps, same numbers: the worker runs the same code, and the session keeps its trainer object."""
    corpus = corpus_module.build_corpus(corpus_module.default_corpus(), "words")
    config = train.TrainConfig(level="words", cell=cell, hidden=12, window=8, batch=4, seed=3)
    here, there = train.Trainer(corpus, config), train.Trainer(corpus, config)
    same_object = there
    here.train(5)
    workers.run(there, steps=5, until_step=100)
    assert there is same_object and there.step_count == here.step_count == 5
    for name, value in here.params.as_dict().items():
        np.testing.assert_array_equal(value, there.params.as_dict()[name])
    assert there.losses.values == here.losses.values
    here.train(3)
    workers.run(there, steps=3, until_step=8)  # resumes exactly where it stopped, carried state included
    np.testing.assert_array_equal(here.params.as_dict()["W_hy"], there.params.as_dict()["W_hy"])


def test_a_timed_slice_stops_at_the_run_length(workers):
    corpus = corpus_module.build_corpus(corpus_module.default_corpus(), "words")
    trainer = train.Trainer(corpus, train.TrainConfig(level="words", hidden=8, window=8, batch=2))
    workers.run(trainer, steps=4, seconds=5.0, until_step=10)
    assert trainer.step_count == 10


def test_a_broken_worker_pool_falls_back_to_training_here():
    procs = TrainingProcesses(1)
    corpus = corpus_module.build_corpus(corpus_module.default_corpus(), "words")
    trainer = train.Trainer(corpus, train.TrainConfig(level="words", hidden=8, window=8, batch=2))
    procs._executor = BrokenExecutor()
    procs.run(trainer, steps=2, until_step=10)
    assert trainer.step_count == 2 and procs._executor is None


class BrokenExecutor:
    def submit(self, *args, **kwargs):
        raise concurrent.futures.process.BrokenProcessPool("a worker died")

    def shutdown(self, **kwargs):
        pass


def test_the_default_leaves_a_core_to_the_server(monkeypatch):
    monkeypatch.delenv("RNNVIS_TRAINERS", raising=False)
    monkeypatch.setattr(trainer_pool, "usable_cores", lambda: 2)
    assert default_slots() == 1
    monkeypatch.setattr(trainer_pool, "usable_cores", lambda: 1)
    assert default_slots() == 1
    monkeypatch.setattr(trainer_pool, "usable_cores", lambda: 8)
    assert default_slots() == 7


def test_warming_starts_the_workers_before_the_first_slice():
    procs = TrainingProcesses(1)
    try:
        procs.warm()
        assert procs._executor is not None
        assert procs.call(os.getpid) != os.getpid()  # a separate process answers
    finally:
        procs.shutdown()
