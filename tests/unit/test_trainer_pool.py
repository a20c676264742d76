"""The trainer pool: at most `slots` run, FIFO queue with positions, release, no leaks."""

from __future__ import annotations

import gc
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from visualizer.trainer_pool import Place, TrainerPool, default_slots


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
