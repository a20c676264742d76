"""The Train-page load driver's pure parts: reading progress and queue texts, summaries."""

from __future__ import annotations

import math

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from tools import loadtest_train as lt


def test_progress_and_queue_texts_are_read():
    assert lt.progress_step("Training: step 1,234 (200 of 2,000 this run)") == 1234
    assert lt.progress_step("no progress here") is None
    assert lt.queue_ahead("Waiting for a free trainer — 3 ahead. Stop leaves the queue.") == 3
    assert lt.queue_ahead("waiting for a free trainer — next in line") == 0
    assert lt.queue_ahead("Training: step 5") is None


def test_train_button_is_recognised():
    assert lt.is_train_button("Train") and lt.is_train_button("Resume") and lt.is_train_button("Train from scratch")
    assert not lt.is_train_button("Start from the trained model") and not lt.is_train_button("Stop")


def test_messages_fold_into_what_a_run_showed():
    seen = lt.RunSeen()
    msg = ForwardMsg()
    msg.auto_rerun.interval, msg.auto_rerun.fragment_id = 0.5, "frag"
    lt.inspect_message(msg, seen)
    msg = ForwardMsg()
    msg.delta.new_element.progress.text = "Training: step 40 (40 of 2,000 this run)"
    lt.inspect_message(msg, seen)
    msg = ForwardMsg()
    msg.delta.new_element.alert.body = "Waiting for a free trainer — 2 ahead"
    lt.inspect_message(msg, seen)
    msg = ForwardMsg()
    msg.delta.new_element.alert.body, msg.delta.new_element.alert.format = "boom", 1
    lt.inspect_message(msg, seen)
    assert seen.auto == {"frag": 0.5} and seen.step == 40 and seen.ahead == 2
    assert seen.errors == ["error message: boom"]


def test_steps_per_second_and_summary():
    a = lt.TrainerResult(0, first_feedback_ms=300, steps=[(0.5, 10), (2.5, 110)])
    b = lt.TrainerResult(1, first_feedback_ms=2500, queue_positions=[3, 2, 1])
    assert a.steps_per_s == 50 and math.isnan(b.steps_per_s)
    row = lt.summarize_trainers([a, b])
    assert row["trainers"] == 2 and row["trainers_feedback_in_time"] == 1
    assert row["trainers_progressed"] == 1 and row["trainers_queued"] == 1 and row["trainer_queue_max_ahead"] == 3
    assert row["trainer_steps_per_s_median"] == 50
