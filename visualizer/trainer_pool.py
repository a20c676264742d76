"""A bounded pool of training slots shared by every session of one server process.

When a whole class presses Train at once, at most ``slots`` trainings run at a time (about the
number of cores); the others wait in first-come, first-served order and can see how many are
ahead of them. Pure Python, thread-safe (Streamlit runs each session's script in its own thread),
no Streamlit.

Training itself runs in worker processes (``TrainingProcesses``), one per slot: the server
process only sends a session's trainer over and takes the advanced one back, so a class training
at once never holds the server's interpreter lock and stepping, typing and page opens in other
sessions stay responsive. The workers use one BLAS thread each; training there is bit-identical
to training in the server (the same code on the same numbers).

A session holds a ``Ticket`` (in its session state) and calls ``poll`` before each chunk of
training: the answer is either "run" (the ticket holds a slot) or "wait, N ahead". Nothing leaks:

- ``release`` frees a slot or a place in the queue (Stop, Reset, training finished);
- the pool keeps only weak references to tickets, so a ticket dropped with its session's state
  frees its place as soon as it is garbage-collected;
- a ticket not polled for ``stale_after`` seconds (a closed tab whose session is not yet dropped)
  loses its place; polling it again puts it at the back of the queue.
"""

from __future__ import annotations

import atexit
import concurrent.futures
import itertools
import multiprocessing
import os
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

STALE_AFTER_S = 10.0  # a training session polls every ~0.5 s; ten seconds of silence is a closed tab


def usable_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def default_slots() -> int:
    """Trainings at a time: the RNNVIS_TRAINERS environment variable, else the usable cores less one
    (one core stays with the server process, which draws every page), at least one."""
    env = os.environ.get("RNNVIS_TRAINERS", "")
    if env.strip().isdigit() and int(env) > 0:
        return int(env)
    return max(1, usable_cores() - 1)


_ids = itertools.count(1)


@dataclass(eq=False)
class Ticket:
    """One session's claim on a training slot; keep it in the session's state."""

    id: int = field(default_factory=lambda: next(_ids))
    last_seen: float = 0.0


@dataclass(frozen=True)
class Place:
    """A ticket's standing: running (holds a slot) or waiting with `ahead` tickets before it."""

    running: bool
    ahead: int = 0


class TrainerPool:
    """At most `slots` tickets run at a time; the rest wait in FIFO order."""

    def __init__(
        self, slots: int | None = None, *, stale_after: float = STALE_AFTER_S, clock: Callable = time.monotonic
    ):
        self.slots = default_slots() if slots is None else slots
        if self.slots < 1:
            raise ValueError("a trainer pool needs at least one slot")
        self.stale_after = stale_after
        self._clock = clock
        self._lock = threading.Lock()
        self._running: list[weakref.ref[Ticket]] = []
        self._waiting: list[weakref.ref[Ticket]] = []

    # ---------------------------------------------------------------- bookkeeping (lock held)

    def _prune(self, now: float) -> None:
        """Drop tickets that were garbage-collected or went silent, then fill free slots in order."""

        def alive(ref: weakref.ref[Ticket]) -> bool:
            t = ref()
            return t is not None and now - t.last_seen <= self.stale_after

        self._running = [r for r in self._running if alive(r)]
        self._waiting = [r for r in self._waiting if alive(r)]
        while len(self._running) < self.slots and self._waiting:
            self._running.append(self._waiting.pop(0))

    @staticmethod
    def _index(refs: list[weakref.ref[Ticket]], ticket: Ticket) -> int:
        return next((i for i, r in enumerate(refs) if r() is ticket), -1)

    # ---------------------------------------------------------------- the API a page uses

    def join(self) -> Ticket:
        """A new ticket at the back of the queue (it may run at once if a slot is free)."""
        ticket = Ticket()
        self.poll(ticket)
        return ticket

    def poll(self, ticket: Ticket) -> Place:
        """Heartbeat: the ticket's place now. A ticket the pool forgot rejoins at the back."""
        with self._lock:
            now = self._clock()
            ticket.last_seen = now
            self._prune(now)
            if self._index(self._running, ticket) >= 0:
                return Place(running=True)
            i = self._index(self._waiting, ticket)
            if i < 0:
                self._waiting.append(weakref.ref(ticket))
                self._prune(now)
                if self._index(self._running, ticket) >= 0:
                    return Place(running=True)
                i = len(self._waiting) - 1
            return Place(running=False, ahead=i)

    def release(self, ticket: Ticket | None) -> None:
        """Give up the ticket's slot or queue place (idempotent); the next in line gets the slot."""
        if ticket is None:
            return
        with self._lock:
            self._running = [r for r in self._running if r() is not ticket]
            self._waiting = [r for r in self._waiting if r() is not ticket]
            self._prune(self._clock())

    def counts(self) -> tuple[int, int]:
        """(running, waiting) now."""
        with self._lock:
            self._prune(self._clock())
            return len(self._running), len(self._waiting)


