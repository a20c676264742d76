"""The Train page's sentence about the shared server: each case built where it flips."""

from __future__ import annotations

from visualizer.content.training_share import share_sentence, speed


def test_alone_says_only_the_speed():
    s = share_sentence("training", 1, 11.6)
    assert s == "Training at ~12 steps/s: you are the only one training on this server."
    assert "queue" not in s and "students" not in s


def test_a_second_student_makes_it_shared():
    s = share_sentence("training", 2, 4.25)
    assert s == "2 students are training on this server; you get ~4.2 steps/s."


def test_a_large_class_is_named_with_the_speed_it_gets():
    assert share_sentence("training", 42, 12.0) == "42 students are training on this server; you get ~12 steps/s."


def test_queued_gives_the_place_and_why_only_when_queued():
    s = share_sentence("queued", 40, 0.0, place=3, min_pace=2.0)
    assert "number 3 in the queue" in s and "40 students are training" in s and "2.0 steps/s" in s
    assert "next in line" in share_sentence("queued", 1, 0.0, place=1)
    assert "1 student is training" in share_sentence("queued", 1, 0.0, place=1)
    for state, n in (("training", 1), ("training", 40)):
        assert "queue" not in share_sentence(state, n, 10.0, place=None)


def test_before_the_first_chunk_no_speed_is_claimed():
    assert share_sentence("training", 1, 0.0, measured=False) == "Starting…"
    assert (
        share_sentence("training", 5, 0.0, measured=False)
        == "5 students are training on this server; yours is starting."
    )


def test_speed_rounds_by_size():
    assert [speed(x) for x in (0.05, 3.04, 9.96, 12.4)] == [
        "under 0.1 steps/s",
        "3.0 steps/s",
        "10.0 steps/s",
        "12 steps/s",
    ]
