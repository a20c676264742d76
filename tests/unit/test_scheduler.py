"""The fair-share scheduler, with a fake clock: a simulated class of students and workers, no processes."""

from __future__ import annotations

import heapq
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from visualizer.serving.scheduler import ROUND_S, FairScheduler, Lease


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Sim:
    """Workers that run each lease for steps x the ticket's CPU per step (plus a fixed overhead)."""

    def __init__(self, workers: int = 1, overhead_s: float = 0.0, **kw):
        self.clock = Clock()
        self.s = FairScheduler(workers, clock=self.clock, **kw)
        self.workers, self.overhead_s = workers, overhead_s
        self.step_s: dict[int, float] = {}
        self.steps: dict[int, int] = {}
        self.cpu: dict[int, float] = {}
        self.first_step_at: dict[int, float] = {}
        self.busy_s = 0.0
        self.silent: set[int] = set()  # tickets whose tab was closed: no more heartbeats
        self.events: list[tuple[float, int, int, Lease | None]] = [(0.0, -w, w, None) for w in range(workers)]
        self.seq = 1

    def join(self, step_s: float = 0.001, pace: float | None = None, remaining: int = 10**9) -> int:
        tid = self.s.join(pace=pace, remaining=remaining)
        self.step_s[tid], self.steps[tid], self.cpu[tid] = step_s, 0, 0.0
        return tid

    def run(self, seconds: float, heartbeat_every: float = 0.5) -> None:
        end = self.clock.now + seconds
        events = self.events  # chunks in flight carry over from one run to the next
        beat = self.clock.now
        while events[0][0] <= end:
            t, seq, w, lease = heapq.heappop(events)
            self.clock.now = t
            while beat <= t:  # every open tab shows its training now and then
                for tid in self.step_s:
                    if tid not in self.silent:
                        self.s.touch(tid)
                beat += heartbeat_every
            if lease is not None:  # a chunk ends
                cost = lease.steps * self.step_s[lease.ticket] + self.overhead_s
                self.steps[lease.ticket] += lease.steps
                self.cpu[lease.ticket] += cost
                self.first_step_at.setdefault(lease.ticket, t)
                self.s.finish(lease, steps=lease.steps, cpu_s=cost)
            nxt = self.s.next_lease()
            if nxt is None:
                wait = self.s.wake_in()
                heapq.heappush(events, (t + min(0.05, max(wait or 0.05, 0.001)), self.seq, w, None))
            else:
                cost = nxt.steps * self.step_s[nxt.ticket] + self.overhead_s
                self.busy_s += cost
                heapq.heappush(events, (t + cost, self.seq, w, nxt))
            self.seq += 1
        self.clock.now = end


def spread(values) -> float:
    """(max - min) / mean."""
    values = list(values)
    mean = sum(values) / len(values)
    return (max(values) - min(values)) / mean


# ---------------------------------------------------------------------------- fairness


@pytest.mark.parametrize("workers,n", [(1, 7), (2, 11), (3, 50)])
def test_fast_tickets_share_the_cpu_equally_and_no_worker_idles(workers, n):
    sim = Sim(workers)
    ids = [sim.join() for _ in range(n)]
    sim.run(30.0)
    assert spread(sim.cpu[i] for i in ids) < 0.05
    assert sum(sim.cpu.values()) >= 0.98 * 30.0 * workers  # work-conserving: nobody holds a worker idle


def test_fair_share_is_by_cpu_time_not_by_steps():
    """A model four times as costly per step gets a quarter of the steps and the same CPU."""
    sim = Sim(1)
    cheap, costly = sim.join(step_s=0.001), sim.join(step_s=0.004)
    sim.run(20.0)
    assert sim.cpu[cheap] == pytest.approx(sim.cpu[costly], rel=0.05)
    assert sim.steps[cheap] / sim.steps[costly] == pytest.approx(4.0, rel=0.1)


