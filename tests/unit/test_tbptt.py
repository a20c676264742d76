"""Truncated BPTT laid out as the trainer runs it, perplexity, and their sentences on the Train page."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from visualizer.content import training_extras_notes as notes
from visualizer.data.corpus import build_corpus
from visualizer.labs.training import tbptt, train
from visualizer.plots import tbptt_figures

# ---------------------------------------------------------------------------- windows, as the trainer reads them


@given(st.integers(20, 200), st.integers(1, 8), st.integers(2, 12))
def test_stream_starts_are_the_trainers(n, batch, window):
    text = "".join(chr(97 + i % 7) for i in range(n))
    trainer = train.Trainer(build_corpus(text, "chars"), train.TrainConfig(window=min(window, n - 1), batch=batch))
    assert np.array_equal(tbptt.stream_starts(n, batch), trainer.positions)


def test_windows_are_what_the_trainer_reads_next_step_after_step():
    corpus = build_corpus("the quick brown fox jumps over the lazy dog " * 3, "chars")
    trainer = train.Trainer(corpus, train.TrainConfig(window=7, batch=3, hidden=8))
    wins = tbptt.windows(corpus.ids, corpus.vocab.tokens, 7, start=int(trainer.positions[0]), count=4)
    for w in wins:
        inputs, _ = trainer._window()
        assert w.tokens == tuple(corpus.vocab.decode(inputs[:, 0]))  # stream 1's window this step
        assert w.start == trainer.positions[0]
        trainer.step()
    assert [w.step for w in wins] == [1, 2, 3, 4]


def test_windows_wrap_at_the_end_of_the_text():
    ids = np.arange(5)
    names = list("abcde")
    (w1, w2) = tbptt.windows(ids, names, 3, start=3, count=2, first_step=10)
    assert w1.tokens == ("d", "e", "a") and w2.start == 1 and w2.tokens == ("b", "c", "d")
    assert (w1.step, w2.step) == (10, 11)
    with pytest.raises(ValueError):
        tbptt.windows(np.arange(1), ["a"], 3)


def test_steps_per_pass():
    assert tbptt.steps_per_pass(1000, 25, 16) == 3  # 400 tokens per step
    assert tbptt.steps_per_pass(400, 25, 16) == 1
    assert tbptt.steps_per_pass(401, 25, 16) == 2


# ---------------------------------------------------------------------------- perplexity


@given(st.integers(1, 500))
def test_a_uniform_guess_among_k_has_perplexity_k(k):
    p = np.full(k, 1.0 / k)
    mean_loss = float(-np.log(p[0]))  # every step the same: L_t = log k
    assert tbptt.perplexity(mean_loss) == pytest.approx(k)


def test_perplexity_is_exp_of_the_mean_not_the_mean_of_exps():
    losses = np.array([0.5, 2.0, 1.0])
    assert tbptt.perplexity(float(losses.mean())) == pytest.approx(math.exp(losses.mean()))
    assert tbptt.perplexity(float(losses.mean())) < np.mean(np.exp(losses))
    assert tbptt.perplexity(float("nan")) == math.inf and tbptt.perplexity(1e6) == math.inf


def test_the_perplexity_sentence_flips_with_its_numbers():
    s = notes.perplexity_sentence(12.4, "chars", 40)
    assert "uniform choice among 12 characters" in s and "out of the 40" in s and "exp(mean L_t) = 12.4" in s
    assert "among 3 words" in notes.perplexity_sentence(2.6, "words", 500)
    worse = notes.perplexity_sentence(40.2, "chars", 40)
    assert "no better than guessing uniformly among all 40" in worse and "out of the" not in worse
    assert "almost certain of every next character" in notes.perplexity_sentence(1.2, "chars", 40)
    assert "almost certain of every next word" in notes.perplexity_sentence(1.4, "words", 40)
    assert "among 2 words" in notes.perplexity_sentence(1.5, "words", 40)  # rounds half to even: 2
    assert "infinite" in notes.perplexity_sentence(math.inf, "chars", 40)


def test_the_tbptt_sentence_states_the_trainers_numbers():
    s = notes.tbptt_sentence(25, 16, 69_467, "chars", tbptt.steps_per_pass(69_467, 25, 16), 1)
    assert "T = 25 characters" in s and "16 streams" in s and "69,467 characters once every 174 steps" in s
    assert "h_0 = 0" in s
    later = notes.tbptt_sentence(1, 1, 2, "words", 1, 42)
    assert "T = 1 word:" in later and "once every 1 step." in later and "carried over from step 41" in later


# ---------------------------------------------------------------------------- the figure


def test_the_windows_figure_draws_windows_carries_and_stops():
    wins = tbptt.windows(np.arange(30), [f"w{i}" for i in range(30)], 10, count=3)
    spec = tbptt_figures.windows_figure(wins, level="words", batch=4).to_dict()
    tokens = next(t for t in spec["data"] if t["name"] == "tokens")
    assert len(tokens["x"]) == 30
    assert "token 12 of the text: w11" in tokens["hovertext"][11]
    carry = next(t for t in spec["data"] if t["name"] == "hidden state carried")
    assert sum(v is None for v in carry["x"]) == 2  # two carries between three windows
    stops = [s for s in spec["layout"]["shapes"] if s["type"] == "line"]
    assert len(stops) == 3 and all(s["x0"] == -0.5 for s in stops)  # a stop bar at every window's start
    texts = [a.get("text", "") for a in spec["layout"]["annotations"]]
    assert sum("stops at the window's start" in t for t in texts) == 3
    assert sum("h carried into step" in t for t in texts) == 2
    assert "T = 10 (stream 1 of 4)" in spec["layout"]["title"]["text"]
    assert spec["layout"]["xaxis"]["title"]["text"] and list(spec["layout"]["yaxis"]["ticktext"])[0].startswith(
        "step 1"
    )
