"""Worker processes: where training chunks and the proof of memory are computed, off the server's interpreter.

A `Worker` is one process with a pipe. The server sends it a chunk: a trainer's state *without* its
corpus and held-out ids (sent once per ticket and kept in the worker: ~0.6 MB of story per chunk
would otherwise cost more than the steps), and the number of steps; the worker advances the
trainer with the same code as in the server (bit-identical: the same NumPy calls on the same
arrays, one BLAS thread everywhere, see visualizer/__init__.py), and sends the state back with
the CPU seconds it used. Workers are the same for every ticket; any worker can run any ticket.

`ProofWorkers` run the heavier per-student maths (the proof of memory after Stop) in their own
process at a lower priority (nice), so a class pressing Stop together neither stalls pages nor
delays anyone's training: the proofs take what CPU is left and are shown when ready.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import multiprocessing
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from visualizer.labs.training.train import Trainer

STATIC_FIELDS = ("corpus", "heldout")  # never change during a run: sent once per ticket per worker
STATICS_KEPT = 256  # tickets whose statics a worker keeps (least recently used dropped first)
CHUNK_TIMEOUT_S = 120.0
PROOF_NICE = 10


def split_state(trainer: Trainer) -> tuple[dict[str, Any], dict[str, Any]]:
    """(what changes every step, what is fixed for the run) of a trainer, without its scratch buffers."""
    state = trainer.__getstate__()
    statics = {k: state.pop(k) for k in STATIC_FIELDS}
    return state, statics


def join_state(state: dict[str, Any], statics: dict[str, Any]) -> Trainer:
    """The trainer that split_state took apart (a new object)."""
    trainer = Trainer.__new__(Trainer)
    trainer.__dict__.update(state, **statics)
    return trainer


def advance(trainer: Trainer, steps: int) -> float:
    """Train `steps` steps here; returns the CPU seconds it took (this thread's)."""
    t0 = time.thread_time()
    trainer.train(steps)
    return time.thread_time() - t0


# ---------------------------------------------------------------------------- the worker's side


def _serve(conn) -> None:  # pragma: no cover - runs in the child process (covered by the service tests)
    """The worker's loop: ('train', ticket, state, statics | None, steps) -> ('ok', state, cpu) | ('missing',)."""
    kept: OrderedDict[int, dict[str, Any]] = OrderedDict()
    kernels: dict[int, Any] = {}
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        kind = msg[0]
        if kind == "train":
            _, ticket, state, statics, steps = msg
            if statics is not None:
                kept[ticket] = statics
            if ticket not in kept:
                conn.send(("missing",))
                continue
            kept.move_to_end(ticket)
            while len(kept) > STATICS_KEPT:
                old, _ = kept.popitem(last=False)
                kernels.pop(old, None)
            trainer = join_state(state, kept[ticket])
            trainer._kernel = kernels.get(ticket)  # the fast kernel's buffers, reused between chunks
            try:
                cpu = advance(trainer, steps)
            except Exception as err:  # a bug must reach the page as a message, not kill the worker
                conn.send(("error", f"{type(err).__name__}: {err}"))
                continue
            kernels[ticket] = trainer._kernel
            conn.send(("ok", split_state(trainer)[0], cpu))
        elif kind == "forget":
            kept.pop(msg[1], None)
            kernels.pop(msg[1], None)
        elif kind == "ping":
            conn.send(("ok", os.getpid()))


class WorkerError(RuntimeError):
    """A worker failed a chunk (its message says why)."""


class Worker:
    """One worker process and its pipe; `run` is called by one dispatcher thread at a time."""

    def __init__(self) -> None:
        self._proc: Any = None
        self._conn: Any = None
        self._sent: set[int] = set()  # tickets whose statics this worker holds
        self._starting = threading.Lock()  # warm() and the first chunk may both start it: one process

    def start(self) -> None:
        with self._starting:
            if self._proc is not None and self._proc.is_alive():
                return
            ctx = multiprocessing.get_context("spawn")
            here, there = ctx.Pipe()
            proc = ctx.Process(target=_serve, args=(there,), daemon=True, name="rnnvis-trainer")
            proc.start()
            there.close()
            self._proc, self._conn, self._sent = proc, here, set()

    def pid(self) -> int:
        self.start()
        self._conn.send(("ping",))
        return self._conn.recv()[1]

    def run(self, ticket: int, trainer: Trainer, steps: int) -> tuple[Trainer, float]:
        """(the trainer advanced by `steps` steps, CPU seconds used) computed in this worker."""
        self.start()
        state, statics = split_state(trainer)
        for _ in range(2):
            self._conn.send(("train", ticket, state, None if ticket in self._sent else statics, steps))
            if not self._conn.poll(CHUNK_TIMEOUT_S):
                self.stop()
                raise WorkerError("a training chunk took longer than two minutes")
            reply = self._conn.recv()
            if reply[0] == "ok":
                self._sent.add(ticket)
                return join_state(reply[1], statics), reply[2]
            if reply[0] == "error":
                raise WorkerError(reply[1])
            self._sent.discard(ticket)  # "missing": the worker dropped them; send them again
        raise WorkerError("the worker lost the training text twice")

    def forget(self, ticket: int) -> None:
        if ticket in self._sent and self._conn is not None:
            self._sent.discard(ticket)
            with contextlib.suppress(OSError, ValueError):
                self._conn.send(("forget", ticket))

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if proc is not None and proc.is_alive():
            proc.terminate()


# ---------------------------------------------------------------------------- the proof of memory, niced


def _exit_with_parent(parent: int) -> None:  # pragma: no cover - runs in the child process
    """End this worker when the server that started it is gone (a killed server must not leave proofs running)."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def _proof_worker_init(parent: int) -> None:  # pragma: no cover - runs in the child process
    with contextlib.suppress(OSError):
        os.nice(PROOF_NICE)
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()


class ProofWorkers:
    """A niced process for per-student maths that may take a second (the proof of memory).

    `submit` returns a future at once; `call` waits. When no process can be used the work runs in
    the calling thread instead: slower for everyone, never lost.
    """

    def __init__(self, workers: int = 1):
        self.workers = workers
        self._executor: concurrent.futures.ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def _pool(self) -> concurrent.futures.ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = concurrent.futures.ProcessPoolExecutor(
                    self.workers,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_proof_worker_init,
                    initargs=(os.getpid(),),
                )
            return self._executor

    def submit(self, fn: Callable[..., Any], *args: Any) -> concurrent.futures.Future:
        try:
            return self._pool().submit(fn, *args)
        except (concurrent.futures.process.BrokenProcessPool, OSError, RuntimeError):
            self.shutdown()
            done: concurrent.futures.Future = concurrent.futures.Future()
            try:
                done.set_result(fn(*args))
            except Exception as err:
                done.set_exception(err)
            return done

    def call(self, fn: Callable[..., Any], *args: Any) -> Any:
        try:
            return self.submit(fn, *args).result(timeout=CHUNK_TIMEOUT_S)
        except (concurrent.futures.process.BrokenProcessPool, TimeoutError):
            self.shutdown()
            return fn(*args)

    def warm(self) -> None:
        self.submit(os.getpid)

    def shutdown(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)