def test_a_late_joiner_gets_an_equal_share_from_then_on_not_a_catch_up_burst():
    sim = Sim(1)
    early = [sim.join() for _ in range(3)]
    sim.run(10.0)
    before = dict(sim.cpu)
    late = sim.join()
    sim.run(8.0)
    gained = {i: sim.cpu[i] - before.get(i, 0.0) for i in [*early, late]}
    assert spread(gained.values()) < 0.1  # each of the four got ~2 s of the 8


def test_chunks_are_short_so_stop_answers_within_one():
    """A fast chunk is ~chunk_s of CPU at the ticket's measured cost per step, and at least one step."""
    s = FairScheduler(1, clock=Clock(), default_step_s=0.001, chunk_s=0.08)
    cheap = s.join(pace=None, remaining=10_000)
    lease = s.next_lease()
    assert lease == Lease(cheap, 80)
    s.finish(lease, steps=80, cpu_s=80 * 0.5)  # it turned out to cost 0.5 s per step
    s.finish(s.next_lease(), steps=80, cpu_s=80 * 0.5)
    assert s.next_lease().steps == 1  # one step per chunk: never longer than a step


def test_in_a_large_class_every_fast_student_moves_within_a_round_of_cpu():
    sim = Sim(1)
    ids = [sim.join(step_s=0.001) for _ in range(50)]
    assert sim.s.chunk_length() == pytest.approx(ROUND_S / 50)  # one round of CPU shared by 50 students
    sim.run(ROUND_S * 1.05)
    assert all(sim.steps[i] > 0 for i in ids)
    sim.run(20.0)
    cpus = [sim.cpu[i] for i in ids]
    assert max(cpus) - min(cpus) <= 1.5 * sim.s.chunk_length()  # equal to within a chunk


# ---------------------------------------------------------------------------- paced ("watch") tickets


def test_a_watch_ticket_gets_its_pace_and_never_blocks_a_fast_one():
    sim = Sim(1)
    fast = sim.join(step_s=0.001)
    watchers = [sim.join(step_s=0.001, pace=10.0) for _ in range(5)]
    sim.run(30.0)
    for w in watchers:
        assert sim.steps[w] / 30.0 == pytest.approx(10.0, rel=0.1)  # its pace, no more
    watch_cpu = sum(sim.cpu[w] for w in watchers)
    assert sim.cpu[fast] >= 0.97 * (30.0 - watch_cpu)  # the fast one gets everything else


def test_a_watch_ticket_keeps_its_pace_among_many_fast_ones():
    sim = Sim(1, overhead_s=0.001)
    fast = [sim.join(step_s=0.001) for _ in range(20)]
    watcher = sim.join(step_s=0.001, pace=10.0)
    sim.run(30.0)
    assert sim.steps[watcher] / 30.0 == pytest.approx(10.0, rel=0.1)
    assert spread(sim.cpu[f] for f in fast) < 0.1  # the fast ones split the rest equally (to within a chunk)


def test_watch_tickets_alone_leave_the_worker_free_between_their_chunks():
    sim = Sim(1)
    for _ in range(3):
        sim.join(pace=10.0)
    sim.run(10.0)
    assert sim.busy_s < 0.05 * 10.0  # 30 steps/s of 1 ms: the worker idles ~97 % of the time
    sim.s.next_lease()  # whatever was due is taken
    wait = sim.s.wake_in()
    assert wait is not None and 0 < wait <= 0.3  # ... and it says when to ask again


def test_a_class_of_fifty_watchers_all_start_within_a_second_and_keep_the_pace():
    sim = Sim(1, overhead_s=0.002)  # each chunk also pays ~2 ms of sending the model back and forth
    ids = [sim.join(step_s=0.0008, pace=10.0) for _ in range(50)]
    sim.run(60.0)
    assert max(sim.first_step_at.values()) < 1.0
    rates = [sim.steps[i] / 60.0 for i in ids]
    assert min(rates) >= 9.0 and max(rates) / min(rates) < 1.2


