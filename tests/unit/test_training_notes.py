"""The loss-spike note says what the spike's numbers say: exploding or not, clipping on, off, or not acting."""

from __future__ import annotations

import math

import pytest

from visualizer.content import training_notes
from visualizer.labs.training.train import Spike


def _spike(prev: float, typical: float = 1.0, clip_on: bool = True, clipnorm: float = 5.0) -> Spike:
    return Spike(
        step=120,
        before=2.0,
        loss=3.5,
        grad_norm=prev,
        clipped=False,
        prev_norm=prev,
        typical_norm=typical,
        clip_on=clip_on,
        clipnorm=clipnorm,
    )


@pytest.mark.parametrize(
    "prev,typical,exploding",
    [(4.9, 1.0, False), (5.0, 1.0, True), (0.839, 0.7, False), (math.nan, 1.0, False), (3.0, 0.0, False)],
)
def test_exploding_flips_at_five_times_the_usual_gradient(prev, typical, exploding):
    assert training_notes.exploded(_spike(prev, typical)) is exploding
    note = training_notes.spike_note(_spike(prev, typical))
    assert ("not an exploding gradient" in note) is not exploding


@pytest.mark.parametrize(
    "prev,clip_on,clipnorm,expected",
    [
        (40.0, False, 5.0, "Clipping was off"),
        (40.0, True, 5.0, "scaled that gradient down to norm 5"),
        (8.0, True, 10.0, "did not act: the gradient was below the cap"),
    ],
)
def test_what_clipping_did_is_read_from_the_numbers(prev, clip_on, clipnorm, expected):
    note = training_notes.spike_note(_spike(prev, 1.0, clip_on, clipnorm))
    assert expected in note
    assert f"{prev / 1.0:.0f} times the usual size" in note


def test_the_reported_case_clipping_on_and_a_small_gradient():
    """Clipping on at norm 5, a spike after a gradient of norm 0.839: neither "clipping was off" nor "exploding"."""
    note = training_notes.spike_note(_spike(0.839, 0.8, clip_on=True, clipnorm=5.0))
    assert "Clipping was off" not in note and "not an exploding gradient" in note and "0.839" in note


def test_a_trainer_records_the_update_that_led_to_the_spike():
    import numpy as np

    from visualizer.data import corpus
    from visualizer.labs.training import train

    c = corpus.build_corpus(corpus.default_corpus(), "words")
    t = train.Trainer(c, train.TrainConfig(level="words", hidden=16, window=8, batch=4, lr=0.01, clip=False))
    norms = [r.grad_norm for r in t.train(train.SPIKE_WINDOW + 5)]
    p = t.params.as_dict()  # throw the weights far away: the next loss is far above the recent mean
    t.params = type(t.params)(**{k: v * (40.0 if k == "W_hy" else 1.0) for k, v in p.items()})
    t.train(1)
    (spike,) = t.spikes
    assert spike.prev_norm == pytest.approx(norms[-1]) and spike.clip_on is False
    assert spike.typical_norm == pytest.approx(float(np.median(norms[-train.SPIKE_WINDOW : -1])))
    # the weights were thrown by hand, not by a large gradient: the note must not blame an exploding gradient
    assert "not an exploding gradient" in training_notes.spike_note(spike)
