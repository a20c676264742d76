"""The training service: jobs trained in background worker processes, shared fairly, stopped within a chunk."""

from __future__ import annotations

import gc
import pickle
import time

import numpy as np
import pytest

from visualizer.data import corpus as corpus_module
from visualizer.labs.training import train
from visualizer.serving import service as service_module
from visualizer.serving.service import TrainingService, default_workers
from visualizer.serving.workers import ProofWorkers, Worker, join_state, split_state


@pytest.fixture(scope="module")
def corpus():
    return corpus_module.build_corpus(corpus_module.default_corpus(), "chars")


def small(corpus, seed=0) -> train.Trainer:
    return train.Trainer(corpus, train.TrainConfig(hidden=16, window=8, batch=4, seed=seed))


@pytest.fixture(scope="module")
def service():
    s = TrainingService(1)
    yield s
    s.close()


def wait_until(cond, timeout=60.0):
    """Poll `cond` until true (the background threads train in real time)."""
    end = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.02)


def same_numbers(a: train.Trainer, b: train.Trainer) -> None:
    for name, value in a.params.as_dict().items():
        np.testing.assert_array_equal(value, b.params.as_dict()[name])
    assert a.losses.values == b.losses.values and a.watch.values == b.watch.values
    np.testing.assert_array_equal(a.positions, b.positions)
    np.testing.assert_array_equal(a.state, b.state)


def test_a_trainer_split_for_the_pipe_comes_back_whole(corpus):
    t = small(corpus)
    t.train(3)
    state, statics = split_state(t)
    assert "corpus" not in state and state["_kernel"] is None and statics["corpus"] is t.corpus
    back = join_state(pickle.loads(pickle.dumps(state)), statics)  # as through the pipe
    back.train(5)
    t.train(5)
    same_numbers(back, t)


def test_training_in_a_worker_process_is_bit_identical_to_training_here(corpus):
    here, there = small(corpus), small(corpus)
    here.train(60)
    w = Worker()
    try:
        for steps in (3, 40, 17):  # chunks of any size, the text sent once
            there, cpu = w.run(7, there, steps)
            assert cpu >= 0
        assert w.pid() != __import__("os").getpid()
    finally:
        w.stop()
    assert there.step_count == 60
    same_numbers(there, here)


def test_a_job_trains_in_the_background_and_stop_keeps_exactly_the_steps_trained(service, corpus):
    job = service.start(small(corpus), until_step=10**6, pace=None)
    wait_until(lambda: job.trainer.step_count >= 50)
    share = service.share(job)
    assert share.state == "training" and share.training >= 1
    t0 = time.monotonic()
    stopped = service.stop(job)
    assert time.monotonic() - t0 < 0.5  # at most the chunk in flight
    steps = stopped.step_count
    time.sleep(0.3)
    assert job.trainer is stopped and job.trainer.step_count == steps  # nothing trains after Stop
    assert stopped.losses.steps[-1] == steps  # the loss curve ends at the step shown
    reference = small(corpus)
    reference.train(steps)
    same_numbers(stopped, reference)  # chunked in a worker = one go here, curves included


def test_two_jobs_progress_at_once_and_a_paced_one_keeps_its_pace(service, corpus):
    fast = service.start(small(corpus, seed=1), until_step=10**6, pace=None)
    paced = service.start(small(corpus, seed=2), until_step=10**6, pace=10.0)
    wait_until(lambda: paced.trainer.step_count >= 3 and fast.trainer.step_count >= 3)
    t0, p0, f0 = time.monotonic(), paced.trainer.step_count, fast.trainer.step_count
    time.sleep(2.0)
    elapsed = time.monotonic() - t0
    assert (paced.trainer.step_count - p0) / elapsed == pytest.approx(10.0, abs=4.0)
    assert fast.trainer.step_count - f0 > 10 * (paced.trainer.step_count - p0)  # the fast one takes the rest
    assert service.share(paced).steps_per_s > 0
    service.stop(fast)
    service.stop(paced)
    assert service.counts() == (0, 0)


def test_the_click_that_starts_a_job_can_wait_for_its_first_chunk(service, corpus):
    job = service.start(small(corpus), until_step=10**6, pace=10.0)
    assert service.first_chunk(job, timeout=60) and job.trainer.step_count > 0
    stopped = service.stop(job)
    assert not service.first_chunk(job, timeout=0.05) and job.trainer is stopped  # nothing comes after Stop


def test_a_run_ends_at_its_last_step(service, corpus):
    job = service.start(small(corpus), until_step=30, pace=None)
    wait_until(lambda: job.finished)
    assert job.trainer.step_count == 30
    wait_until(lambda: service.counts() == (0, 0), timeout=5)


def test_live_settings_reach_the_running_model(service, corpus):
    job = service.start(small(corpus), until_step=10**6, pace=10.0)
    service.set_live(job, pace=None, lr=0.123)
    wait_until(lambda: job.trainer.config.lr == 0.123)
    assert job.pace is None
    service.stop(job)


def test_a_job_dropped_with_its_session_leaves_the_schedule(service, corpus):
    jobs = [service.start(small(corpus), until_step=10**6, pace=10.0)]  # the session's state
    wait_until(lambda: jobs[0].trainer.step_count > 0)
    jobs.clear()  # the session is dropped with its state
    gc.collect()
    wait_until(lambda: service.counts() == (0, 0), timeout=5)


def test_without_worker_processes_chunks_run_in_the_thread(corpus):
    s = TrainingService(1, processes=False)
    try:
        job = s.start(small(corpus), until_step=20, pace=None)
        wait_until(lambda: job.finished)
        assert job.trainer.step_count == 20 and not job.error
    finally:
        s.close()


def test_a_chunk_that_fails_ends_the_job_with_its_message_and_it_does_not_rejoin(corpus):
    s = TrainingService(1, processes=False)
    try:
        broken = small(corpus)
        broken.params = None  # any bug inside a training step
        job = s.start(broken, until_step=100, pace=None)
        wait_until(lambda: bool(job.error))
        assert "AttributeError" in job.error and job.trainer.step_count == 0
        wait_until(lambda: s.counts() == (0, 0), timeout=5)
        assert s.share(job).state == "gone" and s.counts() == (0, 0)  # not put back to fail again
    finally:
        s.close()


def test_default_workers_leave_a_core_to_the_server(monkeypatch):
    monkeypatch.delenv("RNNVIS_TRAINERS", raising=False)
    monkeypatch.setattr(service_module, "usable_cores", lambda: 2)
    assert default_workers() == 1
    monkeypatch.setattr(service_module, "usable_cores", lambda: 8)
    assert default_workers() == 7
    monkeypatch.setenv("RNNVIS_TRAINERS", "3")
    assert default_workers() == 3


def test_proof_workers_answer_in_another_process_and_in_the_background():
    p = ProofWorkers()
    try:
        future = p.submit(__import__("os").getpid)
        assert future.result(timeout=60) != __import__("os").getpid()
        assert p.call(abs, -3) == 3
    finally:
        p.shutdown()
