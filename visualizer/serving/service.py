"""The training service: every session's training advances in the background, chunk by chunk, fairly.

A session starts a `Job` (its trainer, the step to stop at, its pace) and keeps it in its state.
One dispatcher thread per worker process asks the scheduler (scheduler.FairScheduler) for the next
chunk, sends that job's trainer to its worker, and puts the advanced trainer back into the job
(a new object: a page drawing the old one meanwhile is never disturbed). The page only reads
`job.trainer` and `share(job)`: what it draws costs no training time, and training does not wait for
the page.

- Stop (`stop`) takes the job out of the schedule and waits at most for the chunk in flight
  (<= one chunk, ~CHUNK_S), so the trainer it returns holds exactly the steps trained.
- A closed tab: the service keeps only weak references to jobs (a job dropped with its session's
  state leaves at once), and the scheduler drops a job that stopped asking after it.
- When no worker process can be used, a chunk runs in the dispatcher thread: slower, never lost.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pickle
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from visualizer.labs.training.train import Trainer
from visualizer.serving.scheduler import FairScheduler, Share
from visualizer.serving.workers import Worker, WorkerError, advance

STOP_WAIT_S = 2.0  # Stop waits for the chunk in flight at most this long (a chunk is ~0.1 s)
LIVE_CONFIG = ("lr", "clip", "clipnorm", "window")  # settings that reach a running model at once


def usable_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def default_workers() -> int:
    """Worker processes: the RNNVIS_TRAINERS environment variable, else the usable cores less one
    (one core stays with the server process, which draws every page), at least one."""
    env = os.environ.get("RNNVIS_TRAINERS", "")
    if env.strip().isdigit() and int(env) > 0:
        return int(env)
    return max(1, usable_cores() - 1)


_job_ids = itertools.count(1)


@dataclass(eq=False)
class Job:
    """One session's training run; keep it in the session's state."""

    trainer: Trainer  # the latest trainer: a new object after each chunk (the page's copy is never trained on)
    until_step: int
    pace: float | None  # steps/s; None = fast
    id: int = field(default_factory=lambda: next(_job_ids))
    live: dict[str, Any] = field(default_factory=dict)  # LIVE_CONFIG values set while it runs
    in_flight: bool = False
    stopped: bool = False
    error: str = ""

    @property
    def finished(self) -> bool:
        """The run reached its last step or diverged."""
        return self.trainer.step_count >= self.until_step or self.trainer.diverged


class TrainingService:
    """Jobs of every session, trained in `workers` worker processes shared fairly (see the module docstring)."""

    def __init__(
        self,
        workers: int | None = None,
        *,
        processes: bool = True,
        clock: Callable[[], float] = time.monotonic,
        **scheduler_args: Any,
    ):
        self.workers = default_workers() if workers is None else workers
        self.scheduler = FairScheduler(self.workers, clock=clock, **scheduler_args)
        self._cond = threading.Condition()
        self._jobs: dict[int, weakref.ref[Job]] = {}
        self._processes = [Worker() for _ in range(self.workers)] if processes else []
        self._threads: list[threading.Thread] = []
        self._closed = False
        self._warmed = False
        self.chunks = 0  # chunks run (for the benchmark)
        self.worker_cpu_s = 0.0  # CPU seconds the chunks took in the workers

    # ---------------------------------------------------------------- the API a page uses

    def start(self, trainer: Trainer, *, until_step: int, pace: float | None) -> Job:
        """A new job; it trains at once when admission allows (else it queues: see `share`)."""
        job = Job(trainer, until_step, pace)
        with self._cond:
            self._ensure_threads()
            self._jobs[job.id] = weakref.ref(job)
            self.scheduler.join(pace=pace, remaining=until_step - trainer.step_count, ticket=job.id)
            self._cond.notify_all()
        return job

    def first_chunk(self, job: Job, timeout: float) -> bool:
        """Wait (at most `timeout` s, holding no lock while waiting) until the job's first chunk is back:
        the run that pressed Train can then show the first steps at once. True when it is."""
        deadline = time.monotonic() + timeout
        start = job.trainer.step_count
        with self._cond:
            while job.trainer.step_count == start and not job.error and (left := deadline - time.monotonic()) > 0:
                self._cond.wait(left)
            return job.trainer.step_count > start

    def share(self, job: Job) -> Share:
        """What the job gets now (also a heartbeat); a job the scheduler forgot (its tab went silent) rejoins."""
        with self._cond:
            s = self.scheduler.share(job.id)
            if s.state == "gone" and not (job.stopped or job.finished or job.in_flight or job.error):
                self._jobs[job.id] = weakref.ref(job)
                self.scheduler.join(pace=job.pace, remaining=job.until_step - job.trainer.step_count, ticket=job.id)
                self._cond.notify_all()
                s = self.scheduler.share(job.id)
            return s

    def set_live(self, job: Job, *, pace: float | None, **live: Any) -> None:
        """The pace and the LIVE_CONFIG settings of a running job (applied before its next chunk)."""
        with self._cond:
            job.live = {k: v for k, v in live.items() if k in LIVE_CONFIG}
            if pace != job.pace:
                job.pace = pace
                self.scheduler.set_pace(job.id, pace)
                self._cond.notify_all()

    def stop(self, job: Job, timeout: float = STOP_WAIT_S) -> Trainer:
        """Stop the job (idempotent): after at most the chunk in flight; returns its trainer, exactly as trained."""
        deadline = time.monotonic() + timeout
        with self._cond:
            job.stopped = True
            self.scheduler.leave(job.id)
            while job.in_flight and (left := deadline - time.monotonic()) > 0:
                self._cond.wait(left)
            self._jobs.pop(job.id, None)
            return job.trainer

    def stop_all(self) -> None:
        """Stop every job (a server shutting down, a test ending)."""
        with self._cond:
            jobs = [j for ref in self._jobs.values() if (j := ref()) is not None]
        for j in jobs:
            self.stop(j)

    def counts(self) -> tuple[int, int]:
        with self._cond:
            return self.scheduler.counts()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        for w in self._processes:
            w.stop()

    # ---------------------------------------------------------------- dispatchers

    def _ensure_threads(self) -> None:
        if not self._threads:
            for i in range(self.workers):
                w = self._processes[i] if self._processes else None
                th = threading.Thread(target=self._dispatch, args=(w,), daemon=True, name=f"rnnvis-dispatch-{i}")
                th.start()
                self._threads.append(th)

    def warm(self) -> None:
        """Start the worker processes now, once (a process takes a second or two to import NumPy and the library)."""
        if self._warmed:
            return
        self._warmed = True
        for w in self._processes:
            threading.Thread(target=self._try_start, args=(w,), daemon=True).start()

    @staticmethod
    def _try_start(w: Worker) -> None:
        with contextlib.suppress(OSError, RuntimeError):
            w.start()

    def _next(self) -> tuple[Any, Job] | None:
        """The next lease and its job (lock held); None when closed."""
        while not self._closed:
            for tid in self.scheduler.dropped:
                self._jobs.pop(tid, None)
            self.scheduler.dropped.clear()
            for tid in [tid for tid, ref in self._jobs.items() if ref() is None]:  # its session is gone
                del self._jobs[tid]
                self.scheduler.leave(tid)
            lease = self.scheduler.next_lease()
            if lease is None:
                wait = self.scheduler.wake_in()
                self._cond.wait(0.5 if wait is None else min(max(wait, 0.001), 0.5))
                continue
            ref = self._jobs.get(lease.ticket)
            job = ref() if ref is not None else None
            if job is None or job.stopped:
                self.scheduler.leave(lease.ticket)
                continue
            job.in_flight = True
            return lease, job
        return None

    def _dispatch(self, worker: Worker | None) -> None:
        while True:
            with self._cond:
                got = self._next()
                if got is None:
                    return
                lease, job = got
                trainer = job.trainer
                if job.live:
                    trainer.config = replace(trainer.config, **job.live)
            steps_before = trainer.step_count
            error = ""
            try:
                if worker is None:
                    raise WorkerError("no worker process")
                new, cpu = worker.run(job.id, trainer, lease.steps)
            except (WorkerError, OSError, EOFError, ValueError) as err:
                if worker is not None and not isinstance(err, WorkerError):
                    worker.stop()
                try:  # here instead: slower for everyone, never lost
                    new = pickle.loads(pickle.dumps(trainer))  # a copy, as through a worker's pipe
                    cpu = advance(new, lease.steps)
                except Exception as inner:  # a bug reaches the page as a message, not a dead thread
                    new, cpu, error = trainer, 0.0, f"{type(inner).__name__}: {inner}"
            with self._cond:
                if job.live:
                    new.config = replace(new.config, **job.live)
                job.trainer, job.in_flight, job.error = new, False, error
                self.chunks += 1
                self.worker_cpu_s += cpu
                steps = new.step_count - steps_before
                self.scheduler.finish(lease, steps=steps, cpu_s=cpu, done=job.finished or bool(error))
                if job.finished or error:
                    self._jobs.pop(job.id, None)
                    if worker is not None:
                        worker.forget(job.id)
                self._cond.notify_all()
            del got, job, trainer, new  # hold no session's job while waiting for the next lease


_service: TrainingService | None = None
_service_lock = threading.Lock()


def training_service() -> TrainingService:
    """This server process's training service (created on first use; its workers end with the server)."""
    global _service
    with _service_lock:
        if _service is None:
            import atexit

            _service = TrainingService()
            atexit.register(_service.close)
        return _service
