"""Fair time-sharing of a few worker processes among every student who trains.

Every student who presses Train holds a *ticket*. Workers never belong to a ticket: a free worker
asks `next_lease()` for one short chunk of work (~CHUNK_S of CPU), runs it, and reports back with
`finish()`. Which ticket gets the chunk:

- **fair share by CPU time** (as Linux's CFS does): each ticket carries the CPU seconds its chunks
  used, c_i; the runnable ticket with the smallest c_i goes next. A ticket that becomes runnable
  (joins, or a paced ticket whose next steps fall due) starts from the virtual clock
  v = min c_j over the runnable tickets, so it cannot bank the time it was idle and then hog.
- **paced tickets** ("watch": ~10 steps/s) earn steps at their pace, r_i, in a bucket
      credit_i <- min(credit_i + r_i dt, r_i BURST_S)
  and are runnable only once credit_i >= r_i g (g, the granularity, grows with the class so the
  per-chunk overhead stays bounded). They take only the steps they earned, so they never block a
  fast ticket, and they use so little CPU that they are always near the front of the queue.
- **fast tickets** are always runnable and take ~c / s_i steps (s_i: their measured CPU per step), with
  the chunk c = clamp(ROUND_S / n_fast, MIN_CHUNK_S, CHUNK_S): a round over every fast ticket costs at most
  ~ROUND_S of CPU, so in a class of fifty everyone moves every couple of seconds; with the smallest-c_i rule
  they split what the paced tickets leave equally.
- a ticket not seen for `stale_after` seconds (a closed tab) is dropped: its share is released.

**Admission**: a ticket trains at once unless the workers cannot give every training ticket the
slowest useful pace, MIN_PACE steps/s:  sum_i MIN_PACE s_i > UTILISATION * workers. Then it
waits, first come first served, and is admitted as soon as it fits.

Pure Python; the caller serialises calls (the training service holds one lock around them).
"""

from __future__ import annotations

import itertools
import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

CHUNK_S = 0.08  # CPU seconds a fast ticket's chunk aims at: Stop waits at most one chunk
MIN_CHUNK_S = 0.02  # ... never shorter (each chunk also pays ~1 ms of sending the model back and forth)
ROUND_S = 2.0  # a round over every fast ticket costs at most about this much CPU
MIN_PACE = 2.0  # steps/s: below this, watching a model learn is no longer worth it -> admission control
UTILISATION = 0.9  # share of the workers' CPU that admission may promise
DEFAULT_STEP_S = 0.002  # CPU per step assumed before a ticket's first chunk is measured
BURST_S = 2.0  # a paced ticket may catch up at most this many seconds of its pace
GRANULARITY_S = (0.3, 1.0)  # a paced ticket's chunk covers this many seconds of its pace (class of 1 -> of 50+)
GRANULARITY_PER_TICKET_S = 0.02  # ... 20 ms more per ticket training (fewer, larger chunks for a large class)
RATE_WINDOW_S = 5.0  # a ticket's speed is measured over its last few seconds
STALE_AFTER_S = 10.0  # a session shows its training every ~0.5-1 s; ten seconds of silence is a closed tab
STEP_EMA = 0.3  # weight of the newest chunk in a ticket's CPU-per-step estimate

State = Literal["training", "queued", "gone"]


@dataclass(frozen=True)
class Lease:
    """One chunk of work: advance ticket `ticket` by `steps` steps."""

    ticket: int
    steps: int


@dataclass(frozen=True)
class Share:
    """What a ticket gets, in the scheduler's own numbers (the page's sentence is built from these)."""

    state: State
    training: int  # tickets training now (this one included when it trains)
    queued: int  # tickets waiting for admission
    place: int | None  # 1-based place in the queue, only when queued
    steps_per_s: float  # this ticket's measured speed over the last RATE_WINDOW_S (0 before its first chunk)
    min_pace: float = MIN_PACE


@dataclass(eq=False)
class _Ticket:
    id: int
    pace: float | None  # steps/s; None = as fast as the share allows
    remaining: int  # steps left to train in this run
    seen: float  # last heartbeat
    step_s: float  # CPU per step, measured
    cpu: float = 0.0  # CPU seconds used (the fair-share key)
    credit: float = 0.0  # steps earned by a paced ticket
    credited_at: float = 0.0
    busy: bool = False  # a chunk is being computed
    runnable: bool = False
    served: float = -math.inf  # when its last chunk started (ties go to the longest waiting)
    steps_done: int = 0
    admitted_at: float = 0.0
    history: deque[tuple[float, int]] = field(default_factory=lambda: deque(maxlen=64))  # (time, steps_done)


