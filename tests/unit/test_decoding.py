"""Decoding the encoder–decoder: teacher forcing vs free running, the first mistake, greedy vs beam search."""

from dataclasses import replace
from functools import cache

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from visualizer.data.encoding import Vocab
from visualizer.labs.sequences import decoding, seqnets, seqtasks
from visualizer.labs.sequences.seqnets import END, START


@cache
def shipped(attend: bool):
    return seqtasks.load_shipped("encoder_decoder", attend).model


@cache
def words_in() -> tuple[str, ...]:
    return tuple(w for w in shipped(True).vocab_in.tokens if not w.startswith("<"))


# ---------------------------------------------------------------------------- the first mistake


@pytest.mark.parametrize(
    "written,reference,first",
    [
        ([1, 2, 3], [1, 2, 3], None),
        ([1, 5, 3], [1, 2, 3], 1),
        ([9, 2, 3], [1, 2, 3], 0),
        ([1, 2], [1, 2, 3], 2),  # stopped early: the missing word is the mistake
        ([1, 2, 3, 4], [1, 2, 3], 3),  # went on past the reference
    ],
)
def test_first_mistake_on_constructed_cases(written, reference, first):
    assert decoding.first_mistake(written, reference) == first


@given(st.lists(st.integers(0, 5), min_size=1, max_size=12), st.data())
def test_first_mistake_is_where_a_change_was_made(reference, data):
    k = data.draw(st.integers(0, len(reference) - 1))
    written = list(reference)
    written[k] = reference[k] + 1 + data.draw(st.integers(0, 3))  # a different word at k, the rest unchanged
    assert decoding.first_mistake(written, reference) == k
    assert decoding.mistakes(written, reference) == (k,)


def _chain_model():
    """A decoder that writes a function of the word it reads: <start> -> a, a -> b, b -> <end>, <end> -> a.

    W_hh = 0 and a large W_xh make h_t a sign pattern of the word read; W_hy maps it to the next word."""
    vin, vout = Vocab(("x", "<unk>")), Vocab((START, END, "a", "b"))
    model = seqnets.init_model("encoder_decoder", vin, vout, 4, seed=0)
    nxt = {0: 2, 2: 3, 3: 1, 1: 2}  # read id -> written id
    W_xh = 10.0 * np.eye(4)  # unit i lights up when word i is read
    W_hy = np.full((4, 4), -10.0)
    for read, write in nxt.items():
        W_hy[write, read] = 10.0
    dec = replace(model.dec, W_hh=np.zeros((4, 4)), W_xh=W_xh, W_hy=W_hy, b_h=np.zeros(4), b_y=np.zeros(4))
    return replace(model, dec=dec)


def test_a_mistake_read_back_in_is_where_free_running_and_teacher_forcing_part():
    """Reference "a a <end>": teacher-forced, step 2 reads the true "a" and writes "b" (wrong), step 3 reads the
    true "a" again and writes "b" (wrong). Free running writes "a b <end>": one mistake, at step 2, and step 3 is
    right because it read its own "b"."""
    m = _chain_model()
    ref = m.vocab_out.encode(["a", "a", END])
    c = decoding.compare(m, np.array([0]), ref)
    assert m.vocab_out.decode(list(c.forced.writes)) == ["a", "b", "b"]
    assert m.vocab_out.decode(list(c.free.writes)) == ["a", "b", END]
    assert m.vocab_out.decode(list(c.forced.reads)) == [START, "a", "a"]
    assert m.vocab_out.decode(list(c.free.reads)) == [START, "a", "b"]
    assert c.forced_mistakes == (1, 2) and c.free_mistakes == (1,)
    assert c.first_free_mistake == 1 and c.propagated == ()


def test_a_propagated_mistake_is_counted():
    """Reference "b <end>": teacher-forced, step 1 writes "a" (wrong) but step 2 reads the true "b" and writes
    <end> (right). Running free, step 2 reads its own wrong "a" and writes "b", step 3 writes <end>: the first
    mistake made the two after it."""
    m = _chain_model()
    c = decoding.compare(m, np.array([0]), m.vocab_out.encode(["b", END]))
    assert c.forced_mistakes == (0,)
    assert m.vocab_out.decode(list(c.free.writes)) == ["a", "b", END]
    assert c.first_free_mistake == 0 and c.free_mistakes == (0, 1, 2)
    assert c.propagated == (1, 2)  # wrong running free, right when it read the true word


