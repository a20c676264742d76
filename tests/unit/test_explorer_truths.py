"""The explorer's claims are computed from its numbers (issue 27, items 7, 8, 9 and 13): each test builds the
case where the claim flips.

    7  a probability vector shows its largest entry, and tiny entries are not rounded to 0
    8  the backward pass opens on the last step with a loss, and its sentences name only steps that exist
    9  the embedding map claims closeness only when its two axes keep enough of the spread
    13 numbers mode reads an example when the text is not numbers
"""

import re

import numpy as np
import pytest

from visualizer.content import explorer_notes as notes
from visualizer.data import encoding
from visualizer.labs.explorer import embedding, explore
from visualizer.plots import equations, step_figures

TEXT = "the united states of america"


def _sym(base: str, k: int) -> str:
    return f"{base}_{k}"


def _steps_named(sentence: str) -> list[int]:
    return [int(s) for s in re.findall(r"step (\d+)", sentence)] + [int(s) for s in re.findall(r"_(\d+)", sentence)]


# ---------------------------------------------------------------------------- 7. probability vectors


def test_prob_writes_tiny_values_in_scientific_notation_never_zero():
    assert equations.prob(0.927) == "0.927"
    assert equations.prob(0.0006) == "0.001"  # rounds to a non-zero fixed value: fixed point
    assert equations.prob(2.1e-5) == "2.1\\!\\times\\!10^{-5}"
    assert equations.prob(-3e-7).startswith("-3.0")  # an error entry ŷ − y keeps its sign
    assert equations.prob(0.0) == "0"  # a true zero (the last step's error) stays 0


def test_a_peaked_distribution_shows_its_top_entry_and_no_all_zero_column():
    p = np.full(129, 1e-4)
    p[54] = 1 - p.sum() + p[54]  # 0.9872 on token 55, the rest tiny: the shown slice used to read 0, 0, 0, ⋮, 0
    rows = equations.vector_rows(p)
    assert 54 in rows
    tex = equations.matrix(p, rows=rows, digits=3, tiny=True)
    assert equations.prob(p[54]) in tex and "10^{-4}" in tex
    shown = [i for i in rows if i is not None]
    mass = equations.hidden_mass(p, rows)
    assert f"the {129 - len(shown)} entries of" in mass and "sum to" in mass
    # what is shown plus what is named adds up to 1
    named = float(re.search(r"sum to }(.*)$", mass).group(1).replace("\\!\\times\\!10^{", "e").rstrip("}"))
    assert float(np.sum(p[shown])) + named == pytest.approx(1.0, abs=1e-3)
    assert equations.hidden_mass(p[:4] / p[:4].sum(), equations.vector_rows(p[:4])) == ""  # nothing elided


def test_step_equations_keep_the_most_likely_token_in_view():
    enc = encoding.encode_text(TEXT, "words", "onehot")
    u = explore.unroll("rnn", enc, explore.make_params("rnn", enc, 6, seed=0, scale=3.0))
    for t in range(1, u.T + 1):
        p = u.trace.probs[t - 1]
        out = equations.step_equations(
            u.params, u.trace, t, tokens=enc.tokens, vocab_tokens=enc.vocab.tokens, ids=enc.ids
        ).output[0]
        vector = out.split("= \\left[")[-1]
        assert equations.prob(p.max()) in vector.split("\\quad")[0]  # the top entry is in the vector itself


# ---------------------------------------------------------------------------- 8. the backward pass


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_backward_opens_on_the_last_step_with_a_loss(cell):
    enc = encoding.encode_text(TEXT, "words", "onehot")
    u = explore.unroll(cell, enc, explore.make_params(cell, enc, 6, seed=0))
    assert u.T == 5 and u.backward_start == 4
    assert u.loss.terms[u.backward_start - 1] > 0 and u.loss.terms[u.T - 1] == 0  # the opening step has a loss
    assert np.all(u.dh[u.T - 1] == 0)  # the step it skips is all zero
    enc1 = encoding.encode_text("hello", "words", "onehot")
    one = explore.unroll(cell, enc1, explore.make_params(cell, enc1, 6))
    assert one.loss.last_scored is None and one.backward_start == 1


