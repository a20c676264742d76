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


def test_loss_speed_and_queue_place_of_the_shared_server_are_read():
    assert lt.caption_loss("Step 40 · 16,000 tokens read · loss 3.210 nats per token · gradient") == 3.21
    assert lt.caption_loss("Step 40") is None
    text = "Step 40 · 16,000 tokens read · loss 3.210 nats per token (4.094 at step 1) · gradient"
    assert lt.caption_loss(text) == 3.21 and lt.caption_first_loss(text) == 4.094
    assert lt.caption_first_loss("Step 40 · loss 3.210 nats per token · gradient") is None
    assert lt.said_rate("42 students are training on this server; you get ~12 steps/s.") == 12.0
    assert lt.said_rate("Training at ~9.5 steps/s: you are the only one training on this server.") == 9.5
    assert lt.said_rate("Starting…") is None
    assert lt.queue_ahead("The server is full: … You are number 3 in the queue; your training starts by itself.") == 2
    assert lt.queue_ahead("The server is full: … You are next in line; your training starts by itself.") == 0
    assert lt.queue_ahead("2 students are training on this server; you get ~12 steps/s.") is None


def test_after_stop_the_caption_gives_the_step_and_the_summary_judges_fairness_and_stop():
    seen = lt.RunSeen()
    msg = ForwardMsg()
    msg.delta.new_element.markdown.body = "Step 1,234 · 5,000 tokens read · loss 2.500 nats per token"
    lt.inspect_message(msg, seen)
    assert seen.step == 1234 and seen.loss == 2.5
    a = lt.TrainerResult(0, first_progress_ms=400, loss_fall_ms=900, steps=[(1, 10), (11, 110)], stop_ms=200)
    a.stop_step = a.after_stop_step = 110
    b = lt.TrainerResult(1, first_progress_ms=600, loss_fall_ms=6000, steps=[(1, 10), (11, 60)], stop_ms=400)
    b.stop_step, b.after_stop_step = 60, 64  # trained after Stop: not exact
    row = lt.summarize_trainers([a, b])
    assert row["trainers_loss_fell_within_5s"] == 1 and row["trainer_first_progress_max_ms"] == 600
    assert row["trainer_steps_per_student"] == [110, 60] and row["trainer_fastest_over_slowest"] == 2.0
    assert row["trainer_steps_max_dev_from_mean"] == round(25 / 85, 3)
    assert row["trainers_stopped_exactly"] == 1 and row["trainer_stop_max_ms"] == 400


def test_a_run_that_reached_its_length_is_timed_until_it_did():
    r = lt.TrainerResult(0, steps=[(1.0, 0), (2.0, 1000), (3.0, 2000), (30.0, 2000), (60.0, 2000)])
    assert r.steps_per_s == 1000.0  # not 2000 / 59 s