# ---------------------------------------------------------------------------- training in worker processes


def _train_slice(trainer: Any, steps: int, seconds: float, until_step: int) -> Any:
    """In a worker: advance `trainer` by `steps` steps, or for about `seconds` (never past `until_step`)."""
    if seconds > 0:
        trainer.train_for(seconds, until_step=until_step, chunk=max(1, steps))
    else:
        trainer.train(max(0, min(steps, until_step - trainer.step_count)))
    return trainer


class TrainingProcesses:
    """Worker processes that advance trainers (any picklable object with ``train(n)``, ``train_for``).

    ``run(trainer, ...)`` sends the trainer to a free worker, waits (the waiting thread holds no
    lock: other sessions run meanwhile), and copies the advanced state back into the same object,
    so a session's trainer keeps its identity. When a worker cannot be used (it died, or processes
    cannot start here) the slice runs in the calling thread instead: slower for everyone, never lost.
    """

    def __init__(self, workers: int):
        if workers < 1:
            raise ValueError("training needs at least one worker process")
        self.workers = workers
        self._executor: concurrent.futures.ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def _pool(self) -> concurrent.futures.ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = concurrent.futures.ProcessPoolExecutor(
                    self.workers, mp_context=multiprocessing.get_context("spawn")
                )
            return self._executor

    def warm(self) -> None:
        """Start the workers now, without waiting: a process starts in a second or two (it imports
        NumPy and the library), which the first student to press Train should not wait for."""
        try:
            pool = self._pool()
            for _ in range(self.workers):
                pool.submit(os.getpid)
        except (OSError, RuntimeError):
            self.shutdown()

    def run(self, trainer: Any, *, steps: int, seconds: float = 0.0, until_step: int) -> None:
        """Advance `trainer` in a worker: `steps` steps, or slices of `steps` for about `seconds`."""
        try:
            done = self._pool().submit(_train_slice, trainer, steps, seconds, until_step).result(timeout=120)
        except (concurrent.futures.process.BrokenProcessPool, OSError, RuntimeError, TimeoutError):
            self.shutdown()  # a fresh pool next time
            _train_slice(trainer, steps, seconds, until_step)
            return
        trainer.__dict__.update(done.__dict__)

    def call(self, fn: Callable[..., Any], *args: Any) -> Any:
        """fn(*args) computed in a worker (a picklable module-level function), here if no worker can be used.

        For the other heavy per-student maths (the proof of memory of a student's own model): a burst of
        them — a class pressing Stop together — queues in the workers instead of stalling every page."""
        try:
            return self._pool().submit(fn, *args).result(timeout=120)
        except (concurrent.futures.process.BrokenProcessPool, OSError, RuntimeError, TimeoutError):
            self.shutdown()
            return fn(*args)

    def shutdown(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)


_processes: TrainingProcesses | None = None
_processes_lock = threading.Lock()


def training_processes() -> TrainingProcesses:
    """This server process's workers, one per training slot (created on first use)."""
    global _processes
    with _processes_lock:
        if _processes is None:
            _processes = TrainingProcesses(default_slots())
            atexit.register(_processes.shutdown)  # workers end with the server, quietly
        return _processes