# ---------------------------------------------------------------------------- tabs that close, tickets that leave


def test_a_closed_tab_releases_its_share():
    sim = Sim(1, stale_after=10.0)
    ids = [sim.join() for _ in range(4)]
    sim.run(5.0)
    sim.silent.add(ids[0])  # the tab closes: no more heartbeats
    sim.run(12.0)
    assert ids[0] in sim.s.dropped and ids[0] not in sim.s.cpu_used()
    before = dict(sim.cpu)
    sim.run(9.0)
    for i in ids[1:]:
        assert sim.cpu[i] - before[i] == pytest.approx(3.0, rel=0.05)  # a third each now
    assert sim.cpu[ids[0]] == before[ids[0]]


def test_leave_releases_at_once_and_a_finished_run_leaves_by_itself():
    sim = Sim(1)
    a, b = sim.join(), sim.join(remaining=50)
    sim.s.leave(a)
    sim.run(1.0)
    assert sim.steps[a] == 0 and sim.steps[b] == 50  # never more than the run asked for
    assert sim.s.counts() == (0, 0)


# ---------------------------------------------------------------------------- admission


def test_admission_queues_only_when_the_slowest_useful_pace_cannot_be_given_to_all():
    # 0.1 s per step: each student needs 0.2 worker at 2 steps/s; 0.9 of one worker fits four
    clock = Clock()
    s = FairScheduler(1, clock=clock, default_step_s=0.1, min_pace=2.0, utilisation=0.9)
    assert s.capacity_students() == 4
    ids = [s.join(pace=None, remaining=100) for _ in range(4)]
    assert all(s.share(i).state == "training" for i in ids)
    late = s.join(pace=None, remaining=100)
    share = s.share(late)
    assert share.state == "queued" and share.place == 1 and share.training == 4
    s.leave(ids[0])
    assert s.share(late).state == "training" and s.share(late).place is None


def test_a_cheap_model_admits_a_whole_lecture_hall():
    s = FairScheduler(1, clock=Clock(), default_step_s=0.001)
    ids = [s.join(pace=10.0, remaining=2000) for _ in range(300)]
    assert s.capacity_students() == 450
    assert all(s.share(i).state == "training" for i in ids)


def test_the_queue_is_first_come_first_served():
    s = FairScheduler(1, clock=Clock(), default_step_s=0.3)  # 0.6 worker per student: one fits
    first, second, third = (s.join(pace=None, remaining=10) for _ in range(3))
    assert [s.share(t).place for t in (first, second, third)] == [None, 1, 2]
    s.leave(first)
    assert [s.share(t).state for t in (second, third)] == ["training", "queued"]


# ---------------------------------------------------------------------------- measured speed


def test_the_measured_speed_is_the_steps_over_the_last_seconds():
    sim = Sim(1)
    a = sim.join(pace=10.0)
    sim.run(12.0)
    assert sim.s.rate(a) == pytest.approx(10.0, rel=0.15)
    assert sim.s.share(a).steps_per_s == sim.s.rate(a)


@given(
    st.lists(
        st.tuples(st.sampled_from([0.0005, 0.001, 0.003]), st.sampled_from([None, 5.0, 10.0])), min_size=1, max_size=12
    ),
    st.integers(1, 3),
    st.integers(1, 400),
)
@settings(max_examples=25, deadline=None)
def test_leases_never_exceed_a_run_and_every_lease_is_at_least_one_step(tickets, workers, remaining):
    sim = Sim(workers)
    ids = [sim.join(step_s=c, pace=p, remaining=remaining) for c, p in tickets]
    sim.run(5.0)
    for i in ids:
        assert sim.steps[i] <= remaining
    for i, (c, p) in zip(ids, tickets):
        if p is None:
            assert sim.steps[i] > 0 or math.isclose(c, 0)  # every fast ticket progressed
