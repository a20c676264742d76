"""AppTest: two sessions train at once, both progress, and each page says the server is shared."""

from __future__ import annotations

from tests.app.test_train_app import button, open_train, rerun_until, start, trained
from visualizer.ui import trainer_turn


def _sentence(at) -> str:
    return next((c.value for c in at.caption if "training on this server" in c.value), "")


def test_two_sessions_train_at_once_and_both_progress():
    first, second = open_train(), open_train()  # "fast": each takes what its share allows
    start(first)
    start(second)
    assert trainer_turn.service().counts() == (2, 0)  # both train; nobody queues
    a, b = trained(first), trained(second)
    rerun_until(first, lambda at: trained(at) > a + 100)
    rerun_until(second, lambda at: trained(at) > b + 100)
    for at in (first, second):
        assert not at.exception and not [i for i in at.info if "queue" in i.value]  # no queue place
        rerun_until(at, lambda at: "you get ~" in _sentence(at))
        assert _sentence(at).startswith("2 students are training on this server; you get ~")

    button(first, "Stop").click().run()
    assert trainer_turn.service().counts() == (1, 0)  # its share is released at once
    rerun_until(second, lambda at: "you are the only one training" in _sentence(at))
    stopped, going = trained(first), trained(second)
    rerun_until(second, lambda at: trained(at) > going + 50)  # the other one trains on
    first.run()
    assert trained(first) == stopped  # the stopped one stays stopped
    button(second, "Stop").click().run()
    assert trainer_turn.service().counts() == (0, 0)


def test_a_second_student_queues_only_when_the_server_cannot_give_both_the_slowest_pace(monkeypatch):
    """Admission control: with a slowest useful pace no worker can give two students (here 10,000 steps/s),
    the second waits, is told its place and why (the pace named is the scheduler's own), and Stop leaves
    the queue. The first student always trains."""
    monkeypatch.setattr(trainer_turn.service().scheduler, "min_pace", 10_000.0)
    first, second = open_train(), open_train()
    start(first)
    button(second, "Train").click().run()
    (notice,) = [i.value for i in second.info if "The server is full" in i.value]
    assert "You are next in line" in notice and "1 student is training" in notice and "10000 steps/s" in notice
    assert trainer_turn.service().counts() == (1, 1) and trained(second) == 0
    assert not second.get("progress")  # no progress bar while queued
    assert not [i for i in first.info if "queue" in i.value]  # the one training is never told of a queue
    button(second, "Stop").click().run()
    assert trainer_turn.service().counts() == (1, 0)
    assert not [i for i in second.info if "The server is full" in i.value]
    button(first, "Stop").click().run()


def test_stop_does_not_wait_for_the_proof_of_memory_which_is_shown_when_ready(monkeypatch):
    """The proof is measured in the background after Stop: Stop's own run only says it is coming; the
    metrics appear on a later run, once the proof worker has answered."""
    from concurrent.futures import Future

    from visualizer.labs.memory_proof import proof
    from visualizer.ui import memory as memory_views

    pending: list[tuple[Future, tuple]] = []

    class SlowProofs:  # a proof worker that answers only when the test says so
        def submit(self, fn, *args):
            future: Future = Future()
            pending.append((future, (fn, *args)))
            return future

    memory_views._measuring().clear()
    monkeypatch.setattr(memory_views, "proof_workers", lambda: SlowProofs())
    at = open_train({"tstart": "story", "level": "words"})
    start(at)  # a long run: it is still training when Stop is pressed
    button(at, "Stop").click().run()
    assert not at.exception and not at.session_state["train_running"]
    assert any("Measuring what the model remembers" in c.value for c in at.caption)
    assert not at.metric and len(pending) == 1  # asked once, not computed in Stop's run
    future, (fn, model) = pending[0]
    assert fn is proof.measure
    future.set_result(proof.measure(model))  # the worker answers
    at.run()
    assert "Contrast prompts answered right" in [m.label for m in at.metric]
    memory_views._measuring().clear()