class FairScheduler:
    """Fair-share scheduler of `workers` workers among tickets; see the module docstring."""

    def __init__(
        self,
        workers: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        chunk_s: float = CHUNK_S,
        min_pace: float = MIN_PACE,
        utilisation: float = UTILISATION,
        stale_after: float = STALE_AFTER_S,
        default_step_s: float = DEFAULT_STEP_S,
    ):
        if workers < 1:
            raise ValueError("a scheduler needs at least one worker")
        self.workers = workers
        self.chunk_s, self.min_pace, self.utilisation = chunk_s, min_pace, utilisation
        self.stale_after, self.default_step_s = stale_after, default_step_s
        self._clock = clock
        self._training: dict[int, _Ticket] = {}
        self._queue: dict[int, _Ticket] = {}  # insertion order is the queue order
        self._vclock = 0.0
        self._ids = itertools.count(1)
        self.dropped: list[int] = []  # tickets dropped as stale since the caller last emptied this list

    # ---------------------------------------------------------------- tickets come and go

    def join(self, *, pace: float | None, remaining: int, ticket: int | None = None) -> int:
        """A new ticket (or `ticket` rejoining): trains at once if admission allows, else queues. Returns its id."""
        now = self._clock()
        tid = next(self._ids) if ticket is None else ticket
        self.leave(tid)
        t = _Ticket(tid, pace, max(0, remaining), seen=now, step_s=self._typical_step_s())
        self._queue[tid] = t
        self._admit(now)
        return tid

    def leave(self, ticket: int) -> None:
        """Release a ticket's share or queue place (Stop, Reset, finished); idempotent."""
        self._training.pop(ticket, None)
        self._queue.pop(ticket, None)
        self._admit(self._clock())

    def touch(self, ticket: int) -> bool:
        """Heartbeat; False when the scheduler no longer knows the ticket (dropped as stale, or left)."""
        t = self._training.get(ticket) or self._queue.get(ticket)
        if t is None:
            return False
        t.seen = self._clock()
        return True

    def set_pace(self, ticket: int, pace: float | None) -> None:
        if (t := self._training.get(ticket) or self._queue.get(ticket)) is not None and t.pace != pace:
            t.pace, t.credit, t.credited_at = pace, 0.0, self._clock()

    def _prune(self, now: float) -> None:
        for pool in (self._training, self._queue):
            for tid in [tid for tid, t in pool.items() if now - t.seen > self.stale_after and not t.busy]:
                del pool[tid]
                self.dropped.append(tid)
        self._admit(now)

    # ---------------------------------------------------------------- admission

    def _typical_step_s(self) -> float:
        known = sorted(t.step_s for t in self._training.values())
        return known[len(known) // 2] if known else self.default_step_s

    def demand(self) -> float:
        """Workers' worth of CPU the training tickets need at the slowest useful pace."""
        return sum(self.min_pace * t.step_s for t in self._training.values())

    def capacity_students(self, step_s: float | None = None) -> int:
        """How many tickets of `step_s` CPU per step (default: the typical one) fit at the slowest useful pace."""
        s = step_s or self._typical_step_s()
        return max(1, math.floor(self.utilisation * self.workers / (self.min_pace * s)))

    def _admit(self, now: float) -> None:
        budget = self.utilisation * self.workers
        while self._queue:
            tid, t = next(iter(self._queue.items()))
            if self._training and self.demand() + self.min_pace * t.step_s > budget:
                return  # the first in line does not fit; nobody jumps the queue
            del self._queue[tid]
            t.admitted_at = t.credited_at = now
            t.credit = (t.pace or 0.0) * self._granularity()  # the first chunk runs at once
            t.runnable = False
            self._training[tid] = t

    # ---------------------------------------------------------------- chunks

    def _granularity(self) -> float:
        lo, hi = GRANULARITY_S
        return min(hi, max(lo, GRANULARITY_PER_TICKET_S * len(self._training)))

    def chunk_length(self) -> float:
        """CPU seconds of a fast ticket's chunk now: shorter when many fast tickets share the workers."""
        n_fast = sum(t.pace is None for t in self._training.values())
        return min(self.chunk_s, max(MIN_CHUNK_S, ROUND_S * self.workers / max(1, n_fast)))

    def _earn(self, t: _Ticket, now: float) -> None:
        if t.pace is None:
            return
        t.credit = min(t.credit + t.pace * (now - t.credited_at), t.pace * BURST_S)
        t.credited_at = now

    def _due(self, t: _Ticket) -> bool:
        if t.busy or t.remaining <= 0:
            return False
        if t.pace is None:
            return True
        need = max(1.0, t.pace * self._granularity())
        return t.credit >= min(need, t.remaining)

    def next_lease(self) -> Lease | None:
        """The next chunk for a free worker, or None when no ticket is due now (see `wake_in`)."""
        now = self._clock()
        self._prune(now)
        due = []
        for t in self._training.values():
            self._earn(t, now)
            if self._due(t):
                due.append(t)
            elif not t.busy:
                t.runnable = False
        if not due:
            return None
        if running := [t.cpu for t in due if t.runnable]:
            self._vclock = max(self._vclock, min(running))  # the fair-share position of those that kept running
        for t in due:
            if not t.runnable:  # it was idle: it starts from the virtual clock, no banked time
                t.cpu, t.runnable = max(t.cpu, self._vclock), True
        t = min(due, key=lambda t: (t.cpu, t.served, t.id))
        fast = max(1, round(self.chunk_length() / t.step_s))
        steps = min(t.remaining, fast if t.pace is None else min(fast, math.floor(t.credit)))
        steps = max(1, steps)
        if t.pace is not None:
            t.credit -= steps
        t.busy, t.served = True, now
        return Lease(t.id, steps)

    def finish(self, lease: Lease, *, steps: int, cpu_s: float, done: bool = False) -> None:
        """A worker finished `lease`: it trained `steps` steps in `cpu_s` CPU seconds; `done` ends the run."""
        now = self._clock()
        t = self._training.get(lease.ticket)
        if t is None:
            return  # it left while its chunk ran
        t.busy = False
        t.cpu += cpu_s
        t.steps_done += steps
        t.remaining = 0 if done else max(0, t.remaining - steps)
        t.history.append((now, t.steps_done))
        if steps > 0:
            t.step_s = (1 - STEP_EMA) * t.step_s + STEP_EMA * cpu_s / steps
        if t.remaining <= 0:
            self.leave(t.id)

    def wake_in(self) -> float | None:
        """Seconds until a paced ticket falls due (0: something is due now; None: nothing trains)."""
        now = self._clock()
        waits = []
        for t in self._training.values():
            if t.busy or t.remaining <= 0:
                continue
            if t.pace is None:
                return 0.0
            self._earn(t, now)
            need = min(max(1.0, t.pace * self._granularity()), t.remaining)
            waits.append(max(0.0, (need - t.credit) / t.pace))
        return min(waits, default=None)

    # ---------------------------------------------------------------- what a ticket gets

    def rate(self, ticket: int) -> float:
        """Steps per second over the last RATE_WINDOW_S (since admission while younger)."""
        t = self._training.get(ticket)
        if t is None or not t.history:
            return 0.0
        now = self._clock()
        start_t, start_s = t.admitted_at, 0
        for when, done in t.history:
            if when >= now - RATE_WINDOW_S:
                break
            start_t, start_s = when, done
        return (t.steps_done - start_s) / max(now - start_t, 1e-9)

    def share(self, ticket: int) -> Share:
        """The ticket's standing now; also a heartbeat."""
        self.touch(ticket)
        self._prune(self._clock())
        training, queued = len(self._training), len(self._queue)
        if ticket in self._training:
            return Share("training", training, queued, None, self.rate(ticket), self.min_pace)
        if ticket in self._queue:
            place = list(self._queue).index(ticket) + 1
            return Share("queued", training, queued, place, 0.0, self.min_pace)
        return Share("gone", training, queued, None, 0.0, self.min_pace)

    def counts(self) -> tuple[int, int]:
        """(training, queued) now."""
        self._prune(self._clock())
        return len(self._training), len(self._queue)

    def cpu_used(self) -> dict[int, float]:
        """CPU seconds used by each training ticket (for tests and the benchmark)."""
        return {tid: t.cpu for tid, t in self._training.items()}
