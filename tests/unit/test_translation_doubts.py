"""When the translator's answer is doubtful the page says why: each reason is measured, and flips where it should."""

from dataclasses import replace

import numpy as np
import pytest

from visualizer.content import translation_doubts
from visualizer.labs.sequences import seqinfer, seqtasks


@pytest.fixture(scope="module")
def att():
    return seqtasks.load_shipped("encoder_decoder", True)


@pytest.fixture(scope="module")
def reach():
    return seqtasks.reach(seqtasks.load_dataset("encoder_decoder").train)


def _doubt(model, reach, text: str, table=None) -> seqinfer.Doubt:
    return seqinfer.doubt(seqinfer.answer(model, text), reach, table)


def test_the_gender_words_are_read_from_the_training_data(reach):
    assert reach.cues == {
        "he": "m",
        "boy": "m",
        "brother": "m",
        "man": "m",
        "king": "m",
        "she": "f",
        "girl": "f",
        "sister": "f",
        "woman": "f",
        "queen": "f",
    }
    assert reach.longest == 11


def test_a_clean_translation_has_no_doubt(att, reach):
    for text in ("a boy who likes", "a girl who likes", "the girl who likes football went home"):
        d = _doubt(att.model, reach, text)
        assert not d.found and not translation_doubts.doubt_notes(d), text


def test_no_subject_means_the_gender_is_a_guess(att, reach):
    d = _doubt(att.model, reach, "who likes")
    assert d.cue_genders == () and d.output_genders and d.gender_guessed
    assert ("", "who") in d.new_pairs  # no training input started with "who"
    notes = " ".join(translation_doubts.doubt_notes(d))
    assert "is a guess" in notes and "no training input started with “who”" in notes


def test_two_subjects_of_two_genders(att, reach):
    d = _doubt(att.model, reach, "the boy and the girl")
    assert d.cue_genders == ("m", "f") and d.found
    assert "both a male and a female subject" in " ".join(translation_doubts.doubt_notes(d))


def test_a_word_order_never_trained_on(att, reach):
    d = _doubt(att.model, reach, "a boy who likes went home")
    assert d.new_pairs == (("likes", "went"),)
    assert "“likes” was never followed by “went”" in " ".join(translation_doubts.doubt_notes(d))
    # a subject word stands for any: "he slept" is in order though "he" never came right before "slept"
    assert _doubt(att.model, reach, "he slept").new_pairs == ()


def test_longer_than_any_training_input(att, reach):
    assert not _doubt(att.model, reach, "my sister from prague who likes music went to school today").too_long
    d = _doubt(att.model, reach, "my sister from prague who likes music went to school today " + "today")
    assert d.too_long == 11 and "longer than any it was trained on (11 words)" in translation_doubts.doubt_notes(d)[-1]


def _with_outputs(ans: seqinfer.Answer, words: list[str], p_top: float = 0.99) -> seqinfer.Answer:
    """The same run with other written words (the decoder's steps), each with probability p_top."""
    S = len(ans.reading.words)
    V = len(ans.out_probs[S])
    probs = [np.full(V, (1 - p_top) / (V - 1)) for _ in words]
    for p, k in zip(probs, range(len(words))):
        p[k] = p_top
    return replace(ans, out_labels=(None,) * S + tuple(words), out_probs=(None,) * S + tuple(probs))


def test_mixed_and_lost_gender_flip_the_doubt(att, reach):
    ans = seqinfer.answer(att.model, "a boy who likes")
    assert not seqinfer.doubt(_with_outputs(ans, ["chlapec", "který", "rád", "<end>"]), reach).found
    mixed = seqinfer.doubt(_with_outputs(ans, ["chlapec", "který", "ráda", "<end>"]), reach)
    assert mixed.mixed and not mixed.disagrees
    lost = seqinfer.doubt(_with_outputs(ans, ["chlapec", "která", "ráda", "<end>"]), reach)
    assert lost.disagrees and not lost.mixed
    assert "masculine, but the translation uses feminine forms" in " ".join(translation_doubts.doubt_notes(lost))


@pytest.mark.parametrize("p_top,unsure", [(seqinfer.CONFIDENT + 0.01, False), (seqinfer.CONFIDENT - 0.01, True)])
def test_an_unsure_word_flips_at_the_threshold(att, reach, p_top, unsure):
    ans = _with_outputs(seqinfer.answer(att.model, "a boy who likes"), ["chlapec", "který", "rád", "<end>"], p_top)
    d = seqinfer.doubt(ans, reach)
    assert bool(d.unsure) is unsure and d.found is unsure
    if unsure:
        assert d.unsure[0] == (1, "chlapec", pytest.approx(p_top))
        assert "word 1 “chlapec” (p = 0.49)" in translation_doubts.doubt_notes(d)[0]


def test_a_length_where_the_network_was_weak(att, reach):
    lo, hi = np.array([2, 5]), np.array([4, 11])
    text = "the girl who likes football went home"  # 7 words
    assert _doubt(att.model, reach, text, (lo, hi, np.array([0.9, 0.5]))).weak_length is None
    d = _doubt(att.model, reach, text, (lo, hi, np.array([0.9, 0.49])))
    assert d.weak_length == (5, 11, 0.49)
    assert "sentences of 5–11 words this network was exactly right only 49%" in translation_doubts.doubt_notes(d)[0]


def test_held_out_translations_are_flagged_exactly_when_wrong(att, reach):
    """On the held-out split the attention model's wrong answers all carry a doubt and its right ones none."""
    test = seqtasks.load_dataset("encoder_decoder").test
    table = (att.extra["len_lo"], att.extra["len_hi"], att.extra["acc_attention"])
    for ex in test:
        ans = seqinfer.answer(att.model, " ".join(ex.src))
        assert seqinfer.doubt(ans, reach, table).found == (ans.text != " ".join(ex.tgt)), ex.src