@pytest.mark.parametrize(("t", "T", "last"), [(5, 5, 4), (4, 5, 4), (3, 5, 4), (1, 5, 4), (1, 1, None), (2, 2, 1)])
def test_backward_headline_names_only_steps_that_exist(t, T, last):
    said = notes.backward_headline(t, T, last, _sym)
    assert said.startswith(f"**Step {t} of {T}, backward:**")
    assert all(0 <= k <= T for k in _steps_named(said)), said
    if last is None or t > last:
        assert "nothing flows back" in said or "no loss" in said
        assert "enters at" not in said or "no error enters" in said
    else:
        assert f"the error of step {t} enters at ŷ_{t}" in said
    if last is not None and t < last:
        assert f"joins what flows back from step {t + 1}" in said
    if last is not None and t == last < T:
        assert f"nothing flows back from step {t + 1}: it has no loss" in said
    if t == 1 and last is not None:
        assert "the pass ends here" in said


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_backward_equations_at_the_last_step_name_no_step_after_it(cell):
    enc = encoding.encode_text(TEXT, "words", "onehot")
    u = explore.unroll(cell, enc, explore.make_params(cell, enc, 6, seed=0))
    for t in (u.T - 1, u.T):
        if cell == "rnn":
            lines = " ".join(equations.backward_equations(u.params, u.steps, t))
        else:
            lines = " ".join(equations.gated_backward_equations(u.gated, t))
        assert f"step {u.T + 1}" not in lines
        if t == u.T:
            assert "nothing flows back from later" in lines
        else:
            assert f"what step {t + 1} sends back" in lines or f"\\delta_{{{t + 1}}}" in lines


# ---------------------------------------------------------------------------- 9. the embedding map


def test_projection_keeps_the_spread_it_reports():
    flat = np.c_[np.arange(6.0), np.arange(6.0) * 0.5, np.zeros(6)]  # all spread in one direction
    assert embedding.project(flat).kept == pytest.approx(1.0)
    rng = np.random.default_rng(0)
    noise = rng.standard_normal((120, 48))  # spread over 48 directions: two keep little
    assert embedding.project(noise).kept < 0.15
    assert embedding.project(np.ones((3, 4))).kept == 0.0  # no spread at all


def test_nearest_is_measured_in_the_full_space_not_on_the_map():
    # a and b differ only in a third direction the map drops; c sits near a on the map but points away
    vecs = np.array([[1.0, 0.0, 5.0], [1.0, 0.1, 5.0], [1.1, 0.0, -5.0], [-3.0, 2.0, 0.0], [0.0, -3.0, 0.0]])
    assert embedding.nearest(vecs, list("abcde"), "a", k=1)[0][0] == "b"


def test_chance_level_falls_with_the_dimension():
    assert embedding.chance_nearest(100, 4) > embedding.chance_nearest(100, 64) > 0
    assert embedding.chance_nearest(1, 8) == 0.0


@pytest.mark.parametrize("share", [notes.MAP_FAITHFUL - 0.01, notes.MAP_FAITHFUL])
def test_the_map_claims_closeness_only_when_it_keeps_enough_spread(share):
    title = notes.embedding_title(share)
    caption = notes.embedding_caption(share, 48, 0.4, [("united", "when", 0.3)], trained=True)
    faithful = share >= notes.MAP_FAITHFUL
    assert ("near ≈ similar" in title) == faithful
    assert ("rough shadow" in caption) == (not faithful)
    assert f"{100 * share:.0f} %" in title and f"{100 * share:.0f} %" in caption
    assert "end up close together" not in caption


def test_the_caption_compares_the_table_with_chance():
    pairs = [("united", "when", 0.30), ("of", "dinner", 0.45)]
    said = lambda chance: notes.embedding_caption(0.09, 48, chance, pairs, trained=True)  # noqa: E731
    assert "No pair in the table is more alike than chance" in said(0.5)
    assert "1 of the 2 pairs are more alike than chance (of–dinner)" in said(0.4)
    assert "Every pair in the table is more alike than chance" in said(0.2)
    assert "random (untrained)" in notes.embedding_caption(0.9, 8, 0.5, pairs, trained=False)


def test_the_figure_title_follows_the_spread_kept():
    flat = np.c_[np.arange(4.0), np.zeros(4)]
    assert "near ≈ similar" in step_figures.embedding_map(flat, list("abcd")).layout.title.text
    noise = np.random.default_rng(1).standard_normal((60, 40))
    title = step_figures.embedding_map(noise, [str(i) for i in range(60)]).layout.title.text
    assert "distances are rough" in title and "near ≈ similar" not in title


# ---------------------------------------------------------------------------- 13. numbers mode


def test_numbers_mode_reads_an_example_when_the_text_is_not_numbers():
    text, why = explore.text_to_read(TEXT, "numbers")
    assert text == explore.NUMBERS_EXAMPLE and "'the'" in why and "not a number" in why
    assert encoding.tokenize(text, "numbers")  # the example itself reads
    assert explore.text_to_read("1, 2 3", "numbers") == ("1, 2 3", None)
    assert explore.text_to_read(TEXT, "words") == (TEXT, None)
    assert explore.NUMBERS_EXAMPLE in notes.numbers_notice(why, text)