def test_the_shipped_translator_has_a_held_out_sentence_where_running_free_errs():
    m = shipped(True)
    wrong = []
    for ex in seqtasks.load_dataset("encoder_decoder").test:
        src, ref = m.vocab_in.encode(list(ex.src), unknown="unk"), m.vocab_out.encode([*ex.tgt, END])
        if decoding.compare(m, src, ref).first_free_mistake is not None:
            wrong.append(ex)
    assert wrong  # the page's default sentence exists


# ---------------------------------------------------------------------------- beam search


sentences = st.lists(st.sampled_from(range(200)), min_size=1, max_size=8)


def _src(model, picks) -> np.ndarray:
    ws = words_in()
    return model.vocab_in.encode([ws[i % len(ws)] for i in picks], unknown="unk")


@settings(max_examples=25, deadline=None)
@given(sentences, st.booleans())
def test_width_one_is_greedy(picks, attend):
    m = shipped(attend)
    src = _src(m, picks)
    beam = decoding.beam_search(m, src, 1)
    greedy = seqnets.run(m, src, max_len=decoding.MAX_DECODE).out_ids
    assert list(beam.best) == [int(i) for i in greedy]
    assert all(len(level) == 1 for level in beam.levels)


@settings(max_examples=25, deadline=None)
@given(sentences, st.booleans())
def test_a_wider_beam_never_scores_lower(picks, attend):
    m = shipped(attend)
    src = _src(m, picks)
    scores = [decoding.beam_search(m, src, k).best_score for k in range(1, decoding.MAX_WIDTH + 1)]
    assert all(b >= a - 1e-9 for a, b in zip(scores, scores[1:])), scores


@settings(max_examples=15, deadline=None)
@given(sentences, st.integers(1, decoding.MAX_WIDTH))
def test_the_beams_score_is_the_models_log_probability_of_its_answer(picks, width):
    m = shipped(True)
    src = _src(m, picks)
    beam = decoding.beam_search(m, src, width)
    assert beam.best_score == pytest.approx(decoding.sequence_logprob(m, src, beam.best), abs=1e-9)
    for level in beam.levels:
        assert 1 <= len(level) <= width
        assert [n.score for n in level] == sorted((n.score for n in level), reverse=True)
    # the best path runs from step 1 to the last level through parents
    for (t, i), (t2, j) in zip(beam.best_path, beam.best_path[1:]):
        assert t2 == t + 1 and beam.levels[t2 - 1][j].parent == i


def test_beam_width_is_bounded():
    m = shipped(True)
    with pytest.raises(ValueError, match="between 1 and"):
        decoding.beam_search(m, np.array([0]), decoding.MAX_WIDTH + 1)


def test_beam_search_on_a_constructed_case_beats_greedy():
    """A decoder whose first step slightly prefers "a" (then unsure) over "b" (then sure of <end>): greedy takes
    "a"; a beam of 2 keeps "b" and finds the more probable translation."""
    vin, vout = Vocab(("x", "<unk>")), Vocab((START, END, "a", "b"))
    m = seqnets.init_model("encoder_decoder", vin, vout, 4, seed=0)
    W_xh = 10.0 * np.eye(4)
    W_hy = np.zeros((4, 4))
    W_hy[2, 0], W_hy[3, 0] = 10.0, 9.5  # after <start>: a slightly above b, the rest far below
    W_hy[0, 0] = W_hy[1, 0] = -10.0
    W_hy[:, 2] = 0.0  # after a: all four equally likely (unsure)
    W_hy[1, 3], W_hy[0, 3], W_hy[2, 3], W_hy[3, 3] = 10.0, -10.0, -10.0, -10.0  # after b: <end>, surely
    W_hy[1, 1] = 10.0
    dec = replace(m.dec, W_hh=np.zeros((4, 4)), W_xh=W_xh, W_hy=W_hy, b_h=np.zeros(4), b_y=np.zeros(4))
    m = replace(m, dec=dec)
    greedy, wide = decoding.beam_search(m, np.array([0]), 1), decoding.beam_search(m, np.array([0]), 2)
    assert m.vocab_out.decode(list(greedy.best))[0] == "a"
    assert m.vocab_out.decode(list(wide.best)) == ["b", END]
    assert wide.best_score > greedy.best_score
