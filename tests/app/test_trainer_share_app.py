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
