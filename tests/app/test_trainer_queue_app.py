"""AppTest: two sessions press Train on a server with one trainer — the second waits in the queue."""

from __future__ import annotations

import pytest

from tests.app.test_train_app import button, open_train, start
from visualizer.ui import trainer_turn


@pytest.fixture
def one_trainer(monkeypatch):
    """A fresh pool of one slot for this test (the pool is one per process)."""
    monkeypatch.setenv("RNNVIS_TRAINERS", "1")
    trainer_turn.trainer_pool.clear()
    yield trainer_turn.trainer_pool()
    trainer_turn.trainer_pool.clear()


def _waiting(at) -> list[str]:
    return [i.value for i in at.info if "Waiting for a free trainer" in i.value]


def test_second_session_queues_then_trains_when_the_first_stops(one_trainer):
    first, second = open_train(), open_train()
    start(first)
    assert first.session_state["trainer"].step_count > 0 and not _waiting(first)
    start(second)
    assert not second.exception
    assert _waiting(second) and "next in line" in _waiting(second)[0]
    assert second.session_state["trainer"].step_count == 0  # nothing trained while queued
    assert one_trainer.counts() == (1, 1)

    button(first, "Stop").click().run()  # the trainer goes to the next in line
    assert one_trainer.counts() == (1, 0)
    second.run()
    assert not _waiting(second) and second.session_state["trainer"].step_count > 0


def test_stop_while_queued_leaves_the_queue(one_trainer):
    first, second = open_train(), open_train()
    start(first)
    start(second)
    assert one_trainer.counts() == (1, 1)
    button(second, "Stop").click().run()
    assert one_trainer.counts() == (1, 0) and not _waiting(second)
    button(first, "Reset").click().run()
    assert one_trainer.counts() == (0, 0)
