"""The sentences about deep and bidirectional networks: each judgement computed, and tested where it flips."""

import numpy as np

from visualizer.content import deep_notes as dn
from visualizer.labs.explorer.deep_run import ModelMatch


def _norms(rows, T=4, dirs=1):
    """(L, dirs, T) from a list of per-row values at t = 1 and at t = T (the rest in between)."""
    out = np.ones((len(rows) // dirs, dirs, T))
    for i, (first, last) in enumerate(rows):
        out[i // dirs, i % dirs, 0] = first
        out[i // dirs, i % dirs, -1] = last
    return out


def test_which_layer_keeps_more_flips_with_the_numbers():
    top_wins = dn.kept_at_start(_norms([(1e-6, 1.0), (1e-3, 2.0)]), 1.0)
    bottom_wins = dn.kept_at_start(_norms([(1e-3, 1.0), (1e-6, 2.0)]), 1.0)
    assert top_wins.kind == "layer 2" and "layer 2 keeps the most" in top_wins.text
    assert bottom_wins.kind == "layer 1" and "layer 1 keeps the most" in bottom_wins.text
    assert "0.001" in top_wins.text and "1e-06" in top_wins.text


def test_kept_ties_single_zero_and_overflow():
    assert dn.kept_at_start(_norms([(0.5, 1.0), (0.5, 1.0)]), 1.0).kind == "tie"
    assert dn.kept_at_start(_norms([(0.5, 1.0)]), 1.0).kind == "single"
    zero = dn.kept_at_start(np.zeros((3, 2, 5)), -0.0)
    assert zero.kind == "zero" and "exactly 0" in zero.text
    assert dn.kept_at_start(np.full((2, 1, 3), np.inf), 1.0).kind == "none"
    # an overflowed row is the largest, not the smallest
    assert dn.kept_at_start(_norms([(np.inf, 1.0), (1.0, 1.0)]), 1.0).kind == "layer 1"


def test_direction_labels_and_every_row_listed_beyond_two():
    c = dn.kept_at_start(_norms([(1.0, 1), (2.0, 1), (3.0, 1), (4.0, 1)], dirs=2), 1.0)
    assert c.kind == "layer 2 ←" and "every row: layer 1 →" in c.text


def test_down_the_stack_shrinks_grows_or_stays():
    shrinks = dn.down_the_stack(_norms([(1, 0.25), (1, 1.0), (1, 4.0)]))
    grows = dn.down_the_stack(_norms([(1, 4.0), (1, 1.0), (1, 0.25)]))
    same = dn.down_the_stack(_norms([(1, 2.0), (1, 2.0)]))
    assert shrinks.kind == "shrinks" and "×0.0625 in all" in shrinks.text and "×0.25 per layer" in shrinks.text
    assert grows.kind == "grows" and "×16 in all" in grows.text and "×4 per layer" in grows.text
    assert same.kind == "same"
    assert dn.down_the_stack(_norms([(1, 2.0)])).kind == "single"
    assert dn.down_the_stack(_norms([(1, 2.0), (1, 0.0)])).kind == "none"


def test_the_top_backward_row_is_called_silent_only_when_it_is():
    n = np.ones((2, 2, 4))
    assert dn.top_backward_silent(n) is None
    n[-1, 1, :-1] = 0.0
    assert "Layer 2 ← is 0 before t = T" in dn.top_backward_silent(n)
    assert dn.top_backward_silent(np.zeros((2, 1, 4))) is None  # one direction: nothing to say


def test_model_notice_names_what_was_asked_and_what_is_shown():
    exact = ModelMatch("rnn-words", True, "rnn", 1, False, ("rnn", 1, False))
    assert dn.model_notice(exact, "words") is None
    near = ModelMatch("lstm-words", False, "lstm", 1, False, ("lstm", 3, True))
    text = dn.model_notice(near, "words")
    assert "No story model is a LSTM with 3 layers, bidirectional reading words" in text
    assert "“lstm-words” (LSTM with 1 layer)" in text and "none is bidirectional" in text


def test_leak_note_only_for_two_directions():
    assert dn.leak_note(False) is None
    assert "x_{t+1}" in dn.leak_note(True)


def test_how_to_read_names_the_weights_and_cites_the_papers():
    text = dn.depth_how_to_read(False, True)
    assert "hand-edited W_hh applies to the chart above only" in text
    assert "Graves, Mohamed & Hinton (2013)" in text and "Schuster & Paliwal (1997)" in text
    assert "one row" in dn.depth_how_to_read(True, False)
