"""The sequential limit: what is measured (the time to the output at T) and the caption's computed words."""

from __future__ import annotations

import pytest

from visualizer.content import seqlimit_notes
from visualizer.labs.long_lags import seqlimit


def test_measure_times_the_layers_output_at_t_alone_and_counts_sequential_steps():
    t = seqlimit.measure((4, 8), hidden=4, repeats=1)
    assert len(t.last_seconds) == 2 and all(s > 0 for s in t.last_seconds)
    assert t.sequential_steps == {"rnn": (4, 8), "positionwise": (1, 1)}


def _timing(last: tuple[float, ...]) -> seqlimit.Timing:
    lengths = (16, 1024)
    return seqlimit.Timing(lengths, (1.6e-4, 1.024e-2), (2e-5, 1.3e-3), 64, last)


@pytest.mark.parametrize(
    "last,flat",
    [
        ((2e-6, 2e-6), True),
        ((2e-6, 3.9e-6), True),  # inside the timer's noise
        ((2e-6, 5e-6), False),  # beyond it: said so, not called flat
        ((5e-6, 2e-6), False),
    ],
)
def test_caption_calls_the_layer_flat_only_within_the_stated_factor(last, flat):
    text = seqlimit_notes.timing_caption(_timing(last))
    assert ("stayed flat" in text) is flat and ("the machine was busy" in text) is not flat
    assert "×64" in text and "grew ×64" in text  # T grew x64, the RNN's time x64: from the numbers
    assert "no memory" in text and "cannot depend" in text
